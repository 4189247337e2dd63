// Our gradient-boosted trees: XGBoost's `hist` algorithm (quantile bins, gradient/Hessian histograms, depth-wise
// trees with λ, γ, min_child_weight, learned default directions for missing values, row and column subsampling,
// shrinkage by eta) for binary:logistic and reg:squarederror, with early stopping on a validation set. Training is a
// pure function of (rows, labels, weights, params): the seed drives every random choice, so the same inputs give
// identical ensemble arrays. The trees are written as a TreeEnsemble and predicted by ml/trees.ts like any model.
import { type BoosterParams, boosterParamsSchema, type FeatureImportance } from '../../../shared/domain/ml';
import { seededRandom } from '../../../shared/random';
import { type FeatureMatrix, leafOf, type TreeEnsemble } from '../trees';
import { binMatrix, featureLabel } from './binning';
import { TreeGrower } from './grow';
import { checkLabels, gradientsAndLoss, startingMargin } from './objective';
import type { BoosterRunOptions, RoundEvaluation, TrainedBooster, TrainingSet } from './types';

export type { BoosterRunOptions, RoundEvaluation, TrainedBooster, TrainingSet } from './types';

/** The trees grown so far, in growable typed arrays with absolute node ids. */
class EnsembleArrays {
  private capacity = 1024;
  private treeCapacity = 64;
  nodes = 0;
  trees = 0;
  roots = new Int32Array(this.treeCapacity);
  feature = new Int32Array(this.capacity);
  threshold = new Float32Array(this.capacity);
  left = new Int32Array(this.capacity);
  right = new Int32Array(this.capacity);
  defaultLeft = new Uint8Array(this.capacity);
  value = new Float32Array(this.capacity);
  gain = new Float32Array(this.capacity);
  cover = new Float32Array(this.capacity);

  /** Appends the grower's tree; returns its root's absolute id. */
  append(tree: TreeGrower): number {
    const count = tree.nodeCount;
    this.reserve(this.nodes + count);
    if (this.trees === this.treeCapacity) {
      this.treeCapacity *= 2;
      this.roots = grown(this.roots, this.treeCapacity);
    }
    const base = this.nodes;
    for (let n = 0; n < count; n++) {
      const at = base + n;
      const f = tree.feature[n] as number;
      this.feature[at] = f;
      this.value[at] = tree.value[n] as number;
      this.cover[at] = tree.cover[n] as number;
      if (f >= 0) {
        this.threshold[at] = tree.threshold[n] as number;
        this.left[at] = base + (tree.left[n] as number);
        this.right[at] = base + (tree.left[n] as number) + 1;
        this.defaultLeft[at] = tree.defaultLeft[n] as number;
        this.gain[at] = tree.gain[n] as number;
      } else {
        this.threshold[at] = 0;
        this.left[at] = -1;
        this.right[at] = -1;
        this.defaultLeft[at] = 0;
        this.gain[at] = 0;
      }
    }
    this.nodes += count;
    this.roots[this.trees++] = base;
    return base;
  }

  /** The first `trees` trees as an ensemble (typed arrays of exactly their size). */
  ensemble(
    trees: number,
    objective: TreeEnsemble['objective'],
    baseMargin: number,
    featureNames: readonly string[],
  ): TreeEnsemble {
    const nodes = trees < this.trees ? (this.roots[trees] as number) : this.nodes;
    return {
      objective,
      baseMargin,
      featureNames: [...featureNames],
      roots: this.roots.slice(0, trees),
      feature: this.feature.slice(0, nodes),
      threshold: this.threshold.slice(0, nodes),
      left: this.left.slice(0, nodes),
      right: this.right.slice(0, nodes),
      defaultLeft: this.defaultLeft.slice(0, nodes),
      value: this.value.slice(0, nodes),
      gain: this.gain.slice(0, nodes),
      cover: this.cover.slice(0, nodes),
    };
  }

  private reserve(nodes: number): void {
    if (nodes <= this.capacity) return;
    while (this.capacity < nodes) this.capacity *= 2;
    this.feature = grown(this.feature, this.capacity);
    this.threshold = grown(this.threshold, this.capacity);
    this.left = grown(this.left, this.capacity);
    this.right = grown(this.right, this.capacity);
    this.defaultLeft = grown(this.defaultLeft, this.capacity);
    this.value = grown(this.value, this.capacity);
    this.gain = grown(this.gain, this.capacity);
    this.cover = grown(this.cover, this.capacity);
  }
}

function grown<T extends Int32Array | Float32Array | Uint8Array>(array: T, capacity: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(capacity);
  bigger.set(array);
  return bigger;
}

/** Refuses a set whose arrays do not fit together, naming what is off. */
function checkSet(set: TrainingSet, what: string, objective: BoosterParams['objective']): void {
  const { rows, features, values } = set.matrix;
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`the ${what} set has no rows`);
  if (values.length !== rows * features) {
    throw new Error(
      `the ${what} matrix holds ${values.length} values, ${rows} rows × ${features} features need ${rows * features}`,
    );
  }
  if (set.label.length !== rows) {
    throw new Error(`the ${what} set has ${rows} rows but ${set.label.length} labels`);
  }
  if (set.featureNames !== undefined && set.featureNames.length !== features) {
    throw new Error(
      `the ${what} set names ${set.featureNames.length} features but its matrix has ${features} columns`,
    );
  }
  checkLabels(objective, set.label, `${what} set`);
  const weight = set.weight;
  if (weight === undefined) return;
  if (weight.length !== rows)
    throw new Error(`the ${what} set has ${rows} rows but ${weight.length} weights`);
  for (let r = 0; r < rows; r++) {
    const w = weight[r] as number;
    if (!(w >= 0 && Number.isFinite(w))) {
      throw new Error(`${what} set row ${r + 1}: the weight is ${w}; weights must be 0 or more`);
    }
  }
}

/** Gain and cover of each feature's splits, summed over the trees (every feature listed, in column order). */
function importanceOf(ensemble: TreeEnsemble): FeatureImportance[] {
  const gain = new Float64Array(ensemble.featureNames.length);
  const cover = new Float64Array(ensemble.featureNames.length);
  const splits = new Int32Array(ensemble.featureNames.length);
  for (let n = 0; n < ensemble.feature.length; n++) {
    const f = ensemble.feature[n] as number;
    if (f < 0) continue;
    gain[f] = (gain[f] as number) + (ensemble.gain[n] as number);
    cover[f] = (cover[f] as number) + (ensemble.cover[n] as number);
    splits[f] = (splits[f] as number) + 1;
  }
  return ensemble.featureNames.map((feature, f) => ({
    feature,
    gain: gain[f] as number,
    cover: cover[f] as number,
    splits: splits[f] as number,
  }));
}

/** Adds the tree at `root` to the margins of the rows of `matrix`. */
function addTree(arrays: EnsembleArrays, root: number, matrix: FeatureMatrix, margins: Float32Array): void {
  const { values, features } = matrix;
  for (let r = 0; r < matrix.rows; r++) {
    margins[r] =
      (margins[r] as number) + (arrays.value[leafOf(arrays, root, values, r * features)] as number);
  }
}

/**
 * Trains gradient-boosted trees on `set` with XGBoost's settings. With `options.validation`, each round's loss on it
 * is reported and, when `params.earlyStoppingRounds` > 0, training stops once it has not improved for that many
 * rounds, keeping the trees up to the best round. Synchronous: callers run it on a worker thread.
 */
export function trainBooster(
  set: TrainingSet,
  params: BoosterParams,
  options: BoosterRunOptions = {},
): TrainedBooster {
  const settings = boosterParamsSchema.parse(params);
  const { objective } = settings;
  checkSet(set, 'training', objective);
  const { rows, features } = set.matrix;
  const validation = options.validation;
  if (validation !== undefined) {
    checkSet(validation, 'validation', objective);
    if (validation.matrix.features !== features) {
      throw new Error(
        `the validation set has ${validation.matrix.features} features, the training set ${features}`,
      );
    }
  }
  if (settings.earlyStoppingRounds > 0 && validation === undefined) {
    throw new Error(
      `early stopping after ${settings.earlyStoppingRounds} rounds needs a validation set to watch`,
    );
  }
  const featureNames = Array.from({ length: features }, (_, f) => featureLabel(set.featureNames, f));

  const binned = binMatrix(set.matrix, settings.maxBin, featureNames);
  const baseMargin = startingMargin(objective, set.label, set.weight, settings.baseScore);
  const margins = new Float32Array(rows).fill(baseMargin);
  const validationMargins = new Float32Array(validation?.matrix.rows ?? 0).fill(baseMargin);
  const gradHess = new Float32Array(2 * rows);
  const random = seededRandom(settings.seed);
  const next = () => random.next();
  const grower = new TreeGrower(binned, settings);
  const arrays = new EnsembleArrays();
  const evaluations: RoundEvaluation[] = [];

  gradientsAndLoss(objective, margins, set.label, set.weight, gradHess);
  let bestRound = -1;
  let bestLoss = Number.POSITIVE_INFINITY;
  let stoppedEarly = false;
  for (let round = 0; round < settings.rounds; round++) {
    options.signal?.throwIfAborted();
    grower.sampleFeatures(settings.colsample, next);
    grower.sampleRows(settings.subsample, next);
    grower.grow(gradHess);
    const root = arrays.append(grower);
    grower.addToMargins(margins);
    // The loss after this round, and the gradients for the next one, in one pass.
    const train = gradientsAndLoss(objective, margins, set.label, set.weight, gradHess);
    let evaluation: RoundEvaluation = { round, train };
    if (validation !== undefined) {
      addTree(arrays, root, validation.matrix, validationMargins);
      const loss = gradientsAndLoss(objective, validationMargins, validation.label, validation.weight, null);
      evaluation = { round, train, validation: loss };
      if (loss < bestLoss) {
        bestLoss = loss;
        bestRound = round;
      }
    }
    evaluations.push(evaluation);
    options.onRound?.(evaluation, settings.rounds);
    if (settings.earlyStoppingRounds > 0 && round - bestRound >= settings.earlyStoppingRounds) {
      stoppedEarly = true;
      break;
    }
  }
  const kept = stoppedEarly ? bestRound + 1 : arrays.trees;
  const ensemble = arrays.ensemble(kept, objective, baseMargin, featureNames);
  return { ensemble, rounds: kept, evaluations, importance: importanceOf(ensemble) };
}
