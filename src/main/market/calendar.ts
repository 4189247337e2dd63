// The market calendar of a session: when a venue trades, what the top bar says about it, and when the trading day
// (and with it the day-start equity of the daily-loss limit) begins.
//
// Conventions:
// - 'us-equities': the regular session, 09:30–16:00 New York, on weekdays that are not NYSE holidays; 13:00 on early
//   closes (see nyse-holidays.ts). Its trading day is the New York date. Pre-market is 04:00–open and after hours
//   close–20:00 (17:00 on early-close days), as on the US exchanges; they only label the status, nothing trades then.
// - 'crypto': always open; its trading days are UTC dates, each a session from 00:00 to 24:00 UTC, so daily P&L and
//   the daily-loss limit reset at 00:00 UTC. A 24/7 market never opens or closes, so nextOpen and nextClose are null.
// - Times are epoch milliseconds (UTC); a session is the half-open interval [open, close).
// - Dates are days since 1970-01-01 (as in new-york-time.ts) or `YYYY-MM-DD` strings.
import {
  DAY_MS,
  HOUR_MS,
  type MarketCalendar,
  newYorkDay,
  newYorkTimeOfDay,
  newYorkWallToUtc,
  SESSION_CLOSE_MS,
  SESSION_OPEN_MS,
  weekdayOfDay,
} from './new-york-time';
import { type DayNumber, dayFromIsoDate, isoDate, nyseDayKind } from './nyse-holidays';

export type { MarketCalendar } from './new-york-time';
export type { DayNumber } from './nyse-holidays';

export interface TradingSession {
  /** The trading day: the New York date for equities, the UTC date for crypto. */
  readonly day: DayNumber;
  /** `YYYY-MM-DD` of `day`. */
  readonly date: string;
  readonly open: number;
  readonly close: number;
  readonly earlyClose: boolean;
  /** Why the session closes early, e.g. `day after Thanksgiving`. */
  readonly earlyCloseReason?: string;
}

export type MarketState = 'open' | 'closed' | 'pre' | 'post' | 'holiday' | 'weekend';

export interface MarketStatus {
  readonly state: MarketState;
  /** The first session open after now; null for a 24/7 market. */
  readonly nextOpen: number | null;
  /** The close of the session in progress, or of the next one; null for a 24/7 market. */
  readonly nextClose: number | null;
  /** The holiday's name when closed for one, or why today closes early, e.g. `Thanksgiving Day`. */
  readonly reason?: string;
  /** What a top bar shows, in New York time: `open, closes 16:00`, `closed for Thanksgiving Day, opens Fri 09:30`. */
  readonly label: string;
}

/** Extended hours of US equities, as milliseconds after New York midnight: 04:00 to 20:00 (17:00 on early closes). */
export const PRE_MARKET_MS = 4 * HOUR_MS;
export const AFTER_HOURS_END_MS = 20 * HOUR_MS;
export const EARLY_AFTER_HOURS_END_MS = 17 * HOUR_MS;
/** Long enough to cross any run of weekends and holidays (the longest on record is 4 weekdays after 9/11). */
const MAX_DAYS_SEARCHED = 20;

function toDay(date: DayNumber | string): DayNumber {
  return typeof date === 'string' ? dayFromIsoDate(date) : date;
}

/** The date a time falls on in `calendar`'s own time zone (New York for equities, UTC for crypto). */
export function calendarDay(calendar: MarketCalendar, timeMs: number): DayNumber {
  return calendar === 'crypto' ? Math.floor(timeMs / DAY_MS) : newYorkDay(timeMs);
}

/** Whether `date` (a New York date for equities, a UTC date for crypto) has a session. */
export function isTradingDay(calendar: MarketCalendar, date: DayNumber | string): boolean {
  const day = toDay(date);
  if (calendar === 'crypto') return true;
  const weekday = weekdayOfDay(day);
  return weekday !== 0 && weekday !== 6 && nyseDayKind(day)?.kind !== 'holiday';
}

/** The session of `date`, or null when the market does not trade that day. */
export function sessionOnDay(calendar: MarketCalendar, date: DayNumber | string): TradingSession | null {
  const day = toDay(date);
  if (calendar === 'crypto') {
    return { day, date: isoDate(day), open: day * DAY_MS, close: (day + 1) * DAY_MS, earlyClose: false };
  }
  if (!isTradingDay(calendar, day)) return null;
  const kind = nyseDayKind(day);
  const open = newYorkWallToUtc(day, SESSION_OPEN_MS);
  if (kind?.kind === 'early-close') {
    return {
      day,
      date: isoDate(day),
      open,
      close: newYorkWallToUtc(day, kind.closeMsOfDay),
      earlyClose: true,
      earlyCloseReason: kind.name,
    };
  }
  return { day, date: isoDate(day), open, close: newYorkWallToUtc(day, SESSION_CLOSE_MS), earlyClose: false };
}

/** The session of the trading day `timeMs` falls on (whether before, during or after its hours), or null. */
export function sessionFor(calendar: MarketCalendar, timeMs: number): TradingSession | null {
  return sessionOnDay(calendar, calendarDay(calendar, timeMs));
}

export function isMarketOpen(calendar: MarketCalendar, timeMs: number): boolean {
  if (calendar === 'crypto') return true;
  const session = sessionFor(calendar, timeMs);
  return session !== null && timeMs >= session.open && timeMs < session.close;
}

/** The first session whose close is after `timeMs`: the one in progress, or else the next one. */
export function currentOrNextSession(calendar: MarketCalendar, timeMs: number): TradingSession {
  const first = calendarDay(calendar, timeMs);
  for (let day = first; day <= first + MAX_DAYS_SEARCHED; day++) {
    const session = sessionOnDay(calendar, day);
    if (session !== null && session.close > timeMs) return session;
  }
  throw new RangeError(
    `no ${calendar} session within ${MAX_DAYS_SEARCHED} days of ${new Date(timeMs).toISOString()}`,
  );
}

/** The first session whose open is after `timeMs` (so the next day's when the market is open at `timeMs`). */
export function nextSession(calendar: MarketCalendar, timeMs: number): TradingSession {
  const first = calendarDay(calendar, timeMs);
  for (let day = first; day <= first + MAX_DAYS_SEARCHED; day++) {
    const session = sessionOnDay(calendar, day);
    if (session !== null && session.open > timeMs) return session;
  }
  throw new RangeError(
    `no ${calendar} session within ${MAX_DAYS_SEARCHED} days of ${new Date(timeMs).toISOString()}`,
  );
}

/** The last session whose open is at or before `timeMs`: the one in progress, or else the latest one. */
export function currentOrPreviousSession(calendar: MarketCalendar, timeMs: number): TradingSession {
  const first = calendarDay(calendar, timeMs);
  for (let day = first; day >= first - MAX_DAYS_SEARCHED; day--) {
    const session = sessionOnDay(calendar, day);
    if (session !== null && session.open <= timeMs) return session;
  }
  throw new RangeError(
    `no ${calendar} session within ${MAX_DAYS_SEARCHED} days of ${new Date(timeMs).toISOString()}`,
  );
}

/** When the market next opens after `timeMs` (strictly after: while open, the next session's open). */
export function nextOpen(calendar: 'us-equities', timeMs: number): number;
export function nextOpen(calendar: MarketCalendar, timeMs: number): number | null;
export function nextOpen(calendar: MarketCalendar, timeMs: number): number | null {
  return calendar === 'crypto' ? null : nextSession(calendar, timeMs).open;
}

/** When the market next closes after `timeMs`: today's close while open, else the next session's close. */
export function nextClose(calendar: 'us-equities', timeMs: number): number;
export function nextClose(calendar: MarketCalendar, timeMs: number): number | null;
export function nextClose(calendar: MarketCalendar, timeMs: number): number | null {
  return calendar === 'crypto' ? null : currentOrNextSession(calendar, timeMs).close;
}

/**
 * When the trading day in effect at `timeMs` began: the open of the session in progress or of the latest one for
 * equities (so the daily-loss limit resets at the open, and evening losses count towards the day that just traded),
 * 00:00 UTC of the date for crypto.
 */
export function tradingDayStart(calendar: MarketCalendar, timeMs: number): number {
  if (calendar === 'crypto') return Math.floor(timeMs / DAY_MS) * DAY_MS;
  return currentOrPreviousSession(calendar, timeMs).open;
}

/**
 * When the trading day in effect at `timeMs` ends, so the next one begins (see tradingDayStart): the next session's
 * open for equities, the next 00:00 UTC for crypto. The daily-loss limit's day ends here.
 */
export function tradingDayEnd(calendar: MarketCalendar, timeMs: number): number {
  if (calendar === 'crypto') return (Math.floor(timeMs / DAY_MS) + 1) * DAY_MS;
  return nextSession(calendar, timeMs).open;
}

/** The `count`-th trading day after `date` (before it when negative); `count` 0 is `date` itself, trading or not. */
export function addTradingDays(calendar: MarketCalendar, date: DayNumber | string, count: number): DayNumber {
  if (!Number.isInteger(count)) throw new RangeError(`count must be a whole number of days, got ${count}`);
  let day = toDay(date);
  const step = count < 0 ? -1 : 1;
  for (let left = Math.abs(count); left > 0; ) {
    day += step;
    if (isTradingDay(calendar, day)) left--;
  }
  return day;
}

const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

function clockText(msOfDay: number): string {
  const minutes = Math.round(msOfDay / 60_000);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** `09:30` when `timeMs` is on the same New York date as `nowMs`, else `Mon 09:30` (or `Mon Jan 6 09:30` if a week or more away). */
function whenText(nowMs: number, timeMs: number): string {
  const time = clockText(newYorkTimeOfDay(timeMs));
  const today = newYorkDay(nowMs);
  const day = newYorkDay(timeMs);
  if (day === today) return time;
  const weekday = WEEKDAY_NAMES[weekdayOfDay(day)]!;
  if (day - today < 7) return `${weekday} ${time}`;
  const date = new Date(day * DAY_MS);
  const month = date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${weekday} ${month} ${date.getUTCDate()} ${time}`;
}

/** What the market is doing at `timeMs`, with the next open and close and a label for the top bar. */
export function marketStatus(calendar: MarketCalendar, timeMs: number): MarketStatus {
  if (calendar === 'crypto') return { state: 'open', nextOpen: null, nextClose: null, label: 'open 24/7' };
  const day = newYorkDay(timeMs);
  const session = sessionOnDay(calendar, day);
  const upcoming = nextSession(calendar, timeMs);
  const opens = `opens ${whenText(timeMs, upcoming.open)}`;
  if (session === null) {
    const weekday = weekdayOfDay(day);
    const holiday = nyseDayKind(day);
    if (holiday?.kind === 'holiday' && weekday !== 0 && weekday !== 6) {
      return {
        state: 'holiday',
        nextOpen: upcoming.open,
        nextClose: upcoming.close,
        reason: holiday.name,
        label: `closed for ${holiday.name}, ${opens}`,
      };
    }
    return {
      state: 'weekend',
      nextOpen: upcoming.open,
      nextClose: upcoming.close,
      label: `weekend, ${opens}`,
    };
  }
  const early = session.earlyCloseReason === undefined ? {} : { reason: session.earlyCloseReason };
  const earlyNote =
    session.earlyCloseReason === undefined ? '' : ` (early close: ${session.earlyCloseReason})`;
  if (timeMs >= session.open && timeMs < session.close) {
    return {
      state: 'open',
      nextOpen: upcoming.open,
      nextClose: session.close,
      ...early,
      label: `open, closes ${whenText(timeMs, session.close)}${earlyNote}`,
    };
  }
  const ofDay = newYorkTimeOfDay(timeMs);
  if (timeMs < session.open) {
    const state = ofDay >= PRE_MARKET_MS ? 'pre' : 'closed';
    return {
      state,
      nextOpen: upcoming.open,
      nextClose: session.close,
      ...early,
      label: `${state === 'pre' ? 'pre-market' : 'closed'}, ${opens}${earlyNote}`,
    };
  }
  const afterHoursEnd = session.earlyClose ? EARLY_AFTER_HOURS_END_MS : AFTER_HOURS_END_MS;
  const state = ofDay < afterHoursEnd ? 'post' : 'closed';
  return {
    state,
    nextOpen: upcoming.open,
    nextClose: upcoming.close,
    label: `${state === 'post' ? 'after hours' : 'closed'}, ${opens}`,
  };
}
