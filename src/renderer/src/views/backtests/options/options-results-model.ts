// An options run's results in a trader's words: the headline figures (execution, skipped days by reason, win rate,
// daily P&L against the preset's target, costs as a share of premium, drawdown, where prices came from and how an
// expiring put settles), the trades with the contract named, and the run's fills placed on the underlying's chart.
import type { BacktestFillRow, BacktestTradeRow } from '../../../../../shared/domain/backtest';
import {
  entryKey,
  type OptionsRunStats,
  optionContractInWords,
} from '../../../../../shared/domain/options-backtest';
import type { TradeMarker } from '../../../components/chart/chart-data';
import {
  formatMoney,
  formatPercent,
  formatPrice,
  formatQty,
  formatTime,
  MISSING,
  type Tone,
  toneOf,
} from '../../../components/chart/format';
import type { Column } from '../../../components/table/DataTable';

/** The strategy's day-skip reasons in words. */
const REASON_WORDS: Readonly<Record<string, string>> = {
  high_vix: 'VIX above the limit',
  extreme_volatility: 'extreme SPY range',
  moderate_volatility: 'wide SPY range',
};

export const reasonInWords = (reason: string): string => REASON_WORDS[reason] ?? reason.replaceAll('_', ' ');

function byReason(counts: Readonly<Record<string, number>>): string {
  const parts = Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reasonInWords(reason)} ${n}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

const days = (n: number): string => `${n} ${n === 1 ? 'day' : 'days'}`;

export interface OptionsFigure {
  readonly label: string;
  readonly text: string;
  readonly tone?: Tone;
  readonly title?: string;
}

/** The figures of the results panel, in the order a trader asks about them. */
export function optionsFigures(stats: OptionsRunStats): OptionsFigure[] {
  const target = stats.targetDailyPnl;
  const daily = stats.averageDailyPnl;
  const vsTarget = stats.dailyPnlVsTarget;
  return [
    {
      label: 'Execution rate',
      text:
        stats.tradingDays === 0
          ? 'no trading day: every day was warm-up (the first day has no previous session; a synthetic VIX needs 20 sessions first)'
          : `${formatPercent(stats.executionRate)} — traded ${stats.tradedDays} of ${days(stats.tradingDays)}`,
      title:
        'Days with an entry ÷ trading days of the run (the first day, with no previous session, is warm-up)',
    },
    { label: 'Skipped days', text: `${stats.skippedDays}${byReason(stats.skippedByReason)}` },
    {
      label: 'No entry',
      text: `${stats.noEntryDays}${byReason(stats.noEntryByReason)}`,
      title:
        'Days the strategy meant to trade but did not enter (no price, order not filled, cash, loss limit)',
    },
    {
      label: 'Win rate',
      text:
        stats.trades === 0
          ? MISSING
          : `${formatPercent(stats.winRate)} — ${stats.wins} won, ${stats.losses} lost of ${stats.trades}`,
    },
    {
      label: 'Daily P&L',
      text:
        daily === null
          ? MISSING
          : `${formatMoney(daily, { signed: true })} a trading day vs target ${formatMoney(target)} (${
              vsTarget !== null && vsTarget >= 0 ? 'at or above' : 'below'
            } by ${formatMoney(Math.abs(vsTarget ?? 0))})`,
      tone: vsTarget === null ? undefined : vsTarget >= 0 ? 'up' : 'down',
      title: 'Total P&L after costs ÷ trading days (skipped days count: the target is per trading day)',
    },
    { label: 'Total P&L', text: formatMoney(stats.totalPnl, { signed: true }), tone: toneOf(stats.totalPnl) },
    {
      label: 'Costs',
      text:
        stats.costOfPremium === null
          ? `${formatMoney(stats.costTotal)} (no premium paid)`
          : `${formatMoney(stats.costTotal)} = ${formatPercent(stats.costOfPremium)} of premium paid (${formatMoney(stats.premiumPaid)})`,
      title: `Commissions ${formatMoney(stats.costCommissions)}, half-spread ${formatMoney(stats.costSpread)}, slippage ${formatMoney(stats.costSlippage)}`,
    },
    {
      label: 'Max drawdown',
      text: formatPercent(stats.maxDrawdown),
      tone: stats.maxDrawdown > 0 ? 'down' : undefined,
    },
    {
      label: 'Account',
      text: `${formatMoney(stats.cash)} → ${formatMoney(stats.endEquity)} (${stats.preset.toUpperCase()} preset)`,
    },
  ];
}

/** A trade of an options run with its contract in words and the underlying at entry. */
export interface OptionTradeView extends BacktestTradeRow {
  readonly contract: string;
  readonly underlyingAtEntry: number | null;
}

export function optionTradeViews(
  trades: readonly BacktestTradeRow[],
  stats: OptionsRunStats,
): OptionTradeView[] {
  return trades.map((t) => ({
    ...t,
    contract: optionContractInWords(t.symbol),
    underlyingAtEntry: stats.underlyingAtEntry[entryKey(t)] ?? null,
  }));
}

export function optionTradeColumns(underlying: string): Column<OptionTradeView>[] {
  return [
    {
      id: 'contract',
      header: 'Contract',
      value: (t) => t.contract,
      width: 150,
      title: 'Underlying, expiry, strike, put/call',
    },
    {
      id: 'qty',
      header: 'Contracts',
      align: 'right',
      value: (t) => t.qty,
      format: (v) => formatQty(v as number),
    },
    {
      id: 'entry',
      header: 'Entry (UTC)',
      align: 'right',
      priority: 3,
      value: (t) => t.entryTime,
      format: (v) => formatTime(v as number, { utc: true }),
    },
    {
      id: 'entryPrice',
      header: 'Bought at',
      align: 'right',
      title: 'Premium paid per share (× 100 per contract)',
      value: (t) => t.entryPrice,
      format: (v) => formatPrice(v as number, 2),
    },
    {
      id: 'exit',
      header: 'Exit (UTC)',
      align: 'right',
      value: (t) => t.exitTime,
      format: (v) => formatTime(v as number, { utc: true }),
      priority: 3,
    },
    {
      id: 'exitPrice',
      header: 'Sold at',
      align: 'right',
      title: 'Premium received per share (× 100 per contract); 0 when it expired worthless',
      value: (t) => t.exitPrice,
      format: (v) => formatPrice(v as number, 2),
    },
    {
      id: 'pnl',
      header: 'P&L $',
      align: 'right',
      title: 'After commissions, dollars',
      value: (t) => t.pnl,
      format: (v) => formatMoney(v as number, { signed: true }),
      tone: (t) => toneOf(t.pnl),
    },
    { id: 'reason', header: 'Exit reason', value: (t) => t.exitReason.replaceAll('_', ' ') },
    {
      id: 'underlying',
      header: `${underlying} at entry`,
      align: 'right',
      value: (t) => t.underlyingAtEntry,
      format: (v) => (v === null ? MISSING : formatPrice(v as number, 2)),
    },
  ];
}

/**
 * The run's option fills as markers on the underlying's candles: each placed at the underlying's close when it
 * filled (the close of the bar that ended then, else the last bar before), labelled with the premium.
 */
export function underlyingMarkers(
  fills: readonly BacktestFillRow[],
  trades: readonly BacktestTradeRow[],
  bars: { readonly time: Float64Array; readonly close: Float64Array; readonly length: number } | null,
  barMs: number,
): TradeMarker[] {
  if (bars === null || bars.length === 0) return [];
  const exits = new Map(trades.map((t) => [`${t.symbol}@${t.exitTime}`, t]));
  const markers: TradeMarker[] = [];
  for (const fill of fills) {
    // The last bar that had closed by the fill: its close is the underlying the fill saw.
    let lo = 0;
    let hi = bars.length - 1;
    if (bars.time[0]! + barMs > fill.time) continue;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (bars.time[mid]! + barMs <= fill.time) lo = mid;
      else hi = mid - 1;
    }
    const closed = exits.get(`${fill.symbol}@${fill.time}`);
    markers.push({
      time: bars.time[lo]!,
      side: fill.side,
      qty: fill.qty,
      price: bars.close[lo]!,
      text: `${optionContractInWords(fill.symbol).split(' ').slice(2).join(' ')} @ ${fill.price.toFixed(2)}`,
      ...(closed !== undefined && { pnl: closed.pnl }),
    });
  }
  return markers;
}
