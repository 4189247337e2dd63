// The imperative side of CandleChart: owns one lightweight-charts instance and its series. React only tells it
// what changed (bars, markers, indicators, price lines, theme); live bars go straight to `updateBar` without a
// React render.
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
  type MouseEventParams,
  type SeriesType,
  type Time,
} from 'lightweight-charts';
import type { Bar, BarColumns } from '../../../../shared/domain/bars';
import {
  barToCandle,
  barToVolume,
  type Candle,
  type ConvertedMarkers,
  columnsToCandles,
  columnToLine,
  convertMarkers,
  type TradeMarker,
  toChartTime,
  type VolumeColors,
} from './chart-data';
import { applyChartTheme, baseChartOptions, observeSize } from './chart-options';
import { formatMoney, formatPnl, formatPrice, formatQty, formatTime, formatVolume } from './format';
import { type ChartTheme, withAlpha } from './theme';

export interface IndicatorLine {
  readonly name: string;
  /** CSS colour; a theme-aware palette colour when omitted. */
  readonly color?: string;
  /** One value per bar, aligned with the bars' columns; NaN is a gap (e.g. warm-up). */
  readonly values: Float64Array;
  /** 'histogram' for e.g. a MACD histogram; 'line' by default. */
  readonly kind?: 'line' | 'histogram';
}

export interface Indicator {
  readonly id: string;
  /** 'price' overlays the candles (SMA, EMA, Bollinger); 'lower' gets its own pane below (RSI, MACD). */
  readonly pane: 'price' | 'lower';
  readonly lines: readonly IndicatorLine[];
}

export interface PriceLevel {
  readonly price: number;
  readonly label: string;
  readonly kind: 'order' | 'stop' | 'target';
}

export interface CandleChartOptions {
  readonly utc: boolean;
  readonly initialVisibleBars: number;
}

interface IndicatorSeries {
  readonly series: ISeriesApi<'Line'> | ISeriesApi<'Histogram'>;
  values: Float64Array | null;
  barsVersion: number;
  /** The line's own colour, or null to take palette colour number `palette` (follows the theme). */
  readonly color: string | undefined;
  readonly palette: number | null;
}

const PALETTE_EXTRA = ['#ab47bc', '#26c6da', '#ff7043', '#9ccc65', '#ec407a', '#8d6e63'];

export class CandleChartController {
  private readonly chart: IChartApi;
  private readonly candles: ISeriesApi<'Candlestick'>;
  private readonly volume: ISeriesApi<'Histogram'>;
  private readonly markerPlugin: ISeriesMarkersPluginApi<Time>;
  private readonly stopObserving: () => void;
  private theme: ChartTheme;
  private bars: BarColumns | null = null;
  private barsVersion = 0;
  private lastCandle: Candle | null = null;
  private lastVolume = Number.NaN;
  private trades: readonly TradeMarker[] = [];
  private converted: ConvertedMarkers = { markers: [], byTime: new Map() };
  private indicators: readonly Indicator[] = [];
  private indicatorStructure = '';
  private readonly indicatorSeries = new Map<string, IndicatorSeries>();
  private levels: readonly PriceLevel[] = [];
  private priceLines: IPriceLine[] = [];
  private shownGroup: TradeMarker[] | undefined;
  private disposed = false;

  constructor(
    private readonly host: HTMLElement,
    private readonly legend: HTMLElement | null,
    private readonly tooltip: HTMLElement | null,
    theme: ChartTheme,
    private readonly options: CandleChartOptions,
  ) {
    this.theme = theme;
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
    this.stopObserving = observeSize(host, (w, h) => this.chart.resize(w, h));
    this.applyThemeColors();
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
    if (recolour) {
      // Volume bars and markers carry their own colours; rebuild them.
      if (this.bars) this.volume.setData(columnsToCandles(this.bars, this.volumeColors()).volumes);
      this.setMarkers(this.trades, true);
    }
    for (const entry of this.indicatorSeries.values()) this.colourIndicator(entry);
    this.setPriceLevels(this.levels, true);
  }

  setBars(bars: BarColumns | null): void {
    if (this.disposed || bars === this.bars) return;
    const previous = this.bars;
    this.bars = bars;
    this.barsVersion++;
    const { candles, volumes } = bars
      ? columnsToCandles(bars, this.volumeColors())
      : { candles: [] as Candle[], volumes: [] };
    this.candles.setData(candles);
    this.volume.setData(volumes);
    this.lastCandle = candles[candles.length - 1] ?? null;
    this.lastVolume = volumes[volumes.length - 1]?.value ?? Number.NaN;
    // A new data set (symbol or timeframe switch) shows the most recent bars rather than squeezing a million in;
    // the same series grown by a few bars keeps the user's scroll position.
    const sameSeries =
      previous !== null &&
      previous.length > 0 &&
      bars !== null &&
      bars.length > 0 &&
      previous.time[0] === bars.time[0];
    if (candles.length > 0 && !sameSeries) this.showRecent(candles.length);
    this.setMarkers(this.trades, true);
    this.refreshIndicatorData();
    this.renderLegend(null);
  }

  private showRecent(count: number): void {
    const visible = this.options.initialVisibleBars;
    this.chart.timeScale().setVisibleLogicalRange({ from: Math.max(0, count - visible), to: count + 4 });
  }

  /** Appends a new bar or updates the current one in place. Returns false for a bar older than the last one. */
  updateBar(bar: Bar): boolean {
    if (this.disposed) return false;
    const candle = barToCandle(bar);
    if (this.lastCandle && candle.time < this.lastCandle.time) return false;
    this.candles.update(candle);
    this.volume.update(barToVolume(bar, this.volumeColors()));
    this.lastCandle = candle;
    this.lastVolume = bar.volume;
    this.renderLegend(null);
    return true;
  }

  /** Appends or updates one indicator value at a bar time (the live bar's SMA, RSI, …). */
  updateIndicatorPoint(id: string, name: string, timeMs: number, value: number): void {
    if (this.disposed) return;
    const entry = this.indicatorSeries.get(`${id}\u0000${name}`);
    if (!entry) return;
    const time = toChartTime(timeMs);
    const data = entry.series.data();
    const last = data[data.length - 1];
    if (last && time < (last.time as number)) return;
    entry.series.update(Number.isFinite(value) ? { time, value } : { time });
  }

  setMarkers(trades: readonly TradeMarker[], force = false): void {
    if (this.disposed || (!force && trades === this.trades)) return;
    this.trades = trades;
    this.converted = convertMarkers(
      trades,
      { buy: this.theme.up, sell: this.theme.down },
      this.bars?.time,
      this.bars?.length,
    );
    this.markerPlugin.setMarkers(this.converted.markers);
    this.hideTooltip();
  }

  setIndicators(indicators: readonly Indicator[]): void {
    if (this.disposed || indicators === this.indicators) return;
    this.indicators = indicators;
    const structure = indicators
      .map(
        (ind) =>
          `${ind.id}:${ind.pane}:${ind.lines.map((l) => `${l.name}/${l.kind ?? 'line'}/${l.color ?? ''}`).join(',')}`,
      )
      .join('|');
    if (structure !== this.indicatorStructure) {
      for (const entry of this.indicatorSeries.values()) this.chart.removeSeries(entry.series);
      this.indicatorSeries.clear();
      this.indicatorStructure = structure;
      // lightweight-charts removes panes left empty; lower indicators get panes 1, 2, … in order.
      let lowerPane = 0;
      let paletteIndex = 0;
      for (const indicator of indicators) {
        const pane = indicator.pane === 'lower' ? ++lowerPane : 0;
        for (const line of indicator.lines) {
          const palette = line.color === undefined ? paletteIndex++ : null;
          const common = { title: line.name, priceLineVisible: false, lastValueVisible: true };
          const series =
            line.kind === 'histogram'
              ? this.chart.addSeries(HistogramSeries, common, pane)
              : this.chart.addSeries(
                  LineSeries,
                  { ...common, lineWidth: 1, crosshairMarkerVisible: false },
                  pane,
                );
          const entry: IndicatorSeries = {
            series,
            values: null,
            barsVersion: -1,
            color: line.color,
            palette,
          };
          this.colourIndicator(entry);
          this.indicatorSeries.set(`${indicator.id}\u0000${line.name}`, entry);
        }
      }
      this.chart.panes().forEach((pane, i) => {
        pane.setStretchFactor(i === 0 ? 3 : 1);
      });
    }
    this.refreshIndicatorData();
  }

  private colourIndicator(entry: IndicatorSeries): void {
    const palette = [this.theme.warn, this.theme.accent, ...PALETTE_EXTRA];
    const color = entry.color ?? palette[(entry.palette ?? 0) % palette.length]!;
    if (entry.series.seriesType() === 'Histogram')
      entry.series.applyOptions({ color: withAlpha(color, 0.7) });
    else entry.series.applyOptions({ color });
  }

  /** Sets the data of every indicator line whose values or bars changed since it was last set. */
  private refreshIndicatorData(): void {
    const bars = this.bars;
    for (const indicator of this.indicators) {
      for (const line of indicator.lines) {
        const entry = this.indicatorSeries.get(`${indicator.id}\u0000${line.name}`);
        if (!entry || (entry.values === line.values && entry.barsVersion === this.barsVersion)) continue;
        entry.values = line.values;
        entry.barsVersion = this.barsVersion;
        entry.series.setData(bars ? columnToLine(bars.time, line.values, bars.length) : []);
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

  fitContent(): void {
    if (!this.disposed) this.chart.timeScale().fitContent();
  }

  scrollToRealTime(): void {
    if (!this.disposed) this.chart.timeScale().scrollToRealTime();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopObserving();
    this.chart.unsubscribeCrosshairMove(this.onCrosshairMove);
    this.markerPlugin.detach();
    this.chart.remove();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Legend and marker tooltip: plain DOM updates on crosshair moves, no React render.

  private readonly onCrosshairMove = (param: MouseEventParams<Time>): void => {
    if (this.disposed) return;
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
    const group = time === undefined || !param.point ? undefined : this.converted.byTime.get(time);
    if (!group || !param.point) {
      this.hideTooltip();
      return;
    }
    this.showTooltip(group, time!, param.point.x, param.point.y);
  };

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

function tooltipRows(group: readonly TradeMarker[], barTimeMs: number, utc: boolean): HTMLElement[] {
  const head = document.createElement('div');
  head.className = 'mb-chart-tip-time';
  head.textContent = formatTime(barTimeMs, { utc });
  const rows = group.slice(0, 8).map((trade) => {
    const row = document.createElement('div');
    row.className = 'mb-chart-tip-row';
    const side = document.createElement('span');
    side.className = trade.side === 'buy' ? 'mb-tone-up mb-chart-tip-side' : 'mb-tone-down mb-chart-tip-side';
    side.textContent = trade.side === 'buy' ? 'BUY' : 'SELL';
    const qty = document.createElement('span');
    qty.className = 'mb-num';
    qty.textContent = formatQty(trade.qty);
    const price = document.createElement('span');
    price.className = 'mb-num';
    price.textContent = `@ ${formatPrice(trade.price)}`;
    row.append(side, qty, price);
    if (trade.pnl !== undefined) {
      const pnl = formatPnl(trade.pnl);
      const p = document.createElement('span');
      p.className = pnl.tone ? `mb-num mb-tone-${pnl.tone}` : 'mb-num';
      p.textContent = pnl.text;
      row.append(p);
    }
    if (trade.text) {
      const note = document.createElement('span');
      note.className = 'mb-chart-tip-note';
      note.textContent = trade.text;
      row.append(note);
    }
    return row;
  });
  if (group.length > 8) {
    const more = document.createElement('div');
    more.className = 'mb-chart-tip-more';
    const total = group.reduce((sum, t) => sum + (t.pnl ?? 0), 0);
    more.textContent = `+${group.length - 8} more · total P&L ${formatMoney(total, { signed: true })}`;
    rows.push(more);
  }
  return [head, ...rows];
}
