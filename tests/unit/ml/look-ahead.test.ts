// The look-ahead self-test: a clean feature set and model pass; a planted leak (a test-only feature reading the next
// bar, or one normalised over the whole series) fails, naming that feature.
import { describe, expect, it } from 'vitest';
import { generateMarket } from '../../../src/main/feeds/synthetic';
import { computeFeatures, type FeatureColumns } from '../../../src/main/ml/features';
import { assertNoLookAhead, checkLookAhead, LookAheadError } from '../../../src/main/ml/look-ahead';
import { matrixFromColumns, predict, type TreeEnsemble } from '../../../src/main/ml/trees';
import type { BarSeries } from '../../../src/shared/domain/bars';
import { featureSetSchema } from '../../../src/shared/domain/ml';

const set = featureSetSchema.parse({
  features: [
    { kind: 'return', lag: 1 },
    { kind: 'rsi', period: 14 },
    { kind: 'macd', fast: 12, slow: 26, signal: 9 },
    { kind: 'atr', period: 14 },
    { kind: 'volume-z', window: 20 },
    { kind: 'time-of-day' },
  ],
  symbols: ['BBB'],
  timeframes: [4],
});
const [primary, other] = generateMarket({ symbols: ['AAA', 'BBB'], seed: 3, bars: 1500, timeframe: '5m' });

/** A hand-built model: two stumps, one on `a` at `ta`, one on `b` at `tb` (leaves ∓0.5 and ∓1). */
function stumps(names: readonly string[], a: string, ta: number, b: string, tb: number): TreeEnsemble {
  const fa = names.indexOf(a);
  const fb = names.indexOf(b);
  return {
    objective: 'binary:logistic',
    baseMargin: 0,
    featureNames: names,
    roots: Int32Array.of(0, 3),
    feature: Int32Array.of(fa, -1, -1, fb, -1, -1),
    threshold: Float32Array.of(ta, 0, 0, tb, 0, 0),
    left: Int32Array.of(1, -1, -1, 4, -1, -1),
    right: Int32Array.of(2, -1, -1, 5, -1, -1),
    defaultLeft: Uint8Array.of(1, 0, 0, 0, 0, 0),
    value: Float32Array.of(0, -0.5, 0.5, 0, -1, 1),
    gain: new Float32Array(6),
    cover: new Float32Array(6),
  };
}

const predictWith = (model: TreeEnsemble) => (f: FeatureColumns) =>
  predict(model, matrixFromColumns(f.columns, f.length));

describe('look-ahead self-test', () => {
  it('our features and a model over them pass', () => {
    const compute = (s: BarSeries, o: readonly BarSeries[]) => computeFeatures(set, s, o);
    const names = compute(primary!, [other!]).names;
    const model = stumps(names, 'rsi_14', 50, 'x4:return_1', 0);
    const result = assertNoLookAhead({
      series: primary!,
      others: [other!],
      compute,
      predict: predictWith(model),
    });
    expect(result.passed).toBe(true);
    expect(result.checkpoints.length).toBe(6);
  });

  it('a planted feature reading the next bar fails, naming it', () => {
    const leaky = (s: BarSeries, o: readonly BarSeries[]): FeatureColumns => {
      const clean = computeFeatures(set, s, o);
      const next = new Float64Array(s.length).fill(Number.NaN);
      for (let i = 0; i + 1 < s.length; i++) next[i] = Math.log(s.close[i + 1]! / s.close[i]!);
      return { ...clean, names: [...clean.names, 'next_return'], columns: [...clean.columns, next] };
    };
    const names = leaky(primary!, [other!]).names;
    const model = stumps(names, 'next_return', 0, 'rsi_14', 50);
    const result = checkLookAhead({
      series: primary!,
      others: [other!],
      compute: leaky,
      predict: predictWith(model),
    });
    expect(result.passed).toBe(false);
    expect(result.leaks.map((l) => l.feature)).toEqual(Array(6).fill('next_return'));
    // The changed value is the checkpoint's own row: it read the (changed) bar after it.
    expect(result.leaks.every((l) => l.bar === l.checkpoint)).toBe(true);
    expect(result.predictionChanges.length).toBeGreaterThan(0);
    expect(result.message).toMatch(/feature "next_return" reads bars after the decision bar/);
    expect(() =>
      assertNoLookAhead({ series: primary!, others: [other!], compute: leaky, predict: predictWith(model) }),
    ).toThrow(LookAheadError);
  });

  it('a feature reading the next candle’s shape (unchanged if a bar were only rescaled) is caught too', () => {
    const nextUp = (s: BarSeries, o: readonly BarSeries[]): FeatureColumns => {
      const clean = computeFeatures(set, s, o);
      const next = new Float64Array(s.length).fill(Number.NaN);
      for (let i = 0; i + 1 < s.length; i++) next[i] = s.close[i + 1]! > s.open[i + 1]! ? 1 : 0;
      return { ...clean, names: [...clean.names, 'next_bar_up'], columns: [...clean.columns, next] };
    };
    const result = checkLookAhead({ series: primary!, others: [other!], compute: nextUp });
    expect([...new Set(result.leaks.map((l) => l.feature))]).toEqual(['next_bar_up']);
  });

  it('a feature reading the next bar’s time (no price change shows it) is caught when the later bars are removed', () => {
    const gap = (s: BarSeries, o: readonly BarSeries[]): FeatureColumns => {
      const clean = computeFeatures(set, s, o);
      const next = new Float64Array(s.length).fill(Number.NaN);
      for (let i = 0; i + 1 < s.length; i++) next[i] = s.time[i + 1]! - s.time[i]!;
      return { ...clean, names: [...clean.names, 'minutes_to_next_bar'], columns: [...clean.columns, next] };
    };
    const result = checkLookAhead({ series: primary!, others: [other!], compute: gap });
    expect([...new Set(result.leaks.map((l) => l.feature))]).toEqual(['minutes_to_next_bar']);
    expect(result.leaks.every((l) => l.laterBars === 'removed' && l.bar === l.checkpoint)).toBe(true);
    expect(result.message).toMatch(/were removed/);
  });

  it('a feature normalised over the whole series (a subtler leak) fails too, even unused by the model', () => {
    const zscored = (s: BarSeries, o: readonly BarSeries[]): FeatureColumns => {
      const clean = computeFeatures(set, s, o);
      let mean = 0;
      for (let i = 0; i < s.length; i++) mean += s.close[i]! / s.length;
      const centred = Float64Array.from(s.close.subarray(0, s.length), (c) => c - mean);
      return { ...clean, names: [...clean.names, 'close_vs_mean'], columns: [...clean.columns, centred] };
    };
    const result = checkLookAhead({ series: primary!, others: [other!], compute: zscored });
    expect(result.passed).toBe(false);
    expect([...new Set(result.leaks.map((l) => l.feature))]).toEqual(['close_vs_mean']);
    // It changed from the first bar on.
    expect(result.leaks[0]!.bar).toBe(0);
  });

  it('another symbol’s bars after the checkpoint are perturbed too: a feature peeking at them is caught', () => {
    const peek = (s: BarSeries, o: readonly BarSeries[]): FeatureColumns => {
      const clean = computeFeatures(set, s, o);
      const b = o[0]!;
      const ahead = Float64Array.from(
        { length: s.length },
        (_, i) => b.close[Math.min(i + 3, b.length - 1)]!,
      );
      return { ...clean, names: [...clean.names, 'BBB_ahead'], columns: [...clean.columns, ahead] };
    };
    const result = checkLookAhead({ series: primary!, others: [other!], compute: peek });
    expect([...new Set(result.leaks.map((l) => l.feature))]).toEqual(['BBB_ahead']);
  });
});
