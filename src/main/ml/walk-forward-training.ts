// Walk-forward training: a TrainRequest and a symbol's bars → fold metrics, the final model, its importance and
// calibration, checked for look-ahead. Pure and synchronous (the training worker and the CLI call it), with progress
// after every boosting round and cancel through an AbortSignal.
//
// Rows: bar i is a row when every feature is known from the warm-up on (the first bar with no missing feature) and
// its label is known. Folds cut the bars from the warm-up to the last labelled bar (folds.ts), purged by the label
// horizon. Each fold's model learns from its training rows only and is scored on its test rows; the final model
// learns from every row. Calibration pools the folds' out-of-sample predictions (the final model's in-sample ones
// would flatter it). The look-ahead self-test runs last, on the final model, and fails the training when it finds a
// leak.
import type { BarSeries } from '../../shared/domain/bars';
import type {
  CalibrationBin,
  FeatureImportance,
  FoldMetrics,
  TrainingProgress,
  TrainRequest,
} from '../../shared/domain/ml';
import { trainBooster } from './booster';
import type { TrainedBooster, TrainingSet } from './booster/types';
import { featureSetHash } from './feature-set-hash';
import { computeFeatures, type FeatureColumns } from './features';
import { type Fold, walkForwardFolds } from './folds';
import { labelsOf } from './labels';
import { checkLookAhead, LookAheadError, type LookAheadResult } from './look-ahead';
import { calibrationBins, classificationMetrics, rmse } from './metrics';
import type { ModelFile } from './model-file';
import { type FeatureMatrix, predict, type TreeEnsemble } from './trees';

export interface TrainingData {
  /** The request's symbol's bars. */
  readonly series: BarSeries;
  /** Bars of the feature set's other symbols. */
  readonly others?: readonly BarSeries[];
}

export interface WalkForwardOptions {
  /** Called at each stage and after every boosting round. */
  readonly onProgress?: (progress: Omit<TrainingProgress, 'trainingId'>) => void;
  /** Checked between rounds; aborting throws TrainingCanceledError. */
  readonly signal?: AbortSignal;
  /**
   * How the features are computed; default computeFeatures over the request's feature set. Every feature training
   * and the look-ahead check see comes from here (a test plants a leaky one to see the training fail).
   */
  readonly features?: (series: BarSeries, others: readonly BarSeries[]) => FeatureColumns;
}

export interface WalkForwardResult {
  readonly featureNames: readonly string[];
  readonly featureSetHash: string;
  /** The final model, trained on every row. */
  readonly ensemble: TreeEnsemble;
  readonly rounds: number;
  readonly folds: readonly FoldMetrics[];
  readonly importance: readonly FeatureImportance[];
  readonly calibration: readonly CalibrationBin[];
  /** Bar times of the final model's first and last training rows, and how many rows it learned from. */
  readonly trainFrom: number;
  readonly trainTo: number;
  readonly rows: number;
  readonly lookAhead: LookAheadResult;
}

/** The request cannot be trained on these bars (too few, a fold without both classes …); says which and why. */
export class TrainingInputError extends Error {}

export class TrainingCanceledError extends Error {
  constructor() {
    super('training canceled');
  }
}

/** The feature values of `rows` (bar indices), row-major float32 as the booster and predictor read them. */
export function matrixOfRows(features: FeatureColumns, rows: ArrayLike<number>): FeatureMatrix {
  const width = features.columns.length;
  const values = new Float32Array(rows.length * width);
  for (let f = 0; f < width; f++) {
    const column = features.columns[f]!;
    for (let r = 0; r < rows.length; r++) values[r * width + f] = column[rows[r]!]!;
  }
  return { rows: rows.length, features: width, values };
}

/** The first bar whose every feature is known: where the slowest feature's warm-up ends. */
export function warmUpEnd(features: FeatureColumns): number {
  for (let i = 0; i < features.length; i++) {
    if (features.columns.every((column) => !Number.isNaN(column[i]!))) return i;
  }
  return -1;
}

/** Bar indices in [from, to) whose label is known. */
export function labelledRows(labels: Float32Array, from: number, to: number): Int32Array {
  const rows: number[] = [];
  for (let i = from; i < to; i++) if (!Number.isNaN(labels[i]!)) rows.push(i);
  return Int32Array.from(rows);
}

function trainingSetOf(features: FeatureColumns, labels: Float32Array, rows: Int32Array): TrainingSet {
  return {
    matrix: matrixOfRows(features, rows),
    label: Float32Array.from(rows, (i) => labels[i]!),
    featureNames: features.names,
  };
}

export function trainWalkForward(
  request: TrainRequest,
  data: TrainingData,
  options: WalkForwardOptions = {},
): WalkForwardResult {
  const { series } = data;
  const others = data.others ?? [];
  const { params, label } = request;
  const binary = params.objective === 'binary:logistic';
  const report = options.onProgress ?? (() => {});
  const total = params.rounds * (request.folds + 1) + 1;
  let done = 0;
  const checkCanceled = () => {
    if (options.signal?.aborted) throw new TrainingCanceledError();
  };

  const compute =
    options.features ??
    ((s: BarSeries, o: readonly BarSeries[]) => computeFeatures(request.featureSet, s, o));
  report({ stage: 'features', done, total, message: `computing features over ${series.length} bars` });
  const features = compute(series, others);
  const labels = labelsOf(series, label, params.objective);
  const start = warmUpEnd(features);
  if (start < 0) {
    throw new TrainingInputError(
      `no bar of the ${series.length} has every feature: the data is shorter than the features' warm-up`,
    );
  }
  // A label reads `horizon` bars ahead, so the last labelled bar is horizon bars before the end.
  const end = series.length - label.horizon;
  let folds: Fold[];
  try {
    folds = walkForwardFolds({ start, end, folds: request.folds, mode: request.mode, purge: label.horizon });
  } catch (error) {
    throw new TrainingInputError(
      `${(error as Error).message} (the features' warm-up takes the first ${start} bars, the label horizon the last ${label.horizon})`,
    );
  }

  /** Trains on `rows`, holding out their last fifth (after a purge) for early stopping when it is asked for. */
  const trainOn = (rows: Int32Array, what: string): TrainedBooster => {
    const classes = new Set(Array.from(rows, (i) => labels[i]));
    if (rows.length === 0 || (binary && classes.size < 2)) {
      throw new TrainingInputError(
        `${what} has ${rows.length === 0 ? 'no labelled rows' : `only rows labelled ${[...classes][0]}`}: use more data, fewer folds or a lower threshold`,
      );
    }
    let train = rows;
    let validation: TrainingSet | undefined;
    if (params.earlyStoppingRounds > 0) {
      const cut = Math.floor(rows.length * 0.8);
      const validationStart = rows[cut]!;
      const kept = rows.filter((i) => i < validationStart - label.horizon);
      // Too few rows to hold some out: train on them all, without early stopping.
      if (kept.length > 0 && (!binary || new Set(Array.from(kept, (i) => labels[i])).size === 2)) {
        train = kept;
        validation = trainingSetOf(features, labels, rows.subarray(cut));
      }
    }
    const before = done;
    const trained = trainBooster(
      trainingSetOf(features, labels, train),
      validation === undefined ? { ...params, earlyStoppingRounds: 0 } : params,
      {
        ...(validation !== undefined && { validation }),
        ...(options.signal !== undefined && { signal: options.signal }),
        onRound: (evaluation) => {
          done = before + evaluation.round + 1;
          report({ stage: what === 'the final model' ? 'final' : 'folds', done, total, message: what });
        },
      },
    );
    checkCanceled();
    // Early stopping ends a run before its rounds: its steps count as done.
    done = before + params.rounds;
    return trained;
  };

  const foldMetrics: FoldMetrics[] = [];
  const pooledLabels: number[] = [];
  const pooledPredictions: number[] = [];
  for (const fold of folds) {
    checkCanceled();
    const trainRows = labelledRows(labels, fold.trainStart, fold.trainEnd);
    const testRows = labelledRows(labels, fold.testStart, fold.testEnd);
    const trained = runCancelable(() => trainOn(trainRows, `fold ${fold.fold}`), options.signal);
    const predictions = predict(trained.ensemble, matrixOfRows(features, testRows));
    const truth = Float32Array.from(testRows, (i) => labels[i]!);
    for (let r = 0; r < testRows.length; r++) {
      pooledLabels.push(truth[r]!);
      pooledPredictions.push(predictions[r]!);
    }
    const scores =
      binary && testRows.length > 0
        ? classificationMetrics(truth, predictions, request.threshold)
        : { auc: null, logLoss: null, accuracy: null, precision: null, recall: null };
    foldMetrics.push({
      fold: fold.fold,
      trainFrom: series.time[trainRows[0]!]!,
      trainTo: series.time[trainRows[trainRows.length - 1]!]!,
      testFrom: series.time[testRows[0] ?? fold.testStart]!,
      testTo: series.time[testRows[testRows.length - 1] ?? fold.testEnd - 1]!,
      trainRows: trainRows.length,
      testRows: testRows.length,
      ...scores,
      threshold: request.threshold,
      rmse: binary ? null : rmse(truth, predictions),
      rounds: trained.rounds,
    });
  }

  checkCanceled();
  const allRows = labelledRows(labels, start, end);
  const final = runCancelable(() => trainOn(allRows, 'the final model'), options.signal);

  report({ stage: 'look-ahead check', done, total, message: 'perturbing later bars' });
  const lookAhead = checkLookAhead({
    series,
    others,
    compute,
    predict: (columns) =>
      predict(
        final.ensemble,
        matrixOfRows(
          columns,
          Int32Array.from({ length: columns.length }, (_, i) => i),
        ),
      ),
  });
  if (!lookAhead.passed) throw new LookAheadError(lookAhead);
  done = total;
  report({ stage: 'done', done, total });

  return {
    featureNames: features.names,
    featureSetHash: featureSetHash(request.featureSet),
    ensemble: final.ensemble,
    rounds: final.rounds,
    folds: foldMetrics,
    importance: final.importance,
    calibration: binary ? calibrationBins(pooledLabels, pooledPredictions, 10) : [],
    trainFrom: series.time[allRows[0]!]!,
    trainTo: series.time[allRows[allRows.length - 1]!]!,
    rows: allRows.length,
    lookAhead,
  };
}

/** The booster's abort becomes our cancel error, whatever it throws. */
function runCancelable<T>(run: () => T, signal: AbortSignal | undefined): T {
  try {
    return run();
  } catch (error) {
    if (signal?.aborted) throw new TrainingCanceledError();
    throw error;
  }
}

/** What the registry stores and `npm run ml -- train` writes as model.json: the final model and how it was made. */
export function trainedModelFile(request: TrainRequest, result: WalkForwardResult): ModelFile {
  return {
    ensemble: result.ensemble,
    origin: 'trained',
    symbol: request.symbol,
    featureSet: request.featureSet,
    label: request.label,
    params: request.params,
    trainFrom: result.trainFrom,
    trainTo: result.trainTo,
    trainRows: result.rows,
  };
}
