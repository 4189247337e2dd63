// Features of a feature set, one stepper per feature fed bar by bar. The same FeatureStepper computes a whole series
// (computeFeatures, for training and backtests) and one live bar at a time (push), so a live bar gets exactly the
// values its backtest bar had: there is one code path, not a columnar twin of it.
//
// Conventions:
// - A feature at bar i reads bars up to and including bar i (its close is the decision point), never later ones.
// - Warm-up values are NaN (missing), as is anything undefined (a log of a zero price, a MACD before `slow` closes).
// - Other symbols (`symbols`): the same features on that symbol's bars, aligned by time: bar i sees the other
//   symbol's value after its latest bar with time ≤ bar i's time (pushed before bar i), NaN until it has one.
// - Higher timeframes (`timeframes`, factor k): the primary symbol's bars grouped into buckets of k × the bar length
//   (aligned to the epoch); a bucket's features are known once it has closed (its last bar pushed, or a bar of a later
//   bucket arrives), so no bar ever sees its own unfinished period.
// - Calendar features (time of day, day of week) are the primary bar's only: another symbol's or a higher timeframe's
//   would repeat them.

import type { Bar, BarColumns, BarSeries } from '../../shared/domain/bars';
import { TIMEFRAME_MS, type Timeframe } from '../../shared/domain/bars';
import type { FeatureSet, FeatureSetInput, FeatureSpec } from '../../shared/domain/ml';
import {
  AverageTrueRange,
  ExponentialMean,
  MovingAverageConvergence,
  RelativeStrength,
  ReturnVolatility,
  RollingDeviation,
  RollingMean,
} from '../engine/indicators';
import { DAY_MS, newYorkDay, newYorkTimeOfDay, weekdayOfDay } from '../market/new-york-time';

/** One feature's stepper: fed each bar in time order, writes its column(s) of the current bar. */
export interface FeatureKernel {
  /** Columns this feature writes (MACD: 2). */
  readonly width: number;
  update(bar: Bar): void;
  /** Writes the values after the last update into out[at … at + width). */
  write(out: Float64Array, at: number): void;
}

/** A feature set's columns, computed over a series: columns[f][i] is feature f at bar i. */
export interface FeatureColumns {
  readonly names: readonly string[];
  readonly columns: readonly Float64Array[];
  /** Bar times, ms (the primary series'). */
  readonly time: Float64Array;
  readonly length: number;
}

/** A feature set that cannot be computed as given (duplicate column names, a missing symbol's bars …). */
export class FeatureSetError extends Error {}

/** The column name(s) of one feature: its `name` when given, else one built from the kind and its settings. */
export function featureColumnNames(spec: FeatureSpec): string[] {
  const base = spec.name ?? defaultName(spec);
  return spec.kind === 'macd' ? [base, `${base}_signal`] : [base];
}

function defaultName(spec: FeatureSpec): string {
  switch (spec.kind) {
    case 'return':
      return `return_${spec.lag}`;
    case 'volatility':
      return `volatility_${spec.window}`;
    case 'rsi':
      return `rsi_${spec.period}`;
    case 'macd':
      return `macd_${spec.fast}_${spec.slow}_${spec.signal}`;
    case 'atr':
      return `atr_${spec.period}`;
    case 'volume-z':
      return `volume_z_${spec.window}`;
    case 'ma-distance':
      return `${spec.average}_distance_${spec.period}`;
    case 'time-of-day':
      return 'time_of_day';
    case 'day-of-week':
      return 'day_of_week';
  }
}

const isCalendar = (spec: FeatureSpec) => spec.kind === 'time-of-day' || spec.kind === 'day-of-week';

/** Every column of the set, in the order computeFeatures and FeatureStepper write them. */
export function featureNames(set: FeatureSet): string[] {
  const own = set.features.flatMap(featureColumnNames);
  const market = set.features.filter((spec) => !isCalendar(spec)).flatMap(featureColumnNames);
  const names = [
    ...own,
    ...set.symbols.flatMap((symbol) => market.map((name) => `${symbol}:${name}`)),
    ...set.timeframes.flatMap((factor) => market.map((name) => `x${factor}:${name}`)),
  ];
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw new FeatureSetError(
        `the feature set has two columns named "${name}": give one of the features another name`,
      );
    }
    seen.add(name);
  }
  return names;
}

/** log(close / close `lag` bars back). */
class LagReturn implements FeatureKernel {
  readonly width = 1;
  private readonly closes: Float64Array;
  private count = 0;
  private value = Number.NaN;

  constructor(private readonly lag: number) {
    this.closes = new Float64Array(lag);
  }

  update(bar: Bar): void {
    const slot = this.count % this.lag;
    this.value = this.count >= this.lag ? Math.log(bar.close / this.closes[slot]!) : Number.NaN;
    this.closes[slot] = bar.close;
    this.count++;
  }

  write(out: Float64Array, at: number): void {
    out[at] = this.value;
  }
}

class Volatility implements FeatureKernel {
  readonly width = 1;
  private readonly kernel: ReturnVolatility;
  constructor(window: number) {
    this.kernel = new ReturnVolatility(window);
  }
  update(bar: Bar): void {
    this.kernel.update(bar);
  }
  write(out: Float64Array, at: number): void {
    out[at] = this.kernel.value;
  }
}

/** Wilder's RSI, 0–100, as the strategies' RSI. */
class Rsi implements FeatureKernel {
  readonly width = 1;
  private readonly kernel: RelativeStrength;
  constructor(period: number) {
    this.kernel = new RelativeStrength(period);
  }
  update(bar: Bar): void {
    this.kernel.update(bar.close);
  }
  write(out: Float64Array, at: number): void {
    out[at] = this.kernel.value;
  }
}

/** MACD line and signal line ÷ close; the signal is missing until its EMA has `signal` values. */
class Macd implements FeatureKernel {
  readonly width = 2;
  private readonly kernel: MovingAverageConvergence;
  private close = Number.NaN;
  constructor(fast: number, slow: number, signal: number) {
    this.kernel = new MovingAverageConvergence(fast, slow, signal);
  }
  update(bar: Bar): void {
    this.kernel.update(bar.close);
    this.close = bar.close;
  }
  write(out: Float64Array, at: number): void {
    out[at] = this.kernel.macd / this.close;
    out[at + 1] = this.kernel.isReady ? this.kernel.signal / this.close : Number.NaN;
  }
}

/** Wilder's ATR ÷ close. */
class Atr implements FeatureKernel {
  readonly width = 1;
  private readonly kernel: AverageTrueRange;
  private close = Number.NaN;
  constructor(period: number) {
    this.kernel = new AverageTrueRange(period);
  }
  update(bar: Bar): void {
    this.kernel.update(bar);
    this.close = bar.close;
  }
  write(out: Float64Array, at: number): void {
    out[at] = this.kernel.value / this.close;
  }
}

/** (volume − mean) ÷ σ over the window including this bar; 0 when every volume in it is the same. */
class VolumeZ implements FeatureKernel {
  readonly width = 1;
  private readonly kernel: RollingDeviation;
  private value = Number.NaN;
  constructor(window: number) {
    this.kernel = new RollingDeviation(window);
  }
  update(bar: Bar): void {
    const deviation = this.kernel.update(bar.volume);
    const { mean } = this.kernel;
    this.value = deviation === 0 ? 0 : (bar.volume - mean) / deviation;
  }
  write(out: Float64Array, at: number): void {
    out[at] = this.value;
  }
}

/** close ÷ moving average − 1; missing until the average has `period` values. */
class MaDistance implements FeatureKernel {
  readonly width = 1;
  private readonly sma: RollingMean | undefined;
  private readonly ema: ExponentialMean | undefined;
  private value = Number.NaN;
  constructor(period: number, average: 'sma' | 'ema') {
    if (average === 'sma') this.sma = new RollingMean(period);
    else this.ema = new ExponentialMean(period);
  }
  update(bar: Bar): void {
    let average = Number.NaN;
    if (this.sma !== undefined) average = this.sma.update(bar.close);
    else if (this.ema !== undefined) {
      this.ema.update(bar.close);
      if (this.ema.isReady) average = this.ema.value;
    }
    this.value = bar.close / average - 1;
  }
  write(out: Float64Array, at: number): void {
    out[at] = this.value;
  }
}

/**
 * Minutes since New York midnight ÷ 1440 (the bar's open time). A daily bar is stamped 00:00 UTC of its New York
 * date (the bars' convention), which is no time of day: 0.
 */
class TimeOfDay implements FeatureKernel {
  readonly width = 1;
  private value = Number.NaN;
  constructor(private readonly daily: boolean) {}
  update(bar: Bar): void {
    this.value = this.daily ? 0 : newYorkTimeOfDay(bar.time) / DAY_MS;
  }
  write(out: Float64Array, at: number): void {
    out[at] = this.value;
  }
}

/** 0 = Monday … 6 = Sunday, New York date of the bar's open time (a daily bar's stamp is its date, in UTC). */
class DayOfWeek implements FeatureKernel {
  readonly width = 1;
  private value = Number.NaN;
  constructor(private readonly daily: boolean) {}
  update(bar: Bar): void {
    const day = this.daily ? Math.floor(bar.time / DAY_MS) : newYorkDay(bar.time);
    this.value = (weekdayOfDay(day) + 6) % 7;
  }
  write(out: Float64Array, at: number): void {
    out[at] = this.value;
  }
}

/** A fresh stepper for one feature of bars of `timeframe` (calendar features read daily bars' stamps as dates). */
export function featureKernel(spec: FeatureSpec, timeframe?: Timeframe): FeatureKernel {
  switch (spec.kind) {
    case 'return':
      return new LagReturn(spec.lag);
    case 'volatility':
      return new Volatility(spec.window);
    case 'rsi':
      return new Rsi(spec.period);
    case 'macd':
      return new Macd(spec.fast, spec.slow, spec.signal);
    case 'atr':
      return new Atr(spec.period);
    case 'volume-z':
      return new VolumeZ(spec.window);
    case 'ma-distance':
      return new MaDistance(spec.period, spec.average);
    case 'time-of-day':
      return new TimeOfDay(timeframe === '1D');
    case 'day-of-week':
      return new DayOfWeek(timeframe === '1D');
  }
}

/** Several features fed the same bars, writing side by side. */
class KernelGroup {
  readonly width: number;
  private readonly kernels: FeatureKernel[];
  /** The values after the last update (a higher timeframe holds them between its closed bars). */
  readonly values: Float64Array;

  constructor(specs: readonly FeatureSpec[], timeframe?: Timeframe) {
    this.kernels = specs.map((spec) => featureKernel(spec, timeframe));
    this.width = this.kernels.reduce((n, k) => n + k.width, 0);
    this.values = new Float64Array(this.width).fill(Number.NaN);
  }

  update(bar: Bar): void {
    const kernels = this.kernels;
    let at = 0;
    for (let k = 0; k < kernels.length; k++) {
      const kernel = kernels[k]!;
      kernel.update(bar);
      kernel.write(this.values, at);
      at += kernel.width;
    }
  }
}

/** Bars grouped into buckets of `factor` × the bar length; the group's features update when a bucket closes. */
class HigherTimeframe {
  private readonly bucketMs: number;
  private bucket = Number.NaN;
  private readonly bar = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };

  constructor(
    factor: number,
    private readonly barMs: number,
    readonly group: KernelGroup,
  ) {
    this.bucketMs = factor * barMs;
  }

  update(source: Bar): void {
    const bucket = Math.floor(source.time / this.bucketMs);
    const bar = this.bar;
    // A bar of a later bucket closes the open one (its last bar was missing from the data).
    if (bucket !== this.bucket && !Number.isNaN(this.bucket)) this.close();
    if (Number.isNaN(this.bucket)) {
      this.bucket = bucket;
      bar.time = bucket * this.bucketMs;
      bar.open = source.open;
      bar.high = source.high;
      bar.low = source.low;
      bar.close = source.close;
      bar.volume = source.volume;
    } else {
      if (source.high > bar.high) bar.high = source.high;
      if (source.low < bar.low) bar.low = source.low;
      bar.close = source.close;
      bar.volume += source.volume;
    }
    // The bucket's last bar closes it: its values are known at this bar's close.
    if (source.time + this.barMs >= (bucket + 1) * this.bucketMs) this.close();
  }

  private close(): void {
    this.group.update(this.bar);
    this.bucket = Number.NaN;
  }
}

export interface FeatureStepperOptions {
  /** The pushed bars' timeframe: needed for higher timeframes, and daily bars' calendar features read it. */
  readonly timeframe?: Timeframe;
}

/**
 * The live form: push each bar of the primary symbol in time order (other symbols' bars through pushOther, before
 * the primary bar of the same time) and get that bar's feature row, in `names` order.
 */
export class FeatureStepper {
  readonly names: readonly string[];
  readonly width: number;
  private readonly own: KernelGroup;
  private readonly others: ReadonlyMap<string, { group: KernelGroup; lastTime: number }>;
  private readonly otherList: readonly { group: KernelGroup; lastTime: number }[];
  private readonly higher: readonly HigherTimeframe[];
  private lastTime = Number.NEGATIVE_INFINITY;

  constructor(
    readonly set: FeatureSet,
    options: FeatureStepperOptions = {},
  ) {
    this.names = featureNames(set);
    this.width = this.names.length;
    const market = set.features.filter((spec) => !isCalendar(spec));
    this.own = new KernelGroup(set.features, options.timeframe);
    this.others = new Map(
      set.symbols.map((symbol) => [
        symbol,
        { group: new KernelGroup(market), lastTime: Number.NEGATIVE_INFINITY },
      ]),
    );
    this.otherList = [...this.others.values()];
    if (set.timeframes.length > 0 && options.timeframe === undefined) {
      throw new FeatureSetError('higher-timeframe features need the bars’ timeframe');
    }
    const barMs = options.timeframe === undefined ? 0 : TIMEFRAME_MS[options.timeframe];
    this.higher = set.timeframes.map((factor) => new HigherTimeframe(factor, barMs, new KernelGroup(market)));
  }

  /** Feeds another symbol's bar (one of the set's `symbols`); bars of one symbol come in time order. */
  pushOther(symbol: string, bar: Bar): void {
    const other = this.others.get(symbol);
    if (other === undefined) {
      throw new FeatureSetError(`${symbol} is not one of the feature set's other symbols`);
    }
    checkOrder(symbol, bar.time, other.lastTime);
    other.lastTime = bar.time;
    other.group.update(bar);
  }

  /** Feeds the primary symbol's next bar and writes its feature row into `out` (a new array when not given). */
  push(bar: Bar, out: Float64Array = new Float64Array(this.width)): Float64Array {
    checkOrder('the bars', bar.time, this.lastTime);
    this.lastTime = bar.time;
    this.own.update(bar);
    copyInto(out, this.own.values, 0);
    let at = this.own.width;
    const others = this.otherList;
    for (let k = 0; k < others.length; k++) {
      const group = others[k]!.group;
      copyInto(out, group.values, at);
      at += group.width;
    }
    const higher = this.higher;
    for (let k = 0; k < higher.length; k++) {
      const h = higher[k]!;
      h.update(bar);
      copyInto(out, h.group.values, at);
      at += h.group.width;
    }
    return out;
  }
}

/** A short copy: typed-array set() costs more than the loop for a handful of values. */
function copyInto(out: Float64Array, values: Float64Array, at: number): void {
  for (let k = 0; k < values.length; k++) out[at + k] = values[k]!;
}

function checkOrder(what: string, time: number, last: number): void {
  if (!(time > last)) {
    throw new FeatureSetError(
      `${what}: a bar at ${new Date(time).toISOString()} came after one at ${new Date(last).toISOString()} (bars must be in time order)`,
    );
  }
}

/** A reusable bar over columns (no allocation per bar). */
function barReader(columns: BarColumns) {
  const bar = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  return (i: number): Bar => {
    bar.time = columns.time[i]!;
    bar.open = columns.open[i]!;
    bar.high = columns.high[i]!;
    bar.low = columns.low[i]!;
    bar.close = columns.close[i]!;
    bar.volume = columns.volume[i]!;
    return bar;
  };
}

/**
 * The columnar form: the set's features over `series`, computed by one FeatureStepper fed every bar in order (other
 * symbols' bars interleaved by time, each before the primary bar of the same time), so equal to pushing them live.
 */
export function computeFeatures(
  set: FeatureSet,
  series: BarSeries,
  others: readonly BarSeries[] = [],
): FeatureColumns {
  const stepper = new FeatureStepper(set, { timeframe: series.timeframe });
  const feeds = set.symbols.map((symbol) => {
    const other = others.find((s) => s.symbol === symbol);
    if (other === undefined) {
      throw new FeatureSetError(`the feature set uses ${symbol}'s bars, and none were given`);
    }
    return { symbol, series: other, read: barReader(other), next: 0 };
  });
  const length = series.length;
  const width = stepper.width;
  const columns = stepper.names.map(() => new Float64Array(length));
  const row = new Float64Array(width);
  const read = barReader(series);
  for (let i = 0; i < length; i++) {
    const time = series.time[i]!;
    for (const feed of feeds) {
      while (feed.next < feed.series.length && feed.series.time[feed.next]! <= time) {
        stepper.pushOther(feed.symbol, feed.read(feed.next));
        feed.next++;
      }
    }
    stepper.push(read(i), row);
    for (let f = 0; f < width; f++) columns[f]![i] = row[f]!;
  }
  return { names: stepper.names, columns, time: series.time.slice(0, length), length };
}

/**
 * The feature set training uses when none is given (`npm run ml -- train` without --features): the list —
 * returns over lags, volatility, RSI, MACD and signal, ATR, volume z-score, distance from moving averages, time of
 * day and day of week.
 */
export const DEFAULT_FEATURE_SET: FeatureSetInput = {
  features: [
    { kind: 'return', lag: 1 },
    { kind: 'return', lag: 3 },
    { kind: 'return', lag: 12 },
    { kind: 'volatility', window: 20 },
    { kind: 'rsi', period: 14 },
    { kind: 'macd', fast: 12, slow: 26, signal: 9 },
    { kind: 'atr', period: 14 },
    { kind: 'volume-z', window: 20 },
    { kind: 'ma-distance', period: 20, average: 'sma' },
    { kind: 'ma-distance', period: 50, average: 'ema' },
    { kind: 'time-of-day' },
    { kind: 'day-of-week' },
  ],
};
