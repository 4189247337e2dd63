// Issue #12 (Trust) in whole backtests: the account never goes below what it allows, and a risk halt lasts as
// long as its limit says (the daily-loss limit: the rest of that trading day; the drawdown limit: to the end).
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../src/main/research/backtest';
import { reportJson } from '../../../src/main/research/report';
import type { BarSeries } from '../../../src/shared/domain/bars';
import { type Candle, flat, seriesOf } from '../engine/helpers';

/** A seeded random walk that drifts up: 20 → about 236 over 2,500 bars, with swings for the SMAs to cross on. */
function risingWalk(n: number): BarSeries {
  let state = 7;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const candles: Candle[] = [];
  let price = 20;
  for (let i = 0; i < n; i++) {
    const next = price * (1 + 0.0012 + (random() - 0.5) * 0.04);
    candles.push([price, Math.max(price, next) * 1.002, Math.min(price, next) * 0.998, next]);
    price = next;
  }
  return seriesOf('WALK', candles);
}

describe('the account in a backtest (SMA 10/30, 100 shares, --no-risk)', () => {
  const walk = risingWalk(2_500);
  const config = {
    cash: 5_000,
    strategy: { id: 'sma-crossover', params: { fast: 10, slow: 30 } },
    risk: { enabled: false, sizing: { mode: 'fixed-qty' as const, qty: 100 } },
  };

  it('a cash account (the default) refuses the buys it cannot pay for: cash never goes below 0', () => {
    const result = runBacktest(config, [walk]);
    expect(result.config.account.type).toBe('cash');
    // 100 shares end up costing several times the starting cash: the broker refuses the ones it cannot pay for.
    expect(walk.close[walk.length - 1]! * 100).toBeGreaterThan(4 * config.cash);
    const refused = result.stats.rejections['insufficient cash'] ?? 0;
    expect(refused).toBeGreaterThan(0);
    expect(Math.min(...result.equity.cash)).toBeGreaterThanOrEqual(0);
    expect(result.notes).toContain(
      `${refused} orders rejected by the simulated broker: insufficient cash (${refused})`,
    );
    // report.json counts the rejections by reason.
    const report = JSON.parse(reportJson(result)) as { stats: { rejections: Record<string, number> } };
    expect(report.stats.rejections).toEqual({ 'insufficient cash': refused });
  });

  it('a margin account at 2x borrows up to twice its equity: cash may go negative, never beyond that', () => {
    const result = runBacktest({ ...config, account: { type: 'margin' } }, [walk]);
    const cash = result.equity.cash;
    const equity = result.equity.equity;
    expect(Math.min(...cash)).toBeLessThan(0);
    // Long only: positions = equity − cash ≤ 2 × equity at the fill; at the closes a little drift is allowed.
    for (let k = 0; k < result.equity.length; k++)
      expect(equity[k]! - cash[k]!).toBeLessThanOrEqual(2.2 * equity[k]!);
    expect(result.stats.rejections).toEqual({});
  });
});

// Hourly bars on New York time (EST, UTC−5): Monday 2024-03-04 09:30 … 15:30, a 19:30 after-hours bar (00:30 UTC
// on Tuesday), then Tuesday 09:30 … 15:30.
const HOUR = 3_600_000;
function newYorkHours(closes: readonly number[]): BarSeries {
  const monday = Date.UTC(2024, 2, 4, 14, 30);
  const tuesday = monday + 24 * HOUR;
  const times = [0, 1, 2, 3, 4, 5, 6].map((h) => monday + h * HOUR);
  times.push(monday + 10 * HOUR);
  for (let h = 0; h < 7; h++) times.push(tuesday + h * HOUR);
  const series = seriesOf(
    'NYC',
    closes.map((close) => flat(close)),
    monday,
    HOUR,
  );
  times.forEach((time, i) => {
    series.time[i] = time;
  });
  return series;
}

describe('a daily-loss halt in a backtest', () => {
  // SMA 2/3 buys 900 shares at Monday 13:30's open (102); the 90 close at 14:30 is a 10.8% day loss: halted.
  const closes = [100, 100, 100, 101, 102, 90, 90, 90, 90, 91, 92, 93, 94, 95, 96];
  const result = runBacktest(
    {
      cash: 100_000,
      strategy: { id: 'sma-crossover', params: { fast: 2, slow: 3 } },
      risk: { sizing: { mode: 'fixed-qty', qty: 900 }, stopLoss: 0, takeProfit: 0, maxDailyLoss: 0.05 },
    },
    [newYorkHours(closes)],
  );

  it('lasts for the rest of that New York trading day (after hours too), and trading resumes at the next open', () => {
    expect(result.riskEvents.map((e) => [new Date(e.time).toISOString(), e.to, e.reason])).toEqual([
      ['2024-03-04T19:30:00.000Z', 'HALTED', 'daily loss 10.80% reached the 5% limit'],
      ['2024-03-05T14:30:00.000Z', 'ACTIVE', 'new trading day'],
    ]);
    expect(result.stats.finalRiskState).toBe('ACTIVE');
  });

  it('reports how long trading was halted, in bars and as a share of the run, in its headline', () => {
    // Monday 14:30, 15:30 and 19:30: 3 of 15 bar times.
    expect(result.stats.haltedBarTimes).toBe(3);
    expect(result.stats.haltedShare).toBeCloseTo(0.2, 12);
    expect(result.stats.haltHeadline).toBe(
      'Trading halted once by the daily-loss limit, each time for the rest of that trading day: 3 bars, 20% of the run',
    );
    const report = JSON.parse(reportJson(result)) as { stats: Record<string, unknown> };
    expect(report.stats).toMatchObject({ haltedBarTimes: 3, haltedShare: 0.2 });
  });
});

describe('a drawdown halt in a backtest', () => {
  it('lasts to the end, and the headline says so with the halted share of the run', () => {
    // Daily bars from 2024-01-01: long 900 from bar 4's open (102); the fall to 90 on bar 5 is a 10.6% drawdown.
    const closes = [100, 100, 100, 101, 102, 90, 95, 100, 105, 110];
    const result = runBacktest(
      {
        cash: 100_000,
        strategy: { id: 'sma-crossover', params: { fast: 2, slow: 3 } },
        risk: {
          sizing: { mode: 'fixed-qty', qty: 900 },
          stopLoss: 0,
          takeProfit: 0,
          maxDailyLoss: 1,
          maxDrawdown: 0.1,
        },
      },
      [
        seriesOf(
          'DD',
          closes.map((close) => flat(close)),
        ),
      ],
    );
    expect(result.riskEvents.map((e) => [e.to, e.limit])).toEqual([['HALTED', 'drawdown']]);
    expect(result.stats.finalRiskState).toBe('HALTED');
    // Bars 5 … 9: half the run.
    expect(result.stats.haltedBarTimes).toBe(5);
    expect(result.stats.haltHeadline).toBe(
      'Trading halted by the drawdown limit from 2024-01-06 to the end: 50% of the run',
    );
  });
});
