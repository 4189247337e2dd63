// The booster (ml/booster): hand-checked splits against XGBoost's formulas, missing values, the stopping rules,
// seeded sampling, early stopping, and training's routing agreeing with the predictor's.
import { describe, expect, it } from 'vitest';
import { trainBooster } from '../../../src/main/ml/booster';
import type { TrainingSet } from '../../../src/main/ml/booster/types';
import { auc } from '../../../src/main/ml/metrics';
import {
  type FeatureMatrix,
  matrixFromColumns,
  predict,
  predictMargins,
  type TreeEnsemble,
} from '../../../src/main/ml/trees';
import { type BoosterParamsInput, boosterParamsSchema } from '../../../src/shared/domain/ml';
import { normal, seededRandom } from '../../../src/shared/random';

const params = (input: BoosterParamsInput = {}) => boosterParamsSchema.parse(input);

function setOf(columns: number[][], label: number[], featureNames?: string[]): TrainingSet {
  return {
    matrix: matrixFromColumns(columns, label.length),
    label: Float32Array.from(label),
    ...(featureNames ? { featureNames } : {}),
  };
}

/** The single tree of a one-round model, as plain data to compare with a hand computation. */
function onlyTree(ensemble: TreeEnsemble) {
  expect(ensemble.roots.length).toBe(1);
  return {
    feature: [...ensemble.feature],
    threshold: [...ensemble.threshold],
    defaultLeft: [...ensemble.defaultLeft],
    value: [...ensemble.value],
  };
}

/** Log loss of margins, through a float64 sigmoid as training computes it. */
function logLoss(margins: ArrayLike<number>, label: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < label.length; i++) {
    const p = Math.min(Math.max(1 / (1 + Math.exp(-(margins[i] as number))), 1e-16), 1 - 1e-16);
    sum -= (label[i] as number) * Math.log(p) + (1 - (label[i] as number)) * Math.log(1 - p);
  }
  return sum / label.length;
}

/** Rows with a logistic signal: P(y = 1) = sigmoid(x0 − x1 + x2·x3), two noise columns, 10% of x1 missing. */
function logisticRows(rows: number, seed: number) {
  const random = seededRandom(seed);
  const columns: number[][] = [[], [], [], [], [], []];
  const label: number[] = [];
  const truth: number[] = [];
  for (let r = 0; r < rows; r++) {
    const x = columns.map(() => normal(random));
    const missing = random.next() < 0.1;
    const margin = (x[0] as number) - (missing ? 0 : (x[1] as number)) + (x[2] as number) * (x[3] as number);
    const p = 1 / (1 + Math.exp(-margin));
    x.forEach((v, f) => {
      columns[f]!.push(f === 1 && missing ? Number.NaN : v);
    });
    truth.push(p);
    label.push(random.next() < p ? 1 : 0);
  }
  return { set: setOf(columns, label), truth };
}

describe('one split, computed by hand', () => {
  // x = 1, 2, 3, 4 and y = 0, 0, 10, 10 from a base score of 0: gradients g = 0, 0, −10, −10, Hessians 1.
  // Root G = −20, H = 4. XGBoost's loss change of "x < 3": 0²/(2+1) + 20²/(2+1) − 20²/(4+1) = 133.33 − 80 = 53.33
  // (x < 2 gives 20, x < 4 gives −5). Leaves −G/(H+λ)·eta: left 0, right 20/3 · 0.3 = 2.
  const set = setOf([[1, 2, 3, 4]], [0, 0, 10, 10], ['momentum']);
  const regression = { objective: 'reg:squarederror', rounds: 1, maxDepth: 1, baseScore: 0 } as const;

  it('a separable feature splits at the boundary with the gain and leaf values of XGBoost', () => {
    const { ensemble, importance } = trainBooster(set, params(regression));

    expect(onlyTree(ensemble)).toEqual({
      feature: [0, -1, -1],
      threshold: [3, 0, 0],
      defaultLeft: [0, 0, 0],
      value: [expect.closeTo(1.2, 6), 0, Math.fround(2)],
    });
    expect(ensemble.gain[0]).toBeCloseTo(400 / 3 - 80, 4);
    expect([...ensemble.cover]).toEqual([4, 2, 2]);
    expect(importance).toEqual([
      { feature: 'momentum', gain: expect.closeTo(53.333, 3), cover: 4, splits: 1 },
    ]);
    expect([...predict(ensemble, set.matrix)]).toEqual([0, 0, Math.fround(2), Math.fround(2)]);
  });

  it('gamma: a loss change of 53.33 splits at gamma 53 and not at gamma 54 (one leaf: 20/5 · 0.3)', () => {
    const at53 = trainBooster(set, params({ ...regression, gamma: 53 })).ensemble;
    const at54 = trainBooster(set, params({ ...regression, gamma: 54 })).ensemble;

    expect(at53.feature[0]).toBe(0);
    expect(onlyTree(at54)).toEqual({
      feature: [-1],
      threshold: [0],
      defaultLeft: [0],
      value: [Math.fround(1.2)],
    });
  });

  it('binary:logistic from base score 0.5: leaves ∓1/(0.5+1) · 0.3 = ∓0.2 once min_child_weight allows halves', () => {
    // p = 0.5 everywhere: g = 0.5 − y, h = 0.25; each half has G = ±1, H = 0.5.
    const binary = setOf([[1, 2, 3, 4]], [0, 0, 1, 1]);
    const base = { rounds: 1, maxDepth: 1, baseScore: 0.5 } as const;

    const allowed = trainBooster(binary, params({ ...base, minChildWeight: 0.5 })).ensemble;
    const refused = trainBooster(binary, params({ ...base, minChildWeight: 0.51 })).ensemble;

    expect(onlyTree(allowed)).toEqual({
      feature: [0, -1, -1],
      threshold: [3, 0, 0],
      defaultLeft: [0, 0, 0],
      value: [0, Math.fround(-0.2), Math.fround(0.2)],
    });
    expect(allowed.gain[0]).toBeCloseTo(4 / 3, 6);
    expect(allowed.baseMargin).toBeCloseTo(0, 12);
    // A half's Hessian 0.5 is below min_child_weight 0.51: no split, the root's leaf is −0/(1+1) = 0.
    expect(onlyTree(refused).feature).toEqual([-1]);
    expect(refused.value[0]).toBe(0);
  });

  it('max_depth: y = 0, 10, 20, 30 with λ = 0 splits at x < 3 at depth 1, then each half again at depth 2', () => {
    // Root: x < 3 gains 10²/2 + 50²/2 − 60²/4 = 400 (x < 2 and x < 4 gain 300). Each half then splits in two.
    const four = setOf([[1, 2, 3, 4]], [0, 10, 20, 30]);
    const settings = { ...regression, lambda: 0, minChildWeight: 0 };
    const shallow = trainBooster(four, params({ ...settings, maxDepth: 1 })).ensemble;
    const deeper = trainBooster(four, params({ ...settings, maxDepth: 2 })).ensemble;

    const rounded = (ensemble: TreeEnsemble) =>
      [...predict(ensemble, four.matrix)].map((v) => Number(v.toFixed(5)));
    expect(shallow.gain[0]).toBeCloseTo(400, 6);
    expect(rounded(shallow)).toEqual([1.5, 1.5, 7.5, 7.5]);
    expect(rounded(deeper)).toEqual([0, 3, 6, 9]);
    expect([...deeper.feature].filter((f) => f < 0)).toHaveLength(4);
  });
});

describe('row weights', () => {
  it('scale gradients and Hessians: weights 1, 1, 2, 2 give the right leaf 40/(4+1) · 0.3 = 2.4 and gain 320 − 1600/7', () => {
    const set = { ...setOf([[1, 2, 3, 4]], [0, 0, 10, 10]), weight: Float32Array.from([1, 1, 2, 2]) };
    const { ensemble } = trainBooster(
      set,
      params({ objective: 'reg:squarederror', rounds: 1, maxDepth: 1, baseScore: 0 }),
    );

    expect(onlyTree(ensemble)).toMatchObject({ feature: [0, -1, -1], threshold: [3, 0, 0] });
    expect(ensemble.gain[0]).toBeCloseTo(320 - 1600 / 7, 3);
    expect([...ensemble.cover]).toEqual([6, 2, 4]);
    expect(ensemble.value[2]).toBe(Math.fround(2.4));
  });

  it('refuse a negative weight, naming the row', () => {
    const set = { ...setOf([[1, 2]], [0, 1]), weight: Float32Array.from([1, -1]) };
    expect(() => trainBooster(set, params())).toThrow('training set row 2: the weight is -1');
  });
});

describe('missing values', () => {
  // x = 1, 2, 3, 4, NaN, NaN; base score 0, λ = 1, eta 0.3.
  const x = [1, 2, 3, 4, Number.NaN, Number.NaN];
  const regression = { objective: 'reg:squarederror', rounds: 1, maxDepth: 1, baseScore: 0 } as const;

  it('go right when their labels are like the high values: "x < 3", missing right, gain 320 − 1600/7', () => {
    const set = setOf([x], [0, 0, 10, 10, 10, 10]);
    const { ensemble } = trainBooster(set, params(regression));

    expect(onlyTree(ensemble)).toMatchObject({
      feature: [0, -1, -1],
      threshold: [3, 0, 0],
      defaultLeft: [0, 0, 0],
    });
    expect(ensemble.gain[0]).toBeCloseTo(320 - 1600 / 7, 3);
    // The right leaf holds the two 10s and the two missing rows: 40/(4+1) · 0.3 = 2.4.
    expect([...predict(ensemble, set.matrix)]).toEqual([0, 0, 2.4, 2.4, 2.4, 2.4].map(Math.fround));
  });

  it('go left when their labels are like the low values: the learned default is left', () => {
    const set = setOf([x], [0, 0, 10, 10, 0, 0]);
    const { ensemble } = trainBooster(set, params(regression));

    expect(onlyTree(ensemble)).toMatchObject({
      feature: [0, -1, -1],
      threshold: [3, 0, 0],
      defaultLeft: [1, 0, 0],
    });
    // 20²/(2+1) − 20²/(6+1) = 133.33 − 57.14.
    expect(ensemble.gain[0]).toBeCloseTo(400 / 3 - 400 / 7, 3);
    const unseen = matrixFromColumns([[Number.NaN, 3.5]], 2);
    expect([...predict(ensemble, unseen)]).toEqual([0, Math.fround(2)]);
  });

  it('alone can be the split: present against missing, with a condition above every value', () => {
    const set = setOf([[5, 5, 5, Number.NaN, Number.NaN]], [0, 0, 0, 10, 10]);
    const { ensemble } = trainBooster(set, params(regression));

    expect(ensemble.feature[0]).toBe(0);
    expect(ensemble.threshold[0]).toBeGreaterThan(5);
    expect([...predict(ensemble, set.matrix)]).toEqual([0, 0, 0, 2, 2].map(Math.fround));
  });
});

describe('the starting margin', () => {
  it('is the logit of the mean label for binary:logistic and the mean for regression when no base score is given', () => {
    const set = setOf([[1, 2, 3, 4]], [0, 0, 0, 1]);
    const binary = trainBooster(set, params({ rounds: 1 })).ensemble;
    const regression = trainBooster(set, params({ rounds: 1, objective: 'reg:squarederror' })).ensemble;

    expect(binary.baseMargin).toBeCloseTo(Math.log(0.25 / 0.75), 6);
    expect(regression.baseMargin).toBe(0.25);
  });
});

describe('sampling, seeded', () => {
  const { set } = logisticRows(2_000, 7);
  const sampled = params({ rounds: 20, subsample: 0.5, colsample: 0.5, seed: 42 });

  it('the same seed gives identical ensemble arrays; another seed gives other trees', () => {
    const first = trainBooster(set, sampled).ensemble;
    const again = trainBooster(set, sampled).ensemble;
    const other = trainBooster(set, { ...sampled, seed: 43 }).ensemble;

    expect(again).toEqual(first);
    expect(other.threshold).not.toEqual(first.threshold);
  });

  it('subsample 0.5 grows each tree on about half the rows, a different half each time', () => {
    const regression = params({ ...sampled, objective: 'reg:squarederror', colsample: 1 });
    const { ensemble } = trainBooster(set, regression);
    // With squared error every Hessian is 1, so a root's cover is the number of rows it was grown on.
    const rootCovers = [...ensemble.roots].map((root) => ensemble.cover[root] as number);

    expect(Math.min(...rootCovers)).toBeGreaterThan(900);
    expect(Math.max(...rootCovers)).toBeLessThan(1100);
    expect(new Set(rootCovers).size).toBeGreaterThan(10);
  });

  it('colsample 0.6 of 6 features gives each tree 3 of them (XGBoost truncates 3.6), never more', () => {
    const { ensemble } = trainBooster(set, { ...sampled, colsample: 0.6, maxDepth: 6 });
    const roots = [...ensemble.roots, ensemble.feature.length];
    const usedPerTree = roots.slice(0, -1).map((root, t) => {
      const features = [...ensemble.feature.subarray(root, roots[t + 1])].filter((f) => f >= 0);
      return new Set(features).size;
    });
    expect(Math.max(...usedPerTree)).toBe(3);
  });
});

describe('training and prediction agree', () => {
  it('each round’s training loss is the log loss of the predictor’s probabilities (NaN rows and subsampling included)', () => {
    const { set } = logisticRows(3_000, 11);
    const result = trainBooster(
      set,
      params({ rounds: 15, subsample: 0.8, colsample: 0.8, maxBin: 32, seed: 3 }),
    );

    const margins = predictMargins(result.ensemble, set.matrix);
    expect(result.evaluations.at(-1)!.train).toBeCloseTo(logLoss(margins, set.label), 12);
  });
});

describe('early stopping', () => {
  it('stops once the validation loss has not improved for N rounds and keeps the trees up to the best round', () => {
    // Labels that are pure noise: the trees only overfit, so the validation loss soon rises.
    const random = seededRandom(5);
    const noise = (rows: number): TrainingSet => {
      const columns = [0, 1, 2].map(() => Array.from({ length: rows }, () => random.next()));
      return setOf(
        columns,
        Array.from({ length: rows }, () => (random.next() < 0.5 ? 1 : 0)),
      );
    };
    const train = noise(1_000);
    const validation = noise(1_000);
    const rounds: number[] = [];

    const result = trainBooster(train, params({ rounds: 200, earlyStoppingRounds: 4 }), {
      validation,
      onRound: (evaluation) => rounds.push(evaluation.round),
    });

    const losses = result.evaluations.map((e) => e.validation!);
    const best = losses.indexOf(Math.min(...losses));
    expect(result.evaluations).toHaveLength(best + 1 + 4);
    expect(rounds).toEqual(result.evaluations.map((e) => e.round));
    expect(result.rounds).toBe(best + 1);
    expect(result.ensemble.roots).toHaveLength(best + 1);
    expect(logLoss(predictMargins(result.ensemble, validation.matrix), validation.label)).toBeCloseTo(
      losses[best]!,
      12,
    );
  });

  it('needs a validation set', () => {
    const set = setOf([[1, 2]], [0, 1]);
    expect(() => trainBooster(set, params({ earlyStoppingRounds: 3 }))).toThrow(/needs a validation set/);
  });
});

describe('quality', () => {
  it('on a logistic signal, the test AUC comes within 0.015 of the true probabilities’ AUC', () => {
    const train = logisticRows(20_000, 1).set;
    const test = logisticRows(5_000, 2);

    const { ensemble } = trainBooster(train, params({ rounds: 200, maxDepth: 4, eta: 0.1 }));

    const best = auc(test.set.label, test.truth)!;
    const ours = auc(test.set.label, predict(ensemble, test.set.matrix))!;
    expect(ours).toBeGreaterThan(best - 0.015);
  });
});

describe('reg:squarederror', () => {
  it('learns y = sin(x): the training RMSE never rises and the test RMSE ends near the noise (0.1)', () => {
    const rows = (count: number, seed: number) => {
      const random = seededRandom(seed);
      const x = Array.from({ length: count }, () => random.next() * 6 - 3);
      return setOf(
        [x],
        x.map((v) => Math.sin(v) + 0.1 * normal(random)),
      );
    };
    const train = rows(4_000, 1);
    const test = rows(1_000, 2);

    const result = trainBooster(train, params({ objective: 'reg:squarederror', rounds: 50, maxDepth: 3 }), {
      validation: test,
    });

    const losses = result.evaluations.map((e) => e.train);
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThanOrEqual(losses[i - 1]! + 1e-12);
    expect(result.evaluations.at(-1)!.validation).toBeLessThan(0.12);
  });
});

describe('bad input', () => {
  const matrix: FeatureMatrix = matrixFromColumns([[1, 2, 3]], 3);

  it('refuses a binary label outside 0..1, naming the row', () => {
    const set = { matrix, label: Float32Array.from([0, 2, 1]) };
    expect(() => trainBooster(set, params())).toThrow('training set row 2: the label is 2');
  });

  it('refuses an infinite feature value, naming the feature and row', () => {
    const set = setOf([[1, Number.POSITIVE_INFINITY, 3]], [0, 1, 1], ['volume-z']);
    expect(() => trainBooster(set, params())).toThrow('feature volume-z, row 2: the value is Infinity');
  });

  it('refuses labels that do not match the rows', () => {
    expect(() => trainBooster({ matrix, label: new Float32Array(2) }, params())).toThrow(
      'the training set has 3 rows but 2 labels',
    );
  });

  it('stops with the signal’s reason when canceled', () => {
    const controller = new AbortController();
    controller.abort(new Error('training canceled'));
    const set = setOf([[1, 2, 3]], [0, 1, 1]);
    expect(() => trainBooster(set, params(), { signal: controller.signal })).toThrow('training canceled');
  });
});
