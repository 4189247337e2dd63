// The model registry's service: training runs (walk-forward folds on a worker, progress on 'ml-progress', cancel),
// XGBoost imports, the registry's list/get/delete, and a model's stored predictions for a run.
// A training request is checked whole first (data, symbol, enough bars for the folds); only then is the model's row
// recorded (status 'training') and its id returned, and the work goes on in a worker thread in the background.
import { randomBytes } from 'node:crypto';
import { problemsOf } from '../../shared/api/field-errors';
import { ApiFailure, badFields, type PushPublisher } from '../../shared/api/ports';
import type { BacktestDataRequest } from '../../shared/domain/backtest';
import type { BarSeries } from '../../shared/domain/bars';
import {
  type ModelDetail,
  type ModelImport,
  type ModelSummary,
  type PredictionSeries,
  type TrainingProgress,
  type TrainRequest,
  trainRequestSchema,
} from '../../shared/domain/ml';
import type { Logger } from '../log/logger';
import type { ModelRepo } from '../store/model-repo';
import {
  checkTrainingData,
  describeFeatures,
  type ModelReader,
  type ModelTrainer,
  type TrainingStep,
} from './model-training';

export interface ModelService {
  /** Checks the request whole, starts training and answers at once with the model id it will be stored under. */
  train(request: TrainRequest): Promise<{ readonly id: string }>;
  cancel(id: string): { readonly canceled: boolean };
  /** Reads the file off this thread (a large XGBoost model takes seconds), then records it. */
  import(request: ModelImport): Promise<ModelSummary>;
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

export interface ModelServiceDeps {
  readonly repo: ModelRepo;
  readonly pushes: PushPublisher;
  readonly log: Logger;
  /** Runs one training off this thread (the local executor's worker pool); aborting stops it. */
  readonly train: ModelTrainer;
  /** Reads a model file to import off this thread (the local executor's readModel). */
  readonly readModel: ModelReader;
  /** Resolves a request's data into bars; the user's mistakes are ApiFailures in their words. */
  readonly loadDataset: (data: BacktestDataRequest) => Promise<{ readonly series: readonly BarSeries[] }>;
  readonly now?: () => number;
  /** Fewest milliseconds between two progress pushes of a run within a stage (stage changes always go). */
  readonly progressEveryMs?: number;
}

export function newModelId(now: number): string {
  return `md-${now.toString(36)}-${randomBytes(4).toString('hex')}`;
}

const INTERRUPTED = 'interrupted: MarketBoss stopped during the training';

interface ActiveTraining {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createModelService(deps: ModelServiceDeps): ModelService {
  const { repo, pushes, log } = deps;
  const now = deps.now ?? Date.now;
  const progressEveryMs = deps.progressEveryMs ?? 250;
  const active = new Map<string, ActiveTraining>();

  const push = (progress: TrainingProgress): void => pushes.publish('ml-progress', progress);

  const stored = (id: string): ModelDetail => {
    const model = repo.get(id);
    if (!model) throw new ApiFailure('not-found', `no model ${id}`);
    return model;
  };

  /** The request's bars, checked against it: the symbol among the data's, enough bars for the folds and the label. */
  async function prepare(request: TrainRequest): Promise<readonly BarSeries[]> {
    if (request.data === undefined) {
      throw badFields([
        {
          path: 'request.data',
          message: 'say where the bars come from (synthetic, CSV files or Alpaca history)',
        },
      ]);
    }
    const { series } = await deps.loadDataset(request.data);
    const problem = checkTrainingData(series, request);
    if (problem !== null) throw badFields([{ path: `request.${problem.path}`, message: problem.message }]);
    return series;
  }

  function start(id: string, series: readonly BarSeries[], request: TrainRequest): void {
    const controller = new AbortController();
    const startedAt = now();
    let lastPush = Number.NEGATIVE_INFINITY;
    let lastStage: TrainingStep['stage'] | undefined;
    let steps = 0;
    const onProgress = (step: TrainingStep): void => {
      if (controller.signal.aborted) return;
      steps = step.total;
      const at = now();
      // A few pushes a second: a small model grows hundreds of trees a second.
      if (step.stage === lastStage && at - lastPush < progressEveryMs && step.done < step.total) return;
      lastPush = at;
      lastStage = step.stage;
      push({ trainingId: id, ...step });
    };
    push({ trainingId: id, stage: 'features', done: 0, total: 0 });
    const done = (async () => {
      try {
        const trained = await deps.train(series, request, { signal: controller.signal, onProgress });
        if (repo.finish(id, trained)) {
          push({ trainingId: id, stage: 'done', done: steps, total: steps });
          log.info('model trained', { id, ms: now() - startedAt, trees: trained.trees });
        }
      } catch (error) {
        if (controller.signal.aborted) return; // recorded by cancel or close
        const message = messageOf(error);
        repo.end(id, 'failed', message);
        push({ trainingId: id, stage: 'failed', done: 0, total: 0, message });
        log.error('model training failed', { id, error });
      } finally {
        active.delete(id);
      }
    })();
    active.set(id, { controller, done });
  }

  return {
    async train(input) {
      // The API parsed it already; the parse fills defaults for callers inside main (tests, other services).
      const parsed = trainRequestSchema.safeParse(input);
      if (!parsed.success) throw badFields(problemsOf(parsed.error, 'request'));
      const request = parsed.data;
      const series = await prepare(request);
      const createdAt = now();
      const id = newModelId(createdAt);
      repo.start({
        id,
        name: request.name || `${request.symbol} ${labelText(request)}`,
        createdAt,
        origin: 'trained',
        objective: request.params.objective,
        symbol: request.symbol,
        ...describeFeatures(request),
        label: request.label,
        params: request.params,
        request,
      });
      start(id, series, request);
      return { id };
    },

    cancel(id) {
      stored(id);
      const run = active.get(id);
      if (run === undefined) return { canceled: false };
      run.controller.abort();
      active.delete(id);
      repo.end(id, 'canceled', 'canceled by the user');
      push({ trainingId: id, stage: 'canceled', done: 0, total: 0 });
      return { canceled: true };
    },

    async import(request) {
      const outcome = await deps.readModel(request);
      if (!outcome.ok) throw badFields([{ path: outcome.path, message: outcome.message }]);
      const imported = outcome.model;
      const createdAt = now();
      const id = newModelId(createdAt);
      repo.add(
        {
          id,
          name: request.name,
          createdAt,
          origin: imported.origin,
          objective: imported.objective,
          symbol: null,
          featureSet: request.featureSet ?? null,
          featureSetHash: imported.featureSetHash,
          featureNames: imported.featureNames,
          label: null,
          params: null,
          request: null,
        },
        imported,
      );
      log.info('model imported', { id, origin: imported.origin, trees: imported.trees });
      return stored(id);
    },

    list() {
      return repo.list();
    },

    get(id) {
      return stored(id);
    },

    delete(id) {
      stored(id);
      if (active.has(id)) throw new ApiFailure('conflict', `model ${id} is still training; cancel it first`);
      return { deleted: repo.delete(id) };
    },

    predictions({ id, runId, sessionId }) {
      stored(id);
      const run =
        runId !== undefined
          ? ({ kind: 'backtest', id: runId } as const)
          : sessionId !== undefined
            ? ({ kind: 'session', id: sessionId } as const)
            : undefined;
      if (run === undefined) throw badFields([{ path: 'runId', message: 'give a runId or a sessionId' }]);
      return { modelId: id, ...repo.predictions(id, run) };
    },

    /** Shutdown: trainings still running are stopped and recorded as failed (cut short), not left 'training'. */
    async close() {
      const runs = [...active.entries()];
      for (const [id, run] of runs) {
        run.controller.abort();
        repo.end(id, 'failed', INTERRUPTED);
      }
      await Promise.all(runs.map(([, run]) => run.done));
    },
  };
}

function labelText(request: TrainRequest): string {
  const { label } = request;
  return label.kind === 'forward-return'
    ? `${label.horizon}-bar return > ${label.threshold}`
    : `barrier +${label.target}/−${label.stop} in ${label.horizon} bars`;
}
