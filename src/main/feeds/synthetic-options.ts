// Option quotes from the pricing model, for backtests without historical chains, the simulator, the fake Alpaca's
// chain and the monitor's "expected price": puts on a CRR tree (American: a deep in-the-money put is worth more than
// Black–Scholes says), calls with Black–Scholes, σ = the previous session's VIX close / 100, a bid/ask spread around
// the model price. SPY lists an expiry every trading day, so the chain has one per trading day, strikes at $1 steps
// around the underlying. Every report carries the label: these are modelled prices, not a market's.
import type { BarSeries } from '../../shared/domain/bars';
import { TIMEFRAME_MS } from '../../shared/domain/bars';
import {
  type OptionContract,
  type OptionListing,
  type OptionQuote,
  occSymbol,
  parseOccSymbol,
} from '../../shared/domain/options';
import { closeAt } from '../engine/bar-view';
import type { OptionQuoteSource } from '../engine/option-desk';
import { americanPrice, blackScholes } from '../engine/option-pricing';
import {
  addTradingDays,
  calendarDay,
  type MarketCalendar,
  sessionOnDay,
  type TradingSession,
} from '../market/calendar';
import { type DayNumber, isoDate } from '../market/nyse-holidays';
import { DataFileError } from './errors';
import { closeOn, type VolatilityHistory } from './vix-history';

const YEAR_MS = 365 * 86_400_000;
/** Time to expiry never goes below a minute: at the close itself the model still needs a positive time. */
const MIN_YEARS = 60_000 / YEAR_MS;

/**
 * Steps of the put's tree: within 0.3 cents of a 1,600-step tree for SPY puts 6 minutes to 4 days out (strikes ±4%,
 * σ 10–35%), below the cent the quotes are rounded to, at about a third of 100 steps' time (a year of 5-minute
 * marks of the held contract is some 20,000 quotes).
 */
export const SYNTHETIC_TREE_STEPS = 50;

/** σ for the quotes of a trading day (an annual fraction, 0.2 = 20%). */
export type DailyVolatility = (day: string) => number;

export interface SyntheticOptionsConfig {
  /** The underlying's root, e.g. SPY. */
  readonly underlying: string;
  /**
   * A VIX history (σ on a day = the previous session's close / 100), or a function giving σ for a trading day
   * (YYYY-MM-DD), named in the label by `volatilitySource`.
   */
  readonly volatility: VolatilityHistory | DailyVolatility;
  /** Named in the label when `volatility` is a function. */
  readonly volatilitySource?: string;
  /** The underlying's price at a time (the strikes are listed around it); undefined when not known yet. */
  readonly underlyingPrice: (time: number) => number | undefined;
  /** Risk-free rate, continuously compounded (0.045). */
  readonly rate: number;
  /** Bid–ask spread as a fraction of the model price: bid = model × (1 − spread/2), ask = model × (1 + spread/2). */
  readonly spread: number;
  /** Dollars between listed strikes (1). */
  readonly strikeStep?: number;
  /** Strikes listed up to this many dollars either side of the underlying (20). */
  readonly strikeRange?: number;
  /** Expiries listed: one per trading day for this many trading days from the day (25, five weeks). */
  readonly expiries?: number;
  readonly calendar?: MarketCalendar;
  /** Steps of the American put's tree (SYNTHETIC_TREE_STEPS). */
  readonly treeSteps?: number;
}

/** A chain of synthetic quotes; the underlying's price is read through `underlyingPrice`. */
export function syntheticOptionQuotes(config: SyntheticOptionsConfig): OptionQuoteSource {
  return new SyntheticOptionQuotes(config);
}

/**
 * The underlying's price at `time` from its bars: the close of the last bar that has closed by then. A live run
 * whose series is replaced as it grows passes a function returning the current one.
 */
export function priceFromBars(series: BarSeries | (() => BarSeries)): (time: number) => number | undefined {
  const current = typeof series === 'function' ? series : () => series;
  return (time) => {
    const bars = current();
    return closeAt(bars, TIMEFRAME_MS[bars.timeframe], time);
  };
}

/** σ on trading day `day` from a VIX history: the previous session's close / 100, or an error naming that session. */
export function previousCloseVolatility(
  history: VolatilityHistory,
  calendar: MarketCalendar = 'us-equities',
): (day: DayNumber) => number {
  return (day) => {
    const previous = addTradingDays(calendar, day, -1);
    const close = closeOn(history, previous);
    if (close === undefined) {
      throw new DataFileError(
        `${history.source} has no close for ${isoDate(previous)}, the session before ${isoDate(day)}: synthetic option prices take σ from the previous session's VIX close (add that day to the file)`,
      );
    }
    return close / 100;
  };
}

/** Rounds a price to the cent, down for what a buyer bids, up for what a seller asks (a hair of float noise aside). */
export function centsDown(price: number): number {
  return Math.floor(price * 100 + 1e-7) / 100;
}

export function centsUp(price: number): number {
  return Math.ceil(price * 100 - 1e-7) / 100;
}

class SyntheticOptionQuotes implements OptionQuoteSource {
  readonly label: string;
  readonly synthetic = true;
  private readonly underlying: string;
  private readonly calendar: MarketCalendar;
  private readonly sigmaOn: (day: DayNumber) => number;
  private readonly step: number;
  private readonly range: number;
  private readonly expiryCount: number;
  private readonly treeSteps: number;
  // The engine asks for one contract's quote several times at a bar's close (strategy, venue, marks): keep the
  // quotes of the latest moment only, so a year of bars holds nothing but the current close.
  private cacheTime = Number.NaN;
  private readonly cache = new Map<string, OptionQuote | undefined>();
  private sigmaDay = Number.NaN;
  private sigmaValue = Number.NaN;

  constructor(private readonly config: SyntheticOptionsConfig) {
    this.underlying = config.underlying.trim().toUpperCase();
    this.calendar = config.calendar ?? 'us-equities';
    this.step = config.strikeStep ?? 1;
    this.range = config.strikeRange ?? 20;
    this.expiryCount = config.expiries ?? 25;
    this.treeSteps = config.treeSteps ?? SYNTHETIC_TREE_STEPS;
    if (!(this.step > 0)) throw new Error(`synthetic options: strikeStep must be above 0 (got ${this.step})`);
    if (!(this.range >= 0))
      throw new Error(`synthetic options: strikeRange cannot be negative (got ${this.range})`);
    if (!Number.isInteger(this.expiryCount) || this.expiryCount < 1)
      throw new Error(`synthetic options: expiries must be a whole number ≥ 1 (got ${this.expiryCount})`);
    if (!(config.spread >= 0 && config.spread < 2))
      throw new Error(`synthetic options: spread must be a fraction from 0 to 2 (got ${config.spread})`);
    const volatility = config.volatility;
    let source: string;
    if (typeof volatility === 'function') {
      source = config.volatilitySource ?? 'a volatility function';
      this.sigmaOn = (day) => volatility(isoDate(day));
    } else {
      source = volatility.source;
      this.sigmaOn = previousCloseVolatility(volatility, this.calendar);
    }
    this.label = `synthetic option prices: CRR American puts, σ = previous VIX close from ${source}`;
  }

  listed(underlying: string, time: number): OptionListing | undefined {
    if (underlying.trim().toUpperCase() !== this.underlying) return undefined;
    const spot = this.config.underlyingPrice(time);
    if (spot === undefined || !(spot > 0)) return undefined;
    const expiries: { expiry: string; strikes: number[] }[] = [];
    const strikes = this.strikesAround(spot);
    // Today's expiry is listed until its close; after that the chain starts at the next session.
    let day = calendarDay(this.calendar, time);
    const today = sessionOnDay(this.calendar, day);
    if (today === null || today.close <= time) day = addTradingDays(this.calendar, day, 1);
    for (let n = 0; n < this.expiryCount; n++) {
      expiries.push({ expiry: isoDate(day), strikes });
      day = addTradingDays(this.calendar, day, 1);
    }
    return { underlying: this.underlying, expiries };
  }

  quote(symbol: string, time: number, underlyingPrice: number): OptionQuote | undefined {
    if (time !== this.cacheTime) {
      this.cache.clear();
      this.cacheTime = time;
    }
    const key = `${symbol}@${underlyingPrice}`;
    if (this.cache.has(key)) return this.cache.get(key);
    const quote = this.price(symbol, time, underlyingPrice);
    this.cache.set(key, quote);
    return quote;
  }

  private price(symbol: string, time: number, spot: number): OptionQuote | undefined {
    let contract: OptionContract;
    try {
      contract = parseOccSymbol(symbol);
    } catch {
      return undefined;
    }
    if (contract.root !== this.underlying || !(spot > 0)) return undefined;
    const expiry: TradingSession | null = sessionOnDay(this.calendar, contract.expiry);
    // Not a trading day (never listed), or expired.
    if (expiry === null || time > expiry.close) return undefined;
    const volatility = this.volatilityAt(time);
    const input = {
      right: contract.right,
      spot,
      strike: contract.strike,
      years: Math.max((expiry.close - time) / YEAR_MS, MIN_YEARS),
      volatility,
      rate: this.config.rate,
    };
    const european = blackScholes(input);
    const model = contract.right === 'put' ? americanPrice(input, this.treeSteps) : european.price;
    const half = this.config.spread / 2;
    const bid = centsDown(model * (1 - half));
    return {
      symbol: occSymbol(contract),
      // Below a cent nobody bids: 0 is "no bid", as brokers report it.
      bid: bid >= 0.01 ? bid : 0,
      ask: Math.max(centsUp(model * (1 + half)), 0.01),
      time,
      underlyingPrice: spot,
      // The model's own σ; the greeks are Black–Scholes' (the tree's early-exercise premium barely moves them).
      impliedVolatility: volatility,
      delta: european.delta,
      gamma: european.gamma,
      theta: european.theta,
      vega: european.vega,
    };
  }

  /** σ of the trading day `time` falls on, computed once per day. */
  private volatilityAt(time: number): number {
    const day = calendarDay(this.calendar, time);
    if (day !== this.sigmaDay) {
      const sigma = this.sigmaOn(day);
      if (!(sigma > 0) || !Number.isFinite(sigma)) {
        throw new Error(
          `synthetic options: the volatility for ${isoDate(day)} is ${sigma}; it must be a positive fraction (0.2 = 20%)`,
        );
      }
      this.sigmaValue = sigma;
      this.sigmaDay = day;
    }
    return this.sigmaValue;
  }

  private strikesAround(spot: number): number[] {
    const step = this.step;
    const centre = Math.round(spot / step);
    const reach = Math.floor(this.range / step + 1e-9);
    const strikes: number[] = [];
    for (let i = centre - reach; i <= centre + reach; i++) {
      // Thousandths, as OCC symbols carry them, so 0.5-dollar steps never drift.
      const strike = Math.round(i * step * 1000) / 1000;
      if (strike > 0) strikes.push(strike);
    }
    return strikes;
  }
}
