// The files a backtest writes (fills.csv, trades.csv, equity.csv, report.json) and the table it prints, as pure
// functions of the result, so they are deterministic and testable without touching the disk. The CSVs are written
// row by row into a TextSink: a file writer streams a million-row equity curve in chunks, and the string forms
// below collect the same rows for tests and exports.
import { annualisedWithheld, type NumericMetric, type PerformanceMetrics } from '../../shared/domain/metrics';
import type { Trade } from '../../shared/domain/trading';
import { orderIdOf } from '../engine/ids';
import { isoDateOfDay } from '../market/new-york-time';
import type { BacktestResult } from './backtest';

const DAY_MS = 86_400_000;
/** 10000-01-01: toISOString switches to six-digit years there, so the fast path below stops before it. */
const YEAR_10000_MS = 253_402_300_800_000;
let isoDay = Number.NaN;
let isoDayPrefix = '';

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `new Date(time).toISOString()` without a Date: the date part is reused while consecutive times share a UTC day. */
export function iso(time: number): string {
  if (!(time >= 0 && time < YEAR_10000_MS)) return new Date(time).toISOString();
  const day = Math.floor(time / DAY_MS);
  if (day !== isoDay) {
    isoDay = day;
    isoDayPrefix = `${isoDateOfDay(day)}T`;
  }
  const ms = time - day * DAY_MS;
  if (ms === 0) return `${isoDayPrefix}00:00:00.000Z`;
  const millis = ms % 1000;
  const seconds = Math.floor(ms / 1000);
  return `${isoDayPrefix}${twoDigits(Math.floor(seconds / 3600))}:${twoDigits(Math.floor(seconds / 60) % 60)}:${twoDigits(seconds % 60)}.${millis < 10 ? `00${millis}` : millis < 100 ? `0${millis}` : millis}Z`;
}

/**
 * Numbers rounded to 10 decimals, then printed in their shortest form: 159.733, not 159.73299999999998 (binary
 * noise no price or P&L carries). Still deterministic; sub-1e-10 differences are below any venue's tick.
 * Fast path: when `toFixed(10)` without its trailing zeros has at most 15 significant digits, it is already the
 * shortest form of the double it parses to (distinct decimals of ≤ 15 digits never share a double), so the
 * parse-and-print round trip of the definition can be skipped. Outside [1e-6, 1e21) String() uses exponents.
 */
export function num(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e-6 && abs < 1e21) {
    const fixed = value.toFixed(10);
    let end = fixed.length;
    while (fixed.charCodeAt(end - 1) === 48) end--;
    if (fixed.charCodeAt(end - 1) === 46) end--;
    // Below 1e5 there are at most 5 digits before the point and 10 after it; above, count them.
    const digits = end - (value < 0 ? 1 : 0) - (end < fixed.length - 10 ? 0 : 1);
    if (abs < 1e5 || digits <= 15) return fixed.slice(0, end);
  }
  return String(Number(value.toFixed(10)));
}

/** Where a CSV's text goes, a piece at a time. */
export interface TextSink {
  write(text: string): void;
}

/** The text a writer produces, as one string (tests, exports over the API). */
export function textOf(writeTo: (sink: TextSink) => void): string {
  const parts: string[] = [];
  writeTo({ write: (text) => parts.push(text) });
  return parts.join('');
}

/** Takes any run's fill table (an equity backtest's, an options backtest's). */
export function writeFillsCsv(result: Pick<BacktestResult, 'fills'>, sink: TextSink): void {
  const f = result.fills;
  sink.write('time,symbol,side,qty,price,fee,order_id\n');
  for (let k = 0; k < f.length; k++) {
    sink.write(
      `${iso(f.time[k]!)},${f.symbols[f.symbolIndex[k]!]},${f.side[k] === 0 ? 'buy' : 'sell'},${num(f.qty[k]!)},${num(f.price[k]!)},${num(f.fee[k]!)},${orderIdOf(f.idPrefix, f.orderNumber[k]!)}\n`,
    );
  }
}

export function fillsCsv(result: BacktestResult): string {
  return textOf((sink) => writeFillsCsv(result, sink));
}

export function tradesCsv(result: BacktestResult): string {
  return tradeListCsv(result.trades);
}

/** Columns a run adds after exit_reason (an options backtest: the underlying's price at entry, expiry, strike). */
export interface ExtraTradeColumns<T extends Trade> {
  readonly header: readonly string[];
  cells(trade: T): readonly string[];
}

/** Round trips as trades.csv rows; backtests and paper sessions export the same format. */
export function writeTradeListCsv<T extends Trade>(
  trades: readonly T[],
  sink: TextSink,
  extra?: ExtraTradeColumns<T>,
): void {
  const more = extra === undefined ? '' : `,${extra.header.join(',')}`;
  sink.write(
    `symbol,side,qty,entry_time,entry_price,exit_time,exit_price,pnl,fees,bars_held,exit_reason${more}\n`,
  );
  for (const t of trades) {
    const cells = extra === undefined ? '' : `,${extra.cells(t).join(',')}`;
    sink.write(
      `${t.symbol},${t.side},${num(t.qty)},${iso(t.entryTime)},${num(t.entryPrice)},${iso(t.exitTime)},${num(t.exitPrice)},${num(t.pnl)},${num(t.fees)},${num(t.barsHeld)},${t.exitReason}${cells}\n`,
    );
  }
}

export function tradeListCsv(trades: readonly Trade[]): string {
  return textOf((sink) => writeTradeListCsv(trades, sink));
}

/** drawdown: the fraction below the running peak (0.1 = 10% below), as in the metrics. */
export function writeEquityCsv(result: Pick<BacktestResult, 'equity'>, sink: TextSink): void {
  const e = result.equity;
  sink.write('time,equity,cash,drawdown\n');
  // Cash moves only on fills and drawdown sits at 0 at every new peak: reuse the last text while a value repeats.
  let cash = Number.NaN;
  let cashText = '';
  let drawdown = Number.NaN;
  let drawdownText = '';
  for (let k = 0; k < e.length; k++) {
    if (e.cash[k] !== cash) {
      cash = e.cash[k]!;
      cashText = num(cash);
    }
    if (e.drawdown[k] !== drawdown) {
      drawdown = e.drawdown[k]!;
      drawdownText = num(drawdown);
    }
    sink.write(`${iso(e.time[k]!)},${num(e.equity[k]!)},${cashText},${drawdownText}\n`);
  }
}

export function equityCsv(result: BacktestResult): string {
  return textOf((sink) => writeEquityCsv(result, sink));
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

/** The strategy beside buy-and-hold as [label, strategy, buy-and-hold] text rows: the CLI's table, the tearsheet's. */
export function metricRows(
  metrics: PerformanceMetrics,
  benchmark: PerformanceMetrics,
): [label: string, strategy: string, benchmark: string][] {
  const rows: [string, string, string][] = [];
  // The numbers stay in report.json; the table, like the UI, does not print an annualised figure on too few bars.
  const shown = (m: PerformanceMetrics, key: NumericMetric, how: Format): string =>
    annualisedWithheld(m, key) === null ? format(m[key], how) : '— (too few bars)';
  for (const [label, key, how] of TABLE) {
    if (key === 'longestWinStreak') {
      rows.push([label, `${metrics.longestWinStreak} / ${metrics.longestLossStreak}`, '—']);
      continue;
    }
    const isTradeFigure = key === 'trades' || key === 'winRate' || key === 'profitFactor' || key === 'fees';
    rows.push([
      label,
      shown(metrics, key, how),
      isTradeFigure || key.startsWith('average') || key.startsWith('largest') || key === 'expectancy'
        ? '—'
        : shown(benchmark, key, how),
    ]);
  }
  return rows;
}

/** The strategy beside buy-and-hold, one metric a line. */
export function metricsTable(result: BacktestResult): string {
  const rows: [string, string, string][] = [
    ['', 'strategy', 'buy & hold'],
    ...metricRows(result.metrics, result.benchmarkMetrics),
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows
    .map(
      ([label, own, bench]) =>
        `${label.padEnd(widths[0]!)}  ${own.padStart(widths[1]!)}  ${bench.padStart(widths[2]!)}`,
    )
    .join('\n');
}
