// Runs backtests one at a time in worker threads, records them in the store and reports progress as pushes.
import { randomBytes } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import type { PushPublisher } from '../../shared/api/ports';
import type { BacktestDataSpec, BacktestProgress } from '../../shared/domain/backtest';
import { startWorker } from '../feeds/worker-task';
import type { Logger } from '../log/logger';
import type { BacktestRepo } from '../store/backtest-repo';
import { checkStrategies } from '../strategies/market-builder';
import { type BacktestConfig, parseBacktestConfig } from '../strategies/run-config';
import { defaultRunName } from '../strategies/run-name';
import type { RunPredictions } from './backtest';
import type { BacktestJobRequest } from './backtest-job';
import type { WorkerMessage } from './backtest-worker';
import type { OptionsJobRequest } from './options-backtest-job';
import { type ModelAccess, resolveModels } from './signal-models';

export interface BacktestJobsOptions {
  readonly repo: BacktestRepo;
  readonly pushes: PushPublisher;
  readonly log: Logger;
  /** The built worker (out/main/backtest-worker.js), or the .ts source, loaded through tsx (tests, tsx runs). */
  readonly workerScript: string;
  readonly now?: () => number;
  /** The model registry: models that configs name are resolved from it, predictions stored in it. */
  readonly models?: ModelAccess;
}

export interface BacktestSubmission {
  readonly name?: string;
  readonly data: BacktestDataSpec;
  readonly config: unknown;
  /** Bars already read for the run (Alpaca history, CSV files read in a file worker); otherwise the worker reads `data` itself. */
  readonly bars?: BacktestJobRequest['bars'];
}

/** An options run (Phase 4D): checked and read in main, recorded under its own strategy id. */
export interface OptionsSubmission {
  readonly name: string;
  readonly data: BacktestDataSpec;
  readonly config: Readonly<Record<string, unknown>>;
  readonly strategyId: string;
  readonly request: OptionsJobRequest;
}

interface Job {
  readonly runId: string;
  readonly request: BacktestJobRequest | OptionsJobRequest;
  readonly startedAt: number;
  worker?: Worker;
  /** Set once the job's outcome is recorded, so a later worker event cannot record it again. */
  settled?: boolean;
}

/** The job's worker; bars read in main's workers move to it (a 50 MB file's columns are ~50 MB), not copied. */
function spawnWorker(script: string, request: BacktestJobRequest | OptionsJobRequest): Worker {
  const columns = (request.bars?.series ?? []).flatMap((s) => [
    s.time,
    s.open,
    s.high,
    s.low,
    s.close,
    s.volume,
  ]);
  return startWorker(script, request, [...new Set(columns.map((column) => column.buffer as ArrayBuffer))]);
}

export function newRunId(now: number): string {
  return `bt-${now.toString(36)}-${randomBytes(4).toString('hex')}`;
}

export function createBacktestJobs(options: BacktestJobsOptions) {
  const { repo, pushes, log } = options;
  const now = options.now ?? Date.now;
  const queue: Job[] = [];
  let running: Job | undefined;

  const report = (
    runId: string,
    status: BacktestProgress['status'],
    done: number,
    total: number,
    message?: string,
  ) =>
    pushes.publish('progress', {
      job: 'backtest',
      runId,
      status,
      done,
      total,
      ...(message !== undefined && { message }),
    });

  /** A finished run's predictions go to the registry under the run (a deleted run takes them along). */
  const storePredictions = (runId: string, predictions: readonly RunPredictions[]): void => {
    for (const series of predictions) {
      const rows = Array.from(series.time, (time, i) => ({ time, value: series.value[i]! }));
      options.models?.savePredictions(series.modelId, { kind: 'backtest', id: runId }, rows);
    }
  };

  const startNext = (): void => {
    if (running || queue.length === 0) return;
    const job = queue.shift()!;
    running = job;
    const worker = spawnWorker(options.workerScript, job.request);
    job.worker = worker;
    const settle = (): void => {
      job.settled = true;
      if (running === job) running = undefined;
      startNext();
    };
    worker.on('message', (message: WorkerMessage) => {
      if (job.settled) return;
      if (message.type === 'progress') {
        report(job.runId, 'running', message.done, message.total);
      } else if (message.type === 'done') {
        const finishedAt = now();
        const { predictions, ...outcome } = message.outcome;
        repo.finish(job.runId, { ...outcome, finishedAt, durationMs: finishedAt - job.startedAt });
        storePredictions(job.runId, predictions ?? []);
        const total = message.outcome.equityTime.length;
        report(job.runId, 'done', total, total);
        log.info('backtest finished', { runId: job.runId, ms: finishedAt - job.startedAt });
        void worker.terminate();
        settle();
      } else {
        repo.end(job.runId, 'failed', message.message, now());
        report(job.runId, 'failed', 0, 0, message.message);
        log.warn('backtest failed', { runId: job.runId, problem: message.message });
        void worker.terminate();
        settle();
      }
    });
    worker.on('error', (error) => {
      if (job.settled) return;
      repo.end(job.runId, 'failed', `the backtest worker crashed: ${error.message}`, now());
      report(job.runId, 'failed', 0, 0, error.message);
      log.error('backtest worker crashed', { runId: job.runId, error });
      settle();
    });
    worker.on('exit', (code) => {
      if (job.settled) return;
      // Exit without a result: terminated by cancel (already recorded) or killed by the OS (out of memory).
      repo.end(job.runId, 'failed', `the backtest worker stopped unexpectedly (exit code ${code})`, now());
      report(job.runId, 'failed', 0, 0, `worker exit ${code}`);
      settle();
    });
  };

  /** Records the run as running and queues its job. */
  const enqueue = (
    request: Job['request'],
    run: Omit<Parameters<BacktestRepo['start']>[0], 'id' | 'createdAt'>,
  ): string => {
    const createdAt = now();
    const runId = newRunId(createdAt);
    repo.start({ ...run, id: runId, createdAt });
    queue.push({ runId, request, startedAt: createdAt });
    report(runId, 'running', 0, 0);
    startNext();
    return runId;
  };

  return {
    /** Queues an options run whose data and params main has already checked. */
    submitOptions(submission: OptionsSubmission): string {
      const { request, ...run } = submission;
      return enqueue(request, run);
    },
    /** Validates the config (a ConfigError names the field), records the run, queues it; returns its id at once. */
    submit(submission: BacktestSubmission): string {
      const config: BacktestConfig = parseBacktestConfig(submission.config);
      checkStrategies(config, submission.data.symbols);
      const models = resolveModels(config, options.models);
      const createdAt = now();
      const runId = newRunId(createdAt);
      const strategyId = config.strategy.id;
      repo.start({
        id: runId,
        name:
          submission.name ??
          defaultRunName({
            strategy: config.strategy,
            strategies: config.strategies,
            symbols: submission.data.symbols,
            timeframe: submission.data.timeframe,
          }),
        createdAt,
        data: submission.data,
        config,
        strategyId,
      });
      const request: BacktestJobRequest = {
        data: submission.data,
        config,
        ...(submission.bars !== undefined && { bars: submission.bars }),
        ...(models.length > 0 && { models }),
      };
      queue.push({ runId, request, startedAt: createdAt });
      report(runId, 'running', 0, 0);
      startNext();
      return runId;
    },
    cancel(runId: string): boolean {
      const queued = queue.findIndex((job) => job.runId === runId);
      if (queued >= 0) queue.splice(queued, 1);
      else if (running?.runId !== runId) return false;
      repo.end(runId, 'canceled', 'canceled by the user', now());
      report(runId, 'canceled', 0, 0);
      if (running?.runId === runId) {
        const job = running;
        job.settled = true;
        running = undefined;
        void job.worker?.terminate();
        startNext();
      }
      return true;
    },
    isActive(runId: string): boolean {
      return running?.runId === runId || queue.some((job) => job.runId === runId);
    },
    /** Shutdown: unfinished runs are recorded as canceled, not left 'running'. */
    async close(): Promise<void> {
      for (const job of [...queue, ...(running ? [running] : [])]) {
        repo.end(job.runId, 'canceled', 'MarketBoss was closed during the run', now());
      }
      queue.length = 0;
      const job = running;
      running = undefined;
      if (job) {
        job.settled = true;
        await job.worker?.terminate();
      }
    },
  };
}

export type BacktestJobs = ReturnType<typeof createBacktestJobs>;
