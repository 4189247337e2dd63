// The options backtest's report (report.json) as a pure function of the run: how often the strategy traded and why
// it did not, what it made per trading day against the preset's promise, and what trading cost (commissions, the
// half-spread crossed, slippage) in dollars and as a share of the premium paid. Also trades.csv's extra columns.
import type { Timeframe } from '../../shared/domain/bars';
import type { PerformanceMetrics } from '../../shared/domain/metrics';
import {
  CONTRACT_MULTIPLIER,
  type OptionDayDecision,
  type OptionQuote,
  parseOccSymbol,
} from '../../shared/domain/options';
import type { OptionsFigures } from '../../shared/domain/options-backtest';
import type { Fill, Trade } from '../../shared/domain/trading';
import { computeMetrics } from '../engine/metrics';
import type { Phase4dPreset } from '../strategies/phase4d-rules';
import { type ExtraTradeColumns, iso, num } from './report';

/** A round trip in an option contract, with what a trader checks it against. */
export interface OptionTrade extends Trade {
  /** The underlying's price when the position was opened (the close the entry was decided and filled at). */
  readonly underlyingPrice: number;
  /** YYYY-MM-DD, from the OCC symbol. */
  readonly expiry: string;
  readonly strike: number;
}

/** trades.csv after the common columns: the underlying at entry, the contract's expiry and strike. */
export const OPTION_TRADE_COLUMNS: ExtraTradeColumns<OptionTrade> = {
  header: ['underlying_price', 'expiry', 'strike'],
  cells: (t) => [num(t.underlyingPrice), t.expiry, num(t.strike)],
};

/** An option trade from the engine's round trip and the underlying's price at its entry. */
export function optionTrade(trade: Trade, underlyingPrice: number): OptionTrade {
  const contract = parseOccSymbol(trade.symbol);
  return {
    symbol: trade.symbol,
    side: trade.side,
    qty: trade.qty,
    entryTime: trade.entryTime,
    entryPrice: trade.entryPrice,
    exitTime: trade.exitTime,
    exitPrice: trade.exitPrice,
    pnl: trade.pnl,
    fees: trade.fees,
    barsHeld: trade.barsHeld,
    exitReason: trade.exitReason,
    underlyingPrice,
    expiry: contract.expiry,
    strike: contract.strike,
  };
}

/** What trading cost, in dollars, and as fractions of the premium paid to open (null before the first entry). */
export interface OptionCosts {
  readonly commissions: number;
  /** Half the bid–ask spread on each fill: what crossing from the mid cost. */
  readonly spread: number;
  /** Beyond the quote's bid or ask. */
  readonly slippage: number;
  readonly total: number;
  /** Premium paid on buys, dollars (price × 100 × contracts). */
  readonly premiumPaid: number;
  readonly commissionsOfPremium: number | null;
  readonly spreadOfPremium: number | null;
  readonly slippageOfPremium: number | null;
  readonly totalOfPremium: number | null;
}

/**
 * Costs of the fills. `quoteAt` gives the quote each fill met (bid and ask before slippage), or null for a fill that
 * crossed no market (a cash settlement at expiry): its commission still counts, spread and slippage do not.
 */
export function optionCosts(
  fills: readonly Fill[],
  quoteAt: (fill: Fill) => Pick<OptionQuote, 'bid' | 'ask'> | null,
): OptionCosts {
  let commissions = 0;
  let spread = 0;
  let slippage = 0;
  let premiumPaid = 0;
  for (const fill of fills) {
    const shares = fill.qty * CONTRACT_MULTIPLIER;
    commissions += fill.fee;
    if (fill.side === 'buy') premiumPaid += fill.price * shares;
    const quote = quoteAt(fill);
    if (quote === null) continue;
    const mid = (quote.bid + quote.ask) / 2;
    if (fill.side === 'buy') {
      spread += (quote.ask - mid) * shares;
      slippage += (fill.price - quote.ask) * shares;
    } else {
      spread += (mid - quote.bid) * shares;
      slippage += (quote.bid - fill.price) * shares;
    }
  }
  const total = commissions + spread + slippage;
  const of = (dollars: number): number | null => (premiumPaid > 0 ? dollars / premiumPaid : null);
  return {
    commissions,
    spread,
    slippage,
    total,
    premiumPaid,
    commissionsOfPremium: of(commissions),
    spreadOfPremium: of(spread),
    slippageOfPremium: of(slippage),
    totalOfPremium: of(total),
  };
}

/**
 * A reason as the by-reason counts group it: strategies name the contract in their reasons ("the entry order for
 * SPY250107P00591000 did not fill"), which would make every day a reason of its own.
 */
export function reasonGroup(reason: string): string {
  return reason.replace(/\b[A-Z][A-Z0-9.]{0,5}\d{6}[CP]\d{8}\b/g, 'the contract');
}

/** Days by decision, and the skipped and not-entered ones by reason (the contract named in a reason left out). */
export function dayCounts(decisions: readonly OptionDayDecision[]): {
  tradingDays: number;
  tradedDays: number;
  skippedDays: number;
  noEntryDays: number;
  executionRate: number | null;
  skippedByReason: Record<string, number>;
  noEntryByReason: Record<string, number>;
} {
  const skippedByReason: Record<string, number> = {};
  const noEntryByReason: Record<string, number> = {};
  let tradedDays = 0;
  let skippedDays = 0;
  let noEntryDays = 0;
  for (const decision of decisions) {
    const reason = reasonGroup(decision.reason ?? 'unstated');
    if (decision.decision === 'traded') tradedDays++;
    else if (decision.decision === 'skipped') {
      skippedDays++;
      skippedByReason[reason] = (skippedByReason[reason] ?? 0) + 1;
    } else {
      noEntryDays++;
      noEntryByReason[reason] = (noEntryByReason[reason] ?? 0) + 1;
    }
  }
  const tradingDays = decisions.length;
  return {
    tradingDays,
    tradedDays,
    skippedDays,
    noEntryDays,
    executionRate: tradingDays > 0 ? tradedDays / tradingDays : null,
    skippedByReason,
    noEntryByReason,
  };
}

export interface OptionsReportInput {
  readonly engineVersion: string;
  readonly strategy: string;
  readonly preset: Phase4dPreset;
  /** The strategy's parameters as resolved (defaults filled in). */
  readonly params: unknown;
  readonly underlying: string;
  readonly timeframe: Timeframe;
  readonly cash: number;
  /** One decision per trading day of the run (the warm-up day, with no previous session, has none). */
  readonly decisions: readonly OptionDayDecision[];
  readonly trades: readonly OptionTrade[];
  readonly fills: readonly Fill[];
  readonly quoteAt: (fill: Fill) => Pick<OptionQuote, 'bid' | 'ask'> | null;
  readonly equity: { readonly time: Float64Array; readonly equity: Float64Array; readonly length: number };
  /** The quote source's label ("synthetic option prices: …"). */
  readonly priceSource: string;
  readonly volatilitySource: string;
  /** The simulator's rule for a holding still open at its expiry's close, in words. */
  readonly settlementRule: string;
  /** The underlying's bars: first and last bar times, and how many. */
  readonly bars: { readonly first: number; readonly last: number; readonly count: number };
  /** Buy-and-hold of the underlying over the same bars. */
  readonly benchmarkMetrics: PerformanceMetrics;
  readonly denials: number;
  readonly notes: readonly string[];
}

export interface OptionsReport extends OptionsFigures {
  readonly engineVersion: string;
  readonly kind: 'options';
  readonly strategy: string;
  readonly preset: Phase4dPreset;
  readonly params: unknown;
  readonly timeframe: Timeframe;
  readonly period: {
    readonly start: string;
    readonly end: string;
    readonly firstDay: string | null;
    readonly lastDay: string | null;
    readonly bars: number;
  };
  readonly costs: OptionCosts;
  readonly metrics: PerformanceMetrics;
  readonly benchmark: { readonly name: string; readonly metrics: PerformanceMetrics };
  readonly days: readonly OptionDayDecision[];
  readonly notes: readonly string[];
}

export function optionsReport(input: OptionsReportInput): OptionsReport {
  const days = dayCounts(input.decisions);
  const trades = input.trades;
  const totalPnl = trades.reduce((sum, t) => sum + t.pnl, 0);
  const exitReasons: Record<string, number> = {};
  for (const t of trades) exitReasons[t.exitReason] = (exitReasons[t.exitReason] ?? 0) + 1;
  const metrics = computeMetrics({
    time: input.equity.time,
    equity: input.equity.equity,
    length: input.equity.length,
    trades,
    fees: input.fills.reduce((sum, f) => sum + f.fee, 0),
    barsInMarket: trades.reduce((sum, t) => sum + t.barsHeld, 0),
    timeframe: input.timeframe,
  });
  const averageDailyPnl = days.tradingDays > 0 ? totalPnl / days.tradingDays : null;
  const last = input.equity.length - 1;
  return {
    engineVersion: input.engineVersion,
    kind: 'options',
    strategy: input.strategy,
    preset: input.preset,
    params: input.params,
    underlying: input.underlying,
    timeframe: input.timeframe,
    priceSource: input.priceSource,
    volatilitySource: input.volatilitySource,
    settlementRule: input.settlementRule,
    period: {
      start: iso(input.bars.first),
      end: iso(input.bars.last),
      firstDay: input.decisions[0]?.day ?? null,
      lastDay: input.decisions[input.decisions.length - 1]?.day ?? null,
      bars: input.bars.count,
    },
    cash: input.cash,
    endEquity: last >= 0 ? input.equity.equity[last]! : input.cash,
    tradingDays: days.tradingDays,
    tradedDays: days.tradedDays,
    executionRate: days.executionRate,
    skippedDays: days.skippedDays,
    skippedByReason: days.skippedByReason,
    noEntryDays: days.noEntryDays,
    noEntryByReason: days.noEntryByReason,
    trades: trades.length,
    wins: trades.filter((t) => t.pnl > 0).length,
    losses: trades.filter((t) => t.pnl < 0).length,
    winRate: metrics.winRate,
    exitReasons,
    totalPnl,
    averageDailyPnl,
    targetDailyPnl: input.preset.targetDailyPnl,
    dailyPnlVsTarget: averageDailyPnl === null ? null : averageDailyPnl - input.preset.targetDailyPnl,
    costs: optionCosts(input.fills, input.quoteAt),
    maxDrawdown: metrics.maxDrawdown,
    metrics,
    benchmark: { name: `buy-and-hold ${input.underlying}`, metrics: input.benchmarkMetrics },
    denials: input.denials,
    days: input.decisions,
    notes: input.notes,
  };
}

/** report.json's text: no wall-clock time, so reruns are byte-identical (extra sections, e.g. a price comparison, kept). */
export function optionsReportJson<R extends OptionsReport>(report: R): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Dollars as a trader reads them: −$1,234.50. */
export function dollars(value: number | null): string {
  if (value === null) return '—';
  const text = Math.abs(value).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return value < 0 ? `−$${text}` : `$${text}`;
}

function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

function byReason(counts: Readonly<Record<string, number>>): string {
  const parts = Object.entries(counts).map(([reason, n]) => `${reason} ${n}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

export type OptionsFact =
  | 'Days'
  | 'Skipped'
  | 'No entry'
  | 'Trades'
  | 'Win rate'
  | 'Total P&L'
  | 'Daily P&L'
  | 'Costs'
  | 'Max drawdown'
  | 'End equity'
  | 'Prices'
  | 'Settlement';

/** The report's headline figures in words: the CLI prints them all, the tearsheet those its tables lack. */
export function optionsFacts(report: OptionsReport): [OptionsFact, string][] {
  const costs = report.costs;
  return [
    [
      'Days',
      `${report.tradedDays} traded of ${report.tradingDays} (execution ${percent(report.executionRate)})`,
    ],
    ['Skipped', `${report.skippedDays}${byReason(report.skippedByReason)}`],
    ['No entry', `${report.noEntryDays}${byReason(report.noEntryByReason)}`],
    ['Trades', String(report.trades)],
    ['Win rate', percent(report.winRate)],
    ['Total P&L', dollars(report.totalPnl)],
    [
      'Daily P&L',
      `${dollars(report.averageDailyPnl)} a trading day against the target ${dollars(report.targetDailyPnl)}`,
    ],
    [
      'Costs',
      `${dollars(costs.total)} (${percent(costs.totalOfPremium)} of premium paid): commissions ${dollars(costs.commissions)}, spread ${dollars(costs.spread)}, slippage ${dollars(costs.slippage)}`,
    ],
    ['Max drawdown', percent(report.maxDrawdown)],
    ['End equity', dollars(report.endEquity)],
    ['Prices', report.priceSource],
    ['Settlement', report.settlementRule],
  ];
}

/** The summary the CLI prints, one figure a line. */
export function optionsSummary(report: OptionsReport): string {
  return optionsFacts(report)
    .map(([label, text]) => `${label.padEnd(14)}${text}`)
    .join('\n');
}
