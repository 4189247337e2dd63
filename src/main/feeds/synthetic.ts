// A seeded synthetic market: the app's embedded default data set and the benchmarks' input.
//
// Model, per bar (log prices):
// - A common market factor whose behaviour follows a regime — trending (a drift up or, less often, down), ranging
//   (mean reversion to the level where the range began, lower volatility) or volatile (high volatility, fat tails,
//   a downward drift, more volume) — switched by a seeded Markov chain with mean durations of about 60, 40 and 15
//   trading days.
// - Each symbol: beta × market + its own noise and drift, plus overnight gaps (a fifth of the daily variance) and
//   rare earnings-like jumps at the open. Intraday (equities), the variance and the volume follow U-shaped profiles
//   over the session (busiest and most volatile at the open, busy again into the close).
// - Calendar 'us-equities' (default): daily bars on weekdays, stamped 00:00 UTC of the date; intraday bars from 09:30
//   to 16:00 New York on weekdays, anchored at 09:30 (the 1h grid ends with a half-hour 15:30 bar), as aggregateBars
//   makes them. Holidays are not modelled. Calendar 'crypto': every day, UTC-aligned, no gaps, a flat profile.
// - Prices tick in cents (1/100 of a cent below $1); high and low are rounded outward, so every candle passes
//   barProblem. A soft barrier keeps a symbol within ×/÷ 50 of its start price over very long series.
//
// Determinism: the market factor depends on (seed, calendar, timeframe, start, market volatility); a symbol's own noise
// on the seed and the symbol's name only, so generateSeries('ACME', o) equals the ACME of
// generateMarket({ ...o, symbols: [..., 'ACME'] }) whatever the other symbols are. Series are prefix-stable: asking
// for more bars appends to the same bars.
import { type BarSeries, TIMEFRAME_MS, type Timeframe } from '../../shared/domain/bars';
import { type Random, seededRandom } from '../../shared/random';
import {
  DAY_MS,
  isWeekday,
  type MarketCalendar,
  newYorkDay,
  newYorkWallToUtc,
  SESSION_CLOSE_MS,
  SESSION_OPEN_MS,
} from '../market/new-york-time';
import { Gaussian } from './gaussian';

export interface SymbolProfile {
  /** First bar's open. */
  readonly startPrice: number;
  /** Sensitivity to the market factor. */
  readonly beta: number;
  /** Annualised volatility of the symbol's own (idiosyncratic) returns. */
  readonly volatility: number;
  /** Annualised drift of the symbol's own returns (on top of the market's). */
  readonly drift: number;
  /** Average shares (or units) traded per day. */
  readonly volume: number;
  /** Earnings-like jumps at the open, per year on average. */
  readonly jumpsPerYear: number;
  /** Standard deviation of a jump's log return. */
  readonly jumpSize: number;
}

export interface SyntheticOptions {
  seed: number;
  bars: number;
  timeframe: Timeframe;
  /** Epoch ms; the first bar is the first session bar at or after it (daily: its date). Default 2023-01-02. */
  start?: number;
  /** Default 'us-equities'. */
  calendar?: MarketCalendar;
  /**
   * Which New York days (days since 1970-01-01) the equities market trades; default every weekday. Sessions pass
   * the NYSE calendar, so their synthetic market is closed on exchange holidays too.
   */
  tradingDay?: (day: number) => boolean;
  /** Annualised volatility of the market factor in a trending regime; default 0.16. */
  marketVolatility?: number;
  /** Profiles by symbol; a symbol without one gets a profile derived from its name (deterministic). */
  profiles?: Readonly<Record<string, SymbolProfile>>;
}

export const REGIMES = ['trending', 'ranging', 'volatile'] as const;
export type Regime = (typeof REGIMES)[number];

const TRENDING = 0;
const RANGING = 1;
const VOLATILE = 2;
/** Mean regime durations in trading days. */
const REGIME_DAYS = [60, 40, 15];
const REGIME_VOLATILITY = [1, 0.6, 2.2];
const REGIME_DRIFT = [0.3, 0, -0.25];
const REGIME_VOLUME = [1, 0.8, 1.7];
const REGIME_TAIL_PROBABILITY = [0.005, 0.002, 0.03];
const IDIOSYNCRATIC_REGIME_SCALE = [1, 0.8, 1.5];
const RANGING_HALF_LIFE_DAYS = 8;
const OVERNIGHT_SHARE = 0.2;
const BARRIER = Math.log(50);

export const DEFAULT_START = Date.UTC(2023, 0, 2);

/**
 * The demo tickers, made up, each with a character: ACME a steady large cap, BOLT a high-beta tech name, CRUX a
 * defensive utility, DUNE an energy name with its own cycles, EMBR a jumpy small-cap biotech.
 */
export const DEFAULT_SYMBOLS = ['ACME', 'BOLT', 'CRUX', 'DUNE', 'EMBR'] as const;

export const DEFAULT_PROFILES: Readonly<Record<(typeof DEFAULT_SYMBOLS)[number], SymbolProfile>> = {
  ACME: {
    startPrice: 142.5,
    beta: 1,
    volatility: 0.14,
    drift: 0.03,
    volume: 8e6,
    jumpsPerYear: 4,
    jumpSize: 0.03,
  },
  BOLT: {
    startPrice: 58.2,
    beta: 1.6,
    volatility: 0.35,
    drift: 0.06,
    volume: 25e6,
    jumpsPerYear: 4,
    jumpSize: 0.08,
  },
  CRUX: {
    startPrice: 46.1,
    beta: 0.4,
    volatility: 0.14,
    drift: 0.02,
    volume: 4e6,
    jumpsPerYear: 4,
    jumpSize: 0.015,
  },
  DUNE: {
    startPrice: 71.3,
    beta: 0.7,
    volatility: 0.3,
    drift: 0,
    volume: 12e6,
    jumpsPerYear: 6,
    jumpSize: 0.05,
  },
  EMBR: {
    startPrice: 9.4,
    beta: 0.9,
    volatility: 0.55,
    drift: -0.02,
    volume: 3e6,
    jumpsPerYear: 8,
    jumpSize: 0.15,
  },
};

/** The demo tickers' company names, made up like the tickers (what a symbol search matches besides the ticker). */
export const DEFAULT_NAMES: Readonly<Record<(typeof DEFAULT_SYMBOLS)[number], string>> = {
  ACME: 'Acme Industrial Holdings',
  BOLT: 'Bolt Semiconductor Technologies',
  CRUX: 'Crux Water & Power Utilities',
  DUNE: 'Dune Energy Partners',
  EMBR: 'Ember Biotherapeutics',
};

export const DEFAULT_SEED = 20_230_102;

/**
 * The embedded demo data set: DEFAULT_SYMBOLS under the us-equities calendar, seed DEFAULT_SEED. Daily: 756 bars,
 * about three years from 2023-01-02. Intraday: 20 sessions (four weeks) from 2025-03-03, across the March 9 DST change
 * (7,800 bars of 1m).
 */
export function defaultMarket(timeframe: Timeframe = '1D'): BarSeries[] {
  const daily = timeframe === '1D';
  const sessions = 20;
  return generateMarket({
    symbols: DEFAULT_SYMBOLS,
    seed: DEFAULT_SEED,
    timeframe,
    bars: daily ? 756 : sessions * slotsPerSession(timeframe),
    start: daily ? DEFAULT_START : Date.UTC(2025, 2, 3),
    profiles: DEFAULT_PROFILES,
  });
}

export function generateSeries(symbol: string, options: SyntheticOptions): BarSeries {
  return generateMarket({ ...options, symbols: [symbol] })[0]!;
}

export function generateMarket(options: SyntheticOptions & { symbols: readonly string[] }): BarSeries[] {
  const market = buildMarket(options);
  // The first series takes the market's time column; the others get copies, so no two series share an array.
  return options.symbols.map((symbol, k) => generateSymbol(symbol, options, market, k === 0));
}

/** The regime (index into REGIMES) of each bar of the market that `options` generates. */
export function generateRegimes(options: SyntheticOptions): Uint8Array {
  return buildMarket(options).regime;
}

/**
 * Symbols that must look like themselves, not like a name-seeded stock: SPY near its 2025 price, with almost no
 * risk of its own and no earnings jumps, so the options strategy's rules (strike buffers above 400 and 500, skips on
 * VIX 25 and $5/$8 ranges) meet the prices they were written for. Beta 0.5: the synthetic market factor swings
 * harder than the S&P (16% in its trending regime, more in its volatile one); half of it gives SPY its usual daily
 * ranges of a few dollars, and the Phase 4D filters pass about half to three quarters of the days.
 */
export const INDEX_PROFILES: Readonly<Record<string, SymbolProfile>> = {
  SPY: {
    startPrice: 560,
    beta: 0.5,
    volatility: 0.02,
    drift: 0.03,
    volume: 6e7,
    jumpsPerYear: 0,
    jumpSize: 0,
  },
};

/** The profile a symbol gets when none is given: drawn from a generator seeded by its name. */
export function profileFor(symbol: string): SymbolProfile {
  const known =
    (DEFAULT_PROFILES as Readonly<Record<string, SymbolProfile>>)[symbol] ?? INDEX_PROFILES[symbol];
  if (known !== undefined) return known;
  const random = seededRandom(hashString(symbol));
  const between = (low: number, high: number) => low + (high - low) * random.next();
  return {
    startPrice: Math.round(between(10, 250) * 100) / 100,
    beta: between(0.5, 1.5),
    volatility: between(0.12, 0.45),
    drift: between(-0.02, 0.08),
    volume: Math.round(between(1e6, 3e7)),
    jumpsPerYear: 4,
    jumpSize: between(0.02, 0.08),
  };
}

function slotsPerSession(timeframe: Timeframe): number {
  return timeframe === '1D' ? 1 : Math.ceil((SESSION_CLOSE_MS - SESSION_OPEN_MS) / TIMEFRAME_MS[timeframe]);
}

interface Market {
  readonly time: Float64Array;
  /** Position of the bar in its session (0 for daily and crypto bars). */
  readonly slot: Uint16Array;
  /** 1 when the bar opens a session (so it carries an overnight gap). */
  readonly sessionStart: Uint8Array;
  readonly regime: Uint8Array;
  /** The market factor's overnight and in-bar log returns. */
  readonly gap: Float64Array;
  readonly body: Float64Array;
  /** Share of a day's in-session variance, and of its volume, that each slot carries. */
  readonly slotVariance: Float64Array;
  readonly slotVolume: Float64Array;
  readonly overnightShare: number;
  readonly daysPerYear: number;
  readonly barsPerDay: number;
}

function checkOptions(options: SyntheticOptions): void {
  if (!Number.isInteger(options.bars) || options.bars < 0) {
    throw new RangeError(`bars must be a non-negative integer, got ${options.bars}`);
  }
  if (!Number.isFinite(options.seed)) {
    throw new RangeError(`seed must be a finite number, got ${options.seed}`);
  }
  if (options.start !== undefined && !Number.isFinite(options.start)) {
    throw new RangeError(`start must be epoch milliseconds, got ${options.start}`);
  }
}

function buildMarket(options: SyntheticOptions): Market {
  checkOptions(options);
  const calendar = options.calendar ?? 'us-equities';
  const count = options.bars;
  const time = new Float64Array(count);
  const slot = new Uint16Array(count);
  const sessionStart = new Uint8Array(count);
  const start = options.start ?? DEFAULT_START;
  const step = TIMEFRAME_MS[options.timeframe];
  const daily = options.timeframe === '1D';
  const trades = options.tradingDay ?? isWeekday;

  let slots = 1;
  let slotVariance: Float64Array;
  let slotVolume: Float64Array;
  let barsPerDay: number;
  if (calendar === 'crypto') {
    const first = Math.ceil(start / step) * step;
    for (let i = 0; i < count; i++) time[i] = first + i * step;
    barsPerDay = DAY_MS / step;
    slotVariance = Float64Array.of(1 / barsPerDay);
    slotVolume = Float64Array.of(1 / barsPerDay);
  } else if (daily) {
    let day = Math.floor(start / DAY_MS);
    for (let i = 0; i < count; day++) {
      if (!trades(day)) continue;
      time[i] = day * DAY_MS;
      sessionStart[i] = 1;
      i++;
    }
    barsPerDay = 1;
    slotVariance = Float64Array.of(1);
    slotVolume = Float64Array.of(1);
  } else {
    slots = slotsPerSession(options.timeframe);
    let day = newYorkDay(start);
    for (let i = 0; i < count; day++) {
      if (!trades(day)) continue;
      const open = newYorkWallToUtc(day, SESSION_OPEN_MS);
      for (let k = 0; k < slots && i < count; k++) {
        const t = open + k * step;
        if (t < start) continue;
        time[i] = t;
        slot[i] = k;
        sessionStart[i] = k === 0 ? 1 : 0;
        i++;
      }
    }
    barsPerDay = slots;
    [slotVariance, slotVolume] = intradayProfiles(step, slots);
  }
  const daysPerYear = calendar === 'crypto' ? 365 : 252;
  const overnightShare = calendar === 'crypto' ? 0 : OVERNIGHT_SHARE;

  const random = seededRandom(mixSeed(options.seed, 0x6d61726b));
  const gaussian = new Gaussian(random);
  const marketVolatility = options.marketVolatility ?? 0.16;
  const dailyVariance = (marketVolatility * marketVolatility) / daysPerYear;
  const gapSigma = Math.sqrt(dailyVariance * overnightShare);
  const bodySigma = new Float64Array(slotVariance.length);
  for (let s = 0; s < bodySigma.length; s++) {
    bodySigma[s] = Math.sqrt(dailyVariance * (1 - overnightShare) * slotVariance[s]!);
  }
  const leave = REGIME_DAYS.map((days) => 1 / (days * barsPerDay));
  const driftPerBar = REGIME_DRIFT.map((drift) => drift / daysPerYear / barsPerDay);
  const reversion = 1 - 0.5 ** (1 / (RANGING_HALF_LIFE_DAYS * barsPerDay));

  const regime = new Uint8Array(count);
  const gap = new Float64Array(count);
  const body = new Float64Array(count);
  let state = TRENDING;
  let direction = 1;
  let level = 0;
  let anchor = 0;
  for (let i = 0; i < count; i++) {
    if (random.next() < leave[state]!) {
      const u = random.next();
      state =
        state === TRENDING
          ? u < 0.65
            ? RANGING
            : VOLATILE
          : state === RANGING
            ? u < 0.6
              ? TRENDING
              : VOLATILE
            : u < 0.55
              ? RANGING
              : TRENDING;
      if (state === TRENDING) direction = random.next() < 0.7 ? 1 : -1;
      if (state === RANGING) anchor = level;
    }
    regime[i] = state;
    const scale = REGIME_VOLATILITY[state]!;
    let shock = gaussian.next();
    if (random.next() < REGIME_TAIL_PROBABILITY[state]!) shock *= 3;
    const g = sessionStart[i] === 1 && i > 0 ? gaussian.next() * gapSigma * scale : 0;
    let b = shock * bodySigma[slot[i]!]! * scale;
    if (state === TRENDING) b += direction * driftPerBar[TRENDING]!;
    else if (state === RANGING) b -= reversion * (level + g - anchor);
    else b += driftPerBar[VOLATILE]!;
    gap[i] = g;
    body[i] = b;
    level += g + b;
  }
  return {
    time,
    slot,
    sessionStart,
    regime,
    gap,
    body,
    slotVariance,
    slotVolume,
    overnightShare,
    daysPerYear,
    barsPerDay,
  };
}

/** Variance and volume shares per slot: U-shaped over the session, weighted by each slot's duration. */
function intradayProfiles(step: number, slots: number): [Float64Array, Float64Array] {
  const session = SESSION_CLOSE_MS - SESSION_OPEN_MS;
  const variance = new Float64Array(slots);
  const volume = new Float64Array(slots);
  let varianceSum = 0;
  let volumeSum = 0;
  for (let k = 0; k < slots; k++) {
    const from = k * step;
    const to = Math.min(from + step, session);
    const x = (from + to) / 2 / session;
    const duration = (to - from) / session;
    const sigma = 0.65 + 1.3 * Math.exp(-x / 0.06) + 0.35 * Math.exp(-(1 - x) / 0.05);
    const activity = 0.45 + 1.6 * Math.exp(-x / 0.07) + 1.1 * Math.exp(-(1 - x) / 0.05);
    variance[k] = sigma * sigma * duration;
    volume[k] = activity * duration;
    varianceSum += variance[k]!;
    volumeSum += volume[k]!;
  }
  for (let k = 0; k < slots; k++) {
    variance[k] = variance[k]! / varianceSum;
    volume[k] = volume[k]! / volumeSum;
  }
  return [variance, volume];
}

function generateSymbol(
  symbol: string,
  options: SyntheticOptions,
  market: Market,
  ownsTime: boolean,
): BarSeries {
  const profile = options.profiles?.[symbol] ?? profileFor(symbol);
  const count = market.time.length;
  const open = new Float64Array(count);
  const high = new Float64Array(count);
  const low = new Float64Array(count);
  const close = new Float64Array(count);
  const volume = new Float64Array(count);
  const { slot, sessionStart, regime, gap, body, slotVariance, slotVolume, overnightShare, daysPerYear } =
    market;
  const random: Random = seededRandom(mixSeed(options.seed, hashString(symbol)));
  const gaussian = new Gaussian(random);

  const beta = profile.beta;
  const dailyVariance = (profile.volatility * profile.volatility) / daysPerYear;
  const gapSigma = Math.sqrt(dailyVariance * overnightShare);
  const slots = slotVariance.length;
  const bodySigma = new Float64Array(slots);
  const wickSigma = new Float64Array(slots);
  const volumePerBar = new Float64Array(slots);
  const marketDaily = ((options.marketVolatility ?? 0.16) ** 2 / daysPerYear) * beta * beta;
  for (let s = 0; s < slots; s++) {
    const share = (1 - overnightShare) * slotVariance[s]!;
    bodySigma[s] = Math.sqrt(dailyVariance * share);
    wickSigma[s] = Math.sqrt((dailyVariance + marketDaily) * share);
    volumePerBar[s] = profile.volume * slotVolume[s]!;
  }
  const drift = profile.drift / daysPerYear / market.barsPerDay;
  const jumpProbability = overnightShare > 0 ? profile.jumpsPerYear / daysPerYear : 0;
  const startLog = Math.log(profile.startPrice);
  const equities = overnightShare > 0;
  const integerVolume = equities;

  let logPrice = startLog;
  let previousClose = roundPrice(profile.startPrice);
  for (let i = 0; i < count; i++) {
    const s = slot[i]!;
    const state = regime[i]!;
    const ownScale = IDIOSYNCRATIC_REGIME_SCALE[state]!;
    let g = 0;
    let jumped = false;
    if (sessionStart[i] === 1 && i > 0) {
      g = beta * gap[i]! + gaussian.next() * gapSigma * ownScale;
      if (random.next() < jumpProbability) {
        g += gaussian.next() * profile.jumpSize;
        jumped = true;
      }
    }
    let b = beta * body[i]! + drift + gaussian.next() * bodySigma[s]! * ownScale;
    const deviation = logPrice + g + b - startLog;
    if (deviation > BARRIER) b -= 0.05 * (deviation - BARRIER);
    else if (deviation < -BARRIER) b -= 0.05 * (deviation + BARRIER);

    const logOpen = logPrice + g;
    logPrice = logOpen + b;
    const o = i === 0 || (equities && sessionStart[i] === 1) ? roundPrice(Math.exp(logOpen)) : previousClose;
    const c = roundPrice(Math.exp(logPrice));
    const wick = wickSigma[s]! * REGIME_VOLATILITY[state]! * 0.5;
    const top = Math.max(o, c);
    const bottom = Math.min(o, c);
    // Wick lengths 2.4·u² σ: skewed to short, with the mean of |N(0, 1)| (0.8), and no log or exp per draw.
    const up = random.next();
    const down = random.next();
    const h = ceilPrice(top * (1 + 2.4 * up * up * wick));
    const l = floorPrice(bottom * (1 - Math.min(0.5, 2.4 * down * down * wick)));
    open[i] = o;
    close[i] = c;
    high[i] = Math.max(h, top);
    low[i] = l < bottom && l > 0 ? l : bottom;
    const surprise = wick > 0 ? Math.abs(b) / (2 * wick) : 0;
    const v =
      volumePerBar[s]! *
      volumeNoise(gaussian.next()) *
      (1 + 0.6 * surprise) *
      REGIME_VOLUME[state]! *
      (jumped ? 3 : 1);
    volume[i] = integerVolume ? Math.round(v) : Math.round(v * 1000) / 1000;
    previousClose = c;
  }
  return {
    symbol,
    timeframe: options.timeframe,
    time: ownsTime ? market.time : market.time.slice(),
    open,
    high,
    low,
    close,
    volume,
    length: count,
  };
}

/** Right-skewed positive noise with mean 1: 1 + x + x²/2 for x = 0.3 z (exp's Taylor; positive for every x). */
function volumeNoise(z: number): number {
  const x = 0.3 * z;
  return (1 + x + 0.5 * x * x) / 1.045;
}

/** Prices tick in cents from $1 up, in hundredths of a cent below; never below one tick. */
function tickScale(price: number): number {
  return price >= 1 ? 100 : 10_000;
}

function roundPrice(price: number): number {
  const scale = tickScale(price);
  const ticks = Math.round(price * scale);
  return Math.max(ticks, 1) / scale;
}

function ceilPrice(price: number): number {
  const scale = tickScale(price);
  return Math.ceil(price * scale - 1e-7) / scale;
}

function floorPrice(price: number): number {
  const scale = tickScale(price);
  return Math.floor(price * scale + 1e-7) / scale;
}

/** FNV-1a, 32 bits: a stable seed from a symbol's name. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Murmur3's finaliser over seed and salt, so nearby seeds give unrelated streams. */
function mixSeed(seed: number, salt: number): number {
  let h = (Math.trunc(seed) ^ Math.imul(salt, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
