import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateMarket } from '../../../src/main/feeds/synthetic';
import { runBacktest } from '../../../src/main/research/backtest';
import { datasetId, sliceSeries, timelineOf } from '../../../src/main/research/cell';
import { createInlineExecutor } from '../../../src/main/research/inline-executor';
import { optimize } from '../../../src/main/research/optimize';
import {
  parameterStability,
  periodStarts,
  planFoldBars,
  planFolds,
  walkForward,
  walkForwardEfficiency,
} from '../../../src/main/research/walk-forward';
import type { PerformanceMetrics } from '../../../src/shared/domain/metrics';
import { walkForwardRequestSchema, walkForwardWindowsSchema } from '../../../src/shared/domain/research';

describe('fold planning (properties)', () => {
  const windows = fc.record({
    train: fc.integer({ min: 1, max: 60 }),
    test: fc.integer({ min: 1, max: 40 }),
    gap: fc.integer({ min: 0, max: 10 }),
    mode: fc.constantFrom('rolling' as const, 'anchored' as const),
  });

  it('test windows tile the data after the first train window, in order; no test overlaps its train; gap kept', () => {
    fc.assert(
      fc.property(windows, fc.integer({ min: 1, max: 400 }), (w, extra) => {
        const length = w.train + w.gap + w.test + extra - 1;
        const folds = planFolds(length, w);
        expect(folds.length).toBeGreaterThan(0);
        expect(folds[0]!.testStart).toBe(w.train + w.gap);
        expect(folds.at(-1)!.testEnd).toBe(length);
        folds.forEach((f, k) => {
          if (k > 0) expect(f.testStart).toBe(folds[k - 1]!.testEnd);
          expect(f.testEnd - f.testStart).toBeLessThanOrEqual(w.test);
          if (k < folds.length - 1) expect(f.testEnd - f.testStart).toBe(w.test);
          expect(f.trainEnd).toBeLessThanOrEqual(f.testStart);
          expect(f.testStart - f.trainEnd).toBe(w.gap);
          expect(f.trainStart).toBeGreaterThanOrEqual(0);
          if (w.mode === 'rolling') expect(f.trainEnd - f.trainStart).toBe(w.train);
          else expect(f.trainStart).toBe(0);
          expect(f.trainEnd - f.trainStart).toBeGreaterThanOrEqual(w.train);
        });
      }),
    );
  });

  it('refuses windows longer than the data, naming the numbers', () => {
    expect(() => planFolds(100, { train: 80, test: 20, gap: 5, mode: 'rolling' })).toThrow(
      'windows: a train window of 80 bars and a gap of 5 and a test window of 20 need 105 bars, but the data has 100',
    );
    expect(() => planFolds(100, { train: 80, test: 20, gap: 0, mode: 'rolling' })).not.toThrow();
  });

  it('maps calendar months to bar-time indices', () => {
    // Daily bars over Jan–Apr 2024, weekdays only.
    const times: number[] = [];
    for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2024, 4, 1); t += 86_400_000) {
      const day = new Date(t).getUTCDay();
      if (day !== 0 && day !== 6) times.push(t);
    }
    const timeline = Float64Array.from(times);
    const firstOf = (m: number) => times.findIndex((t) => new Date(t).getUTCMonth() === m);
    expect(periodStarts(timeline, 'months', '1D', 'us-equities')).toEqual([
      0,
      firstOf(1),
      firstOf(2),
      firstOf(3),
      times.length,
    ]);
    const folds = planFoldBars(
      timeline,
      walkForwardWindowsSchema.parse({ unit: 'months', train: 2, test: 1 }),
      '1D',
      'us-equities',
    );
    expect(folds).toEqual([
      { trainStart: 0, trainEnd: firstOf(2), testStart: firstOf(2), testEnd: firstOf(3) },
      { trainStart: firstOf(1), trainEnd: firstOf(3), testStart: firstOf(3), testEnd: times.length },
    ]);
    // Weeks run Monday to Sunday: 2024-01-01 was a Monday, so every fifth weekday starts a week.
    expect(periodStarts(timeline, 'weeks', '1D', 'us-equities').slice(0, 4)).toEqual([0, 5, 10, 15]);
    expect(periodStarts(timeline, 'days', '1D', 'us-equities')).toHaveLength(times.length + 1);
    expect(() =>
      planFoldBars(
        timeline,
        walkForwardWindowsSchema.parse({ unit: 'months', train: 4, test: 1 }),
        '1D',
        'us-equities',
      ),
    ).toThrow('need 5 months, but the data has 4');
  });
});

const m = (cagr: number | null): PerformanceMetrics => ({ cagr }) as PerformanceMetrics;

describe('walk-forward efficiency', () => {
  it('is the mean OOS annualised return over the mean IS one (hand computed)', () => {
    // IS 20% and 40% (mean 30%), OOS 10% and 5% (mean 7.5%): 0.075 / 0.3 = 0.25.
    expect(
      walkForwardEfficiency([
        { inSample: m(0.2), outOfSample: m(0.1) },
        { inSample: m(0.4), outOfSample: m(0.05) },
        { inSample: null, outOfSample: null },
        { inSample: m(0.9), outOfSample: m(null) },
      ]),
    ).toBeCloseTo(0.25, 12);
    expect(walkForwardEfficiency([{ inSample: m(-0.1), outOfSample: m(0.1) }])).toBeNull();
    expect(walkForwardEfficiency([])).toBeNull();
  });

  it('counts parameter changes between chosen folds', () => {
    expect(parameterStability(['fast'], [{ fast: 5 }, { fast: 5 }, null, { fast: 8 }, { fast: 5 }])).toEqual([
      { name: 'fast', values: [5, 5, null, 8, 5], changes: 2 },
    ]);
  });
});

describe('walk-forward run', () => {
  const series = generateMarket({ symbols: ['ACME'], seed: 3, bars: 600, timeframe: '1D' });
  const dataset = { id: datasetId(series), series };
  const data = {
    source: 'synthetic' as const,
    symbols: ['ACME'],
    bars: 600,
    seed: 3,
    timeframe: '1D' as const,
  };
  const config = { cash: 10_000, strategy: { id: 'sma-crossover' }, risk: { enabled: false } };
  const request = walkForwardRequestSchema.parse({
    kind: 'walk-forward',
    data,
    config,
    search: {
      dimensions: [
        { kind: 'values', name: 'fast', values: [3, 5, 8] },
        { kind: 'values', name: 'slow', values: [20, 30] },
      ],
      objective: 'totalReturn',
    },
    windows: { train: 200, test: 100, gap: 5, mode: 'rolling' },
  });

  it('optimises each train window, runs the choice on its test window and stitches the equity', async () => {
    const progress: number[] = [];
    const result = await walkForward(request, dataset, createInlineExecutor(), {
      data,
      onProgress: (done, total) => progress.push(done / total),
    });
    const timeline = timelineOf(series);
    // Test windows of 100 from bar 205 (train 200 + gap 5), the last one the 95 bars left.
    expect(result.folds.map((f) => [f.trainStart, f.trainEnd, f.testStart, f.testEnd])).toEqual([
      [0, 200, 205, 305],
      [100, 300, 305, 405],
      [200, 400, 405, 505],
      [300, 500, 505, 600],
    ]);
    expect(progress.at(-1)).toBe(1);

    let carried = 10_000;
    let at = 0;
    for (const fold of result.folds) {
      expect(fold.trainFrom).toBe(timeline[fold.trainStart]);
      expect(fold.testTo).toBe(timeline[fold.testEnd - 1]);
      const params = fold.params!;
      const testRun = runBacktest(
        { ...config, strategy: { id: 'sma-crossover', params } },
        series.map((s) => ({
          ...s,
          time: s.time.subarray(fold.testStart, fold.testEnd),
          open: s.open.subarray(fold.testStart, fold.testEnd),
          high: s.high.subarray(fold.testStart, fold.testEnd),
          low: s.low.subarray(fold.testStart, fold.testEnd),
          close: s.close.subarray(fold.testStart, fold.testEnd),
          volume: s.volume.subarray(fold.testStart, fold.testEnd),
          length: fold.testEnd - fold.testStart,
        })),
      );
      expect(fold.outOfSample).toEqual(testRun.metrics);
      const scale = carried / 10_000;
      for (let j = 0; j < testRun.equity.length; j++) {
        expect(result.oosEquity.time[at]).toBe(testRun.equity.time[j]);
        expect(result.oosEquity.equity[at]).toBeCloseTo(testRun.equity.equity[j]! * scale, 6);
        at += 1;
      }
      carried = result.oosEquity.equity[at - 1]!;
    }
    expect(result.oosEquity.time).toHaveLength(at);
    expect(result.oosMetrics!.endEquity).toBeCloseTo(carried, 6);
    expect(result.oosMetrics!.trades).toBe(result.folds.reduce((n, f) => n + f.outOfSample!.trades, 0));
    expect(result.efficiency).toBe(walkForwardEfficiency(result.folds));
    expect(result.stability.map((s) => s.name)).toEqual(['fast', 'slow']);
    expect(result.stability[0]!.values).toEqual(result.folds.map((f) => f.params!['fast']));
  });

  it('each fold chooses the best cell of an optimisation on its train window alone', async () => {
    const result = await walkForward(request, dataset, createInlineExecutor(), { data });
    for (const fold of result.folds) {
      const train = sliceSeries(series, { start: fold.trainStart, end: fold.trainEnd });
      const alone = await optimize(request, { id: datasetId(train), series: train }, createInlineExecutor(), {
        data,
      });
      const best = alone.cells[alone.best!]!;
      expect(fold.params).toEqual(best.params);
      expect(fold.inSample).toEqual(best.metrics);
    }
  });

  it('a fold whose train cells are all refused chooses nothing and says why', async () => {
    const strict = walkForwardRequestSchema.parse({
      ...request,
      search: { ...request.search, minTrades: 10_000 },
    });
    const result = await walkForward(strict, dataset, createInlineExecutor(), { data });
    expect(result.folds.every((f) => f.params === null && f.outOfSample === null)).toBe(true);
    expect(result.folds[0]!.problem).toMatch(
      /^no admissible cell on the train window \(6 cells made fewer than 10000/,
    );
    expect(result.oosMetrics).toBeNull();
    expect(result.efficiency).toBeNull();
  });
});
