// The Phase 4D options backtest through the API: the request checked by field, the run in the backtest worker, the
// run stored in a real SQLite file and read back with the trades and report runOptionsBacktest gives for the same
// files (and after a restart of the services on the same data dir).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { readBarsCsv } from '../../../src/main/feeds/csv';
import { readVixHistory } from '../../../src/main/feeds/vix-history';
import { runOptionsBacktest } from '../../../src/main/research/options-backtest';
import { optionsRunStats } from '../../../src/main/research/options-backtest-job';
import { createServices, type Services } from '../../../src/main/services';
import type { BacktestProgress, BacktestSummary } from '../../../src/shared/domain/backtest';
import { entryKey, optionsStatsOf } from '../../../src/shared/domain/options-backtest';
import { type BacktestDetailColumns, detailFromColumns } from '../../../src/shared/domain/trade-columns';
import { tempDataDir } from '../../support/host-process';
import { vixCsv, writePhase4dFiles } from '../../support/phase4d-fixture';

let dataDir: string;
let fileDir: string;
let services: Services;
let progress: BacktestProgress[];

function start(): void {
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
}

beforeEach(() => {
  dataDir = tempDataDir();
  fileDir = mkdtempSync(join(tmpdir(), 'marketboss-optui-'));
  start();
});

afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(fileDir, { recursive: true, force: true });
});

async function value<T>(name: string, arg: unknown): Promise<T> {
  const result = await services.dispatch(name, arg);
  if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

async function refusal(name: string, arg: unknown) {
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

describe('backtest:run-options', () => {
  test('a 2K run from a SPY CSV and a VIX file is stored with the trades, fills, curve and report of runOptionsBacktest', async () => {
    const files = writePhase4dFiles(fileDir);
    const { runId } = await value<{ runId: string }>('backtest:run-options', {
      preset: '2k',
      underlying: { path: files.spy },
      volatility: { source: 'csv', path: files.vix },
    });
    const end = await finished(runId);
    expect(end.status, end.message).toBe('done');

    // The same run in this process, from the same files.
    const underlying = readBarsCsv(files.spy, { symbol: 'SPY', skipInvalid: false }).series;
    const expected = runOptionsBacktest({
      underlying,
      preset: '2k',
      params: {},
      volatility: readVixHistory(files.vix),
      cash: 2_000,
    });
    expect(expected.trades.length).toBeGreaterThan(2);

    const check = async () => {
      const detail = detailFromColumns(await value<BacktestDetailColumns>('backtest:get', { runId }));
      expect(detail.status).toBe('done');
      expect(detail.strategyId).toBe('phase4d');
      expect(detail.config).toMatchObject({ cash: 2_000, options: { preset: '2k' } });
      const engineFields = (t: (typeof detail.trades)[number]) => ({
        symbol: t.symbol,
        qty: t.qty,
        entryTime: t.entryTime,
        entryPrice: t.entryPrice,
        exitTime: t.exitTime,
        exitPrice: t.exitPrice,
        pnl: t.pnl,
        fees: t.fees,
        exitReason: t.exitReason,
      });
      expect(detail.trades.map(engineFields)).toEqual(expected.trades.map(engineFields));
      expect(detail.trades[0]!.symbol).toMatch(/^SPY\d{6}P\d{8}$/);
      expect(detail.fills).toHaveLength(expected.fills.length);
      expect(detail.equity.equity.at(-1)).toBeCloseTo(expected.report.endEquity, 6);
      expect(detail.metrics).toEqual(expected.report.metrics);
      const underlyingAtEntry = Object.fromEntries(
        expected.trades.map((t) => [entryKey(t), t.underlyingPrice]),
      );
      expect(optionsStatsOf(detail.stats)).toEqual(optionsRunStats(expected.report, underlyingAtEntry));
      const stats = optionsStatsOf(detail.stats)!;
      expect(stats.skippedByReason).toMatchObject({ high_vix: 1 });
      expect(stats.priceSource).toMatch(/^synthetic option prices/);
      expect(stats.settlementRule).toMatch(/cash-settled at intrinsic value/);
    };
    await check();
    // The run's chart is SPY's bars; its tearsheet and P&L by period come from the stored run like an equity run's.
    const bars = await value<{ total: number; symbol: string }>('backtest:bars', { runId, symbol: 'SPY' });
    expect(bars.total).toBe(9 * 78);
    const sheet = await value<{ content: string }>('backtest:tearsheet', { runId });
    expect(sheet.content).toContain('SPY');
    const periods = await value<{ day: unknown[] }>('backtest:periods', { runId });
    expect(periods.day.length).toBeGreaterThan(0);
    // Stored, not held in memory: the same after the services restart on the same data dir.
    await services.close();
    start();
    await check();
    const listed = await value<BacktestSummary[]>('backtest:list', {});
    expect(listed.map((r) => r.name)).toEqual(['Phase 4D 2K · SPY puts · 5m · VIX file']);
  });

  test('synthetic VIX: a labelled realised volatility, starting cash the 25K preset’s', async () => {
    const files = writePhase4dFiles(fileDir);
    const { runId } = await value<{ runId: string }>('backtest:run-options', {
      preset: '25k',
      underlying: { path: files.spy },
      volatility: { source: 'synthetic' },
    });
    const end = await finished(runId);
    expect(end.status, end.message).toBe('done');
    const detail = detailFromColumns(await value<BacktestDetailColumns>('backtest:get', { runId }));
    const stats = optionsStatsOf(detail.stats)!;
    expect(stats.cash).toBe(25_000);
    expect(stats.volatilitySource).toBe('synthetic VIX (realised volatility of SPY)');
    // Nine sessions are fewer than the 20 a realised volatility needs: every day is warm-up, none traded.
    expect(stats.tradedDays).toBe(0);
  });

  test('refusals name the field: a VIX file missing a day, a bad parameter, a relative path, an empty path, a bad preset or cash, daily bars', async () => {
    const short = writePhase4dFiles(fileDir, vixCsv('2024-12-30', '2025-01-10'));
    const vixGap = await refusal('backtest:run-options', {
      underlying: { path: short.spy },
      volatility: { source: 'csv', path: short.vix },
    });
    expect(vixGap.message).toMatch(/no VIX close for 2025-01-13/);
    expect(vixGap.fields?.[0]?.path).toBe('volatility.path');

    const badParam = await refusal('backtest:run-options', {
      underlying: { path: short.spy },
      volatility: { source: 'synthetic' },
      params: { profitTarget: -1 },
    });
    expect(badParam.fields?.[0]?.path).toBe('params.profitTarget');

    const relative = await refusal('backtest:run-options', {
      underlying: { path: 'SPY_5m.csv' },
      volatility: { source: 'synthetic' },
    });
    expect(relative.fields?.[0]).toEqual({
      path: 'underlying.path',
      message: 'give the full path of the file, not SPY_5m.csv',
    });

    const noPath = await refusal('backtest:run-options', {
      underlying: { path: '' },
      volatility: { source: 'csv', path: short.vix },
    });
    expect(noPath.message).toMatch(/SPY bars CSV file/);
    // The contract's own schema names its fields.
    const preset = await refusal('backtest:run-options', {
      preset: '3k',
      underlying: { path: short.spy },
      volatility: { source: 'synthetic' },
    });
    expect(preset.fields?.[0]?.path).toBe('preset');
    const cash = await refusal('backtest:run-options', {
      underlying: { path: short.spy },
      volatility: { source: 'synthetic' },
      cash: -5,
    });
    expect(cash.fields?.[0]).toMatchObject({ path: 'cash' });

    const daily = join(fileDir, 'SPY_daily.csv');
    const days = Array.from(
      { length: 28 },
      (_, i) => `2025-02-${String(i + 1).padStart(2, '0')},590,591,589,590,1000`,
    );
    writeFileSync(daily, `date,open,high,low,close,volume\n${days.join('\n')}\n`);
    const dailyRefusal = await refusal('backtest:run-options', {
      underlying: { path: daily },
      volatility: { source: 'synthetic' },
    });
    expect(dailyRefusal.fields?.[0]?.path).toBe('underlying.path');
    expect(dailyRefusal.message).toMatch(/needs intraday bars/);
    expect(await value<BacktestSummary[]>('backtest:list', {})).toEqual([]);
  });
});
