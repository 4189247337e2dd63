// The ordered list of schema migrations; append new files here, never edit an applied one.
import { settings } from './0001-settings';
import { backtestRuns } from './0002-backtest-runs';
import { sessions } from './0003-sessions';
import { marketDataCache } from './0004-market-data-cache';
import { brokerJournal } from './0005-broker-journal';
import { fillDecisionPrice } from './0006-fill-decision-price';
import { researchRuns } from './0007-research-runs';
import { backtestRunLabels } from './0008-backtest-run-labels';
import { symbols } from './0009-symbols';
import { models } from './0010-models';
import { priceLines } from './0011-price-lines';
import { orderEventsRunIndex } from './0012-order-events-run-index';
import { optionDays } from './0013-option-days';
import type { Migration } from './types';

export type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [
  settings,
  backtestRuns,
  sessions,
  marketDataCache,
  brokerJournal,
  fillDecisionPrice,
  researchRuns,
  backtestRunLabels,
  symbols,
  models,
  priceLines,
  orderEventsRunIndex,
  optionDays,
];
