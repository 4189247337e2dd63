// What the booster takes and gives: the one training entry point every caller (the CLI's fit, walk-forward training,
// the ml-signal strategy's retraining, the training worker) goes through.
import type { FeatureImportance } from '../../../shared/domain/ml';
import type { FeatureMatrix, TreeEnsemble } from '../trees';

/** Rows to learn from: features (NaN = missing), labels (0/1 for binary:logistic), optional row weights. */
export interface TrainingSet {
  readonly matrix: FeatureMatrix;
  readonly label: Float32Array;
  readonly weight?: Float32Array;
  /** Column names, kept in the model (XGBoost's `f0, f1, …` when omitted). */
  readonly featureNames?: readonly string[];
}

export interface RoundEvaluation {
  readonly round: number;
  /** The objective's loss (log loss or RMSE) on the training rows and, when given, the validation rows. */
  readonly train: number;
  readonly validation?: number;
}

export interface BoosterRunOptions {
  /** Rows for early stopping and evaluation; never trained on. */
  readonly validation?: TrainingSet;
  /** After each round; training is synchronous, so callers run it on a worker thread. */
  readonly onRound?: (evaluation: RoundEvaluation, rounds: number) => void;
  /** Checked between rounds; an aborted signal stops training with an error. */
  readonly signal?: AbortSignal;
}

export interface TrainedBooster {
  readonly ensemble: TreeEnsemble;
  /** Rounds kept: all asked for, or the best round + 1 when early stopping ended it. */
  readonly rounds: number;
  readonly evaluations: readonly RoundEvaluation[];
  readonly importance: readonly FeatureImportance[];
}
