// Where an aggregated bar starts and ends, and which bars are finished at a given time — the same buckets as
// aggregate.ts (equities anchored at the 09:30 open, the last hour 15:30–16:00; crypto UTC-aligned), for the code
// that has to know about a bar before or without seeing its last source bar: live grouping, the history cache.
import { TIMEFRAME_MS, type Timeframe } from '../../shared/domain/bars';
import {
  DAY_MS,
  isWeekday,
  type MarketCalendar,
  newYorkDay,
  newYorkTimeOfDay,
  newYorkWallToUtc,
  SESSION_CLOSE_MS,
  SESSION_OPEN_MS,
} from '../market/new-york-time';

/** The open time of the bucket that holds a bar opening at `time`; undefined outside the equity session. */
export function bucketStartAt(
  time: number,
  timeframe: Timeframe,
  calendar: MarketCalendar,
): number | undefined {
  if (calendar === 'crypto') {
    const step = timeframe === '1D' ? DAY_MS : TIMEFRAME_MS[timeframe];
    return Math.floor(time / step) * step;
  }
  if (!isWeekday(newYorkDay(time))) return undefined;
  const ofDay = newYorkTimeOfDay(time);
  if (ofDay < SESSION_OPEN_MS || ofDay >= SESSION_CLOSE_MS) return undefined;
  if (timeframe === '1D') return time - (ofDay - SESSION_OPEN_MS);
  const step = TIMEFRAME_MS[timeframe];
  return time - (ofDay - SESSION_OPEN_MS) + Math.floor((ofDay - SESSION_OPEN_MS) / step) * step;
}

/**
 * When the bar stamped `label` is over (exclusive end). Equities: a 1D bar (stamped 00:00 UTC of its New York date)
 * ends at that day's 16:00 close, an intraday bar at its start plus the timeframe, cut at the close.
 */
export function bucketEndOf(label: number, timeframe: Timeframe, calendar: MarketCalendar): number {
  if (calendar === 'crypto') return label + (timeframe === '1D' ? DAY_MS : TIMEFRAME_MS[timeframe]);
  if (timeframe === '1D') return newYorkWallToUtc(Math.floor(label / DAY_MS), SESSION_CLOSE_MS);
  const close = newYorkWallToUtc(newYorkDay(label), SESSION_CLOSE_MS);
  return Math.min(label + TIMEFRAME_MS[timeframe], close);
}

/**
 * The latest bar stamp whose bar is surely finished at `now`: every bar stamped at or before it is final. Daily bars
 * count as finished once their date is over (New York's date for equities, UTC for crypto), so after-hours
 * corrections are in.
 */
export function lastFinishedLabel(timeframe: Timeframe, calendar: MarketCalendar, now: number): number {
  if (timeframe !== '1D') return now - TIMEFRAME_MS[timeframe];
  const today = calendar === 'crypto' ? Math.floor(now / DAY_MS) : newYorkDay(now);
  return (today - 1) * DAY_MS;
}
