// The fake's listed options: a deterministic SPY chain around the fake's own SPY price path, priced by the app's
// model at the fake's clock, so option quotes move with SPY tick by tick.
//
// Listing rules (see README.md, Options):
// - The listing day is the session in progress or the next one (after the close, tomorrow's). On it, one expiry per
//   trading day for the next DAILY_EXPIRIES trading days (SPY lists daily), plus the monthly (third-Friday) expiries
//   within MONTHLY_WINDOW trading days.
// - Strikes are whole dollars, STRIKE_RANGE either side of SPY's open on each day the expiry has been listed so far
//   (the union, so a listed strike never disappears while its expiry lives, as on an exchange).
// - Prices: the app's synthetic quotes (feeds/synthetic-options.ts: American puts on the CRR tree, calls by
//   Black–Scholes, bid/ask = model × (1 ∓ spread/2) to the cent) at a fixed volatility and rate, over SPY's tick
//   price. The mark (current price of a position, the last trade) is the mid.
import type { OptionQuoteSource } from '../../src/main/engine/option-desk';
import { blackScholes, intrinsicValue } from '../../src/main/engine/option-pricing';
import { syntheticOptionQuotes } from '../../src/main/feeds/synthetic-options';
import {
  addTradingDays,
  currentOrNextSession,
  currentOrPreviousSession,
  isTradingDay,
  sessionOnDay,
  type TradingSession,
} from '../../src/main/market/calendar';
import { DAY_MS, newYorkDay, newYorkWallToUtc, weekdayOfDay } from '../../src/main/market/new-york-time';
import { type DayNumber, dayFromIsoDate, isoDate } from '../../src/main/market/nyse-holidays';
import {
  CONTRACT_MULTIPLIER,
  type OptionContract,
  occSymbol,
  parseOccSymbol,
} from '../../src/shared/domain/options';
import { stableUuid } from './ids';
import { type AssetDef, MINUTE_MS, roundTo, type SymbolPath, TICK_MS, type WireBar } from './market';

/** Underlyings with a listed chain. */
export const OPTION_UNDERLYINGS: readonly string[] = ['SPY'];
/** Daily expiries listed ahead, the listing day included. */
export const DAILY_EXPIRIES = 10;
/** Whole-dollar strikes each side of the day's open. */
export const STRIKE_RANGE = 25;
/** Monthly (third-Friday) expiries are listed this many trading days ahead. */
const MONTHLY_WINDOW = 45;
const YEAR_MS = 365 * DAY_MS;

export interface OptionModel {
  /** Annual volatility used for every contract (default 0.18). */
  readonly volatility: number;
  /** Risk-free rate, continuously compounded (default 0.045). */
  readonly rate: number;
  /** Bid–ask spread as a fraction of the model price (default 0.04: bid ×0.98, ask ×1.02). */
  readonly spread: number;
}

export const DEFAULT_OPTION_MODEL: OptionModel = { volatility: 0.18, rate: 0.045, spread: 0.04 };

/** A contract's quote at one moment, per share, with Black–Scholes greeks (theta per year, vega and rho per 1.00). */
export interface OptionQuoteAt {
  readonly time: number;
  readonly spot: number;
  readonly bid: number;
  readonly ask: number;
  readonly mid: number;
  readonly greeks: {
    readonly delta: number;
    readonly gamma: number;
    readonly theta: number;
    readonly vega: number;
    readonly rho: number;
  };
}

/** FNV-1a: sizes, volumes and open interest that look varied but never change between runs. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** One listed contract, shaped like the broker's SymbolPath so orders and positions can hold it. */
export class OptionPath {
  readonly asset: AssetDef;
  readonly calendar = 'us-equities' as const;
  readonly assetId: string;
  readonly multiplier = CONTRACT_MULTIPLIER;
  readonly expiryDay: DayNumber;
  /** The expiry session's close (16:00 New York, 13:00 on an early close): the contract stops trading then. */
  readonly expiryClose: number;

  constructor(
    private readonly chain: OptionChain,
    readonly symbol: string,
    readonly contract: OptionContract,
  ) {
    this.expiryDay = dayFromIsoDate(contract.expiry);
    this.expiryClose = sessionOnDay('us-equities', this.expiryDay)!.close;
    this.assetId = stableUuid(`option:${symbol}`);
    const [y, m, d] = contract.expiry.split('-');
    this.asset = {
      symbol,
      name: `${contract.root} ${MONTHS[Number(m) - 1]} ${d} ${y} ${contract.strike} ${contract.right === 'call' ? 'Call' : 'Put'}`,
      exchange: 'OPRA',
      assetClass: 'us_option',
      status: 'active',
      tradable: true,
      shortable: false,
      easyToBorrow: false,
      marginable: false,
      fractionable: false,
      startPrice: 0,
    };
  }

  get underlying(): SymbolPath {
    return this.chain.underlying;
  }

  /** Whether the contract still trades at `now` (until its expiry's close). */
  active(now: number): boolean {
    return now < this.expiryClose;
  }

  quote(now: number): OptionQuoteAt {
    return this.chain.quote(this, now);
  }

  /** The mark: the quote's mid (what positions are valued at and the last trade prints at). */
  lastPrice(now: number): number {
    return this.quote(this.chain.quoteTime(now)).mid;
  }

  /**
   * The mark at the close of the last session before today (lastday_price, as for stocks: New York's calendar day),
   * or the mark now if the contract was not listed then.
   */
  previousDayClose(now: number): number {
    const previous = this.chain.lastClosedSession(newYorkWallToUtc(newYorkDay(now), 0));
    return previous.close < this.chain.firstListedOpen(this)
      ? this.lastPrice(now)
      : this.quote(previous.close).mid;
  }

  /** What the holder receives per share at expiry: intrinsic value against SPY's last price of the expiry day. */
  settlementValue(): number {
    return intrinsicValue(
      this.contract.right,
      this.chain.underlying.lastPrice(this.expiryClose),
      this.contract.strike,
    );
  }
}

export interface ContractQuery {
  readonly underlyings?: readonly string[];
  readonly status: 'active' | 'inactive';
  readonly expiryFrom?: DayNumber;
  readonly expiryTo?: DayNumber;
  readonly root?: string;
  readonly type?: 'call' | 'put';
  readonly style?: string;
  readonly strikeFrom?: number;
  readonly strikeTo?: number;
}

/** The chain of every underlying in OPTION_UNDERLYINGS (SPY), listed and priced at the broker's clock. */
export class OptionChain {
  private readonly opens = new Map<DayNumber, number>();
  private readonly paths = new Map<string, OptionPath>();
  private readonly byId = new Map<string, OptionPath>();
  private readonly quotes = new Map<string, OptionQuoteAt>();
  private readonly dailyBars = new Map<string, WireBar | null>();
  private readonly firstListed = new Map<DayNumber, DayNumber>();
  private readonly listings = new Map<string, OptionPath[]>();
  private readonly quoteSource: OptionQuoteSource;

  constructor(
    readonly underlying: SymbolPath,
    readonly model: OptionModel,
    private readonly clock: () => number,
  ) {
    this.quoteSource = syntheticOptionQuotes({
      underlying: underlying.asset.symbol,
      volatility: () => model.volatility,
      volatilitySource: `the fake Alpaca's fixed σ ${model.volatility}`,
      underlyingPrice: (time) => underlying.lastPrice(time),
      rate: model.rate,
      spread: model.spread,
    });
  }

  /** The trading day whose listing is in force at `now`: the session in progress, or the next one. */
  listingDay(now: number = this.clock()): DayNumber {
    return currentOrNextSession('us-equities', now).day;
  }

  /** The latest session that had closed by `time`. */
  lastClosedSession(time: number): TradingSession {
    const session = currentOrPreviousSession('us-equities', time);
    return session.close <= time ? session : currentOrPreviousSession('us-equities', session.open - 1);
  }

  /** Quotes stop at the close: outside the session the latest quote is the one at the last close. */
  quoteTime(now: number): number {
    const session = currentOrPreviousSession('us-equities', now);
    return now >= session.close ? session.close : now;
  }

  /** Expiries listed on `day`, ascending. */
  expiries(day: DayNumber): DayNumber[] {
    const out = new Set<DayNumber>();
    for (let i = 0; i < DAILY_EXPIRIES; i++) out.add(addTradingDays('us-equities', day, i));
    const last = addTradingDays('us-equities', day, MONTHLY_WINDOW);
    for (let monthly = monthlyExpiryOnOrAfter(day); monthly <= last; ) {
      out.add(monthly);
      monthly = monthlyExpiryOnOrAfter(monthly + 1);
    }
    return [...out].sort((a, b) => a - b);
  }

  /** Whether `expiry` is listed on `day`. */
  private listedOn(expiry: DayNumber, day: DayNumber): boolean {
    if (expiry < day || !isTradingDay('us-equities', day) || !isTradingDay('us-equities', expiry))
      return false;
    if (expiry <= addTradingDays('us-equities', day, DAILY_EXPIRIES - 1)) return true;
    return (
      expiry === monthlyExpiryOnOrAfter(expiry) &&
      expiry <= addTradingDays('us-equities', day, MONTHLY_WINDOW)
    );
  }

  /** The first trading day `expiry` was listed. */
  private firstListedDay(expiry: DayNumber): DayNumber {
    let first = this.firstListed.get(expiry);
    if (first === undefined) {
      first =
        expiry === monthlyExpiryOnOrAfter(expiry)
          ? addTradingDays('us-equities', expiry, -MONTHLY_WINDOW)
          : addTradingDays('us-equities', expiry, -(DAILY_EXPIRIES - 1));
      this.firstListed.set(expiry, first);
    }
    return first;
  }

  firstListedOpen(path: OptionPath): number {
    return sessionOnDay('us-equities', this.firstListedDay(path.expiryDay))!.open;
  }

  /** SPY's open on a trading day (the path's first tick of the session; the start price before its history). */
  private openOn(day: DayNumber): number {
    let open = this.opens.get(day);
    if (open === undefined) {
      const session = sessionOnDay('us-equities', day)!;
      const i = this.underlying.barAt(session.open);
      open = i < 0 ? this.underlying.asset.startPrice : this.underlying.bar(i).open;
      this.opens.set(day, open);
    }
    return open;
  }

  /** Whole-dollar strikes of `expiry` as listed on `day`: STRIKE_RANGE around every open since it was listed. */
  strikes(expiry: DayNumber, day: DayNumber): { low: number; high: number } {
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    const last = Math.min(day, expiry);
    for (let d = this.firstListedDay(expiry); d <= last; d++) {
      if (!isTradingDay('us-equities', d)) continue;
      const center = Math.round(this.openOn(d));
      low = Math.min(low, center - STRIKE_RANGE);
      high = Math.max(high, center + STRIKE_RANGE);
    }
    return { low: Math.max(1, low), high };
  }

  private pathOf(contract: OptionContract): OptionPath {
    const symbol = occSymbol(contract);
    let path = this.paths.get(symbol);
    if (path === undefined) {
      path = new OptionPath(this, symbol, contract);
      this.paths.set(symbol, path);
      this.byId.set(path.assetId, path);
    }
    return path;
  }

  /** The contract an OCC symbol names if it is or was listed by `now` (expired contracts stay, inactive). */
  find(symbol: string, now: number = this.clock()): OptionPath | undefined {
    let contract: OptionContract;
    try {
      contract = parseOccSymbol(symbol);
    } catch {
      return undefined;
    }
    if (!OPTION_UNDERLYINGS.includes(contract.root) || !Number.isInteger(contract.strike)) return undefined;
    const expiry = dayFromIsoDate(contract.expiry);
    const today = this.listingDay(now);
    // Expired contracts are kept as long as the inactive listing shows them.
    if (expiry < addTradingDays('us-equities', today, -DAILY_EXPIRIES)) return undefined;
    const asOf = Math.min(today, expiry);
    if (!this.listedOn(expiry, asOf) && !this.listedOn(expiry, today)) return undefined;
    const { low, high } = this.strikes(expiry, asOf);
    if (contract.strike < low || contract.strike > high) return undefined;
    return this.pathOf(contract);
  }

  findById(id: string): OptionPath | undefined {
    if (this.byId.size === 0) this.list({ status: 'active' });
    return this.byId.get(id);
  }

  /** Contracts matching `query`, sorted by OCC symbol (expiry, then call/put, then strike). */
  list(query: ContractQuery, now: number = this.clock()): OptionPath[] {
    if (query.style !== undefined && query.style !== 'american') return [];
    return this.listing(this.listingDay(now), query.status).filter((path) => {
      const c = path.contract;
      return (
        (query.underlyings === undefined || query.underlyings.includes(c.root)) &&
        (query.root === undefined || query.root === c.root) &&
        (query.expiryFrom === undefined || path.expiryDay >= query.expiryFrom) &&
        (query.expiryTo === undefined || path.expiryDay <= query.expiryTo) &&
        (query.type === undefined || query.type === c.right) &&
        (query.strikeFrom === undefined || c.strike >= query.strikeFrom) &&
        (query.strikeTo === undefined || c.strike <= query.strikeTo)
      );
    });
  }

  /** Every contract listed on `today` (active), or expired over the last DAILY_EXPIRIES trading days (inactive). */
  private listing(today: DayNumber, status: 'active' | 'inactive'): OptionPath[] {
    const key = `${today}|${status}`;
    const cached = this.listings.get(key);
    if (cached !== undefined) return cached;
    const expiries =
      status === 'active'
        ? this.expiries(today)
        : Array.from({ length: DAILY_EXPIRIES }, (_, i) =>
            addTradingDays('us-equities', today, i - DAILY_EXPIRIES),
          );
    const out: OptionPath[] = [];
    for (const root of OPTION_UNDERLYINGS) {
      for (const expiry of expiries) {
        const { low, high } = this.strikes(expiry, Math.min(today, expiry));
        for (const right of ['call', 'put'] as const) {
          for (let strike = low; strike <= high; strike++) {
            out.push(this.pathOf({ root, expiry: isoDate(expiry), right, strike }));
          }
        }
      }
    }
    out.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    this.listings.set(key, out);
    return out;
  }

  /** The contract's quote at `time` (held for the 15 s tick, as the underlying's price is). */
  quote(path: OptionPath, time: number): OptionQuoteAt {
    const at = Math.min(Math.floor(time / TICK_MS) * TICK_MS, path.expiryClose);
    const key = `${path.symbol}@${at}`;
    let quote = this.quotes.get(key);
    if (quote === undefined) {
      quote = this.price(path, this.underlying.lastPrice(at), at);
      if (this.quotes.size > 200_000) this.quotes.clear();
      this.quotes.set(key, quote);
    }
    return quote;
  }

  /** The model at a given underlying price and time (bars price the underlying's ticks through this). */
  price(path: OptionPath, spot: number, time: number): OptionQuoteAt {
    const m = this.model;
    const key = `${m.volatility}|${m.rate}|${m.spread}|${path.symbol}|${time}|${spot}`;
    let quote = MODEL_QUOTES.get(key);
    if (quote === undefined) {
      const q = this.quoteSource.quote(path.symbol, time, spot);
      if (q === undefined)
        throw new Error(`no model quote for ${path.symbol} at ${new Date(time).toISOString()}`);
      // The source's greeks lack rho, which Alpaca's snapshots carry.
      const { right, strike } = path.contract;
      const years = Math.max(path.expiryClose - time, MINUTE_MS) / YEAR_MS;
      const rho = blackScholes({ right, spot, strike, years, volatility: m.volatility, rate: m.rate }).rho;
      quote = {
        time,
        spot,
        bid: q.bid,
        ask: q.ask,
        mid: roundTo((q.bid + q.ask) / 2, 4),
        greeks: { delta: q.delta ?? 0, gamma: q.gamma ?? 0, theta: q.theta ?? 0, vega: q.vega ?? 0, rho },
      };
      if (MODEL_QUOTES.size > 500_000) MODEL_QUOTES.clear();
      MODEL_QUOTES.set(key, quote);
    }
    return quote;
  }

  // --- Bars -------------------------------------------------------------------------------------------------------

  /** Trades per minute: a deterministic count that falls away from the money. */
  volumeAt(path: OptionPath, minute: number, spot: number): number {
    const distance = Math.abs(path.contract.strike - spot);
    const base = Math.max(1, Math.round(40 * Math.exp(-distance / 6)));
    return base + (hash(`${path.symbol}:${minute}`) % (base + 3));
  }

  /**
   * The option's bar for the underlying's completed minute bar `i`: the mid at each of the minute's four ticks
   * (open, low/high, high/low, close), so its high and low are where SPY's were.
   */
  minuteBar(path: OptionPath, i: number): WireBar | null {
    const bar = this.underlying.bar(i);
    if (bar.time < this.firstListedOpen(path) || bar.time >= path.expiryClose) return null;
    const marks: number[] = [];
    for (let k = 0; k < 4; k++) marks.push(this.quote(path, bar.time + k * TICK_MS).mid);
    return this.wireBar(path, bar.time, marks, this.volumeAt(path, bar.time, bar.close));
  }

  /**
   * The option's daily bar for the session on `day`, as of `now`: marks at the open, at SPY's high and low so far,
   * and at the latest price (the close once the session is over). Null before the session opens or outside listing.
   */
  dailyBar(path: OptionPath, day: DayNumber, now: number): WireBar | null {
    const session = sessionOnDay('us-equities', day);
    if (session === null || session.open > now || session.open < this.firstListedOpen(path)) return null;
    if (session.open >= path.expiryClose) return null;
    const end = Math.min(Math.floor(now / TICK_MS) * TICK_MS, session.close, path.expiryClose);
    const key = `${path.symbol}|${day}|${end}`;
    const cached = this.dailyBars.get(key);
    if (cached !== undefined) return cached;
    if (this.dailyBars.size > 100_000) this.dailyBars.clear();
    const bar = this.computeDailyBar(path, day, session.open, end);
    this.dailyBars.set(key, bar);
    return bar;
  }

  private computeDailyBar(path: OptionPath, day: DayNumber, open: number, end: number): WireBar | null {
    const u = this.underlyingDay(open, end);
    if (u === null) return null;
    const at = (spot: number, time: number) => this.price(path, spot, time).mid;
    const marks = [at(u.open, open), at(u.high, end), at(u.low, end), this.quote(path, end).mid];
    let volume = 0;
    for (let m = open; m < end; m += 30 * MINUTE_MS) volume += this.volumeAt(path, m, u.close) * 30;
    return this.wireBar(path, newYorkWallToUtc(day, 0), marks, Math.max(1, volume));
  }

  private underlyingDay(
    open: number,
    end: number,
  ): { open: number; high: number; low: number; close: number } | null {
    const first = this.underlying.barAt(open);
    if (first < 0) return null;
    // Completed minutes only (the one forming has ticks still to come).
    const last = this.underlying.lastBarStartingAtOrBefore(end - MINUTE_MS);
    let high = this.underlying.bar(first).open;
    let low = high;
    for (let i = first; i <= last; i++) {
      const bar = this.underlying.bar(i);
      high = Math.max(high, bar.high);
      low = Math.min(low, bar.low);
    }
    return { open: this.underlying.bar(first).open, high, low, close: this.underlying.lastPrice(end) };
  }

  private wireBar(path: OptionPath, time: number, marks: number[], volume: number): WireBar {
    const cents = (v: number) => Math.max(0.01, roundTo(v, 2));
    const o = cents(marks[0]!);
    const c = cents(marks[marks.length - 1]!);
    const h = cents(Math.max(...marks));
    const l = cents(Math.min(...marks));
    return {
      t: new Date(time).toISOString().replace('.000Z', 'Z'),
      o,
      h,
      l,
      c,
      v: volume,
      n: Math.max(1, Math.round(volume / 3) - (hash(`${path.symbol}:n:${time}`) % 2)),
      vw: roundTo((h + l + c) / 3, 4),
    };
  }

  /** Open interest as of the previous session: deterministic, largest near the money. */
  openInterest(path: OptionPath, center: number): number {
    const distance = Math.abs(path.contract.strike - center);
    return Math.round(8_000 * Math.exp(-distance / 8)) + (hash(`${path.symbol}:oi`) % 500);
  }
}

/**
 * Model quotes by their inputs, shared by every fake in the process (tests start many fakes on the same seed and
 * clock, and the put's tree is the costly part of a chain snapshot).
 */
const MODEL_QUOTES = new Map<string, OptionQuoteAt>();

/** The third Friday of the month of `day`, or of the next month when it has passed (the previous trading day on a holiday). */
export function monthlyExpiryOnOrAfter(day: DayNumber): DayNumber {
  const date = new Date(day * DAY_MS);
  for (let offset = 0; offset < 3; offset++) {
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + offset;
    const first = Math.floor(Date.UTC(year, month, 1) / DAY_MS);
    const firstFriday = first + ((5 - weekdayOfDay(first) + 7) % 7);
    let expiry = firstFriday + 14;
    while (!isTradingDay('us-equities', expiry)) expiry--;
    if (expiry >= day) return expiry;
  }
  throw new RangeError(`no monthly expiry after ${isoDate(day)}`);
}
