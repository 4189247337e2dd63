// Our model file (ml/model-file.ts): canonical bytes (same model → same text, whatever the node layout or key order
// it was built with), a round trip that predicts the same, and clear refusals naming the file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  float32Text,
  loadModelFile,
  type ModelFile,
  writeModelFile,
} from '../../../src/main/ml/model-file';
import { matrixFromColumns, predict, type TreeEnsemble } from '../../../src/main/ml/trees';
import { boosterParamsSchema, featureSetSchema } from '../../../src/shared/domain/ml';

const FIXTURES = join(__dirname, '../../fixtures/xgboost');

/**
 * Two trees written by hand, laid out breadth-first with absolute ids (tree 1 starts at node 5):
 *   tree 0: a < 1 (missing → left) ? [b < 2 (missing → right) ? 0.5 : −0.25] : 1
 *   tree 1: b < 0 (missing → right) ? −1 : 0.125
 */
function handTrees(): TreeEnsemble {
  return {
    objective: 'reg:squarederror',
    baseMargin: 0.5,
    featureNames: ['a', 'b'],
    roots: Int32Array.from([0, 5]),
    feature: Int32Array.from([0, 1, -1, -1, -1, 1, -1, -1]),
    threshold: Float32Array.from([1, 2, 0, 0, 0, 0, 0, 0]),
    left: Int32Array.from([1, 3, -1, -1, -1, 6, -1, -1]),
    right: Int32Array.from([2, 4, -1, -1, -1, 7, -1, -1]),
    defaultLeft: Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0]),
    value: Float32Array.from([0, 0, 1, 0.5, -0.25, 0, -1, 0.125]),
    gain: Float32Array.from([3, 1.5, 0, 0, 0, 2, 0, 0]),
    cover: Float32Array.from([10, 6, 4, 3, 3, 10, 5, 5]),
  };
}

/** The same trees with tree 1 stored first in the arrays and tree 0's leaves shuffled: a different layout. */
function relaidTrees(): TreeEnsemble {
  // New ids: tree 1 → 0 (root), 1 (−1), 2 (0.125); tree 0 → 3 (root), 4 (leaf 1), 5 (split b), 6 (−0.25), 7 (0.5).
  return {
    ...handTrees(),
    roots: Int32Array.from([3, 0]),
    feature: Int32Array.from([1, -1, -1, 0, -1, 1, -1, -1]),
    threshold: Float32Array.from([0, 9, 9, 1, 9, 2, 9, 9]),
    left: Int32Array.from([1, -1, -1, 5, -1, 7, -1, -1]),
    right: Int32Array.from([2, -1, -1, 4, -1, 6, -1, -1]),
    defaultLeft: Uint8Array.from([0, 1, 1, 1, 1, 0, 1, 1]),
    value: Float32Array.from([7, -1, 0.125, 7, 1, 7, -0.25, 0.5]),
    gain: Float32Array.from([2, 0, 0, 3, 0, 1.5, 0, 0]),
    cover: Float32Array.from([10, 5, 5, 10, 4, 6, 3, 3]),
  };
}

const model = (ensemble: TreeEnsemble): ModelFile => ({
  ensemble,
  origin: 'trained',
  symbol: 'SPY',
  featureSet: featureSetSchema.parse({
    features: [
      { kind: 'return', lag: 1 },
      { kind: 'rsi', period: 14 },
    ],
  }),
  label: { kind: 'forward-return', horizon: 5, threshold: 0.001 },
  params: boosterParamsSchema.parse({ rounds: 2, maxDepth: 2 }),
  trainFrom: Date.UTC(2024, 0, 2),
  trainTo: Date.UTC(2024, 5, 28),
  trainRows: 1234,
});

const grid = matrixFromColumns(
  [
    [0, 0.5, 2, Number.NaN, 0.99, 1, Number.NaN],
    [1, 3, -1, 2, Number.NaN, 0, Number.NaN],
  ],
  7,
);

describe('our model file', () => {
  it('the hand trees predict what a walk by hand gives', () => {
    // (0, 1): a<1 → b<2 → 0.5; b≥0 → 0.125: 0.5 + 0.5 + 0.125 = 1.125
    // (0.5, 3): → b≥2 → −0.25; 0.125 → 0.375.  (2, −1): a≥1 → 1; b<0 → −1 → 0.5
    // (NaN, 2): a missing → left → b≥2 → −0.25; 0.125 → 0.375.  (0.99, NaN): left → b missing → right −0.25;
    // b missing → right 0.125 → 0.375.  (1, 0): a≥1 → 1; b≥0 → 0.125 → 1.625.  (NaN, NaN): left, right → 0.375
    expect(Array.from(predict(handTrees(), grid))).toEqual([1.125, 0.375, 0.5, 0.375, 0.375, 1.625, 0.375]);
  });

  it('same model, same bytes: another node layout and another key order write the same text', () => {
    const text = writeModelFile(model(handTrees()));
    expect(writeModelFile(model(relaidTrees()))).toBe(text);
    const reordered = model(handTrees());
    const params = Object.fromEntries(Object.entries(reordered.params!).reverse()) as typeof reordered.params;
    expect(writeModelFile({ ...reordered, params })).toBe(text);
  });

  it('reads back to the same model: same predictions, same bytes, same metadata', () => {
    const original = model(handTrees());
    const text = writeModelFile(original);
    const loaded = loadModelFile(text, 'model.json');
    expect(writeModelFile(loaded)).toBe(text);
    expect(predict(loaded.ensemble, grid)).toEqual(predict(handTrees(), grid));
    expect(loaded).toMatchObject({
      origin: 'trained',
      symbol: 'SPY',
      featureSet: original.featureSet,
      label: original.label,
      params: original.params,
      trainFrom: original.trainFrom,
      trainTo: original.trainTo,
      trainRows: 1234,
    });
    expect(loaded.ensemble.featureNames).toEqual(['a', 'b']);
  });

  it('an XGBoost model written in our format predicts what the XGBoost file does', () => {
    const name = 'binary-1.7.json';
    const imported = loadModelFile(readFileSync(join(FIXTURES, name), 'utf8'), name);
    expect(imported.origin).toBe('xgboost');
    const ours = loadModelFile(writeModelFile(imported), 'ours.json');
    const rows = matrixFromColumns(
      [
        [0.2, Number.NaN, 2],
        [25, Number.NaN, Number.NaN],
        [0, Number.NaN, 1],
      ],
      3,
    );
    expect(predict(ours.ensemble, rows)).toEqual(predict(imported.ensemble, rows));
  });

  it('writes float32 values in their shortest form that reads back exactly', () => {
    expect(float32Text(0.1)).toBe('0.1');
    expect(float32Text(Math.fround(1 / 3))).toBe('0.33333334');
    expect(float32Text(-0.25)).toBe('-0.25');
    expect(float32Text(1e-7)).toBe('1e-7');
    for (const x of [Math.PI, 123456.789, -9.87654e-12, 3.4e38]) {
      expect(Math.fround(Number(float32Text(x)))).toBe(Math.fround(x));
    }
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
  });

  it('refuses a newer version, another format and a broken file, naming the file and the field', () => {
    const text = writeModelFile(model(handTrees()));
    expect(() => loadModelFile(text.replace('"version":1', '"version":2'), 'm.json')).toThrow(
      'm.json: model file version 2 was written by a newer MarketBoss; this one reads version 1',
    );
    expect(() => loadModelFile('{"format":"other"}', 'm.json')).toThrow(
      'm.json: format "other" is not a MarketBoss model file',
    );
    expect(() =>
      loadModelFile(text.replace('"objective":"reg:squarederror"', '"objective":"rank:ndcg"'), 'm.json'),
    ).toThrow('m.json: not a valid model file: objective:');
    const json = JSON.parse(text);
    json.trees[1].value.pop();
    expect(() => loadModelFile(JSON.stringify(json), 'm.json')).toThrow(
      'm.json: tree 1: value has 2 entries, feature has 3',
    );
  });
});
