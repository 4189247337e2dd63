// The ordered list of schema migrations; append new files here, never edit an applied one.
import { settings } from './0001-settings';
import { backtestRuns } from './0002-backtest-runs';
import { sessions } from './0003-sessions';
import type { Migration } from './types';

export type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [settings, backtestRuns, sessions];
