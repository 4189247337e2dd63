// XGBoost JSON models (tests/fixtures/xgboost/, written by hand in the format XGBoost 1.5 … 3.1 saves) read into our
// ensemble and predicted through ml/trees.ts; the expected values are worked out by hand below, each walk written
// out. What we cannot predict exactly is refused naming the thing and the file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../../../src/main/ml/model-file';
import { matrixFromColumns, predict, predictMargins, type TreeEnsemble } from '../../../src/main/ml/trees';
import { ensembleFromXgboost, parseBaseScore } from '../../../src/main/ml/xgboost-json';

const FIXTURES = join(__dirname, '../../fixtures/xgboost');
const fixtureText = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: tests change fixtures at deep paths to build refused models.
type Json = any;
const fixture = (name: string) => JSON.parse(fixtureText(name)) as Json;

function ensembleOf(name: string): TreeEnsemble {
  return loadModelFile(fixtureText(name), name).ensemble;
}

/** Rows as arrays (one value per feature) → the predictor's matrix. */
function rows(...data: number[][]) {
  const width = data[0]!.length;
  return matrixFromColumns(
    Array.from({ length: width }, (_, f) => data.map((row) => row[f]!)),
    data.length,
  );
}

const sigmoid = (margin: number) => 1 / (1 + Math.exp(-margin));

// The two trees of the binary fixtures (features ret_1 = f0, rsi_14 = f1, vol_z = f2):
//   tree 0: ret_1 < 0.5 (missing → left) ? [rsi_14 < 30 (missing → right) ? −0.3 : 0.1] : 0.4
//   tree 1: vol_z < −1.25 (missing → right) ? 0.2 : [ret_1 < 1.5 (missing → left) ? −0.15 : 0.25]
const BINARY_ROWS = [
  [0.2, 25, 0], //     t0: 0.2 < 0.5 → 25 < 30 → −0.3;  t1: 0 ≥ −1.25 → 0.2 < 1.5 → −0.15   = −0.45
  [0.7, 50, -2], //    t0: 0.7 ≥ 0.5 → 0.4;              t1: −2 < −1.25 → 0.2                  = 0.6
  [Number.NaN, Number.NaN, Number.NaN], // t0: left, right → 0.1; t1: right, left → −0.15    = −0.05
  [2, Number.NaN, 1], // t0: 0.4;                          t1: 1 ≥ −1.25 → 2 ≥ 1.5 → 0.25      = 0.65
  [0.5, 30, -1.25], // on every condition (not below it, so right): t0: 0.4; t1: 0.5 < 1.5 → −0.15 = 0.25
  [Number.NaN, 10, -3], // t0: missing → left → 10 < 30 → −0.3; t1: −3 < −1.25 → 0.2            = −0.1
];
const BINARY_TREE_SUMS = [-0.45, 0.6, -0.05, 0.65, 0.25, -0.1];

describe('XGBoost JSON: binary:logistic', () => {
  it('1.7 file (base_score "5E-1", default_left 0/1): predictions are sigmoid(0 + trees) to 1e-6', () => {
    const ensemble = ensembleOf('binary-1.7.json');
    expect(ensemble.objective).toBe('binary:logistic');
    expect(ensemble.featureNames).toEqual(['ret_1', 'rsi_14', 'vol_z']);
    expect(ensemble.baseMargin).toBe(0); // logit(0.5)
    const margins = predictMargins(ensemble, rows(...BINARY_ROWS));
    const probabilities = predict(ensemble, rows(...BINARY_ROWS));
    BINARY_TREE_SUMS.forEach((sum, i) => {
      expect(margins[i]).toBeCloseTo(sum, 6);
      expect(Math.abs(probabilities[i]! - sigmoid(sum))).toBeLessThan(1e-6);
    });
  });

  it('3.1 file (base_score "[5E-1]", cats, iteration_indptr) predicts the same as 1.7', () => {
    const old = predict(ensembleOf('binary-1.7.json'), rows(...BINARY_ROWS));
    expect(predict(ensembleOf('binary-3.1.json'), rows(...BINARY_ROWS))).toEqual(old);
  });

  it('1.5 file (default_left as booleans, base_score "2.5E-1"): the base margin is logit(0.25) = ln(1/3)', () => {
    const ensemble = ensembleOf('binary-1.5-booleans.json');
    expect(ensemble.baseMargin).toBeCloseTo(Math.log(1 / 3), 6);
    const probabilities = predict(ensemble, rows(...BINARY_ROWS));
    BINARY_TREE_SUMS.forEach((sum, i) => {
      expect(Math.abs(probabilities[i]! - sigmoid(Math.log(1 / 3) + sum))).toBeLessThan(1e-6);
    });
  });

  it('keeps gain (loss_changes) and cover (sum_hessian) of the split nodes', () => {
    const ensemble = ensembleOf('binary-1.7.json');
    const root0 = ensemble.roots[0]!;
    const root1 = ensemble.roots[1]!;
    expect([ensemble.gain[root0], ensemble.cover[root0]]).toEqual([12, 50]);
    expect([ensemble.gain[root1], ensemble.cover[root1]]).toEqual([6, 50]);
  });

  it('reg:logistic predicts like binary:logistic', () => {
    const json = fixture('binary-1.7.json');
    json.learner.objective.name = 'reg:logistic';
    const ensemble = ensembleFromXgboost(json, 'model.json');
    expect(predict(ensemble, rows(...BINARY_ROWS))).toEqual(
      predict(ensembleOf('binary-1.7.json'), rows(...BINARY_ROWS)),
    );
  });
});

describe('XGBoost JSON: reg:squarederror and float32 semantics', () => {
  // Unnamed features (f0, f1); base_score 1.5.
  //   tree 0: f0 < 0.1f (missing → right) ? −1 : 1
  //   tree 1: f1 < 0.33333334f (missing → left) ? 0.25 : −0.25
  it('names unnamed features f0, f1 and adds base_score to the trees', () => {
    const ensemble = ensembleOf('regression-2.1.json');
    expect(ensemble.featureNames).toEqual(['f0', 'f1']);
    expect(ensemble.baseMargin).toBe(1.5);
    // (1, 1): 1 ≥ 0.1 → 1; 1 ≥ 1/3 → −0.25: 1.5 + 1 − 0.25 = 2.25. (NaN, NaN): right 1, left 0.25 → 2.75.
    expect(Array.from(predict(ensemble, rows([1, 1], [Number.NaN, Number.NaN])))).toEqual([2.25, 2.75]);
  });

  it('compares feature values as float32: a double just below a float32 condition rounds onto it and goes right', () => {
    const ensemble = ensembleOf('regression-2.1.json');
    // 0.09999999999 < 0.1f (= 0.10000000149…) as doubles, but as float32 it IS 0.1f: not below → right (+1).
    // 0.0999999 as float32 is 0.0999998971…, below 0.1f → left (−1).
    // 0.3333333 as float32 is 0.3333333135…, below 0.33333334f → left (+0.25); 1/3 rounds onto it → right (−0.25).
    expect(Math.fround(0.09999999999)).toBe(Math.fround(0.1));
    const out = predict(
      ensemble,
      rows([0.09999999999, 0.3333333], [0.0999999, 1 / 3], [Math.fround(0.1), Number.NaN]),
    );
    // 1.5 + 1 + 0.25 = 2.75; 1.5 − 1 − 0.25 = 0.25; 1.5 + 1 + 0.25 (missing goes left) = 2.75.
    expect(Array.from(out)).toEqual([2.75, 0.25, 2.75]);
  });
});

describe('base_score in both forms', () => {
  it('reads "5E-1", "[5E-1]" and "[6.25E-1]" as float32', () => {
    expect(parseBaseScore('5E-1', 'm.json')).toBe(0.5);
    expect(parseBaseScore('[5E-1]', 'm.json')).toBe(0.5);
    expect(parseBaseScore('[6.25E-1]', 'm.json')).toBe(0.625);
    expect(parseBaseScore('1E-1', 'm.json')).toBe(Math.fround(0.1));
  });

  it('refuses several values and text that is not a number', () => {
    expect(() => parseBaseScore('[5E-1,5E-1]', 'm.json')).toThrow(
      'm.json: base_score has 2 values (one per output): models with several outputs are not supported',
    );
    expect(() => parseBaseScore('abc', 'm.json')).toThrow('m.json: base_score "abc" is not a number');
  });
});

describe('refusals name the thing and the file', () => {
  const refused = (change: (json: Json) => void) => {
    const json = fixture('binary-1.7.json');
    change(json);
    return () => ensembleFromXgboost(json, 'model.json');
  };

  it('multi-class', () => {
    expect(
      refused((j) => {
        j.learner.objective.name = 'multi:softprob';
        j.learner.learner_model_param.num_class = '3';
      }),
    ).toThrow('model.json: multi-class objective multi:softprob is not supported');
    expect(refused((j) => (j.learner.learner_model_param.num_class = '3'))).toThrow(
      'model.json: a multi-class model (num_class 3) is not supported',
    );
  });

  it('categorical splits', () => {
    expect(
      refused((j) => {
        const tree = j.learner.gradient_booster.model.trees[1];
        tree.split_type[2] = 1;
        tree.categories = [0, 2];
        tree.categories_nodes = [2];
        tree.categories_segments = [0];
        tree.categories_sizes = [2];
      }),
    ).toThrow('model.json: tree 1, node 2: a categorical split is not supported');
  });

  it('dart and gblinear boosters', () => {
    expect(
      refused((j) => {
        const gbtree = j.learner.gradient_booster;
        j.learner.gradient_booster = { name: 'dart', gbtree, weight_drop: [1, 0.5] };
      }),
    ).toThrow('model.json: the dart booster is not supported');
    expect(refused((j) => (j.learner.gradient_booster.model.weight_drop = [1, 0.5]))).toThrow(
      'model.json: the dart booster (trees weighted by weight_drop) is not supported',
    );
    // Beside the model, where XGBoost ≥ 3.4 may keep it for a dart model saved as "gbtree".
    expect(refused((j) => (j.learner.gradient_booster.weight_drop = [1, 0.7]))).toThrow(
      'model.json: the dart booster (trees weighted by weight_drop) is not supported',
    );
    // All-ones weights change nothing: predicted as plain trees.
    const json = fixture('binary-1.7.json');
    json.learner.gradient_booster.weight_drop = [1, 1];
    expect(ensembleFromXgboost(json, 'model.json').roots).toHaveLength(2);
    expect(
      refused((j) => {
        j.learner.gradient_booster = { name: 'gblinear', model: { weights: [0.1, 0.2, 0.3, 0] } };
      }),
    ).toThrow('model.json: the linear booster (gblinear) is not supported');
  });

  it('multi-target trees and models', () => {
    expect(
      refused((j) => (j.learner.gradient_booster.model.trees[0].tree_param.size_leaf_vector = '2')),
    ).toThrow('model.json: tree 0: a multi-target tree (size_leaf_vector 2) is not supported');
    expect(refused((j) => (j.learner.learner_model_param.num_target = '2'))).toThrow(
      'model.json: a multi-target model (num_target 2) is not supported',
    );
  });

  it('other objectives', () => {
    expect(refused((j) => (j.learner.objective.name = 'rank:ndcg'))).toThrow(
      'model.json: objective rank:ndcg (supported: binary:logistic, reg:logistic, reg:squarederror, reg:linear) is not supported',
    );
  });

  it('broken trees: arrays of the wrong length, a child outside the tree, a split on an unknown feature', () => {
    expect(refused((j) => j.learner.gradient_booster.model.trees[0].split_conditions.pop())).toThrow(
      'model.json: tree 0: split_conditions has 4 entries but tree_param.num_nodes is 5',
    );
    expect(refused((j) => (j.learner.gradient_booster.model.trees[1].right_children[2] = 9))).toThrow(
      'model.json: tree 1, node 2: its child 9 is not a node of this tree (it has 5)',
    );
    expect(refused((j) => (j.learner.gradient_booster.model.trees[0].split_indices[1] = 7))).toThrow(
      'model.json: tree 0, node 1: splits on feature 7, but the model has 3 features',
    );
    expect(refused((j) => (j.learner.gradient_booster.model.trees[0].left_children[1] = 1))).toThrow(
      'model.json: tree 0, node 1: its child 1 is reached twice: not a tree',
    );
  });

  it('a file that is not a model at all', () => {
    expect(() => loadModelFile('{"a": 1}', 'notes.json')).toThrow(
      'notes.json: neither a MarketBoss model file nor an XGBoost JSON model',
    );
    expect(() => loadModelFile('{"a": ', 'cut.json')).toThrow('cut.json: not a JSON file');
    expect(
      refused((j) => {
        delete j.learner.gradient_booster.model.trees[0].left_children;
      }),
    ).toThrow(
      'model.json: not an XGBoost JSON model: learner.gradient_booster.model.trees[0].left_children:',
    );
  });
});

describe('nodes deleted by the pruner', () => {
  it('are skipped: a tree with a node no parent points at predicts as if it were not there', () => {
    const json = fixture('binary-1.7.json');
    const tree = json.learner.gradient_booster.model.trees[0];
    // Node 5: what XGBoost leaves of a pruned node (split index 2³²−1, a leaf no parent points at).
    tree.tree_param.num_nodes = '6';
    tree.tree_param.num_deleted = '1';
    tree.left_children.push(-1);
    tree.right_children.push(-1);
    tree.parents.push(1);
    tree.split_indices.push(4294967295);
    tree.split_conditions.push(9);
    tree.default_left.push(0);
    tree.base_weights.push(0);
    tree.loss_changes.push(0);
    tree.sum_hessian.push(0);
    tree.split_type.push(0);
    const ensemble = ensembleFromXgboost(json, 'pruned.json');
    expect(ensemble.feature).toHaveLength(10);
    expect(predict(ensemble, rows(...BINARY_ROWS))).toEqual(
      predict(ensembleOf('binary-1.7.json'), rows(...BINARY_ROWS)),
    );
  });
});

describe('a model without trees', () => {
  it('(saved before any round, as 3.3 does) predicts base_score for every row', () => {
    const json = fixture('binary-3.1.json');
    json.version = [3, 3, 0];
    json.learner.gradient_booster.model.trees = [];
    json.learner.gradient_booster.model.tree_info = [];
    json.learner.gradient_booster.model.iteration_indptr = [0];
    json.learner.gradient_booster.model.gbtree_model_param.num_trees = '0';
    const ensemble = ensembleFromXgboost(json, 'empty.json');
    expect(Array.from(predict(ensemble, rows(...BINARY_ROWS)))).toEqual(BINARY_ROWS.map(() => 0.5));
  });
});
