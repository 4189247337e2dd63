// One Phase 4D options backtest inside the backtest worker: the underlying's bars (read in main's file worker) and
// the volatility source in, runOptionsBacktest, and the outcome shaped like an equity run's for the runs table —
// trades with their OCC symbols, fills, the equity curve, and the options report flattened into the run's stats.
import type { BacktestFillRow } from '../../shared/domain/backtest';
import type { BarSeries } from '../../shared/domain/bars';
import { entryKey, type OptionPresetId, type OptionsRunStats } from '../../shared/domain/options-backtest';
import { fillList } from '../engine/fill-table';
import { realisedVix } from '../feeds/realised-vix';
import type { VolatilityHistory } from '../feeds/vix-history';
import type { BacktestJobOutcome } from './backtest-job';
import { runOptionsBacktest } from './options-backtest';
import type { OptionsReport } from './options-report';

export interface OptionsJobRequest {
  readonly kind: 'options';
  readonly bars: { readonly series: readonly BarSeries[]; readonly notes: readonly string[] };
  readonly preset: OptionPresetId;
  readonly params: Readonly<Record<string, unknown>>;
  readonly cash: number;
  /** A VIX file read (and its coverage checked) in main, or the underlying's realised volatility, built here. */
  readonly volatility:
    | { readonly source: 'csv'; readonly history: VolatilityHistory }
    | { readonly source: 'synthetic' };
}

/** The report's figures as a run's stats keep them (see OptionsRunStats). */
export function optionsRunStats(
  report: OptionsReport,
  underlyingAtEntry: Readonly<Record<string, number>>,
): OptionsRunStats {
  return {
    kind: 'options',
    preset: report.preset.id,
    underlying: report.underlying,
    priceSource: report.priceSource,
    volatilitySource: report.volatilitySource,
    settlementRule: report.settlementRule,
    firstDay: report.period.firstDay,
    lastDay: report.period.lastDay,
    cash: report.cash,
    endEquity: report.endEquity,
    tradingDays: report.tradingDays,
    tradedDays: report.tradedDays,
    executionRate: report.executionRate,
    skippedDays: report.skippedDays,
    skippedByReason: report.skippedByReason,
    noEntryDays: report.noEntryDays,
    noEntryByReason: report.noEntryByReason,
    trades: report.trades,
    wins: report.wins,
    losses: report.losses,
    winRate: report.winRate,
    exitReasons: report.exitReasons,
    totalPnl: report.totalPnl,
    averageDailyPnl: report.averageDailyPnl,
    targetDailyPnl: report.targetDailyPnl,
    dailyPnlVsTarget: report.dailyPnlVsTarget,
    costTotal: report.costs.total,
    costCommissions: report.costs.commissions,
    costSpread: report.costs.spread,
    costSlippage: report.costs.slippage,
    premiumPaid: report.costs.premiumPaid,
    costOfPremium: report.costs.totalOfPremium,
    maxDrawdown: report.maxDrawdown,
    denials: report.denials,
    underlyingAtEntry,
  };
}

export function executeOptionsBacktestJob(request: OptionsJobRequest): BacktestJobOutcome {
  const underlying = request.bars.series[0]!;
  const volatility =
    request.volatility.source === 'csv' ? request.volatility.history : realisedVix(underlying);
  const result = runOptionsBacktest({
    underlying,
    preset: request.preset,
    params: request.params,
    volatility,
    cash: request.cash,
    notes: request.bars.notes,
  });
  const { report } = result;
  const fills: BacktestFillRow[] = fillList(result.fills).map((fill) => ({
    time: fill.time,
    symbol: fill.symbol,
    side: fill.side,
    qty: fill.qty,
    price: fill.price,
    fee: fill.fee,
    orderId: fill.orderId,
  }));
  const underlyingAtEntry: Record<string, number> = {};
  for (const trade of result.trades) underlyingAtEntry[entryKey(trade)] = trade.underlyingPrice;
  return {
    engineVersion: report.engineVersion,
    metrics: report.metrics,
    benchmarkMetrics: report.benchmark.metrics,
    stats: optionsRunStats(report, underlyingAtEntry),
    notes: [...report.notes],
    equityTime: result.equity.time,
    equity: result.equity.equity,
    drawdown: result.equity.drawdown,
    benchmarkTime: result.benchmark.time.slice(0, result.benchmark.length),
    benchmark: result.benchmark.equity.slice(0, result.benchmark.length),
    // The report's trades (with expiry, strike and the underlying at entry), as stored JSON.
    trades: result.trades.map((trade) => ({ ...trade })),
    fills,
  };
}
