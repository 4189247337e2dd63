// The files a backtest writes (fills.csv, trades.csv, equity.csv, report.json) and the table it prints, as pure
// functions of the result, so they are deterministic and testable without touching the disk.
import { annualisedWithheld, type NumericMetric, type PerformanceMetrics } from '../../shared/domain/metrics';
import type { Trade } from '../../shared/domain/trading';
import { orderIdOf } from '../engine/ids';
import type { BacktestResult } from './backtest';

export function iso(time: number): string {
  return new Date(time).toISOString();
}

/**
 * Numbers rounded to 10 decimals, then printed in their shortest form: 159.733, not 159.73299999999998 (binary
 * noise no price or P&L carries). Still deterministic; sub-1e-10 differences are below any venue's tick.
 */
export function num(value: number): string {
  return String(Number(value.toFixed(10)));
}

export function fillsCsv(result: BacktestResult): string {
  const f = result.fills;
  const lines = ['time,symbol,side,qty,price,fee,order_id'];
  for (let k = 0; k < f.length; k++) {
    lines.push(
      [
        iso(f.time[k]!),
        f.symbols[f.symbolIndex[k]!],
        f.side[k] === 0 ? 'buy' : 'sell',
        num(f.qty[k]!),
        num(f.price[k]!),
        num(f.fee[k]!),
        orderIdOf(f.idPrefix, f.orderNumber[k]!),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function tradesCsv(result: BacktestResult): string {
  return tradeListCsv(result.trades);
}

/** Round trips as trades.csv rows; backtests and paper sessions export the same format. */
export function tradeListCsv(trades: readonly Trade[]): string {
  const lines = [
    'symbol,side,qty,entry_time,entry_price,exit_time,exit_price,pnl,fees,bars_held,exit_reason',
  ];
  for (const t of trades) {
    lines.push(
      [
        t.symbol,
        t.side,
        num(t.qty),
        iso(t.entryTime),
        num(t.entryPrice),
        iso(t.exitTime),
        num(t.exitPrice),
        num(t.pnl),
        num(t.fees),
        num(t.barsHeld),
        t.exitReason,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** drawdown: the fraction below the running peak (0.1 = 10% below), as in the metrics. */
export function equityCsv(result: BacktestResult): string {
  const e = result.equity;
  const lines = ['time,equity,cash,drawdown'];
  for (let k = 0; k < e.length; k++) {
    lines.push(`${iso(e.time[k]!)},${num(e.equity[k]!)},${num(e.cash[k]!)},${num(e.drawdown[k]!)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** report.json: what ran, what came out, and what to know. No wall-clock time, so reruns are byte-identical. */
export function reportJson(result: BacktestResult, extra: Readonly<Record<string, unknown>> = {}): string {
  const report = {
    engineVersion: result.engineVersion,
    ...extra,
    config: result.config,
    symbols: result.symbols,
    strategies: result.strategies,
    timeframe: result.timeframe,
    period:
      result.equity.length > 0
        ? { start: iso(result.equity.time[0]!), end: iso(result.equity.time[result.equity.length - 1]!) }
        : null,
    metrics: result.metrics,
    benchmark: { name: 'buy-and-hold, equal weights', metrics: result.benchmarkMetrics },
    stats: result.stats,
    denials: result.denials.length,
    notes: result.notes,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

type Format = 'percent' | 'ratio' | 'money' | 'count' | 'bars';

const TABLE: readonly (readonly [string, NumericMetric, Format])[] = [
  ['Total return', 'totalReturn', 'percent'],
  ['CAGR', 'cagr', 'percent'],
  ['Annual volatility', 'annualVolatility', 'percent'],
  ['Sharpe', 'sharpe', 'ratio'],
  ['Sortino', 'sortino', 'ratio'],
  ['Calmar', 'calmar', 'ratio'],
  ['Max drawdown', 'maxDrawdown', 'percent'],
  ['Max drawdown (bars)', 'maxDrawdownDuration', 'bars'],
  ['Trades', 'trades', 'count'],
  ['Win rate', 'winRate', 'percent'],
  ['Profit factor', 'profitFactor', 'ratio'],
  ['Average win', 'averageWin', 'money'],
  ['Average loss', 'averageLoss', 'money'],
  ['Expectancy', 'expectancy', 'money'],
  ['Largest win', 'largestWin', 'money'],
  ['Largest loss', 'largestLoss', 'money'],
  ['Win / loss streak', 'longestWinStreak', 'count'],
  ['Recovery factor', 'recoveryFactor', 'ratio'],
  ['Exposure time', 'exposureTime', 'percent'],
  ['Fees', 'fees', 'money'],
  ['End equity', 'endEquity', 'money'],
];

function format(value: number | null, how: Format): string {
  if (value === null) return '—';
  switch (how) {
    case 'percent':
      return `${(value * 100).toFixed(2)}%`;
    case 'ratio':
      return value.toFixed(2);
    case 'money':
      return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case 'count':
    case 'bars':
      return String(value);
  }
}

/** The strategy beside buy-and-hold, one metric a line. */
export function metricsTable(result: BacktestResult): string {
  const rows: [string, string, string][] = [['', 'strategy', 'buy & hold']];
  // The numbers stay in report.json; the table, like the UI, does not print an annualised figure on too few bars.
  const shown = (m: PerformanceMetrics, key: NumericMetric, how: Format): string =>
    annualisedWithheld(m, key) === null ? format(m[key], how) : '— (too few bars)';
  for (const [label, key, how] of TABLE) {
    if (key === 'longestWinStreak') {
      rows.push([label, `${result.metrics.longestWinStreak} / ${result.metrics.longestLossStreak}`, '—']);
      continue;
    }
    const isTradeFigure = key === 'trades' || key === 'winRate' || key === 'profitFactor' || key === 'fees';
    rows.push([
      label,
      shown(result.metrics, key, how),
      isTradeFigure || key.startsWith('average') || key.startsWith('largest') || key === 'expectancy'
        ? '—'
        : shown(result.benchmarkMetrics, key, how),
    ]);
  }
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows
    .map(
      ([label, own, bench]) =>
        `${label.padEnd(widths[0]!)}  ${own.padStart(widths[1]!)}  ${bench.padStart(widths[2]!)}`,
    )
    .join('\n');
}
