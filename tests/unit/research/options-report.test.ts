import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../src/main/engine/metrics';
import {
  dayCounts,
  OPTION_TRADE_COLUMNS,
  optionCosts,
  optionsReport,
  optionTrade,
} from '../../../src/main/research/options-report';
import { textOf, writeTradeListCsv } from '../../../src/main/research/report';
import { PHASE4D_PRESETS } from '../../../src/main/strategies/phase4d-rules';
import type { OptionDayDecision } from '../../../src/shared/domain/options';
import type { Fill, Trade } from '../../../src/shared/domain/trading';

const SYMBOL = 'SPY250106P00590000';
const T0 = Date.UTC(2025, 0, 6, 15, 5);

function fill(side: 'buy' | 'sell', price: number, fee: number, time: number): Fill {
  return {
    executionId: `x${time}`,
    orderId: `o${time}`,
    symbol: SYMBOL,
    side,
    qty: 2,
    price,
    fee,
    time,
    decisionPrice: price,
  };
}

// Three fills meeting a quoted market, one cash settlement (no market, no commission).
//   buy  at 1.03 × 1.005 = 1.03515 against bid 0.97 / ask 1.03 (mid 1.00): spread (1.03 − 1.00) × 200 = 6,
//        slippage (1.03515 − 1.03) × 200 = 1.03
//   sell at 1.455 × 0.995 = 1.447725 against 1.455 / 1.545 (mid 1.50): spread 0.045 × 200 = 9,
//        slippage (1.455 − 1.447725) × 200 = 1.455
//   buy  again as the first: 6 and 1.03; the settlement sell at 2.00: nothing
// Commissions 1.30 × 3 = 3.90; premium paid 1.03515 × 200 × 2 = 414.06.
const FILLS = [
  fill('buy', 1.03515, 1.3, T0),
  fill('sell', 1.447725, 1.3, T0 + 1),
  fill('buy', 1.03515, 1.3, T0 + 2),
  fill('sell', 2, 0, T0 + 3),
];
const QUOTES = new Map([
  [T0, { bid: 0.97, ask: 1.03 }],
  [T0 + 1, { bid: 1.455, ask: 1.545 }],
  [T0 + 2, { bid: 0.97, ask: 1.03 }],
]);
const quoteAt = (f: Fill) => QUOTES.get(f.time) ?? null;
const BENCHMARK = computeMetrics({
  time: Float64Array.from([T0, T0 + 900_000]),
  equity: Float64Array.from([2000, 2010]),
  length: 2,
  trades: [],
  fees: 0,
  barsInMarket: 2,
  timeframe: '5m',
});

describe('the options report', () => {
  it('costs: commissions, the half-spread crossed and slippage, in dollars and of the premium paid', () => {
    const costs = optionCosts(FILLS, quoteAt);
    expect(costs.commissions).toBeCloseTo(3.9, 10);
    expect(costs.spread).toBeCloseTo(21, 10);
    expect(costs.slippage).toBeCloseTo(1.03 + 1.455 + 1.03, 10);
    expect(costs.total).toBeCloseTo(3.9 + 21 + 3.515, 10);
    expect(costs.premiumPaid).toBeCloseTo(414.06, 10);
    expect(costs.totalOfPremium).toBeCloseTo(28.415 / 414.06, 12);
    expect(costs.spreadOfPremium).toBeCloseTo(21 / 414.06, 12);
    expect(optionCosts([], quoteAt).totalOfPremium).toBeNull();
  });

  it('counts trading, traded, skipped and not-entered days, by reason', () => {
    const day = (d: number, decision: OptionDayDecision['decision'], reason?: string): OptionDayDecision => ({
      day: `2025-01-${String(d).padStart(2, '0')}`,
      decision,
      ...(reason !== undefined && { reason }),
      inputs: {},
    });
    const decisions = [
      day(2, 'traded'),
      day(3, 'skipped', 'high_vix'),
      day(6, 'skipped', 'moderate_volatility'),
      day(7, 'traded'),
      day(8, 'skipped', 'extreme_volatility'),
      day(9, 'skipped', 'moderate_volatility'),
      day(10, 'no_entry', 'the entry order for SPY250110P00590000 did not fill'),
      day(13, 'traded'),
      day(14, 'no_entry', 'the entry order for SPY250114P00588000 did not fill'),
    ];
    expect(dayCounts(decisions)).toEqual({
      tradingDays: 9,
      tradedDays: 3,
      skippedDays: 4,
      noEntryDays: 2,
      executionRate: 3 / 9,
      skippedByReason: { high_vix: 1, moderate_volatility: 2, extreme_volatility: 1 },
      // One reason, whichever contract it named.
      noEntryByReason: { 'the entry order for the contract did not fill': 2 },
    });
    expect(dayCounts([]).executionRate).toBeNull();

    // 2K: three trades of +10, −20, +30 over those 9 days; equity 2000 → 2010 → 1990 → 2020.
    const trade = (pnl: number, exitReason: Trade['exitReason']): Trade => ({
      symbol: SYMBOL,
      side: 'long',
      qty: 2,
      entryTime: T0,
      entryPrice: 1,
      exitTime: T0 + 1,
      exitPrice: 1 + pnl / 200,
      pnl,
      fees: 2.6,
      barsHeld: 3,
      exitReason,
    });
    const report = optionsReport({
      engineVersion: 'test',
      strategy: 'phase4d',
      preset: PHASE4D_PRESETS['2k'],
      params: {},
      underlying: 'SPY',
      timeframe: '5m',
      cash: 2000,
      decisions,
      trades: [trade(10, 'profit_target'), trade(-20, 'end_of_day'), trade(30, 'profit_target')].map((t) =>
        optionTrade(t, 589.6),
      ),
      fills: FILLS,
      quoteAt,
      equity: {
        time: Float64Array.from([0, 1, 2, 3].map((k) => T0 + k * 300_000)),
        equity: Float64Array.from([2000, 2010, 1990, 2020]),
        length: 4,
      },
      priceSource: 'synthetic option prices: test',
      volatilitySource: 'VIX_History.csv (CBOE VIX)',
      settlementRule: 'cash-settled at intrinsic value',
      bars: { first: T0, last: T0 + 900_000, count: 4 },
      benchmarkMetrics: BENCHMARK,
      denials: 0,
      notes: [],
    });
    expect(report.executionRate).toBe(3 / 9);
    expect(report.trades).toBe(3);
    expect(report.winRate).toBeCloseTo(2 / 3, 12);
    expect(report.totalPnl).toBe(20);
    // 20 over 9 trading days (skipped and not-entered days count), against the 2K target of 34.38.
    expect(report.averageDailyPnl).toBeCloseTo(20 / 9, 12);
    expect(report.targetDailyPnl).toBe(34.38);
    expect(report.dailyPnlVsTarget).toBeCloseTo(20 / 9 - 34.38, 10);
    expect(report.maxDrawdown).toBeCloseTo(20 / 2010, 12);
    expect(report.exitReasons).toEqual({ profit_target: 2, end_of_day: 1 });
    expect(report.endEquity).toBe(2020);
    expect(report.benchmark).toEqual({ name: 'buy-and-hold SPY', metrics: BENCHMARK });
    expect(report.period).toEqual({
      start: '2025-01-06T15:05:00.000Z',
      end: '2025-01-06T15:20:00.000Z',
      firstDay: '2025-01-02',
      lastDay: '2025-01-14',
      bars: 4,
    });
  });

  it('trades.csv carries the underlying at entry, the expiry and the strike after the common columns', () => {
    const trade = optionTrade(
      {
        symbol: SYMBOL,
        side: 'long',
        qty: 2,
        entryTime: T0,
        entryPrice: 1.03515,
        exitTime: T0 + 1,
        exitPrice: 1.447725,
        pnl: 79.915,
        fees: 2.6,
        barsHeld: 1,
        exitReason: 'profit_target',
      },
      589.61,
    );
    expect(trade.expiry).toBe('2025-01-06');
    expect(trade.strike).toBe(590);
    const csv = textOf((sink) => writeTradeListCsv([trade], sink, OPTION_TRADE_COLUMNS)).split('\n');
    expect(csv[0]).toBe(
      'symbol,side,qty,entry_time,entry_price,exit_time,exit_price,pnl,fees,bars_held,exit_reason,underlying_price,expiry,strike',
    );
    expect(csv[1]).toBe(
      'SPY250106P00590000,long,2,2025-01-06T15:05:00.000Z,1.03515,2025-01-06T15:05:00.001Z,1.447725,79.915,2.6,1,profit_target,589.61,2025-01-06,590',
    );
  });
});
