// The options monitor: a Phase 4D paper run held against the backtest's promise. Pure: from the run's day decisions,
// closed trades, fills and the pricing model's expected prices to the figures, their bands and the worst band.
// The bands are the (the seed's): green = daily P&L within ±25% of the preset's target, execution ≥ 50%,
// win rate ≥ 55%, no risk breach; amber = ±50%, ≥ 30%, ≥ 45%; red otherwise.
import {
  CONTRACT_MULTIPLIER,
  type MonitorBand,
  type MonitorCheck,
  type OptionDayDecision,
  type OptionsMonitor,
} from '../../shared/domain/options';
import type { Side, Trade } from '../../shared/domain/trading';
import { isoDateOfDay, newYorkDay } from '../market/new-york-time';
import type { Phase4dPreset } from '../strategies/phase4d-rules';

/** A fill as the engine (Fill) or the ledger (FillRow) has it: price per share, fee in dollars. */
export interface MonitoredFill {
  readonly symbol: string;
  readonly side: Side;
  /** Whole contracts. */
  readonly qty: number;
  readonly price: number;
  readonly fee: number;
  readonly time: number;
  /** What the order meant to fill at (the entry's limit, the exit's decision quote), when kept. */
  readonly decisionPrice?: number | null;
}

export interface OptionsMonitorInput {
  readonly runId: string;
  readonly preset: Phase4dPreset;
  readonly decisions: readonly OptionDayDecision[];
  /** Closed round trips: OCC symbols, pnl and fees in dollars. */
  readonly trades: readonly Trade[];
  readonly fills: readonly MonitoredFill[];
  /** The pricing model's mid for a contract at a moment (the synthetic quote source's model price), if it has one. */
  readonly expectedPrice?: (symbol: string, time: number) => number | undefined;
  readonly riskBreaches: readonly string[];
  readonly priceSource: string;
  /** The trading day the monitor is for, YYYY-MM-DD. */
  readonly day: string;
}

/** The thresholds, one place. P&L: allowed distance from the target as a fraction of it. */
export const MONITOR_BANDS = {
  dailyPnl: { green: 0.25, amber: 0.5 },
  executionRate: { green: 0.5, amber: 0.3 },
  winRate: { green: 0.55, amber: 0.45 },
} as const;

// A figure exactly on a boundary belongs to the better band; this keeps float noise (11/20 vs 0.55) from moving it.
const EPSILON = 1e-9;

const BAND_ORDER: Readonly<Record<MonitorBand, number>> = { green: 0, amber: 1, red: 2 };

/** Daily P&L against the target: green within ±25% of it, amber within ±50%, red beyond. */
export function dailyPnlBand(dailyPnl: number, target: number): MonitorBand {
  const distance = Math.abs(dailyPnl - target);
  const scale = Math.abs(target);
  if (distance <= MONITOR_BANDS.dailyPnl.green * scale + EPSILON) return 'green';
  if (distance <= MONITOR_BANDS.dailyPnl.amber * scale + EPSILON) return 'amber';
  return 'red';
}

/** A rate (0–1) against its floors: green at or above the first, amber at or above the second, red below. */
export function rateBand(
  rate: number,
  floors: { readonly green: number; readonly amber: number },
): MonitorBand {
  if (rate >= floors.green - EPSILON) return 'green';
  if (rate >= floors.amber - EPSILON) return 'amber';
  return 'red';
}

/** The worst of the bands given (nulls are checks with nothing to measure yet); green when none has a band. */
export function worstBand(bands: readonly (MonitorBand | null)[]): MonitorBand {
  let worst: MonitorBand = 'green';
  for (const band of bands) if (band !== null && BAND_ORDER[band] > BAND_ORDER[worst]) worst = band;
  return worst;
}

/** One decision per day: a day traded stays traded (a later no-entry note cannot undo a fill), else the last word. */
function decisionsByDay(decisions: readonly OptionDayDecision[]): OptionDayDecision[] {
  const byDay = new Map<string, OptionDayDecision>();
  for (const decision of decisions) {
    if (byDay.get(decision.day)?.decision === 'traded') continue;
    byDay.set(decision.day, decision);
  }
  return [...byDay.values()];
}

/** The key a day not traded is counted under: the filter's reason (high_vix …), or no_entry with its reason. */
function skipKey(decision: OptionDayDecision): string {
  if (decision.decision === 'skipped') return decision.reason ?? 'skipped';
  return decision.reason === undefined ? 'no_entry' : `no_entry: ${decision.reason}`;
}

const dollars = (value: number): string =>
  `${value < 0 ? '−' : ''}$${Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const percent = (fraction: number): string => `${Math.round(fraction * 1000) / 10}%`;

/**
 * What a fill paid against a reference price per share (positive = worse than the reference): above it for a buy,
 * below it for a sell.
 */
const paidPerShare = (fill: MonitoredFill, reference: number): number =>
  fill.side === 'buy' ? fill.price - reference : reference - fill.price;

export function optionsMonitor(input: OptionsMonitorInput): OptionsMonitor {
  const { preset } = input;
  const target = preset.targetDailyPnl;

  // Trading days are the days the strategy decided, traded or not (a skipped day is a day the run earned nothing).
  const days = decisionsByDay(input.decisions);
  const tradingDays = days.length;
  const tradedDays = days.filter((d) => d.decision === 'traded').length;
  const skippedByReason: Record<string, number> = {};
  for (const day of days) {
    if (day.decision === 'traded') continue;
    const key = skipKey(day);
    skippedByReason[key] = (skippedByReason[key] ?? 0) + 1;
  }

  const trades = input.trades.length;
  const wins = input.trades.filter((t) => t.pnl > 0).length;
  const totalPnl = input.trades.reduce((sum, t) => sum + t.pnl, 0);
  // Closed trades only: an open position's P&L counts the day it is closed. Until a trade has closed the average
  // would read 0 and paint red a run that simply has not finished its first trade.
  const dailyPnl = tradingDays > 0 && trades > 0 ? totalPnl / tradingDays : null;
  const executionRate = tradingDays > 0 ? tradedDays / tradingDays : null;
  const winRate = trades > 0 ? wins / trades : null;

  // Costs: commissions, plus what each fill paid against the model's mid (half the spread + slippage), or, without
  // a model price, against its decision price (slippage only: the spread is not seen there).
  let premium = 0;
  let commissions = 0;
  let spreadAndSlippage = 0;
  let expectedPremium = 0;
  let paidVsExpected = 0;
  const fills = input.fills.map((fill) => {
    const shares = fill.qty * CONTRACT_MULTIPLIER;
    premium += fill.price * shares;
    commissions += fill.fee;
    const expected = input.expectedPrice?.(fill.symbol, fill.time);
    const expectedPrice =
      expected !== undefined && Number.isFinite(expected) && expected > 0 ? expected : null;
    const reference =
      expectedPrice ?? (fill.decisionPrice != null && fill.decisionPrice > 0 ? fill.decisionPrice : null);
    if (reference !== null) spreadAndSlippage += paidPerShare(fill, reference) * shares;
    if (expectedPrice !== null) {
      expectedPremium += expectedPrice * shares;
      paidVsExpected += paidPerShare(fill, expectedPrice) * shares;
    }
    return {
      time: fill.time,
      symbol: fill.symbol,
      side: fill.side,
      contracts: fill.qty,
      price: fill.price,
      expectedPrice,
    };
  });
  const costsOfPremium = premium > 0 ? (commissions + spreadAndSlippage) / premium : null;
  const fillSlippage = expectedPremium > 0 ? paidVsExpected / expectedPremium : null;

  const pnlBands = MONITOR_BANDS.dailyPnl;
  const checks: MonitorCheck[] = [
    {
      id: 'daily_pnl',
      // Averaged over every trading day decided, skipped days included: a skipped day earned nothing.
      label: 'Daily P&L (over all trading days)',
      value: dailyPnl,
      target: `target ${dollars(target)} · green ±${percent(pnlBands.green)} · amber ±${percent(pnlBands.amber)}`,
      band: dailyPnl === null ? null : dailyPnlBand(dailyPnl, target),
      ...(dailyPnl === null && { note: tradingDays === 0 ? 'no trading day yet' : 'no trades yet' }),
    },
    {
      id: 'execution_rate',
      label: 'Execution rate (days traded)',
      value: executionRate,
      target: `green ≥ ${percent(MONITOR_BANDS.executionRate.green)} · amber ≥ ${percent(MONITOR_BANDS.executionRate.amber)}`,
      band: executionRate === null ? null : rateBand(executionRate, MONITOR_BANDS.executionRate),
      ...(executionRate === null && { note: 'no trading day yet' }),
    },
    {
      id: 'win_rate',
      label: 'Win rate',
      value: winRate,
      target: `green ≥ ${percent(MONITOR_BANDS.winRate.green)} · amber ≥ ${percent(MONITOR_BANDS.winRate.amber)}`,
      band: winRate === null ? null : rateBand(winRate, MONITOR_BANDS.winRate),
      ...(winRate === null && { note: 'no trades yet' }),
    },
    {
      id: 'risk',
      label: 'Risk limits',
      value: input.riskBreaches.length,
      target: `${dollars(preset.maxDailyLoss)} a day, ${dollars(preset.maxLossPerTrade)} a trade · any breach is red`,
      band: input.riskBreaches.length === 0 ? 'green' : 'red',
    },
    {
      id: 'costs',
      label: 'Trading costs (of premium traded)',
      value: costsOfPremium,
      target:
        costsOfPremium === null
          ? 'commissions + spread and slippage against the model’s mid'
          : `commissions ${dollars(commissions)} + spread & slippage ${dollars(spreadAndSlippage)} on ${dollars(premium)}`,
      band: null,
      ...(costsOfPremium === null && { note: 'no fills yet' }),
    },
    {
      id: 'fill_slippage',
      label: 'Fills against the model (+ = worse)',
      value: fillSlippage,
      target: `expected ${percent(preset.spread / 2 + preset.slippage)}: half the ${percent(preset.spread)} spread + ${percent(preset.slippage)} slippage`,
      band: null,
      ...(fillSlippage === null && {
        note: fills.length === 0 ? 'no fills yet' : 'no model price at these fills',
      }),
    },
  ];

  return {
    runId: input.runId,
    preset: preset.id,
    day: input.day,
    targetDailyPnl: target,
    dailyPnl,
    tradingDays,
    tradedDays,
    executionRate,
    winRate,
    trades,
    costsOfPremium,
    skippedByReason,
    fills,
    riskBreaches: [...input.riskBreaches],
    checks,
    band: worstBand(checks.map((c) => c.band)),
    priceSource: input.priceSource,
    ...(premium > 0 && { costs: { premium, commissions, spreadAndSlippage } }),
  };
}

/** The engine's refusals that mean a risk limit was reached (option-engine.ts words them so). */
const LIMIT_DENIAL = /^(max daily loss|max contracts):/;

/**
 * The risk limits a run ran into, once per limit and trading day, from its order denials: the daily loss limit
 * reached (no new entries that day) or the contract cap. Other refusals — not enough cash, a closed session, a bad
 * order — are the engine protecting the account, not a limit breached, and do not turn the band red.
 */
export function riskBreachesOf(
  denials: readonly { readonly time: number; readonly reason: string }[],
): string[] {
  const seen = new Set<string>();
  const breaches: string[] = [];
  for (const denial of [...denials].sort((a, b) => a.time - b.time)) {
    const limit = LIMIT_DENIAL.exec(denial.reason)?.[1];
    if (limit === undefined) continue;
    const day = isoDateOfDay(newYorkDay(denial.time));
    if (seen.has(`${limit}@${day}`)) continue;
    seen.add(`${limit}@${day}`);
    breaches.push(`${day}: ${denial.reason}`);
  }
  return breaches;
}
