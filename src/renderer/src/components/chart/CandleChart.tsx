// Candlesticks with volume, trade markers (hover tooltip), indicator overlays and panes, and price lines.
// A thin React wrapper over CandleChartController; the data conversions live in chart-data.ts.
import { type Ref, useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState } from 'react';
import type { Bar, BarColumns } from '../../../../shared/domain/bars';
import '../components.css';
import './chart.css';
import { CandleChartController, type UserPriceLine } from './candle-controller';
import type { ChartFocus, TradeMarker } from './chart-data';
import { ATTRIBUTION_URL } from './chart-options';
import { type Indicator, indicatorColors, indicatorKey, type PriceLevel } from './indicators';
import { useChartTheme } from './theme';
import { wheelFocusProps } from './wheel-focus';

export type { UserPriceLine } from './candle-controller';
export type { ChartFocus, TradeMarker } from './chart-data';
export type { Indicator, IndicatorLine, PriceLevel } from './indicators';

/** Imperative calls for the live path: no React render per tick. */
export interface CandleChartHandle {
  /** Appends a bar, or updates the last one in place when its time is the same. False when older than the last. */
  updateBar(bar: Bar): boolean;
  /** Appends or updates one indicator value (id and line name as given in `indicators`; time in epoch ms). */
  updateIndicatorPoint(id: string, name: string, timeMs: number, value: number): void;
  /** Shows all bars (avoid with a million: the bars become sub-pixel). */
  fitContent(): void;
  /** Scrolls to the latest bar. */
  scrollToRealTime(): void;
}

export interface CandleChartProps {
  /** Columnar bars (epoch ms). Pass the same object until the data set changes: a new object means setData. */
  readonly bars: BarColumns | null;
  /** Entries and exits; each snaps to the bar containing its time. */
  readonly markers?: readonly TradeMarker[];
  /** Overlays ('price' pane) and oscillators ('lower', one pane each), values aligned with `bars`. */
  readonly indicators?: readonly Indicator[];
  /**
   * A legend of the indicators with a checkbox each to show or hide it, and each line's value at the crosshair
   * (default true). Hidden ids survive a new data set, so a timeframe switch keeps the user's choice.
   */
  readonly indicatorLegend?: boolean;
  /** Horizontal lines for open orders, stops and targets. */
  readonly priceLines?: readonly PriceLevel[];
  /** The trader's own lines (a session's price lines), solid; draggable when `onUserLineMove` is given. */
  readonly userLines?: readonly UserPriceLine[];
  /** A user line dragged to a new price (reported on release). */
  readonly onUserLineMove?: (id: number, price: number) => void;
  /** While given, a click on the price pane reports the price there (the price line tool). */
  readonly onPriceClick?: ((price: number) => void) | null;
  /** A live bar to append or update in place (the prop alternative to `ref.updateBar`). */
  readonly liveBar?: Bar | null;
  /** Axis and legend times in UTC instead of local time. Changing it recreates the chart. */
  readonly utc?: boolean;
  /** How many recent bars a new data set shows (default 200). */
  readonly initialVisibleBars?: number;
  /**
   * Follow live (default true): a new bar keeps the newest in view. False: bars still arrive but the visible range
   * stays where the user left it.
   */
  readonly followLive?: boolean;
  /**
   * A trade to scroll to and emphasise (entry and exit markers larger, joined by a line when closed). A new object
   * scrolls again, so clicking the same row twice brings it back into view.
   */
  readonly focus?: ChartFocus | null;
  /** Hovering a marker: the `rowKey` of its trade, or null when the pointer leaves the markers. */
  readonly onMarkerHover?: (rowKey: string | null) => void;
  /** Shown over the chart when there are no bars. */
  readonly emptyText?: string;
  readonly className?: string;
  /** Accessible name of the chart region, e.g. "AAPL 5m chart". */
  readonly label?: string;
  readonly ref?: Ref<CandleChartHandle>;
}

const NONE: readonly never[] = [];

export function CandleChart({
  bars,
  markers = NONE,
  indicators = NONE,
  indicatorLegend = true,
  priceLines = NONE,
  userLines = NONE,
  onUserLineMove,
  onPriceClick = null,
  liveBar,
  followLive = true,
  utc = false,
  initialVisibleBars = 200,
  focus = null,
  onMarkerHover,
  emptyText = 'No bars',
  className,
  label = 'Price chart',
  ref,
}: CandleChartProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);
  const tooltipRef = useRef<HTMLDivElement>(null);
  const indicatorLegendRef = useRef<HTMLFieldSetElement>(null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = useCallback(
    (id: string, show: boolean) =>
      setHidden((previous) => {
        const next = new Set(previous);
        if (show) next.delete(id);
        else next.add(id);
        return next;
      }),
    [],
  );
  const theme = useChartTheme();
  const themeRef = useRef(theme);
  themeRef.current = theme;
  const visibleRef = useRef(initialVisibleBars);
  visibleRef.current = initialVisibleBars;
  const hoverRef = useRef(onMarkerHover);
  hoverRef.current = onMarkerHover;
  const [controller, setController] = useState<CandleChartController | null>(null);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const created = new CandleChartController(host, legendRef.current, tooltipRef.current, themeRef.current, {
      utc,
      initialVisibleBars: visibleRef.current,
      onMarkerHover: (rowKey) => hoverRef.current?.(rowKey),
    });
    setController(created);
    return () => {
      created.dispose();
      setController(null);
    };
  }, [utc]);

  useEffect(() => controller?.setTheme(theme), [controller, theme]);
  useEffect(() => controller?.setBars(bars), [controller, bars]);
  useEffect(() => controller?.setMarkers(markers), [controller, markers]);
  // After the bars and markers: the focus snaps to the bars just set.
  useEffect(() => controller?.setFocus(focus), [controller, focus]);
  useEffect(() => controller?.setIndicatorLegend(indicatorLegendRef.current), [controller]);
  useEffect(() => controller?.setIndicators(indicators, hidden), [controller, indicators, hidden]);
  const colors = useMemo(() => indicatorColors(indicators, theme), [indicators, theme]);
  useEffect(() => controller?.setPriceLevels(priceLines), [controller, priceLines]);
  useEffect(
    () => controller?.setUserLines(userLines, onUserLineMove ?? null),
    [controller, userLines, onUserLineMove],
  );
  useEffect(() => controller?.setPriceClick(onPriceClick), [controller, onPriceClick]);
  useEffect(() => {
    if (liveBar) controller?.updateBar(liveBar);
  }, [controller, liveBar]);
  useEffect(() => controller?.setFollowLive(followLive), [controller, followLive]);
  const setWheel = useCallback((enabled: boolean) => controller?.setWheel(enabled), [controller]);

  useImperativeHandle(
    ref,
    () => ({
      updateBar: (bar) => controller?.updateBar(bar) ?? false,
      updateIndicatorPoint: (id, name, timeMs, value) =>
        controller?.updateIndicatorPoint(id, name, timeMs, value),
      fitContent: () => controller?.fitContent(),
      scrollToRealTime: () => controller?.scrollToRealTime(),
    }),
    [controller],
  );

  const empty = !bars || bars.length === 0;
  return (
    // Focusable: the mouse wheel zooms and scrolls the chart only while it has focus (a click gives it), so over an
    // unfocused chart the wheel scrolls the page as over anything else.
    <section
      className={className ? `mb-chart ${className}` : 'mb-chart'}
      aria-label={label}
      {...wheelFocusProps(setWheel)}
    >
      <div className="mb-chart-host" ref={hostRef} />
      <div className="mb-chart-legend" ref={legendRef} aria-hidden="true" />
      <fieldset className="mb-chart-ind-legend" ref={indicatorLegendRef} aria-label="Indicators">
        {indicatorLegend &&
          indicators.map((indicator) => {
            const shown = !hidden.has(indicator.id);
            const label = indicator.label ?? indicator.id;
            return (
              <label key={indicator.id} className={shown ? 'mb-chart-ind' : 'mb-chart-ind off'}>
                <input
                  type="checkbox"
                  checked={shown}
                  aria-label={label}
                  onChange={(e) => toggle(indicator.id, e.target.checked)}
                />
                {indicator.lines.map((line) => (
                  <span
                    key={line.name}
                    className="mb-chart-swatch"
                    style={{ background: colors.get(indicatorKey(indicator.id, line.name)) }}
                  />
                ))}
                <span className="mb-chart-legend-key">{label}</span>
                {shown &&
                  indicator.lines.map((line) => (
                    <span
                      key={line.name}
                      className="mb-num"
                      title={line.name}
                      data-ind-key={indicatorKey(indicator.id, line.name)}
                    />
                  ))}
              </label>
            );
          })}
      </fieldset>
      <a
        className="mb-chart-attr"
        href={ATTRIBUTION_URL}
        target="_blank"
        rel="noopener noreferrer"
        title="Charting by TradingView Lightweight Charts"
      >
        TradingView
      </a>
      <div className="mb-chart-tip" ref={tooltipRef} role="tooltip" hidden />
      {empty && <div className="mb-chart-empty">{emptyText}</div>}
    </section>
  );
}
