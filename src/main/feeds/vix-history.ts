// The CBOE's VIX history as the user downloads it (VIX_History.csv: `DATE,OPEN,HIGH,LOW,CLOSE`, dates MM/DD/YYYY),
// read into daily closes by New York date. The options strategy skips a day when the previous session's VIX close is
// high, and prices synthetic options with σ from it; a day the file does not cover is refused by name rather than
// filled in, because a guessed volatility would be a made-up backtest.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type DayNumber, dayFromIsoDate, isoDate } from '../market/nyse-holidays';
import { BarDataError, DataFileError, quoteCell } from './errors';

export interface VolatilityHistory {
  /** Where the closes came from, for reports (e.g. `VIX_History.csv (CBOE VIX)`). */
  readonly source: string;
  /** Days with a close, ascending. */
  readonly days: Int32Array;
  /** Closes in index points (20 = 20% annualised volatility), aligned with `days`. */
  readonly closes: Float64Array;
}

const HEADER = ['DATE', 'OPEN', 'HIGH', 'LOW', 'CLOSE'];

export function readVixHistory(path: string): VolatilityHistory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DataFileError(`cannot read the VIX file ${path}: ${(error as Error).message}`);
  }
  return parseVixHistory(text, basename(path));
}

export function parseVixHistory(text: string, file: string): VolatilityHistory {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '')
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((h) => h.trim().toUpperCase());
  if (HEADER.some((name, i) => header[i] !== name)) {
    throw new BarDataError(
      file,
      1,
      undefined,
      `the header is ${quoteCell(lines[0] ?? '', 60)}; a CBOE VIX history starts DATE,OPEN,HIGH,LOW,CLOSE`,
    );
  }
  const days: number[] = [];
  const closes: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    const cells = line.split(',');
    const lineNo = i + 1;
    const date = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec((cells[0] ?? '').trim());
    if (date === null) {
      throw new BarDataError(file, lineNo, 'DATE', `${quoteCell(cells[0] ?? '')} is not a date MM/DD/YYYY`);
    }
    const [, mm, dd, yyyy] = date as unknown as [string, string, string, string];
    const iso = `${yyyy}-${mm.padStart(2, '0')}-${dd.padStart(2, '0')}`;
    const day = calendarDayOf(iso);
    if (day === undefined) {
      throw new BarDataError(file, lineNo, 'DATE', `${quoteCell(cells[0] ?? '')} is not a calendar date`);
    }
    const close = Number((cells[4] ?? '').trim());
    if (cells.length < 5 || !(close > 0) || !Number.isFinite(close)) {
      throw new BarDataError(file, lineNo, 'CLOSE', `${quoteCell(cells[4] ?? '')} is not a positive number`);
    }
    const previous = days[days.length - 1];
    if (previous !== undefined && day <= previous) {
      throw new BarDataError(
        file,
        lineNo,
        'DATE',
        `${iso} does not come after ${isoDate(previous)}; the file must be in date order, each day once`,
      );
    }
    days.push(day);
    closes.push(close);
  }
  if (days.length === 0)
    throw new BarDataError(file, undefined, undefined, 'the file has no rows after its header');
  return { source: `${file} (CBOE VIX)`, days: Int32Array.from(days), closes: Float64Array.from(closes) };
}

function calendarDayOf(iso: string): DayNumber | undefined {
  try {
    const day = dayFromIsoDate(iso);
    return isoDate(day) === iso ? day : undefined;
  } catch {
    return undefined;
  }
}

/** Index of the last day ≤ `day`, or −1. */
function lastAtOrBefore(history: VolatilityHistory, day: DayNumber): number {
  let lo = 0;
  let hi = history.days.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((history.days[mid] as number) <= day) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The close on exactly `day`, or undefined when the file has no row for it. */
export function closeOn(history: VolatilityHistory, day: DayNumber): number | undefined {
  const i = lastAtOrBefore(history, day);
  return i >= 0 && history.days[i] === day ? history.closes[i] : undefined;
}

/**
 * The first of `tradingDays` (ascending) the file has no close for, or null when it covers them all. Callers pass
 * the days whose previous session they need, so the check names the day the user must add.
 */
export function firstMissingDay(
  history: VolatilityHistory,
  tradingDays: readonly DayNumber[],
): string | null {
  for (const day of tradingDays) if (closeOn(history, day) === undefined) return isoDate(day);
  return null;
}
