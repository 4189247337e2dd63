// Table columns and metric rows of the Backtests view, kept apart from its layout.
import type { BacktestProgress, BacktestSummary, BacktestTradeRow } from '../../../../shared/domain/backtest';
import type { PerformanceMetrics } from '../../../../shared/domain/metrics';
import {
  formatDuration,
  formatMoney,
  formatNumber,
  formatPercent,
  formatPrice,
  formatQty,
  formatTime,
  toneOf,
} from '../../components/chart/format';
import type { Column } from '../../components/table/DataTable';

export function runColumns(progress: Readonly<Record<string, BacktestProgress>>): Column<BacktestSummary>[] {
  return [
    // Fixed figures and a flexible name, so the Delete buttons stay in view at 1280 px.
    { id: 'name', header: 'Run', value: (r) => r.name, width: 'minmax(140px, 1fr)' },
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
      value: (r) => r.metrics?.sharpe ?? null,
      format: (v) => formatNumber(v as number | null, 2),
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

type MetricFormat = (m: PerformanceMetrics) => string;
const pct =
  (key: keyof PerformanceMetrics, signed = false): MetricFormat =>
  (m) =>
    formatPercent(m[key] as number | null, { signed });
const num =
  (key: keyof PerformanceMetrics, decimals = 2): MetricFormat =>
  (m) =>
    formatNumber(m[key] as number | null, decimals);
const money =
  (key: keyof PerformanceMetrics, signed = false): MetricFormat =>
  (m) =>
    formatMoney(m[key] as number | null, { signed });

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
    (m) =>
      m.maxDrawdownDurationMs === null
        ? `${m.maxDrawdownDuration} bars`
        : formatDuration(m.maxDrawdownDurationMs),
  ],
  ['Trades', num('trades', 0)],
  ['Win rate', pct('winRate')],
  ['Profit factor', num('profitFactor')],
  ['Average win', money('averageWin', true)],
  ['Average loss', money('averageLoss', true)],
  ['Expectancy', money('expectancy', true)],
  ['Largest win', money('largestWin', true)],
  ['Largest loss', money('largestLoss', true)],
  ['Win / loss streak', (m) => `${m.longestWinStreak} / ${m.longestLossStreak}`],
  ['Recovery factor', num('recoveryFactor')],
  ['Time in market', pct('exposureTime')],
  ['Fees', money('fees')],
  ['End equity', money('endEquity')],
];
