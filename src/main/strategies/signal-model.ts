// The model an ml-signal strategy trades: a tree ensemble with the feature set its columns come from, the label it
// learned (its horizon is the default holding time) and the end of its training span (its age, for expiry). The
// service layer builds it from the registry's stored model file and hands it to the run (StrategyRun.resource);
// it is plain data, so it crosses to a backtest's worker thread as it is, and it is checked again on arrival.
import { z } from 'zod';
import {
  BOOSTER_OBJECTIVES,
  boosterParamsSchema,
  featureSetSchema,
  labelSpecSchema,
  modelIdSchema,
} from '../../shared/domain/ml';
import type { StrategyRun } from '../engine/strategy';
import type { TreeEnsemble } from '../ml/trees';
import { ConfigError } from './config-error';

const ensembleSchema = z.object({
  objective: z.enum(BOOSTER_OBJECTIVES),
  baseMargin: z.number(),
  featureNames: z.array(z.string()),
  roots: z.instanceof(Int32Array),
  feature: z.instanceof(Int32Array),
  threshold: z.instanceof(Float32Array),
  left: z.instanceof(Int32Array),
  right: z.instanceof(Int32Array),
  defaultLeft: z.instanceof(Uint8Array),
  value: z.instanceof(Float32Array),
  gain: z.instanceof(Float32Array),
  cover: z.instanceof(Float32Array),
});

export const signalModelSchema = z.object({
  id: modelIdSchema,
  ensemble: ensembleSchema,
  featureSet: featureSetSchema,
  label: labelSpecSchema.nullable(),
  /** Bar time (ms) of the last row the model trained on; null when unknown (an imported model): never stale. */
  trainedTo: z.number().nullable(),
  /** The settings it was trained with, reused by retraining; null: XGBoost's defaults. */
  params: boosterParamsSchema.nullable(),
});

export interface SignalModel {
  readonly id: string;
  readonly ensemble: TreeEnsemble;
  readonly featureSet: z.output<typeof featureSetSchema>;
  readonly label: z.output<typeof labelSpecSchema> | null;
  readonly trainedTo: number | null;
  readonly params: z.output<typeof boosterParamsSchema> | null;
}

/** Why a run cannot have the model `id`: the registry has no ready model of that id. */
export function missingModelMessage(id: string): string {
  if (id === '') return 'choose the model to trade (train or import one in Models)';
  return `model ${id} is not in the model registry (train or import it first)`;
}

/**
 * The model `modelId` names, as the run resolved it; a ConfigError on the params field when the run has none (the
 * service did not resolve it: the model is not in the registry) or what it has is not a model.
 */
export function modelForRun(modelId: string, run: StrategyRun | undefined, field = 'modelId'): SignalModel {
  if (run?.resource === undefined) {
    // Research cells and the backtest CLI load no models (yet): say so rather than blame the registry.
    throw new ConfigError(
      field,
      'this kind of run cannot load models; trade ml-signal in a backtest from the Backtests view or in a session',
    );
  }
  const found = run.resource('model', modelId);
  if (found === undefined) {
    throw new ConfigError(field, missingModelMessage(modelId));
  }
  const parsed = signalModelSchema.safeParse(found);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(field, `model ${modelId} is unusable: ${issue.path.join('.')}: ${issue.message}`);
  }
  if (parsed.data.id !== modelId) {
    throw new ConfigError(field, `the run resolved model ${modelId} to ${parsed.data.id}`);
  }
  return parsed.data;
}

/** A run's models by id: what StrategyRun.resource answers for 'model'. */
export function modelResources(models: readonly SignalModel[]): StrategyRun['resource'] {
  const byId = new Map(models.map((model) => [model.id, model]));
  return (kind, id) => (kind === 'model' ? byId.get(id) : undefined);
}

/** Every model id a run config's strategies name (ml-signal params, members of wrappers included), once each. */
export function modelIdsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) modelIdsIn(item, found);
  } else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (record.id === 'ml-signal' && typeof record.params === 'object' && record.params !== null) {
      const modelId = (record.params as Record<string, unknown>).modelId;
      if (typeof modelId === 'string') found.add(modelId);
    }
    for (const item of Object.values(record)) modelIdsIn(item, found);
  }
  return found;
}
