// The trader's own indicators on a chart: the catalogue's settings (shared/domain/chart-tools.ts) turned into the
// strategies' IndicatorSpecs, computed by the same steppers as the strategy's lines (indicator-lines.ts), over the
// bars the chart shows (at its timeframe: an RSI 14 on a 1h chart is the RSI of hourly bars).
import type { BarColumns } from '../../shared/domain/bars';
import {
  type ChartIndicator,
  type ChartIndicatorLines,
  USER_INDICATOR_PREFIX,
} from '../../shared/domain/chart-tools';
import type { IndicatorSpec } from '../engine/strategy';
import type { MarketCalendar } from '../market/new-york-time';
import { computeIndicators } from './indicator-lines';

/** One of the user's indicators as the spec the steppers take; oscillators get a pane of their own. */
export function userIndicatorSpec(indicator: ChartIndicator): IndicatorSpec {
  switch (indicator.kind) {
    case 'bollinger':
      return {
        kind: 'bollinger',
        period: indicator.period,
        params: { stdDev: indicator.stdDev },
        pane: 'price',
      };
    case 'macd':
      return {
        kind: 'macd',
        params: { fast: indicator.fast, slow: indicator.slow, signal: indicator.signal },
        pane: 'lower',
      };
    case 'vwap':
      return { kind: 'vwap', pane: 'price' };
    case 'rsi':
      return {
        kind: 'rsi',
        period: indicator.period,
        params: { overbought: 70, oversold: 30 },
        pane: 'lower',
      };
    case 'atr':
      return { kind: 'atr', period: indicator.period, pane: 'lower' };
    default:
      return { kind: indicator.kind, period: indicator.period, pane: 'price' };
  }
}

/**
 * The user's indicators over `bars`, then cut to bars [from, end): computed from the first bar so each has its
 * warm-up. Ids start with USER_INDICATOR_PREFIX, so they never meet the strategy's lines on the same chart.
 */
export function userIndicatorLines(
  indicators: readonly ChartIndicator[],
  bars: BarColumns,
  calendar: MarketCalendar,
  from = 0,
  end = bars.length,
): ChartIndicatorLines {
  const sets = computeIndicators(indicators.map(userIndicatorSpec), bars, calendar);
  const whole = from === 0 && end === bars.length;
  const cut = (column: Float64Array) => (whole ? column : column.slice(from, end));
  return {
    time: cut(bars.time.length === bars.length ? bars.time : bars.time.subarray(0, bars.length)),
    indicators: sets.map((set) => ({
      ...set,
      id: `${USER_INDICATOR_PREFIX}${set.id}`,
      lines: set.lines.map((line) => ({ ...line, values: cut(line.values) })),
    })),
  };
}
