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
  const layout = heapLayoutOf(ensemble);
  if (layout === null) walkMargins(ensemble, matrix, out);
  else heapMargins(ensemble, layout, matrix, out);
  return out;
}

/** The reference: each row walks each tree by leafOf (used for trees the fast layout cannot hold). */
function walkMargins(ensemble: TreeEnsemble, matrix: FeatureMatrix, out: Float64Array): void {
  const { roots, value } = ensemble;
  const { values, features } = matrix;
  const base = Math.fround(ensemble.baseMargin);
  for (let row = 0; row < matrix.rows; row++) {
    const offset = row * features;
    let sum = base;
    for (let t = 0; t < roots.length; t++) {
      sum = Math.fround(sum + (value[leafOf(ensemble, roots[t] as number, values, offset)] as number));
    }
    out[row] = sum;
  }
}

// The fast path. Each tree is laid out as a complete binary tree of its depth in heap order (node j's children are
// 2j + 1 and 2j + 2; a leaf above the bottom is repeated down to it), so a row descends by arithmetic alone:
// j = 2j + 2 − (x < threshold), with no branch to mispredict and no child pointer to load. A missing value takes its
// node's default direction because each block of rows is copied twice, NaN as −∞ (read by default-left nodes: it
// goes left of any finite threshold) and as +∞ (default-right nodes); every other value is compared as is, in
// float64, which is exact for float32 values and thresholds. Rows go through in blocks, feature-major inside a block,
// eight rows at a time per tree so their independent descents overlap in the CPU.
const BLOCK = 64;
const LANES = 8;
/** Deeper trees would grow too large when completed; they take the reference walk. */
const MAX_HEAP_DEPTH = 12;

interface HeapLayout {
  /** Per tree: depth, and where its inner nodes and its 2^depth leaves start. */
  readonly depth: Int32Array;
  readonly innerStart: Int32Array;
  readonly leafStart: Int32Array;
  /** Per inner node: where its feature sits in a block (feature × BLOCK, plus the +∞ copy for default right). */
  readonly slot: Int32Array;
  readonly threshold: Float64Array;
  readonly leafValue: Float64Array;
  /** Scratch for one block of rows (its two copies) and their sums, reused by every call (prediction is synchronous). */
  readonly block: Float64Array;
  readonly sums: Float64Array;
}

const layouts = new WeakMap<TreeEnsemble, HeapLayout | null>();

function heapLayoutOf(ensemble: TreeEnsemble): HeapLayout | null {
  let layout = layouts.get(ensemble);
  if (layout === undefined) {
    layout = buildHeapLayout(ensemble);
    layouts.set(ensemble, layout);
  }
  return layout;
}

/** A tree's depth, or −1 when deeper than MAX_HEAP_DEPTH (the bound also ends a walk round a malformed cycle). */
function depthOf(ensemble: TreeEnsemble, root: number): number {
  const stack: number[] = [root, 0];
  let deepest = 0;
  while (stack.length > 0) {
    const depth = stack.pop() as number;
    const node = stack.pop() as number;
    if (depth > MAX_HEAP_DEPTH) return -1;
    deepest = Math.max(deepest, depth);
    if ((ensemble.feature[node] as number) < 0) continue;
    stack.push(ensemble.left[node] as number, depth + 1, ensemble.right[node] as number, depth + 1);
  }
  return deepest;
}

function buildHeapLayout(ensemble: TreeEnsemble): HeapLayout | null {
  const { roots, feature, threshold, left, right, defaultLeft, value } = ensemble;
  const features = ensemble.featureNames.length;
  // ±∞ stand in for NaN only against finite thresholds.
  for (let n = 0; n < feature.length; n++) {
    if ((feature[n] as number) >= 0 && !Number.isFinite(threshold[n] as number)) return null;
  }
  const trees = roots.length;
  const depth = new Int32Array(trees);
  const innerStart = new Int32Array(trees);
  const leafStart = new Int32Array(trees);
  let inner = 0;
  let leaves = 0;
  for (let t = 0; t < trees; t++) {
    const d = depthOf(ensemble, roots[t] as number);
    if (d < 0) return null;
    depth[t] = d;
    innerStart[t] = inner;
    leafStart[t] = leaves;
    inner += 2 ** d - 1;
    leaves += 2 ** d;
  }
  const slot = new Int32Array(inner);
  const heapThreshold = new Float64Array(inner);
  const leafValue = new Float64Array(leaves);
  const stack: number[] = [];
  for (let t = 0; t < trees; t++) {
    const d = depth[t] as number;
    const bottom = 2 ** d - 1;
    stack.push(roots[t] as number, 0, 0);
    while (stack.length > 0) {
      const level = stack.pop() as number;
      const j = stack.pop() as number;
      const node = stack.pop() as number;
      if (level === d) {
        leafValue[(leafStart[t] as number) + j - bottom] = value[node] as number;
        continue;
      }
      const f = feature[node] as number;
      if (f < 0) {
        // A leaf above the bottom: both sides lead to copies of it, so the comparison here does not matter.
        stack.push(node, 2 * j + 1, level + 1, node, 2 * j + 2, level + 1);
        continue;
      }
      const at = (innerStart[t] as number) + j;
      slot[at] = f * BLOCK + (defaultLeft[node] === 1 ? 0 : features * BLOCK);
      heapThreshold[at] = threshold[node] as number;
      stack.push(left[node] as number, 2 * j + 1, level + 1, right[node] as number, 2 * j + 2, level + 1);
    }
  }
  const block = new Float64Array(2 * features * BLOCK);
  const sums = new Float64Array(BLOCK);
  return { depth, innerStart, leafStart, slot, threshold: heapThreshold, leafValue, block, sums };
}

/** One step down a heap-ordered tree: left child when x < threshold, else the right one. */
function below(j: number, x: number, threshold: number): number {
  return 2 * j + 2 - Number(x < threshold);
}

function heapMargins(ensemble: TreeEnsemble, layout: HeapLayout, matrix: FeatureMatrix, out: Float64Array) {
  const { depth, innerStart, leafStart, slot, threshold, leafValue, block, sums } = layout;
  const { values, features, rows } = matrix;
  const trees = depth.length;
  const copy = features * BLOCK;
  const base = Math.fround(ensemble.baseMargin);
  for (let start = 0; start < rows; start += BLOCK) {
    const count = Math.min(BLOCK, rows - start);
    for (let i = 0; i < count; i++) {
      const offset = (start + i) * features;
      for (let f = 0; f < features; f++) {
        const x = values[offset + f] as number;
        const missing = Number.isNaN(x);
        block[f * BLOCK + i] = missing ? Number.NEGATIVE_INFINITY : x;
        block[copy + f * BLOCK + i] = missing ? Number.POSITIVE_INFINITY : x;
      }
      sums[i] = base;
    }
    for (let t = 0; t < trees; t++) {
      const d = depth[t] as number;
      const first = innerStart[t] as number;
      const leaves = (leafStart[t] as number) - (2 ** d - 1);
      let i = 0;
      for (; i + LANES <= count; i += LANES) {
        let j0 = 0;
        let j1 = 0;
        let j2 = 0;
        let j3 = 0;
        let j4 = 0;
        let j5 = 0;
        let j6 = 0;
        let j7 = 0;
        for (let level = 0; level < d; level++) {
          j0 = below(j0, block[(slot[first + j0] as number) + i] as number, threshold[first + j0] as number);
          j1 = below(
            j1,
            block[(slot[first + j1] as number) + i + 1] as number,
            threshold[first + j1] as number,
          );
          j2 = below(
            j2,
            block[(slot[first + j2] as number) + i + 2] as number,
            threshold[first + j2] as number,
          );
          j3 = below(
            j3,
            block[(slot[first + j3] as number) + i + 3] as number,
            threshold[first + j3] as number,
          );
          j4 = below(
            j4,
            block[(slot[first + j4] as number) + i + 4] as number,
            threshold[first + j4] as number,
          );
          j5 = below(
            j5,
            block[(slot[first + j5] as number) + i + 5] as number,
            threshold[first + j5] as number,
          );
          j6 = below(
            j6,
            block[(slot[first + j6] as number) + i + 6] as number,
            threshold[first + j6] as number,
          );
          j7 = below(
            j7,
            block[(slot[first + j7] as number) + i + 7] as number,
            threshold[first + j7] as number,
          );
        }
        sums[i] = Math.fround((sums[i] as number) + (leafValue[leaves + j0] as number));
        sums[i + 1] = Math.fround((sums[i + 1] as number) + (leafValue[leaves + j1] as number));
        sums[i + 2] = Math.fround((sums[i + 2] as number) + (leafValue[leaves + j2] as number));
        sums[i + 3] = Math.fround((sums[i + 3] as number) + (leafValue[leaves + j3] as number));
        sums[i + 4] = Math.fround((sums[i + 4] as number) + (leafValue[leaves + j4] as number));
        sums[i + 5] = Math.fround((sums[i + 5] as number) + (leafValue[leaves + j5] as number));
        sums[i + 6] = Math.fround((sums[i + 6] as number) + (leafValue[leaves + j6] as number));
        sums[i + 7] = Math.fround((sums[i + 7] as number) + (leafValue[leaves + j7] as number));
      }
      for (; i < count; i++) {
        let j = 0;
        for (let level = 0; level < d; level++) {
          j = below(j, block[(slot[first + j] as number) + i] as number, threshold[first + j] as number);
        }
        sums[i] = Math.fround((sums[i] as number) + (leafValue[leaves + j] as number));
      }
    }
    for (let i = 0; i < count; i++) out[start + i] = sums[i] as number;
  }
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
