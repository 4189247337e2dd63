// ml-signal with a hand-built model: trades worked out by hand, predictions, the model's age, and refusals.
import { describe, expect, it } from 'vitest';
import { fillList } from '../../../src/main/engine/fill-table';
import { generateMarket } from '../../../src/main/feeds/synthetic';
import { computeFeatures, featureNames } from '../../../src/main/ml/features';
import { matrixFromColumns, predict, sigmoid32, type TreeEnsemble } from '../../../src/main/ml/trees';
import { runBacktest } from '../../../src/main/research/backtest';
import { ConfigError } from '../../../src/main/strategies/config-error';
import type { BacktestConfigInput } from '../../../src/main/strategies/run-config';
import { modelIdsIn } from '../../../src/main/strategies/signal-model';
import { featureSetSchema } from '../../../src/shared/domain/ml';
import { type Candle, DAY, PLAIN_RISK, START, seriesOf } from '../engine/helpers';
import { returnStump, signalModel } from './ml-models';

function body(open: number, close: number): Candle {
  return [open, Math.max(open, close) + 0.5, Math.min(open, close) - 0.5, close];
}

const UP = sigmoid32(1.5); // 0.8176…: the stump's probability after a rise (or a flat bar)
const DOWN = sigmoid32(-1.5); // 0.1824…: after a fall, and on the first bar (no return yet: missing goes left)

// Hand calculation, threshold 0.6 (so 1 − threshold = 0.4), label horizon 3, 10 shares, next-open fills.
//   i: open → close   return   p      decision at the close
//   0: 10 → 10        —        DOWN   features not ready (return_1 missing)
//   1: 10 → 9         −        DOWN   ready; no previous p, no crossing
//   2: 9 → 10         +        UP     crossed above 0.6 → buy
//   3: 10.5 → 11      +        UP     BUY 10 @ 10.5; held 1 bar
//   4: 11 → 12        +        UP     held 2
//   5: 12 → 13        +        UP     held 3 = the horizon → sell (held for the holding time)
//   6: 13.5 → 12.5    −        DOWN   SELL @ 13.5 (trade +30); crossed below 0.4 while flat: no short
//   7: 13 → 14        +        UP     crossed above → buy
//   8: 14.2 → 13      −        DOWN   BUY @ 14.2; crossed below 0.4 → sell (opposite signal)
//   9: 12.5 → 12      −        DOWN   SELL @ 12.5 (trade −17)
const candles = [
  body(10, 10),
  body(10, 9),
  body(9, 10),
  body(10.5, 11),
  body(11, 12),
  body(12, 13),
  body(13.5, 12.5),
  body(13, 14),
  body(14.2, 13),
  body(12.5, 12),
];
const series = seriesOf('ML', candles);
const MODEL = 'md-stump';

function config(params: Record<string, unknown> = {}): BacktestConfigInput {
  return {
    cash: 10_000,
    strategy: { id: 'ml-signal', params: { modelId: MODEL, warmupBars: 1, ...params } },
    risk: PLAIN_RISK,
  };
}

const fillsOf = (result: ReturnType<typeof runBacktest>) =>
  fillList(result.fills).map((f) => [f.side, f.qty, f.price, (f.time - START) / DAY]);

describe('ml-signal backtest with a hand-built stump', () => {
  const model = signalModel(MODEL, returnStump());
  const result = runBacktest(config(), [series], { models: [model] });

  it('makes the two round trips worked out by hand: a horizon exit and an opposite-signal exit', () => {
    expect(fillsOf(result)).toEqual([
      ['buy', 10, 10.5, 3],
      ['sell', 10, 13.5, 6],
      ['buy', 10, 14.2, 8],
      ['sell', 10, 12.5, 9],
    ]);
    expect(result.trades.map((t) => t.side)).toEqual(['long', 'long']);
    expect(result.trades[0]!.pnl).toBeCloseTo(30, 9);
    expect(result.trades[1]!.pnl).toBeCloseTo(-17, 9);
    const reasons = result.trades.map((t) => t.exitReason);
    expect(reasons).toEqual(['signal', 'signal']);
  });

  it('hands out every bar’s prediction, under the model id', () => {
    expect(result.predictions).toHaveLength(1);
    const [predictions] = result.predictions;
    expect(predictions!.symbol).toBe('ML');
    expect(predictions!.modelId).toBe(MODEL);
    expect(Array.from(predictions!.time)).toEqual(Array.from(series.time));
    expect(Array.from(predictions!.value)).toEqual([DOWN, DOWN, UP, UP, UP, UP, DOWN, UP, DOWN, DOWN]);
  });

  it('with shorts: the fall at bar 6 opens a short, the rise at bar 7 covers it and goes long', () => {
    const shorts = runBacktest({ ...config({ allowShort: true }), account: { type: 'margin' } }, [series], {
      models: [model],
    });
    expect(fillsOf(shorts)).toEqual([
      ['buy', 10, 10.5, 3],
      ['sell', 10, 13.5, 6],
      ['sell', 10, 13, 7],
      ['buy', 10, 14.2, 8],
      ['buy', 10, 14.2, 8],
      ['sell', 10, 12.5, 9],
      // Bar 8's fall opened a short again with the long's exit; the end of data closes it.
      ['sell', 10, 12.5, 9],
      ['buy', 10, 12, 9],
    ]);
  });

  it('without the horizon exit, the first long lasts until the opposite signal at bar 6', () => {
    const held = runBacktest(config({ exitAtHorizon: false }), [series], { models: [model] });
    expect(fillsOf(held).slice(0, 2)).toEqual([
      ['buy', 10, 10.5, 3],
      ['sell', 10, 13, 7],
    ]);
  });
});

describe('the strategy’s features are the training features', () => {
  /** One single-split tree per column (split at `at[f]`, leaves ∓0.1·(f + 1)): every column moves the output. */
  function treePerColumn(names: readonly string[], at: readonly number[]): TreeEnsemble {
    const n = names.length;
    const nodes = (pick: (f: number) => number[]) => names.flatMap((_, f) => pick(f));
    return {
      objective: 'binary:logistic',
      baseMargin: 0,
      featureNames: names,
      roots: Int32Array.from(names, (_, f) => 3 * f),
      feature: Int32Array.from(nodes((f) => [f, -1, -1])),
      threshold: Float32Array.from(nodes((f) => [at[f]!, 0, 0])),
      left: Int32Array.from(nodes((f) => [3 * f + 1, -1, -1])),
      right: Int32Array.from(nodes((f) => [3 * f + 2, -1, -1])),
      defaultLeft: Uint8Array.from(nodes(() => [1, 0, 0])),
      value: Float32Array.from(nodes((f) => [0, -0.1 * (f + 1), 0.1 * (f + 1)])),
      gain: new Float32Array(3 * n),
      cover: new Float32Array(3 * n),
    };
  }

  it.each(['1D', '1h'] as const)(
    '%s bars: each prediction equals the model on computeFeatures’ row (calendar and higher-timeframe features too)',
    (timeframe) => {
      const [bars] = generateMarket({ seed: 5, symbols: ['ML'], bars: 300, timeframe });
      const featureSet = featureSetSchema.parse({
        features: [
          { kind: 'return', lag: 1 },
          { kind: 'rsi', period: 5 },
          { kind: 'day-of-week' },
          { kind: 'time-of-day' },
        ],
        timeframes: [3],
      });
      const names = featureNames(featureSet);
      const columns = computeFeatures(featureSet, bars!);
      // Split each column at its median, so both leaves are reached.
      const at = columns.columns.map((c) => {
        const sorted = Array.from(c)
          .filter((x) => !Number.isNaN(x))
          .sort((a, b) => a - b);
        return sorted[Math.floor(sorted.length / 2)]!;
      });
      const ensemble = treePerColumn(names, at);
      const expected = predict(ensemble, matrixFromColumns(columns.columns, bars!.length));
      const model = { ...signalModel(MODEL, ensemble), featureSet };
      const result = runBacktest(config(), [bars!], { models: [model] });
      expect(Array.from(result.predictions[0]!.value)).toEqual(Array.from(expected));
      expect(new Set(expected).size).toBeGreaterThan(8);
    },
  );
});

describe('a stale model', () => {
  // Trained on bars up to day 2; expiry 3 days: stale from day 6 (6 − 2 = 4 days > 3).
  const model = signalModel(MODEL, returnStump(), { trainedTo: START + 2 * DAY });
  const result = runBacktest(config({ expiryDays: 3 }), [series], { models: [model] });

  it('opens nothing new once stale (bar 7’s crossing is ignored) but still exits', () => {
    expect(fillsOf(result)).toEqual([
      ['buy', 10, 10.5, 3],
      ['sell', 10, 13.5, 6],
    ]);
  });

  it('raises one notice when it goes stale, naming the model and the end of its training data', () => {
    expect(result.notices).toHaveLength(1);
    expect(result.notices[0]).toMatchObject({
      symbol: 'ML',
      time: START + 6 * DAY,
      severity: 'warning',
      kind: 'model-stale',
    });
    expect(result.notices[0]!.message).toContain(`model ${MODEL} is stale`);
    expect(result.notices[0]!.message).toContain('2024-01-03');
    expect(result.notes.some((note) => note.includes('is stale'))).toBe(true);
  });
});

describe('resolving the model', () => {
  it('a run without the model is refused naming the field', () => {
    expect(() => runBacktest(config(), [series], { models: [] })).toThrow(ConfigError);
    expect(() => runBacktest(config(), [series], { models: [] })).toThrow(
      'modelId: model md-stump is not in the model registry',
    );
  });

  it('a run that loads no models at all (a research cell) says so', () => {
    expect(() => runBacktest(config(), [series])).toThrow('modelId: this kind of run cannot load models');
  });

  it('a run whose model was never chosen is refused asking for one', () => {
    const unchosen: BacktestConfigInput = { ...config(), strategy: { id: 'ml-signal', params: {} } };
    expect(() => runBacktest(unchosen, [series], { models: [] })).toThrow(
      'modelId: choose the model to trade (train or import one in Models)',
    );
    expect(() => runBacktest(config({ modelId: 'model 1' }), [series], { models: [] })).toThrow(
      'modelId: not a model id',
    );
  });

  it('a model whose columns differ from its feature set is refused', () => {
    const model = signalModel(MODEL, returnStump(), {
      featureSet: { features: [{ kind: 'return', lag: 2 }] },
    });
    expect(() => runBacktest(config(), [series], { models: [model] })).toThrow(
      'reads the columns return_1, its feature set makes return_2',
    );
  });

  it('an imported model without a label cannot be retrained', () => {
    const model = signalModel(MODEL, returnStump(), { label: null });
    expect(() => runBacktest(config({ retrainEvery: 10 }), [series], { models: [model] })).toThrow(
      'retrainEvery: model md-stump has no label',
    );
  });

  it('finds every model id a config names, members of wrappers included', () => {
    const ids = modelIdsIn({
      strategy: { id: 'ml-signal', params: { modelId: 'md-a' } },
      strategies: {
        X: {
          id: 'ensemble',
          params: {
            members: [
              { id: 'ml-signal', params: { modelId: 'md-b' } },
              { id: 'rsi', params: {} },
            ],
          },
        },
      },
    });
    expect([...ids]).toEqual(['md-a', 'md-b']);
  });
});
