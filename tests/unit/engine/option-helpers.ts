// Hand-made option quotes, sessions and a scripted options strategy for the options engine's tests.
import type {
  OptionIntent,
  OptionQuoteSource,
  OptionStrategy,
  OptionStrategyContext,
  SessionClock,
} from '../../../src/main/engine/option-desk';
import type { BarSeries } from '../../../src/shared/domain/bars';
import type { OptionDayDecision, OptionListing, OptionQuote } from '../../../src/shared/domain/options';

export const MINUTE = 60_000;
export const BAR_MS = 30 * MINUTE;
/** 2024-01-02, a Tuesday; sessions here are 14:30–16:30 UTC, four 30-minute bars (short, to count by hand). */
export const DAY1 = Date.UTC(2024, 0, 2);
export const DAY2 = Date.UTC(2024, 0, 3);
export const OPEN_OFFSET = 14.5 * 60 * MINUTE;
export const CLOSE_OFFSET = 16.5 * 60 * MINUTE;

/** The SPY 470 put expiring on 2024-01-02 (day 1) and 2024-01-03 (day 2). */
export const PUT_D1 = 'SPY240102P00470000';
export const PUT_D2 = 'SPY240103P00470000';

/** The session of a time: its UTC date, 14:30–16:30. */
export function testSession(time: number): SessionClock {
  const start = Math.floor(time / 86_400_000) * 86_400_000;
  return {
    day: new Date(start).toISOString().slice(0, 10),
    openTime: start + OPEN_OFFSET,
    closeTime: start + CLOSE_OFFSET,
  };
}

/** Bar start times of a session: 14:30, 15:00, 15:30, 16:00 (the last closes at 16:30, the session's close). */
export function sessionBars(day: number): number[] {
  return [0, 1, 2, 3].map((k) => day + OPEN_OFFSET + k * BAR_MS);
}

/** Underlying bars at the given start times and closes (open = high = low = close). */
export function underlying(times: readonly number[], closes: readonly number[], symbol = 'SPY'): BarSeries {
  const n = times.length;
  const column = (values: readonly number[]) => Float64Array.from(values);
  return {
    symbol,
    timeframe: '15m',
    length: n,
    time: column(times),
    open: column(closes),
    high: column(closes),
    low: column(closes),
    close: column(closes),
    volume: column(times.map(() => 1000)),
  };
}

/**
 * Quotes by symbol and decision time (a bar's close): `[bid, ask]`, or absent for no quote. Listed: one expiry per
 * day (the day of the time asked, and the next day) with strikes 465–475; `listing: false` answers "unknown chain".
 */
export function scriptedQuotes(
  table: Readonly<Record<string, Readonly<Record<number, readonly [number, number]>>>>,
  options: { listing?: boolean } = {},
): OptionQuoteSource & { asked: number } {
  const source = {
    label: 'hand-made test quotes',
    synthetic: true,
    asked: 0,
    listed(root: string, time: number): OptionListing | undefined {
      if (options.listing === false) return undefined;
      const day = Math.floor(time / 86_400_000) * 86_400_000;
      const strikes = [465, 466, 467, 468, 469, 470, 471, 472, 473, 474, 475];
      return {
        underlying: root,
        expiries: [
          { expiry: new Date(day).toISOString().slice(0, 10), strikes },
          { expiry: new Date(day + 86_400_000).toISOString().slice(0, 10), strikes },
        ],
      };
    },
    quote(symbol: string, time: number, underlyingPrice: number): OptionQuote | undefined {
      source.asked++;
      const pair = table[symbol]?.[time];
      if (pair === undefined) return undefined;
      return { symbol, bid: pair[0], ask: pair[1], time, underlyingPrice };
    },
  };
  return source;
}

export interface Seen {
  index: number;
  time: number;
  day: string;
  cash: number;
  equity: number;
  dayPnl: number;
  workingOrders: number;
  holdings: { symbol: string; contracts: number; bid: number }[];
}

/** Returns the given intents at the given bar indexes, records what it saw, and reports a decision per bar given. */
export function scriptedOptions(
  script: Readonly<Record<number, readonly OptionIntent[]>>,
  decisions: Readonly<Record<number, OptionDayDecision>> = {},
): OptionStrategy & { seen: Seen[] } {
  const seen: Seen[] = [];
  let pending: OptionDayDecision[] = [];
  return {
    seen,
    onBar(ctx: OptionStrategyContext) {
      seen.push({
        index: ctx.bar.index,
        time: ctx.time,
        day: ctx.session.day,
        cash: ctx.cash,
        equity: ctx.equity,
        dayPnl: ctx.dayPnl,
        workingOrders: ctx.workingOrders,
        holdings: ctx.holdings.map((h) => ({ symbol: h.symbol, contracts: h.contracts, bid: h.bid })),
      });
      const decision = decisions[ctx.bar.index];
      if (decision !== undefined) pending.push(decision);
      return script[ctx.bar.index];
    },
    takeDecisions() {
      const taken = pending;
      pending = [];
      return taken;
    },
  };
}

export function buyPut(symbol: string, contracts: number, extra: Partial<OptionIntent> = {}): OptionIntent {
  return { symbol, side: 'buy', purpose: 'open', contracts, type: 'market', reason: 'test entry', ...extra };
}

export function sellPut(symbol: string, contracts: number, extra: Partial<OptionIntent> = {}): OptionIntent {
  return { symbol, side: 'sell', purpose: 'close', contracts, type: 'market', reason: 'test exit', ...extra };
}
