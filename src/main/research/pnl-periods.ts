// P&L by day, week, month and year (freqtrade's --breakdown), for backtests and sessions alike, from the full
// equity curve (mark to market) and the closed trades. Pure: the handlers read the stored curve and trades.
// Days are the calendar's: the New York date of a time for US equities, the UTC date for crypto; a daily bar is
// stamped 00:00 UTC of its date, so a daily curve is dated by UTC whatever the calendar. Weeks are ISO weeks
// (Monday to Sunday, the week belongs to the year of its Thursday).
import { z } from 'zod';
import { TIMEFRAMES, type Timeframe } from '../../shared/domain/bars';
import type { PnlByPeriod, PnlPeriod, PnlPeriodRow } from '../../shared/domain/research';
import { calendarDay, type MarketCalendar } from '../market/calendar';
import { DAY_MS, isoDateOfDay, weekdayOfDay } from '../market/new-york-time';

export interface EquityCurve {
  readonly time: ArrayLike<number>;
  readonly equity: ArrayLike<number>;
}

/** What a period needs of a trade: when it closed and what it made (net of fees). */
export interface ClosedTrade {
  readonly exitTime: number;
  readonly pnl: number;
}

/** The date (days since 1970-01-01) a curve point or trade exit belongs to. */
export type DayOf = (time: number) => number;

export function periodDayOf(calendar: MarketCalendar, timeframe: Timeframe): DayOf {
  if (timeframe === '1D') return (time) => Math.floor(time / DAY_MS);
  return (time) => calendarDay(calendar, time);
}

/** A period: a sortable key, the first date it covers, and its label. */
interface PeriodOf {
  key(day: number): number;
  firstDay(key: number): number;
  label(key: number): string;
}

const yearOf = (day: number): number => Number(isoDateOfDay(day).slice(0, 4));
const monthIndexOf = (day: number): number => {
  const iso = isoDateOfDay(day);
  return Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
};
/** The Monday of `day`'s ISO week. */
const mondayOf = (day: number): number => day - ((weekdayOfDay(day) + 6) % 7);

const PERIODS: Readonly<Record<PnlPeriod, PeriodOf>> = {
  day: { key: (day) => day, firstDay: (day) => day, label: (day) => isoDateOfDay(day) },
  week: {
    key: mondayOf,
    firstDay: (monday) => monday,
    label(monday) {
      // The ISO year is the year of the week's Thursday; week 1 holds the year's first Thursday.
      const thursday = monday + 3;
      const year = yearOf(thursday);
      const firstThursday = mondayOf(daysOfYearStart(year) + 3) + 3;
      const week = Math.floor((thursday - firstThursday) / 7) + 1;
      return `${year}-W${week < 10 ? `0${week}` : week}`;
    },
  },
  month: {
    key: monthIndexOf,
    firstDay: (index) => daysOfYearStart(Math.floor(index / 12), (index % 12) + 1),
    label: (index) => {
      const month = (index % 12) + 1;
      return `${Math.floor(index / 12)}-${month < 10 ? `0${month}` : month}`;
    },
  },
  year: { key: yearOf, firstDay: (year) => daysOfYearStart(year), label: (year) => String(year) },
};

/** Days since 1970-01-01 of the first of `month` (1–12) of `year`. */
function daysOfYearStart(year: number, month = 1): number {
  // Date.UTC is exact for whole dates; only the date part is used.
  return Math.round(Date.UTC(year, month - 1, 1) / DAY_MS);
}

/**
 * The rows of one period kind, oldest first. A period's P&L is the equity at its last point less the equity at
 * the previous period's last point (the starting equity for the first): the rows add up to the whole run's P&L.
 * Periods without a curve point (weekends, holidays) have no row; a trade closing in one still gets a row (P&L 0).
 */
function rowsOf(
  period: PeriodOf,
  curve: EquityCurve,
  trades: readonly ClosedTrade[],
  startEquity: number,
  dayOf: DayOf,
): PnlPeriodRow[] {
  const ends = new Map<number, number>(); // key → equity at the period's last point
  // Consecutive points share a day: the key is worked out once a day (a million-bar intraday curve stays cheap).
  let day = Number.NaN;
  let key = 0;
  for (let i = 0; i < curve.time.length; i++) {
    const pointDay = dayOf(curve.time[i]!);
    if (pointDay !== day) {
      day = pointDay;
      key = period.key(day);
    }
    ends.set(key, curve.equity[i]!);
  }
  const counts = new Map<number, { trades: number; wins: number }>();
  for (const trade of trades) {
    const key = period.key(dayOf(trade.exitTime));
    const count = counts.get(key) ?? { trades: 0, wins: 0 };
    count.trades++;
    if (trade.pnl > 0) count.wins++;
    counts.set(key, count);
  }
  const keys = [...new Set([...ends.keys(), ...counts.keys()])].sort((a, b) => a - b);
  const rows: PnlPeriodRow[] = [];
  let base = startEquity;
  for (const periodKey of keys) {
    const end = ends.get(periodKey) ?? base;
    const count = counts.get(periodKey) ?? { trades: 0, wins: 0 };
    rows.push({
      start: period.firstDay(periodKey) * DAY_MS,
      label: period.label(periodKey),
      pnl: end - base,
      returnPct: base > 0 ? (end - base) / base : null,
      trades: count.trades,
      wins: count.wins,
    });
    base = end;
  }
  return rows;
}

/**
 * P&L by day, week, month and year. `startEquity` is what the run began with (the starting cash), so the first
 * period counts its first bar too; without it the first point of the curve is the base.
 * `start` of a row is 00:00 UTC of the period's first calendar date (the Monday, the 1st, 1 January).
 */
export function pnlByPeriod(
  curve: EquityCurve,
  trades: readonly ClosedTrade[],
  dayOf: DayOf,
  startEquity?: number,
): PnlByPeriod {
  const base = startEquity ?? (curve.equity.length > 0 ? curve.equity[0]! : 0);
  return {
    day: rowsOf(PERIODS.day, curve, trades, base, dayOf),
    week: rowsOf(PERIODS.week, curve, trades, base, dayOf),
    month: rowsOf(PERIODS.month, curve, trades, base, dayOf),
    year: rowsOf(PERIODS.year, curve, trades, base, dayOf),
  };
}

export const NO_PERIODS: PnlByPeriod = { day: [], week: [], month: [], year: [] };

/** What the periods need of a stored run's config (backtest or session), with the run config's defaults. */
const periodSettingsSchema = z.object({
  cash: z.number().positive().default(100_000),
  calendar: z.enum(['us-equities', 'crypto']).default('us-equities'),
  timeframe: z.enum(TIMEFRAMES).optional(),
});

/**
 * P&L by period of a stored run: its full equity curve, its trades, and the starting cash and calendar of its
 * config; `timeframe` is the run's bar size when the config does not hold it (backtests keep it with the data).
 */
export function runPnlByPeriod(
  config: unknown,
  timeframe: Timeframe,
  curve: EquityCurve,
  trades: readonly ClosedTrade[],
): PnlByPeriod {
  const settings = periodSettingsSchema.parse(config);
  return pnlByPeriod(
    curve,
    trades,
    periodDayOf(settings.calendar, settings.timeframe ?? timeframe),
    settings.cash,
  );
}
