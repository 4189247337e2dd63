// The imperative side of CandleChart: owns one lightweight-charts instance and its series. React only tells it
// what changed (bars, markers, indicators, price lines, theme); live bars go straight to `updateBar` without a
// React render.
//
// Windowing: lightweight-charts re-processes every point of a series on each update and on each data change
// (measured: ~60 ms a frame with 100,000 candles, and the renderer runs out of memory near 1,000,000). So the chart
// never holds all bars: it holds a window ending at the newest bar, WINDOW bars long, extended backwards in CHUNKs
// when the user scrolls near its start and trimmed back once they return to the live end. Live bars appended
// through updateBar are kept in a tail so a re-windowing never loses them. Focusing a trade far in the past moves
// the window there (it then ends before the newest bar and grows forwards as the user scrolls right).
import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  LineSeries,
  LineStyle,
  type LineWidth,
  type LogicalRange,
  MismatchDirection,
  type MouseEventParams,
  type SeriesType,
  type Time,
} from 'lightweight-charts';
import type { Bar, BarColumns } from '../../../../shared/domain/bars';
import {
  barIndexAt,
  barTimesWithLive,
  barToCandle,
  barToVolume,
  type Candle,
  type ChartFocus,
  type ConvertedMarkers,
  columnsToCandles,
  columnToLine,
  convertMarkers,
  firstAtOrAfter,
  focusSpan,
  fromChartTime,
  type LinePoint,
  mergeTail,
  pushTail,
  type TradeMarker,
  toChartTime,
  type VolumeColors,
  type VolumePoint,
} from './chart-data';
import { applyChartTheme, baseChartOptions, observeSize } from './chart-options';
import { formatPrice, formatTime, formatVolume } from './format';
import {
  formatIndicator,
  type Indicator,
  includeLevels,
  indicatorKey,
  indicatorPalette,
  type PriceLevel,
} from './indicators';
import { type ChartTheme, withAlpha } from './theme';
import { tooltipRows } from './trade-tooltip';
import { setChartWheel } from './wheel-focus';

export interface CandleChartOptions {
  readonly utc: boolean;
  readonly initialVisibleBars: number;
  /** Bars held by the chart at the live end (default 10,000). */
  readonly window?: number;
  /** Hovering a marker: the row key of the first trade at that bar that has one, or null when it leaves. */
  readonly onMarkerHover?: (rowKey: string | null) => void;
}

interface IndicatorSeries {
  readonly series: ISeriesApi<'Line'> | ISeriesApi<'Histogram'>;
  values: Float64Array | null;
  /** The value at the newest bar (legend at rest). */
  last: number;
  /** Time of the series' newest point (chart seconds), so a live point needs no look at the series' data. */
  lastTime: number;
  /** The line's own colour, or null to take palette colour number `palette` (follows the theme). */
  readonly color: string | undefined;
  readonly palette: number | null;
  /** Live points given through updateIndicatorPoint, kept across re-windowing. */
  tail: LinePoint[];
}

/** A line the trader placed (a session's price line): drawn solid, draggable when a move handler is set. */
export interface UserPriceLine {
  readonly id: number;
  readonly price: number;
  readonly alert: boolean;
}

/** A price from the chart as the trader would type it: cents, or 4 decimals below 1. */
export function tickPrice(price: number): number {
  const scale = Math.abs(price) >= 1 ? 100 : 10_000;
  return Math.round(price * scale) / scale;
}

/** How near (px) the pointer must be to a line to pick it up. */
const GRAB_PX = 5;

const key = indicatorKey;
/** Extend the window when fewer than this many bars are left of the visible range. */
const EDGE = 100;
export class CandleChartController {
  private readonly chart: IChartApi;
  private readonly candles: ISeriesApi<'Candlestick'>;
  private readonly volume: ISeriesApi<'Histogram'>;
  private readonly markerPlugin: ISeriesMarkersPluginApi<Time>;
  private readonly stopObserving: () => void;
  private readonly window: number;
  private theme: ChartTheme;
  private bars: BarColumns | null = null;
  /** Column index of the first bar in the chart. */
  private windowStart = 0;
  /** Column index past the last bar in the chart; the live tail is in the chart only when this is the column count. */
  private windowEnd = 0;
  /** Number of points the chart holds (window plus live tail). */
  private held = 0;
  /** Chart time of the first point held, or +∞ when empty. */
  private heldFrom = Number.POSITIVE_INFINITY;
  private tailCandles: Candle[] = [];
  private tailVolumes: VolumePoint[] = [];
  private lastCandle: Candle | null = null;
  private lastVolume = Number.NaN;
  private trades: readonly TradeMarker[] = [];
  /** The newest trade's time (ms): a live bar opened at or before it moves markers. */
  private latestTrade = Number.NEGATIVE_INFINITY;
  private converted: ConvertedMarkers = { markers: [], byTime: new Map() };
  private indicators: readonly Indicator[] = [];
  private indicatorStructure = '';
  private readonly indicatorSeries = new Map<string, IndicatorSeries>();
  private hiddenIndicators: ReadonlySet<string> = new Set();
  private indicatorLevelLines: { series: ISeriesApi<'Line'> | ISeriesApi<'Histogram'>; line: IPriceLine }[] =
    [];
  private indicatorLegend: HTMLElement | null = null;
  private indicatorHover: Map<string, number> | null = null;
  private levels: readonly PriceLevel[] = [];
  private priceLines: IPriceLine[] = [];
  private userLines: readonly UserPriceLine[] = [];
  private readonly userPriceLines = new Map<number, IPriceLine>();
  private onUserLineMove: ((id: number, price: number) => void) | null = null;
  private onPriceClick: ((price: number) => void) | null = null;
  private dragging: { id: number; line: IPriceLine; price: number; pointer: number } | null = null;
  private shownGroup: TradeMarker[] | undefined;
  private hoveredRow: string | null = null;
  private focus: ChartFocus | null = null;
  /** The focused trade lies before the bars loaded so far (older pages still coming): applied when they arrive. */
  private focusPending = false;
  /** Chart times (s) of the focused entry and exit bars, whose markers are drawn larger. */
  private focusBars: readonly number[] = [];
  private focusLine: ISeriesApi<'Line'> | null = null;
  private rewindowTimer: ReturnType<typeof setTimeout> | undefined;
  private rewindowing = false;
  private legendFrame = 0;
  private disposed = false;
  /** Follow live: a new bar shifts the view when the newest bar is in it; off, the visible bars stay put. */
  private follow = true;

  constructor(
    private readonly host: HTMLElement,
    private readonly legend: HTMLElement | null,
    private readonly tooltip: HTMLElement | null,
    theme: ChartTheme,
    private readonly options: CandleChartOptions,
  ) {
    this.theme = theme;
    this.window = Math.max(1000, options.window ?? 10_000);
    this.chart = createChart(
      host,
      baseChartOptions(host.clientWidth || 300, host.clientHeight || 200, options.utc),
    );
    this.candles = this.chart.addSeries(CandlestickSeries, {
      priceLineVisible: true,
      lastValueVisible: true,
    });
    this.candles.priceScale().applyOptions({ scaleMargins: { top: 0.06, bottom: 0.22 } });
    this.volume = this.chart.addSeries(HistogramSeries, {
      priceScaleId: 'volume',
      priceFormat: { type: 'volume' },
      priceLineVisible: false,
      lastValueVisible: false,
    });
    this.chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.82, bottom: 0 }, visible: false });
    this.markerPlugin = createSeriesMarkers(this.candles, [], { autoScale: true });
    this.chart.subscribeCrosshairMove(this.onCrosshairMove);
    this.chart.subscribeClick(this.onClick);
    // Capture phase: a press on a user line is taken before the chart starts panning.
    host.addEventListener('pointerdown', this.onPointerDown, true);
    host.addEventListener('pointermove', this.onPointerMove);
    host.addEventListener('pointerup', this.onPointerUp);
    host.addEventListener('pointercancel', this.onPointerUp);
    this.chart.timeScale().subscribeVisibleLogicalRangeChange(this.onRangeChange);
    this.stopObserving = observeSize(host, (w, h) => this.chart.resize(w, h));
    // The wheel scrolls the page around the chart until the chart has focus (setWheel).
    this.setWheel(false);
    this.applyThemeColors();
  }

  /** Whether the mouse wheel zooms and scrolls the chart (true) or passes to the page (false). */
  setWheel(enabled: boolean): void {
    if (this.disposed) return;
    setChartWheel(this.chart, enabled);
  }

  /** Follow live on: new bars keep the newest in view (and turning it on jumps there); off: the view stays. */
  setFollowLive(follow: boolean): void {
    if (this.disposed || follow === this.follow) return;
    this.follow = follow;
    this.chart.timeScale().applyOptions({ shiftVisibleRangeOnNewBar: follow });
    if (follow && this.held > 0) this.chart.timeScale().scrollToRealTime();
  }

  /** What the chart shows, on the host for tests and tools: its first bar's time and its width in bars. */
  /** How many bars the view spans (the zoom); exposeVisibleRange gives its times. */
  private publishVisible(range: LogicalRange | null): void {
    this.host.dataset.visibleBars = range ? (range.to - range.from).toFixed(3) : '';
  }

  private volumeColors(): VolumeColors {
    return { up: withAlpha(this.theme.up, 0.45), down: withAlpha(this.theme.down, 0.45) };
  }

  private applyThemeColors(): void {
    const t = this.theme;
    applyChartTheme(this.chart, t);
    this.candles.applyOptions({
      upColor: t.up,
      downColor: t.down,
      borderUpColor: t.up,
      borderDownColor: t.down,
      wickUpColor: t.up,
      wickDownColor: t.down,
    });
    this.volume.applyOptions({ color: withAlpha(t.muted, 0.45) });
  }

  setTheme(theme: ChartTheme): void {
    if (this.disposed) return;
    const recolour = theme.up !== this.theme.up || theme.down !== this.theme.down;
    this.theme = theme;
    this.applyThemeColors();
    for (const entry of this.indicatorSeries.values()) this.colourIndicator(entry);
    for (const { line } of this.indicatorLevelLines)
      line.applyOptions({ color: withAlpha(theme.muted, 0.7) });
    if (recolour) {
      // Volume bars and markers carry their own colours; rebuild them.
      const colors = this.volumeColors();
      this.tailVolumes = this.tailVolumes.map((v, i) => {
        const c = this.tailCandles[i];
        return c ? { ...v, color: c.close >= c.open ? colors.up : colors.down } : v;
      });
      this.loadWindow(this.windowStart, false, this.windowEnd);
      this.setMarkers(this.trades, true);
    }
    this.setPriceLevels(this.levels, true);
    this.setUserLines(this.userLines, this.onUserLineMove, true);
    this.drawFocusLine();
  }

  setBars(bars: BarColumns | null): void {
    if (this.disposed || bars === this.bars) return;
    const previous = this.bars;
    this.bars = bars;
    // The same series grown or refreshed (first bar unchanged), or given its older history (last bar unchanged),
    // keeps the user's scroll position and the live bars newer than its last one; a new data set (symbol or
    // timeframe switch) starts at the live end.
    const n = bars ? Math.min(bars.length, bars.time.length) : 0;
    const pn = previous ? Math.min(previous.length, previous.time.length) : 0;
    const sameSeries =
      pn > 0 &&
      n > 0 &&
      (previous!.time[0] === bars!.time[0] || previous!.time[pn - 1] === bars!.time[n - 1]);
    if (sameSeries && n > 0) {
      const last = toChartTime(bars!.time[n - 1]!);
      const keep = firstAtOrAfter(this.tailCandles, last);
      this.tailCandles = this.tailCandles.slice(keep);
      this.tailVolumes = this.tailVolumes.slice(keep);
      for (const entry of this.indicatorSeries.values())
        entry.tail = entry.tail.slice(firstAtOrAfter(entry.tail, last));
    } else {
      this.tailCandles = [];
      this.tailVolumes = [];
      for (const entry of this.indicatorSeries.values()) entry.tail = [];
    }
    const range = this.chart.timeScale().getVisibleLogicalRange();
    const fromEnd = range ? this.held - range.from : 0;
    // Not following: the bar at the view's left edge stays there, however many bars the refresh brought.
    const anchor =
      !this.follow && sameSeries && range
        ? this.candles.dataByIndex(Math.floor(range.from), MismatchDirection.NearestRight)?.time
        : undefined;
    // A window away from the live end (a focused trade) cannot keep its place by counting from the end.
    const awayFromLive = pn > 0 && this.windowEnd < pn;
    this.loadWindow(Math.max(0, n - this.window), true);
    if (this.held > 0) {
      if (this.focus && (this.focusPending || (sameSeries && awayFromLive))) this.applyFocus();
      else if (!sameSeries || !range) this.showRecent();
      else {
        const width = range.to - range.from;
        const anchored = anchor === undefined ? null : this.chart.timeScale().timeToIndex(anchor, true);
        const from =
          anchored !== null
            ? anchored + (range.from - Math.floor(range.from))
            : Math.max(0, this.held - fromEnd);
        this.chart.timeScale().setVisibleLogicalRange({ from, to: from + width });
      }
    }
    this.setMarkers(this.trades, true);
    this.renderLegend(null);
  }

  /**
   * Puts bars [start, end) of the columns plus the live tail into the chart, with the indicators' matching points.
   * `indicators` false leaves the indicator series alone (a recolour).
   */
  private loadWindow(start: number, indicators = true, end = this.columnCount()): void {
    const bars = this.bars;
    const colors = this.volumeColors();
    const live = end >= this.columnCount();
    const converted = bars ? columnsToCandles(bars, colors, start, end) : { candles: [], volumes: [] };
    const candles = live ? mergeTail(converted.candles, this.tailCandles) : converted.candles;
    const volumes = live ? mergeTail(converted.volumes, this.tailVolumes) : converted.volumes;
    this.windowStart = start;
    this.windowEnd = Math.min(end, this.columnCount());
    this.held = candles.length;
    this.heldFrom = candles.length > 0 ? candles[0]!.time : Number.POSITIVE_INFINITY;
    this.rewindowing = true;
    try {
      this.candles.setData(candles);
      this.volume.setData(volumes);
    } finally {
      this.rewindowing = false;
    }
    this.lastCandle = candles[candles.length - 1] ?? null;
    this.lastVolume = volumes[volumes.length - 1]?.value ?? Number.NaN;
    if (indicators) for (const entry of this.indicatorSeries.values()) entry.values = null;
    if (indicators) this.refreshIndicatorData();
    this.applyMarkers();
    this.drawFocusLine();
  }

  private columnCount(): number {
    return this.bars ? Math.min(this.bars.length, this.bars.time.length) : 0;
  }

  private showRecent(): void {
    const visible = this.options.initialVisibleBars;
    this.chart
      .timeScale()
      .setVisibleLogicalRange({ from: Math.max(0, this.held - visible), to: this.held + 4 });
  }

  /** Scrolling near the window's start loads older bars; back at the live end the window shrinks again. */
  private readonly onRangeChange = (range: LogicalRange | null): void => {
    if (this.disposed) return;
    this.publishVisible(range);
    this.exposeVisibleRange();
    if (this.rewindowing || !range || !this.bars) return;
    if (range.to > this.held - EDGE && this.windowEnd < this.columnCount()) {
      // A window moved back to a focused trade grows forwards as the user scrolls towards the present.
      queueMicrotask(() => this.extendForward());
      return;
    }
    if (range.from < EDGE && this.windowStart > 0) {
      clearTimeout(this.rewindowTimer);
      this.rewindowTimer = undefined;
      // After the current event: lightweight-charts is inside its own range update here.
      queueMicrotask(() => this.extendWindow());
      return;
    }
    const n = Math.min(this.bars.length, this.bars.time.length);
    const oversized = this.windowStart < n - this.window * 1.5;
    const nearLive = range.from > this.held - this.window / 2;
    if (oversized && nearLive && this.rewindowTimer === undefined) {
      this.rewindowTimer = setTimeout(() => {
        this.rewindowTimer = undefined;
        this.trimWindow();
      }, 600);
    }
  };

  private extendWindow(): void {
    const range = this.chart.timeScale().getVisibleLogicalRange();
    if (this.disposed || !range || this.windowStart === 0 || range.from >= EDGE) return;
    const width = range.to - range.from;
    const before = this.held;
    this.loadWindow(
      Math.max(0, this.windowStart - Math.max(this.window, Math.ceil(width * 3))),
      true,
      this.windowEnd,
    );
    const shift = this.held - before;
    this.chart.timeScale().setVisibleLogicalRange({ from: range.from + shift, to: range.to + shift });
  }

  private extendForward(): void {
    const range = this.chart.timeScale().getVisibleLogicalRange();
    const n = this.columnCount();
    if (this.disposed || !range || this.windowEnd >= n || range.to <= this.held - EDGE) return;
    const width = range.to - range.from;
    const end = this.windowEnd + Math.max(this.window, Math.ceil(width * 3));
    // Close to the present: the window rejoins the live end (and its live bars).
    this.loadWindow(this.windowStart, true, end >= n - this.window / 2 ? n : end);
    this.chart.timeScale().setVisibleLogicalRange(range);
  }

  private trimWindow(): void {
    const range = this.chart.timeScale().getVisibleLogicalRange();
    if (this.disposed || !range || !this.bars) return;
    const n = Math.min(this.bars.length, this.bars.time.length);
    const start = Math.max(this.windowStart, n - this.window);
    if (range.from <= this.held - this.window || start === this.windowStart || this.windowEnd < n) return;
    const before = this.held;
    this.loadWindow(start);
    const shift = this.held - before;
    this.chart.timeScale().setVisibleLogicalRange({ from: range.from + shift, to: range.to + shift });
  }

  /** Appends a new bar or updates the current one in place. Returns false for a bar older than the last one. */
  updateBar(bar: Bar): boolean {
    if (this.disposed) return false;
    const candle = barToCandle(bar);
    if (this.lastCandle && candle.time < this.lastCandle.time) return false;
    const volume = barToVolume(bar, this.volumeColors());
    pushTail(this.tailCandles, candle);
    pushTail(this.tailVolumes, volume);
    // The window is on a past trade: the bar waits in the tail until the window comes back to the live end.
    if (this.windowEnd < this.columnCount()) return true;
    this.candles.update(candle);
    this.volume.update(volume);
    const opened = !this.lastCandle || candle.time > this.lastCandle.time;
    if (opened) {
      this.held++;
      if (this.heldFrom === Number.POSITIVE_INFINITY) this.heldFrom = candle.time;
    }
    this.lastCandle = candle;
    // A fill already drawn on the previous bar may belong to this new one.
    if (opened && this.latestTrade >= fromChartTime(candle.time)) this.convertMarkers();
    this.lastVolume = bar.volume;
    this.scheduleRestingLegends();
    return true;
  }

  /**
   * The legends at rest show the newest bar: redrawn once a frame however many live bars and points arrive in it
   * (redrawing per point made long tasks on a fast feed).
   */
  private scheduleRestingLegends(): void {
    if (this.legendFrame !== 0) return;
    this.legendFrame = requestAnimationFrame(() => {
      this.legendFrame = 0;
      if (this.disposed) return;
      this.renderLegend(null);
      if (this.indicatorHover === null) this.renderIndicatorValues();
    });
  }

  /** Appends or updates one indicator value at a bar time (the live bar's SMA, RSI, …). */
  updateIndicatorPoint(id: string, name: string, timeMs: number, value: number): void {
    if (this.disposed) return;
    const entry = this.indicatorSeries.get(key(id, name));
    if (!entry) return;
    const time = toChartTime(timeMs);
    if (time < entry.lastTime) return;
    const point: LinePoint = Number.isFinite(value) ? { time, value } : { time };
    pushTail(entry.tail, point);
    if (this.windowEnd < this.columnCount()) return; // kept in the tail, as the bar is
    entry.series.update(point);
    entry.last = Number.isFinite(value) ? value : Number.NaN;
    entry.lastTime = time;
    this.scheduleRestingLegends();
  }

  setMarkers(trades: readonly TradeMarker[], force = false): void {
    if (this.disposed || (!force && trades === this.trades)) return;
    this.trades = trades;
    this.convertMarkers();
    this.hideTooltip();
  }

  /** Snaps the trades to the bars held now: the loaded columns and the live bars appended since. */
  private convertMarkers(): void {
    const bars = this.bars;
    const { times, count } = barTimesWithLive(bars?.time, bars?.length ?? 0, this.tailCandles);
    this.converted = convertMarkers(
      this.trades,
      { buy: this.theme.up, sell: this.theme.down },
      bars || count > 0 ? times : undefined,
      count,
    );
    this.latestTrade = Number.NEGATIVE_INFINITY;
    for (const trade of this.trades) if (trade.time > this.latestTrade) this.latestTrade = trade.time;
    this.applyMarkers();
  }

  /** Only the markers inside the window: the library would pile the others up on its first bar. */
  private applyMarkers(): void {
    const all = this.converted.markers;
    const first =
      this.heldFrom === Number.POSITIVE_INFINITY ? all.length : firstAtOrAfter(all, this.heldFrom);
    const inWindow = first === 0 ? all : all.slice(first);
    const focused = this.focusBars;
    const shown =
      focused.length === 0
        ? inWindow
        : inWindow.map((marker) => (focused.includes(marker.time) ? { ...marker, size: 2 } : marker));
    this.markerPlugin.setMarkers(shown);
    // The bars that carry a marker, for tests and tools that cannot read the canvas.
    this.host.dataset.markerBars = [...new Set(shown.map((marker) => marker.time))].join(' ');
  }

  /** Where the indicator values go: elements with a data-ind-key attribute (indicatorKey) get the line's value. */
  setIndicatorLegend(element: HTMLElement | null): void {
    this.indicatorLegend = element;
    this.renderIndicatorValues();
  }

  /** The indicators to draw; those whose id is in `hidden` are left out (their palette colours stay reserved). */
  setIndicators(indicators: readonly Indicator[], hidden: ReadonlySet<string> = this.hiddenIndicators): void {
    if (this.disposed || (indicators === this.indicators && hidden === this.hiddenIndicators)) return;
    this.indicators = indicators;
    this.hiddenIndicators = hidden;
    const structure = indicators
      .map(
        (ind) =>
          `${ind.id}:${hidden.has(ind.id) ? 'hidden' : ind.pane}:${(ind.levels ?? []).join('/')}:${ind.lines.map((l) => `${l.name}/${l.style ?? 'line'}/${l.color ?? ''}`).join(',')}`,
      )
      .join('|');
    if (structure !== this.indicatorStructure) {
      for (const { series, line } of this.indicatorLevelLines) series.removePriceLine(line);
      this.indicatorLevelLines = [];
      for (const entry of this.indicatorSeries.values()) this.chart.removeSeries(entry.series);
      this.indicatorSeries.clear();
      this.indicatorStructure = structure;
      // lightweight-charts removes panes left empty; lower indicators get panes 1, 2, … in order.
      let lowerPane = 0;
      let paletteIndex = 0;
      for (const indicator of indicators) {
        const shown = !hidden.has(indicator.id);
        const pane = shown && indicator.pane === 'lower' ? ++lowerPane : 0;
        let first: ISeriesApi<'Line'> | ISeriesApi<'Histogram'> | null = null;
        for (const line of indicator.lines) {
          const palette = line.color === undefined ? paletteIndex++ : null;
          if (!shown) continue;
          const levels = (indicator.levels ?? []).filter(Number.isFinite);
          const common = {
            title: '',
            priceLineVisible: false,
            lastValueVisible: true,
            // The pane's scale takes in the reference levels (RSI 70 / 30) even when the line stays between them.
            ...(levels.length > 0 && { autoscaleInfoProvider: includeLevels(levels) }),
          };
          const series =
            line.style === 'histogram'
              ? this.chart.addSeries(HistogramSeries, common, pane)
              : this.chart.addSeries(
                  LineSeries,
                  { ...common, lineWidth: 1, crosshairMarkerVisible: false },
                  pane,
                );
          first ??= series;
          const entry: IndicatorSeries = {
            series,
            values: null,
            last: Number.NaN,
            lastTime: Number.NEGATIVE_INFINITY,
            color: line.color,
            palette,
            tail: [],
          };
          this.colourIndicator(entry);
          this.indicatorSeries.set(key(indicator.id, line.name), entry);
        }
        if (first && indicator.levels) {
          for (const level of indicator.levels) {
            if (!Number.isFinite(level)) continue;
            const priceLine = first.createPriceLine({
              price: level,
              color: withAlpha(this.theme.muted, 0.7),
              lineWidth: 1,
              lineStyle: LineStyle.Dotted,
              axisLabelVisible: false,
              title: '',
            });
            this.indicatorLevelLines.push({ series: first, line: priceLine });
          }
        }
      }
      this.chart.panes().forEach((pane, i) => {
        pane.setStretchFactor(i === 0 ? 3 : 1);
      });
    }
    this.refreshIndicatorData();
    this.renderIndicatorValues();
  }

  private colourIndicator(entry: IndicatorSeries): void {
    const palette = indicatorPalette(this.theme);
    const color = entry.color ?? palette[(entry.palette ?? 0) % palette.length]!;
    if (entry.series.seriesType() === 'Histogram')
      entry.series.applyOptions({ color: withAlpha(color, 0.7) });
    else entry.series.applyOptions({ color });
  }

  /** Sets the window's data of every indicator line whose values changed since it was last set. */
  private refreshIndicatorData(): void {
    const bars = this.bars;
    for (const indicator of this.indicators) {
      for (const line of indicator.lines) {
        const entry = this.indicatorSeries.get(key(indicator.id, line.name));
        if (!entry || entry.values === line.values) continue;
        entry.values = line.values;
        // The window's points only: a point past it would put its time on the scale with no candle there.
        const live = this.windowEnd >= this.columnCount();
        const data = bars
          ? columnToLine(
              bars.time,
              line.values,
              Math.min(bars.length, this.windowEnd),
              undefined,
              this.windowStart,
            )
          : [];
        const merged = live ? mergeTail(data, entry.tail) : data;
        entry.series.setData(merged);
        const last = merged[merged.length - 1];
        entry.last = last && 'value' in last ? last.value : Number.NaN;
        entry.lastTime = last ? (last.time as number) : Number.NEGATIVE_INFINITY;
      }
    }
  }

  setPriceLevels(levels: readonly PriceLevel[], force = false): void {
    if (this.disposed || (!force && levels === this.levels)) return;
    this.levels = levels;
    for (const line of this.priceLines) this.candles.removePriceLine(line);
    this.priceLines = [];
    for (const level of levels) {
      if (!Number.isFinite(level.price)) continue;
      const color =
        level.kind === 'stop' ? this.theme.down : level.kind === 'target' ? this.theme.up : this.theme.accent;
      this.priceLines.push(
        this.candles.createPriceLine({
          price: level.price,
          title: level.label,
          color,
          lineWidth: 1,
          lineStyle: level.kind === 'order' ? LineStyle.Dashed : LineStyle.LargeDashed,
          axisLabelVisible: true,
        }),
      );
    }
  }

  /**
   * The trader's own lines (solid, with their price on the axis; "Alert" when one is attached). With `onMove`, a
   * line can be dragged: the pointer pressed within a few pixels of it moves it, and the new price is reported on
   * release.
   */
  setUserLines(
    lines: readonly UserPriceLine[],
    onMove: ((id: number, price: number) => void) | null,
    force = false,
  ): void {
    this.onUserLineMove = onMove;
    if (this.disposed || (!force && lines === this.userLines)) return;
    this.userLines = lines;
    for (const line of this.userPriceLines.values()) this.candles.removePriceLine(line);
    this.userPriceLines.clear();
    for (const line of lines) {
      if (!Number.isFinite(line.price)) continue;
      this.userPriceLines.set(
        line.id,
        this.candles.createPriceLine({
          price: line.price,
          title: line.alert ? 'Alert' : '',
          color: line.alert ? this.theme.warn : this.theme.accent,
          lineWidth: 2 as LineWidth,
          lineStyle: LineStyle.Solid,
          axisLabelVisible: true,
        }),
      );
    }
    // For tests and tools that cannot read the canvas.
    this.host.dataset.userLines = lines.map((l) => `${l.price}${l.alert ? '!' : ''}`).join(' ');
    this.publishUserLineY();
  }

  /** Where each user line is drawn (px from the chart's top), for tests and tools that cannot read the canvas. */
  private publishUserLineY(): void {
    const ys = this.userLines.map((l) => this.candles.priceToCoordinate(l.price));
    this.host.dataset.userLinesY = ys.map((y) => (y === null ? '' : String(Math.round(y)))).join(' ');
  }

  /** While set, a click on the price pane reports the price under the pointer (the price line tool). */
  setPriceClick(handler: ((price: number) => void) | null): void {
    this.onPriceClick = handler;
    this.host.classList.toggle('placing', handler !== null);
  }

  /** The y coordinate of a pointer event inside the chart's host. */
  private pointerY(event: PointerEvent): number {
    return event.clientY - this.host.getBoundingClientRect().top;
  }

  private readonly onClick = (param: MouseEventParams<Time>): void => {
    const handler = this.onPriceClick;
    if (this.disposed || !handler || !param.point || (param.paneIndex ?? 0) !== 0) return;
    const price = this.candles.coordinateToPrice(param.point.y);
    if (price !== null && Number.isFinite(price) && price > 0) handler(tickPrice(price));
  };

  private readonly onPointerDown = (event: PointerEvent): void => {
    if (this.disposed || !this.onUserLineMove || event.button !== 0 || this.onPriceClick) return;
    const y = this.pointerY(event);
    for (const line of this.userLines) {
      const at = this.candles.priceToCoordinate(line.price);
      const drawn = this.userPriceLines.get(line.id);
      if (at === null || !drawn || Math.abs(at - y) > GRAB_PX) continue;
      // Taken here: no pan, and no compatibility mouse events for the chart.
      event.preventDefault();
      event.stopPropagation();
      this.host.setPointerCapture?.(event.pointerId);
      this.dragging = { id: line.id, line: drawn, price: line.price, pointer: event.pointerId };
      this.host.classList.add('dragging-line');
      return;
    }
  };

  private readonly onPointerMove = (event: PointerEvent): void => {
    const drag = this.dragging;
    if (!drag || event.pointerId !== drag.pointer) return;
    event.preventDefault();
    const price = this.candles.coordinateToPrice(this.pointerY(event));
    if (price === null || !Number.isFinite(price) || price <= 0) return;
    drag.price = tickPrice(price);
    drag.line.applyOptions({ price: drag.price });
  };

  private readonly onPointerUp = (event: PointerEvent): void => {
    const drag = this.dragging;
    if (!drag || event.pointerId !== drag.pointer) return;
    this.dragging = null;
    this.host.classList.remove('dragging-line');
    this.host.releasePointerCapture?.(event.pointerId);
    const moved = this.userLines.find((l) => l.id === drag.id);
    if (moved && moved.price !== drag.price) this.onUserLineMove?.(drag.id, drag.price);
  };

  /**
   * Scrolls to a trade and emphasises it: its entry and exit in view, their markers larger, a closed trade's entry
   * and exit joined by a line. A trade outside the bars held moves the window to it; one before the bars loaded so
   * far waits for the older pages. Null clears the emphasis and leaves the view where it is.
   */
  setFocus(focus: ChartFocus | null): void {
    if (this.disposed) return;
    this.focus = focus;
    this.focusPending = false;
    if (focus) this.applyFocus();
    else {
      this.focusBars = [];
      delete this.host.dataset.focusBars;
      delete this.host.dataset.focusX;
      this.applyMarkers();
      this.drawFocusLine();
    }
  }

  private applyFocus(): void {
    const focus = this.focus;
    if (!focus) return;
    const n = this.columnCount();
    const { times, count } = barTimesWithLive(this.bars?.time, n, this.tailCandles);
    const entry = barIndexAt(times, count, focus.entryTime);
    const exit = focus.exitTime === undefined ? entry : barIndexAt(times, count, focus.exitTime);
    if (entry < 0 || exit < 0) {
      // Before the first bar held: older history may still be loading (setBars applies it then).
      this.focusPending = count === 0 || focus.entryTime < times[0]!;
      return;
    }
    this.focusPending = false;
    this.focusBars = [toChartTime(times[entry]!), toChartTime(times[exit]!)];
    this.host.dataset.focusBars = `${times[entry]} ${times[exit]}`;
    const span = focusSpan(entry, exit);
    // Bars past the columns are live ones in the tail: only the window at the live end holds them.
    const needFrom = Math.max(0, span.from - EDGE);
    const needTo = Math.min(n, span.to + EDGE);
    const held = needFrom >= this.windowStart && (needTo <= this.windowEnd || this.windowEnd >= n);
    if (!held) {
      if (n - needFrom <= this.window * 1.5)
        this.loadWindow(Math.min(needFrom, Math.max(0, n - this.window)));
      else {
        const start = Math.max(0, Math.min(needFrom, Math.round((entry + exit) / 2 - this.window / 2)));
        const end = Math.max(needTo, start + this.window);
        this.loadWindow(start, true, end >= n - this.window / 2 ? n : end);
      }
    } else {
      this.applyMarkers();
      this.drawFocusLine();
    }
    // Logical indices count from the window's first bar.
    // No empty space past the newest bar: a recent trade's padding ends a few bars after it.
    const to = Math.min(span.to, count - 1 + 4);
    const range = { from: span.from - this.windowStart, to: to - this.windowStart };
    this.chart.timeScale().setVisibleLogicalRange(range);
    this.exposeVisibleRange();
    if (!held) {
      // New data keeps the scale's right edge when the chart draws it (the next frame): set the range again then.
      requestAnimationFrame(() => {
        if (this.disposed || this.focus !== focus) return;
        this.chart.timeScale().setVisibleLogicalRange(range);
        this.exposeVisibleRange();
      });
    }
  }

  /** The line from a closed trade's entry to its exit, while both bars are in the chart. */
  private drawFocusLine(): void {
    const focus = this.focus;
    const [entryBar, exitBar] = this.focusBars;
    const lastHeld = this.lastCandle?.time ?? Number.NEGATIVE_INFINITY;
    const drawn =
      focus !== null &&
      !this.focusPending &&
      focus.exitTime !== undefined &&
      focus.exitPrice !== undefined &&
      entryBar !== undefined &&
      exitBar !== undefined &&
      exitBar > entryBar &&
      entryBar >= this.heldFrom &&
      exitBar <= lastHeld;
    if (!drawn) {
      if (this.focusLine) {
        this.chart.removeSeries(this.focusLine);
        this.focusLine = null;
      }
      delete this.host.dataset.focusLine;
      return;
    }
    this.focusLine ??= this.chart.addSeries(LineSeries, {
      lineWidth: 2 as LineWidth,
      lineStyle: LineStyle.Dashed,
      priceLineVisible: false,
      lastValueVisible: false,
      crosshairMarkerVisible: false,
      pointMarkersVisible: true,
    });
    this.focusLine.applyOptions({ color: this.theme.accent });
    this.focusLine.setData([
      { time: entryBar as Candle['time'], value: focus.entryPrice },
      { time: exitBar as Candle['time'], value: focus.exitPrice! },
    ]);
    this.host.dataset.focusLine = `${fromChartTime(entryBar)} ${fromChartTime(exitBar)}`;
  }

  /** The visible span as bar open times (epoch ms), for tests and tools that cannot read the canvas. */
  private exposeVisibleRange(): void {
    const range = this.chart.timeScale().getVisibleRange();
    if (!range) return;
    this.host.dataset.visibleFrom = String(fromChartTime(range.from as number));
    this.host.dataset.visibleTo = String(fromChartTime(range.to as number));
    // Where the focused entry's marker is across the chart (px), so a test can point at it.
    const entryBar = this.focusBars[0];
    const x =
      entryBar === undefined ? null : this.chart.timeScale().timeToCoordinate(entryBar as Candle['time']);
    if (x === null) delete this.host.dataset.focusX;
    else this.host.dataset.focusX = String(Math.round(x));
  }

  private hoverRow(rowKey: string | null): void {
    if (rowKey === this.hoveredRow) return;
    this.hoveredRow = rowKey;
    this.options.onMarkerHover?.(rowKey);
  }

  fitContent(): void {
    if (!this.disposed) this.chart.timeScale().fitContent();
  }

  scrollToRealTime(): void {
    if (!this.disposed) this.chart.timeScale().scrollToRealTime();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.rewindowTimer);
    cancelAnimationFrame(this.legendFrame);
    this.stopObserving();
    this.chart.unsubscribeCrosshairMove(this.onCrosshairMove);
    this.chart.unsubscribeClick(this.onClick);
    this.host.removeEventListener('pointerdown', this.onPointerDown, true);
    this.host.removeEventListener('pointermove', this.onPointerMove);
    this.host.removeEventListener('pointerup', this.onPointerUp);
    this.host.removeEventListener('pointercancel', this.onPointerUp);
    this.chart.timeScale().unsubscribeVisibleLogicalRangeChange(this.onRangeChange);
    this.markerPlugin.detach();
    this.chart.remove();
    this.focusLine = null;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Legend and marker tooltip: plain DOM updates on crosshair moves, no React render.

  private readonly onCrosshairMove = (param: MouseEventParams<Time>): void => {
    if (this.disposed) return;
    if (this.userLines.length > 0) this.publishUserLineY();
    const time = typeof param.time === 'number' ? param.time : undefined;
    const hovered =
      time === undefined
        ? undefined
        : (param.seriesData.get(this.candles as ISeriesApi<SeriesType, Time>) as Candle);
    const vol =
      time === undefined
        ? undefined
        : (param.seriesData.get(this.volume as ISeriesApi<SeriesType, Time>) as
            | { value?: number }
            | undefined);
    this.renderLegend(hovered && 'open' in hovered ? { candle: hovered, volume: vol?.value } : null);
    if (this.indicatorSeries.size > 0) {
      if (time === undefined) this.indicatorHover = null;
      else {
        const values = new Map<string, number>();
        for (const [k, entry] of this.indicatorSeries) {
          const point = param.seriesData.get(entry.series as ISeriesApi<SeriesType, Time>) as
            | { value?: number }
            | undefined;
          values.set(k, point?.value ?? Number.NaN);
        }
        this.indicatorHover = values;
      }
      this.renderIndicatorValues();
    }
    const group = time === undefined || !param.point ? undefined : this.converted.byTime.get(time);
    this.hoverRow(group?.find((trade) => trade.rowKey !== undefined)?.rowKey ?? null);
    if (!group || !param.point) {
      this.hideTooltip();
      return;
    }
    this.showTooltip(group, time!, param.point.x, param.point.y);
  };

  /** Writes each shown line's value (at the crosshair, or the newest bar) into the indicator legend. */
  private renderIndicatorValues(): void {
    const legend = this.indicatorLegend;
    if (!legend || this.disposed) return;
    const hover = this.indicatorHover;
    for (const element of legend.querySelectorAll<HTMLElement>('[data-ind-key]')) {
      const k = element.dataset.indKey ?? '';
      const entry = this.indicatorSeries.get(k);
      const value = entry ? (hover ? (hover.get(k) ?? Number.NaN) : entry.last) : Number.NaN;
      const text = entry ? formatIndicator(value) : '';
      if (element.textContent !== text) element.textContent = text;
    }
  }

  private renderLegend(hover: { candle: Candle; volume: number | undefined } | null): void {
    const legend = this.legend;
    if (!legend) return;
    const candle = hover?.candle ?? this.lastCandle;
    if (!candle) {
      legend.replaceChildren();
      return;
    }
    const volume = hover ? hover.volume : this.lastVolume;
    const tone = candle.close >= candle.open ? 'up' : 'down';
    const parts: [string, string, string?][] = [
      ['', formatTime((candle.time as number) * 1000, { utc: this.options.utc })],
      ['O', formatPrice(candle.open), tone],
      ['H', formatPrice(candle.high), tone],
      ['L', formatPrice(candle.low), tone],
      ['C', formatPrice(candle.close), tone],
      ['V', formatVolume(volume)],
    ];
    legend.replaceChildren(
      ...parts.map(([key, value, valueTone]) => {
        const item = document.createElement('span');
        item.className = 'mb-chart-legend-item';
        if (key) {
          const k = document.createElement('span');
          k.className = 'mb-chart-legend-key';
          k.textContent = key;
          item.append(k);
        }
        const v = document.createElement('span');
        v.className = valueTone ? `mb-num mb-tone-${valueTone}` : 'mb-num';
        v.textContent = value;
        item.append(v);
        return item;
      }),
    );
  }

  private showTooltip(group: TradeMarker[], time: number, x: number, y: number): void {
    const tip = this.tooltip;
    if (!tip) return;
    if (group !== this.shownGroup) {
      this.shownGroup = group;
      tip.replaceChildren(...tooltipRows(group, time * 1000, this.options.utc));
    }
    tip.hidden = false;
    const width = tip.offsetWidth || 180;
    const height = tip.offsetHeight || 60;
    const maxX = this.host.clientWidth - width - 4;
    const maxY = this.host.clientHeight - height - 4;
    const left = x + 16 > maxX ? Math.max(4, x - width - 16) : x + 16;
    const top = Math.max(4, Math.min(maxY, y + 16));
    tip.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
  }

  private hideTooltip(): void {
    if (this.tooltip && !this.tooltip.hidden) this.tooltip.hidden = true;
    this.shownGroup = undefined;
  }
}
