// An equity curve (area), optional curves overlaid (buy-and-hold, the paper run against its backtest, or up to three
// other runs of a comparison), and the drawdown in a pane underneath. Input as Float64Array columns; conversions in chart-data.ts.
import {
  AreaSeries,
  BaselineSeries,
  createChart,
  type IChartApi,
  type ISeriesApi,
  LineSeries,
  type MouseEventParams,
  type SeriesType,
  type Time,
} from 'lightweight-charts';
import { useCallback, useEffect, useRef, useState } from 'react';
import '../components.css';
import { columnToLine, computeDrawdown, drawdownToLine, type LinePoint } from './chart-data';
import {
  ATTRIBUTION_URL,
  applyChartTheme,
  baseChartOptions,
  minBarSpacingToFit,
  observeSize,
} from './chart-options';
import { formatMoneyAxis, formatPercent } from './format';
import { type ChartTheme, useChartTheme, withAlpha } from './theme';
import { setChartWheel, wheelFocusProps } from './wheel-focus';

export interface EquityColumns {
  /** Epoch ms. */
  readonly time: Float64Array;
  readonly equity: Float64Array;
  /** Drawdown from the running peak as a fraction (either sign: 0.1 and -0.1 both mean 10% down); computed from
   * `equity` when omitted. */
  readonly drawdown?: Float64Array;
  /** Points used; the shortest column's length by default. */
  readonly length?: number;
}

export interface EquityComparison {
  /** Epoch ms; the main curve's times when omitted (values aligned with them). */
  readonly time?: Float64Array;
  readonly values: Float64Array;
  readonly length?: number;
  /** Legend label, e.g. "Buy & hold" or "Paper". */
  readonly label: string;
  readonly color?: string;
}

export interface EquityChartProps {
  readonly curve: EquityColumns | null;
  /** Legend label of the main curve (default "Strategy"). */
  readonly label?: string;
  /** One curve overlaid, or several (each in its own colour, each with its legend entry). */
  readonly compare?: EquityComparison | readonly EquityComparison[] | null;
  /** Draw the drawdown pane (default true). */
  readonly showDrawdown?: boolean;
  /** Value axis format, given the visible range's span (default money, with the decimals the span needs). */
  readonly formatValue?: (value: number, span: number | null) => string;
  readonly utc?: boolean;
  readonly emptyText?: string;
  readonly className?: string;
  /** Accessible name, e.g. "Backtest equity curve". */
  readonly ariaLabel?: string;
}

/** The figures the legend shows: at the crosshair, or the last of each curve. */
interface LegendValues {
  main?: number;
  /** One per overlaid curve. */
  compare: readonly (number | undefined)[];
  drawdown?: number;
}

interface LegendEntry {
  readonly label: string;
  readonly color: string;
  readonly value: string;
}

/** What the chart needs to know to continue a curve with its new points (see `appendLive`). */
interface ShownCurve {
  readonly length: number;
  readonly firstTime: number;
  readonly lastTime: number;
  readonly equityBeforeLast: number;
  /** The drawdown's peak over every point but the last (the last may still move). */
  readonly peakBeforeLast: number;
  readonly label: string;
  readonly showDrawdown: boolean;
}

function shownCurve(
  curve: EquityColumns,
  n: number,
  showDrawdown: boolean,
  label: string,
  from: { readonly index: number; readonly peak: number } = { index: 0, peak: Number.NEGATIVE_INFINITY },
): ShownCurve | null {
  if (n === 0) return null;
  let peak = from.peak;
  for (let i = from.index; i < n - 1; i++) {
    const e = curve.equity[i]!;
    if (Number.isFinite(e) && e > peak) peak = e;
  }
  return {
    length: n,
    firstTime: curve.time[0]!,
    lastTime: curve.time[n - 1]!,
    equityBeforeLast: n > 1 ? curve.equity[n - 2]! : Number.NaN,
    peakBeforeLast: peak,
    label,
    showDrawdown,
  };
}

class EquityChartController {
  private readonly chart: IChartApi;
  private readonly main: ISeriesApi<'Area'>;
  /** The overlaid curves, in the order given. */
  private compared: { series: ISeriesApi<'Line'>; label: string; color: string | undefined }[] = [];
  private drawdown: ISeriesApi<'Baseline'> | null = null;
  private readonly stopObserving: () => void;
  private theme: ChartTheme;
  private mainLabel = 'Strategy';
  private last: LegendValues = { compare: [] };
  private disposed = false;
  private readonly formatValue: (value: number) => string;
  /** The main curve as last drawn, when a live append may continue it. */
  private shown: ShownCurve | null = null;

  constructor(
    private readonly host: HTMLElement,
    private readonly legend: HTMLElement | null,
    theme: ChartTheme,
    utc: boolean,
    formatValue: (value: number, span: number | null) => string,
  ) {
    // Axis labels, the last-value labels and the legend take their decimals from the visible range's span.
    this.formatValue = (value) => formatValue(value, this.visibleSpan());
    this.theme = theme;
    this.chart = createChart(host, baseChartOptions(host.clientWidth || 300, host.clientHeight || 200, utc));
    // A resize keeps the whole run in view rather than the bars at the right edge.
    this.chart.applyOptions({ timeScale: { rightOffset: 2, lockVisibleTimeRangeOnResize: true } });
    // The wheel scrolls the page around the chart until the chart has focus.
    setChartWheel(this.chart, false);
    this.main = this.chart.addSeries(AreaSeries, {
      lineWidth: 2,
      priceLineVisible: false,
      priceFormat: { type: 'custom', formatter: this.formatValue, minMove: 0.01 },
    });
    this.chart.subscribeCrosshairMove(this.onCrosshairMove);
    this.stopObserving = observeSize(host, (w, h) => this.chart.resize(w, h));
    this.setTheme(theme);
  }

  /** How much value the main pane's axis spans now (null before it has a range). */
  private visibleSpan(): number | null {
    const range = this.main.priceScale().getVisibleRange();
    return range ? Math.abs(range.to - range.from) : null;
  }

  setTheme(theme: ChartTheme): void {
    if (this.disposed) return;
    this.theme = theme;
    applyChartTheme(this.chart, theme);
    this.main.applyOptions({
      lineColor: theme.accent,
      topColor: withAlpha(theme.accent, 0.28),
      bottomColor: withAlpha(theme.accent, 0.02),
    });
    for (const { series, color } of this.compared) series.applyOptions({ color: color ?? theme.warn });
    this.drawdown?.applyOptions(this.drawdownColors());
    this.renderLegend(null);
  }

  private drawdownColors() {
    const down = this.theme.down;
    return {
      // Drawdown is never above 0; the top line colour still labels a 0.0% last value.
      topLineColor: down,
      topFillColor1: 'rgba(0, 0, 0, 0)',
      topFillColor2: 'rgba(0, 0, 0, 0)',
      bottomLineColor: down,
      bottomFillColor1: withAlpha(down, 0.12),
      bottomFillColor2: withAlpha(down, 0.45),
    };
  }

  setData(
    curve: EquityColumns | null,
    label: string,
    compare: EquityComparison | readonly EquityComparison[] | null | undefined,
    showDrawdown: boolean,
  ): void {
    if (this.disposed) return;
    if (this.appendLive(curve, label, compare, showDrawdown)) return;
    this.shown = null;
    this.mainLabel = label;
    const n = curve
      ? Math.min(curve.length ?? Number.POSITIVE_INFINITY, curve.time.length, curve.equity.length)
      : 0;
    const mainData = curve ? columnToLine(curve.time, curve.equity, n) : [];
    this.main.setData(mainData);
    this.last.main = lastValue(mainData);

    const overlays = compare ? (Array.isArray(compare) ? compare : [compare as EquityComparison]) : [];
    // One line series per overlaid curve: extra ones removed, missing ones added.
    for (const gone of this.compared.splice(overlays.length)) this.chart.removeSeries(gone.series);
    while (this.compared.length < overlays.length) {
      const series = this.chart.addSeries(LineSeries, {
        lineWidth: 1,
        priceLineVisible: false,
        lastValueVisible: true,
        crosshairMarkerVisible: false,
        priceFormat: { type: 'custom', formatter: this.formatValue, minMove: 0.01 },
      });
      this.compared.push({ series, label: '', color: undefined });
    }
    let comparePoints = 0;
    this.last.compare = overlays.map((overlay, i) => {
      const shown = this.compared[i]!;
      shown.label = overlay.label;
      shown.color = overlay.color;
      shown.series.applyOptions({ color: overlay.color ?? this.theme.warn, title: '' });
      const time = overlay.time ?? curve?.time ?? new Float64Array(0);
      const data = columnToLine(time, overlay.values, overlay.length);
      shown.series.setData(data);
      comparePoints = Math.max(comparePoints, data.length);
      return lastValue(data);
    });

    if (showDrawdown && curve) {
      if (!this.drawdown) {
        this.drawdown = this.chart.addSeries(
          BaselineSeries,
          {
            baseValue: { type: 'price', price: 0 },
            lineWidth: 1,
            priceLineVisible: false,
            lastValueVisible: true,
            priceFormat: {
              type: 'custom',
              formatter: (p: number) => formatPercent(p, { decimals: 1 }),
              minMove: 0.0001,
            },
            ...this.drawdownColors(),
          },
          1,
        );
        const panes = this.chart.panes();
        panes[0]?.setStretchFactor(3);
        panes[1]?.setStretchFactor(1);
      }
      const dd = curve.drawdown ?? computeDrawdown(curve.equity, n);
      const data = drawdownToLine(curve.time, dd, n);
      this.drawdown.setData(data);
      this.last.drawdown = lastValue(data);
    } else if (this.drawdown) {
      this.chart.removeSeries(this.drawdown);
      this.drawdown = null;
      this.last.drawdown = undefined;
    }
    if (mainData.length > 0) this.fitWholeRun(mainData.length + comparePoints);
    this.renderLegend(null);
    if (curve && overlays.length === 0 && curve.drawdown === undefined)
      this.shown = shownCurve(curve, n, showDrawdown, label);
  }

  /**
   * A live curve that only grew (or moved its last point) since the last call: the new points go in with
   * `update`, so a session's equity push costs a few points, not a new data set of the whole curve.
   */
  private appendLive(
    curve: EquityColumns | null,
    label: string,
    compare: EquityComparison | readonly EquityComparison[] | null | undefined,
    showDrawdown: boolean,
  ): boolean {
    const before = this.shown;
    const overlays = compare ? (Array.isArray(compare) ? compare.length : 1) : 0;
    if (!before || !curve || overlays > 0 || curve.drawdown !== undefined) return false;
    if (label !== before.label || showDrawdown !== before.showDrawdown) return false;
    const n = Math.min(curve.length ?? Number.POSITIVE_INFINITY, curve.time.length, curve.equity.length);
    const last = before.length - 1;
    // The same history: its first and last-but-one points are where they were (the last may have moved).
    if (n < before.length || curve.time[0] !== before.firstTime || curve.time[last] !== before.lastTime)
      return false;
    if (last > 0 && curve.equity[last - 1] !== before.equityBeforeLast) return false;
    const fresh = columnToLine(curve.time, curve.equity, n, undefined, last);
    for (const point of fresh) this.main.update(point);
    if (fresh.length > 0) this.last.main = lastValue(fresh) ?? this.last.main;
    if (this.drawdown) {
      let peak = before.peakBeforeLast;
      const dd = new Float64Array(n - last);
      for (let i = last; i < n; i++) {
        const e = curve.equity[i]!;
        if (!Number.isFinite(e)) {
          dd[i - last] = Number.NaN;
          continue;
        }
        if (e > peak) peak = e;
        dd[i - last] = peak > 0 ? e / peak - 1 : 0;
      }
      const points = drawdownToLine(curve.time.subarray(last, n), dd);
      for (const point of points) this.drawdown.update(point);
      if (points.length > 0) this.last.drawdown = lastValue(points) ?? this.last.drawdown;
    }
    if (n !== before.length) this.fitWholeRun(n);
    this.renderLegend(null);
    this.shown = shownCurve(curve, n, showDrawdown, label, { index: last, peak: before.peakBeforeLast });
    return true;
  }

  /** The whole run in view, however many points it has (the curves' points bound the time scale's). */
  private fitWholeRun(points: number): void {
    const width = this.chart.timeScale().width() || this.host.clientWidth;
    this.chart.applyOptions({ timeScale: { minBarSpacing: minBarSpacingToFit(width, points) } });
    this.chart.timeScale().fitContent();
  }

  /** Whether the mouse wheel zooms and scrolls the chart (true) or passes to the page (false). */
  setWheel(enabled: boolean): void {
    if (!this.disposed) setChartWheel(this.chart, enabled);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopObserving();
    this.chart.unsubscribeCrosshairMove(this.onCrosshairMove);
    this.chart.remove();
  }

  private readonly onCrosshairMove = (param: MouseEventParams<Time>): void => {
    if (this.disposed) return;
    if (param.time === undefined) {
      this.renderLegend(null);
      return;
    }
    const value = (series: ISeriesApi<SeriesType, Time> | null): number | undefined => {
      if (!series) return undefined;
      const point = param.seriesData.get(series) as { value?: number } | undefined;
      return point?.value;
    };
    this.renderLegend({
      main: value(this.main as ISeriesApi<SeriesType, Time>),
      compare: this.compared.map(({ series }) => value(series as ISeriesApi<SeriesType, Time>)),
      drawdown: value(this.drawdown as ISeriesApi<SeriesType, Time> | null),
    });
  };

  private renderLegend(hover: LegendValues | null): void {
    if (!this.legend) return;
    const values = hover ?? this.last;
    const entries: LegendEntry[] = [
      { label: this.mainLabel, color: this.theme.accent, value: fmt(values.main, this.formatValue) },
    ];
    this.compared.forEach(({ label, color }, i) => {
      entries.push({
        label,
        color: color ?? this.theme.warn,
        value: fmt(values.compare[i], this.formatValue),
      });
    });
    if (this.drawdown) {
      entries.push({
        label: 'Drawdown',
        color: this.theme.down,
        value: fmt(values.drawdown, (v) => formatPercent(v, { decimals: 2 })),
      });
    }
    this.legend.replaceChildren(
      ...entries.map((entry) => {
        const item = document.createElement('span');
        item.className = 'mb-chart-legend-item';
        const swatch = document.createElement('span');
        swatch.className = 'mb-chart-swatch';
        swatch.style.background = entry.color;
        const name = document.createElement('span');
        name.className = 'mb-chart-legend-key';
        name.textContent = entry.label;
        const value = document.createElement('span');
        value.className = 'mb-num';
        value.textContent = entry.value;
        item.append(swatch, name, value);
        return item;
      }),
    );
  }
}

function lastValue(data: readonly LinePoint[]): number | undefined {
  for (let i = data.length - 1; i >= 0; i--) {
    const point = data[i]!;
    if ('value' in point) return point.value;
  }
  return undefined;
}

function fmt(value: number | undefined, format: (v: number) => string): string {
  return value === undefined || !Number.isFinite(value) ? '—' : format(value);
}

export function EquityChart({
  curve,
  label = 'Strategy',
  compare,
  showDrawdown = true,
  formatValue = formatMoneyAxis,
  utc = false,
  emptyText = 'No equity data yet',
  className,
  ariaLabel = 'Equity curve',
}: EquityChartProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);
  const theme = useChartTheme();
  const themeRef = useRef(theme);
  themeRef.current = theme;
  // The axis formatter is read through a ref so an inline arrow does not recreate the chart on every render.
  const formatRef = useRef(formatValue);
  formatRef.current = formatValue;
  const [controller, setController] = useState<EquityChartController | null>(null);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const format = (v: number, span: number | null) => formatRef.current(v, span);
    const created = new EquityChartController(host, legendRef.current, themeRef.current, utc, format);
    setController(created);
    return () => {
      created.dispose();
      setController(null);
    };
  }, [utc]);

  useEffect(() => controller?.setTheme(theme), [controller, theme]);
  useEffect(
    () => controller?.setData(curve, label, compare, showDrawdown),
    [controller, curve, label, compare, showDrawdown],
  );

  const setWheel = useCallback(
    (enabled: boolean) => {
      if (controller) controller.setWheel(enabled);
    },
    [controller],
  );
  const empty = !curve || (curve.length ?? curve.time.length) === 0;
  return (
    <section
      className={className ? `mb-chart ${className}` : 'mb-chart'}
      aria-label={ariaLabel}
      {...wheelFocusProps(setWheel)}
    >
      <div className="mb-chart-host" ref={hostRef} />
      <div className="mb-chart-legend" ref={legendRef} aria-hidden="true" />
      <a
        className="mb-chart-attr"
        href={ATTRIBUTION_URL}
        target="_blank"
        rel="noopener noreferrer"
        title="Charting by TradingView Lightweight Charts"
      >
        TradingView
      </a>
      {empty && <div className="mb-chart-empty">{emptyText}</div>}
    </section>
  );
}
