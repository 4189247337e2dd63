// Bars: one OHLCV candle, and columnar series for backtests (one Float64Array per field).

export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '1D'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '1D': 86_400_000,
};

/** One candle. `time` is the bar's open time in epoch milliseconds, UTC. */
export interface Bar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export type BarField = 'time' | 'open' | 'high' | 'low' | 'close' | 'volume';

/** Columnar bars: column[i] is field of bar i; `length` may be less than the arrays' capacity. */
export interface BarColumns {
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly length: number;
}

/** One indicator of a strategy as the chart draws it: one or more lines (MACD: macd, signal, histogram). */
export interface IndicatorLines {
  readonly id: string;
  /** Legend text, e.g. "SMA 20". */
  readonly label: string;
  readonly kind: string;
  /** 'price' overlays the candles (SMA, EMA, Bollinger); 'lower' gets a pane below (RSI, MACD, ATR, ADX). */
  readonly pane: 'price' | 'lower';
  /** Reference levels across the pane (RSI overbought and oversold, ADX threshold). */
  readonly levels: readonly number[];
  readonly lines: readonly IndicatorLine[];
}

export interface IndicatorLine {
  readonly name: string;
  readonly style: 'line' | 'histogram';
  /** One value per bar; NaN is a gap (the indicator's warm-up). */
  readonly values: Float64Array;
}

/** Bars for a chart with the strategy's indicators over them, index for index. */
export interface ChartBars extends BarColumns {
  readonly indicators: readonly IndicatorLines[];
}

export interface BarSeries extends BarColumns {
  readonly symbol: string;
  readonly timeframe: Timeframe;
}

export function allocateColumns(length: number): BarColumns {
  return {
    time: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
    length,
  };
}

/** Bar i of any columns (typed arrays, or a live chart's growable number arrays). */
export function barAt(columns: Readonly<Record<BarField, ArrayLike<number>>>, i: number): Bar {
  return {
    time: columns.time[i]!,
    open: columns.open[i]!,
    high: columns.high[i]!,
    low: columns.low[i]!,
    close: columns.close[i]!,
    volume: columns.volume[i]!,
  };
}

/**
 * Why a bar is not a possible candle, or undefined when it is. `previousTime` enforces strictly increasing
 * time. The message names the field and value so callers can prefix file and line.
 */
export function barProblem(bar: Bar, previousTime?: number): string | undefined {
  for (const field of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    if (!Number.isFinite(bar[field])) return `${field} is not a finite number (${bar[field]})`;
  }
  if (bar.open <= 0 || bar.close <= 0 || bar.low <= 0) return `prices must be positive (low ${bar.low})`;
  if (bar.high < Math.max(bar.open, bar.close)) {
    return `high ${bar.high} is below max(open ${bar.open}, close ${bar.close})`;
  }
  if (bar.low > Math.min(bar.open, bar.close)) {
    return `low ${bar.low} is above min(open ${bar.open}, close ${bar.close})`;
  }
  if (bar.volume < 0) return `volume ${bar.volume} is negative`;
  if (previousTime !== undefined && bar.time <= previousTime) {
    return `time ${new Date(bar.time).toISOString()} is not after the previous bar (${new Date(previousTime).toISOString()})`;
  }
  return undefined;
}
