// Runs research cells on a pool of worker threads on this machine (piscina). The dataset is copied once into
// SharedArrayBuffers and every task carries views on them: postMessage shares a SharedArrayBuffer instead of copying
// it, so a 1M-bar dataset costs the same to send as an empty one, and each worker keeps the last dataset by id
// (research-worker.ts). Outcomes come back in job order whatever order the workers finish in.
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { BarSeries } from '../../shared/domain/bars';
import type { ModelImport, TrainRequest } from '../../shared/domain/ml';
import type { MonteCarloResult, MonteCarloSettings } from '../../shared/domain/research';
import type { CellJob, CellOutcome } from './cell';
import { type Dataset, ResearchCanceled, type ResearchExecutor, type RunOptions } from './executor';
import type { ImportOutcome, ModelReader, ModelTrainer, TrainedModel, TrainingStep } from './model-training';
import type { MonteCarloTask, ReadModelTask, ResearchTask, TrainModelTask } from './research-worker';

export interface LocalExecutorOptions {
  /** Worker threads; default cores − 1 (at least 1), leaving a core to the app and its live sessions. */
  readonly workers?: number;
  /**
   * The worker entry: the built research-worker.js beside the bundle, or the .ts source, loaded through tsx (tests,
   * tsx runs). Default: whichever of the two sits beside this module.
   */
  readonly workerScript?: string;
}

export interface LocalExecutor extends ResearchExecutor {
  readonly workers: number;
  /** The pool's live threads (tests check a canceled run leaves none at work). */
  readonly threads: readonly Worker[];
  /** A Monte Carlo on one of the pool's threads (it is one tight loop: one thread, never the caller's). */
  monteCarlo(
    pnl: readonly number[] | Float64Array,
    startEquity: number,
    settings: MonteCarloSettings,
  ): Promise<MonteCarloResult>;
  /** A model's walk-forward training on one of the pool's threads; its steps come back as they happen. */
  readonly trainModel: ModelTrainer;
  /** A model file to import, read on one of the pool's threads. */
  readonly readModel: ModelReader;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * The worker entry beside this module: the TypeScript source when running from sources (tests, tsx), else the built
 * research-worker.js of the bundle this module is in — beside it, or one folder up when the bundler put this module
 * in a shared chunk (out/main/chunks). Entry points pass the built file explicitly; this is the fallback.
 */
export function defaultResearchWorkerScript(): string {
  const candidates = [
    join(__dirname, 'research-worker.ts'),
    join(__dirname, 'research-worker.js'),
    join(__dirname, '..', 'research-worker.js'),
    // The command-line bundles (out/cli) use the app's build of it.
    join(__dirname, '..', 'main', 'research-worker.js'),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error(
      `the research worker is missing: none of ${candidates.join(', ')} exists (run npm run build)`,
    );
  }
  return found;
}

/** A .ts entry runs with tsx's require hook preloaded in the worker (as startWorker does for the backtest worker). */
function tsxExecArgv(script: string): string[] {
  return ['--require', createRequire(script).resolve('tsx/cjs')];
}

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/** The series with their columns in one SharedArrayBuffer each; series already shared are reused as they are. */
export function shareSeries(series: readonly BarSeries[]): BarSeries[] {
  return series.map((s) => {
    if (COLUMNS.every((field) => s[field].buffer instanceof SharedArrayBuffer)) return s;
    const buffer = new SharedArrayBuffer(s.length * COLUMNS.length * Float64Array.BYTES_PER_ELEMENT);
    const column = (index: number, source: Float64Array): Float64Array => {
      const shared = new Float64Array(buffer, index * s.length * Float64Array.BYTES_PER_ELEMENT, s.length);
      shared.set(source.subarray(0, s.length));
      return shared;
    };
    return {
      symbol: s.symbol,
      timeframe: s.timeframe,
      time: column(0, s.time),
      open: column(1, s.open),
      high: column(2, s.high),
      low: column(3, s.low),
      close: column(4, s.close),
      volume: column(5, s.volume),
      length: s.length,
    };
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createLocalExecutor(options: LocalExecutorOptions = {}): LocalExecutor {
  const workers = options.workers ?? defaultWorkers();
  if (!Number.isInteger(workers) || workers < 1) {
    throw new RangeError(`workers must be a whole number of at least 1, got ${workers}`);
  }
  const script = options.workerScript ?? defaultResearchWorkerScript();
  const pool = new Piscina<
    ResearchTask | MonteCarloTask | TrainModelTask | ReadModelTask,
    CellOutcome | MonteCarloResult | TrainedModel | ImportOutcome
  >({
    filename: script,
    minThreads: workers,
    maxThreads: workers,
    // Idle workers keep their dataset for the next run; they are unref'd, so they never hold the process open.
    idleTimeout: Number.POSITIVE_INFINITY,
    ...(script.endsWith('.ts') && { execArgv: [...process.execArgv, ...tsxExecArgv(script)] }),
  });
  // A worker that dies between tasks: the next task gets a fresh one; nothing to report to a run.
  pool.on('error', () => {});
  // The last dataset sent, so its columns are copied into shared memory once, not once per run.
  let shared: { readonly id: string; readonly series: readonly BarSeries[] } | undefined;

  const sharedDataset = (dataset: Dataset): readonly BarSeries[] => {
    if (shared?.id !== dataset.id) shared = { id: dataset.id, series: shareSeries(dataset.series) };
    return shared.series;
  };

  return {
    description: `local (${workers} worker${workers === 1 ? '' : 's'})`,
    workers,
    get threads() {
      return pool.threads;
    },
    async run(dataset: Dataset, jobs: readonly CellJob[], runOptions: RunOptions = {}) {
      const { signal, onProgress } = runOptions;
      if (signal?.aborted === true) throw new ResearchCanceled();
      const series = sharedDataset(dataset);
      // Stops the run's other jobs when the caller cancels or one job fails.
      const stop = new AbortController();
      // Every queued task listens to it (one listener per job, not a leak).
      setMaxListeners(jobs.length + 1, stop.signal);
      const onAbort = () => stop.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      let done = 0;
      let failure: Error | undefined;
      const pending = jobs.map((job) =>
        pool.run({ datasetId: dataset.id, series, job }, { signal: stop.signal }).then(
          (outcome) => {
            done++;
            onProgress?.({ done, total: jobs.length });
            return outcome as CellOutcome;
          },
          (error: unknown) => {
            if (!stop.signal.aborted) {
              failure = new Error(`research job ${job.key} failed in a worker: ${messageOf(error)}`);
              stop.abort();
            }
            return undefined;
          },
        ),
      );
      try {
        const outcomes = await Promise.all(pending);
        if (failure !== undefined) throw failure;
        // Aborted by the caller: the jobs not finished were dropped (queued ones never started).
        if (stop.signal.aborted) throw new ResearchCanceled();
        return outcomes as CellOutcome[];
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
    async monteCarlo(pnl, startEquity, settings) {
      const task: MonteCarloTask = {
        kind: 'monte-carlo',
        pnl: Float64Array.from(pnl),
        startEquity,
        settings,
      };
      return (await pool.run(task, { transferList: [task.pnl.buffer as ArrayBuffer] })) as MonteCarloResult;
    },
    async trainModel(series, request: TrainRequest, runOptions = {}) {
      const { signal, onProgress } = runOptions;
      if (signal?.aborted === true) throw new ResearchCanceled();
      // Steps come back over a port of their own: a task's only answer is its result.
      const channel = new MessageChannel();
      channel.port1.on('message', (step: TrainingStep) => onProgress?.(step));
      const task: TrainModelTask = {
        kind: 'train-model',
        series: shareSeries(series),
        request,
        progress: channel.port2,
      };
      try {
        // Aborting ends the worker thread at once (piscina replaces it; the run rejects with its AbortError): a tight
        // training loop never has to look.
        return (await pool.run(task, {
          transferList: [channel.port2],
          ...(signal !== undefined && { signal }),
        })) as TrainedModel;
      } finally {
        // A step still in flight is dropped: the service reports the end itself.
        channel.port1.close();
      }
    },
    async readModel(request: ModelImport) {
      const task: ReadModelTask = { kind: 'read-model', request };
      return (await pool.run(task)) as ImportOutcome;
    },
    async close() {
      shared = undefined;
      await pool.destroy();
    },
  };
}
