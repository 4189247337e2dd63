// Table columns and metric rows of the Backtests view, kept apart from its layout.
import type { BacktestProgress, BacktestSummary, BacktestTradeRow } from '../../../../shared/domain/backtest';
import {
  annualisedWithheld,
  type NumericMetric,
  type PerformanceMetrics,
} from '../../../../shared/domain/metrics';
import type { ChartFocus } from '../../components/chart/chart-data';
import {
  formatDuration,
  formatMoney,
  formatNumber,
  formatPercent,
  formatPrice,
  formatQty,
  formatTime,
  MISSING,
  toneOf,
} from '../../components/chart/format';
import type { Column } from '../../components/table/DataTable';

export function runColumns(progress: Readonly<Record<string, BacktestProgress>>): Column<BacktestSummary>[] {
  return [
    // Fixed figures and a flexible name, so the Delete buttons stay in view at 1280 px.
    {
      id: 'name',
      header: 'Run',
      value: (r) => r.name,
      // A pinned run is marked where the eye reads the name; its note shows on hover.
      format: (_v, r) => (r.pinned ? `★ ${r.name}` : r.name),
      title: 'The run’s name (★: pinned to the top)',
      width: 'minmax(140px, 1fr)',
    },
    {
      id: 'tags',
      header: 'Tags',
      priority: 2,
      width: 110,
      value: (r) => r.tags.join(', '),
    },
    {
      id: 'status',
      header: 'Status',
      width: 96,
      value: (r) => r.status,
      format: (_v, r) => {
        const p = progress[r.id];
        if (r.status === 'running' && p && p.total > 0)
          return `running ${Math.round((100 * p.done) / p.total)}%`;
        return r.status;
      },
      tone: (r) => (r.status === 'failed' ? 'down' : r.status === 'running' ? 'warn' : undefined),
    },
    {
      id: 'return',
      header: 'Return',
      align: 'right',
      width: 80,
      value: (r) => r.metrics?.totalReturn ?? null,
      format: (v) => formatPercent(v as number | null, { signed: true }),
      tone: (r) => toneOf(r.metrics?.totalReturn),
    },
    {
      id: 'sharpe',
      header: 'Sharpe',
      priority: 2,
      align: 'right',
      width: 64,
      title: 'Annualised; — when the run has too few bars for an annualised ratio',
      value: (r) => r.metrics?.sharpe ?? null,
      format: (v, r) =>
        r.metrics ? metricCell(r.metrics, 'sharpe', () => formatNumber(v as number | null, 2)).text : MISSING,
    },
    {
      id: 'maxdd',
      header: 'Max DD',
      priority: 2,
      align: 'right',
      width: 68,
      value: (r) => r.metrics?.maxDrawdown ?? null,
      format: (v) => formatPercent(v as number | null),
    },
    {
      id: 'trades',
      header: 'Trades',
      align: 'right',
      width: 64,
      priority: 3,
      value: (r) => r.metrics?.trades ?? null,
    },
    {
      id: 'created',
      header: 'Started',
      priority: 2,
      align: 'right',
      width: 136, // "2026-01-02 09:30" whole
      value: (r) => r.createdAt,
      format: (v) => formatTime(v as number),
    },
  ];
}

/** A trade's row key: one symbol has one trade entered and exited at given times. */
export function tradeKey(trade: BacktestTradeRow): string {
  return `${trade.symbol}-${trade.entryTime}-${trade.exitTime}`;
}

/** What the chart scrolls to and joins by a line when the trade's row is clicked. */
export function tradeFocus(trade: BacktestTradeRow): ChartFocus {
  return {
    entryTime: trade.entryTime,
    entryPrice: trade.entryPrice,
    exitTime: trade.exitTime,
    exitPrice: trade.exitPrice,
  };
}

export const tradeColumns: Column<BacktestTradeRow>[] = [
  { id: 'symbol', header: 'Symbol', value: (t) => t.symbol },
  {
    id: 'side',
    header: 'Side',
    value: (t) => t.side,
    tone: (t) => (t.side === 'long' ? 'up' : 'down'),
    priority: 2,
  },
  {
    id: 'qty',
    header: 'Qty',
    align: 'right',
    value: (t) => t.qty,
    format: (v) => formatQty(v as number),
    priority: 2,
  },
  {
    id: 'entry',
    header: 'Entry',
    align: 'right',
    value: (t) => t.entryTime,
    format: (v) => formatTime(v as number, { utc: true }),
  },
  {
    id: 'entryPrice',
    header: 'Entry price',
    align: 'right',
    value: (t) => t.entryPrice,
    format: (v) => formatPrice(v as number),
  },
  {
    id: 'exit',
    header: 'Exit',
    align: 'right',
    value: (t) => t.exitTime,
    format: (v) => formatTime(v as number, { utc: true }),
  },
  {
    id: 'exitPrice',
    header: 'Exit price',
    align: 'right',
    value: (t) => t.exitPrice,
    format: (v) => formatPrice(v as number),
  },
  {
    id: 'pnl',
    header: 'P&L',
    align: 'right',
    value: (t) => t.pnl,
    format: (v) => formatMoney(v as number, { signed: true }),
    tone: (t) => toneOf(t.pnl),
  },
  {
    id: 'fees',
    header: 'Fees',
    align: 'right',
    priority: 2,
    value: (t) => t.fees,
    format: (v) => formatMoney(v as number),
  },
  { id: 'bars', header: 'Bars', align: 'right', value: (t) => t.barsHeld, priority: 3 },
  { id: 'reason', header: 'Exit reason', value: (t) => t.exitReason.replaceAll('_', ' '), priority: 3 },
];

/** One metric of a run as a table cell: its text, and why it is withheld (a tooltip) when it is. */
export interface MetricCell {
  readonly text: string;
  readonly title?: string;
}
type MetricFormat = (m: PerformanceMetrics) => MetricCell;

/** `format`'s text, or "—" with the reason when `key` is an annualised figure on too few bars. */
export function metricCell(m: PerformanceMetrics, key: NumericMetric, format: () => string): MetricCell {
  const withheld = annualisedWithheld(m, key);
  return withheld === null ? { text: format() } : { text: MISSING, title: withheld };
}

const pct =
  (key: NumericMetric, signed = false): MetricFormat =>
  (m) =>
    metricCell(m, key, () => formatPercent(m[key], { signed }));
const num =
  (key: NumericMetric, decimals = 2): MetricFormat =>
  (m) =>
    metricCell(m, key, () => formatNumber(m[key], decimals));
const money =
  (key: NumericMetric, signed = false): MetricFormat =>
  (m) =>
    metricCell(m, key, () => formatMoney(m[key], { signed }));
const text =
  (format: (m: PerformanceMetrics) => string): MetricFormat =>
  (m) => ({ text: format(m) });

/** The metrics table rows: label, how to show it; in the order a trader reads a tear sheet. */
export const METRIC_ROWS: readonly (readonly [string, MetricFormat])[] = [
  ['Total return', pct('totalReturn', true)],
  ['CAGR', pct('cagr', true)],
  ['Annual volatility', pct('annualVolatility')],
  ['Sharpe', num('sharpe')],
  ['Sortino', num('sortino')],
  ['Calmar', num('calmar')],
  ['Max drawdown', pct('maxDrawdown')],
  [
    'Longest drawdown',
    text((m) =>
      m.maxDrawdownDurationMs === null
        ? `${m.maxDrawdownDuration} bars`
        : formatDuration(m.maxDrawdownDurationMs),
    ),
  ],
  ['Trades', num('trades', 0)],
  ['Win rate', pct('winRate')],
  ['Profit factor', num('profitFactor')],
  ['Average win', money('averageWin', true)],
  ['Average loss', money('averageLoss', true)],
  ['Expectancy', money('expectancy', true)],
  ['Largest win', money('largestWin', true)],
  ['Largest loss', money('largestLoss', true)],
  ['Win / loss streak', text((m) => `${m.longestWinStreak} / ${m.longestLossStreak}`)],
  ['Recovery factor', num('recoveryFactor')],
  ['Time in market', pct('exposureTime')],
  ['Fees', money('fees')],
  ['End equity', money('endEquity')],
];
