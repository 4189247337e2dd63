// The fake's market: a fixed list of assets, each with a deterministic 1-minute price path (the app's synthetic
// generator, seeded), the simulated clock's ticks inside each bar, and historical bars at Alpaca's timeframes.
//
// Conventions:
// - Equities trade 09:30–16:00 New York on NYSE trading days (13:00 on early closes); crypto trades 24/7. Only
//   regular-session bars exist (no pre/post-market).
// - Each 1-minute bar carries four price ticks, 15 s apart: open, then low and high (high and low when the bar closes
//   down), then close. Orders match against ticks; the streams publish a trade and a quote per tick and the bar when
//   it completes.
// - SIP bars carry the generator's volume; IEX bars the same prices with IEX_VOLUME_SHARE of the volume.
// - A bar is history once it has completed (bar time + 1 min <= the fake's clock). Aggregated bars (5Min … 1Day)
//   include the one still forming. 5Min/15Min/1Hour buckets are anchored at the 09:30 open (as the app's
//   aggregateBars does); 1Day bars are stamped at New York midnight (Alpaca's convention), crypto at 00:00 UTC.

import { aggregateBars } from '../../src/main/feeds/aggregate';
import { generateSeries, profileFor, type SymbolProfile } from '../../src/main/feeds/synthetic';
import { isTradingDay, sessionOnDay } from '../../src/main/market/calendar';
import {
  DAY_MS,
  type MarketCalendar,
  newYorkDay,
  newYorkWallToUtc,
  SESSION_CLOSE_MS,
  SESSION_OPEN_MS,
} from '../../src/main/market/new-york-time';
import type { BarSeries, Timeframe } from '../../src/shared/domain/bars';
import { stableUuid } from './ids';

export const MINUTE_MS = 60_000;
/** Minutes in a full regular session (390), for sizing generated history. */
const SESSION_MINUTES = (SESSION_CLOSE_MS - SESSION_OPEN_MS) / MINUTE_MS;
export const TICK_MS = 15_000;
export const TICKS_PER_BAR = 4;
export const IEX_VOLUME_SHARE = 0.025;

export type AssetClass = 'us_equity' | 'crypto' | 'us_option';

export interface AssetDef {
  readonly symbol: string;
  readonly name: string;
  readonly exchange: string;
  readonly assetClass: AssetClass;
  readonly status: 'active' | 'inactive';
  readonly tradable: boolean;
  readonly shortable: boolean;
  readonly easyToBorrow: boolean;
  readonly marginable: boolean;
  readonly fractionable: boolean;
  readonly startPrice: number;
}

function equity(
  symbol: string,
  name: string,
  exchange: string,
  startPrice: number,
  flags: Partial<Pick<AssetDef, 'tradable' | 'shortable' | 'marginable' | 'fractionable'>> = {},
): AssetDef {
  const shortable = flags.shortable ?? true;
  return {
    symbol,
    name,
    exchange,
    assetClass: 'us_equity',
    status: 'active',
    tradable: flags.tradable ?? true,
    shortable,
    easyToBorrow: shortable,
    marginable: flags.marginable ?? true,
    fractionable: flags.fractionable ?? true,
    startPrice,
  };
}

function crypto(symbol: string, name: string, startPrice: number): AssetDef {
  return {
    symbol,
    name,
    exchange: 'CRYPTO',
    assetClass: 'crypto',
    status: 'active',
    tradable: true,
    shortable: false,
    easyToBorrow: false,
    marginable: false,
    fractionable: true,
    startPrice,
  };
}

/**
 * The fake's assets. NOSH is tradable but not shortable; OTCQ is listed but not tradable. Any other symbol is
 * unknown (404 on /v2/assets, 422 on orders, no bars).
 */
export const FAKE_ASSETS: readonly AssetDef[] = [
  equity('AAPL', 'Apple Inc. Common Stock', 'NASDAQ', 228.5),
  equity('MSFT', 'Microsoft Corporation Common Stock', 'NASDAQ', 402.1),
  equity('NVDA', 'NVIDIA Corporation Common Stock', 'NASDAQ', 118.4),
  equity('TSLA', 'Tesla, Inc. Common Stock', 'NASDAQ', 262.3),
  equity('SPY', 'SPDR S&P 500 ETF Trust', 'ARCA', 571.2),
  equity('NOSH', 'No-Short Holdings Inc. Common Stock', 'NYSE', 24.6, { shortable: false }),
  equity('OTCQ', 'OTC Quiet Corp. Common Stock', 'OTC', 3.15, {
    tradable: false,
    shortable: false,
    marginable: false,
    fractionable: false,
  }),
  crypto('BTC/USD', 'Bitcoin  / US Dollar', 87_500),
  crypto('ETH/USD', 'Ethereum / US Dollar', 3_150),
];

export interface WireBar {
  t: string;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
  n: number;
  vw: number;
}

export type Feed = 'iex' | 'sip';

/** Alpaca timeframe strings the fake serves, mapped to the app's timeframes. */
export function parseTimeframe(text: string): Timeframe | null {
  const match = /^(\d+)(Min|T|Hour|H|Day|D)$/.exec(text);
  if (match === null) return null;
  const amount = Number(match[1]);
  const unit = match[2];
  if (unit === 'Min' || unit === 'T') {
    if (amount === 1) return '1m';
    if (amount === 5) return '5m';
    if (amount === 15) return '15m';
    return null;
  }
  if (unit === 'Hour' || unit === 'H') return amount === 1 ? '1h' : null;
  return amount === 1 ? '1D' : null;
}

export function calendarOf(asset: AssetDef): MarketCalendar {
  return asset.assetClass === 'crypto' ? 'crypto' : 'us-equities';
}

export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

function vwapOf(h: number, l: number, c: number): number {
  return roundTo((h + l + c) / 3, 4);
}

/** One symbol's 1-minute path, generated lazily far enough ahead of the clock. */
export class SymbolPath {
  readonly asset: AssetDef;
  readonly calendar: MarketCalendar;
  readonly assetId: string;
  /** Shares per unit of quantity (an option contract's is 100). */
  readonly multiplier: number = 1;
  private series: BarSeries | null = null;
  private index = new Map<number, number>();
  private generatedBars = 0;

  constructor(
    asset: AssetDef,
    private readonly seed: number,
    private readonly historyStart: number,
  ) {
    this.asset = asset;
    this.calendar = calendarOf(asset);
    this.assetId = stableUuid(`asset:${asset.symbol}`);
  }

  private profile(): SymbolProfile {
    return { ...profileFor(this.asset.symbol), startPrice: this.asset.startPrice };
  }

  /** Makes sure bars exist at least up to `untilMs` (plus a day's margin). */
  ensure(untilMs: number): void {
    const series = this.series;
    if (series !== null && series.length > 0 && series.time[series.length - 1]! >= untilMs + DAY_MS) return;
    const days = Math.ceil((untilMs - this.historyStart) / DAY_MS) + 3;
    const perDay = this.calendar === 'crypto' ? DAY_MS / MINUTE_MS : SESSION_MINUTES;
    let bars = Math.max(this.generatedBars * 2, days * perDay);
    // Equities: five trading days in seven, and three spare sessions.
    if (this.calendar !== 'crypto') bars = Math.ceil((bars * 5) / 7) + SESSION_MINUTES * 3;
    const generated = generateSeries(this.asset.symbol, {
      seed: this.seed,
      bars,
      timeframe: '1m',
      start: this.historyStart,
      calendar: this.calendar,
      tradingDay: (day) => isTradingDay('us-equities', day),
      profiles: { [this.asset.symbol]: this.profile() },
    });
    this.generatedBars = bars;
    this.series = this.calendar === 'crypto' ? generated : dropAfterEarlyClose(generated);
    this.index = new Map();
    const s = this.series;
    for (let i = 0; i < s.length; i++) this.index.set(s.time[i]!, i);
  }

  private get s(): BarSeries {
    if (this.series === null) this.ensure(this.historyStart);
    return this.series!;
  }

  /** Index of the bar that starts at `barStart`, or -1. */
  barAt(barStart: number): number {
    this.ensure(barStart);
    return this.index.get(barStart) ?? -1;
  }

  bar(i: number): { time: number; open: number; high: number; low: number; close: number; volume: number } {
    const s = this.s;
    return {
      time: s.time[i]!,
      open: s.open[i]!,
      high: s.high[i]!,
      low: s.low[i]!,
      close: s.close[i]!,
      volume: s.volume[i]!,
    };
  }

  /** The price of tick `k` (0..3) of bar `i`. */
  tickPrice(i: number, k: number): number {
    const b = this.bar(i);
    if (k === 0) return b.open;
    if (k === 3) return b.close;
    const up = b.close >= b.open;
    return (k === 1) === up ? b.low : b.high;
  }

  /** The last traded price at `nowMs`: the latest tick at or before it (the previous close when closed). */
  lastPrice(nowMs: number): number {
    this.ensure(nowMs);
    const s = this.s;
    const i = this.lastBarStartingAtOrBefore(nowMs);
    if (i < 0) return this.asset.startPrice;
    const k = Math.min(TICKS_PER_BAR - 1, Math.floor((nowMs - s.time[i]!) / TICK_MS));
    return this.tickPrice(i, k);
  }

  /** Close of the last bar of the previous trading day (for lastday_price / change_today). */
  previousDayClose(nowMs: number): number {
    const s = this.s;
    const dayStart =
      this.calendar === 'crypto'
        ? Math.floor(nowMs / DAY_MS) * DAY_MS
        : newYorkWallToUtc(newYorkDay(nowMs), 0);
    const i = this.lastBarStartingAtOrBefore(dayStart - 1);
    return i < 0 ? this.asset.startPrice : s.close[i]!;
  }

  /** Index of the last bar starting at or before `timeMs`, or -1. */
  lastBarStartingAtOrBefore(timeMs: number): number {
    const s = this.s;
    let lo = 0;
    let hi = s.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (s.time[mid]! <= timeMs) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** First index whose bar starts at or after `timeMs`. */
  private firstBarAtOrAfter(timeMs: number): number {
    const i = this.lastBarStartingAtOrBefore(timeMs - 1);
    return i + 1;
  }

  /** Minute bars as a series slice [from, to) by bar start, completed at `nowMs`. */
  private minuteSlice(fromMs: number, toMs: number, nowMs: number): BarSeries {
    this.ensure(nowMs);
    const s = this.s;
    const a = this.firstBarAtOrAfter(fromMs);
    let b = this.firstBarAtOrAfter(Math.min(toMs, nowMs - MINUTE_MS + 1));
    if (b < a) b = a;
    return {
      symbol: s.symbol,
      timeframe: '1m',
      time: s.time.slice(a, b),
      open: s.open.slice(a, b),
      high: s.high.slice(a, b),
      low: s.low.slice(a, b),
      close: s.close.slice(a, b),
      volume: s.volume.slice(a, b),
      length: b - a,
    };
  }

  /** Historical bars with bar time in [startMs, endMs], oldest first. */
  bars(timeframe: Timeframe, startMs: number, endMs: number, nowMs: number, feed: Feed): WireBar[] {
    const volumeShare = feed === 'iex' && this.calendar !== 'crypto' ? IEX_VOLUME_SHARE : 1;
    let series: BarSeries;
    if (timeframe === '1m') {
      series = this.minuteSlice(startMs, endMs + 1, nowMs);
    } else {
      // Start aggregating from the beginning of the start's day so partial buckets are whole.
      const from = Math.floor(startMs / DAY_MS) * DAY_MS - DAY_MS;
      const minutes = this.minuteSlice(from, endMs + DAY_MS, nowMs);
      series = aggregateBars(minutes, timeframe, this.calendar);
    }
    const out: WireBar[] = [];
    for (let i = 0; i < series.length; i++) {
      let t = series.time[i]!;
      if (timeframe === '1D' && this.calendar !== 'crypto') t = newYorkWallToUtc(Math.floor(t / DAY_MS), 0);
      if (t < startMs || t > endMs) continue;
      out.push(this.wireBar(t, series, i, volumeShare));
    }
    return out;
  }

  wireBar(t: number, series: BarSeries, i: number, volumeShare: number): WireBar {
    const crypto = this.calendar === 'crypto';
    const rawVolume = series.volume[i]! * volumeShare;
    const v = crypto ? roundTo(rawVolume, 9) : Math.max(1, Math.round(rawVolume));
    const h = series.high[i]!;
    const l = series.low[i]!;
    const c = series.close[i]!;
    return {
      t: new Date(t).toISOString().replace('.000Z', 'Z'),
      o: series.open[i]!,
      h,
      l,
      c,
      v,
      n: Math.max(1, Math.round(crypto ? rawVolume * 20 : rawVolume / 90)),
      vw: vwapOf(h, l, c),
    };
  }

  /** The completed minute bar `i` as a wire bar for a feed. */
  minuteWireBar(i: number, feed: Feed): WireBar {
    const volumeShare = feed === 'iex' && this.calendar !== 'crypto' ? IEX_VOLUME_SHARE : 1;
    return this.wireBar(this.s.time[i]!, this.s, i, volumeShare);
  }
}

function dropAfterEarlyClose(series: BarSeries): BarSeries {
  const keep: number[] = [];
  let cachedDay = Number.NaN;
  let cachedClose = 0;
  for (let i = 0; i < series.length; i++) {
    const t = series.time[i]!;
    const day = newYorkDay(t);
    if (day !== cachedDay) {
      cachedDay = day;
      cachedClose = sessionOnDay('us-equities', day)?.close ?? Number.POSITIVE_INFINITY;
    }
    if (t < cachedClose) keep.push(i);
  }
  if (keep.length === series.length) return series;
  const pick = (column: Float64Array) => Float64Array.from(keep, (i) => column[i]!);
  return {
    symbol: series.symbol,
    timeframe: series.timeframe,
    time: pick(series.time),
    open: pick(series.open),
    high: pick(series.high),
    low: pick(series.low),
    close: pick(series.close),
    volume: pick(series.volume),
    length: keep.length,
  };
}

/** All assets' paths, keyed by symbol (crypto as `BTC/USD`). */
export class Market {
  readonly paths = new Map<string, SymbolPath>();

  constructor(seed: number, historyStart: number) {
    for (const asset of FAKE_ASSETS) this.paths.set(asset.symbol, new SymbolPath(asset, seed, historyStart));
  }

  /** Looks a symbol up as Alpaca does: `BTC/USD` and `BTCUSD` name the same crypto pair. */
  find(symbol: string): SymbolPath | undefined {
    const upper = symbol.toUpperCase();
    const direct = this.paths.get(upper);
    if (direct !== undefined) return direct;
    for (const path of this.paths.values()) {
      if (path.asset.assetClass === 'crypto' && path.asset.symbol.replace('/', '') === upper) return path;
    }
    return undefined;
  }

  findById(id: string): SymbolPath | undefined {
    for (const path of this.paths.values()) if (path.assetId === id) return path;
    return undefined;
  }
}
