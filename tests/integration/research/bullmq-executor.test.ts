// The distributed executor against a private redis-server and real worker processes started from the bundle
// `npm run worker` runs (out/cli/worker.cjs): the same outcomes as the inline executor byte for byte, also when a
// worker is killed mid-cell; cancel leaves nothing waiting; bad flags and URLs are refused naming them.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMarket } from '../../../src/main/feeds/synthetic';
import { createBullmqExecutor } from '../../../src/main/research/bullmq-executor';
import { type CellJob, datasetId } from '../../../src/main/research/cell';
import { datasetKey } from '../../../src/main/research/cluster-protocol';
import { type Dataset, ResearchCanceled, type ResearchExecutor } from '../../../src/main/research/executor';
import { createInlineExecutor } from '../../../src/main/research/inline-executor';
import { ConfigError } from '../../../src/main/strategies/run-config';
import { type PrivateRedis, redisMissing, startRedis } from '../../support/redis';

const REPO = resolve(__dirname, '../../..');
const WORKER = join(REPO, 'out/cli/worker.cjs');
const QUEUE = 'research-test';
// Short locks so a killed worker's cell goes to the other within a few seconds (the defaults are 30 s).
const FAST_RECOVERY = ['--lock-ms', '1500', '--stalled-check-ms', '500'];

/** Builds the worker bundle when it is missing or older than the sources (the full build does it before the suite). */
function ensureWorkerBundle(): void {
  const newest = (dir: string): number =>
    spawnSync('find', [dir, '-newer', WORKER, '-print', '-quit'], { encoding: 'utf8' }).stdout.trim() === ''
      ? 0
      : Number.POSITIVE_INFINITY;
  if (existsSync(WORKER) && statSync(WORKER).size > 0 && newest(join(REPO, 'src')) === 0) return;
  const built = spawnSync(
    process.execPath,
    ['-e', "import('./scripts/lib.mjs').then((m) => m.buildWorkerCli()).then((code) => process.exit(code))"],
    { cwd: REPO, encoding: 'utf8' },
  );
  if (built.status !== 0) throw new Error(`could not build ${WORKER}:\n${built.stderr}`);
}

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly name: string;
  output(): string;
  exited: Promise<number | null>;
}

async function startWorker(redisUrl: string, extra: readonly string[] = []): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    [WORKER, '--redis', redisUrl, '--queue', QUEUE, ...FAST_RECOVERY, ...extra],
    {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const name = await new Promise<string>((resolveName, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within 15 s:\n${output}`)), 15_000);
    const check = (): void => {
      const match = /^worker (\S+) takes research cells/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveName(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before starting:\n${output}`));
    });
  });
  return { child, name, output: () => output, exited };
}

/** The worker command's exit status and output, for flags that must be refused before any work. */
function runWorkerCommand(...args: string[]): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [WORKER, ...args], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((done) =>
    child.once('close', (status) => {
      clearTimeout(timer);
      done({ status, stderr: stderr.trim() });
    }),
  );
}

// A 12-cell SMA grid on ~80k synthetic 5-minute bars: each cell costs ~0.1 s, long enough to kill a worker in one.
const series = generateMarket({ seed: 11, bars: 80_000, timeframe: '5m', symbols: ['SYN'] });
const dataset: Dataset = { id: datasetId(series), series };
const grid = (fasts: readonly number[], slows: readonly number[]): CellJob[] =>
  fasts.flatMap((fast) =>
    slows.map((slow) => ({
      key: `f${fast}-s${slow}`,
      config: { strategy: { id: 'sma-crossover', params: { fast, slow } }, cash: 100_000 },
    })),
  );
const JOBS = grid([5, 10, 15, 20], [30, 50, 80]);

describe.skipIf(redisMissing !== null)(
  `BullMQ executor with worker processes${redisMissing !== null ? ` (skipped: ${redisMissing})` : ''}`,
  () => {
    let redis: PrivateRedis;
    let queue: Queue;
    let executor: ResearchExecutor;
    const workers: WorkerProcess[] = [];
    let reference: string;

    /** Waits until the queue is empty (the cells workers held when a run was canceled or failed finish first). */
    async function drained(): Promise<void> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const counts = await queue.getJobCounts(
          'wait',
          'active',
          'delayed',
          'prioritized',
          'waiting-children',
          'completed',
          'failed',
        );
        if (Object.values(counts).every((n) => n === 0)) return;
        if (Date.now() > deadline) throw new Error(`the queue still holds jobs: ${JSON.stringify(counts)}`);
        await new Promise((wait) => setTimeout(wait, 50));
      }
    }

    beforeAll(async () => {
      ensureWorkerBundle();
      redis = await startRedis();
      workers.push(...(await Promise.all([startWorker(redis.url), startWorker(redis.url)])));
      queue = new Queue(QUEUE, { connection: { url: redis.url } });
      executor = createBullmqExecutor({ redisUrl: redis.url, queueName: QUEUE });
      reference = JSON.stringify(await createInlineExecutor().run(dataset, JOBS));
    }, 60_000);

    afterAll(async () => {
      await executor?.close();
      await queue?.close();
      for (const worker of workers) {
        if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
        await worker.exited;
      }
      await redis?.stop();
    });

    it('gives the inline executor’s outcomes byte for byte, with progress after each cell', async () => {
      const progress: number[] = [];
      const started = performance.now();
      const outcomes = await executor.run(dataset, JOBS, {
        onProgress: ({ done, total }) => {
          expect(total).toBe(12);
          progress.push(done);
        },
      });
      const elapsed = performance.now() - started;
      expect(JSON.stringify(outcomes)).toBe(reference);
      expect(outcomes.map((o) => o.key)).toEqual(JOBS.map((j) => j.key));
      expect(outcomes.every((o) => o.error === null && o.metrics !== null)).toBe(true);
      expect(progress).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      // Both workers took cells, and each loaded the dataset from Redis once.
      for (const worker of workers) {
        expect(worker.output()).toMatch(/: final equity /);
        expect(worker.output().match(/^dataset ds-/gm)).toHaveLength(1);
      }
      // Nothing of the run is left in the queue; the dataset stays for the next run (with a time to live).
      const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'waiting-children', 'completed');
      expect(counts).toEqual({ wait: 0, active: 0, delayed: 0, 'waiting-children': 0, completed: 0 });
      const client = new Redis(redis.url);
      expect(await client.ttl(datasetKey(QUEUE, dataset.id))).toBeGreaterThan(3600);
      client.disconnect();
      console.log(`12 cells on 2 workers: ${Math.round(elapsed)} ms`);

      // A second run on the same dataset does not load it again in either worker.
      expect(JSON.stringify(await executor.run(dataset, JOBS))).toBe(reference);
      for (const worker of workers) expect(worker.output().match(/^dataset ds-/gm)).toHaveLength(1);
    });

    it('finishes with the same outcomes when a worker is killed mid-cell (the cell is retried on the other)', async () => {
      const [victim, survivor] = workers as [WorkerProcess, WorkerProcess];
      const run = executor.run(dataset, JOBS);
      // Kill the victim once it holds a cell (BullMQ records which worker took a job).
      const deadline = Date.now() + 20_000;
      while (!(await queue.getActive()).some((job) => job.processedBy === victim.name)) {
        if (Date.now() > deadline) throw new Error(`the victim never held a cell:\n${victim.output()}`);
        await new Promise((wait) => setTimeout(wait, 5));
      }
      victim.child.kill('SIGKILL');
      await victim.exited;
      // What it held when it died (a worker takes its next cell as it finishes one, so it held one): still active
      // in its name until its lock runs out and the survivor's stall check puts it back.
      const orphans = (await queue.getActive())
        .filter((job) => job.processedBy === victim.name)
        .map((j) => j.id);
      expect(orphans).toHaveLength(1);
      const started = performance.now();
      expect(JSON.stringify(await run)).toBe(reference);
      console.log(`run finished ${Math.round(performance.now() - started)} ms after the kill`);
      expect(survivor.output()).toMatch(
        new RegExp(`^${orphans[0]}: final equity .* \\(start 2, retried\\)$`, 'm'),
      );
    });

    it('cancels mid-run: rejects with ResearchCanceled and leaves no waiting cells', async () => {
      // A fresh worker beside the survivor, so two take cells again.
      workers.push(await startWorker(redis.url));
      const many = grid([3, 4, 5, 6, 7, 8, 9, 10], [20, 30, 40, 50, 60]);
      const controller = new AbortController();
      let seen = 0;
      const run = executor.run(dataset, many, {
        signal: controller.signal,
        onProgress: ({ done }) => {
          seen = done;
          if (done === 2) controller.abort();
        },
      });
      await expect(run).rejects.toBeInstanceOf(ResearchCanceled);
      expect(seen).toBeLessThan(many.length);
      const left = await queue.getJobCounts('wait', 'delayed', 'prioritized');
      expect(left).toEqual({ wait: 0, delayed: 0, prioritized: 0 });
      // The cells the workers held when the run was canceled finish and are dropped; then nothing is left.
      await drained();

      // The executor still works after a cancel.
      expect(JSON.stringify(await executor.run(dataset, JOBS))).toBe(reference);
    });

    it('gives a refused parameter the same outcome as inline (the cell reaches the worker as it was, −0 included)', async () => {
      const odd: CellJob[] = [
        JOBS[0]!,
        { key: 'minus-zero', config: { strategy: { id: 'sma-crossover', params: { fast: -0, slow: 30 } } } },
      ];
      const inline = await createInlineExecutor().run(dataset, odd);
      expect(inline[1]?.error).toBe('strategy.params.fast: must be at least 1');
      expect(JSON.stringify(await executor.run(dataset, odd))).toBe(JSON.stringify(inline));
    });

    it('refuses a cell’s bad config as the inline executor does: a ConfigError naming the field, no retries', async () => {
      const bad: CellJob[] = [
        ...JOBS.slice(0, 3),
        { ...JOBS[3]!, key: 'late', window: { start: 10, end: 90_000 } },
      ];
      const inline = await createInlineExecutor()
        .run(dataset, bad)
        .catch((error: unknown) => error);
      expect(inline).toBeInstanceOf(ConfigError);
      const cluster = await executor.run(dataset, bad).catch((error: unknown) => error);
      expect(cluster).toBeInstanceOf(ConfigError);
      expect((cluster as ConfigError).message).toBe((inline as ConfigError).message);
      expect((cluster as ConfigError).field).toBe('window');
      // The run is gone from the queue once the cells the workers held have finished (into nothing).
      await drained();
      // Refused once, not retried.
      const refusals = workers.flatMap(
        (w) => w.output().match(/-late: failed \(attempt \d+\): window: .*/g) ?? [],
      );
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toContain('(attempt 1)');
    });

    it('refuses bad flags and an unreachable Redis naming them', async () => {
      // All at once: each is a process starting up.
      const [bad, missing, zero, unknown, nobody] = await Promise.all([
        runWorkerCommand('--redis', 'http://127.0.0.1:6379'),
        runWorkerCommand('--concurrency', '2'),
        runWorkerCommand('--redis', redis.url, '--concurrency', '0'),
        runWorkerCommand('--redis', redis.url, '--workers', '2'),
        // Port 1: nothing listens there.
        runWorkerCommand('--redis', 'redis://127.0.0.1:1'),
      ]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/^config error: --redis: 'http:\/\/127\.0\.0\.1:6379' is not a Redis URL/);

      expect(missing.status).toBe(2);
      expect(missing.stderr).toMatch(/^config error: --redis: is required/);

      expect(zero.status).toBe(2);
      expect(zero.stderr).toMatch(/^config error: --concurrency: '0' is not a whole number ≥ 1/);

      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toMatch(/^config error: Unknown option '--workers'/);

      expect(nobody.status).toBe(1);
      expect(nobody.stderr).toMatch(/^error: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);

      expect(() => createBullmqExecutor({ redisUrl: 'localhost:6379' })).toThrow(
        /'localhost:6379' is not a Redis URL/,
      );
      // A queue no worker listens on: refused at once instead of waiting for ever.
      const lonely = createBullmqExecutor({ redisUrl: redis.url, queueName: 'nobody-listens' });
      await expect(lonely.run(dataset, JOBS)).rejects.toThrow(
        `no cluster worker takes jobs from queue 'nobody-listens' at ${redis.url}: start one with npm run worker -- --redis ${redis.url}`,
      );
      await lonely.close();
      const unreachable = createBullmqExecutor({ redisUrl: 'redis://127.0.0.1:1' });
      await expect(unreachable.run(dataset, JOBS)).rejects.toThrow(
        /cannot reach Redis at redis:\/\/127\.0\.0\.1:1/,
      );
      await unreachable.close();
    });

    it('stops a worker on SIGTERM after the cell in hand (the run completes on the others)', async () => {
      const running = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
      expect(running).toHaveLength(2);
      const [leaving, staying] = running as [WorkerProcess, WorkerProcess];
      const before = staying.output().length;
      const run = executor.run(dataset, JOBS);
      const deadline = Date.now() + 20_000;
      let held: string | undefined;
      while (held === undefined) {
        held = (await queue.getActive()).find((job) => job.processedBy === leaving.name)?.id;
        if (Date.now() > deadline) throw new Error(`the worker never held a cell:\n${leaving.output()}`);
        if (held === undefined) await new Promise((wait) => setTimeout(wait, 5));
      }
      leaving.child.kill('SIGTERM');
      expect(await leaving.exited).toBe(0);
      // It finished what it held, took nothing more, and said so.
      const tail = leaving.output().slice(leaving.output().indexOf('SIGTERM: finishing the cells in hand'));
      expect(tail).toMatch(
        /^SIGTERM: finishing the cells in hand, then stopping .*\n(\S+: final equity [^\n]*\n)?stopped\n$/,
      );
      expect(JSON.stringify(await run)).toBe(reference);
      // Nothing was retried: the cell in hand was finished, not abandoned.
      expect(staying.output().slice(before)).toMatch(/: final equity /);
      expect(staying.output().slice(before)).not.toMatch(/retried/);
      staying.child.kill('SIGTERM');
      expect(await staying.exited).toBe(0);
    });

    it('runs --concurrency 2 cells at once on two threads sharing one copy of the dataset', async () => {
      // The other workers are gone: this one takes every cell.
      const threaded = await startWorker(redis.url, ['--concurrency', '2']);
      workers.push(threaded);
      expect(JSON.stringify(await executor.run(dataset, JOBS))).toBe(reference);
      const threads = new Set(threaded.output().match(/(?<=: final equity .* on thread )\d+$/gm));
      expect(threads).toEqual(new Set(['1', '2']));
      expect(threaded.output().match(/^dataset ds-/gm)).toHaveLength(1);

      threaded.child.kill('SIGTERM');
      expect(await threaded.exited).toBe(0);
      expect(threaded.output()).toMatch(/SIGTERM: finishing the cells in hand[\s\S]*\nstopped\n/);
    });

    it('keeps a cell longer than its lock (the lock is renewed while a compute thread runs it): no retry', async () => {
      // Cells of 1.1 s or more (2M bars) against a 1 s lock checked every 400 ms: a worker that stopped renewing would lose
      // each cell. (A 250 ms lock, then a 500 ms one, was lost to a loaded machine's event-loop stalls: BullMQ renews
      // at half the lock, so the lock must outlast the longest stall the test machine sees.)
      const long = generateMarket({ seed: 12, bars: 2_000_000, timeframe: '5m', symbols: ['LONG'] });
      const longData: Dataset = { id: datasetId(long), series: long };
      const cells = JOBS.slice(0, 2);
      const expected = JSON.stringify(await createInlineExecutor().run(longData, cells));
      const worker = await startWorker(redis.url, ['--lock-ms', '1000', '--stalled-check-ms', '400']);
      workers.push(worker);
      expect(JSON.stringify(await executor.run(longData, cells))).toBe(expected);
      const lines = worker.output().match(/^\S+: final equity .* in (\d+) ms on thread 1.*$/gm) ?? [];
      expect(lines).toHaveLength(2);
      // The cells did outlast the lock, and neither was taken from the worker and run again.
      expect(Math.max(...lines.map((line) => Number(/ in (\d+) ms/.exec(line)![1])))).toBeGreaterThan(1000);
      expect(worker.output()).not.toMatch(/retried|failed/);
    });
  },
);
