// The strategy's indicators on a session's chart: computed in main with the kernels the strategies trade on (the
// renderer imports no engine code). A snapshot carries them over the last bars; each processed bar's push then
// carries their values at that bar, fed by the same steppers through every bar the run sees (replayed, warm-up
// and live), so the live line continues the snapshot's.
import type { Bar, BarSeries, ChartBars, Timeframe } from '../../shared/domain/bars';
import type { IndicatorSpec } from '../engine/strategy';
import { aggregateBars } from '../feeds/aggregate';
import type { MarketCalendar } from '../market/new-york-time';
import {
  computeIndicators,
  type IndicatorStepper,
  indicatorLookback,
  indicatorStepper,
  sampleIndicators,
  strategyIndicatorSpecs,
} from '../research/indicator-lines';
import type { SessionConfig } from '../strategies/run-config';

/**
 * Bars before the shown ones for the indicators to settle: twenty lookbacks. Windowed ones (SMA, Bollinger) need
 * one; smoothed ones (EMA, MACD, and Wilder's RSI, ATR, ADX) forget their start by (1 − 1/period)^(20·period) ≈
 * e^−20, so they agree with the run's own values to ~1e-9.
 */
export function indicatorWarmupBars(specs: readonly IndicatorSpec[]): number {
  return specs.reduce((most, spec) => Math.max(most, 20 * indicatorLookback(spec)), 0);
}

/**
 * The chart's bars for a session symbol: the newest `shown` of `history` (which should hold
 * indicatorWarmupBars more before them), with the indicators computed over all of `history`; or, with `coarser`,
 * the newest `shown` of `history` aggregated to that timeframe.
 */
export function sessionChartBars(
  history: { readonly [K in keyof Bar]: readonly number[] },
  specs: readonly IndicatorSpec[],
  shown: number,
  coarser?: { readonly timeframe: Timeframe; readonly from: Timeframe; readonly calendar: MarketCalendar },
): ChartBars {
  const n = history.time.length;
  const fine: BarSeries = {
    symbol: '',
    timeframe: coarser?.from ?? '1m',
    time: Float64Array.from(history.time),
    open: Float64Array.from(history.open),
    high: Float64Array.from(history.high),
    low: Float64Array.from(history.low),
    close: Float64Array.from(history.close),
    volume: Float64Array.from(history.volume),
    length: n,
  };
  const fineLines = computeIndicators(specs, fine);
  // A coarser chart: each bar aggregates the run's bars, its indicator values are those at its last bar (what the
  // strategy saw at that bar's close), as on a backtest's chart.
  const series = coarser ? aggregateBars(fine, coarser.timeframe, coarser.calendar) : fine;
  const lines = coarser ? sampleIndicators(fineLines, fine, series) : fineLines;
  const m = series.length;
  const from = Math.max(0, m - shown);
  const tail = (column: Float64Array) => column.slice(from, m);
  return {
    time: tail(series.time),
    open: tail(series.open),
    high: tail(series.high),
    low: tail(series.low),
    close: tail(series.close),
    volume: tail(series.volume),
    length: m - from,
    indicators: lines.map((set) => ({
      ...set,
      lines: set.lines.map((line) => ({ ...line, values: tail(line.values) })),
    })),
  };
}

/** Steppers per symbol, fed each bar the run processes; `step` answers the values a bar push carries. */
export class LiveIndicators {
  private readonly symbols = new Map<string, { steppers: IndicatorStepper[]; out: Float64Array[] }>();

  constructor(config: SessionConfig) {
    for (const symbol of config.symbols) {
      const steppers = strategyIndicatorSpecs(config, symbol).map(indicatorStepper);
      this.symbols.set(symbol, { steppers, out: steppers.map((s) => new Float64Array(s.lines.length)) });
    }
  }

  /** Feeds `bar`; the values of every line at it, set by set (the snapshot's order), null while warming up. */
  step(symbol: string, bar: Bar): (number | null)[] | undefined {
    const entry = this.symbols.get(symbol);
    if (!entry || entry.steppers.length === 0) return undefined;
    const values: (number | null)[] = [];
    entry.steppers.forEach((stepper, k) => {
      const out = entry.out[k]!;
      stepper.step(bar, out);
      for (const v of out) values.push(Number.isFinite(v) ? v : null);
    });
    return values;
  }
}
