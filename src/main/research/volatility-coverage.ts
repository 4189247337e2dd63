// Which VIX closes an options backtest reads, and the refusal of a file that lacks one: each trading day of the
// run is skipped or priced on the previous session's close, so every session before a day in the data must be in
// the file. The first day of the data is the warm-up (no previous session in the data) and needs none.
import type { BarColumns } from '../../shared/domain/bars';
import { DataFileError } from '../feeds/errors';
import { firstMissingDay, type VolatilityHistory } from '../feeds/vix-history';
import { addTradingDays, calendarDay, type DayNumber } from '../market/calendar';
import { isoDate } from '../market/nyse-holidays';

/** The New York days the bars fall on, ascending, each once. */
export function sessionDays(bars: BarColumns): DayNumber[] {
  const days: DayNumber[] = [];
  for (let i = 0; i < bars.length; i++) {
    const day = calendarDay('us-equities', bars.time[i]!);
    if (days[days.length - 1] !== day) days.push(day);
  }
  return days;
}

/** The sessions whose close the run reads: the session before each day of the data after the first. */
export function volatilityDaysNeeded(bars: BarColumns): DayNumber[] {
  const needed = new Set<DayNumber>();
  for (const day of sessionDays(bars).slice(1)) needed.add(addTradingDays('us-equities', day, -1));
  return [...needed].sort((a, b) => a - b);
}

/**
 * Refuses a volatility history that lacks a close the run needs, naming the first missing day and the day of the
 * data it is for (a guessed volatility would make up the backtest).
 */
export function checkVolatilityCoverage(
  history: VolatilityHistory,
  bars: BarColumns,
  dataFile: string,
): void {
  const needed = volatilityDaysNeeded(bars);
  const missing = firstMissingDay(history, needed);
  if (missing === null) return;
  const first = isoDate(needed[0]!);
  const last = isoDate(needed[needed.length - 1]!);
  throw new DataFileError(
    `${history.source}: no VIX close for ${missing}; the data (${dataFile}) needs every session's close from ${first} to ${last}`,
  );
}
