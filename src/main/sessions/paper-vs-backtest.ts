// The backtest of a session's own bars with its own config: what the paper run should have done. The same engine
// and the same seed make the two agree fill for fill on the simulator; any difference is something to explain.
import type { BarSeries } from '../../shared/domain/bars';
import type { FillRow, SessionComparison } from '../../shared/domain/session';
import { fillList } from '../engine/fill-table';
import { computeMetrics } from '../engine/metrics';
import { type BacktestOptions, type BacktestResult, runBacktest } from '../research/backtest';
import type { BarColumns, SessionRepo } from '../store/session-repo';
import type { SessionConfig } from '../strategies/run-config';
import { BacktestConfigSchema } from '../strategies/run-config';
import type { SignalModel } from '../strategies/signal-model';

const BACKTEST_KEYS = new Set(Object.keys(BacktestConfigSchema.shape));

/** The backtest part of a session config; the run's positions stay open at the end, as the session's do. */
export function backtestConfigOf(config: SessionConfig): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) if (BACKTEST_KEYS.has(key)) picked[key] = value;
  return { ...picked, closeAtEnd: false };
}

export function backtestSessionBars(
  config: SessionConfig,
  barsBySymbol: Readonly<Record<string, BarColumns>>,
  options: BacktestOptions = {},
): BacktestResult {
  const series: BarSeries[] = config.symbols.map((symbol) => {
    const bars = barsBySymbol[symbol];
    if (!bars) throw new Error(`the session has no bars for ${symbol}`);
    return {
      symbol,
      timeframe: config.timeframe,
      time: Float64Array.from(bars.time),
      open: Float64Array.from(bars.open),
      high: Float64Array.from(bars.high),
      low: Float64Array.from(bars.low),
      close: Float64Array.from(bars.close),
      volume: Float64Array.from(bars.volume),
      length: bars.time.length,
    };
  });
  return runBacktest(backtestConfigOf(config), series, options);
}

/**
 * The paper run beside the backtest of its own bars: metrics for both, both equity curves, and the difference
 * broken down — fills matched by bar time, symbol, side and quantity; price differences (slippage); fees; orders
 * the paper venue rejected or timed out; fills only one side has (missed or extra trades, timing).
 */
export function compareRun(
  repo: SessionRepo,
  runId: string,
  config: SessionConfig,
  models: readonly SignalModel[] = [],
): SessionComparison {
  const all = Number.POSITIVE_INFINITY;
  const bars = Object.fromEntries(config.symbols.map((s) => [s, repo.bars(runId, s)]));
  const backtest = backtestSessionBars(config, bars, models.length > 0 ? { models } : {});
  const curve = repo.equityCurve(runId, all);
  const paperFills = repo.fills(runId, all).reverse();
  const paperTrades = repo.trades(runId);

  const time = Float64Array.from(curve.time);
  const equity = Float64Array.from(curve.equity);
  const paperFees = paperFills.reduce((sum, f) => sum + f.fee, 0);
  const paperMetrics = computeMetrics({
    time,
    equity,
    length: time.length,
    trades: paperTrades,
    fees: paperFees,
    barsInMarket: barsInMarket(time, paperFills),
    timeframe: config.timeframe,
    calendar: config.calendar,
    riskFreeRate: config.riskFreeRate,
  });

  // Match fills by what they were, not by id: the two runs number their orders independently.
  const key = (f: { time: number; symbol: string; side: string; qty: number }) =>
    `${f.time}|${f.symbol}|${f.side}|${f.qty}`;
  const expected = new Map<string, number[]>();
  for (const f of fillList(backtest.fills)) {
    const list = expected.get(key(f)) ?? [];
    list.push(f.price);
    expected.set(key(f), list);
  }
  let matched = 0;
  let slippageCost = 0;
  for (const f of paperFills) {
    const prices = expected.get(key(f));
    const price = prices?.shift();
    if (price === undefined) continue;
    matched++;
    slippageCost += (f.side === 'buy' ? 1 : -1) * (f.price - price) * f.qty;
  }
  const backtestFills = backtest.fills.length;
  const orders = repo.orders(runId, all);
  const rejected = orders.filter((o) => o.status === 'rejected').length;
  const canceled = orders.filter((o) => o.status === 'canceled' && o.role === 'entry').length;
  const backtestFees = backtest.stats.fees;

  const explanation: [number, string][] = [];
  const paperEnd = equity.length > 0 ? equity[equity.length - 1]! : config.cash;
  const backtestEnd =
    backtest.equity.length > 0 ? backtest.equity.equity[backtest.equity.length - 1]! : config.cash;
  const gap = paperEnd - backtestEnd;
  if (Math.abs(gap) < 1e-6 && matched === paperFills.length && matched === backtestFills) {
    explanation.push([
      0,
      'the paper run and the backtest agree fill for fill: same bars, same engine, same seed',
    ]);
  } else {
    explanation.push([
      Math.abs(gap),
      `paper ends ${gap >= 0 ? 'above' : 'below'} the backtest by ${Math.abs(gap).toFixed(2)}`,
    ]);
    if (Math.abs(slippageCost) > 1e-9)
      explanation.push([
        Math.abs(slippageCost),
        `different fill prices on matched fills cost ${slippageCost.toFixed(2)}`,
      ]);
    if (Math.abs(paperFees - backtestFees) > 1e-9)
      explanation.push([
        Math.abs(paperFees - backtestFees),
        `fees: paper ${paperFees.toFixed(2)}, backtest ${backtestFees.toFixed(2)}`,
      ]);
    if (rejected > 0) explanation.push([rejected, `${rejected} paper orders were rejected by the venue`]);
    if (canceled > 0) explanation.push([canceled, `${canceled} paper entries timed out unfilled`]);
    const onlyPaper = paperFills.length - matched;
    const onlyBacktest = backtestFills - matched;
    if (onlyPaper + onlyBacktest > 0) {
      explanation.push([
        onlyPaper + onlyBacktest,
        `${count(onlyBacktest, 'backtest fill')} without a paper twin and ${count(onlyPaper, 'paper fill')} without a backtest twin (missed orders, user controls, timing)`,
      ]);
    }
  }
  return {
    runId,
    barTimes: time.length,
    paper: { metrics: paperMetrics, time: curve.time, equity: curve.equity },
    backtest: {
      metrics: backtest.metrics,
      time: Array.from(backtest.equity.time),
      equity: Array.from(backtest.equity.equity),
    },
    fills: {
      paper: paperFills.length,
      backtest: backtestFills,
      matched,
      onlyPaper: paperFills.length - matched,
      onlyBacktest: backtestFills - matched,
      slippageCost,
    },
    fees: { paper: paperFees, backtest: backtestFees },
    paperRejected: rejected,
    paperCanceled: canceled,
    explanation: explanation.sort((a, b) => b[0] - a[0]).map(([, text]) => text),
  };
}

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Bars during which the paper account held a position, from its fills (the ledger keeps no per-bar positions). */
function barsInMarket(time: Float64Array, fills: readonly FillRow[]): number {
  const held = new Map<string, number>();
  let open = 0;
  let k = 0;
  let count = 0;
  for (let i = 0; i < time.length; i++) {
    while (k < fills.length && fills[k]!.time <= time[i]!) {
      const f = fills[k++]!;
      const before = held.get(f.symbol) ?? 0;
      const after = before + (f.side === 'buy' ? f.qty : -f.qty);
      held.set(f.symbol, Math.abs(after) < 1e-9 ? 0 : after);
      open += (after !== 0 ? 1 : 0) - (before !== 0 ? 1 : 0);
    }
    if (open > 0) count++;
  }
  return count;
}
