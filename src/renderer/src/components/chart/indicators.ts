// Indicators as the candle chart draws them: their lines and reference levels, the colour each line takes, the
// scale that keeps their levels in view, and how their values read in the legend.
import { formatPrice } from './format';
import type { ChartTheme } from './theme';

export interface IndicatorLine {
  readonly name: string;
  /** CSS colour; a theme-aware palette colour when omitted. */
  readonly color?: string;
  /** One value per bar, aligned with the bars' columns; NaN is a gap (e.g. warm-up). */
  readonly values: Float64Array;
  /** 'histogram' for e.g. a MACD histogram; 'line' by default. */
  readonly style?: 'line' | 'histogram';
}

export interface Indicator {
  readonly id: string;
  /** Legend text, e.g. "SMA 20"; the id when omitted. */
  readonly label?: string;
  /** 'price' overlays the candles (SMA, EMA, Bollinger); 'lower' gets its own pane below (RSI, MACD). */
  readonly pane: 'price' | 'lower';
  readonly lines: readonly IndicatorLine[];
  /** Dotted reference levels on the indicator's scale (RSI 70 / 30, an ADX threshold). */
  readonly levels?: readonly number[];
}

export interface PriceLevel {
  readonly price: number;
  readonly label: string;
  readonly kind: 'order' | 'stop' | 'target';
}

const PALETTE_EXTRA = ['#ab47bc', '#26c6da', '#ff7043', '#9ccc65', '#ec407a', '#8d6e63'];
/** The colours lines without their own take, in order; the first two follow the theme. */
export function indicatorPalette(theme: ChartTheme): string[] {
  return [theme.warn, theme.accent, ...PALETTE_EXTRA];
}

/** Key of one indicator line: the indicator's id and the line's name. */
export const indicatorKey = (id: string, name: string): string => `${id}::${name}`;
const key = indicatorKey;

/**
 * The colour of every indicator line (by indicatorKey): its own colour, or the next palette colour in list order.
 * Hidden indicators keep their place in the palette, so toggling one never recolours the others.
 */
export function indicatorColors(indicators: readonly Indicator[], theme: ChartTheme): Map<string, string> {
  const palette = indicatorPalette(theme);
  const colors = new Map<string, string>();
  let next = 0;
  for (const indicator of indicators) {
    for (const line of indicator.lines) {
      colors.set(key(indicator.id, line.name), line.color ?? palette[next++ % palette.length]!);
    }
  }
  return colors;
}

type AutoscaleInfo = { priceRange: { minValue: number; maxValue: number } | null } | null;

/** An autoscaleInfoProvider that widens the series' own range to the given levels. */
export function includeLevels(levels: readonly number[]) {
  const low = Math.min(...levels);
  const high = Math.max(...levels);
  return (original: () => AutoscaleInfo): AutoscaleInfo => {
    const info = original();
    const range = info?.priceRange;
    if (!info || !range) return info;
    return {
      ...info,
      priceRange: { minValue: Math.min(range.minValue, low), maxValue: Math.max(range.maxValue, high) },
    };
  };
}

/** An indicator value for the legend: 2 decimals, 4 for small magnitudes (MACD on a low-priced symbol). */
export function formatIndicator(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return formatPrice(value, Math.abs(value) >= 1 || value === 0 ? 2 : 4);
}
