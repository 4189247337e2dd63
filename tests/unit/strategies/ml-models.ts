// Hand-built models for ml-signal tests: trees written out node by node, whose outputs are known exactly.

import { writeModelFile } from '../../../src/main/ml/model-file';
import type { TreeEnsemble } from '../../../src/main/ml/trees';
import type { Db } from '../../../src/main/store/database';
import { createModelRepo } from '../../../src/main/store/model-repo';
import type { SignalModel } from '../../../src/main/strategies/signal-model';
import type { FeatureSetInput, LabelSpec } from '../../../src/shared/domain/ml';
import { featureSetSchema } from '../../../src/shared/domain/ml';

/**
 * One stump on return_1 (the 1-bar log return): a rise or a flat bar (x ≥ 0) scores +`leaf`, a fall −`leaf`; a
 * missing return (the first bar) goes left, to −`leaf`. Binary logistic, base margin 0.
 */
export function returnStump(leaf = 1.5): TreeEnsemble {
  return {
    objective: 'binary:logistic',
    baseMargin: 0,
    featureNames: ['return_1'],
    roots: Int32Array.of(0),
    feature: Int32Array.of(0, -1, -1),
    threshold: Float32Array.of(0, 0, 0),
    left: Int32Array.of(1, -1, -1),
    right: Int32Array.of(2, -1, -1),
    defaultLeft: Uint8Array.of(1, 0, 0),
    value: Float32Array.of(0, -leaf, leaf),
    gain: Float32Array.of(1, 0, 0),
    cover: Float32Array.of(10, 5, 5),
  };
}

export function signalModel(
  id: string,
  ensemble: TreeEnsemble,
  options: { featureSet?: FeatureSetInput; label?: LabelSpec | null; trainedTo?: number | null } = {},
): SignalModel {
  return {
    id,
    ensemble,
    featureSet: featureSetSchema.parse(options.featureSet ?? { features: [{ kind: 'return', lag: 1 }] }),
    label: options.label === undefined ? { kind: 'forward-return', horizon: 3, threshold: 0 } : options.label,
    trainedTo: options.trainedTo ?? null,
    params: null,
  };
}

/**
 * Registers returnStump() under `id` as the registry stores a trained model (its row and its model file): feature
 * set return_1, label forward return over 3 bars, training data ending at `trainTo`.
 */
export function registerStumpIn(db: Db, id: string, trainTo: number): void {
  const ensemble = returnStump();
  const featureSet = featureSetSchema.parse({ features: [{ kind: 'return', lag: 1 }] });
  const label: LabelSpec = { kind: 'forward-return', horizon: 3, threshold: 0 };
  const span = { trainFrom: trainTo - 86_400_000, trainTo };
  createModelRepo(db).add(
    {
      id,
      name: 'stump on the last return',
      createdAt: Date.now(),
      origin: 'trained',
      objective: 'binary:logistic',
      symbol: 'ACME',
      featureSet,
      featureSetHash: null,
      featureNames: ensemble.featureNames,
      label,
      params: null,
      request: null,
    },
    {
      modelFile: writeModelFile({
        ensemble,
        origin: 'trained',
        symbol: 'ACME',
        featureSet,
        label,
        params: null,
        ...span,
        trainRows: 100,
      }),
      featureNames: ensemble.featureNames,
      trees: 1,
      ...span,
      folds: [],
      importance: [],
      calibration: [],
    },
  );
}
