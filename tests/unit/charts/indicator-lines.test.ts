import { describe, expect, it } from 'vitest';
import {
  computeIndicator,
  computeIndicators,
  type IndicatorLineSet,
  sampleAtCoarseBars,
  sampleIndicators,
  strategyIndicatorSpecs,
} from '../../../src/main/charts/indicator-lines';
import {
  AverageTrueRange,
  DirectionalIndex,
  MovingAverageConvergence,
} from '../../../src/main/engine/indicators';
import { aggregateBars } from '../../../src/main/feeds/aggregate';
import { generateMarket } from '../../../src/main/feeds/synthetic';
import type { BarColumns } from '../../../src/shared/domain/bars';

const N = Number.NaN;

/** Bars from closes; high = close + 1, low = close − 1, open = close, one minute apart. */
function barsOf(closes: readonly number[], highs?: readonly number[], lows?: readonly number[]): BarColumns {
  const n = closes.length;
  return {
    time: Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 60_000),
    open: Float64Array.from(closes),
    high: Float64Array.from(highs ?? closes.map((c) => c + 1)),
    low: Float64Array.from(lows ?? closes.map((c) => c - 1)),
    close: Float64Array.from(closes),
    volume: new Float64Array(n).fill(100),
    length: n,
  };
}

function line(set: IndicatorLineSet, name?: string): number[] {
  const found = name === undefined ? set.lines[0] : set.lines.find((l) => l.name === name);
  if (!found) throw new Error(`no line ${name}`);
  return Array.from(found.values);
}

function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => {
    if (Number.isNaN(expected[i]!)) expect(v, `index ${i}`).toBeNaN();
    else expect(v, `index ${i}`).toBeCloseTo(expected[i]!, 10);
  });
}

describe('indicator lines, hand-checked', () => {
  const closes = [1, 2, 3, 4, 5, 6];
  const bars = barsOf(closes);

  it('SMA 3: the mean of the last three closes, NaN for the first two bars', () => {
    const sma = computeIndicator({ kind: 'sma', period: 3, pane: 'price' }, bars);
    expect(sma.label).toBe('SMA 3');
    expect(sma.pane).toBe('price');
    expectClose(line(sma), [N, N, 2, 3, 4, 5]);
  });

  it('EMA 3: weight ½, seeded with the first close, shown once three closes are in', () => {
    // 1 → 1.5 → 2.25 → 3.125 → 4.0625 → 5.03125
    expectClose(line(computeIndicator({ kind: 'ema', period: 3, pane: 'price' }, bars)), [
      N,
      N,
      2.25,
      3.125,
      4.0625,
      5.03125,
    ]);
  });

  it('Bollinger 3 × 2σ: mean ± 2 population σ of the last three closes', () => {
    const bb = computeIndicator({ kind: 'bollinger', period: 3, params: { stdDev: 2 }, pane: 'price' }, bars);
    const sigma = Math.sqrt(2 / 3); // σ of any three consecutive integers
    expect(bb.lines.map((l) => l.name)).toEqual(['Upper', 'Middle', 'Lower']);
    expectClose(line(bb, 'Middle'), [N, N, 2, 3, 4, 5]);
    expectClose(line(bb, 'Upper'), [N, N, 2 + 2 * sigma, 3 + 2 * sigma, 4 + 2 * sigma, 5 + 2 * sigma]);
    expectClose(line(bb, 'Lower'), [N, N, 2 - 2 * sigma, 3 - 2 * sigma, 4 - 2 * sigma, 5 - 2 * sigma]);
  });

  it('RSI 2 (Wilder): 100 with no losses, then 50 when the smoothed gain equals the smoothed loss', () => {
    // Changes +1, +1, −1: gains mean(1, 1) = 1, losses 0 → 100; then gains (0 − 1)/2 + 1 = 0.5,
    // losses (1 − 0)/2 + 0 = 0.5 → RS 1 → 50.
    const rsi = computeIndicator(
      { kind: 'rsi', period: 2, params: { overbought: 70, oversold: 30 }, pane: 'lower' },
      barsOf([1, 2, 3, 2]),
    );
    expect(rsi.pane).toBe('lower');
    expect(rsi.levels).toEqual([70, 30]);
    expectClose(line(rsi), [N, N, 100, 50]);
  });

  it('ATR 2 (Wilder): the mean of the first two true ranges, then smoothed', () => {
    // TR: 2 (first bar: high − low), max(2, |4−1|, |2−1|) = 3, max(2, |4−3|, |2−3|) = 2 → ATR NaN, 2.5, 2.25.
    const atr = computeIndicator({ kind: 'atr', period: 2, pane: 'lower' }, barsOf([1, 3, 3]));
    expectClose(line(atr), [N, 2.5, 2.25]);
  });

  it('MACD 2, 3, 2: the kernel’s macd from the slow length, signal and histogram once the signal is ready', () => {
    const spec = { kind: 'macd' as const, params: { fast: 2, slow: 3, signal: 2 }, pane: 'lower' as const };
    const macd = computeIndicator(spec, bars);
    expect(macd.label).toBe('MACD 2, 3, 2');
    expect(macd.lines.find((l) => l.name === 'Histogram')?.style).toBe('histogram');
    // Hand: EMA2 (w ⅔) 1, 5/3, 23/9, …; EMA3 (w ½) 1, 1.5, 2.25, …; macd at index 2 = 23/9 − 9/4 = 11/36.
    expect(line(macd, 'MACD')[2]).toBeCloseTo(11 / 36, 12);
    expect(line(macd, 'MACD').slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(line(macd, 'Signal')[2]!)).toBe(true);
    const kernel = new MovingAverageConvergence(2, 3, 2);
    const expected = { macd: [] as number[], signal: [] as number[], histogram: [] as number[] };
    for (const c of closes) {
      kernel.update(c);
      expected.macd.push(kernel.macd);
      expected.signal.push(kernel.isReady ? kernel.signal : N);
      expected.histogram.push(kernel.isReady ? kernel.histogram : N);
    }
    expectClose(line(macd, 'MACD'), expected.macd);
    expectClose(line(macd, 'Signal'), expected.signal);
    expectClose(line(macd, 'Histogram'), expected.histogram);
    expect(line(macd, 'Signal').filter(Number.isFinite).length).toBe(3);
  });

  it('ADX and ATR agree with their kernels bar for bar; ADX carries its threshold as a level', () => {
    const c = [10, 11, 10.5, 12, 13, 12.5, 11, 12, 14, 15, 14, 16];
    const h = c.map((x, i) => x + 0.5 + (i % 3) * 0.2);
    const l = c.map((x, i) => x - 0.5 - (i % 2) * 0.3);
    const data = barsOf(c, h, l);
    const adx = computeIndicator({ kind: 'adx', period: 3, params: { threshold: 25 }, pane: 'lower' }, data);
    const atr = computeIndicator({ kind: 'atr', period: 3, pane: 'lower' }, data);
    const adxKernel = new DirectionalIndex(3);
    const atrKernel = new AverageTrueRange(3);
    const want = { adx: [] as number[], atr: [] as number[] };
    c.forEach((close, i) => {
      const bar = { high: h[i]!, low: l[i]!, close };
      adxKernel.update(bar);
      atrKernel.update(bar);
      want.adx.push(adxKernel.isReady ? adxKernel.value : N);
      want.atr.push(atrKernel.value);
    });
    expect(adx.levels).toEqual([25]);
    expectClose(line(adx), want.adx);
    expectClose(line(atr), want.atr);
    // Ready after 2 × period − 1 bars.
    expect(line(adx).findIndex(Number.isFinite)).toBe(4);
  });

  it('gives each spec a unique id, even the same one twice (an ensemble of two SMA strategies)', () => {
    const sets = computeIndicators(
      [
        { kind: 'sma', period: 3, pane: 'price' },
        { kind: 'sma', period: 3, pane: 'price' },
        { kind: 'rsi', period: 2, params: { overbought: 70, oversold: 30 }, pane: 'lower' },
      ],
      bars,
    );
    expect(sets.map((s) => s.id)).toEqual(['sma-3', 'sma-3-2', 'rsi-2-70-30']);
    for (const set of sets) for (const l of set.lines) expect(l.values.length).toBe(bars.length);
  });
});

describe("a run's strategy indicators", () => {
  it('reads the strategy and its params from the stored config, a symbol override first', () => {
    const config = {
      strategy: { id: 'sma-crossover', params: { fast: 5, slow: 20 } },
      strategies: { BOLT: { id: 'rsi', params: {} } },
    };
    expect(strategyIndicatorSpecs(config, 'ACME')).toEqual([
      { kind: 'sma', period: 5, pane: 'price' },
      { kind: 'sma', period: 20, pane: 'price' },
    ]);
    expect(strategyIndicatorSpecs(config, 'BOLT').map((s) => s.kind)).toEqual(['rsi']);
  });

  it('is empty for an unknown strategy or params that no longer parse', () => {
    expect(strategyIndicatorSpecs({ strategy: { id: 'nope', params: {} } }, 'ACME')).toEqual([]);
    expect(
      strategyIndicatorSpecs({ strategy: { id: 'sma-crossover', params: { fast: -1 } } }, 'ACME'),
    ).toEqual([]);
    expect(strategyIndicatorSpecs(null, 'ACME')).toEqual([]);
  });
});

describe('indicator values on a coarser chart', () => {
  it('each coarse bar takes the value at the last source bar it contains', () => {
    const source = Float64Array.from([0, 1, 2, 3, 4, 5, 6]);
    const values = Float64Array.from([N, 10, 20, 30, 40, 50, 60]);
    // Coarse bars at 0 (sources 0, 1), 2 (2..4), 5 (5, 6); the value of the first is bar 1's.
    expectClose(
      Array.from(sampleAtCoarseBars(values, source, 7, Float64Array.from([0, 2, 5]), 3)),
      [10, 40, 60],
    );
    // A coarse bar with no source bar in it gets NaN; source bars before the first coarse bar belong to none.
    expectClose(Array.from(sampleAtCoarseBars(values, source, 7, Float64Array.from([3, 3.5, 4]), 3)), [
      30,
      N,
      60,
    ]);
  });

  it('a 5m chart of a 1m run shows the 1m SMA at each 5-minute close', () => {
    const [series] = generateMarket({ seed: 7, symbols: ['ACME'], bars: 390 * 2, timeframe: '1m' });
    const fine = computeIndicators([{ kind: 'sma', period: 10, pane: 'price' }], series!);
    const coarse = aggregateBars(series!, '5m', 'us-equities');
    const [sampled] = sampleIndicators(fine, series!, coarse);
    expect(coarse.length).toBe(78 * 2);
    expect(sampled!.lines[0]!.values.length).toBe(coarse.length);
    // The synthetic 1m bars fill every session slot, so each 5m bar ends at source bar 5k + 4.
    for (const k of [3, 50, 155])
      expect(sampled!.lines[0]!.values[k]).toBe(fine[0]!.lines[0]!.values[5 * k + 4]);
  });
});
