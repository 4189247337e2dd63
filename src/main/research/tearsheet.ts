// A backtest's tearsheet as one self-contained HTML file: the metrics beside buy-and-hold, equity and drawdown
// charts (inline SVG), a monthly returns table (years × months with the year's total) and trade statistics.
// No script, no font, no image from anywhere: it opens the same offline, mailed, or years later. Pure: the CLI
// (`--report html`) and the API (`backtest:tearsheet`) hand it a run and write or send the text.
import type { PerformanceMetrics } from '../../shared/domain/metrics';
import type { PnlByPeriod, PnlPeriodRow } from '../../shared/domain/research';
import type { Trade } from '../../shared/domain/trading';
import { pick, thinIndices } from '../charts/thin-curve';
import { strategyLabel } from '../strategies/run-name';
import type { BacktestResult } from './backtest';
import { runPnlByPeriod } from './pnl-periods';
import { metricRows } from './report';

export interface TearsheetInput {
  readonly title: string;
  /** What ran, as label → value lines (strategy, symbols, bar size, period, data, engine). */
  readonly facts: readonly (readonly [string, string])[];
  readonly metrics: PerformanceMetrics;
  readonly benchmarkMetrics: PerformanceMetrics;
  /** The full curves (thinned here for drawing); drawdown is the fraction below the running peak. */
  readonly equity: {
    readonly time: Float64Array;
    readonly equity: Float64Array;
    readonly drawdown: Float64Array;
  };
  readonly benchmark: { readonly time: Float64Array; readonly equity: Float64Array };
  readonly trades: readonly Trade[];
  readonly periods: PnlByPeriod;
  readonly notes: readonly string[];
}

/** One year of the monthly returns table: each month's return (null: no bar that month) and the year's. */
export interface MonthlyReturnsRow {
  readonly year: number;
  readonly months: readonly (number | null)[];
  readonly total: number | null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Points drawn per curve: enough for a 900 px wide chart, small enough to keep the file light. */
const CHART_POINTS = 1_200;

/**
 * Years × months from the P&L-by-period rows ('2024-03' and '2024'). A month's return is its equity change over
 * the equity it began with; the year's total is the year's own row (the months compounded, not summed).
 */
export function monthlyReturns(periods: PnlByPeriod): MonthlyReturnsRow[] {
  const byYear = new Map<number, (number | null)[]>();
  const yearRow = (year: number) => {
    let row = byYear.get(year);
    if (!row) {
      row = new Array<number | null>(12).fill(null);
      byYear.set(year, row);
    }
    return row;
  };
  for (const month of periods.month) {
    const [year, m] = month.label.split('-').map(Number);
    yearRow(year!)[m! - 1] = month.returnPct;
  }
  const totals = new Map(periods.year.map((row: PnlPeriodRow) => [Number(row.label), row.returnPct]));
  for (const year of totals.keys()) yearRow(year);
  return [...byYear.keys()]
    .sort((a, b) => a - b)
    .map((year) => ({ year, months: byYear.get(year)!, total: totals.get(year) ?? null }));
}

/** Counts and sums of the round trips, the part of the tearsheet the metrics table does not already hold. */
export interface TradeStatistics {
  readonly trades: number;
  readonly long: number;
  readonly short: number;
  readonly wins: number;
  readonly losses: number;
  readonly netPnl: number;
  readonly fees: number;
  readonly averageBarsHeld: number | null;
  readonly exitReasons: readonly (readonly [string, number])[];
  readonly bySymbol: readonly {
    readonly symbol: string;
    readonly trades: number;
    readonly wins: number;
    readonly pnl: number;
  }[];
}

export function tradeStatistics(trades: readonly Trade[]): TradeStatistics {
  const reasons = new Map<string, number>();
  const symbols = new Map<string, { symbol: string; trades: number; wins: number; pnl: number }>();
  let wins = 0;
  let losses = 0;
  let netPnl = 0;
  let fees = 0;
  let bars = 0;
  let long = 0;
  for (const trade of trades) {
    if (trade.pnl > 0) wins++;
    else if (trade.pnl < 0) losses++;
    if (trade.side === 'long') long++;
    netPnl += trade.pnl;
    fees += trade.fees;
    bars += trade.barsHeld;
    reasons.set(trade.exitReason, (reasons.get(trade.exitReason) ?? 0) + 1);
    const own = symbols.get(trade.symbol) ?? { symbol: trade.symbol, trades: 0, wins: 0, pnl: 0 };
    own.trades++;
    if (trade.pnl > 0) own.wins++;
    own.pnl += trade.pnl;
    symbols.set(trade.symbol, own);
  }
  return {
    trades: trades.length,
    long,
    short: trades.length - long,
    wins,
    losses,
    netPnl,
    fees,
    averageBarsHeld: trades.length > 0 ? bars / trades.length : null,
    exitReasons: [...reasons].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    bySymbol: [...symbols.values()].sort((a, b) => a.symbol.localeCompare(b.symbol)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Text

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const percent = (value: number | null, signed = true): string =>
  value === null || !Number.isFinite(value)
    ? ''
    : `${signed && value > 0 ? '+' : ''}${(value * 100).toFixed(2)}%`;
const money = (value: number): string =>
  `${value < 0 ? '-' : ''}$${Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const day = (time: number): string => new Date(time).toISOString().slice(0, 10);
/** A tone class for a signed figure: green up, red down. */
const tone = (value: number | null): string =>
  value === null || value === 0 ? '' : value > 0 ? ' class="up"' : ' class="down"';

// ---------------------------------------------------------------------------------------------------------------
// Charts (inline SVG)

interface Series {
  readonly time: readonly number[];
  readonly values: readonly number[];
  readonly className: string;
  readonly label: string;
}

const W = 960;
const PAD = { left: 84, right: 16, top: 14, bottom: 26 };

/** Four round-ish gridlines between low and high. */
function gridValues(low: number, high: number): number[] {
  const span = high - low || Math.abs(high) || 1;
  const raw = span / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step) out.push(v);
  return out;
}

function lineChart(
  series: readonly Series[],
  height: number,
  label: (value: number) => string,
  ariaLabel: string,
  area = false,
): string {
  const all = series.flatMap((s) => s.values);
  const times = series.flatMap((s) => s.time);
  if (all.length === 0) return `<p class="muted">No curve to draw.</p>`;
  let low = Math.min(...all);
  let high = Math.max(...all);
  if (area) high = Math.max(high, 0);
  if (low === high) {
    low -= 1;
    high += 1;
  }
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const plotW = W - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * plotW);
  const y = (v: number) => PAD.top + ((high - v) / (high - low)) * plotH;
  const grid = gridValues(low, high)
    .map(
      (v) =>
        `<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>` +
        `<text class="axis" x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(label(v))}</text>`,
    )
    .join('');
  const paths = series
    .map((s) => {
      const points = s.time.map((t, i) => `${x(t).toFixed(1)},${y(s.values[i]!).toFixed(1)}`);
      if (area) {
        const base = y(Math.min(Math.max(0, low), high)).toFixed(1);
        return `<polygon class="${s.className}" points="${x(s.time[0]!).toFixed(1)},${base} ${points.join(' ')} ${x(s.time[s.time.length - 1]!).toFixed(1)},${base}"><title>${escapeHtml(s.label)}</title></polygon>`;
      }
      return `<polyline class="${s.className}" points="${points.join(' ')}"><title>${escapeHtml(s.label)}</title></polyline>`;
    })
    .join('');
  const dates =
    `<text class="axis" x="${PAD.left}" y="${height - 6}">${day(t0)}</text>` +
    `<text class="axis" x="${W - PAD.right}" y="${height - 6}" text-anchor="end">${day(t1)}</text>`;
  return `<svg viewBox="0 0 ${W} ${height}" role="img" aria-label="${escapeHtml(ariaLabel)}">${grid}${paths}${dates}</svg>`;
}

function thinned(time: Float64Array, values: Float64Array): { time: number[]; values: number[] } {
  const at = thinIndices(values, values.length, CHART_POINTS);
  return { time: pick(time, at), values: pick(values, at) };
}

// ---------------------------------------------------------------------------------------------------------------
// The page

const STYLE = `
:root{color-scheme:light;--fg:#1b1f24;--muted:#5b6570;--line:#d9dee3;--up:#0f7b3f;--down:#b42318;--own:#1f5fbf;--bench:#8a8f98}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.muted{color:var(--muted)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
th,td{padding:3px 10px;text-align:right;border-bottom:1px solid var(--line);white-space:nowrap}
th:first-child{text-align:left}thead th{color:var(--muted);font-weight:600}
td.up,.up{color:var(--up)}td.down,.down{color:var(--down)}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:24px;align-items:start}
.perf{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:32px;align-items:start}
@media (max-width:900px){.perf{grid-template-columns:1fr}}
svg{width:100%;height:auto;display:block}
svg .grid{stroke:var(--line);stroke-width:1}svg .axis{font-size:12px;fill:var(--muted)}
svg .own{fill:none;stroke:var(--own);stroke-width:1.6}svg .bench{fill:none;stroke:var(--bench);stroke-width:1.2;stroke-dasharray:4 3}
svg .dd{fill:rgba(180,35,24,.25);stroke:var(--down);stroke-width:1}
.legend span{display:inline-block;margin-right:16px}.legend i{display:inline-block;width:18px;height:3px;vertical-align:middle;margin-right:6px}
.monthly td{min-width:58px}.monthly td.total{font-weight:600;border-left:1px solid var(--line)}
ul.notes{padding-left:18px;color:var(--muted)}
footer{margin-top:32px;color:var(--muted);font-size:12px}
`;

function metricsSection(input: TearsheetInput): string {
  const rows = metricRows(input.metrics, input.benchmarkMetrics)
    .map(
      ([label, own, bench]) =>
        `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(own)}</td><td>${escapeHtml(bench)}</td></tr>`,
    )
    .join('');
  return `<table class="metrics" aria-label="Metrics"><thead><tr><th></th><th>Strategy</th><th>Buy and hold</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function monthlySection(rows: readonly MonthlyReturnsRow[]): string {
  if (rows.length === 0) return '<p class="muted">No monthly returns: the run has no equity curve.</p>';
  const head = `<tr><th>Year</th>${MONTHS.map((m) => `<th>${m}</th>`).join('')}<th>Total</th></tr>`;
  const body = rows
    .map(
      (row) =>
        `<tr><th scope="row">${row.year}</th>${row.months
          .map((m) => `<td${tone(m)}>${percent(m)}</td>`)
          .join(
            '',
          )}<td class="total${row.total === null || row.total === 0 ? '' : row.total > 0 ? ' up' : ' down'}">${percent(row.total)}</td></tr>`,
    )
    .join('');
  return `<table class="monthly" aria-label="Monthly returns"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

function tradesSection(stats: TradeStatistics): string {
  if (stats.trades === 0) return '<p class="muted">No round trips in this run.</p>';
  const ratio = (part: number) => `${part} (${((100 * part) / stats.trades).toFixed(1)}%)`;
  const summary: [string, string][] = [
    ['Round trips', String(stats.trades)],
    ['Long / short', `${stats.long} / ${stats.short}`],
    ['Winners', ratio(stats.wins)],
    ['Losers', ratio(stats.losses)],
    ['Net P&L', money(stats.netPnl)],
    ['Average P&L per trade', money(stats.netPnl / stats.trades)],
    ['Fees paid', money(stats.fees)],
    ['Average bars held', stats.averageBarsHeld === null ? '' : stats.averageBarsHeld.toFixed(1)],
  ];
  const table = (label: string, head: string, rows: string) =>
    `<table aria-label="${label}"><thead>${head}</thead><tbody>${rows}</tbody></table>`;
  return `<div class="grid2">${table(
    'Trade statistics',
    '<tr><th></th><th></th></tr>',
    summary.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${escapeHtml(v)}</td></tr>`).join(''),
  )}${table(
    'Trades by symbol',
    '<tr><th>Symbol</th><th>Trades</th><th>Win rate</th><th>Net P&amp;L</th></tr>',
    stats.bySymbol
      .map(
        (s) =>
          `<tr><th scope="row">${escapeHtml(s.symbol)}</th><td>${s.trades}</td><td>${percent(s.wins / s.trades, false)}</td><td${tone(s.pnl)}>${money(s.pnl)}</td></tr>`,
      )
      .join(''),
  )}${table(
    'Exits by reason',
    '<tr><th>Exit</th><th>Trades</th></tr>',
    stats.exitReasons
      .map(([reason, count]) => `<tr><th scope="row">${escapeHtml(reason)}</th><td>${count}</td></tr>`)
      .join(''),
  )}</div>`;
}

/** The whole tearsheet: one HTML document, styles and charts inline. Deterministic for a given run. */
export function tearsheetHtml(input: TearsheetInput): string {
  const own = thinned(input.equity.time, input.equity.equity);
  const bench = thinned(input.benchmark.time, input.benchmark.equity);
  const drawdown = thinned(
    input.equity.time,
    input.equity.drawdown.map((d) => -d),
  );
  const dollars = (v: number) => money(v).replace(/\.00$/, '');
  const equityChart = lineChart(
    [
      { ...bench, className: 'bench', label: 'Buy and hold' },
      { ...own, className: 'own', label: 'Strategy' },
    ],
    300,
    dollars,
    'Equity of the strategy and of buy-and-hold',
  );
  const drawdownChart = lineChart(
    [{ ...drawdown, className: 'dd', label: 'Drawdown' }],
    150,
    (v) => `${(v * 100).toFixed(v === 0 ? 0 : 1)}%`,
    'Drawdown of the strategy below its running peak',
    true,
  );
  const facts = input.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
  const notes =
    input.notes.length > 0
      ? `<h2>Notes</h2><ul class="notes">${input.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`
      : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)} · MarketBoss tearsheet</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(input.title)}</h1>
<dl class="facts">${facts}</dl>
</header>
<h2>Performance</h2>
<div class="perf">
<section>${metricsSection(input)}</section>
<section>
<p class="legend"><span><i style="background:#1f5fbf"></i>Strategy</span><span><i style="background:#8a8f98"></i>Buy and hold</span></p>
${equityChart}
<p class="legend"><span><i style="background:#b42318"></i>Drawdown</span></p>
${drawdownChart}
</section>
</div>
<h2>Monthly returns</h2>
${monthlySection(monthlyReturns(input.periods))}
<h2>Trades</h2>
${tradesSection(tradeStatistics(input.trades))}
${notes}
<footer>Made by MarketBoss. Returns are mark to market on the run's equity curve; buy-and-hold holds the run's symbols in equal weights.</footer>
</body>
</html>
`;
}

/** What every tearsheet states about its run, in the same order from the CLI and from the app. */
export function runFacts(run: {
  readonly strategy: string;
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly time: Float64Array;
  readonly cash: number;
  readonly data: string;
  readonly engineVersion: string | null;
}): [string, string][] {
  const first = run.time[0];
  const last = run.time[run.time.length - 1];
  return [
    ['Strategy', run.strategy],
    ['Symbols', run.symbols.join(', ')],
    ['Bar size', run.timeframe],
    [
      'Period',
      first === undefined || last === undefined
        ? 'no bars'
        : `${day(first)} → ${day(last)} (${run.time.length.toLocaleString('en-US')} points)`,
    ],
    ['Starting cash', money(run.cash)],
    ['Data', run.data],
    ['Engine', run.engineVersion ?? 'unknown'],
  ];
}

/** The tearsheet of a run just computed (the CLI's): `data` says where its bars came from. */
export function tearsheetOfResult(result: BacktestResult, title: string, data: string): string {
  const curve = { time: result.equity.time, equity: result.equity.equity };
  return tearsheetHtml({
    title,
    facts: runFacts({
      strategy: strategyLabel(result.config.strategy.id, result.config.strategy.params),
      symbols: result.symbols,
      timeframe: result.timeframe,
      time: result.equity.time,
      cash: result.config.cash,
      data,
      engineVersion: result.engineVersion,
    }),
    metrics: result.metrics,
    benchmarkMetrics: result.benchmarkMetrics,
    equity: { ...curve, drawdown: result.equity.drawdown },
    benchmark: result.benchmark,
    trades: result.trades,
    periods: runPnlByPeriod(result.config, result.timeframe, curve, result.trades),
    notes: result.notes,
  });
}
