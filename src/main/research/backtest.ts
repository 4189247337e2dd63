// A backtest: plain data in (config and bar columns), plain data out (columns, fills, trades, metrics), so it
// can run in a worker_thread. Same config, data and seed give the same result, byte for byte once written.
import type { BarSeries, Timeframe } from '../../shared/domain/bars';
import type { PerformanceMetrics } from '../../shared/domain/metrics';
import type { Order, RiskState, Trade } from '../../shared/domain/trading';
import { seededRandom } from '../../shared/random';
import { Engine } from '../engine/engine';
import { EventCollector, type OrderDenied, type RiskStateChanged } from '../engine/events';
import type { FillTable } from '../engine/fill-table';
import { sequentialIds } from '../engine/ids';
import { buyAndHoldEquity, computeMetrics, drawdownCurve } from '../engine/metrics';
import { simVenue } from '../engine/sim-venue';
import { tradeList } from '../engine/trade-table';
import { ENGINE_VERSION } from '../engine/version';
import { buildMarkets } from '../strategies/market-builder';
import {
  type BacktestConfig,
  type BacktestConfigInput,
  ConfigError,
  parseBacktestConfig,
} from '../strategies/run-config';

export interface BacktestResult {
  readonly engineVersion: string;
  readonly config: BacktestConfig;
  readonly symbols: readonly string[];
  /** Each symbol's strategy with its parameters resolved (defaults filled in). */
  readonly strategies: Readonly<Record<string, { readonly id: string; readonly params: unknown }>>;
  readonly timeframe: Timeframe;
  /** One point per distinct bar time; drawdown is the fraction below the running peak. */
  readonly equity: {
    readonly time: Float64Array;
    readonly equity: Float64Array;
    readonly cash: Float64Array;
    readonly drawdown: Float64Array;
    readonly length: number;
  };
  /** Buy-and-hold of the traded symbols, equal weights. */
  readonly benchmark: { readonly time: Float64Array; readonly equity: Float64Array; readonly length: number };
  readonly metrics: PerformanceMetrics;
  readonly benchmarkMetrics: PerformanceMetrics;
  readonly fills: FillTable;
  readonly trades: readonly Trade[];
  /** Every order in its final state, in the order they finished; empty unless `keepOrders` was asked. */
  readonly orders: readonly Order[];
  readonly denials: readonly OrderDenied[];
  readonly riskEvents: readonly RiskStateChanged[];
  readonly stats: BacktestStats;
  /** What a reader must know to trust the numbers, in words. */
  readonly notes: readonly string[];
}

export interface BacktestStats {
  readonly bars: number;
  readonly barTimes: number;
  readonly orders: number;
  readonly barsInMarket: number;
  readonly fees: number;
  readonly stopAndTargetSameBar: number;
  readonly randomRejections: number;
  readonly partialFills: number;
  readonly finalRiskState: RiskState;
}

function checkData(data: readonly BarSeries[]): Timeframe {
  if (data.length === 0) throw new ConfigError('data', 'no bar series to backtest');
  const timeframe = data[0]!.timeframe;
  for (const series of data) {
    if (series.timeframe !== timeframe) {
      throw new ConfigError(
        'data',
        `${series.symbol} is ${series.timeframe} but ${data[0]!.symbol} is ${timeframe}`,
      );
    }
    if (series.length === 0) throw new ConfigError('data', `${series.symbol} has no bars`);
  }
  return timeframe;
}

export interface BacktestOptions {
  /** Progress every `every` bar times, e.g. for a worker's progress messages. */
  readonly progress?: { readonly every: number; report(barTimesDone: number, barTimesTotal: number): void };
  /** Keep every order's final state in the result (memory grows with the number of orders). Default false. */
  readonly keepOrders?: boolean;
}

export function runBacktest(
  configInput: BacktestConfigInput | BacktestConfig,
  data: readonly BarSeries[],
  options: BacktestOptions = {},
): BacktestResult {
  const config = parseBacktestConfig(configInput);
  const timeframe = checkData(data);
  const { markets, strategies } = buildMarkets(config, data);
  const collector = new EventCollector({ orders: options.keepOrders === true ? 'final' : 'none' });
  const progress = options.progress;
  let total = 0;
  const engine = new Engine(
    {
      markets,
      cash: config.cash,
      risk: config.risk,
      ids: sequentialIds('bt'),
      sink: collector,
      closeAtEnd: config.closeAtEnd,
      ...(progress !== undefined && {
        progress: { every: progress.every, report: (done: number) => progress.report(done, total) },
      }),
    },
    simVenue(config.venue, seededRandom(config.seed)),
  );
  total = engine.curve.time.length;
  engine.run();
  const trades = tradeList(collector.trades.table());

  const curve = engine.curve;
  const length = curve.length;
  const equity = {
    time: curve.time.subarray(0, length),
    equity: curve.equity.subarray(0, length),
    cash: curve.cash.subarray(0, length),
    drawdown: drawdownCurve(curve.equity, length),
    length,
  };
  const fees = engine.portfolio.fees;
  const metrics = computeMetrics({
    time: equity.time,
    equity: equity.equity,
    length,
    trades,
    fees,
    barsInMarket: engine.barsInMarket,
    timeframe,
    calendar: config.calendar,
    riskFreeRate: config.riskFreeRate,
  });
  const benchmark = buyAndHoldEquity(data, config.cash);
  const benchmarkMetrics = computeMetrics({
    ...benchmark,
    trades: [],
    fees: 0,
    barsInMarket: benchmark.length,
    timeframe,
    calendar: config.calendar,
    riskFreeRate: config.riskFreeRate,
  });
  const stats: BacktestStats = {
    bars: data.reduce((sum, series) => sum + series.length, 0),
    barTimes: length,
    orders: engine.orders.created,
    barsInMarket: engine.barsInMarket,
    fees,
    stopAndTargetSameBar: engine.venue.stats.stopAndTargetSameBar,
    randomRejections: engine.venue.stats.randomRejections,
    partialFills: engine.venue.stats.partialFills,
    finalRiskState: engine.riskState,
  };
  return {
    engineVersion: ENGINE_VERSION,
    config,
    symbols: data.map((series) => series.symbol),
    strategies,
    timeframe,
    equity,
    benchmark,
    metrics,
    benchmarkMetrics,
    fills: collector.fills.table(),
    trades,
    orders: collector.finalOrders,
    denials: collector.denials,
    riskEvents: collector.riskStates,
    stats,
    notes: notesFor(config, stats, collector, trades),
  };
}

function iso(time: number): string {
  return new Date(time).toISOString();
}

function notesFor(
  config: BacktestConfig,
  stats: BacktestStats,
  collector: EventCollector,
  trades: readonly Trade[],
): string[] {
  const notes: string[] = [];
  notes.push(
    config.venue.fill === 'next-open'
      ? 'fills: market orders decided at a bar’s close fill at the next bar’s open'
      : 'fills: market orders fill at the close of the bar they were decided on (same-bar-close)',
  );
  if (!config.risk.enabled) notes.push('no-risk mode: intents sized only; no stops, targets or risk limits');
  notes.push(`stop and target in one bar: stop assumed first (${stats.stopAndTargetSameBar} times)`);
  if (config.venue.latencyBars > 0)
    notes.push(`orders arrive ${config.venue.latencyBars} bar(s) after the decision`);
  if (stats.randomRejections > 0)
    notes.push(`${stats.randomRejections} orders rejected at random by the venue`);
  if (stats.partialFills > 0) notes.push(`${stats.partialFills} partial fills limited by bar volume`);
  if (collector.denials.length > 0) {
    const byReason = new Map<string, number>();
    for (const denial of collector.denials)
      byReason.set(denial.reason, (byReason.get(denial.reason) ?? 0) + 1);
    const top = [...byReason.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 3)
      .map(([reason, count]) => `${reason} (${count})`);
    notes.push(`${collector.denials.length} intents denied by the risk gateway: ${top.join('; ')}`);
  }
  for (const change of collector.riskStates) {
    notes.push(`risk state ${change.from} → ${change.to} at ${iso(change.time)}: ${change.reason}`);
  }
  const endOfData = trades.filter((trade) => trade.exitReason === 'end_of_data').length;
  if (endOfData > 0) notes.push(`${endOfData} position(s) closed at the last close (end of data)`);
  return notes;
}
