// A tree ensemble as flat typed arrays, and its prediction. One representation for every model: trees our booster
// grows (ml/booster) and trees read from XGBoost's JSON (ml/xgboost-json.ts), so both predict through one path.
// Prediction follows XGBoost exactly: feature values and split conditions are float32, a row goes left when
// value < condition, a missing value (NaN) takes the node's default direction, leaf values are summed in float32
// onto the base margin, and binary:logistic's sigmoid is applied last.
import type { BoosterObjective } from '../../shared/domain/ml';

/** Rows × features, row-major, float32 as XGBoost reads them; NaN = missing. */
export interface FeatureMatrix {
  readonly rows: number;
  readonly features: number;
  readonly values: Float32Array;
}

/**
 * Every node of every tree, flat. Node ids are absolute (tree t's root is `roots[t]`). A leaf has `feature` −1 and
 * its output in `value`; an inner node has `feature` ≥ 0, `threshold`, `left`, `right` and `defaultLeft` (1 = a
 * missing value goes left). `gain` and `cover` are kept for importance (cover = the node's Hessian sum).
 */
export interface TreeEnsemble {
  readonly objective: BoosterObjective;
  /** Added to every row's tree sum, in margin space (logit for binary:logistic). */
  readonly baseMargin: number;
  readonly featureNames: readonly string[];
  readonly roots: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly defaultLeft: Uint8Array;
  readonly value: Float32Array;
  readonly gain: Float32Array;
  readonly cover: Float32Array;
}

export function treeCount(ensemble: TreeEnsemble): number {
  return ensemble.roots.length;
}

/** The arrays that route a row through a tree. */
export type TreeNodes = Pick<TreeEnsemble, 'feature' | 'threshold' | 'left' | 'right' | 'defaultLeft'>;

/**
 * The leaf a row reaches from `root`, by XGBoost's rule: `x < threshold` goes left, a missing value (NaN) follows the
 * node's default direction. The row's features are values[offset …].
 */
export function leafOf(nodes: TreeNodes, root: number, values: ArrayLike<number>, offset: number): number {
  const { feature, threshold, left, right, defaultLeft } = nodes;
  let node = root;
  let f = feature[node] as number;
  while (f >= 0) {
    const x = values[offset + f] as number;
    // NaN fails every comparison, so test it first: a missing value follows the learned default.
    if (Number.isNaN(x)) node = defaultLeft[node] === 1 ? (left[node] as number) : (right[node] as number);
    else node = x < (threshold[node] as number) ? (left[node] as number) : (right[node] as number);
    f = feature[node] as number;
  }
  return node;
}

/** Raw scores (margins): base margin + the trees' leaves, summed in float32 as XGBoost does. */
export function predictMargins(
  ensemble: TreeEnsemble,
  matrix: FeatureMatrix,
  out = new Float64Array(matrix.rows),
) {
  if (matrix.features !== ensemble.featureNames.length) {
    throw new Error(
      `the model reads ${ensemble.featureNames.length} features, the data has ${matrix.features} columns`,
    );
  }
  const { roots, value } = ensemble;
  const values = matrix.values;
  const width = matrix.features;
  const base = Math.fround(ensemble.baseMargin);
  for (let row = 0; row < matrix.rows; row++) {
    const offset = row * width;
    let sum = base;
    for (let t = 0; t < roots.length; t++) {
      sum = Math.fround(sum + (value[leafOf(ensemble, roots[t] as number, values, offset)] as number));
    }
    out[row] = sum;
  }
  return out;
}

/** float32 logistic, as XGBoost's binary:logistic transform computes it. */
export function sigmoid32(margin: number): number {
  return Math.fround(1 / Math.fround(1 + Math.fround(Math.exp(-margin))));
}

/** Predictions in output space: probabilities for binary:logistic, values for reg:squarederror. */
export function predict(ensemble: TreeEnsemble, matrix: FeatureMatrix, out = new Float64Array(matrix.rows)) {
  predictMargins(ensemble, matrix, out);
  if (ensemble.objective === 'binary:logistic') {
    for (let i = 0; i < out.length; i++) out[i] = sigmoid32(out[i] as number);
  }
  return out;
}

/** The margin a probability base score stands for (XGBoost's ProbToMargin for binary:logistic). */
export function baseMarginOf(objective: BoosterObjective, baseScore: number): number {
  if (objective !== 'binary:logistic') return baseScore;
  if (!(baseScore > 0 && baseScore < 1)) {
    throw new Error(
      `base_score ${baseScore} is not a probability between 0 and 1 (binary:logistic needs one)`,
    );
  }
  return Math.fround(-Math.log(Math.fround(1 / baseScore - 1)));
}

/** Builds a matrix from columns (one per feature, in the model's order); NaN stays NaN (missing). */
export function matrixFromColumns(columns: readonly ArrayLike<number>[], rows: number): FeatureMatrix {
  const width = columns.length;
  const values = new Float32Array(rows * width);
  for (let f = 0; f < width; f++) {
    const column = columns[f] as ArrayLike<number>;
    if (column.length < rows)
      throw new Error(`feature column ${f} has ${column.length} rows, ${rows} were expected`);
    for (let r = 0; r < rows; r++) values[r * width + f] = column[r] as number;
  }
  return { rows, features: width, values };
}
