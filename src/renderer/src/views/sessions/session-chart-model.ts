// What the session chart draws, from the store's data: candles and indicator lines of one symbol, a marker per
// fill, a line per working order's price. Pure functions, so the tests read them without a chart.

import type { Bar, BarColumns } from '../../../../shared/domain/bars';
import { type FillRow, isWorkingOrder, type OrderRow } from '../../../../shared/domain/session';
import type { ChartFocus, Indicator, PriceLevel, TradeMarker } from '../../components/chart/CandleChart';
import type { LiveChartSeries } from '../../stores/sessions/session-state';

/** The series' bars as chart columns (a copy: the store's arrays keep growing). */
export function seriesColumns(series: LiveChartSeries | undefined): BarColumns | null {
  if (!series) return null;
  return {
    time: Float64Array.from(series.time),
    open: Float64Array.from(series.open),
    high: Float64Array.from(series.high),
    low: Float64Array.from(series.low),
    close: Float64Array.from(series.close),
    volume: Float64Array.from(series.volume),
    length: series.time.length,
  };
}

/** The strategy's indicator lines over the series' bars, as the chart takes them. */
export function seriesIndicators(series: LiveChartSeries | undefined): Indicator[] {
  if (!series) return [];
  let k = 0;
  return series.indicators.map((set) => ({
    id: set.id,
    label: set.label,
    pane: set.pane,
    levels: set.levels,
    lines: set.lines.map((line) => ({
      name: line.name,
      style: line.style,
      values: Float64Array.from(series.lines[k++] ?? []),
    })),
  }));
}

/** The (indicator id, line name) of each of a series' flat line columns, in the order bar pushes carry values. */
export function lineKeys(series: LiveChartSeries | undefined): { id: string; name: string }[] {
  return (series?.indicators ?? []).flatMap((set) =>
    set.lines.map((line) => ({ id: set.id, name: line.name })),
  );
}

/** A marker per fill of `symbol`: side, quantity and price (the tooltip shows them), keyed by its Fills row. */
export function fillMarkers(fills: readonly FillRow[], symbol: string): TradeMarker[] {
  const markers: TradeMarker[] = [];
  for (const fill of fills) {
    if (fill.symbol === symbol)
      markers.push({
        time: fill.time,
        side: fill.side,
        qty: fill.qty,
        price: fill.price,
        rowKey: fill.executionId,
      });
  }
  return markers;
}

/**
 * A horizontal line per working order of `symbol` at its price: stop-loss legs as stops, take-profit legs as
 * targets, anything else (a resting entry or exit) as an order. A stop-limit order draws its stop price.
 */
export function orderLevels(orders: readonly OrderRow[], symbol: string): PriceLevel[] {
  const levels: PriceLevel[] = [];
  for (const order of orders) {
    if (order.symbol !== symbol || !isWorkingOrder(order)) continue;
    const price = order.stopPrice ?? order.limitPrice;
    if (price === null) continue; // a market order has no price to draw
    const open = order.qty - order.filledQty;
    const kind = order.role === 'stop_loss' ? 'stop' : order.role === 'take_profit' ? 'target' : 'order';
    const what =
      kind === 'stop'
        ? 'Stop'
        : kind === 'target'
          ? 'Target'
          : `${order.side === 'buy' ? 'Buy' : 'Sell'} ${order.type}`;
    levels.push({ price, kind, label: `${what} ${open}` });
  }
  return levels;
}

/**
 * A live bar of the run folded into the newest coarse bar (high, low, close, volume), or null when it falls past
 * that bar's span and so opens a new one (main then says where that starts: sessions, days, holidays).
 */
export function foldBar(bucket: Bar, bar: Bar, bucketMs: number): Bar | null {
  if (bar.time < bucket.time || bar.time >= bucket.time + bucketMs) return null;
  return {
    time: bucket.time,
    open: bucket.open,
    high: Math.max(bucket.high, bar.high),
    low: Math.min(bucket.low, bar.low),
    close: bar.close,
    volume: bucket.volume + bar.volume,
  };
}

/** Below this a position is flat (fractional quantities add up with rounding). */
const FLAT = 1e-9;

/**
 * What the chart shows for a clicked fill: the round trip it belongs to, from the fill that opened the position from
 * flat to the one that brought it back to flat (or reversed it), so a closed trade's entry and exit are joined. A
 * fill of a position still open shows its entry and that fill, with no exit price (no line). Null for an unknown id.
 */
export function fillFocus(fills: readonly FillRow[], executionId: string): ChartFocus | null {
  const target = fills.find((fill) => fill.executionId === executionId);
  if (!target) return null;
  const own = fills.filter((fill) => fill.symbol === target.symbol).sort((a, b) => a.time - b.time);
  let position = 0;
  let entry: FillRow | undefined;
  let found = false;
  for (const fill of own) {
    if (Math.abs(position) < FLAT) entry = fill;
    if (fill === target) found = true;
    const next = position + (fill.side === 'buy' ? fill.qty : -fill.qty);
    const closes =
      Math.abs(position) >= FLAT && (Math.abs(next) < FLAT || Math.sign(next) !== Math.sign(position));
    if (closes && found && entry) {
      return { entryTime: entry.time, entryPrice: entry.price, exitTime: fill.time, exitPrice: fill.price };
    }
    // A reversal closes one trade and opens the next at the same fill.
    if (closes) entry = Math.abs(next) < FLAT ? undefined : fill;
    position = Math.abs(next) < FLAT ? 0 : next;
  }
  const opened = entry ?? target;
  return opened === target
    ? { entryTime: target.time, entryPrice: target.price }
    : { entryTime: opened.time, entryPrice: opened.price, exitTime: target.time };
}

/** A clicked order: the round trip of its first fill, or where it was placed (at its price) when nothing filled. */
export function orderFocus(order: OrderRow, fills: readonly FillRow[]): ChartFocus {
  let first: FillRow | undefined;
  for (const fill of fills) if (fill.orderId === order.id && (!first || fill.time < first.time)) first = fill;
  const focus = first ? fillFocus(fills, first.executionId) : null;
  return (
    focus ?? {
      entryTime: order.createdAt,
      entryPrice: order.limitPrice ?? order.stopPrice ?? order.avgFillPrice ?? Number.NaN,
    }
  );
}
