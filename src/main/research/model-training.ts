// What the model registry runs and reads: a training request checked against its bars before any work starts, the
// training itself (in a research worker: walk-forward folds, the final model, the look-ahead check, our canonical
// model file), and a model file to import (XGBoost's or ours) turned into a registry record.
import type { BarSeries } from '../../shared/domain/bars';
import type {
  BoosterObjective,
  FeatureImportance,
  FeatureSet,
  ModelImport,
  ModelOrigin,
  TrainingProgress,
  TrainRequest,
} from '../../shared/domain/ml';
import { featureSetHash } from '../ml/feature-set-hash';
import { FeatureSetError, featureNames } from '../ml/features';
import { FoldPlanError, walkForwardFolds } from '../ml/folds';
import { loadModelFile, ModelFileError, writeModelFile } from '../ml/model-file';
import type { TreeEnsemble } from '../ml/trees';
import { trainWalkForward } from '../ml/walk-forward-training';
import type { ModelOutcome } from '../store/model-repo';

/** One step of a training run, as the worker reports it (the service adds the run's id). */
export type TrainingStep = Omit<TrainingProgress, 'trainingId'>;

/** A finished training: the model file and how the model did, as the registry stores them. */
export type TrainedModel = ModelOutcome;

export interface TrainingOptions {
  /** Aborting stops the training (its worker thread ends) and rejects with ResearchCanceled. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (step: TrainingStep) => void;
}

/** Runs a training off the caller's thread: the local executor's trainModel. */
export type ModelTrainer = (
  series: readonly BarSeries[],
  request: TrainRequest,
  options?: TrainingOptions,
) => Promise<TrainedModel>;

/** A model file read for the registry: the record's fields and the canonical file to store. */
export interface ImportedModel extends ModelOutcome {
  readonly origin: ModelOrigin;
  readonly objective: BoosterObjective;
  readonly featureSetHash: string | null;
}

/** A model file read for the registry, or the user's mistake in it with the field at fault (`json`, `featureSet`). */
export type ImportOutcome =
  | { readonly ok: true; readonly model: ImportedModel }
  | { readonly ok: false; readonly path: 'json' | 'featureSet'; readonly message: string };

/** Reads a model file to import off the caller's thread: the local executor's readModel. */
export type ModelReader = (request: ModelImport) => Promise<ImportOutcome>;

/** A request's field at fault and what is wrong, in the user's words (the path is under the request). */
export interface RequestProblem {
  readonly path: string;
  readonly message: string;
}

/** The feature set's identity and columns, for the registry row written when training starts. */
export function describeFeatures(request: TrainRequest): {
  featureSet: FeatureSet;
  featureSetHash: string;
  featureNames: string[];
} {
  return {
    featureSet: request.featureSet,
    featureSetHash: featureSetHash(request.featureSet),
    featureNames: featureNames(request.featureSet),
  };
}

/**
 * What would make the training fail before it starts: the symbol or another symbol of the feature set missing from
 * the data, two columns of one name, too few bars for the folds with a purge of the label's horizon. Null: none.
 */
export function checkTrainingData(
  series: readonly BarSeries[],
  request: TrainRequest,
): RequestProblem | null {
  const symbols = series.map((s) => s.symbol);
  const primary = series.find((s) => s.symbol === request.symbol);
  if (primary === undefined) {
    return { path: 'symbol', message: `${request.symbol} is not in the data (it has ${symbols.join(', ')})` };
  }
  const missing = request.featureSet.symbols.filter((symbol) => !symbols.includes(symbol));
  if (missing.length > 0) {
    return {
      path: 'featureSet.symbols',
      message: `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the data (it has ${symbols.join(', ')})`,
    };
  }
  try {
    featureNames(request.featureSet);
  } catch (error) {
    if (error instanceof FeatureSetError) return { path: 'featureSet', message: error.message };
    throw error;
  }
  try {
    walkForwardFolds({
      start: 0,
      end: primary.length,
      folds: request.folds,
      mode: request.mode,
      purge: request.label.horizon,
    });
  } catch (error) {
    if (error instanceof FoldPlanError) return { path: 'folds', message: error.message };
    throw error;
  }
  return null;
}

/**
 * The training itself, as a research worker runs it: walk-forward folds, the final model on every row and the
 * look-ahead check (ml/walk-forward-training.ts), then our canonical model file. The request was checked against
 * these bars when it was accepted; what only the training can find (too few labelled rows, a leak) throws in words.
 */
export function trainModel(
  series: readonly BarSeries[],
  request: TrainRequest,
  onProgress: (step: TrainingStep) => void,
): TrainedModel {
  const primary = series.find((s) => s.symbol === request.symbol);
  if (primary === undefined) throw new Error(`${request.symbol} is not in the data`);
  const others = series.filter((s) => request.featureSet.symbols.includes(s.symbol));
  const result = trainWalkForward(request, { series: primary, others }, { onProgress });
  const modelFile = writeModelFile({
    ensemble: result.ensemble,
    origin: 'trained',
    symbol: request.symbol,
    featureSet: request.featureSet,
    label: request.label,
    params: request.params,
    trainFrom: result.trainFrom,
    trainTo: result.trainTo,
    trainRows: result.rows,
  });
  return {
    modelFile,
    featureNames: result.featureNames,
    trees: result.ensemble.roots.length,
    trainFrom: result.trainFrom,
    trainTo: result.trainTo,
    folds: result.folds,
    importance: result.importance,
    calibration: result.calibration,
  };
}

/** Gain, cover and split count of each feature, summed over the inner nodes of every tree; largest gain first. */
export function importanceOf(ensemble: TreeEnsemble): FeatureImportance[] {
  const gain = new Float64Array(ensemble.featureNames.length);
  const cover = new Float64Array(ensemble.featureNames.length);
  const splits = new Int32Array(ensemble.featureNames.length);
  for (let node = 0; node < ensemble.feature.length; node++) {
    const f = ensemble.feature[node]!;
    if (f < 0) continue;
    gain[f]! += ensemble.gain[node]!;
    cover[f]! += ensemble.cover[node]!;
    splits[f]!++;
  }
  return ensemble.featureNames
    .map((feature, f) => ({ feature, gain: gain[f]!, cover: cover[f]!, splits: splits[f]! }))
    .filter((row) => row.splits > 0)
    .sort((a, b) => b.gain - a.gain || a.feature.localeCompare(b.feature));
}

/** Names the columns one list has and the other lacks, for a refusal. */
function columnDifference(model: readonly string[], features: readonly string[]): string {
  const missing = features.filter((name) => !model.includes(name));
  const extra = model.filter((name) => !features.includes(name));
  const parts = [
    missing.length > 0 && `the feature set has ${missing.join(', ')}, which the model does not`,
    extra.length > 0 && `the model has ${extra.join(', ')}, which the feature set does not`,
  ].filter((part): part is string => part !== false);
  return parts.length > 0 ? parts.join('; ') : 'the columns are in another order';
}

/**
 * A model file's text (XGBoost's `save_model("model.json")` or ours) → the registry's record and our canonical file.
 * With a feature set, its columns must be the model's, in order (an XGBoost file without feature names takes the
 * set's names when the counts agree). A bad file is a ModelFileError naming the file; a mismatch names the columns.
 */
export function readImport(request: ModelImport): ImportedModel {
  const file = loadModelFile(request.json, request.name);
  let ensemble = file.ensemble;
  const featureSet = request.featureSet ?? file.featureSet;
  if (featureSet !== null) {
    const names = featureNames(featureSet);
    const unnamed = ensemble.featureNames.every((name, i) => name === `f${i}`);
    if (unnamed && names.length === ensemble.featureNames.length) {
      ensemble = { ...ensemble, featureNames: names };
    } else if (names.join('\u0000') !== ensemble.featureNames.join('\u0000')) {
      throw new ModelFileError(
        `${request.name}: the model's ${ensemble.featureNames.length} columns do not match the feature set's ${names.length}: ${columnDifference(ensemble.featureNames, names)}`,
      );
    }
  }
  const modelFile = writeModelFile({ ...file, ensemble, featureSet });
  return {
    origin: file.origin,
    objective: ensemble.objective,
    featureSetHash: featureSet === null ? null : featureSetHash(featureSet),
    modelFile,
    featureNames: ensemble.featureNames,
    trees: ensemble.roots.length,
    trainFrom: file.trainFrom,
    trainTo: file.trainTo,
    folds: [],
    importance: importanceOf(ensemble),
    calibration: [],
  };
}

/** readImport with the user's mistakes as data: an error's class does not survive the way back from a worker. */
export function importOutcome(request: ModelImport): ImportOutcome {
  try {
    return { ok: true, model: readImport(request) };
  } catch (error) {
    if (error instanceof ModelFileError) return { ok: false, path: 'json', message: error.message };
    if (error instanceof FeatureSetError) return { ok: false, path: 'featureSet', message: error.message };
    throw error;
  }
}
