// The model registry's service: training runs (walk-forward folds on a worker, progress on 'ml-progress', cancel),
// XGBoost imports, the registry's list/get/delete, and a model's stored predictions for a run.
import type {
  ModelDetail,
  ModelImport,
  ModelSummary,
  PredictionSeries,
  TrainRequest,
} from '../../shared/domain/ml';

export interface ModelService {
  /** Checks the request whole, starts training and answers at once with the model id it will be stored under. */
  train(request: TrainRequest): Promise<{ readonly id: string }>;
  cancel(id: string): { readonly canceled: boolean };
  import(request: ModelImport): ModelSummary;
  list(): readonly ModelSummary[];
  get(id: string): ModelDetail;
  delete(id: string): { readonly deleted: boolean };
  predictions(query: {
    readonly id: string;
    readonly runId?: string;
    readonly sessionId?: string;
  }): PredictionSeries;
  close(): Promise<void>;
}
