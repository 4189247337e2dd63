import { describe, expect, it } from 'vitest';
import {
  barIndexAt,
  barTimesWithLive,
  barToCandle,
  barToVolume,
  columnsToCandles,
  columnToLine,
  computeDrawdown,
  convertMarkers,
  drawdownToLine,
  firstAtOrAfter,
  focusSpan,
  isGap,
  markerTooltipLines,
  mergeTail,
  pushTail,
  toChartTime,
} from '../../../../src/renderer/src/components/chart/chart-data';
import { minBarSpacingToFit } from '../../../../src/renderer/src/components/chart/chart-options';
import { withAlpha } from '../../../../src/renderer/src/components/chart/theme';
import { allocateColumns, type BarColumns } from '../../../../src/shared/domain/bars';

const T0 = Date.UTC(2024, 0, 2, 14, 30);
const MIN = 60_000;

function bars(rows: [number, number, number, number, number, number][]): BarColumns {
  const c = allocateColumns(rows.length);
  rows.forEach(([t, o, h, l, cl, v], i) => {
    c.time[i] = t;
    c.open[i] = o;
    c.high[i] = h;
    c.low[i] = l;
    c.close[i] = cl;
    c.volume[i] = v;
  });
  return c;
}

const colors = { up: 'UP', down: 'DOWN' };

describe('columnsToCandles', () => {
  it('converts ms columns to second-resolution candles and coloured volume', () => {
    const { candles, volumes } = columnsToCandles(
      bars([
        [T0, 10, 11, 9, 10.5, 100],
        [T0 + MIN, 10.5, 10.6, 9.8, 10, 250],
      ]),
      colors,
    );
    expect(candles).toEqual([
      { time: T0 / 1000, open: 10, high: 11, low: 9, close: 10.5 },
      { time: T0 / 1000 + 60, open: 10.5, high: 10.6, low: 9.8, close: 10 },
    ]);
    expect(volumes).toEqual([
      { time: T0 / 1000, value: 100, color: 'UP' },
      { time: T0 / 1000 + 60, value: 250, color: 'DOWN' },
    ]);
    expect(columnsToCandles(bars([[T0, 1, 1, 1, 1, 5]])).volumes[0]).toEqual({ time: T0 / 1000, value: 5 });
  });

  it('honours length below capacity and drops bad or out-of-order times', () => {
    const c = bars([
      [T0, 1, 2, 0.5, 1.5, 1],
      [T0 + 400, 2, 3, 1, 2.5, 2], // same second as the previous bar: replaces it
      [T0 - MIN, 9, 9, 9, 9, 9], // earlier: dropped
      [Number.NaN, 9, 9, 9, 9, 9], // no time: dropped
      [T0 + MIN, 3, 4, 2, 3.5, 3],
      [T0 + 2 * MIN, 4, 5, 3, 4.5, 4], // beyond `length`
    ]);
    const { candles, volumes } = columnsToCandles({ ...c, length: 5 });
    expect(candles.map((x) => [x.time, x.open])).toEqual([
      [T0 / 1000, 2],
      [T0 / 1000 + 60, 3],
    ]);
    expect(volumes.map((v) => v.value)).toEqual([2, 3]);
  });

  it('converts 1,000,000 bars in one pass (its speed: the ui bench, first paint)', () => {
    const n = 1_000_000;
    const c = allocateColumns(n);
    for (let i = 0; i < n; i++) {
      c.time[i] = T0 + i * MIN;
      c.open[i] = 100 + (i % 7);
      c.high[i] = 110;
      c.low[i] = 90;
      c.close[i] = 100 + (i % 5);
      c.volume[i] = i;
    }
    const { candles, volumes } = columnsToCandles(c, colors);
    expect(candles).toHaveLength(n);
    expect(volumes).toHaveLength(n);
    expect(candles[n - 1]!.time).toBe((T0 + (n - 1) * MIN) / 1000);
  });

  it('converts a live bar', () => {
    const bar = { time: T0 + 1500, open: 2, high: 3, low: 1, close: 1.5, volume: 7 };
    expect(barToCandle(bar)).toEqual({ time: T0 / 1000 + 1, open: 2, high: 3, low: 1, close: 1.5 });
    expect(barToVolume(bar, colors)).toEqual({ time: T0 / 1000 + 1, value: 7, color: 'DOWN' });
    expect(toChartTime(T0 + 999)).toBe(T0 / 1000);
  });
});

describe('the chart window', () => {
  it('converts from a start index (the window held by the chart)', () => {
    const c = bars([
      [T0, 1, 1, 1, 1, 1],
      [T0 + MIN, 2, 2, 2, 2, 2],
      [T0 + 2 * MIN, 3, 3, 3, 3, 3],
    ]);
    expect(columnsToCandles(c, undefined, 1).candles.map((x) => x.open)).toEqual([2, 3]);
    expect(columnsToCandles(c, undefined, 5).candles).toEqual([]);
    const line = columnToLine(c.time, new Float64Array([1, Number.NaN, 3]), undefined, undefined, 1);
    expect(line).toEqual([{ time: T0 / 1000 + 60 }, { time: T0 / 1000 + 120, value: 3 }]);
  });

  it('keeps live points in a tail and merges them over the window', () => {
    const t = T0 / 1000;
    const tail: { time: number; value: number }[] = [];
    expect(pushTail(tail as never[], { time: t + 120, value: 1 } as never)).toBe(true);
    expect(pushTail(tail as never[], { time: t + 120, value: 2 } as never)).toBe(true); // same bar: replaced
    expect(pushTail(tail as never[], { time: t + 180, value: 3 } as never)).toBe(true);
    expect(pushTail(tail as never[], { time: t + 60, value: 9 } as never)).toBe(false); // older: refused
    expect(tail).toEqual([
      { time: t + 120, value: 2 },
      { time: t + 180, value: 3 },
    ]);
    const data = [
      { time: t, value: 0 },
      { time: t + 60, value: 0 },
      { time: t + 120, value: 0 },
    ];
    expect(mergeTail(data as never[], tail as never[]).map((p: { value: number }) => p.value)).toEqual([
      0, 0, 2, 3,
    ]);
    expect(firstAtOrAfter(data as never[], t + 60)).toBe(1);
    expect(firstAtOrAfter(data as never[], t + 61)).toBe(2);
    expect(firstAtOrAfter(data as never[], t - 1)).toBe(0);
  });
});

describe('columnToLine', () => {
  it('turns NaN into whitespace gaps and respects length', () => {
    const time = new Float64Array([T0, T0 + MIN, T0 + 2 * MIN, T0 + 3 * MIN]);
    const values = new Float64Array([Number.NaN, 5, Number.NaN, 7]);
    const line = columnToLine(time, values, 3);
    expect(line).toEqual([
      { time: T0 / 1000 },
      { time: T0 / 1000 + 60, value: 5 },
      { time: T0 / 1000 + 120 },
    ]);
    expect(line.map(isGap)).toEqual([true, false, true]);
    expect(columnToLine(time, values)).toHaveLength(4);
    // Mismatched columns: the shorter wins.
    expect(columnToLine(time, new Float64Array([1, 2]))).toHaveLength(2);
  });
});

describe('trade markers', () => {
  const barTimes = new Float64Array([T0, T0 + 5 * MIN, T0 + 10 * MIN, T0 + 15 * MIN]);

  it('finds the bar containing a time', () => {
    expect(barIndexAt(barTimes, 4, T0 - 1)).toBe(-1);
    expect(barIndexAt(barTimes, 4, T0)).toBe(0);
    expect(barIndexAt(barTimes, 4, T0 + 7 * MIN)).toBe(1);
    expect(barIndexAt(barTimes, 4, T0 + 99 * MIN)).toBe(3);
    expect(barIndexAt(barTimes, 2, T0 + 99 * MIN)).toBe(1);
    expect(barIndexAt(barTimes, 0, T0)).toBe(-1);
  });

  it('draws buys as green arrows up below the bar and sells as red arrows down above it, snapped and sorted', () => {
    const { markers, byTime } = convertMarkers(
      [
        { time: T0 + 11 * MIN + 27_000, side: 'sell', qty: 100, price: 101.25, pnl: 12.3, text: 'TP' },
        { time: T0 + 1 * MIN, side: 'buy', qty: 100, price: 100 },
        { time: T0 - MIN, side: 'buy', qty: 1, price: 1 }, // before the first bar: dropped
        { time: T0 + 2 * MIN, side: 'sell', qty: 50, price: 100.5, pnl: -3 },
      ],
      { buy: 'green', sell: 'red' },
      barTimes,
    );
    expect(markers).toEqual([
      { time: T0 / 1000, position: 'belowBar', shape: 'arrowUp', color: 'green' },
      { time: T0 / 1000, position: 'aboveBar', shape: 'arrowDown', color: 'red' },
      { time: (T0 + 10 * MIN) / 1000, position: 'aboveBar', shape: 'arrowDown', color: 'red', text: 'TP' },
    ]);
    expect(byTime.get(T0 / 1000)!.map((m) => m.qty)).toEqual([100, 50]);
    expect(byTime.get((T0 + 10 * MIN) / 1000)![0]!.pnl).toBe(12.3);
    expect(byTime.has((T0 + 5 * MIN) / 1000)).toBe(false);
  });

  it('snaps fills after the load to the live bars appended since, each to its own bar', () => {
    // Loaded: 10:00..10:15 (5m). Then the chart appends 10:20, 10:25, 10:30 live, and the newest again in place.
    const tail: { time: ReturnType<typeof toChartTime> }[] = [];
    for (const t of [T0 + 15 * MIN, T0 + 20 * MIN, T0 + 25 * MIN, T0 + 30 * MIN, T0 + 30 * MIN]) {
      pushTail(tail, { time: toChartTime(t) });
    }
    const { times, count } = barTimesWithLive(barTimes, 4, tail);
    expect([...times.subarray(0, count)]).toEqual([0, 5, 10, 15, 20, 25, 30].map((m) => T0 + m * MIN));
    const fills = [21, 27, 31, 16, 3].map((m) => ({
      time: T0 + m * MIN + 12_000,
      side: 'buy' as const,
      qty: 1,
      price: 100,
    }));
    const { markers } = convertMarkers(fills, { buy: 'g', sell: 'r' }, times, count);
    expect(markers.map((m) => (m.time * 1000 - T0) / MIN)).toEqual([0, 15, 20, 25, 30]);
    // Without live bars (what the chart did): every fill after the load piles up on the last loaded bar.
    const loadedOnly = barTimesWithLive(barTimes, 4, []);
    expect(loadedOnly.count).toBe(4);
    const piled = convertMarkers(fills, { buy: 'g', sell: 'r' }, loadedOnly.times, loadedOnly.count);
    expect(piled.markers.map((m) => (m.time * 1000 - T0) / MIN)).toEqual([0, 15, 15, 15, 15]);
  });

  it('snaps to live bars alone when nothing was loaded', () => {
    const { times, count } = barTimesWithLive(undefined, 0, [{ time: toChartTime(T0) }]);
    expect([...times.subarray(0, count)]).toEqual([T0]);
  });

  it('keeps marker times without bars and handles thousands', () => {
    const trades = Array.from({ length: 5000 }, (_, i) => ({
      time: T0 + (5000 - i) * MIN, // reversed: must come out sorted
      side: (i % 2 ? 'buy' : 'sell') as 'buy' | 'sell',
      qty: i,
      price: 100,
    }));
    const { markers, byTime } = convertMarkers(trades, { buy: 'g', sell: 'r' });
    expect(markers).toHaveLength(5000);
    for (let i = 1; i < markers.length; i++) expect(markers[i]!.time).toBeGreaterThan(markers[i - 1]!.time);
    expect(byTime.size).toBe(5000);
  });

  it('describes the markers of a bar for the tooltip', () => {
    expect(
      markerTooltipLines([
        { time: T0, side: 'buy', qty: 1500, price: 101.25 },
        { time: T0, side: 'sell', qty: 100, price: 99.5, pnl: -12.3 },
      ]),
    ).toEqual(['BUY 1,500 @ 101.25', 'SELL 100 @ 99.50  P&L -$12.30']);
  });
});

describe('equity and drawdown', () => {
  it('computes drawdown from the running peak, NaN as a gap', () => {
    const dd = computeDrawdown(new Float64Array([100, 110, 99, Number.NaN, 121, 110]));
    expect(Array.from(dd).map((x) => (Number.isNaN(x) ? 'gap' : Number(x.toFixed(4))))).toEqual([
      0,
      0,
      -0.1,
      'gap',
      0,
      -0.0909,
    ]);
  });

  it('plots drawdown as a negative area whatever the sign of the input', () => {
    const time = new Float64Array([T0, T0 + MIN, T0 + 2 * MIN]);
    expect(drawdownToLine(time, new Float64Array([0, 0.1, -0.2]))).toEqual([
      { time: T0 / 1000, value: 0 },
      { time: T0 / 1000 + 60, value: -0.1 },
      { time: T0 / 1000 + 120, value: -0.2 },
    ]);
  });
});

describe('withAlpha', () => {
  it('adds opacity to theme colours', () => {
    expect(withAlpha('#26a69a', 0.5)).toBe('rgba(38, 166, 154, 0.5)');
    expect(withAlpha('#fff', 0.2)).toBe('rgba(255, 255, 255, 0.2)');
    expect(withAlpha('rgb(1, 2, 3)', 0.3)).toBe('rgba(1, 2, 3, 0.3)');
    expect(withAlpha('red', 0.3)).toBe('red');
  });
});

describe('minBarSpacingToFit: a chart asked to show the whole run can', () => {
  it('20,000 1-minute bars in a 340 px chart: a floor far below the default 0.5 px, with room for a narrower window', () => {
    const floor = minBarSpacingToFit(340, 20_000);
    expect(floor * 20_000).toBeLessThanOrEqual(340 / 2);
    expect(floor).toBeGreaterThan(0);
  });

  it('a short run keeps the default floor', () => {
    expect(minBarSpacingToFit(800, 756)).toBe(0.5);
  });

  it('no width or no points yet: the default', () => {
    expect(minBarSpacingToFit(0, 20_000)).toBe(0.5);
    expect(minBarSpacingToFit(340, 0)).toBe(0.5);
  });
});

describe('the bars shown for a focused trade', () => {
  it('pads each side by a third of the trade, at least 20 bars, so entry and exit are both in view', () => {
    expect(focusSpan(1000, 1300)).toEqual({ from: 900, to: 1400 });
    expect(focusSpan(50, 52)).toEqual({ from: 30, to: 72 });
    // An open position: entry only.
    expect(focusSpan(7, 7, 10)).toEqual({ from: -3, to: 17 });
    // Given the other way round (a fill before its entry never happens, but the span stays whole).
    expect(focusSpan(1300, 1000)).toEqual({ from: 900, to: 1400 });
  });
});
