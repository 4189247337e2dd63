// A backtest: plain data in (config and bar columns), plain data out (columns, fills, trades, metrics), so it
// can run in a worker_thread. Same config, data and seed give the same result, byte for byte once written.
import type { BarSeries, Timeframe } from '../../shared/domain/bars';
import type { PerformanceMetrics } from '../../shared/domain/metrics';
import type { Order, RiskState, Trade } from '../../shared/domain/trading';
import { seededRandom } from '../../shared/random';
import { grownColumn } from '../engine/columns';
import { Engine } from '../engine/engine';
import { EventCollector, type OrderDenied, type RiskStateChanged } from '../engine/events';
import type { FillTable } from '../engine/fill-table';
import { sequentialIds } from '../engine/ids';
import { buyAndHoldEquity, computeMetrics, drawdownCurve } from '../engine/metrics';
import { type RejectionKind, simVenue } from '../engine/sim-venue';
import type { StrategyOutputs } from '../engine/strategy';
import { tradeList } from '../engine/trade-table';
import { ENGINE_VERSION } from '../engine/version';
import { buildMarkets } from '../strategies/market-builder';
import {
  type BacktestConfig,
  type BacktestConfigInput,
  ConfigError,
  parseBacktestConfig,
  tradingDayEndFor,
} from '../strategies/run-config';
import { modelResources, type SignalModel } from '../strategies/signal-model';

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
  /** What model-driven strategies predicted, one series per symbol and model; empty without models. */
  readonly predictions: readonly RunPredictions[];
  /** The strategies' notices (a model stale, retrained), in order; also summed up in the notes. */
  readonly notices: readonly StrategyNotice[];
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
  /** Orders the simulated broker refused, by reason (insufficient cash, buying power, short sale, random). */
  readonly rejections: Readonly<Partial<Record<RejectionKind, number>>>;
  readonly finalRiskState: RiskState;
  /** Bar times during which trading was halted (no new orders), and their share of all bar times. */
  readonly haltedBarTimes: number;
  readonly haltedShare: number;
  /** How long trading was halted, in words, for the report's headline; null when it never was. */
  readonly haltHeadline: string | null;
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

/** One model's predictions over one symbol's bars. */
export interface RunPredictions {
  readonly symbol: string;
  readonly modelId: string;
  readonly time: Float64Array;
  readonly value: Float64Array;
}

export interface StrategyNotice {
  readonly symbol: string;
  readonly time: number;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly kind: string;
  readonly message: string;
}

/** Collects the strategies' outputs as growable columns (one point per bar, no object per bar). */
export class OutputCollector implements StrategyOutputs {
  readonly notices: StrategyNotice[] = [];
  private readonly series = new Map<
    string,
    { symbol: string; modelId: string; time: Float64Array; value: Float64Array; length: number }
  >();
  private last:
    | { symbol: string; modelId: string; time: Float64Array; value: Float64Array; length: number }
    | undefined;

  prediction(symbol: string, modelId: string, time: number, value: number): void {
    let series = this.last;
    if (series === undefined || series.symbol !== symbol || series.modelId !== modelId) {
      const key = `${symbol}\u0000${modelId}`;
      series = this.series.get(key);
      if (series === undefined) {
        series = { symbol, modelId, time: new Float64Array(1024), value: new Float64Array(1024), length: 0 };
        this.series.set(key, series);
      }
      this.last = series;
    }
    if (series.length === series.time.length) {
      series.time = grownColumn(series.time, series.length * 2);
      series.value = grownColumn(series.value, series.length * 2);
    }
    series.time[series.length] = time;
    series.value[series.length++] = value;
  }

  notice(
    symbol: string,
    time: number,
    severity: StrategyNotice['severity'],
    kind: string,
    message: string,
  ): void {
    this.notices.push({ symbol, time, severity, kind, message });
  }

  predictions(): RunPredictions[] {
    return [...this.series.values()].map((s) => ({
      symbol: s.symbol,
      modelId: s.modelId,
      time: s.time.slice(0, s.length),
      value: s.value.slice(0, s.length),
    }));
  }
}

export interface BacktestOptions {
  /** Progress every `every` bar times, e.g. for a worker's progress messages. */
  readonly progress?: { readonly every: number; report(barTimesDone: number, barTimesTotal: number): void };
  /** Keep every order's final state in the result (memory grows with the number of orders). Default false. */
  readonly keepOrders?: boolean;
  /** The stored models the config's strategies name (ml-signal's modelId), resolved by the caller. */
  readonly models?: readonly SignalModel[];
}

export function runBacktest(
  configInput: BacktestConfigInput | BacktestConfig,
  data: readonly BarSeries[],
  options: BacktestOptions = {},
): BacktestResult {
  const config = parseBacktestConfig(configInput);
  const timeframe = checkData(data);
  // Only a run with models gets the output channel: the others' strategies make no call for it.
  const outputs = options.models === undefined ? undefined : new OutputCollector();
  const run =
    options.models === undefined
      ? undefined
      : { resource: modelResources(options.models), ...(outputs !== undefined && { outputs }) };
  const { markets, strategies } = buildMarkets(config, data, run);
  const collector = new EventCollector({ orders: options.keepOrders === true ? 'final' : 'none' });
  const progress = options.progress;
  let total = 0;
  const engine = new Engine(
    {
      markets,
      cash: config.cash,
      risk: config.risk,
      tradingDayEnd: tradingDayEndFor(config.calendar, timeframe),
      ids: sequentialIds('bt'),
      sink: collector,
      closeAtEnd: config.closeAtEnd,
      ...(progress !== undefined && {
        progress: { every: progress.every, report: (done: number) => progress.report(done, total) },
      }),
    },
    simVenue(config.venue, seededRandom(config.seed), config.account),
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
  const halts = haltSummary(collector.riskStates, equity.time, length);
  const stats: BacktestStats = {
    bars: data.reduce((sum, series) => sum + series.length, 0),
    barTimes: length,
    orders: engine.orders.created,
    barsInMarket: engine.barsInMarket,
    fees,
    stopAndTargetSameBar: engine.venue.stats.stopAndTargetSameBar,
    randomRejections: engine.venue.stats.randomRejections,
    partialFills: engine.venue.stats.partialFills,
    rejections: { ...engine.venue.stats.rejections },
    finalRiskState: engine.riskState,
    ...halts,
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
    predictions: outputs?.predictions() ?? [],
    notices: outputs?.notices ?? [],
    stats,
    notes: [...notesFor(config, stats, collector, trades), ...noticeNotes(outputs?.notices ?? [])],
  };
}

/** The strategies' notices as notes: the first few in full, then how many more. */
function noticeNotes(notices: readonly StrategyNotice[]): string[] {
  const notes = notices.slice(0, MAX_RISK_NOTES).map((n) => `${iso(n.time)}: ${n.message}`);
  if (notices.length > MAX_RISK_NOTES) notes.push(`… and ${notices.length - MAX_RISK_NOTES} more notices`);
  return notes;
}

function iso(time: number): string {
  return new Date(time).toISOString();
}

const MAX_RISK_NOTES = 10;

function percentOfRun(share: number): string {
  const percent = share * 100;
  return `${percent >= 10 || percent === 0 ? percent.toFixed(0) : percent.toFixed(1)}% of the run`;
}

/**
 * How long trading was halted: the bar times at which the gateway was HALTED when the strategies decided (a
 * change at bar time t happens as t is marked, before its decisions), and a headline in words. A daily-loss halt
 * ends with its trading day; a drawdown halt in a backtest lasts to the end (nobody resets it).
 */
export function haltSummary(
  changes: readonly RiskStateChanged[],
  time: Float64Array,
  length: number,
): Pick<BacktestStats, 'haltedBarTimes' | 'haltedShare' | 'haltHeadline'> {
  let halted = false;
  let next = 0;
  let haltedBarTimes = 0;
  let dailyHalts = 0;
  let dailyBarTimes = 0;
  let dailyHalt = false;
  /** Where the last halt that never ended began, when it was not a daily-loss halt. */
  let openHalt: { readonly time: number; barTimes: number } | undefined;
  for (let k = 0; k < length; k++) {
    while (next < changes.length && changes[next]!.time <= time[k]!) {
      const change = changes[next++]!;
      halted = change.to === 'HALTED';
      if (!halted) {
        openHalt = undefined;
        continue;
      }
      dailyHalt = change.limit === 'daily-loss';
      if (dailyHalt) dailyHalts++;
      else openHalt = { time: change.time, barTimes: 0 };
    }
    if (!halted) continue;
    haltedBarTimes++;
    if (dailyHalt) dailyBarTimes++;
    else if (openHalt !== undefined) openHalt.barTimes++;
  }
  const share = (barTimes: number): number => (length > 0 ? barTimes / length : 0);
  const parts: string[] = [];
  if (dailyHalts > 0) {
    parts.push(
      `${dailyHalts === 1 ? 'once' : `${dailyHalts} times`} by the daily-loss limit, each time for the rest of that trading day: ${dailyBarTimes} bars, ${percentOfRun(share(dailyBarTimes))}`,
    );
  }
  if (openHalt !== undefined) {
    const by =
      changes.findLast((change) => change.to === 'HALTED')?.limit === 'drawdown'
        ? 'the drawdown limit'
        : 'the risk gateway';
    parts.push(
      `by ${by} from ${iso(openHalt.time).slice(0, 10)} to the end: ${percentOfRun(share(openHalt.barTimes))}`,
    );
  }
  return {
    haltedBarTimes,
    haltedShare: share(haltedBarTimes),
    haltHeadline: parts.length === 0 ? null : `Trading halted ${parts.join('; and ')}`,
  };
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
  notes.push(
    config.account.type === 'cash'
      ? 'account: cash (buys need the cash, no short sales)'
      : `account: margin, ${config.account.multiplier}x buying power${config.account.multiplier > 2 ? ' from $25,000 of equity (2x below)' : ''}`,
  );
  const rejected = Object.entries(stats.rejections);
  if (rejected.length > 0) {
    const total = rejected.reduce((sum, [, count]) => sum + (count ?? 0), 0);
    const byReason = rejected.map(([reason, count]) => `${reason} (${count})`).join('; ');
    notes.push(`${total} orders rejected by the simulated broker: ${byReason}`);
  }
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
  // A run with a daily-loss trip a week would drown the notes; the headline carries the totals.
  const changes = collector.riskStates;
  for (const change of changes.slice(0, MAX_RISK_NOTES)) {
    notes.push(`risk state ${change.from} → ${change.to} at ${iso(change.time)}: ${change.reason}`);
  }
  if (changes.length > MAX_RISK_NOTES)
    notes.push(`… and ${changes.length - MAX_RISK_NOTES} more risk state changes`);
  const endOfData = trades.filter((trade) => trade.exitReason === 'end_of_data').length;
  if (endOfData > 0) notes.push(`${endOfData} position(s) closed at the last close (end of data)`);
  return notes;
}
