// Backtests through the API as the UI runs them: a real worker thread, a real SQLite file, pushes for progress.
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { databaseFile } from '../../../src/main/paths';
import { createServices, type Services } from '../../../src/main/services';
import type { BacktestProgress } from '../../../src/shared/domain/backtest';
import {
  columnsToFills,
  type FillColumns,
  type TradeColumns,
} from '../../../src/shared/domain/trade-columns';
import { tempDataDir } from '../../support/host-process';

let dataDir: string;
let services: Services;
let progress: BacktestProgress[];

async function call(name: string, arg: unknown) {
  return services.dispatch(name, arg);
}

async function value<T>(name: string, arg: unknown): Promise<T> {
  const result = await call(name, arg);
  if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

function waitFor(
  runId: string,
  status: BacktestProgress['status'],
  timeoutMs = 60_000,
): Promise<BacktestProgress> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const hit = progress.find((p) => p.runId === runId && p.status === status);
      if (hit) {
        clearInterval(poll);
        resolve(hit);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(
          new Error(
            `no ${status} for ${runId}; saw ${JSON.stringify(progress.filter((p) => p.runId === runId).slice(-3))}`,
          ),
        );
      }
    }, 20);
  });
}

beforeEach(() => {
  dataDir = tempDataDir();
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
});

const demo = { source: 'synthetic', symbols: ['ACME', 'BOLT'], timeframe: '1D', bars: 756, seed: 7 } as const;

describe('backtests over the API', () => {
  test('a synthetic SMA crossover run finishes in a worker, is stored, and reads back with trades, fills and curves', async () => {
    const { runId } = await value<{ runId: string }>('backtest:run', {
      data: demo,
      config: { strategy: { id: 'sma-crossover', params: { fast: 10, slow: 30 } } },
    });
    await waitFor(runId, 'done');

    const list = await value<{ id: string; status: string }[]>('backtest:list', {});
    expect(list.map((r) => [r.id, r.status])).toEqual([[runId, 'done']]);
    const detail = await value<{
      status: string;
      metrics: { trades: number; endEquity: number };
      equity: { time: number[]; equity: number[]; drawdown: number[] };
      benchmark: { equity: number[] };
      trades: TradeColumns;
      fills: FillColumns;
      notes: string[];
    }>('backtest:get', { runId });
    expect(detail.status).toBe('done');
    expect(detail.equity.time).toHaveLength(756);
    expect(detail.benchmark.equity).toHaveLength(756);
    expect(detail.trades.length).toBeGreaterThan(0);
    expect(detail.metrics.trades).toBe(detail.trades.length);
    expect(detail.fills.length).toBeGreaterThanOrEqual(detail.trades.length * 2);
    expect(detail.equity.equity.at(-1)).toBeCloseTo(detail.metrics.endEquity, 6);
    expect(Math.max(...detail.equity.drawdown)).toBeLessThan(1);
    expect(detail.notes.join('\n')).toMatch(/next bar/);

    // The same spec and config give the same numbers: synthetic data is regenerated from its seed.
    const again = await value<{ runId: string }>('backtest:run', {
      data: demo,
      config: { strategy: { id: 'sma-crossover', params: { fast: 10, slow: 30 } } },
    });
    await waitFor(again.runId, 'done');
    const second = await value<typeof detail>('backtest:get', { runId: again.runId });
    expect(second.metrics).toEqual(detail.metrics);
    expect(second.trades).toEqual(detail.trades);
  });

  test('the chart bars are the bars the run traded on, and a symbol outside the run is not found', async () => {
    const { runId } = await value<{ runId: string }>('backtest:run', { data: demo, config: {} });
    await waitFor(runId, 'done');
    const bars = await value<{ time: Float64Array; close: Float64Array }>('backtest:bars', {
      runId,
      symbol: 'BOLT',
    });
    // Fills come as columns (bytes over the WebSocket), read back as rows here.
    const detail = await value<{ fills: FillColumns }>('backtest:get', { runId });
    expect(bars.time).toHaveLength(756);
    const barTimes = new Set(bars.time);
    for (const fill of columnsToFills(detail.fills).filter((f) => f.symbol === 'BOLT'))
      expect(barTimes.has(fill.time)).toBe(true);

    const missing = await call('backtest:bars', { runId, symbol: 'ZZZ' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  test('a config error names the field and starts nothing', async () => {
    const bad = await call('backtest:run', {
      data: demo,
      config: { strategy: { id: 'sma-crossover', params: { fast: 30, slow: 10 } } },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('bad-request');
      // In the user's words, with the field's path for the form to mark.
      expect(bad.error.message).toBe('Fast period: must be less than the slow period (10)');
      expect(bad.error.fields).toEqual([
        { path: 'config.strategy.params.fast', message: 'must be less than the slow period (10)' },
      ]);
    }
    const unknown = await call('backtest:run', { data: demo, config: { strategy: { id: 'no-such' } } });
    expect(unknown.ok === false && unknown.error.message).toMatch(/^Strategy: .*no-such/);
    const badData = await call('backtest:run', { data: { ...demo, bars: 10 }, config: {} });
    expect(badData.ok === false && badData.error.message).toBe('Bars per symbol: must be at least 50');
    expect(await value<unknown[]>('backtest:list', {})).toEqual([]);
  });

  test('a long run can be canceled; it is recorded as canceled and can then be deleted', async () => {
    const { runId } = await value<{ runId: string }>('backtest:run', {
      data: {
        source: 'synthetic',
        symbols: ['ACME', 'BOLT', 'CRUX'],
        timeframe: '1D',
        bars: 2_000_000,
        seed: 1,
      },
      config: {},
    });
    const deleteWhileRunning = await call('backtest:delete', { runId });
    expect(deleteWhileRunning).toMatchObject({ ok: false, error: { code: 'conflict' } });

    expect(await value('backtest:cancel', { runId })).toEqual({ canceled: true });
    await waitFor(runId, 'canceled');
    const [run] = await value<{ status: string; error: string }[]>('backtest:list', {});
    expect(run).toMatchObject({ status: 'canceled', error: 'canceled by the user' });
    expect(await value('backtest:delete', { runId })).toEqual({ deleted: true });
    expect(await value<unknown[]>('backtest:list', {})).toEqual([]);
  });

  test('a run left "running" by a crash is marked failed at the next start', async () => {
    await services.close();
    // What a SIGKILL mid-run leaves behind: the run's row, still 'running', and no results.
    const db = new Database(databaseFile(dataDir));
    db.prepare(
      `INSERT INTO backtest_runs (id, name, status, created_at, data_spec, config, strategy_id)
       VALUES ('bt-crashed', 'cut short', 'running', 1000, ?, '{}', 'sma-crossover')`,
    ).run(JSON.stringify(demo));
    db.close();

    services = createServices({
      dataDir,
      version: '0.0.0-test',
      transport: 'websocket',
      electronVersion: null,
    });

    const [run] = await value<{ id: string; status: string; error: string }[]>('backtest:list', {});
    expect(run).toMatchObject({ id: 'bt-crashed', status: 'failed' });
    expect(run!.error).toMatch(/interrupted/);
  });

  test('strategy:list gives every built-in strategy with a JSON Schema form and its defaults', async () => {
    const strategies = await value<
      {
        id: string;
        paramsSchema: { properties?: Record<string, unknown> };
        defaults: Record<string, unknown>;
      }[]
    >('strategy:list', {});
    const sma = strategies.find((s) => s.id === 'sma-crossover');
    expect(sma?.defaults).toMatchObject({ fast: 5, slow: 20, allowShort: false });
    expect(Object.keys(sma?.paramsSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['fast', 'slow', 'allowShort']),
    );
    expect(strategies.map((s) => s.id)).toEqual(
      expect.arrayContaining([
        'sma-crossover',
        'rsi',
        'macd',
        'mean-reversion',
        'atr-breakout',
        'ensemble',
        'regime-filter',
      ]),
    );
  });
});
