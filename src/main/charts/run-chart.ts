// A run's chart: a symbol's bars with its strategy's indicator lines over them, at the run's timeframe or a coarser
// one, a window at a time. Backtests and sessions both draw through it, so their charts show the same thing.
import type { BarField, BarSeries, ChartBars, Timeframe } from '../../shared/domain/bars';
import type { IndicatorSpec } from '../engine/strategy';
import { aggregateBars } from '../feeds/aggregate';
import type { MarketCalendar } from '../market/new-york-time';
import { computeIndicators, type IndicatorLineSet, sampleIndicators } from './indicator-lines';

/** A symbol's bars and its indicator lines, index for index. */
export interface ChartSource {
  readonly bars: BarSeries;
  readonly lines: readonly IndicatorLineSet[];
}

/** The lines of `specs` over all of `bars`, so their warm-up is the one the run had. */
export function chartSource(
  bars: BarSeries,
  specs: readonly IndicatorSpec[],
  calendar: MarketCalendar = 'us-equities',
): ChartSource {
  return { bars, lines: computeIndicators(specs, bars, calendar) };
}

/**
 * `source` at `timeframe` (as it is when that is its own or none is asked for): each coarse bar aggregates the
 * source's bars, and its lines take their values at its last source bar, what the strategy saw at that bar's close.
 */
export function atTimeframe(
  source: ChartSource,
  timeframe: Timeframe | undefined,
  calendar: MarketCalendar,
): ChartSource {
  if (timeframe === undefined || timeframe === source.bars.timeframe) return source;
  const bars = aggregateBars(source.bars, timeframe, calendar);
  return { bars, lines: sampleIndicators(source.lines, source.bars, bars) };
}

/**
 * Bars [from, end) of `source` with their lines. A column that is exactly the window goes as it is; a part is
 * copied, so IPC's structured clone does not carry the whole buffer behind a view.
 */
export function chartWindow(source: ChartSource, from: number, end: number): ChartBars {
  const slice = (column: Float64Array) =>
    from === 0 && end === column.length ? column : column.slice(from, end);
  const bars = source.bars;
  return {
    time: slice(bars.time),
    open: slice(bars.open),
    high: slice(bars.high),
    low: slice(bars.low),
    close: slice(bars.close),
    volume: slice(bars.volume),
    length: end - from,
    indicators: source.lines.map((set) => ({
      ...set,
      lines: set.lines.map((line) => ({ ...line, values: slice(line.values) })),
    })),
  };
}

/** The newest `count` bars of `source` with their lines. */
export function newestWindow(source: ChartSource, count: number): ChartBars {
  const length = source.bars.length;
  return chartWindow(source, Math.max(0, length - count), length);
}

/** Bars kept as plain number columns (a session's ledger) as a series. */
export function seriesOfColumns(
  symbol: string,
  timeframe: Timeframe,
  columns: { readonly [K in BarField]: readonly number[] },
): BarSeries {
  return {
    symbol,
    timeframe,
    time: Float64Array.from(columns.time),
    open: Float64Array.from(columns.open),
    high: Float64Array.from(columns.high),
    low: Float64Array.from(columns.low),
    close: Float64Array.from(columns.close),
    volume: Float64Array.from(columns.volume),
    length: columns.time.length,
  };
}
