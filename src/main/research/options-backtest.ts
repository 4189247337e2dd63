// The options backtest: Phase 4D SPY puts over the underlying's bars, priced by the synthetic quote source (the
// pricing model with σ from the volatility history), traded through the OptionsEngine against the options simulator
// with the preset's spread, slippage, commission and limits. Plain data in, plain data out, like runBacktest.
import type { BarSeries, Timeframe } from '../../shared/domain/bars';
import { TIMEFRAME_MS } from '../../shared/domain/bars';
import type { OptionDayDecision } from '../../shared/domain/options';
import type { Fill } from '../../shared/domain/trading';
import { EventCollector } from '../engine/events';
import { type FillTable, fillList } from '../engine/fill-table';
import { sequentialIds } from '../engine/ids';
import { buyAndHoldEquity, computeMetrics, drawdownCurve } from '../engine/metrics';
import type { OptionQuoteSource } from '../engine/option-desk';
import { OptionsEngine } from '../engine/option-engine';
import { optionSimVenue } from '../engine/option-sim-venue';
import { tradeList } from '../engine/trade-table';
import { ENGINE_VERSION } from '../engine/version';
import { DataFileError } from '../feeds/errors';
import { priceFromBars, syntheticOptionQuotes } from '../feeds/synthetic-options';
import type { VolatilityHistory } from '../feeds/vix-history';
import { calendarDay, isTradingDay } from '../market/calendar';
import { isoDate } from '../market/nyse-holidays';
import { configErrorOf } from '../strategies/config-error';
import {
  createPhase4d,
  type Phase4dParams,
  Phase4dParamsSchema,
  phase4dSessionClock,
  phase4dSettings,
} from '../strategies/phase4d';
import {
  type OptionsFact,
  type OptionsReport,
  type OptionTrade,
  optionsFacts,
  optionsReport,
  optionTrade,
} from './options-report';
import { runPnlByPeriod } from './pnl-periods';
import { iso } from './report';
import { runFacts, tearsheetHtml } from './tearsheet';

/** The simulator's rule for a holding still open at its expiry's close, as every report states it. */
export const SETTLEMENT_RULE =
  'a position still open at the close of its expiry day is cash-settled at intrinsic value (put: max(strike − underlying close, 0)), exit reason expiry, no commission; every option order is a day order and expires at the close';

export interface OptionsBacktestInput {
  readonly underlying: BarSeries;
  /** The underlying's bar length; must be the series' own when given. */
  readonly timeframe?: Timeframe;
  readonly preset: '2k' | '25k';
  /** Phase 4D parameters beyond the preset (the strategy's schema validates them). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly volatility: VolatilityHistory;
  readonly cash: number;
  /** Notes for the report (what data was read). */
  readonly notes?: readonly string[];
  /** The run's quotes from the model's (e.g. real option bars with the model as fallback); default the model's. */
  readonly quotes?: (model: OptionQuoteSource) => OptionQuoteSource;
}

export interface OptionsBacktestResult {
  readonly trades: readonly OptionTrade[];
  readonly fills: FillTable;
  readonly equity: {
    readonly time: Float64Array;
    readonly equity: Float64Array;
    readonly cash: Float64Array;
    readonly drawdown: Float64Array;
    readonly length: number;
  };
  /** Buy-and-hold of the underlying with the same cash, for the tearsheet's comparison. */
  readonly benchmark: { readonly time: Float64Array; readonly equity: Float64Array; readonly length: number };
  readonly decisions: readonly OptionDayDecision[];
  readonly report: OptionsReport;
}

/** Every bar must fall on a trading day (the session clock has no session otherwise): named by its time. */
function checkTradingDays(series: BarSeries): void {
  let day = Number.NaN;
  for (let i = 0; i < series.length; i++) {
    const time = series.time[i]!;
    const next = calendarDay('us-equities', time);
    if (next === day) continue;
    day = next;
    if (!isTradingDay('us-equities', day)) {
      throw new DataFileError(
        `${series.symbol} has a bar at ${iso(time)}, on ${isoDate(day)}, when the US market is closed (weekend or NYSE holiday)`,
      );
    }
  }
}

/** The strategy's parameters (the preset from --preset), validated: a bad one is named under strategy.params. */
function phase4dParams(input: OptionsBacktestInput): Phase4dParams {
  const parsed = Phase4dParamsSchema.safeParse({ ...input.params, preset: input.preset });
  if (!parsed.success) throw configErrorOf(parsed.error, 'strategy.params');
  return parsed.data;
}

export function runOptionsBacktest(input: OptionsBacktestInput): OptionsBacktestResult {
  const series = input.underlying;
  if (input.timeframe !== undefined && input.timeframe !== series.timeframe) {
    throw new DataFileError(`${series.symbol} is ${series.timeframe} bars, not ${input.timeframe}`);
  }
  if (series.length === 0) throw new DataFileError(`${series.symbol} has no bars`);
  checkTradingDays(series);
  const params = phase4dParams(input);
  // The preset with the params' overrides: the strategy, the quotes' spread and the venue's costs all use these.
  const settings = phase4dSettings(params);
  const timeframeMs = TIMEFRAME_MS[series.timeframe];
  const underlyingPrice = priceFromBars(series);
  const strategy = createPhase4d(params, { volatility: input.volatility, symbol: series.symbol });
  const model = syntheticOptionQuotes({
    underlying: series.symbol,
    volatility: input.volatility,
    underlyingPrice,
    rate: settings.rate,
    spread: settings.spread,
    strikeRange: settings.strikeRange,
  });
  const quotes = input.quotes?.(model) ?? model;
  const collector = new EventCollector({ orders: 'none' });
  const engine = new OptionsEngine(
    {
      underlying: series,
      strategy,
      quotes,
      sessionOf: phase4dSessionClock,
      cash: input.cash,
      ids: sequentialIds('bt'),
      sink: collector,
      limits: { maxDailyLoss: settings.maxDailyLoss },
      timeframeMs,
    },
    optionSimVenue({ slippage: settings.slippage, commissionPerContract: settings.commissionPerContract }),
  );
  engine.run();

  const fills = collector.fills.table();
  const fillRows = fillList(fills);
  const engineTrades = tradeList(collector.trades.table());
  // The underlying at entry: the close the entry was decided and filled at.
  const trades = engineTrades.map((t) => optionTrade(t, underlyingPrice(t.entryTime) ?? Number.NaN));
  // A settlement at expiry met no market: no spread, no slippage (the trade it closed says so).
  const settled = new Set(
    engineTrades.filter((t) => t.exitReason === 'expiry').map((t) => `${t.symbol}@${t.exitTime}`),
  );
  const quoteAt = (fill: Fill) => {
    if (fill.side === 'sell' && settled.has(`${fill.symbol}@${fill.time}`)) return null;
    const spot = underlyingPrice(fill.time);
    return spot === undefined ? null : (quotes.quote(fill.symbol, fill.time, spot) ?? null);
  };
  const curve = engine.curve;
  const equity = {
    time: curve.time.slice(0, curve.length),
    equity: curve.equity.slice(0, curve.length),
    cash: curve.cash.slice(0, curve.length),
    drawdown: drawdownCurve(curve.equity, curve.length),
    length: curve.length,
  };
  const benchmark = buyAndHoldEquity([series], input.cash);
  const benchmarkMetrics = computeMetrics({
    ...benchmark,
    trades: [],
    fees: 0,
    barsInMarket: benchmark.length,
    timeframe: series.timeframe,
  });
  const report = optionsReport({
    engineVersion: ENGINE_VERSION,
    strategy: 'phase4d',
    preset: settings,
    params,
    underlying: series.symbol,
    timeframe: series.timeframe,
    cash: input.cash,
    decisions: engine.decisions,
    trades,
    fills: fillRows,
    quoteAt,
    equity,
    priceSource: quotes.label,
    volatilitySource: input.volatility.source,
    settlementRule: SETTLEMENT_RULE,
    bars: { first: series.time[0]!, last: series.time[series.length - 1]!, count: series.length },
    benchmarkMetrics,
    denials: collector.denials.length,
    notes: [...(input.notes ?? []), ...collector.denials.map((d) => `denied at ${iso(d.time)}: ${d.reason}`)],
  });
  return { trades, fills, equity, benchmark, decisions: engine.decisions, report };
}

/** The run as the equity backtests' tearsheet (tearsheet.ts), with the options figures among its facts. */
export function optionsTearsheet(
  result: OptionsBacktestResult,
  data: string,
  /** More label → value lines after the options figures (e.g. the real-bar comparison). */
  extraFacts: readonly (readonly [string, string])[] = [],
): string {
  const { report } = result;
  // The metrics table already has trades, win rate, drawdown and end equity.
  const shown = new Set<OptionsFact>([
    'Prices',
    'Settlement',
    'Days',
    'Skipped',
    'No entry',
    'Daily P&L',
    'Costs',
  ]);
  const curve = { time: result.equity.time, equity: result.equity.equity };
  return tearsheetHtml({
    title: `Phase 4D ${report.preset.id.toUpperCase()} · ${report.underlying} puts · ${report.timeframe}`,
    facts: [
      ...runFacts({
        strategy: `${report.strategy} (${report.preset.id})`,
        symbols: [report.underlying],
        timeframe: report.timeframe,
        time: result.equity.time,
        cash: report.cash,
        data,
        engineVersion: report.engineVersion,
      }),
      ...optionsFacts(report).filter(([label]) => shown.has(label)),
      ...extraFacts,
    ],
    metrics: report.metrics,
    benchmarkMetrics: report.benchmark.metrics,
    equity: { ...curve, drawdown: result.equity.drawdown },
    benchmark: result.benchmark,
    // Every contract is a symbol of its own: the tearsheet groups them by underlying and right (SPY puts).
    trades: result.trades.map((t) => ({ ...t, symbol: `${report.underlying} puts` })),
    periods: runPnlByPeriod({ cash: report.cash }, report.timeframe, curve, result.trades),
    notes: report.notes,
  });
}
