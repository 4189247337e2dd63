// The registry's checks before a training starts, and feature importance of a model file's trees.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { generateMarket } from '../../../src/main/feeds/synthetic';
import type { TreeEnsemble } from '../../../src/main/ml/trees';
import { checkTrainingData, importanceOf, readImport } from '../../../src/main/research/model-training';
import { featureSetSchema, type TrainRequestInput, trainRequestSchema } from '../../../src/shared/domain/ml';

const market = generateMarket({ symbols: ['ACME', 'BOLT'], timeframe: '1D', bars: 200, seed: 3 });
const request = (change: Partial<TrainRequestInput> = {}) =>
  trainRequestSchema.parse({
    symbol: 'ACME',
    featureSet: { features: [{ kind: 'return', lag: 1 }] },
    label: { kind: 'forward-return', horizon: 5 },
    params: {},
    ...change,
  });

describe('checkTrainingData', () => {
  test('a request the data can serve passes', () => {
    expect(checkTrainingData(market, request())).toBeNull();
    expect(
      checkTrainingData(
        market,
        request({ featureSet: { features: [{ kind: 'rsi', period: 14 }], symbols: ['BOLT'] } }),
      ),
    ).toBeNull();
  });

  test('names the symbol, the other symbols, the duplicate column and the folds at fault', () => {
    expect(checkTrainingData(market, request({ symbol: 'ZZZ' }))).toEqual({
      path: 'symbol',
      message: 'ZZZ is not in the data (it has ACME, BOLT)',
    });
    expect(
      checkTrainingData(
        market,
        request({ featureSet: { features: [{ kind: 'return', lag: 1 }], symbols: ['QQQ', 'SPY'] } }),
      ),
    ).toEqual({ path: 'featureSet.symbols', message: 'QQQ, SPY are not in the data (it has ACME, BOLT)' });
    expect(
      checkTrainingData(
        market,
        request({
          featureSet: {
            features: [
              { kind: 'return', lag: 1 },
              { kind: 'return', lag: 2, name: 'return_1' },
            ],
          },
        }),
      ),
    ).toMatchObject({ path: 'featureSet', message: expect.stringMatching(/two columns named "return_1"/) });
    // 200 bars in 41 blocks of 4: a 5-bar purge leaves the first fold no training bar.
    expect(checkTrainingData(market, request({ folds: 40 }))).toMatchObject({
      path: 'folds',
      message: expect.stringMatching(/200 usable bars are too few for 40 folds with a 5-bar purge/),
    });
  });
});

describe('importanceOf', () => {
  // Two trees by hand: tree 0 splits on b (gain 4, cover 10) then a (gain 1, cover 6); tree 1 splits on b (gain 2, cover 9).
  const ensemble: TreeEnsemble = {
    objective: 'binary:logistic',
    baseMargin: 0,
    featureNames: ['a', 'b', 'c'],
    roots: Int32Array.from([0, 5]),
    feature: Int32Array.from([1, 0, -1, -1, -1, 1, -1, -1]),
    threshold: Float32Array.from([0.5, 1, 0, 0, 0, 2, 0, 0]),
    left: Int32Array.from([1, 3, -1, -1, -1, 6, -1, -1]),
    right: Int32Array.from([2, 4, -1, -1, -1, 7, -1, -1]),
    defaultLeft: Uint8Array.from([1, 0, 0, 0, 0, 1, 0, 0]),
    value: Float32Array.from([0, 0, 0.1, -0.2, 0.3, 0, 0.05, -0.05]),
    gain: Float32Array.from([4, 1, 0, 0, 0, 2, 0, 0]),
    cover: Float32Array.from([10, 6, 4, 3, 3, 9, 5, 4]),
  };

  test('sums gain, cover and splits per feature over inner nodes only; unused features are left out', () => {
    expect(importanceOf(ensemble)).toEqual([
      { feature: 'b', gain: 6, cover: 19, splits: 2 },
      { feature: 'a', gain: 1, cover: 6, splits: 1 },
    ]);
  });
});

describe('readImport', () => {
  const fixture = (name: string) =>
    readFileSync(join(__dirname, '..', '..', 'fixtures', 'xgboost', name), 'utf8');

  test("an XGBoost file becomes our canonical model file with the file's feature names; reading it back gives the same bytes", () => {
    const imported = readImport({ name: 'py', json: fixture('binary-1.7.json') });
    expect(imported).toMatchObject({
      origin: 'xgboost',
      objective: 'binary:logistic',
      featureSetHash: null,
      featureNames: ['ret_1', 'rsi_14', 'vol_z'],
      folds: [],
    });
    expect(imported.trees).toBeGreaterThan(0);
    // Our own file imports as itself.
    expect(readImport({ name: 'ours', json: imported.modelFile }).modelFile).toBe(imported.modelFile);
  });

  test('a feature set whose columns differ from the model’s is refused naming them', () => {
    const featureSet = featureSetSchema.parse({
      features: [
        { kind: 'return', lag: 1, name: 'ret_1' },
        { kind: 'rsi', period: 14 },
      ],
    });
    expect(() => readImport({ name: 'py.json', json: fixture('binary-1.7.json'), featureSet })).toThrow(
      "py.json: the model's 3 columns do not match the feature set's 2: the model has vol_z, which the feature set does not",
    );
  });

  test("a file without feature names takes the feature set's when the counts agree", () => {
    const featureSet = featureSetSchema.parse({
      features: [
        { kind: 'return', lag: 1 },
        { kind: 'return', lag: 5 },
      ],
    });
    const imported = readImport({ name: 'reg', json: fixture('regression-2.1.json'), featureSet });
    expect(imported.featureNames).toEqual(['return_1', 'return_5']);
    expect(imported.featureSetHash).toMatch(/^[0-9a-f]{64}$/);
    expect(imported.objective).toBe('reg:squarederror');
  });
});
