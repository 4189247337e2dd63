// Options shared by the candle and equity charts: theme colours, a dense desk look, and time labels formatted by
// format.ts (local time unless `utc`).
import {
  type ChartOptions,
  ColorType,
  CrosshairMode,
  type DeepPartial,
  type IChartApi,
  TickMarkType,
  type Time,
} from 'lightweight-charts';
import { formatTime } from './format';
import { type ChartTheme, withAlpha } from './theme';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

function timeToMs(time: Time): number | undefined {
  return typeof time === 'number' ? time * 1000 : undefined;
}

/** Axis tick labels in the chosen time zone (lightweight-charts itself only knows UTC). */
export function tickMarkFormatter(utc: boolean) {
  return (time: Time, type: TickMarkType): string | null => {
    const ms = timeToMs(time);
    if (ms === undefined) return null;
    const d = new Date(ms);
    switch (type) {
      case TickMarkType.Year:
        return String(utc ? d.getUTCFullYear() : d.getFullYear());
      case TickMarkType.Month:
        return MONTHS[utc ? d.getUTCMonth() : d.getMonth()]!;
      case TickMarkType.DayOfMonth:
        return String(utc ? d.getUTCDate() : d.getDate());
      case TickMarkType.Time:
        return formatTime(ms, { utc, part: 'time' });
      case TickMarkType.TimeWithSeconds:
        return formatTime(ms, { utc, part: 'time', seconds: true });
      default:
        return null;
    }
  };
}

/** Options set once at creation: behaviour, not colours. */
export function baseChartOptions(width: number, height: number, utc: boolean): DeepPartial<ChartOptions> {
  return {
    width,
    height,
    crosshair: { mode: CrosshairMode.Normal },
    localization: {
      locale: 'en-US',
      timeFormatter: (time: Time) => {
        const ms = timeToMs(time);
        return ms === undefined ? String(time) : formatTime(ms, { utc });
      },
    },
    timeScale: {
      timeVisible: true,
      secondsVisible: false,
      rightOffset: 5,
      minBarSpacing: DEFAULT_MIN_BAR_SPACING,
      tickMarkFormatter: tickMarkFormatter(utc),
    },
    rightPriceScale: { borderVisible: true },
    // The built-in logo injects a <style> element, which the CSP blocks; the components render their own link.
    layout: { fontFamily: FONT, fontSize: 11, attributionLogo: false },
  };
}

/** lightweight-charts' default floor on the space between two bars, in pixels. */
const DEFAULT_MIN_BAR_SPACING = 0.5;

/**
 * The floor on bar spacing that lets `points` bars fit `width` pixels with room to spare (half, so a narrower
 * window still fits them): at the default 0.5 px, 20,000 1-minute bars need 10,000 px, and a chart asked to fit
 * them shows only the run's end.
 */
export function minBarSpacingToFit(width: number, points: number): number {
  if (!(width > 0) || !(points > 0)) return DEFAULT_MIN_BAR_SPACING;
  return Math.min(DEFAULT_MIN_BAR_SPACING, width / points / 2);
}

/** Re-colours a chart from the theme (called at creation and on every theme change). */
export function applyChartTheme(chart: IChartApi, theme: ChartTheme): void {
  chart.applyOptions({
    layout: {
      background: { type: ColorType.Solid, color: theme.panel },
      textColor: theme.muted,
      panes: { separatorColor: theme.border, separatorHoverColor: withAlpha(theme.accent, 0.3) },
    },
    grid: {
      vertLines: { color: withAlpha(theme.border, 0.6) },
      horzLines: { color: withAlpha(theme.border, 0.6) },
    },
    crosshair: {
      vertLine: { color: theme.muted, labelBackgroundColor: theme.border },
      horzLine: { color: theme.muted, labelBackgroundColor: theme.border },
    },
    rightPriceScale: { borderColor: theme.border },
    leftPriceScale: { borderColor: theme.border },
    timeScale: { borderColor: theme.border },
  });
}

/** Follows the element's size: the chart fills its container (which needs a height from CSS). */
export function observeSize(
  element: HTMLElement,
  resize: (width: number, height: number) => void,
): () => void {
  if (typeof ResizeObserver === 'undefined') return () => {};
  const observer = new ResizeObserver((entries) => {
    const box = entries[entries.length - 1]?.contentRect;
    if (box && box.width > 0 && box.height > 0) resize(Math.floor(box.width), Math.floor(box.height));
  });
  observer.observe(element);
  return () => observer.disconnect();
}

/** Where the attribution link points (lightweight-charts' licence asks for a link to TradingView). */
export const ATTRIBUTION_URL = 'https://www.tradingview.com/';
