// Walk-forward validation: optimise on a train window, run the chosen parameters on the test window after it, move
// on; the test runs stitched together are what the strategy would have earned had it been re-fitted each time.
// Fold planning is pure (planFolds, over units of bars or calendar periods), then all folds' train searches run as
// shared executor batches, then every fold's test run in one more batch.
import type { z } from 'zod';
import type { BacktestDataSpec } from '../../shared/domain/backtest';
import type { Timeframe } from '../../shared/domain/bars';
import type { PerformanceMetrics } from '../../shared/domain/metrics';
import type {
  ParamSet,
  ParamValue,
  WalkForwardFold,
  WalkForwardResult,
  WalkForwardWindows,
  walkForwardRequestSchema,
} from '../../shared/domain/research';
import type { Trade } from '../../shared/domain/trading';
import { computeMetrics } from '../engine/metrics';
import { calendarDay } from '../market/calendar';
import { DAY_MS, isoDateOfDay } from '../market/new-york-time';
import { type BacktestConfig, ConfigError } from '../strategies/run-config';
import { timelineOf } from './cell';
import type { Dataset, ResearchExecutor } from './executor';
import { bestMetrics, cellConfig, checkSearch, type ResearchRunOptions, runSearches } from './optimize';

export type WalkForwardRequest = z.output<typeof walkForwardRequestSchema>;

/** Walk-forward efficiency below this is reported as a warning: in-sample results do not carry out of sample. */
export const WFE_WARNING = 0.5;

/** One fold's windows, in units (bars or calendar periods), end exclusive. */
export interface FoldWindows {
  readonly trainStart: number;
  readonly trainEnd: number;
  readonly testStart: number;
  readonly testEnd: number;
}

const UNIT_WORDS: Record<WalkForwardWindows['unit'], string> = {
  bars: 'bars',
  days: 'trading days',
  weeks: 'weeks',
  months: 'months',
};

/**
 * Folds over `length` units. The test windows tile [train + gap, length) in order, each `test` long except the last,
 * which takes what is left. Rolling: each train window is the `train` units ending `gap` units before its test
 * window; anchored: every train window starts at 0 and grows. Refuses windows longer than the data, naming both.
 */
export function planFolds(
  length: number,
  windows: Pick<WalkForwardWindows, 'train' | 'test' | 'gap' | 'mode'> & {
    unit?: WalkForwardWindows['unit'];
  },
): FoldWindows[] {
  const { train, test, gap, mode } = windows;
  const unit = UNIT_WORDS[windows.unit ?? 'bars'];
  if (train + gap + test > length) {
    throw new ConfigError(
      'windows',
      `a train window of ${train} ${unit}${gap > 0 ? ` and a gap of ${gap}` : ''} and a test window of ${test} need ${train + gap + test} ${unit}, but the data has ${length}`,
    );
  }
  const folds: FoldWindows[] = [];
  for (let testStart = train + gap; testStart < length; testStart += test) {
    const trainEnd = testStart - gap;
    folds.push({
      trainStart: mode === 'anchored' ? 0 : trainEnd - train,
      trainEnd,
      testStart,
      testEnd: Math.min(length, testStart + test),
    });
  }
  return folds;
}

/**
 * The first bar-time index of each calendar period of the timeline, plus the timeline's length at the end: period p
 * is bars [starts[p], starts[p + 1]). Days are trading days as the calendar dates them (New York for US equities;
 * a daily bar is stamped with its own UTC date), so only days with bars count; weeks run Monday to Sunday.
 */
export function periodStarts(
  timeline: Float64Array,
  unit: Exclude<WalkForwardWindows['unit'], 'bars'>,
  timeframe: Timeframe,
  calendar: BacktestConfig['calendar'],
): number[] {
  const starts: number[] = [];
  let previous: number | null = null;
  let lastDay = Number.NaN;
  let lastKey = Number.NaN;
  for (let i = 0; i < timeline.length; i++) {
    const t = timeline[i]!;
    const day = timeframe === '1D' ? Math.floor(t / DAY_MS) : calendarDay(calendar, t);
    let key: number;
    if (day === lastDay) key = lastKey;
    else if (unit === 'days') key = day;
    // Day 0 (1970-01-01) was a Thursday: day + 3 counts from a Monday.
    else if (unit === 'weeks') key = Math.floor((day + 3) / 7);
    else {
      const date = isoDateOfDay(day);
      key = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
    }
    lastDay = day;
    lastKey = key;
    if (key !== previous) starts.push(i);
    previous = key;
  }
  starts.push(timeline.length);
  return starts;
}

/** Folds as bar-time indices of the dataset's timeline, from windows in bars or calendar units. */
export function planFoldBars(
  timeline: Float64Array,
  windows: WalkForwardWindows,
  timeframe: Timeframe,
  calendar: BacktestConfig['calendar'],
): FoldWindows[] {
  if (windows.unit === 'bars') return planFolds(timeline.length, windows);
  const starts = periodStarts(timeline, windows.unit, timeframe, calendar);
  return planFolds(starts.length - 1, windows).map((f) => ({
    trainStart: starts[f.trainStart]!,
    trainEnd: starts[f.trainEnd]!,
    testStart: starts[f.testStart]!,
    testEnd: starts[f.testEnd]!,
  }));
}

/**
 * Walk-forward efficiency: the folds' mean annualised out-of-sample return (CAGR) ÷ their mean annualised in-sample
 * return, over the folds that chose parameters and have both. A ratio of means rather than a mean of per-fold ratios:
 * one fold with an in-sample return near zero would otherwise swing the whole figure. Null when the mean in-sample
 * return is not positive (the ratio then says nothing) or no fold has both figures.
 */
export function walkForwardEfficiency(
  folds: readonly {
    readonly inSample: PerformanceMetrics | null;
    readonly outOfSample: PerformanceMetrics | null;
  }[],
): number | null {
  let is = 0;
  let oos = 0;
  let n = 0;
  for (const fold of folds) {
    const a = fold.inSample?.cagr;
    const b = fold.outOfSample?.cagr;
    if (a === null || a === undefined || b === null || b === undefined) continue;
    is += a;
    oos += b;
    n += 1;
  }
  if (n === 0 || !(is > 0)) return null;
  return oos / n / (is / n);
}

/** Each searched parameter's chosen value by fold, and how often the choice changed from one chosen fold to the next. */
export function parameterStability(
  names: readonly string[],
  chosen: readonly (ParamSet | null)[],
): WalkForwardResult['stability'] {
  return names.map((name) => {
    const values = chosen.map((params) => (params === null ? null : (params[name] ?? null)));
    let changes = 0;
    let last: ParamValue | null = null;
    for (const value of values) {
      if (value === null) continue;
      if (last !== null && value !== last) changes += 1;
      last = value;
    }
    return { name, values, changes };
  });
}

/**
 * computeMetrics reads a trade's P&L and exit order only; the stitched curve's trades are the folds' P&L (scaled
 * with their fold) in fold order, so each gets its position in that order as its exit time and no other detail.
 */
function pnlTrades(pnl: readonly number[]): Trade[] {
  return pnl.map((p, i) => ({
    symbol: '',
    side: 'long',
    qty: 0,
    entryTime: i,
    entryPrice: 0,
    exitTime: i,
    exitPrice: 0,
    pnl: p,
    fees: 0,
    barsHeld: 0,
    exitReason: 'signal',
  }));
}

export async function walkForward(
  request: Pick<WalkForwardRequest, 'config' | 'search' | 'windows'>,
  dataset: Dataset,
  executor: ResearchExecutor,
  options: ResearchRunOptions & { readonly data: BacktestDataSpec },
): Promise<WalkForwardResult> {
  const base = checkSearch(request.config, request.search);
  const timeline = timelineOf(dataset.series);
  const timeframe = dataset.series[0]!.timeframe;
  const plan = planFoldBars(timeline, request.windows, timeframe, base.calendar);
  const names = request.search.dimensions.map((d) => d.name);

  const searched = await runSearches(
    plan.map((fold, k) => ({
      prefix: `f${k}-`,
      base,
      search: request.search,
      window: { start: fold.trainStart, end: fold.trainEnd },
    })),
    dataset,
    executor,
    { ...options, extraTotal: plan.length },
  );
  const chosen = searched.outcomes.map((o) => (o.best === null ? null : o.cells[o.best]!.params));
  const testFolds = plan.flatMap((fold, k) => (chosen[k] === null ? [] : [{ fold, k, params: chosen[k]! }]));
  const tested = await executor.run(
    dataset,
    testFolds.map(({ fold, k, params }) => ({
      key: `f${k}-test`,
      config: cellConfig(base, params),
      window: { start: fold.testStart, end: fold.testEnd },
      keep: { equity: true, tradePnl: true },
    })),
    {
      ...(options.signal !== undefined && { signal: options.signal }),
      onProgress: (p) => options.onProgress?.(searched.done + p.done, searched.total),
    },
  );
  options.onProgress?.(searched.total, searched.total);

  const notes: string[] = [];
  // Stitch: each fold's test run started from the base cash; scale its curve (and trade P&L) so it starts from
  // the equity the previous fold ended with, as if the account had carried over.
  const time: number[] = [];
  const equity: number[] = [];
  const pnl: number[] = [];
  let fees = 0;
  let barsInMarket = 0;
  let carried = base.cash;
  const outOfSample = new Map<number, PerformanceMetrics>();
  testFolds.forEach(({ k }, i) => {
    const outcome = tested[i]!;
    if (outcome.error !== null || outcome.metrics === null || outcome.equity === undefined) {
      notes.push(`fold ${k + 1}: the test run was refused (${outcome.error ?? 'no figures'})`);
      return;
    }
    outOfSample.set(k, outcome.metrics);
    const scale = carried / base.cash;
    for (let j = 0; j < outcome.equity.time.length; j++) {
      time.push(outcome.equity.time[j]!);
      equity.push(outcome.equity.equity[j]! * scale);
    }
    for (const p of outcome.tradePnl ?? []) pnl.push(p * scale);
    fees += outcome.metrics.fees * scale;
    barsInMarket += Math.round((outcome.metrics.exposureTime ?? 0) * outcome.equity.time.length);
    if (equity.length > 0) carried = equity[equity.length - 1]!;
  });

  const folds: WalkForwardFold[] = plan.map((fold, k) => {
    const outcome = searched.outcomes[k]!;
    const problem =
      chosen[k] === null
        ? `no admissible cell on the train window (${outcome.notes.join('; ') || 'no cells ran'})`
        : null;
    return {
      fold: k + 1,
      ...fold,
      trainFrom: timeline[fold.trainStart]!,
      trainTo: timeline[fold.trainEnd - 1]!,
      testFrom: timeline[fold.testStart]!,
      testTo: timeline[fold.testEnd - 1]!,
      params: chosen[k] ?? null,
      inSample: bestMetrics(outcome),
      outOfSample: outOfSample.get(k) ?? null,
      problem,
    };
  });
  for (const fold of folds) if (fold.problem !== null) notes.push(`fold ${fold.fold}: ${fold.problem}`);

  const oosMetrics =
    equity.length > 0
      ? computeMetrics({
          time: Float64Array.from(time),
          equity: Float64Array.from(equity),
          length: equity.length,
          trades: pnlTrades(pnl),
          fees,
          barsInMarket,
          timeframe,
          calendar: base.calendar,
          riskFreeRate: base.riskFreeRate,
        })
      : null;
  const efficiency = walkForwardEfficiency(folds);
  const warnings: string[] = [];
  if (efficiency !== null && efficiency < WFE_WARNING) {
    warnings.push(
      `walk-forward efficiency ${efficiency.toFixed(2)} is below ${WFE_WARNING}: the in-sample results do not carry out of sample`,
    );
  }
  if (efficiency === null) {
    notes.push(
      'walk-forward efficiency is undefined: the folds’ mean in-sample annualised return is not positive',
    );
  }
  return {
    kind: 'walk-forward',
    objective: request.search.objective,
    method: request.search.method,
    windows: request.windows,
    folds,
    oosEquity: { time, equity },
    oosMetrics,
    efficiency,
    warnings,
    stability: parameterStability(names, chosen),
    data: options.data,
    notes,
  };
}

/** Refuses windows longer than the data before any work (the service and CLI call it with the loaded timeline). */
export function checkWindows(
  timeline: Float64Array,
  windows: WalkForwardWindows,
  timeframe: Timeframe,
  calendar: BacktestConfig['calendar'],
): number {
  return planFoldBars(timeline, windows, timeframe, calendar).length;
}
