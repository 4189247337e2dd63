// Throwaway: the engine reading a file and the calendar; lint must refuse both.
import { readFileSync } from 'node:fs';
import { DAY_MS } from '../market/new-york-time';

export const violation = [readFileSync, DAY_MS];
