// Session-anchored VWAP against a hand calculation, and its New York trading day on the chart.
import { describe, expect, it } from 'vitest';
import { computeIndicator } from '../../../src/main/charts/indicator-lines';
import { SessionVwap } from '../../../src/main/engine/indicators';
import type { BarColumns } from '../../../src/shared/domain/bars';

describe('SessionVwap', () => {
  it('matches a hand calculation and restarts when the day changes', () => {
    const vwap = new SessionVwap();
    // Typical prices: (12 + 9 + 10.5) / 3 = 10.5, (13 + 10 + 12.5) / 3 = 11.8333…, (11 + 8 + 8) / 3 = 9.
    expect(vwap.update({ high: 12, low: 9, close: 10.5, volume: 100 }, 1)).toBe(10.5);
    // (10.5·100 + 11.8333…·300) / 400 = (1050 + 3550) / 400 = 11.5
    expect(vwap.update({ high: 13, low: 10, close: 12.5, volume: 300 }, 1)).toBeCloseTo(11.5, 12);
    // A new day starts from its own first bar.
    expect(vwap.update({ high: 11, low: 8, close: 8, volume: 50 }, 2)).toBe(9);
  });

  it('is NaN until the day has traded, and ignores zero volume', () => {
    const vwap = new SessionVwap();
    expect(vwap.update({ high: 2, low: 1, close: 1.5, volume: 0 }, 7)).toBeNaN();
    expect(vwap.update({ high: 4, low: 2, close: 3, volume: 10 }, 7)).toBe(3);
    expect(vwap.update({ high: 100, low: 90, close: 95, volume: 0 }, 7)).toBe(3);
  });
});

describe('VWAP on a chart', () => {
  // 2024-03-04 is a Monday in New York winter time (UTC−5): 14:30Z is the 09:30 open.
  const at = (iso: string) => Date.parse(iso);
  const times = [
    at('2024-03-04T14:30:00Z'),
    at('2024-03-04T20:59:00Z'),
    // 19:30 in New York, still Monday there although Tuesday in UTC: an after-hours bar of Monday.
    at('2024-03-05T00:30:00Z'),
    // Tuesday's open: a new session, a new VWAP.
    at('2024-03-05T14:30:00Z'),
  ];
  const bars: BarColumns = {
    time: Float64Array.from(times),
    open: Float64Array.from([10, 11, 12, 20]),
    high: Float64Array.from([11, 13, 12, 21]),
    low: Float64Array.from([9, 11, 12, 19]),
    close: Float64Array.from([10, 12, 12, 20]),
    volume: Float64Array.from([100, 100, 200, 50]),
    length: 4,
  };

  it('restarts at each New York date, not at UTC midnight', () => {
    const values = Array.from(computeIndicator({ kind: 'vwap', pane: 'price' }, bars).lines[0]!.values);
    // Typical prices 10, 12, 12, 20. Monday: 10; (1000 + 1200) / 200 = 11; (2200 + 2400) / 400 = 11.5.
    expect(values[0]).toBe(10);
    expect(values[1]).toBe(11);
    expect(values[2]).toBe(11.5);
    expect(values[3]).toBe(20);
  });

  it('restarts at UTC midnight on the crypto calendar', () => {
    const values = Array.from(
      computeIndicator({ kind: 'vwap', pane: 'price' }, bars, 'vwap', 'crypto').lines[0]!.values,
    );
    expect(values[2]).toBe(12);
    // Tuesday UTC: (12·200 + 20·50) / 250 = 13.6
    expect(values[3]).toBeCloseTo(13.6, 12);
  });
});
