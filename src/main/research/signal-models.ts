// The service layer's side of model-driven strategies: the model ids a run config names are resolved here, from the
// registry's stored model files, before the run starts (strategies are pure and cannot read the store), and what the
// strategies predicted is stored back under the run. Backtest jobs and the session service both use it.
import { loadModelFile } from '../ml/model-file';
import type { ModelRepo, Prediction, PredictionRun } from '../store/model-repo';
import { ConfigError } from '../strategies/config-error';
import type { BacktestConfig } from '../strategies/run-config';
import { missingModelMessage, modelIdsIn, type SignalModel } from '../strategies/signal-model';

/** The registry as runs see it: a stored model ready to trade, and where predictions go. */
export interface ModelAccess {
  /** The model with this id, ready to trade; undefined when the registry has no ready model of that id. */
  model(id: string): SignalModel | undefined;
  /** Stores a run's predictions; a bar stored before keeps its first value (so a replay adds nothing twice). */
  savePredictions(modelId: string, run: PredictionRun, predictions: readonly Prediction[]): number;
}

/** Where in a config the model id sits, for the error: the run's strategy, else the symbol's own. */
function fieldOf(config: BacktestConfig, id: string): string {
  if (modelIdsIn(config.strategy).has(id)) return 'strategy.params.modelId';
  const symbol = Object.keys(config.strategies).find((s) => modelIdsIn(config.strategies[s]).has(id));
  return symbol === undefined ? 'strategy.params.modelId' : `strategies.${symbol}.params.modelId`;
}

/**
 * Every model the config's strategies name, from the registry; a ConfigError naming the field when one is not there
 * (or cannot trade). Empty for a config without model-driven strategies.
 */
export function resolveModels(config: BacktestConfig, access: ModelAccess | undefined): SignalModel[] {
  const ids = modelIdsIn({ strategy: config.strategy, strategies: config.strategies });
  return [...ids].map((id) => {
    let model: SignalModel | undefined;
    try {
      model = access?.model(id);
    } catch (error) {
      throw new ConfigError(fieldOf(config, id), error instanceof Error ? error.message : String(error));
    }
    if (model === undefined) throw new ConfigError(fieldOf(config, id), missingModelMessage(id));
    return model;
  });
}

/** The registry's models and predictions for runs. */
export function registryModels(repo: ModelRepo): ModelAccess {
  return {
    model(id) {
      const detail = repo.get(id);
      if (detail === undefined || detail.status !== 'ready') return undefined;
      const text = repo.modelFile(id);
      if (text === undefined) return undefined;
      const file = loadModelFile(text, `model ${id}`);
      const featureSet = detail.featureSet ?? file.featureSet;
      if (featureSet === null) {
        throw new Error(
          `model ${id} has no feature set (imported without one), so no strategy can compute its inputs; import it again with its feature set`,
        );
      }
      return {
        id,
        ensemble: file.ensemble,
        featureSet,
        label: detail.label ?? file.label,
        trainedTo: detail.trainTo ?? file.trainTo,
        params: detail.params ?? file.params,
      };
    },
    savePredictions: (modelId, run, predictions) => repo.savePredictions(modelId, run, predictions),
  };
}
