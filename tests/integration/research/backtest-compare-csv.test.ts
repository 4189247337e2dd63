// Two stored runs compared over the API, and CSV files as a backtest's data: real worker, real SQLite, real files.
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createServices, type Services } from '../../../src/main/services';
import type {
  BacktestComparison,
  BacktestDetail,
  BacktestProgress,
  BacktestSummary,
} from '../../../src/shared/domain/backtest';
import { tempDataDir } from '../../support/host-process';

let dataDir: string;
let csvDir: string;
let services: Services;
let progress: BacktestProgress[];

async function value<T>(name: string, arg: unknown): Promise<T> {
  const result = await services.dispatch(name, arg);
  if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

async function refusal(name: string, arg: unknown): Promise<{ code: string; message: string }> {
  const result = await services.dispatch(name, arg);
  if (result.ok) throw new Error(`${name} was accepted`);
  return result.error;
}

function finished(runId: string, timeoutMs = 60_000): Promise<BacktestProgress> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const hit = progress.find((p) => p.runId === runId && p.status !== 'running');
      if (hit) {
        clearInterval(poll);
        resolve(hit);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error(`${runId} did not finish`));
      }
    }, 20);
  });
}

async function runToEnd(arg: unknown): Promise<string> {
  const { runId } = await value<{ runId: string }>('backtest:run', arg);
  const end = await finished(runId);
  if (end.status !== 'done') throw new Error(`${runId} ended ${end.status}: ${end.message}`);
  return runId;
}

/** A daily CSV of a slow wave, so an SMA crossover trades it. */
function writeDailyCsv(name: string, days: number): string {
  const rows = ['date,open,high,low,close,volume'];
  let price = 50;
  for (let day = 0; day < days; day++) {
    const date = new Date(Date.UTC(2023, 0, 2) + day * 86_400_000).toISOString().slice(0, 10);
    const open = price;
    price = price * (1 + 0.03 * Math.sin(day / 7));
    const high = Math.max(open, price) + 0.5;
    const low = Math.min(open, price) - 0.5;
    rows.push(
      `${date},${open.toFixed(2)},${high.toFixed(2)},${low.toFixed(2)},${price.toFixed(2)},${5000 + day}`,
    );
  }
  const path = join(csvDir, name);
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

beforeEach(() => {
  dataDir = tempDataDir();
  csvDir = mkdtempSync(join(tmpdir(), 'marketboss-csv-'));
  services = createServices({
    dataDir,
    version: '0.0.0-test',
    transport: 'websocket',
    electronVersion: null,
  });
  progress = [];
  services.pushes.subscribe((topic, batch) => {
    if (topic === 'progress') progress.push(...(batch as BacktestProgress[]));
  });
});

afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(csvDir, { recursive: true, force: true });
});

const demo = { source: 'synthetic', symbols: ['ACME'], timeframe: '1D', bars: 500, seed: 7 } as const;

describe('backtest:compare', () => {
  test('two runs: each carries that run’s own metrics and curve, and the settings that differ are listed', async () => {
    const a = await runToEnd({ data: demo, config: { strategy: { id: 'sma-crossover', params: {} } } });
    const b = await runToEnd({
      data: demo,
      config: { strategy: { id: 'sma-crossover', params: { fast: 10 } }, venue: { slippageBps: 5 } },
    });

    const comparison = await value<BacktestComparison>('backtest:compare', { runIds: [a, b] });

    const listed = await value<BacktestSummary[]>('backtest:list', {});
    const own = (id: string) => listed.find((r) => r.id === id)!;
    const [first, second] = comparison.runs;
    expect(comparison.runs.map((r) => r.id)).toEqual([a, b]);
    expect(first!.metrics).toEqual(own(a).metrics);
    expect(second!.metrics).toEqual(own(b).metrics);
    expect(first!.metrics).not.toEqual(second!.metrics);
    const detailB = await value<BacktestDetail>('backtest:get', { runId: b });
    expect(second!.equity).toEqual(detailB.equity); // 500 points: under both thinning limits
    expect(second!.equity.equity.at(-1)).toBeCloseTo(second!.metrics.endEquity!, 6);
    expect(comparison.differences).toEqual([
      { section: 'strategy', path: 'strategy.params.fast', values: [{ value: 5 }, { value: 10 }] },
      { section: 'costs', path: 'venue.slippageBps', values: [{ value: 0 }, { value: 5 }] },
    ]);
  });

  test('four runs in the order asked: each its own figures and curve; every setting that is not alike in all four', async () => {
    const fast = (n: number) => ({ strategy: { id: 'sma-crossover', params: { fast: n } } });
    const ids = [
      await runToEnd({ data: demo, config: fast(5) }),
      await runToEnd({ data: demo, config: fast(8) }),
      await runToEnd({ data: { ...demo, seed: 9 }, config: fast(5) }),
      await runToEnd({ data: demo, config: { ...fast(5), cash: 50_000 } }),
    ];
    const order = [ids[2]!, ids[0]!, ids[3]!, ids[1]!];

    const comparison = await value<BacktestComparison>('backtest:compare', { runIds: order });

    expect(comparison.runs.map((r) => r.id)).toEqual(order);
    const listed = await value<BacktestSummary[]>('backtest:list', {});
    for (const run of comparison.runs) {
      expect(run.metrics).toEqual(listed.find((r) => r.id === run.id)!.metrics);
      expect(run.equity.equity.at(-1)).toBeCloseTo(run.metrics.endEquity!, 6);
    }
    const v = (...values: number[]) => values.map((value) => ({ value }));
    expect(comparison.differences).toEqual([
      { section: 'data', path: 'data.seed', values: v(9, 7, 7, 7) },
      { section: 'general', path: 'cash', values: v(100_000, 100_000, 50_000, 100_000) },
      { section: 'strategy', path: 'strategy.params.fast', values: v(5, 5, 5, 8) },
    ]);
  });

  test('long curves are thinned to maxPoints; one run, five, the same run twice, a missing run and an unfinished one are refused', async () => {
    const a = await runToEnd({ data: { ...demo, bars: 5000 }, config: {} });
    const b = await runToEnd({ data: { ...demo, bars: 5000, seed: 8 }, config: {} });

    const thin = await value<BacktestComparison>('backtest:compare', { runIds: [a, b], maxPoints: 500 });
    expect(thin.runs[0]!.equity.time.length).toBeLessThanOrEqual(500);
    expect(thin.differences).toEqual([
      { section: 'data', path: 'data.seed', values: [{ value: 7 }, { value: 8 }] },
    ]);

    expect(await refusal('backtest:compare', { runIds: [a] })).toMatchObject({
      code: 'bad-request',
      message: expect.stringContaining('pick at least 2 runs to compare'),
    });
    expect(await refusal('backtest:compare', { runIds: [a, b, 'bt-c-1', 'bt-d-1', 'bt-e-1'] })).toMatchObject(
      {
        code: 'bad-request',
        message: expect.stringContaining('at most 4 runs can be compared at once'),
      },
    );
    expect(await refusal('backtest:compare', { runIds: [a, b, a] })).toMatchObject({
      code: 'bad-request',
      message: expect.stringContaining('pick different runs: one run is listed twice'),
    });
    expect(await refusal('backtest:compare', { runIds: [a, 'bt-missing-1'] })).toMatchObject({
      code: 'not-found',
    });

    const { runId: slow } = await value<{ runId: string }>('backtest:run', {
      data: { ...demo, bars: 2_000_000 },
      config: {},
    });
    expect(await refusal('backtest:compare', { runIds: [a, slow] })).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/is running; only finished runs can be compared/),
    });
    await value('backtest:cancel', { runId: slow });
  });
});

describe('a CSV file as the data source', () => {
  test('a good file runs; the run stores the timeframe read from it and the chart reads the same bars', async () => {
    const path = writeDailyCsv('wave.csv', 400);

    const runId = await runToEnd({ data: { source: 'csv', files: [{ path, symbol: 'WAVE' }] }, config: {} });

    const detail = await value<BacktestDetail>('backtest:get', { runId });
    expect(detail.data).toEqual({
      source: 'csv',
      files: [{ path, symbol: 'WAVE', timeframe: '1D', skipInvalid: false }],
      symbols: ['WAVE'],
      timeframe: '1D',
    });
    expect(detail.name).toBe('SMA 5/20 · WAVE · 1D');
    expect(detail.equity.time).toHaveLength(400);
    expect(detail.notes[0]).toBe('data: wave.csv, 400 1D bars of WAVE');
    const bars = await value<{ time: Float64Array; close: Float64Array }>('backtest:bars', {
      runId,
      symbol: 'WAVE',
    });
    expect(bars.time).toHaveLength(400);
    expect(bars.time[0]).toBe(Date.UTC(2023, 0, 2));
  });

  test('a file read once is kept as columns in the data folder; the chart and the next run read the same bars from it', async () => {
    const path = writeDailyCsv('cached.csv', 300);
    const first = await runToEnd({ data: { source: 'csv', files: [{ path, symbol: 'WAVE' }] }, config: {} });
    const cache = join(dataDir, 'bar-cache');
    expect(readdirSync(cache)).toHaveLength(1);
    const entry = join(cache, readdirSync(cache)[0]!);
    const written = statSync(entry).mtimeMs;

    const second = await runToEnd({ data: { source: 'csv', files: [{ path, symbol: 'WAVE' }] }, config: {} });
    const bars = await value<{ time: Float64Array; close: Float64Array }>('backtest:bars', {
      runId: second,
      symbol: 'WAVE',
    });
    expect(bars.time).toHaveLength(300);
    expect(statSync(entry).mtimeMs).toBe(written); // read, not rewritten
    const [a, b] = await Promise.all([
      value<BacktestDetail>('backtest:get', { runId: first }),
      value<BacktestDetail>('backtest:get', { runId: second }),
    ]);
    expect(b.metrics).toEqual(a.metrics);

    // A damaged entry is not trusted: the file is read again, the entry rewritten, and the log says so.
    truncateSync(entry, 100);
    const third = await runToEnd({ data: { source: 'csv', files: [{ path, symbol: 'WAVE' }] }, config: {} });
    const c = await value<BacktestDetail>('backtest:get', { runId: third });
    expect(c.metrics).toEqual(a.metrics);
    expect(statSync(entry).size).toBeGreaterThan(300 * 48);
    const log = readFileSync(join(dataDir, 'logs', 'marketboss.log'), 'utf8');
    expect(log).toMatch(
      /"problem":"the cached columns of [^"]*cached\.csv were damaged \([^)]*\); read the CSV again".*"message":"parsed-data cache entry rebuilt"/,
    );
  });

  test('a bad row is refused before any run is recorded, naming the file, the line and the field', async () => {
    const path = join(csvDir, 'broken.csv');
    writeFileSync(
      path,
      'date,open,high,low,close,volume\n2024-01-02,10,11,9,10.5,100\n2024-01-03,10,9.5,9,9.8,100\n',
    );

    const error = await refusal('backtest:run', {
      data: { source: 'csv', files: [{ path, symbol: 'BRKN' }] },
    });

    expect(error.code).toBe('bad-request');
    expect(error.message).toMatch(/^data: broken\.csv line 3, field high: /);
    expect(await value<unknown[]>('backtest:list', {})).toEqual([]);
  });

  test('skipInvalid runs on the good rows and says in the notes how many were skipped', async () => {
    const path = writeDailyCsv('gappy.csv', 200);
    writeFileSync(path, `${(await import('node:fs')).readFileSync(path, 'utf8')}2024-01-01,1,0.5,1,1,1\n`);

    const runId = await runToEnd({
      data: { source: 'csv', files: [{ path, symbol: 'GAP', skipInvalid: true }] },
      config: {},
    });

    const detail = await value<BacktestDetail>('backtest:get', { runId });
    expect(detail.notes).toContain(`${path}: 1 invalid rows skipped`);
  });

  test('paths the API will not read: relative, not a CSV, missing — each refused in words', async () => {
    const data = (path: string) => ({ source: 'csv', files: [{ path, symbol: 'X' }] });

    expect((await refusal('backtest:run', { data: data('prices.csv') })).message).toBe(
      'data.files.0.path: give the full path of the file, not prices.csv',
    );
    expect((await refusal('backtest:run', { data: data('/etc/passwd') })).message).toBe(
      'data.files.0.path: /etc/passwd is not a .csv, .tsv or .txt file',
    );
    expect((await refusal('backtest:run', { data: data(join(csvDir, 'none.csv')) })).message).toBe(
      `data: ${join(csvDir, 'none.csv')} does not exist`,
    );
    // A config mistake is named first, before any file is read.
    expect((await refusal('backtest:run', { data: data('/etc/passwd'), config: { cash: -1 } })).message).toBe(
      'Starting cash: must be greater than 0',
    );
  });

  test('two files of different timeframes are refused: a run trades one timeframe', async () => {
    const daily = writeDailyCsv('daily.csv', 100);
    const hourly = join(csvDir, 'hourly.csv');
    const rows = ['timestamp,open,high,low,close,volume'];
    for (let h = 0; h < 100; h++) rows.push(`${Date.UTC(2024, 0, 2, 14) / 1000 + h * 3600},10,11,9,10,100`);
    writeFileSync(hourly, `${rows.join('\n')}\n`);

    const error = await refusal('backtest:run', {
      data: {
        source: 'csv',
        files: [
          { path: daily, symbol: 'DAY' },
          { path: hourly, symbol: 'HOUR' },
        ],
      },
    });

    expect(error.message).toBe(
      'data: hourly.csv, field time: HOUR has 1h bars but DAY has 1D; a run trades one timeframe',
    );
  });
});
