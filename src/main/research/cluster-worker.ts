// A cluster worker: takes research cells from the BullMQ queue on Redis, runs them (runCell) and returns their
// outcomes. Any number run on any machine; each loads a dataset's blob from Redis once and keeps the last few.
// `npm run worker -- --redis redis://HOST:PORT [--concurrency N]` (cluster-worker-cli.ts is the entry).
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BarSeries } from '../../shared/domain/bars';
import { ConfigError } from '../strategies/run-config';
import { type CellJob, type CellOutcome, runCell } from './cell';
import { ComputePool } from './cluster-compute';
import {
  CELL_JOB,
  cellJobDataSchema,
  cellJobSchema,
  checkQueueName,
  checkRedisUrl,
  configErrorOfReason,
  configErrorReason,
  connectRedis,
  DEFAULT_QUEUE,
  datasetKey,
  decodeDataset,
  fromWire,
  RUN_JOB,
  shownRedisUrl,
  toWire,
} from './cluster-protocol';

export interface ClusterWorkerOptions {
  readonly redisUrl: string;
  readonly queueName?: string;
  /** Cells run at once, each on a compute thread of its own (with computeEntry; without it, one at a time). */
  readonly concurrency?: number;
  /**
   * The bundle file to start compute threads from (cluster-compute.ts): cells then run off the thread that renews
   * the queue's locks. Without it (in-process use) cells run on this thread, one at a time.
   */
  readonly computeEntry?: string;
  /**
   * How long a cell stays with this worker without a sign of life before another may take it; BullMQ's default 30 s.
   * Without compute threads a cell blocks the renewals: keep it above the longest cell's time then.
   */
  readonly lockMs?: number;
  /** How often this worker looks for cells whose worker died; BullMQ's default 30 s. */
  readonly stalledCheckMs?: number;
  /** Datasets kept in memory (the most recently used). */
  readonly keepDatasets?: number;
  readonly log?: (line: string) => void;
}

export interface ClusterWorker {
  readonly name: string;
  /** Finishes the cells in hand, then stops; `force` stops at once (those cells go to other workers). */
  close(force?: boolean): Promise<void>;
}

/** The last few datasets by id, each fetched from Redis once (concurrent cells of one dataset share the fetch). */
class DatasetCache {
  private readonly kept = new Map<string, Promise<BarSeries[]>>();

  constructor(
    private readonly redis: Redis,
    private readonly queueName: string,
    private readonly keep: number,
    private readonly shared: boolean,
    private readonly log: (line: string) => void,
  ) {}

  get(id: string): Promise<BarSeries[]> {
    const known = this.kept.get(id);
    if (known !== undefined) {
      this.kept.delete(id); // most recently used goes last
      this.kept.set(id, known);
      return known;
    }
    const loading = this.load(id);
    this.kept.set(id, loading);
    loading.catch(() => this.kept.delete(id));
    while (this.kept.size > this.keep) this.kept.delete(this.kept.keys().next().value!);
    return loading;
  }

  private async load(id: string): Promise<BarSeries[]> {
    const started = performance.now();
    const key = datasetKey(this.queueName, id);
    const blob = await this.redis.getBuffer(key);
    if (blob === null) throw new Error(`dataset ${id} is not in Redis (key ${key} expired or was deleted)`);
    const series = decodeDataset(blob, id, this.shared);
    const bars = series.reduce((n, s) => n + s.length, 0);
    this.log(
      `dataset ${id}: ${series.map((s) => s.symbol).join(', ')}, ${bars} bars, ${(blob.length / 1e6).toFixed(1)} MB loaded in ${Math.round(performance.now() - started)} ms`,
    );
    return series;
  }
}

export async function startClusterWorker(options: ClusterWorkerOptions): Promise<ClusterWorker> {
  const url = checkRedisUrl(options.redisUrl);
  const queueName = options.queueName ?? DEFAULT_QUEUE;
  const log = options.log ?? ((line: string) => console.log(line));
  const name = `${hostname()}:${process.pid}`;
  const redis = await connectRedis(url);
  const pool =
    options.computeEntry === undefined
      ? null
      : new ComputePool(options.computeEntry, options.concurrency ?? 1);
  const datasets = new DatasetCache(redis, queueName, options.keepDatasets ?? 3, pool !== null, log);

  const processCell = async (job: Job): Promise<unknown> => {
    if (job.name === RUN_JOB) {
      // The fan-in: BullMQ moves a run here once all its cells are done; the lab reads their values itself.
      log(`${job.id}: all cells done`);
      return { cells: job.data?.cells ?? null };
    }
    if (job.name !== CELL_JOB)
      throw new UnrecoverableError(`unknown job '${job.name}' on queue ${queueName}`);
    const data = cellJobDataSchema.safeParse(job.data);
    if (!data.success)
      throw new UnrecoverableError(`job ${job.id} is not a research cell: ${data.error.issues[0]?.message}`);
    const cell = cellJobSchema.safeParse(fromWire(data.data.cell));
    if (!cell.success)
      throw new UnrecoverableError(
        `job ${job.id} holds no research cell: ${cell.error.issues[0]?.path.join('.')}: ${cell.error.issues[0]?.message}`,
      );
    const series = await datasets.get(data.data.datasetId);
    const started = performance.now();
    let outcome: CellOutcome;
    let where = '';
    try {
      if (pool === null) outcome = runCell(series, cell.data as CellJob);
      else {
        const ran = await pool.run(series, cell.data as CellJob);
        outcome = ran.outcome;
        where = ` on thread ${ran.thread}`;
      }
    } catch (error) {
      // Deterministic: another try, here or elsewhere, would be refused the same way.
      if (error instanceof ConfigError) throw new UnrecoverableError(configErrorReason(error));
      throw error;
    }
    // attemptsStarted > 1: this cell was begun before (a worker died or failed on it) and runs again here.
    const again = job.attemptsStarted > 1 ? ` (start ${job.attemptsStarted}, retried)` : '';
    log(
      `${job.id}: ${outcome.error === null ? `final equity ${outcome.finalEquity?.toFixed(2)}` : `refused: ${outcome.error}`} in ${Math.round(performance.now() - started)} ms${where}${again}`,
    );
    return toWire(outcome);
  };

  const worker = new Worker(queueName, processCell, {
    connection: { url, maxRetriesPerRequest: null },
    prefix: 'bull',
    name,
    concurrency: pool === null ? 1 : (options.concurrency ?? 1),
    lockDuration: options.lockMs ?? 30_000,
    stalledInterval: options.stalledCheckMs ?? 30_000,
    // A cell whose worker died is given to another up to twice; past that the run fails naming the cell.
    maxStalledCount: 2,
    autorun: false,
  });
  worker.on('failed', (job, error) => {
    if (job === undefined) return;
    const reason = configErrorOfReason(error.message)?.message ?? error.message;
    log(`${job.id}: failed (attempt ${job.attemptsMade}): ${reason}`);
  });
  worker.on('error', (error) => log(`worker error: ${error.message}`));
  void worker.run();
  await worker.waitUntilReady();
  log(`worker ${name} takes research cells from queue '${queueName}' at ${shownRedisUrl(url)}`);

  let closing: Promise<void> | undefined;
  return {
    name,
    close(force = false) {
      const done = (): Promise<void> =>
        (pool?.close() ?? Promise.resolve()).finally(() => redis.disconnect());
      if (force) return worker.close(true).finally(done);
      closing ??= worker.close().finally(done);
      return closing;
    },
  };
}

const USAGE = `usage: npm run worker -- --redis redis://HOST:PORT [options]
  --redis <url>            the Redis the lab queues research cells on (redis://HOST:PORT[/DB])
  --concurrency <n>        cells at once, each on a thread of its own (default 1; at most one per core)
  --queue <name>           the queue to take cells from (default ${DEFAULT_QUEUE})
  --lock-ms <ms>           how long a cell stays with this worker without a sign of life (default 30000)
  --stalled-check-ms <ms>  how often to look for cells whose worker died (default 30000)
  --keep-datasets <n>      datasets kept in memory (default 3)`;

function wholeNumber(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new ConfigError(flag, `'${value}' is not a whole number ≥ ${min}`);
  return n;
}

export function parseWorkerArgs(argv: readonly string[]): ClusterWorkerOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      redis: { type: 'string' },
      concurrency: { type: 'string' },
      queue: { type: 'string' },
      'lock-ms': { type: 'string' },
      'stalled-check-ms': { type: 'string' },
      'keep-datasets': { type: 'string' },
    },
  });
  if (values.redis === undefined) throw new ConfigError('--redis', 'is required (redis://HOST:PORT)');
  try {
    checkRedisUrl(values.redis);
  } catch (error) {
    throw new ConfigError('--redis', (error as Error).message);
  }
  try {
    if (values.queue !== undefined) checkQueueName(values.queue);
  } catch (error) {
    throw new ConfigError('--queue', (error as Error).message);
  }
  return {
    redisUrl: values.redis,
    ...(values.queue !== undefined && { queueName: values.queue }),
    ...(values.concurrency !== undefined && {
      concurrency: wholeNumber('--concurrency', values.concurrency, 1),
    }),
    ...(values['lock-ms'] !== undefined && { lockMs: wholeNumber('--lock-ms', values['lock-ms'], 100) }),
    ...(values['stalled-check-ms'] !== undefined && {
      stalledCheckMs: wholeNumber('--stalled-check-ms', values['stalled-check-ms'], 100),
    }),
    ...(values['keep-datasets'] !== undefined && {
      keepDatasets: wholeNumber('--keep-datasets', values['keep-datasets'], 1),
    }),
  };
}

/** The command: exit 2 for bad flags (one line naming the flag), 1 when Redis cannot be reached, 0 after a stop. */
/**
 * The command: exit 2 for bad flags (one line naming the flag), 1 when Redis cannot be reached, 0 after a stop.
 * `entry` is the running bundle, which the compute threads start again.
 */
export async function runWorkerCli(argv: readonly string[], entry: string): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let options: ClusterWorkerOptions;
  try {
    options = parseWorkerArgs(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`config error: ${error.message}\n${USAGE}`);
      return 2;
    }
    if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') === true) {
      console.error(`config error: ${(error as Error).message.split('\n')[0]}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  // Signals are handled from the start: one arriving while the worker starts stops it as soon as it has.
  let worker: ClusterWorker | undefined;
  let stopping: NodeJS.Signals | undefined;
  let stopped: (code: number) => void = () => {};
  const exit = new Promise<number>((resolveExit) => {
    stopped = resolveExit;
  });
  const closeGracefully = (running: ClusterWorker): void => {
    void running.close().then(
      () => {
        console.log('stopped');
        stopped(0);
      },
      (error: unknown) => {
        console.error(`error while stopping: ${error instanceof Error ? error.message : String(error)}`);
        stopped(1);
      },
    );
  };
  const stop = (why: NodeJS.Signals): void => {
    if (stopping !== undefined) {
      console.log(`${why} again: stopping now; the cells in hand go back to the queue`);
      void (worker?.close(true) ?? Promise.resolve()).finally(() => stopped(1));
      return;
    }
    stopping = why;
    console.log(`${why}: finishing the cells in hand, then stopping (${why} again stops at once)`);
    if (worker !== undefined) closeGracefully(worker);
    // else: still starting; closed right after
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    worker = await startClusterWorker({ ...options, computeEntry: entry });
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)} (--redis)`);
    return 1;
  }
  if (stopping !== undefined) closeGracefully(worker);
  return exit;
}
