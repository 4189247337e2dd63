import { describe, expect, it } from 'vitest';
import {
  buyAndHoldEquity,
  computeMetrics,
  drawdownCurve,
  type MetricsInput,
  periodsPerYear,
} from '../../../src/main/engine/metrics';
import type { BarSeries } from '../../../src/shared/domain/bars';
import {
  annualisedWithheld,
  MIN_ANNUALISED_RETURNS,
  type PerformanceMetrics,
} from '../../../src/shared/domain/metrics';
import type { Trade } from '../../../src/shared/domain/trading';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 2);

/** A daily curve starting at T0, one point per day. */
function daily(equity: readonly number[], extra: Partial<MetricsInput> = {}): MetricsInput {
  return {
    time: Float64Array.from(equity, (_, i) => T0 + i * DAY),
    equity: Float64Array.from(equity),
    length: equity.length,
    trades: [],
    fees: 0,
    barsInMarket: 0,
    timeframe: '1D',
    ...extra,
  };
}

function trade(pnl: number, exitTime: number): Trade {
  return {
    symbol: 'AAA',
    side: 'long',
    qty: 1,
    entryTime: exitTime - DAY,
    entryPrice: 100,
    exitTime,
    exitPrice: 100 + pnl,
    pnl,
    fees: 0,
    barsHeld: 1,
    exitReason: 'signal',
  };
}

function trades(pnls: readonly number[]): Trade[] {
  return pnls.map((pnl, i) => trade(pnl, T0 + i * DAY));
}

function series(
  symbol: string,
  days: readonly number[],
  open: readonly number[],
  close: readonly number[],
): BarSeries {
  return {
    symbol,
    timeframe: '1D',
    time: Float64Array.from(days, (d) => T0 + d * DAY),
    open: Float64Array.from(open),
    high: Float64Array.from(open, (o, i) => Math.max(o, close[i]!)),
    low: Float64Array.from(open, (o, i) => Math.min(o, close[i]!)),
    close: Float64Array.from(close),
    volume: new Float64Array(days.length),
    length: days.length,
  };
}

describe('periodsPerYear', () => {
  it('uses 252 sessions of 390 minutes for US equities and 365 × 24 h for crypto', () => {
    // 390 = 6.5 h × 60; 1h bars count 6.5 per session.
    expect(periodsPerYear('1m', 'us-equities')).toBe(252 * 390);
    expect(periodsPerYear('5m', 'us-equities')).toBe(19_656);
    expect(periodsPerYear('15m', 'us-equities')).toBe(6_552);
    expect(periodsPerYear('1h', 'us-equities')).toBe(1_638);
    expect(periodsPerYear('1D', 'us-equities')).toBe(252);
    expect(periodsPerYear('1m', 'crypto')).toBe(365 * 24 * 60);
    expect(periodsPerYear('5m', 'crypto')).toBe(105_120);
    expect(periodsPerYear('15m', 'crypto')).toBe(35_040);
    expect(periodsPerYear('1h', 'crypto')).toBe(8_760);
    expect(periodsPerYear('1D', 'crypto')).toBe(365);
  });
});

describe('computeMetrics on a hand-computed curve', () => {
  // Equity 100, 110, 99, 120 on four consecutive days, ppy 252, rf 0.
  // Returns: 10/100 = 0.1, −11/110 = −0.1, 21/99 = 0.212121…; n = 3.
  // Mean = (0.1 − 0.1 + 21/99) / 3 = 7/99 = 0.070707…
  // Deviations ×99: 2.9, −16.9, 14 → Σ² = 8.41 + 285.61 + 196 = 490.02; sample var = 490.02 / 2 / 99² = 245.01 / 99².
  // Stdev = √245.01 / 99 = 0.158109…; annual vol = stdev × √252 = 2.509903…
  // Sharpe = (7/99) / (√245.01/99) × √252 = 7 √(252 / 245.01) = 7.099151…
  // Downside: only −0.1 → DD = √(0.01 / 3) = 0.1/√3; Sortino = (7/99)·√3/0.1 × √252 = 420√21 / 99 = 19.441230…
  // Peak 110 → trough 99: max drawdown 11/110 = 0.1 (11 in cash); recovered at 120, 2 bars after the peak (2 days).
  // Total return 0.2; CAGR = 1.2^(365.25/3) − 1 over 3 calendar days; Calmar = CAGR / 0.1; recovery 20/11.
  const m = computeMetrics(daily([100, 110, 99, 120], { barsInMarket: 2, fees: 1.5 }));

  it('gives the return statistics', () => {
    expect(m.periods).toBe(3);
    expect(m.periodsPerYear).toBe(252);
    expect(m.startEquity).toBe(100);
    expect(m.endEquity).toBe(120);
    expect(m.totalReturn).toBeCloseTo(0.2, 12);
    expect(m.annualVolatility).toBeCloseTo((Math.sqrt(245.01) / 99) * Math.sqrt(252), 12);
    expect(m.sharpe).toBeCloseTo(7 * Math.sqrt(252 / 245.01), 12);
    expect(m.sortino).toBeCloseTo((420 * Math.sqrt(21)) / 99, 12);
  });

  it('gives drawdown depth, duration to recovery and the ratios built on them', () => {
    expect(m.maxDrawdown).toBeCloseTo(0.1, 15);
    expect(m.maxDrawdownDuration).toBe(2);
    expect(m.maxDrawdownDurationMs).toBe(2 * DAY);
    expect(m.recoveryFactor).toBeCloseTo(20 / 11, 12);
    const cagr = 1.2 ** (365.25 / 3) - 1;
    // CAGR is huge over 3 days, so compare relative to its size.
    expect(m.cagr! / cagr).toBeCloseTo(1, 10);
    expect(m.calmar! / (cagr / 0.1)).toBeCloseTo(1, 10);
  });

  it('passes exposure and fees through', () => {
    // 2 of 4 bars in the market.
    expect(m.exposureTime).toBe(0.5);
    expect(m.fees).toBe(1.5);
  });

  it('subtracts a per-period risk-free rate from the returns', () => {
    // 2.52% a year / 252 = 0.0001 per day; stdev is unchanged by a constant shift.
    const withRf = computeMetrics(daily([100, 110, 99, 120], { riskFreeRate: 0.0252 }));
    const stdev = Math.sqrt(245.01) / 99;
    expect(withRf.sharpe).toBeCloseTo(((7 / 99 - 0.0001) / stdev) * Math.sqrt(252), 12);
    // Downside: −0.1001² → DD = 0.1001/√3.
    expect(withRf.sortino).toBeCloseTo(((7 / 99 - 0.0001) / (0.1001 / Math.sqrt(3))) * Math.sqrt(252), 10);
  });

  it('annualises with the crypto calendar when asked', () => {
    // Same returns, √365 instead of √252.
    const crypto = computeMetrics(daily([100, 110, 99, 120], { calendar: 'crypto' }));
    expect(crypto.periodsPerYear).toBe(365);
    expect(crypto.sharpe).toBeCloseTo(7 * Math.sqrt(365 / 245.01), 12);
  });
});

describe('CAGR', () => {
  it('uses the timestamps in years of 365.25 days', () => {
    // 100 → 121 over exactly two such years: √1.21 − 1 = 10%.
    const m = computeMetrics({ ...daily([100, 121]), time: Float64Array.from([T0, T0 + 2 * 365.25 * DAY]) });
    expect(m.cagr).toBeCloseTo(0.1, 12);
  });

  it('falls back to periods / ppy when timestamps are missing', () => {
    // 253 points = 252 daily periods = one year at ppy 252; 100 → 110 is 10% a year.
    const equity = Array.from({ length: 253 }, (_, i) => 100 + (10 * i) / 252);
    const m = computeMetrics({ ...daily(equity), time: new Float64Array(253) });
    expect(m.cagr).toBeCloseTo(0.1, 12);
    // No usable timestamps, so no duration in ms.
    expect(m.maxDrawdownDurationMs).toBeNull();
  });

  it('is −1 when the end equity is gone', () => {
    // A fractional power of a non-positive ratio is undefined; losing everything is −100% a year.
    const m = computeMetrics(daily([100, 50, -10]));
    expect(m.cagr).toBe(-1);
    expect(m.maxDrawdown).toBeCloseTo(1.1, 12);
  });

  it('is null rather than Infinity when a tiny span overflows', () => {
    // Doubling in one minute annualises past Number.MAX_VALUE.
    const m = computeMetrics({
      ...daily([100, 200]),
      timeframe: '1m',
      time: Float64Array.from([T0, T0 + 60_000]),
    });
    expect(m.cagr).toBeNull();
    expect(m.calmar).toBeNull();
  });
});

describe('drawdown duration', () => {
  it('runs to the last point when the curve never recovers', () => {
    // Peak 120 at index 1, never regained: 3 bars to the end (index 4), depth 30/120.
    const m = computeMetrics(daily([100, 120, 90, 100, 110]));
    expect(m.maxDrawdown).toBeCloseTo(0.25, 15);
    expect(m.maxDrawdownDuration).toBe(3);
    expect(m.maxDrawdownDurationMs).toBe(3 * DAY);
    expect(m.recoveryFactor).toBeCloseTo(10 / 30, 15);
  });

  it('reports the longest episode, not the deepest', () => {
    // 100 → 90 → 100 is 10% over 2 bars; 100 → 99 → 99.5 → 99.8 → 100 is 1% over 4 bars.
    const m = computeMetrics(daily([100, 90, 100, 99, 99.5, 99.8, 100]));
    expect(m.maxDrawdown).toBeCloseTo(0.1, 15);
    expect(m.maxDrawdownDuration).toBe(4);
    expect(m.maxDrawdownDurationMs).toBe(4 * DAY);
  });

  it('measures milliseconds on timestamps, so a weekend gap counts', () => {
    // Peak Fri (day 0), dip Mon (day 3), recovered Tue (day 4): 2 bars, 4 days.
    const m = computeMetrics({
      ...daily([100, 95, 100]),
      time: Float64Array.from([0, 3, 4], (d) => T0 + d * DAY),
    });
    expect(m.maxDrawdownDuration).toBe(2);
    expect(m.maxDrawdownDurationMs).toBe(4 * DAY);
  });
});

describe('computeMetrics edge cases', () => {
  it('flat curve: zero return and drawdown, no Sharpe or Sortino', () => {
    // Zero volatility and no downside make both ratios undefined.
    const m = computeMetrics(daily([100, 100, 100, 100]));
    expect(m.totalReturn).toBe(0);
    expect(m.cagr).toBe(0);
    expect(m.annualVolatility).toBe(0);
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.calmar).toBeNull();
    expect(m.maxDrawdown).toBe(0);
    expect(m.maxDrawdownDuration).toBe(0);
    expect(m.maxDrawdownDurationMs).toBe(0);
    expect(m.recoveryFactor).toBeNull();
  });

  it('constant growth is zero volatility, not a rounding-noise Sharpe', () => {
    // 1% every day: the stdev is only floating-point noise.
    const m = computeMetrics(daily(Array.from({ length: 50 }, (_, i) => 100 * 1.01 ** i)));
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
  });

  it('single point: no periods, nothing annualised', () => {
    const m = computeMetrics(daily([100], { barsInMarket: 1 }));
    expect(m.periods).toBe(0);
    expect(m.totalReturn).toBe(0);
    expect(m.cagr).toBeNull();
    expect(m.annualVolatility).toBeNull();
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.maxDrawdown).toBe(0);
    expect(m.maxDrawdownDurationMs).toBeNull();
    expect(m.exposureTime).toBe(1);
  });

  it('zero-length curve: everything undefined is null', () => {
    const m = computeMetrics(daily([]));
    expect(m).toMatchObject({
      totalReturn: null,
      cagr: null,
      annualVolatility: null,
      sharpe: null,
      sortino: null,
      calmar: null,
      maxDrawdown: 0,
      maxDrawdownDuration: 0,
      maxDrawdownDurationMs: null,
      recoveryFactor: null,
      exposureTime: null,
      startEquity: null,
      endEquity: null,
      periods: 0,
      trades: 0,
    });
  });

  it('honours length below the arrays capacity', () => {
    // Points past `length` (here a crash to 1) are not part of the curve.
    const input = daily([100, 110, 99, 120, 1]);
    const m = computeMetrics({ ...input, length: 4 });
    expect(m.endEquity).toBe(120);
    expect(m.sharpe).toBeCloseTo(7 * Math.sqrt(252 / 245.01), 12);
  });

  it('two returns: a defined Sharpe from the minimum sample', () => {
    // 100 → 110 → 99: returns 0.1, −0.1; mean 0, so Sharpe 0 and Sortino 0.
    const m = computeMetrics(daily([100, 110, 99]));
    expect(m.sharpe).toBeCloseTo(0, 15);
    expect(m.sortino).toBeCloseTo(0, 15);
    // Sample stdev = √(0.02 / 1).
    expect(m.annualVolatility).toBeCloseTo(Math.sqrt(0.02) * Math.sqrt(252), 12);
  });

  it('skips returns from non-positive equity', () => {
    // 100 → 0 is −100%; 0 → 50 has no simple return, so n = 1 and the sample stdev is undefined.
    const m = computeMetrics(daily([100, 0, 50]));
    expect(m.annualVolatility).toBeNull();
    expect(m.sortino).toBeCloseTo(-1 * Math.sqrt(252), 12);
  });

  it('rejects bad input loudly instead of writing NaN', () => {
    // A NaN would silently become null in report.json.
    expect(() => computeMetrics(daily([100, Number.NaN, 100]))).toThrow(RangeError);
    expect(() => computeMetrics({ ...daily([100, 110]), length: 3 })).toThrow(RangeError);
    expect(() => computeMetrics(daily([100, 110], { trades: trades([Number.NaN]) }))).toThrow(RangeError);
  });

  it('is plain JSON: a round trip changes nothing', () => {
    // null, never Infinity or NaN, for undefined figures.
    for (const input of [
      daily([]),
      daily([100]),
      daily([100, 100, 100]),
      daily([100, 120], { trades: trades([5]) }),
    ]) {
      const m = computeMetrics(input);
      expect(JSON.parse(JSON.stringify(m))).toEqual(m);
    }
  });
});

describe('trade metrics', () => {
  it('counts wins, losses and streaks in exit order', () => {
    // P&L: +10, −5, 0, +20, +5, −10, −2, −3 (8 trades).
    // Wins 10, 20, 5 → 3, gross 35; losses −5, −10, −2, −3 → 4, gross −20; one zero trade.
    // Win rate 3/8; profit factor 35/20 = 1.75; avg win 35/3; avg loss −20/4 = −5; expectancy 15/8.
    // Sequence W L 0 W W L L L → longest win streak 2, loss streak 3.
    const m = computeMetrics(daily([100, 115], { trades: trades([10, -5, 0, 20, 5, -10, -2, -3]) }));
    expect(m.trades).toBe(8);
    expect(m.winRate).toBe(0.375);
    expect(m.profitFactor).toBe(1.75);
    expect(m.averageWin).toBeCloseTo(35 / 3, 12);
    expect(m.averageLoss).toBe(-5);
    expect(m.expectancy).toBe(1.875);
    expect(m.largestWin).toBe(20);
    expect(m.largestLoss).toBe(-10);
    expect(m.longestWinStreak).toBe(2);
    expect(m.longestLossStreak).toBe(3);
  });

  it('sorts by exit time, and a zero-P&L trade breaks a streak', () => {
    // Given out of order; by exit time the sequence is +5, 0, +5, −1: no two wins in a row.
    const list = [trade(5, T0 + 2 * DAY), trade(5, T0), trade(-1, T0 + 3 * DAY), trade(0, T0 + DAY)];
    const m = computeMetrics(daily([100, 109], { trades: list }));
    expect(m.longestWinStreak).toBe(1);
    expect(m.longestLossStreak).toBe(1);
    expect(m.winRate).toBe(0.5);
  });

  it('no trades: trade figures null, streaks 0', () => {
    const m = computeMetrics(daily([100, 110]));
    expect(m).toMatchObject({
      trades: 0,
      winRate: null,
      profitFactor: null,
      averageWin: null,
      averageLoss: null,
      expectancy: null,
      largestWin: null,
      largestLoss: null,
      longestWinStreak: 0,
      longestLossStreak: 0,
    });
  });

  it('all wins: profit factor null (no losses), win rate 1', () => {
    // 2 + 4 + 6 = 12 over 3 trades.
    const m = computeMetrics(daily([100, 112], { trades: trades([2, 4, 6]) }));
    expect(m).toMatchObject({
      winRate: 1,
      profitFactor: null,
      averageWin: 4,
      averageLoss: null,
      expectancy: 4,
      largestWin: 6,
      largestLoss: null,
      longestWinStreak: 3,
      longestLossStreak: 0,
    });
  });

  it('all losses: profit factor 0, win rate 0', () => {
    // −1 − 3 = −4 over 2 trades.
    const m = computeMetrics(daily([100, 96], { trades: trades([-1, -3]) }));
    expect(m).toMatchObject({
      winRate: 0,
      profitFactor: 0,
      averageWin: null,
      averageLoss: -2,
      expectancy: -2,
      largestWin: null,
      largestLoss: -3,
      longestWinStreak: 0,
      longestLossStreak: 2,
    });
  });
});

describe('drawdownCurve', () => {
  it('is the fraction below the running peak, 0 at peaks', () => {
    // Peaks 100, 110, 120; 99 is 11/110 below, 108 is 12/120 below.
    const dd = drawdownCurve(Float64Array.from([100, 110, 99, 120, 108, 999]), 5);
    expect(dd.length).toBe(5);
    expect(dd[0]).toBe(0);
    expect(dd[1]).toBe(0);
    expect(dd[2]).toBeCloseTo(0.1, 15);
    expect(dd[3]).toBe(0);
    expect(dd[4]).toBeCloseTo(0.1, 15);
  });

  it('agrees with maxDrawdown', () => {
    // Both share one definition, so the UI and the report cannot disagree.
    const equity = [100, 120, 90, 130, 65, 80];
    const dd = drawdownCurve(Float64Array.from(equity), equity.length);
    expect(Math.max(...dd)).toBe(computeMetrics(daily(equity)).maxDrawdown);
  });

  it('is empty for an empty curve', () => {
    expect(drawdownCurve(new Float64Array(0), 0).length).toBe(0);
  });
});

describe('buyAndHoldEquity', () => {
  it('splits cash equally, aligns on the union of times and carries closes forward', () => {
    // 1000 cash → 500 each. A: days 0,1,2, open 10 → 50 shares, closes 11, 12, 9.
    // B: days 1,3, open 20 → 25 shares, closes 22, 30; before day 1 its 500 is still cash.
    // day 0: 50×11 + 500   = 1050
    // day 1: 50×12 + 25×22 = 600 + 550 = 1150
    // day 2: 50×9  + 25×22 = 450 + 550 = 1000 (B carried)
    // day 3: 50×9  + 25×30 = 450 + 750 = 1200 (A carried)
    const a = series('A', [0, 1, 2], [10, 11.5, 12], [11, 12, 9]);
    const b = series('B', [1, 3], [20, 23], [22, 30]);
    const bh = buyAndHoldEquity([a, b], 1000);
    expect(bh.length).toBe(4);
    expect(Array.from(bh.time)).toEqual([0, 1, 2, 3].map((d) => T0 + d * DAY));
    expect(Array.from(bh.equity)).toEqual([1050, 1150, 1000, 1200]);
  });

  it('one symbol is cash × close / first open', () => {
    // 100 / 8 = 12.5 shares at closes 8, 10, 6.
    const bh = buyAndHoldEquity([series('A', [0, 1, 2], [8, 8, 9], [8, 10, 6])], 100);
    expect(Array.from(bh.equity)).toEqual([100, 125, 75]);
  });

  it('leaves out symbols without bars, and is empty with none', () => {
    // The empty series gets no share: all 100 goes to A.
    const bh = buyAndHoldEquity([series('A', [0], [10], [11]), series('E', [], [], [])], 100);
    expect(Array.from(bh.equity)).toEqual([110]);
    expect(buyAndHoldEquity([], 100).length).toBe(0);
  });

  it('feeds computeMetrics as a benchmark', () => {
    // 1050 → 1200: +1200/1050 − 1; its worst dip is 1150 → 1000.
    const a = series('A', [0, 1, 2], [10, 11.5, 12], [11, 12, 9]);
    const b = series('B', [1, 3], [20, 23], [22, 30]);
    const bh = buyAndHoldEquity([a, b], 1000);
    const m = computeMetrics({ ...bh, trades: [], fees: 0, barsInMarket: bh.length, timeframe: '1D' });
    expect(m.totalReturn).toBeCloseTo(1200 / 1050 - 1, 12);
    expect(m.maxDrawdown).toBeCloseTo(150 / 1150, 12);
    expect(m.exposureTime).toBe(1);
  });
});

describe('annualised figures on a small sample', () => {
  // 13 bars of a choppy rise: 12 returns annualised by √252 make a Sharpe far from anything a year would show.
  const choppy = (bars: number) => Array.from({ length: bars }, (_, i) => 100 + i + (i % 2 === 0 ? 0.5 : 0));

  it('13 bars: the Sharpe is kept (report.json has the number) and flagged as too small a sample', () => {
    const m = computeMetrics(daily(choppy(13)));
    expect(m.periods).toBe(12);
    expect(m.sharpe).not.toBeNull();
    expect(m.sampleTooSmall).toBe(true);
    expect(annualisedWithheld(m, 'sharpe')).toBe(
      'too few bars (13) for an annualised figure: it needs 30 returns (31 bars)',
    );
    // Figures that are not annualised are never withheld.
    expect(annualisedWithheld(m, 'totalReturn')).toBeNull();
  });

  it(`${MIN_ANNUALISED_RETURNS} returns are enough; one fewer is not`, () => {
    expect(computeMetrics(daily(choppy(MIN_ANNUALISED_RETURNS + 1))).sampleTooSmall).toBe(false);
    expect(computeMetrics(daily(choppy(MIN_ANNUALISED_RETURNS))).sampleTooSmall).toBe(true);
  });

  it('a run stored before the flag existed is judged by its period count', () => {
    const { sampleTooSmall: _flag, ...old } = computeMetrics(daily(choppy(13)));
    expect(annualisedWithheld(old as PerformanceMetrics, 'sortino')).not.toBeNull();
  });
});
