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
import {
  CELL_JOB,
  cellJobDataSchema,
  checkRedisUrl,
  configErrorOfReason,
  configErrorReason,
  connectRedis,
  DEFAULT_QUEUE,
  datasetKey,
  decodeDataset,
  RUN_JOB,
  toWire,
} from './cluster-protocol';

export interface ClusterWorkerOptions {
  readonly redisUrl: string;
  readonly queueName?: string;
  /** Cells in flight at once in this process (they share its one thread: more than 1 only overlaps the I/O). */
  readonly concurrency?: number;
  /** How long a worker holds a cell before another may take it (renewed while alive); BullMQ's default 30 s. */
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
    const series = decodeDataset(blob, id);
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
  const datasets = new DatasetCache(redis, queueName, options.keepDatasets ?? 3, log);

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
    const series = await datasets.get(data.data.datasetId);
    const started = performance.now();
    let outcome: CellOutcome;
    try {
      outcome = runCell(series, data.data.cell as unknown as CellJob);
    } catch (error) {
      // Deterministic: another try, here or elsewhere, would be refused the same way.
      if (error instanceof ConfigError) throw new UnrecoverableError(configErrorReason(error));
      throw error;
    }
    // attemptsStarted > 1: this cell was begun before (a worker died or failed on it) and runs again here.
    const again = job.attemptsStarted > 1 ? ` (start ${job.attemptsStarted}, retried)` : '';
    log(
      `${job.id}: ${outcome.error === null ? `final equity ${outcome.finalEquity}` : `refused: ${outcome.error}`} in ${Math.round(performance.now() - started)} ms${again}`,
    );
    return toWire(outcome);
  };

  const worker = new Worker(queueName, processCell, {
    connection: { url, maxRetriesPerRequest: null },
    prefix: 'bull',
    name,
    concurrency: options.concurrency ?? 1,
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
  log(
    `worker ${name} takes research cells from queue '${queueName}' at ${url} (concurrency ${options.concurrency ?? 1})`,
  );

  let closing: Promise<void> | undefined;
  return {
    name,
    close(force = false) {
      if (force) return worker.close(true).finally(() => redis.disconnect());
      closing ??= worker.close().finally(() => redis.disconnect());
      return closing;
    },
  };
}

const USAGE = `usage: npm run worker -- --redis redis://HOST:PORT [options]
  --redis <url>            the Redis the lab queues research cells on (redis://HOST:PORT[/DB])
  --concurrency <n>        cells in flight at once (default 1; start one worker per core for CPU)
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
  if (values.queue !== undefined && (values.queue === '' || values.queue.includes(':')))
    throw new ConfigError('--queue', `'${values.queue}' is not a queue name (not empty, no ':')`);
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
export async function runWorkerCli(argv: readonly string[]): Promise<number> {
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
  let worker: ClusterWorker;
  try {
    worker = await startClusterWorker(options);
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)} (--redis)`);
    return 1;
  }
  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        console.log(`${signal} again: stopping now; the cells in hand go back to the queue`);
        void worker.close(true).finally(() => resolveExit(1));
        return;
      }
      stopping = true;
      console.log(`${signal}: finishing the cells in hand, then stopping (${signal} again stops at once)`);
      void worker.close().then(
        () => {
          console.log('stopped');
          resolveExit(0);
        },
        (error: unknown) => {
          console.error(`error while stopping: ${error instanceof Error ? error.message : String(error)}`);
          resolveExit(1);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
