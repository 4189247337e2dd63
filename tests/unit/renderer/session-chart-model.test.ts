import { describe, expect, test } from 'vitest';
import type { LiveChartSeries } from '../../../src/renderer/src/stores/sessions/session-state';
import {
  fillFocus,
  fillMarkers,
  foldBar,
  lineKeys,
  orderFocus,
  orderLevels,
  seriesIndicators,
} from '../../../src/renderer/src/views/sessions/session-chart-model';
import type { FillRow, OrderRow } from '../../../src/shared/domain/session';

const order = (patch: Partial<OrderRow>): OrderRow => ({
  id: 'o',
  clientOrderId: 'c',
  symbol: 'ACME',
  side: 'sell',
  type: 'stop',
  role: 'stop_loss',
  qty: 100,
  filledQty: 0,
  limitPrice: null,
  stopPrice: 95.5,
  avgFillPrice: null,
  status: 'accepted',
  statusReason: null,
  createdAt: 0,
  updatedAt: 0,
  ...patch,
});

describe('the session chart model', () => {
  test('working orders of the symbol become lines: stops, targets and resting orders, with what is left to fill', () => {
    const levels = orderLevels(
      [
        order({ id: 'stop' }),
        order({ id: 'target', type: 'limit', role: 'take_profit', stopPrice: null, limitPrice: 110 }),
        order({
          id: 'entry',
          side: 'buy',
          type: 'limit',
          role: 'entry',
          stopPrice: null,
          limitPrice: 99,
          filledQty: 40,
          status: 'partially_filled',
        }),
        order({ id: 'done', status: 'filled', filledQty: 100 }),
        order({ id: 'gone', status: 'canceled' }),
        order({ id: 'market', type: 'market', role: 'entry', stopPrice: null, status: 'new' }),
        order({ id: 'other', symbol: 'BOLT' }),
      ],
      'ACME',
    );
    expect(levels).toEqual([
      { price: 95.5, kind: 'stop', label: 'Stop 100' },
      { price: 110, kind: 'target', label: 'Target 100' },
      { price: 99, kind: 'order', label: 'Buy limit 60' },
    ]);
  });

  test('fills of the symbol become markers with side, quantity and price', () => {
    const fill = (symbol: string, side: 'buy' | 'sell', time: number): FillRow => ({
      executionId: `x${time}`,
      orderId: 'o',
      symbol,
      side,
      qty: 10,
      price: 100 + time,
      fee: 0.5,
      time,
      decisionPrice: null,
    });
    expect(
      fillMarkers([fill('ACME', 'buy', 1), fill('BOLT', 'buy', 2), fill('ACME', 'sell', 3)], 'ACME'),
    ).toEqual([
      { time: 1, side: 'buy', qty: 10, price: 101, rowKey: 'x1' },
      { time: 3, side: 'sell', qty: 10, price: 103, rowKey: 'x3' },
    ]);
  });

  test('the flat line columns map back to their indicator and line, in push order', () => {
    const series: LiveChartSeries = {
      time: [1, 2],
      open: [1, 1],
      high: [1, 1],
      low: [1, 1],
      close: [1, 1],
      volume: [1, 1],
      indicators: [
        {
          id: 'sma-5',
          label: 'SMA 5',
          kind: 'sma',
          pane: 'price',
          levels: [],
          lines: [{ name: 'SMA 5', style: 'line', values: new Float64Array(0) }],
        },
        {
          id: 'macd',
          label: 'MACD 12, 26, 9',
          kind: 'macd',
          pane: 'lower',
          levels: [],
          lines: ['Histogram', 'MACD', 'Signal'].map((name) => ({
            name,
            style: 'line' as const,
            values: new Float64Array(0),
          })),
        },
      ],
      lines: [
        [Number.NaN, 5],
        [0.1, 0.2],
        [1, 2],
        [0.9, 1.8],
      ],
    };
    expect(lineKeys(series)).toEqual([
      { id: 'sma-5', name: 'SMA 5' },
      { id: 'macd', name: 'Histogram' },
      { id: 'macd', name: 'MACD' },
      { id: 'macd', name: 'Signal' },
    ]);
    const indicators = seriesIndicators(series);
    expect(Array.from(indicators[1]!.lines[2]!.values)).toEqual([0.9, 1.8]);
    expect(indicators[0]!.lines[0]!.values[0]).toBeNaN();
  });
});

describe('folding live bars into a coarser bar', () => {
  const bucket = { time: 0, open: 10, high: 11, low: 9.5, close: 10.5, volume: 100 };
  test('a bar inside the bucket widens it, takes its close and adds its volume', () => {
    expect(
      foldBar(bucket, { time: 60_000, open: 10.5, high: 11.4, low: 10.2, close: 11.1, volume: 40 }, 300_000),
    ).toEqual({ time: 0, open: 10, high: 11.4, low: 9.5, close: 11.1, volume: 140 });
  });
  test('a bar at or past the end of its span opens a new one (null)', () => {
    expect(foldBar(bucket, { ...bucket, time: 300_000 }, 300_000)).toBeNull();
    expect(foldBar(bucket, { ...bucket, time: -60_000 }, 300_000)).toBeNull();
  });
});

describe('the trade a clicked fill or order belongs to', () => {
  const fill = (id: string, side: 'buy' | 'sell', qty: number, time: number, symbol = 'ACME'): FillRow => ({
    executionId: id,
    orderId: `o-${id}`,
    symbol,
    side,
    qty,
    price: 100 + time,
    fee: 0,
    time,
    decisionPrice: null,
  });
  // Long 100 in two buys, out in one sell; then short 50, reversed to long 30 by a buy of 80 (listed newest first,
  // as the Fills table has them); a BOLT fill in between that does not count.
  const fills = [
    fill('f', 'buy', 80, 9),
    fill('e', 'sell', 50, 8),
    fill('b1', 'buy', 5, 4, 'BOLT'),
    fill('c', 'sell', 100, 5),
    fill('b', 'buy', 40, 3),
    fill('a', 'buy', 60, 1),
  ];

  test('an entry, a scale-in or an exit of a closed trade: its first entry to its exit, joined', () => {
    const trade = { entryTime: 1, entryPrice: 101, exitTime: 5, exitPrice: 105 };
    expect(fillFocus(fills, 'a')).toEqual(trade);
    expect(fillFocus(fills, 'b')).toEqual(trade);
    expect(fillFocus(fills, 'c')).toEqual(trade);
  });

  test('a reversal closes the short it ends (the long it opens is still open: entry and fill, no exit price)', () => {
    expect(fillFocus(fills, 'e')).toEqual({ entryTime: 8, entryPrice: 108, exitTime: 9, exitPrice: 109 });
    expect(fillFocus(fills, 'b1')).toEqual({ entryTime: 4, entryPrice: 104 });
    expect(fillFocus([fill('g', 'buy', 10, 1), fill('h', 'buy', 5, 2)], 'h')).toEqual({
      entryTime: 1,
      entryPrice: 101,
      exitTime: 2,
    });
    expect(fillFocus(fills, 'nope')).toBeNull();
  });

  test("an order: its first fill's trade, or where it was placed when nothing filled", () => {
    expect(orderFocus(order({ id: 'o-c' }), fills)).toEqual(fillFocus(fills, 'c'));
    expect(orderFocus(order({ id: 'o-none', createdAt: 7, stopPrice: 95.5 }), fills)).toEqual({
      entryTime: 7,
      entryPrice: 95.5,
    });
  });
});
