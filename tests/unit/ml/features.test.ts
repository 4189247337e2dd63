// Features: hand-computed values, the engine kernels' values, New York calendar across a DST change, and the live
// stepper giving bit for bit the columns computeFeatures gives.
import { describe, expect, it } from 'vitest';
import { AverageTrueRange, RelativeStrength } from '../../../src/main/engine/indicators';
import { generateMarket } from '../../../src/main/feeds/synthetic';
import { featureSetHash } from '../../../src/main/ml/feature-set-hash';
import {
  computeFeatures,
  FeatureSetError,
  FeatureStepper,
  featureNames,
} from '../../../src/main/ml/features';
import type { Bar, BarSeries, Timeframe } from '../../../src/shared/domain/bars';
import { type FeatureSetInput, featureSetSchema } from '../../../src/shared/domain/ml';

const setOf = (input: FeatureSetInput) => featureSetSchema.parse(input);

/** A series from hand-written bars, one minute apart unless times are given. */
function seriesOf(
  bars: readonly Partial<Bar>[],
  options: { symbol?: string; timeframe?: Timeframe; times?: readonly number[] } = {},
): BarSeries {
  const n = bars.length;
  const column = (field: keyof Bar, fallback: (b: Partial<Bar>) => number) =>
    Float64Array.from(bars, (b) => b[field] ?? fallback(b));
  return {
    symbol: options.symbol ?? 'AAA',
    timeframe: options.timeframe ?? '1m',
    time: Float64Array.from(
      { length: n },
      (_, i) => options.times?.[i] ?? Date.UTC(2025, 0, 6, 15) + i * 60_000,
    ),
    open: column('open', (b) => b.close ?? 1),
    high: column('high', (b) => b.close ?? 1),
    low: column('low', (b) => b.close ?? 1),
    close: column('close', () => 1),
    volume: column('volume', () => 100),
    length: n,
  };
}

const column = (features: ReturnType<typeof computeFeatures>, name: string) => {
  const at = features.names.indexOf(name);
  if (at < 0) throw new Error(`no column ${name} in ${features.names.join(', ')}`);
  return Array.from(features.columns[at]!);
};

describe('feature values by hand', () => {
  const bars = seriesOf([
    { close: 10, high: 11, low: 9, volume: 100 },
    { close: 11, high: 12, low: 10, volume: 200 },
    { close: 10.5, high: 15, low: 10.5, volume: 300 },
    { close: 12, high: 12.5, low: 11, volume: 300 },
  ]);

  it('a 3-bar return is the log of close over the close 3 bars back; missing before', () => {
    const f = computeFeatures(setOf({ features: [{ kind: 'return', lag: 3 }] }), bars);
    expect(f.names).toEqual(['return_3']);
    expect(column(f, 'return_3').slice(0, 3).every(Number.isNaN)).toBe(true);
    expect(column(f, 'return_3')[3]).toBe(Math.log(12 / 10));
  });

  it('RSI(2): Wilder averages of gains and losses', () => {
    const f = computeFeatures(setOf({ features: [{ kind: 'rsi', period: 2 }] }), bars);
    const rsi = column(f, 'rsi_2');
    expect(rsi.slice(0, 2).every(Number.isNaN)).toBe(true);
    // changes +1, −0.5: gains 0.5, losses 0.25, RS 2 → 66.67; then +1.5: gains 1, losses 0.125, RS 8 → 88.89.
    expect(rsi[2]).toBeCloseTo(100 - 100 / 3, 12);
    expect(rsi[3]).toBeCloseTo(100 - 100 / 9, 12);
  });

  it('ATR(2) ÷ close: true ranges 2, 2, 4.5 → ATR 2 then 3.25', () => {
    const f = computeFeatures(setOf({ features: [{ kind: 'atr', period: 2 }] }), bars);
    const atr = column(f, 'atr_2');
    expect(Number.isNaN(atr[0]!)).toBe(true);
    expect(atr[1]).toBeCloseTo(2 / 11, 14);
    expect(atr[2]).toBeCloseTo(3.25 / 10.5, 14);
  });

  it('volume z-score over 3 bars, 0 when every volume in the window is the same', () => {
    const f = computeFeatures(setOf({ features: [{ kind: 'volume-z', window: 3 }] }), bars);
    const z = column(f, 'volume_z_3');
    expect(z[2]).toBeCloseTo(100 / Math.sqrt(20_000 / 3), 12);
    const flat = computeFeatures(
      setOf({ features: [{ kind: 'volume-z', window: 2 }] }),
      seriesOf([{ close: 1 }, { close: 2 }, { close: 3 }]),
    );
    expect(column(flat, 'volume_z_2').slice(1)).toEqual([0, 0]);
  });

  it('distance from the 2-bar SMA and EMA', () => {
    const f = computeFeatures(
      setOf({
        features: [
          { kind: 'ma-distance', period: 2 },
          { kind: 'ma-distance', period: 2, average: 'ema' },
        ],
      }),
      bars,
    );
    expect(column(f, 'sma_distance_2')[1]).toBeCloseTo(11 / 10.5 - 1, 14);
    // EMA(2): weight 2/3, seeded with 10: 11·2/3 + 10/3 = 32/3.
    expect(column(f, 'ema_distance_2')[1]).toBeCloseTo(11 / (32 / 3) - 1, 14);
    expect(Number.isNaN(column(f, 'ema_distance_2')[0]!)).toBe(true);
  });

  it('a feature name given in the set names its column; MACD has a signal column', () => {
    const set = setOf({
      features: [
        { kind: 'rsi', period: 14, name: 'momentum' },
        { kind: 'macd', fast: 3, slow: 6, signal: 2 },
      ],
    });
    expect(featureNames(set)).toEqual(['momentum', 'macd_3_6_2', 'macd_3_6_2_signal']);
  });

  it('two columns with one name are refused naming it', () => {
    const set = setOf({
      features: [
        { kind: 'rsi', period: 14 },
        { kind: 'rsi', period: 14 },
      ],
    });
    expect(() => featureNames(set)).toThrow(/two columns named "rsi_14"/);
  });
});

describe('features equal the engine kernels', () => {
  const [series] = generateMarket({ symbols: ['AAA'], seed: 7, bars: 3000, timeframe: '5m' });

  it('RSI and ATR are the strategies’ RelativeStrength and AverageTrueRange, bit for bit', () => {
    const f = computeFeatures(
      setOf({
        features: [
          { kind: 'rsi', period: 14 },
          { kind: 'atr', period: 14 },
        ],
      }),
      series!,
    );
    const rsi = new RelativeStrength(14);
    const atr = new AverageTrueRange(14);
    const wantRsi: number[] = [];
    const wantAtr: number[] = [];
    for (let i = 0; i < series!.length; i++) {
      const bar = { high: series!.high[i]!, low: series!.low[i]!, close: series!.close[i]! };
      wantRsi.push(rsi.update(bar.close));
      atr.update(bar);
      wantAtr.push(atr.value / bar.close);
    }
    expect(column(f, 'rsi_14')).toEqual(wantRsi);
    expect(column(f, 'atr_14')).toEqual(wantAtr);
    expect(wantRsi.slice(14).every(Number.isFinite)).toBe(true);
  });
});

describe('calendar features in New York time', () => {
  // 2025-03-09 02:00 New York: EST (−5 h) becomes EDT (−4 h).
  const times = [
    Date.UTC(2025, 2, 7, 14, 30), // Fri 09:30 EST
    Date.UTC(2025, 2, 9, 4, 30), // Sat 23:30 EST
    Date.UTC(2025, 2, 10, 3, 30), // Sun 23:30 EDT
    Date.UTC(2025, 2, 10, 13, 30), // Mon 09:30 EDT
    Date.UTC(2025, 2, 10, 19, 55), // Mon 15:55 EDT
  ];
  const f = computeFeatures(
    setOf({ features: [{ kind: 'time-of-day' }, { kind: 'day-of-week' }] }),
    seriesOf(
      times.map(() => ({ close: 1 })),
      { times },
    ),
  );

  it('the open is 09:30 on both sides of the change', () => {
    const tod = column(f, 'time_of_day');
    expect(tod[0]).toBe((9 * 60 + 30) / 1440);
    expect(tod[3]).toBe((9 * 60 + 30) / 1440);
    expect(tod[1]).toBe((23 * 60 + 30) / 1440);
    expect(tod[2]).toBe((23 * 60 + 30) / 1440);
    expect(tod[4]).toBe((15 * 60 + 55) / 1440);
  });

  it('0 = Monday: Friday, Saturday, Sunday, Monday', () => {
    expect(column(f, 'day_of_week')).toEqual([4, 5, 6, 0, 0]);
  });
});

describe('calendar features of daily bars', () => {
  it('a daily bar is stamped 00:00 UTC of its New York date: that date’s weekday, no time of day', () => {
    const times = [Date.UTC(2025, 2, 7), Date.UTC(2025, 2, 10), Date.UTC(2025, 2, 11)]; // Fri, Mon, Tue
    const f = computeFeatures(
      setOf({ features: [{ kind: 'time-of-day' }, { kind: 'day-of-week' }] }),
      seriesOf(
        times.map(() => ({ close: 1 })),
        { times, timeframe: '1D' },
      ),
    );
    expect(column(f, 'day_of_week')).toEqual([4, 0, 1]);
    expect(column(f, 'time_of_day')).toEqual([0, 0, 0]);
  });
});

const BIG_SET: FeatureSetInput = {
  features: [
    { kind: 'return', lag: 1 },
    { kind: 'return', lag: 12 },
    { kind: 'volatility', window: 20 },
    { kind: 'rsi', period: 14 },
    { kind: 'macd', fast: 12, slow: 26, signal: 9 },
    { kind: 'atr', period: 14 },
    { kind: 'volume-z', window: 20 },
    { kind: 'ma-distance', period: 50 },
    { kind: 'ma-distance', period: 20, average: 'ema' },
    { kind: 'time-of-day' },
    { kind: 'day-of-week' },
  ],
  symbols: ['BBB'],
  timeframes: [3, 12],
};

describe('live stepper and columnar computation are one code path', () => {
  const [primary, other] = generateMarket({ symbols: ['AAA', 'BBB'], seed: 11, bars: 2000, timeframe: '5m' });
  // The other symbol misses its first 100 bars and every 7th bar: alignment by time, carried forward.
  const keep = Array.from({ length: other!.length }, (_, i) => i >= 100 && i % 7 !== 0);
  const pick = (c: Float64Array) => Float64Array.from(c.filter((_, i) => keep[i]));
  const sparse: BarSeries = {
    ...other!,
    time: pick(other!.time),
    open: pick(other!.open),
    high: pick(other!.high),
    low: pick(other!.low),
    close: pick(other!.close),
    volume: pick(other!.volume),
    length: keep.filter(Boolean).length,
  };
  const set = setOf(BIG_SET);

  it('pushing bars one by one gives bit-identical rows to computeFeatures', () => {
    const columnar = computeFeatures(set, primary!, [sparse]);
    const live = new FeatureStepper(set, { timeframe: '5m' });
    const differences: string[] = [];
    let next = 0;
    for (let i = 0; i < primary!.length; i++) {
      const t = primary!.time[i]!;
      while (next < sparse.length && sparse.time[next]! <= t) {
        live.pushOther('BBB', barOf(sparse, next));
        next++;
      }
      const row = live.push(barOf(primary!, i));
      for (let f = 0; f < row.length; f++) {
        if (!Object.is(row[f], columnar.columns[f]![i])) differences.push(`${columnar.names[f]} at bar ${i}`);
      }
    }
    expect(differences).toEqual([]);
    // Every column has values after the warm-up (no silently empty feature).
    for (let f = 0; f < columnar.names.length; f++) {
      expect(Number.isFinite(columnar.columns[f]![primary!.length - 1]!), columnar.names[f]).toBe(true);
    }
  });

  it('the other symbol is missing until its first bar, then carried forward between its bars', () => {
    const columnar = computeFeatures(set, primary!, [sparse]);
    const ret = column(columnar, 'BBB:return_1');
    // BBB's first bar is bar 100 (no return yet), its second bar 101.
    expect(ret.slice(0, 101).every(Number.isNaN)).toBe(true);
    expect(ret[101]).toBe(Math.log(other!.close[101]! / other!.close[100]!));
    // Bar 105 is missing for BBB (105 % 7 = 0): bar 105 holds bar 104's value.
    expect(ret[105]).toBe(ret[104]);
    expect(ret[104]).toBe(Math.log(other!.close[104]! / other!.close[103]!));
  });

  it('a higher timeframe changes only when its bucket closes, with the closed bucket’s bars', () => {
    const columnar = computeFeatures(
      setOf({ features: [{ kind: 'return', lag: 1 }], timeframes: [3] }),
      primary!,
    );
    const htf = column(columnar, 'x3:return_1');
    const bucketMs = 15 * 60_000;
    const bucketOf = (i: number) => Math.floor(primary!.time[i]! / bucketMs);
    // Find a bar that closes a bucket after at least two closed buckets; its value is log(close of this bucket /
    // close of the previous bucket), and the bars of the next bucket before it closes still hold it.
    for (let i = 40; i < 200; i++) {
      const closes = primary!.time[i]! + 5 * 60_000 >= (bucketOf(i) + 1) * bucketMs;
      if (!closes) continue;
      let previousLast = i - 1;
      while (bucketOf(previousLast) === bucketOf(i)) previousLast--;
      expect(htf[i]).toBe(Math.log(primary!.close[i]! / primary!.close[previousLast]!));
      if (bucketOf(i + 1) === bucketOf(i + 2)) expect(htf[i + 1]).toBe(htf[i]);
      return;
    }
    throw new Error('no closing bar found');
  });

  it('a bar out of time order is refused', () => {
    const live = new FeatureStepper(set, { timeframe: '5m' });
    live.push(barOf(primary!, 10));
    expect(() => live.push(barOf(primary!, 9))).toThrow(/time order/);
  });

  it('a set naming another symbol needs its bars', () => {
    expect(() => computeFeatures(set, primary!)).toThrow(FeatureSetError);
    expect(() => computeFeatures(set, primary!)).toThrow(/BBB/);
  });
});

describe('feature set hash', () => {
  it('equal sets hash equal however written (defaults, key order); a changed setting changes it', () => {
    const a = featureSetHash({ features: [{ kind: 'ma-distance', period: 20 }] });
    const b = featureSetHash({
      timeframes: [],
      features: [{ period: 20, average: 'sma', kind: 'ma-distance' }],
      version: 1,
      symbols: [],
    });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(featureSetHash({ features: [{ kind: 'ma-distance', period: 21 }] })).not.toBe(a);
  });
});

function barOf(series: BarSeries, i: number): Bar {
  return {
    time: series.time[i]!,
    open: series.open[i]!,
    high: series.high[i]!,
    low: series.low[i]!,
    close: series.close[i]!,
    volume: series.volume[i]!,
  };
}
