// Runs research cells on a cluster: BullMQ on Redis, worker processes (`npm run worker -- --redis URL`) on any
// machine. The dataset goes to Redis once, as a binary blob keyed by its content id (workers fetch it once and keep
// it); each cell is one job, all of a run's cells are the children of one BullMQ flow whose parent completes when
// every cell has — the fan-in. A worker killed mid-cell leaves a stalled job that BullMQ hands to another worker;
// cells are pure, so the outcome is the same wherever and however often a cell ran.
import { randomBytes } from 'node:crypto';
import { FlowProducer, Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { CellJob, CellOutcome } from './cell';
import {
  CELL_JOB,
  type CellJobData,
  cellOutcomeWireSchema,
  checkQueueName,
  checkRedisUrl,
  configErrorOfReason,
  connectRedis,
  DEFAULT_QUEUE,
  datasetKey,
  encodeDataset,
  fromWire,
  RUN_JOB,
  shownRedisUrl,
  toWire,
} from './cluster-protocol';
import {
  type Dataset,
  type ExecutorProgress,
  ResearchCanceled,
  type ResearchExecutor,
  type RunOptions,
} from './executor';

export interface BullmqExecutorOptions {
  /** redis://HOST:PORT[/DB] */
  readonly redisUrl: string;
  /** The queue the workers listen on (their --queue); default 'marketboss-research'. */
  readonly queueName?: string;
  /** Tries per cell before the run fails (a thrown error; a stalled worker is retried by BullMQ on its own). */
  readonly attempts?: number;
  /** How long a dataset blob stays in Redis after the last run that used it; default a day. */
  readonly datasetTtlSeconds?: number;
  /** Refuse a run when no worker listens on the queue (instead of waiting for one); default true. */
  readonly requireWorkers?: boolean;
}

// BullMQ's key prefix (its default); the events stream of a queue is `${PREFIX}:${queue}:events`.
const PREFIX = 'bull';
const DAY_SECONDS = 24 * 3600;
/** How long a canceled or failed run's leftovers are waited for before the parent's age limit is left to them. */
const LEFTOVER_WAIT_MS = 10 * 60_000;

interface Connected {
  readonly redis: Redis;
  readonly queue: Queue;
  readonly flows: FlowProducer;
  readonly events: QueueEvents;
}

/** A run's id: its cells' job ids are `${runId}-${key}`, so a retried cell stays the same job. */
const newRunId = (): string => `run-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
// BullMQ job ids may not contain ':' (its key separator) nor be plain integers (the run id prefix sees to that).
const cellJobId = (runId: string, key: string): string => `${runId}-${encodeURIComponent(key)}`;

function abortPromise(signal: AbortSignal | undefined): { promise: Promise<never>; dispose(): void } {
  if (signal === undefined) return { promise: new Promise<never>(() => {}), dispose() {} };
  let onAbort = (): void => {};
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(new ResearchCanceled());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

export function createBullmqExecutor(options: BullmqExecutorOptions): ResearchExecutor {
  const url = checkRedisUrl(options.redisUrl);
  const queueName = checkQueueName(options.queueName ?? DEFAULT_QUEUE);
  const shown = shownRedisUrl(url);
  const attempts = options.attempts ?? 3;
  const ttl = options.datasetTtlSeconds ?? DAY_SECONDS;
  let connecting: Promise<Connected> | undefined;
  // Removals waiting for a canceled or failed run's last held cells to finish.
  const leftovers = new Set<Promise<void>>();
  let closed = false;

  async function connect(): Promise<Connected> {
    const redis = await connectRedis(url);
    const connection = { url, maxRetriesPerRequest: null };
    // Listen from the events stream's current end, so no cell finishing after this point goes unseen.
    const last = (await redis.xrevrange(`${PREFIX}:${queueName}:events`, '+', '-', 'COUNT', 1))[0]?.[0];
    const events = new QueueEvents(queueName, { connection, prefix: PREFIX, lastEventId: last ?? '0-0' });
    const queue = new Queue(queueName, { connection, prefix: PREFIX });
    const flows = new FlowProducer({ connection, prefix: PREFIX });
    events.on('error', () => {});
    queue.on('error', () => {});
    flows.on('error', () => {});
    await Promise.all([events.waitUntilReady(), queue.waitUntilReady(), flows.waitUntilReady()]);
    return { redis, queue, flows, events };
  }

  /** The dataset's blob in Redis: uploaded when absent, its time to live renewed when present. */
  async function ensureDataset(redis: Redis, dataset: Dataset): Promise<void> {
    const key = datasetKey(queueName, dataset.id);
    if ((await redis.expire(key, ttl)) === 1) return;
    await redis.set(key, encodeDataset(dataset.series), 'EX', ttl, 'NX');
  }

  /** Why the run failed: the first failed cell's reason (BullMQ's parent failure only names the child's key). */
  async function failureOf(
    c: Connected,
    runId: string,
    jobs: readonly CellJob[],
    cause: unknown,
  ): Promise<Error> {
    let failure: Error | undefined;
    for (const job of jobs) {
      const failed = await Job.fromId(c.queue, cellJobId(runId, job.key));
      if (!failed?.failedReason || (await failed.getState()) !== 'failed') continue;
      failure ??=
        configErrorOfReason(failed.failedReason) ??
        new Error(
          `cell ${job.key} failed on the cluster after ${failed.attemptsMade} attempt(s): ${failed.failedReason}`,
        );
      // The reason now travels with the error; the job would only clutter the queue.
      await failed.remove().catch(() => {});
    }
    return (
      failure ??
      new Error(`the run failed on the cluster: ${cause instanceof Error ? cause.message : String(cause)}`)
    );
  }

  /** Drops what is left of a run: waiting cells go; cells workers hold finish, then the run goes too. */
  async function removeRun(c: Connected, runId: string): Promise<void> {
    const parent = await Job.fromId(c.queue, runId);
    if (parent === undefined) return;
    await parent.removeUnprocessedChildren();
    // 0 while a worker holds one of its cells (or the run itself, whose last cell just finished).
    if ((await c.queue.remove(runId, { removeChildren: true })) === 1) return;
    const later = (async () => {
      const until = Date.now() + LEFTOVER_WAIT_MS;
      while (!closed && Date.now() < until) {
        await new Promise((wait) => setTimeout(wait, 250));
        if ((await c.queue.remove(runId, { removeChildren: true })) === 1) return;
        if ((await Job.fromId(c.queue, runId)) === undefined) return;
      }
    })()
      .catch(() => {})
      .finally(() => leftovers.delete(later));
    leftovers.add(later);
  }

  return {
    description: `bullmq at ${shown} (queue ${queueName})`,

    async run(
      dataset: Dataset,
      jobs: readonly CellJob[],
      runOptions: RunOptions = {},
    ): Promise<CellOutcome[]> {
      const { signal, onProgress } = runOptions;
      const keys = new Set<string>();
      for (const job of jobs) {
        if (keys.has(job.key)) throw new Error(`two research jobs share the key '${job.key}'`);
        keys.add(job.key);
      }
      if (signal?.aborted === true) throw new ResearchCanceled();
      if (jobs.length === 0) return [];
      const abort = abortPromise(signal);
      try {
        connecting ??= connect();
        connecting.catch(() => {
          connecting = undefined; // the next run tries again
        });
        const c = await Promise.race([connecting, abort.promise]);
        if (options.requireWorkers !== false) {
          const workers = await c.queue.getWorkersCount().catch(() => -1); // -1: CLIENT LIST not allowed
          if (workers === 0)
            throw new Error(
              `no cluster worker takes jobs from queue '${queueName}' at ${shown}: start one with npm run worker -- --redis ${shown}`,
            );
        }
        await Promise.race([ensureDataset(c.redis, dataset), abort.promise]);
        return await runFlow(c, dataset, jobs, onProgress, abort.promise);
      } finally {
        abort.dispose();
      }
    },

    async close() {
      closed = true;
      const pending = connecting;
      connecting = undefined;
      const c = await pending?.catch(() => undefined);
      if (c === undefined) return;
      // Leftovers not removed yet age out (the run's removeOnComplete/removeOnFail age).
      await Promise.all(leftovers);
      await Promise.allSettled([c.events.close(), c.flows.close(), c.queue.close()]);
      c.redis.disconnect();
    },
  };

  async function runFlow(
    c: Connected,
    dataset: Dataset,
    jobs: readonly CellJob[],
    onProgress: ((progress: ExecutorProgress) => void) | undefined,
    aborted: Promise<never>,
  ): Promise<CellOutcome[]> {
    const runId = newRunId();
    const total = jobs.length;
    const pending = new Set(jobs.map((job) => cellJobId(runId, job.key)));
    let done = 0;
    const onCompleted = ({ jobId }: { jobId: string }): void => {
      if (!pending.delete(jobId)) return;
      done += 1;
      onProgress?.({ done, total });
    };
    c.events.on('completed', onCompleted);
    try {
      const flow = await c.flows.add({
        name: RUN_JOB,
        queueName,
        data: { cells: total },
        // Kept after completion until the lab has read the cells' values, then removed (one a crashed lab left
        // behind ages out).
        opts: { jobId: runId, removeOnComplete: { age: DAY_SECONDS }, removeOnFail: { age: DAY_SECONDS } },
        children: jobs.map((job) => {
          const data: CellJobData = { datasetId: dataset.id, cell: toWire(job) };
          return {
            name: CELL_JOB,
            queueName,
            data,
            opts: {
              jobId: cellJobId(runId, job.key),
              attempts,
              backoff: { type: 'fixed', delay: 500 },
              failParentOnFailure: true,
              // The value stays in the parent's processed list, which is all the fan-in reads.
              removeOnComplete: true,
              removeOnFail: { age: DAY_SECONDS },
            },
          };
        }),
      });
      try {
        await Promise.race([flow.job.waitUntilFinished(c.events), aborted]);
      } catch (error) {
        if (error instanceof ResearchCanceled) {
          await removeRun(c, runId);
          throw error;
        }
        const failure = await failureOf(c, runId, jobs, error);
        await removeRun(c, runId).catch(() => {});
        throw failure;
      }
      const values = await flow.job.getChildrenValues();
      await flow.job.remove().catch(() => {});
      // Keys are `${prefix}:${queue}:${jobId}`; job ids hold no ':'.
      const byJobId = new Map(Object.entries(values).map(([k, v]) => [k.slice(k.lastIndexOf(':') + 1), v]));
      const outcomes = jobs.map((job) => {
        const value = byJobId.get(cellJobId(runId, job.key));
        if (value === undefined) throw new Error(`the cluster returned no result for cell ${job.key}`);
        const checked = cellOutcomeWireSchema.safeParse(value);
        if (!checked.success || checked.data.key !== job.key)
          throw new Error(`the cluster returned a malformed result for cell ${job.key}`);
        // The value as the worker made it (a parse would put the schema's fields first and change the JSON).
        return fromWire(value) as CellOutcome;
      });
      // Progress events can trail the parent's completion; the run is done, so say so.
      if (done < total) onProgress?.({ done: total, total });
      return outcomes;
    } finally {
      c.events.off('completed', onCompleted);
    }
  }
}
