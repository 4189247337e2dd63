// The crossing rule of a price line's alert: closes only, once per crossing.
import { describe, expect, it } from 'vitest';
import { closeCrossing, type PriceLineBook, PriceLineWatch } from '../../../src/main/sessions/price-lines';
import type { PriceLine } from '../../../src/shared/domain/chart-tools';

describe('closeCrossing', () => {
  it('from below to at-or-above is up, from above to at-or-below is down', () => {
    expect(closeCrossing(100, 99, 101)).toBe('up');
    expect(closeCrossing(100, 99, 100)).toBe('up');
    expect(closeCrossing(100, 101, 99)).toBe('down');
    expect(closeCrossing(100, 101, 100)).toBe('down');
  });
  it('staying on one side, or leaving the line after closing on it, is no crossing', () => {
    expect(closeCrossing(100, 99, 99.5)).toBeNull();
    expect(closeCrossing(100, 101, 102)).toBeNull();
    // Closed on the line (that was the crossing), then away from it: not a second one.
    expect(closeCrossing(100, 100, 101)).toBeNull();
    expect(closeCrossing(100, 100, 99)).toBeNull();
  });
});

describe('PriceLineWatch', () => {
  const line = (price: number, alert = true, symbol = 'ACME'): PriceLine => ({
    id: price,
    sessionId: 's-1',
    symbol,
    price,
    alert,
    lastCrossedAt: null,
    createdAt: 0,
  });
  const book = (lines: PriceLine[]): PriceLineBook => ({
    list: () => lines,
    add: () => lines[0]!,
    update: (l) => l,
    remove: () => {},
    crossed: () => {},
  });
  const bar = (close: number, symbol = 'ACME') => ({
    symbol,
    time: 0,
    open: close,
    high: close + 5,
    low: close - 5,
    close,
    volume: 1,
  });

  it('reports only live bars, only alerting lines of the bar symbol, each crossing once', () => {
    const watch = new PriceLineWatch('s-1', book([line(100), line(100.5, false), line(100, true, 'BOLT')]));
    expect(watch.observe(bar(99), false)).toEqual([]);
    // History (a warm-up, a replay) crossing the line: remembered as the previous close, never alerted.
    expect(watch.observe(bar(101), false)).toEqual([]);
    expect(watch.observe(bar(99), true).map((c) => [c.line.price, c.direction])).toEqual([[100, 'down']]);
    expect(watch.observe(bar(98), true)).toEqual([]);
    const up = watch.observe(bar(102), true);
    expect(up.map((c) => c.message)).toEqual([
      'ACME crossed above your line at 100.00: closed at 102.00, the bar before at 98.00',
    ]);
  });
});
