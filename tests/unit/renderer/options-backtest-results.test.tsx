// @vitest-environment happy-dom
// An options run's results: the figures in a trader's words (execution, skips by reason, win rate, daily P&L against
// the preset's target, costs as a share of premium, drawdown), the price source and settlement rule stated, the
// trades with the contract in words and SPY at entry, and the fills placed on SPY's candles.
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  OptionsSummary,
  OptionTrades,
} from '../../../src/renderer/src/views/backtests/options/OptionsResults';
import {
  optionsFigures,
  underlyingMarkers,
} from '../../../src/renderer/src/views/backtests/options/options-results-model';
import type { BacktestDetail, BacktestTradeRow } from '../../../src/shared/domain/backtest';
import {
  type OptionsRunStats,
  optionContractInWords,
  optionsStatsOf,
} from '../../../src/shared/domain/options-backtest';

vi.mock('../../../src/renderer/src/components/chart/EquityChart', () => ({
  EquityChart: (props: { label: string; compare: { label: string } }) => (
    <div data-testid="equity-chart">
      {props.label} vs {props.compare.label}
    </div>
  ),
}));

afterEach(cleanup);

const ENTRY = Date.parse('2025-01-07T15:05:00Z');
const EXIT = Date.parse('2025-01-07T17:00:00Z');
const trade: BacktestTradeRow = {
  symbol: 'SPY250107P00591000',
  side: 'long',
  qty: 2,
  entryTime: ENTRY,
  entryPrice: 1.59,
  exitTime: EXIT,
  exitPrice: 2.47,
  pnl: 173.34,
  fees: 2.6,
  barsHeld: 23,
  exitReason: 'profit_target',
};

const stats: OptionsRunStats = {
  kind: 'options',
  preset: '2k',
  underlying: 'SPY',
  priceSource:
    'synthetic option prices: CRR American puts, σ = previous VIX close from VIX_History.csv (CBOE VIX)',
  volatilitySource: 'VIX_History.csv (CBOE VIX)',
  settlementRule: 'a position still open at the close of its expiry day is cash-settled at intrinsic value',
  firstDay: '2025-01-07',
  lastDay: '2025-01-17',
  cash: 2_000,
  endEquity: 2_189.28,
  tradingDays: 8,
  tradedDays: 6,
  executionRate: 0.75,
  skippedDays: 3,
  skippedByReason: { extreme_volatility: 1, high_vix: 2 },
  noEntryDays: 0,
  noEntryByReason: {},
  trades: 6,
  wins: 4,
  losses: 2,
  winRate: 4 / 6,
  exitReasons: { profit_target: 4, max_loss: 1, end_of_day: 1 },
  totalPnl: 189.28,
  averageDailyPnl: 189.28 / 8,
  targetDailyPnl: 34.38,
  dailyPnlVsTarget: 189.28 / 8 - 34.38,
  costTotal: 86.72,
  costCommissions: 15.6,
  costSpread: 60,
  costSlippage: 11.12,
  premiumPaid: 1_409.01,
  costOfPremium: 86.72 / 1_409.01,
  maxDrawdown: 0.1538,
  denials: 0,
  underlyingAtEntry: { [`SPY250107P00591000@${ENTRY}`]: 590.12 },
};

const figure = (label: string) => optionsFigures(stats).find((f) => f.label === label)!;

describe('the figures in words', () => {
  test('execution, skipped days by reason, win rate, daily P&L against the target, costs of premium', () => {
    expect(figure('Execution rate').text).toBe('75.00% — traded 6 of 8 days');
    expect(figure('Skipped days').text).toBe('3 (VIX above the limit 2, extreme SPY range 1)');
    expect(figure('No entry').text).toBe('0');
    expect(figure('Win rate').text).toBe('66.67% — 4 won, 2 lost of 6');
    expect(figure('Daily P&L').text).toBe('+$23.66 a trading day vs target $34.38 (below by $10.72)');
    expect(figure('Daily P&L').tone).toBe('down');
    expect(figure('Costs').text).toBe('$86.72 = 6.15% of premium paid ($1,409.01)');
    expect(figure('Max drawdown').text).toBe('15.38%');
    expect(figure('Account').text).toBe('$2,000.00 → $2,189.28 (2K preset)');
  });

  test('a run above its target says so; a run that never traded shows no win rate or cost share', () => {
    const above = optionsFigures({ ...stats, averageDailyPnl: 40, dailyPnlVsTarget: 5.62 });
    expect(above.find((f) => f.label === 'Daily P&L')!.text).toBe(
      '+$40.00 a trading day vs target $34.38 (at or above by $5.62)',
    );
    const idle = optionsFigures({ ...stats, trades: 0, winRate: null, costTotal: 0, costOfPremium: null });
    expect(idle.find((f) => f.label === 'Win rate')!.text).toBe('—');
    expect(idle.find((f) => f.label === 'Costs')!.text).toBe('$0.00 (no premium paid)');
    const warmUp = optionsFigures({ ...stats, tradingDays: 0, tradedDays: 0, executionRate: null });
    expect(warmUp.find((f) => f.label === 'Execution rate')!.text).toMatch(
      /^no trading day: every day was warm-up/,
    );
  });

  test('an equity run has no options figures; an OCC symbol reads as a contract', () => {
    expect(optionsStatsOf({ trades: 3 })).toBeNull();
    expect(optionsStatsOf(stats)).toBe(stats);
    expect(optionContractInWords('SPY250107P00591000')).toBe('SPY 2025-01-07 591 P');
    expect(optionContractInWords('SPY250117C00450500')).toBe('SPY 2025-01-17 450.5 C');
    expect(optionContractInWords('AAPL')).toBe('AAPL');
  });
});

const detail = {
  id: 'bt-1',
  name: 'Phase 4D 2K',
  status: 'done',
  data: { source: 'csv', files: [], symbols: ['SPY'], timeframe: '5m' },
  stats,
  equity: { time: [ENTRY, EXIT], equity: [2_000, 2_173.34], drawdown: [0, 0] },
  benchmark: { time: [ENTRY, EXIT], equity: [2_000, 1_990] },
  trades: [trade],
  fills: [],
} as unknown as BacktestDetail;

describe('the results panel', () => {
  test('figures, the rules stated, the equity curve against buy and hold SPY', () => {
    render(<OptionsSummary run={detail} detail={detail} stats={stats} />);
    const table = screen.getByRole('table', { name: 'Options figures' });
    expect(within(table).getByRole('row', { name: /Execution rate/ }).textContent).toContain(
      'traded 6 of 8 days',
    );
    expect(screen.getByText(/Phase 4D 2K · SPY puts · 5m bars · 2025-01-07 → 2025-01-17/)).toBeTruthy();
    const rules = screen.getByTestId('options-rules').textContent!;
    expect(rules).toContain('synthetic option prices: CRR American puts');
    expect(rules).toContain('cash-settled at intrinsic value');
    expect(screen.getByTestId('equity-chart').textContent).toBe('Phase 4D vs Buy and hold SPY');
  });

  test('trades: the contract in words, contracts, premiums, P&L in dollars, the exit reason, SPY at entry', () => {
    render(<OptionTrades detail={detail} stats={stats} selectedKey={null} onPick={() => {}} />);
    const table = screen.getByRole('table', { name: 'Option trades' });
    const row = within(table).getByRole('row', { name: /SPY 2025-01-07 591 P/ });
    const text = row.textContent!;
    for (const part of ['SPY 2025-01-07 591 P', '1.59', '2.47', '+$173.34', 'profit target', '590.12'])
      expect(text).toContain(part);
    expect(within(table).getByRole('columnheader', { name: /SPY at entry/ })).toBeTruthy();
  });
});

describe('fills on the underlying’s candles', () => {
  test('each at the close of the bar that ended when it filled, labelled with strike and premium', () => {
    const bar = 300_000;
    const time = Float64Array.from([ENTRY - 2 * bar, ENTRY - bar, ENTRY, EXIT - bar]);
    const close = Float64Array.from([590.5, 590.12, 589.9, 587.2]);
    const fills = [
      {
        time: ENTRY,
        symbol: trade.symbol,
        side: 'buy' as const,
        qty: 2,
        price: 1.59,
        fee: 1.3,
        orderId: 'o1',
      },
      {
        time: EXIT,
        symbol: trade.symbol,
        side: 'sell' as const,
        qty: 2,
        price: 2.47,
        fee: 1.3,
        orderId: 'o2',
      },
      // Before the first bar closed: nothing to place it on.
      {
        time: ENTRY - 2 * bar,
        symbol: trade.symbol,
        side: 'buy' as const,
        qty: 1,
        price: 1,
        fee: 0,
        orderId: 'o0',
      },
    ];
    const markers = underlyingMarkers(fills, [trade], { time, close, length: 4 }, bar);
    expect(markers).toEqual([
      { time: ENTRY - bar, side: 'buy', qty: 2, price: 590.12, text: '591 P @ 1.59' },
      { time: EXIT - bar, side: 'sell', qty: 2, price: 587.2, text: '591 P @ 2.47', pnl: 173.34 },
    ]);
  });
});
