// P&L by period over the API, from what the stores hold: a backtest run's full equity curve and trades, a paper
// session's equity snapshots and trades. The days add up to the run's P&L; the trades are all counted.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Services } from '../../../src/main/services';
import type { BacktestProgress } from '../../../src/shared/domain/backtest';
import type { PnlByPeriod } from '../../../src/shared/domain/research';
import type { SessionSnapshot } from '../../../src/shared/domain/session';
import { type BacktestDetailColumns, columnsToTrades } from '../../../src/shared/domain/trade-columns';
import { tempDataDir } from '../../support/host-process';
import { callValue, testServices, until } from '../sessions/session-test-services';

let dataDir: string;
let services: Services;
let progress: BacktestProgress[];
let fills = 0;

beforeEach(() => {
  dataDir = tempDataDir('marketboss-periods-');
  services = testServices(dataDir);
  progress = [];
  fills = 0;
  services.pushes.subscribe((topic, batch) => {
    if (topic === 'progress') progress.push(...(batch as BacktestProgress[]));
    if (topic === 'fill') fills += batch.length;
  });
});
afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const value = <T>(name: string, arg: unknown): Promise<T> => callValue<T>(services, name, arg);
const total = (rows: PnlByPeriod['day']): number => rows.reduce((sum, r) => sum + r.pnl, 0);

describe('P&L by period over the API', () => {
  test('backtest:periods: three years of daily bars by day, ISO week, month and year from the full curve', async () => {
    const { runId } = await value<{ runId: string }>('backtest:run', {
      data: { source: 'synthetic', symbols: ['ACME'], timeframe: '1D', bars: 756, seed: 7 },
      config: { cash: 50_000, strategy: { id: 'sma-crossover', params: { fast: 10, slow: 30 } } },
    });
    await until(() => progress.some((p) => p.runId === runId && p.status === 'done'), 'the run to finish');
    // A thinned curve of 100 points for the chart; the periods must not use it.
    const detail = await value<BacktestDetailColumns>('backtest:get', { runId, maxPoints: 100 });
    const periods = await value<PnlByPeriod>('backtest:periods', { runId });
    expect(periods.day).toHaveLength(756);
    expect(periods.year.map((r) => r.label)).toEqual(['2023', '2024', '2025']);
    // 756 weekdays from 2 January 2023 run into November 2025: 35 months, each the days' YYYY-MM.
    expect(periods.month.map((r) => r.label)).toEqual([
      ...new Set(periods.day.map((r) => r.label.slice(0, 7))),
    ]);
    expect(periods.month).toHaveLength(35);
    expect(periods.month[0]).toMatchObject({ label: '2023-01', start: Date.UTC(2023, 0, 1) });
    expect(periods.week[0]!.label).toBe('2023-W01');
    const pnl = detail.metrics!.endEquity! - 50_000;
    for (const rows of [periods.day, periods.week, periods.month, periods.year]) {
      expect(total(rows)).toBeCloseTo(pnl, 6);
      expect(rows.reduce((sum, r) => sum + r.trades, 0)).toBe(detail.trades.length);
      expect(rows.reduce((sum, r) => sum + r.wins, 0)).toBe(
        columnsToTrades(detail.trades).filter((t) => t.pnl > 0).length,
      );
    }
    const missing = await services.dispatch('backtest:periods', { runId: 'bt-nothere' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  test('session:periods: a paper run’s equity snapshots and trades; nothing before the first run', async () => {
    const { id } = await value<{ id: string }>('session:create', {
      name: 'periods',
      config: { symbols: ['ACME'], feed: { kind: 'synthetic-live', speed: 12_000 } },
    });
    expect(await value<PnlByPeriod>('session:periods', { sessionId: id })).toEqual({
      day: [],
      week: [],
      month: [],
      year: [],
    });
    await value('session:start', { sessionId: id });
    await until(() => fills >= 4, 'a few fills');
    await value('session:stop', { sessionId: id, flatten: true });
    const snapshot = await value<SessionSnapshot>('session:get', { sessionId: id });
    const periods = await value<PnlByPeriod>('session:periods', { sessionId: id });
    expect(periods.day.length).toBeGreaterThan(0);
    const pnl = snapshot.equityCurve.equity.at(-1)! - (snapshot.session.config.cash as number);
    for (const rows of [periods.day, periods.week, periods.month, periods.year]) {
      expect(total(rows)).toBeCloseTo(pnl, 6);
    }
  });
});
