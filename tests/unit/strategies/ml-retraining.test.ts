// Walk-forward retraining of ml-signal: every N bars a new model from rows whose labels are known at that bar, and
// never anything later — proven by changing every bar after a cut and finding nothing up to the cut changed.
import { describe, expect, it } from 'vitest';
import { generateMarket } from '../../../src/main/feeds/synthetic';
import { type BacktestResult, runBacktest } from '../../../src/main/research/backtest';
import { FeatureHistory, trainingRows } from '../../../src/main/strategies/retraining';
import type { BarSeries } from '../../../src/shared/domain/bars';
import { boosterParamsSchema } from '../../../src/shared/domain/ml';
import { returnStump, signalModel } from './ml-models';

const HORIZON = 3;
const model = {
  ...signalModel('md-walk', returnStump(), {
    featureSet: { features: [{ kind: 'return', lag: 1 }] },
    label: { kind: 'forward-return', horizon: HORIZON, threshold: 0 },
  }),
  // Small trees, so the test is quick; a seed, so it is repeatable.
  params: boosterParamsSchema.parse({ rounds: 8, maxDepth: 2, seed: 7 }),
};
// The stump reads one column; retraining learns from return_1 too (the model's feature set).
const walkParams = {
  modelId: 'md-walk',
  warmupBars: 5,
  retrainEvery: 60,
  trainingWindow: 60,
  allowShort: true,
};

function backtest(series: BarSeries): BacktestResult {
  return runBacktest(
    {
      cash: 100_000,
      strategy: { id: 'ml-signal', params: walkParams },
      account: { type: 'margin' },
      risk: { enabled: false, sizing: { mode: 'fixed-qty', qty: 10 } },
    },
    [series],
    { models: [model] },
  );
}

/** `series` with every bar after `cut` replaced by another market's bars (rescaled to join at the cut). */
function newFuture(series: BarSeries, cut: number, seed: number): BarSeries {
  const other = generateMarket({
    seed,
    symbols: [series.symbol],
    bars: series.length,
    timeframe: series.timeframe,
  })[0]!;
  const scale = series.close[cut]! / other.close[cut]!;
  const copy = (from: Float64Array, alt: Float64Array, factor: number) =>
    Float64Array.from(from, (value, i) => (i <= cut ? value : alt[i]! * factor));
  return {
    ...series,
    open: copy(series.open, other.open, scale),
    high: copy(series.high, other.high, scale),
    low: copy(series.low, other.low, scale),
    close: copy(series.close, other.close, scale),
    volume: copy(series.volume, other.volume, 1),
  };
}

const retrainings = (result: BacktestResult) => result.notices.filter((n) => n.kind === 'model-retrained');

describe('the rows a retraining may use', () => {
  it('at bar i, the newest row is i − horizon (its label reads bars up to i) and the window ends there', () => {
    expect(trainingRows(200, 3, 100)).toEqual({ from: 98, to: 197 });
    expect(trainingRows(50, 3, 100)).toEqual({ from: 0, to: 47 });
  });

  it('the feature history hands back the rows of a span, old rows dropped as it goes', () => {
    const history = new FeatureHistory(2, 5);
    for (let i = 0; i < 40; i++) history.push(i, [i, -i]);
    const { values, rows } = history.rows(35, 39, (i) => i !== 37);
    expect(rows).toBe(4);
    expect(Array.from(values)).toEqual([35, -35, 36, -36, 38, -38, 39, -39]);
    expect(() => history.rows(10, 12, () => true)).toThrow('feature rows 10..12 are not held');
  });
});

describe('walk-forward retraining in a backtest', () => {
  const [series] = generateMarket({ seed: 11, symbols: ['WALK'], bars: 400, timeframe: '1D' });
  const result = backtest(series!);

  it('retrains every 60 bars from bar 60, each time on the 60 rows ending `horizon` bars before', () => {
    const notices = retrainings(result);
    expect(notices.length).toBe(6);
    notices.forEach((notice, k) => {
      const index = 60 * (k + 1);
      expect(notice.time).toBe(series!.time[index]);
      const to = index - HORIZON;
      const from = Math.max(0, to - 60 + 1);
      expect(notice.message).toContain(`retrained as md-walk-r${index} `);
      expect(notice.message).toContain(`(bars ${from}–${to},`);
    });
  });

  it('the retrained models predict something else than the stump (two values only)', () => {
    const values = new Set(Array.from(result.predictions[0]!.value.subarray(61)));
    expect(values.size).toBeGreaterThan(2);
  });

  it('uses no future row: with every bar after a retraining bar changed, nothing up to that bar changes', () => {
    for (const cut of [120, 121, 200, 283]) {
      const altered = backtest(newFuture(series!, cut, 99 + cut));
      const upTo = (r: BacktestResult) => {
        const { time, value } = r.predictions[0]!;
        const n = time.findIndex((t) => t > series!.time[cut]!);
        return Array.from(value.subarray(0, n));
      };
      expect(upTo(altered), `cut ${cut}`).toEqual(upTo(result));
      const noticesUpTo = (r: BacktestResult) =>
        retrainings(r)
          .filter((n) => n.time <= series!.time[cut]!)
          .map((n) => n.message);
      expect(noticesUpTo(altered)).toEqual(noticesUpTo(result));
      // …and the future did change what came after (the check can fail).
      expect(Array.from(altered.predictions[0]!.value)).not.toEqual(Array.from(result.predictions[0]!.value));
    }
  });

  it('is deterministic: the same bars retrain to the same predictions', () => {
    expect(Array.from(backtest(series!).predictions[0]!.value)).toEqual(
      Array.from(result.predictions[0]!.value),
    );
  });
});
