// Pure conversions from MarketBoss's columnar data to lightweight-charts series data. No chart, no DOM: these are
// what the tests exercise, and what keeps the chart components thin.
//
// lightweight-charts wants one object per point with time in seconds (UTCTimestamp), strictly increasing. Our
// columns are Float64Arrays with epoch milliseconds. Every conversion is one pass into a preallocated array; a time
// equal to the previous one (two bars in one second) replaces the previous point, an earlier time is dropped, a
// non-finite time is dropped — so a bad column can never make the chart throw.
import type {
  CandlestickData,
  HistogramData,
  LineData,
  SeriesMarker,
  UTCTimestamp,
  WhitespaceData,
} from 'lightweight-charts';
import type { Bar, BarColumns } from '../../../../shared/domain/bars';
import { formatPnl, formatPrice, formatQty } from './format';

export type ChartTime = UTCTimestamp;
export type Candle = CandlestickData<ChartTime>;
export type VolumePoint = HistogramData<ChartTime>;
export type LinePoint = LineData<ChartTime> | WhitespaceData<ChartTime>;

/** Epoch milliseconds → lightweight-charts time (whole seconds, UTC). */
export function toChartTime(ms: number): ChartTime {
  return Math.floor(ms / 1000) as ChartTime;
}

/** lightweight-charts time → epoch milliseconds. */
export function fromChartTime(time: number): number {
  return time * 1000;
}

export interface VolumeColors {
  /** Volume bar colour when close ≥ open. */
  readonly up: string;
  /** Volume bar colour when close < open. */
  readonly down: string;
}

export interface CandleData {
  readonly candles: Candle[];
  readonly volumes: VolumePoint[];
}

/**
 * Columns → candles and volume bars in one pass (1,000,000 bars in a few hundred ms). `colors` colours each
 * volume bar by the candle's direction; without it the series colour applies. `from` and `to` (exclusive) convert
 * only the bars of the chart's window.
 */
export function columnsToCandles(
  columns: BarColumns,
  colors?: VolumeColors,
  from = 0,
  to = Number.POSITIVE_INFINITY,
): CandleData {
  const n = Math.min(columns.length, columns.time.length, to);
  const start = Math.max(0, Math.min(n, from));
  const { time, open, high, low, close, volume } = columns;
  const candles: Candle[] = new Array(n - start);
  const volumes: VolumePoint[] = new Array(n - start);
  let k = 0;
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = start; i < n; i++) {
    const ms = time[i]!;
    if (!Number.isFinite(ms)) continue;
    const t = Math.floor(ms / 1000) as ChartTime;
    if (t < previous) continue;
    if (t === previous) k--; // same second: the later bar wins
    previous = t;
    const o = open[i]!;
    const c = close[i]!;
    candles[k] = { time: t, open: o, high: high[i]!, low: low[i]!, close: c };
    volumes[k] = colors
      ? { time: t, value: volume[i]!, color: c >= o ? colors.up : colors.down }
      : { time: t, value: volume[i]! };
    k++;
  }
  candles.length = k;
  volumes.length = k;
  return { candles, volumes };
}

/** One live bar → a candle for `series.update`. */
export function barToCandle(bar: Bar): Candle {
  return { time: toChartTime(bar.time), open: bar.open, high: bar.high, low: bar.low, close: bar.close };
}

/** One live bar → its volume bar for `series.update`. */
export function barToVolume(bar: Bar, colors?: VolumeColors): VolumePoint {
  const t = toChartTime(bar.time);
  return colors
    ? { time: t, value: bar.volume, color: bar.close >= bar.open ? colors.up : colors.down }
    : { time: t, value: bar.volume };
}

/**
 * A value column aligned with a time column → line data; NaN (or ±Infinity) becomes whitespace, a gap in the line.
 * `length` defaults to the shorter of the two columns; `from` skips the points before that index. Use `transform`
 * to map values (e.g. drawdown sign).
 */
export function columnToLine(
  timeMs: Float64Array,
  values: Float64Array,
  length?: number,
  transform?: (value: number) => number,
  from = 0,
): LinePoint[] {
  const n = Math.min(length ?? Number.POSITIVE_INFINITY, timeMs.length, values.length);
  const start = Math.max(0, Math.min(n, from));
  const out: LinePoint[] = new Array(n - start);
  let k = 0;
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = start; i < n; i++) {
    const ms = timeMs[i]!;
    if (!Number.isFinite(ms)) continue;
    const t = Math.floor(ms / 1000) as ChartTime;
    if (t < previous) continue;
    if (t === previous) k--;
    previous = t;
    const v = values[i]!;
    if (Number.isFinite(v)) out[k] = { time: t, value: transform ? transform(v) : v };
    else out[k] = { time: t };
    k++;
  }
  out.length = k;
  return out;
}

/**
 * Appends live points (time ≥ the last point's) to converted data: a point at the last point's time replaces it,
 * later points are appended in order, earlier ones are ignored. Mutates and returns `data`.
 */
export function mergeTail<T extends { time: ChartTime }>(data: T[], tail: readonly T[]): T[] {
  for (const point of tail) {
    const last = data[data.length - 1];
    if (!last || point.time > last.time) data.push(point);
    else if (point.time === last.time) data[data.length - 1] = point;
  }
  return data;
}

/** Records a live point in a tail list kept in time order: same time replaces, later appends, earlier is ignored. */
export function pushTail<T extends { time: ChartTime }>(tail: T[], point: T): boolean {
  const last = tail[tail.length - 1];
  if (!last || point.time > last.time) tail.push(point);
  else if (point.time === last.time) tail[tail.length - 1] = point;
  else return false;
  return true;
}

/** Index of the first element whose `time` is ≥ `time` in a time-sorted array (binary search). */
export function firstAtOrAfter(data: readonly { time: ChartTime }[], time: number): number {
  let lo = 0;
  let hi = data.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (data[mid]!.time < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when a line point is a gap (whitespace), not a value. */
export function isGap(point: LinePoint): point is WhitespaceData<ChartTime> {
  return !('value' in point);
}

// ---------------------------------------------------------------------------------------------------------------
// Trade markers

/** An entry or exit drawn on the chart. `time` is epoch ms; it is snapped to the bar that contains it. */
export interface TradeMarker {
  readonly time: number;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly price: number;
  /** Realised P&L of the exit, when this marker closes a trade. */
  readonly pnl?: number;
  /** Short text drawn next to the arrow (keep it to a few characters, or leave it out: thousands of labels clutter). */
  readonly text?: string;
  /** The table row this marker stands for (a trade or a fill): hovering the marker highlights that row. */
  readonly rowKey?: string;
}

/** A trade to bring into view and emphasise: its entry, and its exit when it is closed. Times epoch ms. */
export interface ChartFocus {
  readonly entryTime: number;
  readonly entryPrice: number;
  readonly exitTime?: number;
  readonly exitPrice?: number;
}

/**
 * The bars to show for a focused trade: its entry and exit bar indices with room either side (a third of the
 * trade's span, at least `minPad` bars), so both ends are in view however long the trade was held.
 */
export function focusSpan(
  entryIndex: number,
  exitIndex: number,
  minPad = 20,
): { readonly from: number; readonly to: number } {
  const first = Math.min(entryIndex, exitIndex);
  const last = Math.max(entryIndex, exitIndex);
  const pad = Math.max(minPad, Math.round((last - first) / 3));
  return { from: first - pad, to: last + pad };
}

export interface MarkerColors {
  readonly buy: string;
  readonly sell: string;
}

export interface ConvertedMarkers {
  /** Sorted by time, each on a bar's time. */
  readonly markers: SeriesMarker<ChartTime>[];
  /** Chart time (seconds) → the trade markers drawn at that bar, for the hover tooltip. */
  readonly byTime: Map<number, TradeMarker[]>;
}

/**
 * Index of the last bar whose time is ≤ `ms` (binary search over the first `length` entries), or -1 when `ms` is
 * before the first bar or not finite.
 */
export function barIndexAt(timeMs: Float64Array, length: number, ms: number): number {
  if (!Number.isFinite(ms) || length <= 0 || ms < timeMs[0]!) return -1;
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (timeMs[mid]! <= ms) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The bar open times (ms) a marker can snap to: the loaded columns' first `length`, then the live bars the chart
 * appended after them (chart times, seconds). A fill after the chart loaded belongs to one of those live bars, not
 * to the last loaded one.
 */
export function barTimesWithLive(
  columns: Float64Array | undefined,
  length: number,
  live: readonly { readonly time: ChartTime }[],
): { times: Float64Array; count: number } {
  const n = columns ? Math.min(length, columns.length) : 0;
  const last = n > 0 ? columns![n - 1]! : Number.NEGATIVE_INFINITY;
  const newer = live.filter((point) => fromChartTime(point.time) > last);
  if (newer.length === 0) return { times: columns ?? new Float64Array(0), count: n };
  const times = new Float64Array(n + newer.length);
  if (n > 0) times.set(columns!.subarray(0, n));
  newer.forEach((point, k) => {
    times[n + k] = fromChartTime(point.time);
  });
  return { times, count: times.length };
}

/**
 * Trade markers → series markers: buys are green arrows up below the bar, sells red arrows down above it. Each
 * marker moves to the open time of the bar that contains it (a fill at 10:03:27 sits on the 10:00 bar of a 5m
 * chart); markers before the first bar are dropped, markers after the last bar sit on the last bar. Without
 * `barTimesMs` markers keep their own time. Thousands of markers cost one sort.
 */
export function convertMarkers(
  trades: readonly TradeMarker[],
  colors: MarkerColors,
  barTimesMs?: Float64Array,
  barCount?: number,
): ConvertedMarkers {
  const count = barTimesMs ? Math.min(barCount ?? barTimesMs.length, barTimesMs.length) : 0;
  const placed: { t: ChartTime; trade: TradeMarker }[] = [];
  let sorted = true;
  for (const trade of trades) {
    let ms = trade.time;
    if (barTimesMs) {
      const i = barIndexAt(barTimesMs, count, ms);
      if (i < 0) continue;
      ms = barTimesMs[i]!;
    } else if (!Number.isFinite(ms)) {
      continue;
    }
    const t = toChartTime(ms);
    if (placed.length > 0 && t < placed[placed.length - 1]!.t) sorted = false;
    placed.push({ t, trade });
  }
  if (!sorted) placed.sort((a, b) => a.t - b.t); // Array.prototype.sort is stable
  const markers: SeriesMarker<ChartTime>[] = new Array(placed.length);
  const byTime = new Map<number, TradeMarker[]>();
  for (let i = 0; i < placed.length; i++) {
    const { t, trade } = placed[i]!;
    const buy = trade.side === 'buy';
    const marker: SeriesMarker<ChartTime> = {
      time: t,
      position: buy ? 'belowBar' : 'aboveBar',
      shape: buy ? 'arrowUp' : 'arrowDown',
      color: buy ? colors.buy : colors.sell,
    };
    if (trade.text) marker.text = trade.text;
    markers[i] = marker;
    const group = byTime.get(t);
    if (group) group.push(trade);
    else byTime.set(t, [trade]);
  }
  return { markers, byTime };
}

/** The marker tooltip as text, one line per trade at the bar: "BUY 100 @ 101.25  P&L +$12.30". */
export function markerTooltipLines(group: readonly TradeMarker[]): string[] {
  return group.map((trade) => {
    const pnl = trade.pnl === undefined ? '' : `  P&L ${formatPnl(trade.pnl).text}`;
    return `${trade.side.toUpperCase()} ${formatQty(trade.qty)} @ ${formatPrice(trade.price)}${pnl}`;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Equity and drawdown

/**
 * Drawdown from the running peak as a non-positive fraction (-0.1 = 10% below the peak), one pass. NaN equity
 * stays NaN (a gap) and does not move the peak.
 */
export function computeDrawdown(equity: Float64Array, length = equity.length): Float64Array {
  const n = Math.min(length, equity.length);
  const out = new Float64Array(n);
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    if (!Number.isFinite(e)) {
      out[i] = Number.NaN;
      continue;
    }
    if (e > peak) peak = e;
    out[i] = peak > 0 ? e / peak - 1 : 0;
  }
  return out;
}

/** Drawdown points for a negative-valued area: the sign of the input does not matter (0.1 and -0.1 both plot -0.1). */
export function drawdownToLine(timeMs: Float64Array, drawdown: Float64Array, length?: number): LinePoint[] {
  return columnToLine(timeMs, drawdown, length, (v) => (v === 0 ? 0 : -Math.abs(v)));
}
