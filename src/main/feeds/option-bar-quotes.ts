// Option quotes from a market's historical option bars (Alpaca's, fetched beforehand: the engine is synchronous), with
// the pricing model as the fallback where there is no bar. At a time t the price is the close of the contract's last
// bar that had *completed* by t (bar start + bar length ≤ t: a bar still forming at t, or one after it, is never
// read — no look-ahead), if that close is at most `stalenessMs` old; bid/ask = that price ∓ the preset's spread/2,
// rounded as the synthetic source rounds (bid down, ask up, to the cent). Every other quote is the model's, counted
// with its reason, so a report can say how much of a run was priced by the market.
//
// The listing stays the model's ($1 strikes, one expiry per trading day): the strategy's choice of contract then
// depends only on the underlying and the day, so the model run and the real-bar run trade the same contracts and the
// bars fetched for the first are the ones the second reads.
import type { OptionListing, OptionQuote } from '../../shared/domain/options';
import type { OptionQuoteSource } from '../engine/option-desk';
import { calendarDay, type MarketCalendar } from '../market/calendar';
import { isoDate } from '../market/nyse-holidays';
import { centsDown, centsUp } from './synthetic-options';

/** Every report's words for where a real-bar run's prices come from. */
export const REAL_BARS_LABEL = 'real option bars from Alpaca where they exist, synthetic elsewhere';

/** Alpaca's historical option bars begin in February 2024; nothing earlier is asked for. */
export const OPTION_BARS_FIRST_DAY = '2024-02-01';

/**
 * A bar's close prices the contract for 15 minutes after the bar has closed. A near-the-money SPY put trades every
 * minute or two; a close older than a quarter of an hour is no longer the market (the underlying moves a dollar in
 * that time on a busy day), so the model is used and counted instead.
 */
export const DEFAULT_STALENESS_MS = 15 * 60_000;

/** One-minute bars: the finest Alpaca has, so the close read is at most a minute behind t when the contract trades. */
export const OPTION_BAR_MS = 60_000;

/** An option bar as the source reads it: its start time (epoch ms) and its close (premium per share). */
export interface OptionBarClose {
  readonly time: number;
  readonly close: number;
}

/** Why a quote came from the model. */
export type FallbackReason = 'before_history' | 'not_fetched' | 'no_recent_bar';

export const FALLBACK_WORDS: Readonly<Record<FallbackReason, string>> = {
  before_history: `before ${OPTION_BARS_FIRST_DAY} (Alpaca has no option bars earlier)`,
  not_fetched: 'contract and day not among those fetched (not traded in the model run)',
  no_recent_bar: 'no bar of the contract closed in the staleness window (no trade)',
};

/** Where one quote (a contract at a time) came from. */
export interface QuoteOrigin {
  readonly symbol: string;
  readonly time: number;
  readonly from: 'bars' | 'model';
  readonly reason?: FallbackReason;
}

export interface BarQuoteConfig {
  /** The pricing model: the listing, and the quote wherever there is no bar. */
  readonly model: OptionQuoteSource;
  /** Bars per OCC symbol, ascending by start time. */
  readonly bars: ReadonlyMap<string, readonly OptionBarClose[]>;
  /** Whether bars of `symbol` were asked for on trading day `day` (YYYY-MM-DD): absent bars then mean no trade. */
  readonly fetched: (symbol: string, day: string) => boolean;
  /** Bid–ask spread as a fraction of the price (the preset's). */
  readonly spread: number;
  readonly barMs?: number;
  readonly stalenessMs?: number;
  readonly calendar?: MarketCalendar;
}

export interface BarQuoteSource extends OptionQuoteSource {
  /** Each contract-and-time quoted so far, once (the engine asks for one quote several times at a close). */
  origins(): readonly QuoteOrigin[];
}

export function barQuoteSource(config: BarQuoteConfig): BarQuoteSource {
  return new BarQuotes(config);
}

/** The close of the last bar completed by `time`, at most `stalenessMs` old; undefined otherwise. */
export function lastCompletedClose(
  bars: readonly OptionBarClose[],
  time: number,
  barMs: number,
  stalenessMs: number,
): number | undefined {
  // The last bar with start + length ≤ time (binary search: bars ascend).
  let lo = 0;
  let hi = bars.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (bars[mid]!.time + barMs <= time) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return undefined;
  const bar = bars[found]!;
  return time - (bar.time + barMs) <= stalenessMs ? bar.close : undefined;
}

class BarQuotes implements BarQuoteSource {
  readonly label: string;
  // Part of every quote is still the model's.
  readonly synthetic = true;
  private readonly barMs: number;
  private readonly stalenessMs: number;
  private readonly calendar: MarketCalendar;
  private readonly seen = new Map<string, QuoteOrigin>();

  constructor(private readonly config: BarQuoteConfig) {
    this.barMs = config.barMs ?? OPTION_BAR_MS;
    this.stalenessMs = config.stalenessMs ?? DEFAULT_STALENESS_MS;
    this.calendar = config.calendar ?? 'us-equities';
    if (!(config.spread >= 0 && config.spread < 2))
      throw new Error(`option bar quotes: spread must be a fraction from 0 to 2 (got ${config.spread})`);
    this.label = `${REAL_BARS_LABEL} (${config.model.label})`;
  }

  listed(underlying: string, time: number): OptionListing | undefined {
    return this.config.model.listed(underlying, time);
  }

  quote(symbol: string, time: number, underlyingPrice: number): OptionQuote | undefined {
    const model = this.config.model.quote(symbol, time, underlyingPrice);
    // Not listed or expired in the model's chain: no quote from bars either (a settled contract has no market).
    if (model === undefined) return undefined;
    const day = isoDate(calendarDay(this.calendar, time));
    let reason: FallbackReason | undefined;
    let price: number | undefined;
    if (day < OPTION_BARS_FIRST_DAY) reason = 'before_history';
    else if (!this.config.fetched(symbol, day)) reason = 'not_fetched';
    else {
      price = lastCompletedClose(this.config.bars.get(symbol) ?? [], time, this.barMs, this.stalenessMs);
      if (price === undefined) reason = 'no_recent_bar';
    }
    const key = `${symbol}@${time}`;
    if (!this.seen.has(key)) {
      this.seen.set(
        key,
        reason === undefined ? { symbol, time, from: 'bars' } : { symbol, time, from: 'model', reason },
      );
    }
    if (price === undefined) return model;
    const half = this.config.spread / 2;
    const bid = centsDown(price * (1 - half));
    return {
      symbol: model.symbol,
      // Below a cent nobody bids, as in the synthetic source.
      bid: bid >= 0.01 ? bid : 0,
      ask: Math.max(centsUp(price * (1 + half)), 0.01),
      time,
      underlyingPrice,
    };
  }

  origins(): readonly QuoteOrigin[] {
    return [...this.seen.values()];
  }
}

/** The contracts a run quoted, by trading day (YYYY-MM-DD → OCC symbols): what to fetch bars of. */
export interface QuotedContracts {
  readonly byDay: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Wraps a quote source and records each contract it is asked to quote, by trading day. */
export function recordingQuotes(
  source: OptionQuoteSource,
  calendar: MarketCalendar = 'us-equities',
): OptionQuoteSource & QuotedContracts {
  const byDay = new Map<string, Set<string>>();
  return {
    label: source.label,
    synthetic: source.synthetic,
    byDay,
    listed: (underlying, time) => source.listed(underlying, time),
    quote(symbol, time, underlyingPrice) {
      const quote = source.quote(symbol, time, underlyingPrice);
      if (quote !== undefined) {
        const day = isoDate(calendarDay(calendar, time));
        const symbols = byDay.get(day) ?? new Set<string>();
        byDay.set(day, symbols);
        symbols.add(symbol);
      }
      return quote;
    },
  };
}
