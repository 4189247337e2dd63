// Labels and walk-forward folds, checked by hand.
import { describe, expect, it } from 'vitest';
import { FoldPlanError, walkForwardFolds } from '../../../src/main/ml/folds';
import {
  forwardReturnLabels,
  forwardReturns,
  labelsOf,
  tripleBarrierLabels,
} from '../../../src/main/ml/labels';
import type { BarColumns } from '../../../src/shared/domain/bars';
import { labelSpecSchema } from '../../../src/shared/domain/ml';

function bars(rows: readonly [high: number, low: number, close: number][]): BarColumns {
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]!);
  return {
    time: Float64Array.from(rows, (_, i) => i * 60_000),
    open: col(2),
    high: col(0),
    low: col(1),
    close: col(2),
    volume: new Float64Array(rows.length).fill(1),
    length: rows.length,
  };
}

const nan = Number.NaN;

describe('forward-return labels', () => {
  const closes = bars([
    [100, 100, 100],
    [101, 101, 101],
    [100.05, 100.05, 100.05],
    [99, 99, 99],
    [102, 102, 102],
  ]);

  it('2-bar forward return: 1 above the threshold, 0 below minus it, dropped between and at the end', () => {
    // returns: 100→100.05 +0.05%, 101→99 −1.98%, 100.05→102 +1.95%, then no close 2 bars later.
    expect(Array.from(forwardReturns(closes, 2))).toEqual([
      100.05 / 100 - 1,
      99 / 101 - 1,
      102 / 100.05 - 1,
      nan,
      nan,
    ]);
    expect(Array.from(forwardReturnLabels(closes, 2, 0.001))).toEqual([nan, 0, 1, nan, nan]);
    expect(Array.from(forwardReturnLabels(closes, 2, 0))).toEqual([1, 0, 1, nan, nan]);
  });

  it('regression learns the forward return itself', () => {
    const spec = labelSpecSchema.parse({ kind: 'forward-return', horizon: 2, threshold: 0.001 });
    expect(labelsOf(closes, spec, 'reg:squarederror')[1]).toBe(Math.fround(99 / 101 - 1));
  });
});

describe('triple-barrier labels', () => {
  // Entry closes at 100 with a 2% target and 1% stop: up at 102, down at 99.
  it('target first → 1; stop first → 0; both in one bar → 0 (worst case); neither by the horizon → 0', () => {
    const targetFirst = bars([
      [100, 100, 100],
      [101, 99.5, 100],
      [102.5, 99.5, 102],
      [103, 98, 100],
    ]);
    expect(tripleBarrierLabels(targetFirst, 3, 0.02, 0.01)[0]).toBe(1);
    const stopFirst = bars([
      [100, 100, 100],
      [100.5, 98.9, 99],
      [103, 99, 102],
      [100, 100, 100],
    ]);
    expect(tripleBarrierLabels(stopFirst, 3, 0.02, 0.01)[0]).toBe(0);
    const both = bars([
      [100, 100, 100],
      [102.5, 98.5, 100],
      [100, 100, 100],
      [100, 100, 100],
    ]);
    expect(tripleBarrierLabels(both, 3, 0.02, 0.01)[0]).toBe(0);
    const neither = bars([
      [100, 100, 100],
      [101, 99.5, 100],
      [101.9, 99.1, 101],
      [101.5, 99.5, 100],
      [110, 110, 110],
    ]);
    const labels = tripleBarrierLabels(neither, 3, 0.02, 0.01);
    // Row 0: nothing within 3 bars (the jump at bar 4 is past the time barrier).
    expect(labels[0]).toBe(0);
    // Row 1 reaches bar 4 (1 + 3): target. Rows 2–4 lack 3 later bars.
    expect(Array.from(labels)).toEqual([0, 1, nan, nan, nan]);
  });
});

describe('walk-forward folds', () => {
  it('expanding: 5 folds over 120 bars with a 4-bar purge, by hand', () => {
    // 6 blocks of 20 bars; fold f tests on block f, trains from 0 to 4 bars before it.
    expect(walkForwardFolds({ start: 0, end: 120, folds: 5, mode: 'expanding', purge: 4 })).toEqual([
      { fold: 1, trainStart: 0, trainEnd: 16, testStart: 20, testEnd: 40 },
      { fold: 2, trainStart: 0, trainEnd: 36, testStart: 40, testEnd: 60 },
      { fold: 3, trainStart: 0, trainEnd: 56, testStart: 60, testEnd: 80 },
      { fold: 4, trainStart: 0, trainEnd: 76, testStart: 80, testEnd: 100 },
      { fold: 5, trainStart: 0, trainEnd: 96, testStart: 100, testEnd: 120 },
    ]);
  });

  it('rolling: one block of training bars before the purge; the last fold takes the leftover bars', () => {
    expect(walkForwardFolds({ start: 10, end: 73, folds: 3, mode: 'rolling', purge: 2 })).toEqual([
      { fold: 1, trainStart: 10, trainEnd: 23, testStart: 25, testEnd: 40 },
      { fold: 2, trainStart: 23, trainEnd: 38, testStart: 40, testEnd: 55 },
      { fold: 3, trainStart: 38, trainEnd: 53, testStart: 55, testEnd: 73 },
    ]);
  });

  it('no training bar is within the purge of, or after, its test bars', () => {
    for (const mode of ['expanding', 'rolling'] as const) {
      for (const fold of walkForwardFolds({ start: 3, end: 1000, folds: 7, mode, purge: 12 })) {
        // A training row's label reads up to trainEnd − 1 + 12 < testStart.
        expect(fold.trainEnd - 1 + 12).toBeLessThan(fold.testStart);
        expect(fold.trainStart).toBeGreaterThanOrEqual(3);
      }
    }
  });

  it('too few bars for the folds and purge is refused saying so', () => {
    expect(() => walkForwardFolds({ start: 0, end: 30, folds: 5, mode: 'expanding', purge: 5 })).toThrow(
      FoldPlanError,
    );
    expect(() => walkForwardFolds({ start: 0, end: 30, folds: 5, mode: 'expanding', purge: 5 })).toThrow(
      /30 usable bars are too few for 5 folds with a 5-bar purge/,
    );
  });
});
