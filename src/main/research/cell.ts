// A research cell: one backtest of one parameter set on one window of a dataset — the unit every executor runs.
// Pure: the same dataset and job give the same outcome on any worker, so results never depend on where they ran.
import { createHash } from 'node:crypto';
import type { BarSeries } from '../../shared/domain/bars';
import type { PerformanceMetrics } from '../../shared/domain/metrics';
import { type BacktestConfigInput, ConfigError } from '../strategies/run-config';
import { runBacktest } from './backtest';

export interface CellJob {
  /** Unique within a run (e.g. 'c17', 'f3-test'); BullMQ job ids and result order use it. */
  readonly key: string;
  /** The whole backtest config without its data: the base config with this cell's parameters laid over it. */
  readonly config: BacktestConfigInput;
  /** Bar-time indices [start, end) of the dataset's timeline (timelineOf) to run on; all of it when absent. */
  readonly window?: { readonly start: number; readonly end: number };
  /** Keep the equity curve (walk-forward stitching) or each trade's P&L (Monte Carlo) in the outcome. */
  readonly keep?: { readonly equity?: boolean; readonly tradePnl?: boolean };
}

export interface CellOutcome {
  readonly key: string;
  /** The config was refused (a parameter out of range, fast ≥ slow …): the message names the field; no figures. */
  readonly error: string | null;
  readonly metrics: PerformanceMetrics | null;
  readonly finalEquity: number | null;
  /** The first symbol's strategy parameters with defaults filled in. */
  readonly params: Readonly<Record<string, unknown>> | null;
  readonly equity?: { readonly time: number[]; readonly equity: number[] };
  readonly tradePnl?: number[];
}

/** Content id of a dataset: symbols, timeframes and every column's bytes. */
export function datasetId(series: readonly BarSeries[]): string {
  const hash = createHash('sha256');
  for (const s of series) {
    hash.update(`${s.symbol}|${s.timeframe}|${s.length}\n`);
    for (const column of [s.time, s.open, s.high, s.low, s.close, s.volume]) {
      const used = column.subarray(0, s.length);
      hash.update(new Uint8Array(used.buffer, used.byteOffset, used.byteLength));
    }
  }
  return `ds-${hash.digest('hex').slice(0, 32)}`;
}

const timelines = new WeakMap<readonly BarSeries[], Float64Array>();

/** The dataset's bar times: every distinct bar time of every series, ascending (one series: its own times). */
export function timelineOf(series: readonly BarSeries[]): Float64Array {
  const known = timelines.get(series);
  if (known !== undefined) return known;
  let timeline: Float64Array;
  if (series.length === 1) timeline = series[0]!.time.subarray(0, series[0]!.length);
  else {
    const all = new Float64Array(series.reduce((n, s) => n + s.length, 0));
    let at = 0;
    for (const s of series) {
      all.set(s.time.subarray(0, s.length), at);
      at += s.length;
    }
    all.sort();
    let distinct = 0;
    for (let i = 0; i < all.length; i++)
      if (i === 0 || all[i] !== all[distinct - 1]) all[distinct++] = all[i]!;
    timeline = all.slice(0, distinct);
  }
  timelines.set(series, timeline);
  return timeline;
}

/** First index in sorted `times` at or after `t`. */
function lowerBound(times: Float64Array, length: number, t: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The series cut to bar times [timeline[start], timeline[end − 1]]: views on the same columns, nothing copied. */
export function sliceSeries(
  series: readonly BarSeries[],
  window: { readonly start: number; readonly end: number },
): BarSeries[] {
  const timeline = timelineOf(series);
  if (!(window.start >= 0 && window.end <= timeline.length && window.start < window.end)) {
    throw new ConfigError(
      'window',
      `bars ${window.start}–${window.end} are outside the data's ${timeline.length} bar times`,
    );
  }
  const from = timeline[window.start]!;
  const to = timeline[window.end - 1]!;
  return series.map((s) => {
    const a = lowerBound(s.time, s.length, from);
    const b = lowerBound(s.time, s.length, to + 1);
    return {
      symbol: s.symbol,
      timeframe: s.timeframe,
      time: s.time.subarray(a, b),
      open: s.open.subarray(a, b),
      high: s.high.subarray(a, b),
      low: s.low.subarray(a, b),
      close: s.close.subarray(a, b),
      volume: s.volume.subarray(a, b),
      length: b - a,
    };
  });
}

export function runCell(series: readonly BarSeries[], job: CellJob): CellOutcome {
  const data = job.window === undefined ? series : sliceSeries(series, job.window);
  let result: ReturnType<typeof runBacktest>;
  try {
    result = runBacktest(job.config, data);
  } catch (error) {
    if (error instanceof ConfigError) {
      return { key: job.key, error: error.message, metrics: null, finalEquity: null, params: null };
    }
    throw error;
  }
  const { equity } = result;
  const first = result.symbols[0];
  const outcome: CellOutcome = {
    key: job.key,
    error: null,
    metrics: result.metrics,
    finalEquity: equity.length > 0 ? equity.equity[equity.length - 1]! : result.config.cash,
    params: (first !== undefined ? result.strategies[first]?.params : undefined) as Record<string, unknown>,
    ...(job.keep?.equity === true && {
      equity: { time: Array.from(equity.time), equity: Array.from(equity.equity) },
    }),
    ...(job.keep?.tradePnl === true && { tradePnl: result.trades.map((t) => t.pnl) }),
  };
  return outcome;
}
