// Walk-forward training end to end on bars with a known signal (1-bar returns that mean-revert): folds, purge,
// metrics, importance, calibration, progress, cancel, determinism, and a planted leak failing the training.
import { describe, expect, it } from 'vitest';
import { computeFeatures, type FeatureColumns } from '../../../src/main/ml/features';
import { LookAheadError } from '../../../src/main/ml/look-ahead';
import {
  TrainingCanceledError,
  TrainingInputError,
  trainWalkForward,
} from '../../../src/main/ml/walk-forward-training';
import type { BarSeries } from '../../../src/shared/domain/bars';
import { type TrainRequestInput, trainRequestSchema } from '../../../src/shared/domain/ml';
import { meanRevertingBars } from './mean-reverting-bars';

const bars = meanRevertingBars(3000, 42);
const requestOf = (overrides: Partial<TrainRequestInput> = {}) =>
  trainRequestSchema.parse({
    symbol: 'MR',
    featureSet: {
      features: [{ kind: 'return', lag: 1 }, { kind: 'rsi', period: 14 }, { kind: 'time-of-day' }],
    },
    label: { kind: 'forward-return', horizon: 1, threshold: 0 },
    params: { rounds: 15, maxDepth: 3, eta: 0.3, seed: 7 },
    folds: 5,
    ...overrides,
  });

describe('walk-forward training', () => {
  const request = requestOf();
  const result = trainWalkForward(request, { series: bars });

  it('learns the known signal out of sample in every fold, and from the right feature', () => {
    expect(result.folds.map((f) => f.fold)).toEqual([1, 2, 3, 4, 5]);
    for (const fold of result.folds) {
      expect(fold.auc!).toBeGreaterThan(0.65);
      expect(fold.logLoss!).toBeLessThan(0.69);
      expect(fold.accuracy!).toBeGreaterThan(0.6);
      expect(fold.precision).not.toBeNull();
      expect(fold.recall).not.toBeNull();
      expect(fold.rmse).toBeNull();
      expect(fold.rounds).toBe(15);
    }
    const top = [...result.importance].sort((a, b) => b.gain - a.gain)[0]!;
    expect(top.feature).toBe('return_1');
    expect(result.ensemble.roots.length).toBe(15);
    expect(result.featureNames).toEqual(['return_1', 'rsi_14', 'time_of_day']);
    expect(result.lookAhead.passed).toBe(true);
  });

  it('the final model learns from every labelled row after the warm-up; calibration pools the test rows', () => {
    // RSI(14) needs 15 closes: rows 14 … the last bar with a bar after it (2998).
    expect(result.rows).toBe(2998 - 14 + 1);
    expect(result.trainFrom).toBe(bars.time[14]);
    expect(result.trainTo).toBe(bars.time[2998]);
    const testRows = result.folds.reduce((n, f) => n + f.testRows, 0);
    expect(result.calibration.reduce((n, b) => n + b.rows, 0)).toBe(testRows);
  });

  it('training rows end at least the label horizon before the test rows, in both modes', () => {
    for (const mode of ['expanding', 'rolling'] as const) {
      const horizon = 4;
      const run = trainWalkForward(
        requestOf({ mode, label: { kind: 'forward-return', horizon, threshold: 0.001 } }),
        { series: bars },
      );
      for (const fold of run.folds) {
        // trainTo's label reads up to horizon bars later: still before testFrom.
        expect(fold.trainTo + horizon * 60_000).toBeLessThan(fold.testFrom);
        expect(fold.testRows).toBeGreaterThan(0);
      }
      if (mode === 'rolling') {
        expect(run.folds[4]!.trainFrom).toBeGreaterThan(run.folds[0]!.trainFrom);
      } else expect(new Set(run.folds.map((f) => f.trainFrom)).size).toBe(1);
    }
  });

  it('the same request gives the same model', () => {
    const again = trainWalkForward(request, { series: bars });
    expect(again.ensemble.value).toEqual(result.ensemble.value);
    expect(again.ensemble.threshold).toEqual(result.ensemble.threshold);
    expect(again.ensemble.feature).toEqual(result.ensemble.feature);
    expect(again.folds).toEqual(result.folds);
  });

  it('reports progress through the stages up to the total', () => {
    const seen: { stage: string; done: number; total: number }[] = [];
    trainWalkForward(request, { series: bars }, { onProgress: (p) => seen.push(p) });
    const stages = [...new Set(seen.map((p) => p.stage))];
    expect(stages).toEqual(['features', 'folds', 'final', 'look-ahead check', 'done']);
    const total = 15 * 6 + 1;
    expect(seen.every((p) => p.total === total)).toBe(true);
    for (let k = 1; k < seen.length; k++) expect(seen[k]!.done).toBeGreaterThanOrEqual(seen[k - 1]!.done);
    expect(seen.at(-1)!.done).toBe(total);
  });

  it('cancel stops it between rounds', () => {
    const controller = new AbortController();
    let after = 0;
    expect(() =>
      trainWalkForward(
        request,
        { series: bars },
        {
          signal: controller.signal,
          onProgress: (p) => {
            if (controller.signal.aborted) after++;
            if (p.stage === 'folds' && p.done === 20) controller.abort();
          },
        },
      ),
    ).toThrow(TrainingCanceledError);
    // At most the round in flight reports after the abort.
    expect(after).toBeLessThanOrEqual(1);
  });

  it('a planted feature reading the next bar fails the training, naming it', () => {
    const leaky = (s: BarSeries, o: readonly BarSeries[]): FeatureColumns => {
      const clean = computeFeatures(request.featureSet, s, o);
      const next = new Float64Array(s.length).fill(Number.NaN);
      for (let i = 0; i + 1 < s.length; i++) next[i] = Math.log(s.close[i + 1]! / s.close[i]!);
      return { ...clean, names: [...clean.names, 'next_return'], columns: [...clean.columns, next] };
    };
    let failure: unknown;
    try {
      trainWalkForward(request, { series: bars }, { features: leaky });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(LookAheadError);
    expect((failure as Error).message).toMatch(/feature "next_return" reads bars after the decision bar/);
  });

  it('too few bars for the folds is refused saying why', () => {
    const short = { ...bars, length: 24 };
    expect(() => trainWalkForward(request, { series: short })).toThrow(TrainingInputError);
    expect(() => trainWalkForward(request, { series: short })).toThrow(/too few for 5 folds/);
  });
});

describe('walk-forward training, other settings', () => {
  it('early stopping keeps at most the rounds asked for, and progress still reaches the total', () => {
    const seen: number[] = [];
    const run = trainWalkForward(
      requestOf({ params: { rounds: 60, maxDepth: 4, eta: 0.5, earlyStoppingRounds: 3, seed: 1 } }),
      { series: bars },
      { onProgress: (p) => seen.push(p.done) },
    );
    expect(run.folds.every((f) => f.rounds >= 1 && f.rounds <= 60)).toBe(true);
    expect(run.folds.some((f) => f.rounds < 60)).toBe(true);
    expect(seen.at(-1)).toBe(60 * 6 + 1);
  });

  it('with too few rows to hold some out, early stopping is left off rather than failing', () => {
    // 80 bars: warm-up 14, horizon 6, blocks of 10; the first fold trains on bars 14–17: held out from bar 17
    // on, its training would end 6 bars before, at bar 10 — no rows.
    const run = trainWalkForward(
      requestOf({
        label: { kind: 'forward-return', horizon: 6, threshold: 0 },
        params: { rounds: 5, maxDepth: 2, earlyStoppingRounds: 2, minChildWeight: 0 },
      }),
      { series: { ...bars, length: 80 } },
    );
    expect(run.folds[0]!.rounds).toBe(5);
  });

  it('regression learns the forward return: RMSE per fold, no classification figures or calibration', () => {
    const run = trainWalkForward(
      requestOf({ params: { objective: 'reg:squarederror', rounds: 10, maxDepth: 3 } }),
      { series: bars },
    );
    for (const fold of run.folds) {
      expect(fold.rmse).toBeGreaterThan(0);
      expect(fold.auc).toBeNull();
      expect(fold.accuracy).toBeNull();
    }
    expect(run.calibration).toEqual([]);
    expect(run.ensemble.objective).toBe('reg:squarederror');
  });
});
