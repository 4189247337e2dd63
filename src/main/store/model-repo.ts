// The model registry and the predictions models made. A trained model's row exists from the moment its training
// starts, so a crash leaves a trace; its model file (our canonical JSON) arrives with the 'ready' status, in one
// update. Predictions are keyed by run, model and bar: saving a bar again keeps the first value, never a second row.
import type {
  BoosterObjective,
  BoosterParams,
  CalibrationBin,
  FeatureImportance,
  FeatureSet,
  FoldMetrics,
  LabelSpec,
  ModelDetail,
  ModelOrigin,
  ModelStatus,
  ModelSummary,
  TrainRequest,
} from '../../shared/domain/ml';
import type { Db } from './database';

/** What is known of a model when its row is written: a trained one's request, an import's file. */
export interface NewModel {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly origin: ModelOrigin;
  readonly objective: BoosterObjective;
  readonly symbol: string | null;
  readonly featureSet: FeatureSet | null;
  readonly featureSetHash: string | null;
  readonly featureNames: readonly string[];
  readonly label: LabelSpec | null;
  readonly params: BoosterParams | null;
  readonly request: TrainRequest | null;
}

/** What a finished training (or an import) adds: the model file and how the model did. */
export interface ModelOutcome {
  readonly modelFile: string;
  readonly featureNames: readonly string[];
  readonly trees: number;
  readonly trainFrom: number | null;
  readonly trainTo: number | null;
  readonly folds: readonly FoldMetrics[];
  readonly importance: readonly FeatureImportance[];
  readonly calibration: readonly CalibrationBin[];
}

/** The run a prediction was made in: a backtest run id, or a session id (its predictions span its restarts). */
export interface PredictionRun {
  readonly kind: 'backtest' | 'session';
  readonly id: string;
}

export interface Prediction {
  readonly time: number;
  readonly value: number;
}

interface ModelRow {
  id: string;
  name: string;
  created_at: number;
  origin: ModelOrigin;
  status: ModelStatus;
  error: string | null;
  objective: BoosterObjective;
  symbol: string | null;
  feature_set: string | null;
  feature_set_hash: string | null;
  feature_names: string;
  label: string | null;
  params: string | null;
  train_from: number | null;
  train_to: number | null;
  trees: number;
  mean_auc: number | null;
  folds: string;
  importance: string;
  calibration: string;
  request: string | null;
}

const SUMMARY_COLUMNS =
  'id, name, created_at, origin, status, error, objective, symbol, feature_set_hash, feature_names, train_from, train_to, trees, mean_auc';
const DETAIL_COLUMNS = `${SUMMARY_COLUMNS}, feature_set, label, params, folds, importance, calibration, request`;

type SummaryRow = Omit<
  ModelRow,
  'feature_set' | 'label' | 'params' | 'folds' | 'importance' | 'calibration' | 'request'
>;

function summaryOf(row: SummaryRow): ModelSummary {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    origin: row.origin,
    objective: row.objective,
    symbol: row.symbol,
    featureSetHash: row.feature_set_hash,
    featureNames: JSON.parse(row.feature_names) as string[],
    trainFrom: row.train_from,
    trainTo: row.train_to,
    trees: row.trees,
    meanAuc: row.mean_auc,
    status: row.status,
    error: row.error,
  };
}

const json = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));
const parsed = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

/** The folds' mean test AUC, over the folds that measured one. */
export function meanAucOf(folds: readonly FoldMetrics[]): number | null {
  const aucs = folds.map((f) => f.auc).filter((auc): auc is number => auc !== null && Number.isFinite(auc));
  return aucs.length === 0 ? null : aucs.reduce((sum, auc) => sum + auc, 0) / aucs.length;
}

export function createModelRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO models (id, name, created_at, origin, status, objective, symbol, feature_set, feature_set_hash,
       feature_names, label, params, request)
     VALUES (@id, @name, @createdAt, @origin, 'training', @objective, @symbol, @featureSet, @featureSetHash,
       @featureNames, @label, @params, @request)`,
  );
  const ready = db.prepare(
    `UPDATE models SET status = 'ready', model_file = @modelFile, feature_names = @featureNames, trees = @trees,
       train_from = @trainFrom, train_to = @trainTo, mean_auc = @meanAuc, folds = @folds, importance = @importance,
       calibration = @calibration
     WHERE id = @id AND status = 'training'`,
  );
  const endRun = db.prepare<[{ id: string; status: string; error: string }]>(
    "UPDATE models SET status = @status, error = @error WHERE id = @id AND status = 'training'",
  );
  const selectAll = db.prepare<[], SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM models ORDER BY created_at DESC, id DESC`,
  );
  const selectOne = db.prepare<[string], ModelRow>(`SELECT ${DETAIL_COLUMNS} FROM models WHERE id = ?`);
  const selectFile = db.prepare<[string], { model_file: Buffer }>(
    "SELECT model_file FROM models WHERE id = ? AND status = 'ready'",
  );
  const selectRequest = db.prepare<[string], { request: string | null }>(
    'SELECT request FROM models WHERE id = ?',
  );
  const deleteOne = db.prepare<[string]>("DELETE FROM models WHERE id = ? AND status != 'training'");
  const interruptAll = db.prepare<[]>(
    "UPDATE models SET status = 'failed', error = 'interrupted: MarketBoss stopped during the training' WHERE status = 'training'",
  );
  const insertPrediction = db.prepare<[string, string, string, number, number]>(
    `INSERT INTO predictions (model_id, run_kind, run_id, bar_time, value) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
  );
  const selectPredictions = db.prepare<[string, string, string], { bar_time: number; value: number }>(
    `SELECT bar_time, value FROM predictions WHERE run_kind = ? AND run_id = ? AND model_id = ? ORDER BY bar_time`,
  );
  const finishRun = (id: string, outcome: ModelOutcome): boolean =>
    ready.run({
      id,
      modelFile: Buffer.from(outcome.modelFile, 'utf8'),
      featureNames: JSON.stringify(outcome.featureNames),
      trees: outcome.trees,
      trainFrom: outcome.trainFrom,
      trainTo: outcome.trainTo,
      meanAuc: meanAucOf(outcome.folds),
      folds: JSON.stringify(outcome.folds),
      importance: JSON.stringify(outcome.importance),
      calibration: JSON.stringify(outcome.calibration),
    }).changes > 0;
  const startRun = (model: NewModel): void => {
    insert.run({
      id: model.id,
      name: model.name,
      createdAt: model.createdAt,
      origin: model.origin,
      objective: model.objective,
      symbol: model.symbol,
      featureSet: json(model.featureSet),
      featureSetHash: model.featureSetHash,
      featureNames: JSON.stringify(model.featureNames),
      label: json(model.label),
      params: json(model.params),
      request: json(model.request),
    });
  };

  return {
    /** A training run's row, status 'training', before any work starts. */
    start: startRun,
    /** The model file and the metrics together, status 'ready'; false when the run was canceled or deleted meanwhile. */
    finish: finishRun,
    end(id: string, status: 'failed' | 'canceled', error: string): boolean {
      return endRun.run({ id, status, error }).changes > 0;
    },
    /** An imported model: its row and its file in one transaction, ready at once. */
    add: db.transaction((model: NewModel, outcome: ModelOutcome): void => {
      startRun(model);
      finishRun(model.id, outcome);
    }),
    list(): ModelSummary[] {
      return selectAll.all().map(summaryOf);
    },
    get(id: string): ModelDetail | undefined {
      const row = selectOne.get(id);
      if (!row) return undefined;
      return {
        ...summaryOf(row),
        featureSet: parsed<FeatureSet>(row.feature_set),
        label: parsed<LabelSpec>(row.label),
        params: parsed<BoosterParams>(row.params),
        folds: JSON.parse(row.folds) as FoldMetrics[],
        importance: JSON.parse(row.importance) as FeatureImportance[],
        calibration: JSON.parse(row.calibration) as CalibrationBin[],
      };
    },
    /** The request a trained model was trained with (null for an import). */
    request(id: string): TrainRequest | null {
      return parsed<TrainRequest>(selectRequest.get(id)?.request ?? null);
    },
    /** The model file's text of a ready model; undefined while it trains, after a failure, or for an unknown id. */
    modelFile(id: string): string | undefined {
      return selectFile.get(id)?.model_file.toString('utf8');
    },
    /** Deletes a model and its predictions; a model still training stays (cancel it first). */
    delete(id: string): boolean {
      return deleteOne.run(id).changes > 0;
    },
    /** Start-up is recovery: a model still 'training' in the file was cut short by a shutdown, a crash or a kill. */
    markInterrupted(): number {
      return interruptAll.run().changes;
    },
    /** Stores a run's predictions; a bar already stored for this run and model keeps its first value. Returns how many were new. */
    savePredictions: db.transaction(
      (modelId: string, run: PredictionRun, predictions: readonly Prediction[]): number => {
        let added = 0;
        for (const p of predictions) {
          added += insertPrediction.run(modelId, run.kind, run.id, p.time, p.value).changes;
        }
        return added;
      },
    ),
    /** One run's predictions by one model, in bar order. */
    predictions(modelId: string, run: PredictionRun): { time: number[]; prediction: number[] } {
      const rows = selectPredictions.all(run.kind, run.id, modelId);
      return { time: rows.map((r) => r.bar_time), prediction: rows.map((r) => r.value) };
    },
  };
}

export type ModelRepo = ReturnType<typeof createModelRepo>;
