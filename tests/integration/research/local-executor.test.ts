// The local executor (worker threads, piscina) against the inline executor, the reference: the same outcomes byte for
// byte with 1 and 3 workers, progress to the total, cancel and a crashed worker.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSeries } from '../../../src/main/feeds/synthetic';
import { runBacktest } from '../../../src/main/research/backtest';
import { type CellJob, datasetId, runCell } from '../../../src/main/research/cell';
import { type Dataset, ResearchCanceled, type ResearchExecutor } from '../../../src/main/research/executor';
import { createExecutor } from '../../../src/main/research/executors';
import { createInlineExecutor } from '../../../src/main/research/inline-executor';
import { createLocalExecutor, shareSeries } from '../../../src/main/research/local-executor';
import type { BacktestConfigInput } from '../../../src/main/strategies/run-config';

function datasetOf(bars: number): Dataset {
  const series = [generateSeries('ACME', { seed: 7, bars, timeframe: '1D' })];
  return { id: datasetId(series), series };
}

const base: BacktestConfigInput = {
  cash: 100_000,
  strategy: { id: 'sma-crossover', params: { fast: 5, slow: 20 } },
  risk: { enabled: false, sizing: { mode: 'fixed-qty', qty: 10 } },
};

function sma(key: string, fast: number, slow: number, extra: Partial<CellJob> = {}): CellJob {
  return { key, config: { ...base, strategy: { id: 'sma-crossover', params: { fast, slow } } }, ...extra };
}

/** A small SMA grid, a refused cell (fast ≥ slow), windows and kept curves and trade P&L. */
function gridJobs(): CellJob[] {
  const jobs: CellJob[] = [];
  for (const fast of [3, 5, 8]) for (const slow of [15, 30]) jobs.push(sma(`c-${fast}-${slow}`, fast, slow));
  jobs.push(sma('refused', 30, 10));
  jobs.push(sma('w1', 5, 20, { window: { start: 100, end: 900 }, keep: { equity: true, tradePnl: true } }));
  jobs.push(sma('w2', 8, 30, { window: { start: 600, end: 1500 }, keep: { tradePnl: true } }));
  jobs.push(sma('k', 3, 15, { keep: { equity: true } }));
  return jobs;
}

const opened: ResearchExecutor[] = [];
function local(workers: number, workerScript?: string) {
  const executor = createLocalExecutor({ workers, ...(workerScript !== undefined && { workerScript }) });
  opened.push(executor);
  return executor;
}
afterAll(async () => {
  await Promise.all(opened.map((executor) => executor.close()));
});

describe('local executor', () => {
  const dataset = datasetOf(1_500);
  const jobs = gridJobs();

  it('equals the inline executor byte for byte with 1 and with 3 workers, progress reaching the total', async () => {
    const reference = JSON.stringify(await createInlineExecutor().run(dataset, jobs));
    expect(reference).toContain('"error":"strategy.params');
    for (const workers of [1, 3]) {
      const progress: number[] = [];
      const outcomes = await local(workers).run(dataset, jobs, {
        onProgress: ({ done, total }) => {
          expect(total).toBe(jobs.length);
          progress.push(done);
        },
      });
      expect(outcomes.map((o) => o.key)).toEqual(jobs.map((j) => j.key));
      expect(JSON.stringify(outcomes)).toBe(reference);
      expect(progress).toEqual(jobs.map((_, i) => i + 1));
    }
  });

  it('runs a second dataset on the same pool (the workers swap the one they hold)', async () => {
    const executor = local(2);
    const other = datasetOf(800);
    const few = jobs.slice(0, 3);
    const first = await executor.run(dataset, few);
    const second = await executor.run(other, few);
    expect(JSON.stringify(second)).toBe(JSON.stringify(await createInlineExecutor().run(other, few)));
    expect(JSON.stringify(second)).not.toBe(JSON.stringify(first));
  });

  it('gives a cell the metrics and final equity of runBacktest on the same config and data', async () => {
    const [outcome] = await local(1).run(dataset, [sma('one', 8, 30)]);
    const single = runBacktest(sma('one', 8, 30).config, dataset.series);
    expect(outcome?.metrics).toEqual(single.metrics);
    expect(outcome?.finalEquity).toBe(single.equity.equity[single.equity.length - 1]);
    expect(outcome?.metrics?.trades).toBeGreaterThan(0);
  });

  it('cancels mid-run: rejects with ResearchCanceled, the queued jobs never start, the busy workers are ended', async () => {
    const big = datasetOf(150_000);
    const executor = local(2);
    const many = Array.from({ length: 24 }, (_, i) => sma(`m${i}`, 5 + (i % 6), 30 + i));
    const controller = new AbortController();
    const progress: number[] = [];
    let busy: Promise<unknown> | undefined;
    const run = executor.run(big, many, {
      signal: controller.signal,
      onProgress: ({ done }) => {
        progress.push(done);
        if (done === 1) {
          // Both workers are at work on the next jobs: each must end with the cancel.
          busy = Promise.all(executor.threads.map((t) => new Promise((resolve) => t.once('exit', resolve))));
          controller.abort();
        }
      },
    });
    await expect(run).rejects.toBeInstanceOf(ResearchCanceled);
    const stillRunning = new Promise((_, reject) =>
      setTimeout(() => reject(new Error('a worker was still running 10 s after the cancel')), 10_000).unref(),
    );
    await Promise.race([busy, stillRunning]);
    expect(progress).toEqual([1]);
    // The pool still works after a cancel (fresh workers replace the ended ones).
    const after = await executor.run(dataset, jobs.slice(0, 2));
    expect(after.map((o) => o.key)).toEqual(['c-3-15', 'c-3-30']);
  });

  it('refuses a run whose signal is already aborted before any job starts', async () => {
    const controller = new AbortController();
    controller.abort();
    let progressed = false;
    await expect(
      local(1).run(dataset, jobs, { signal: controller.signal, onProgress: () => (progressed = true) }),
    ).rejects.toBeInstanceOf(ResearchCanceled);
    expect(progressed).toBe(false);
  });

  it('names the job whose worker crashed', async () => {
    const executor = local(2, join(__dirname, '../../support/crashing-research-worker.ts'));
    const withCrash = [sma('a', 5, 20), { ...sma('crash', 5, 20) }, sma('b', 8, 30)];
    await expect(executor.run(dataset, withCrash)).rejects.toThrow(
      /research job crash failed in a worker: worker exited with code: 3/,
    );
    // The pool replaces the dead worker.
    const again = await executor.run(dataset, [sma('a', 5, 20)]);
    expect(JSON.stringify(again)).toBe(JSON.stringify([runCell(dataset.series, sma('a', 5, 20))]));
  });

  it('shares the columns once: already shared series are reused, the copy equals the original', () => {
    const shared = shareSeries(dataset.series);
    expect(shared[0]?.close.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(shared[0]!.close)).toEqual(Array.from(dataset.series[0]!.close.subarray(0, 1_500)));
    expect(shareSeries(shared)[0]).toBe(shared[0]);
    expect(datasetId(shared)).toBe(dataset.id);
  });

  it('createExecutor picks the executor by kind', async () => {
    const executor = createExecutor({ kind: 'local', workers: 2 });
    opened.push(executor);
    expect(executor.description).toBe('local (2 workers)');
    expect(createExecutor({ kind: 'inline' }).description).toBe('inline (this thread)');
  });
});
