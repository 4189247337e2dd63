import { describe, expect, it } from 'vitest';
import { indicatorWarmupBars } from '../../../src/main/charts/indicator-lines';
import {
  atTimeframe,
  chartSource,
  chartWindow,
  newestWindow,
  seriesOfColumns,
} from '../../../src/main/charts/run-chart';
import { aggregateBars } from '../../../src/main/feeds/aggregate';
import { generateSeries } from '../../../src/main/feeds/synthetic';

const SMA_10 = { kind: 'sma', period: 10, pane: 'price' } as const;

describe('a run chart: bars and lines at a timeframe, windowed', () => {
  const series = generateSeries('ACME', { seed: 3, bars: 390 * 2, timeframe: '1m' });

  it('the whole of the columns goes as it is; a window is a copy of its part', () => {
    const source = chartSource(series, [SMA_10]);

    const whole = chartWindow(source, 0, series.length);
    const part = chartWindow(source, 100, 250);

    expect(whole.close).toBe(series.close);
    expect(whole.indicators[0]!.lines[0]!.values).toBe(source.lines[0]!.lines[0]!.values);
    expect(part.length).toBe(150);
    expect(part.time.buffer).not.toBe(series.time.buffer);
    expect(Array.from(part.close)).toEqual(Array.from(series.close.subarray(100, 250)));
    expect(part.indicators[0]!.lines[0]!.values[0]).toBe(source.lines[0]!.lines[0]!.values[100]);
  });

  it("at the run's own timeframe the source is unchanged; a coarser one aggregates and samples", () => {
    const source = chartSource(series, [SMA_10]);

    expect(atTimeframe(source, undefined, 'us-equities')).toBe(source);
    expect(atTimeframe(source, '1m', 'us-equities')).toBe(source);
    const coarse = atTimeframe(source, '5m', 'us-equities');

    expect(Array.from(coarse.bars.close)).toEqual(
      Array.from(aggregateBars(series, '5m', 'us-equities').close),
    );
    expect(coarse.lines[0]!.lines[0]!.values[7]).toBe(source.lines[0]!.lines[0]!.values[5 * 7 + 4]);
  });

  it('the newest bars, however few there are', () => {
    const source = chartSource(series, [SMA_10]);

    const newest = newestWindow(source, 50);
    const all = newestWindow(source, 10_000);

    expect(newest.length).toBe(50);
    expect(newest.time[49]).toBe(series.time[series.length - 1]);
    expect(all.length).toBe(series.length);
  });

  it("a session's stored number columns make a series; an empty one a chart without bars", () => {
    const columns = { time: [1, 2], open: [3, 4], high: [5, 6], low: [1, 2], close: [4, 5], volume: [9, 9] };

    const stored = seriesOfColumns('ACME', '1m', columns);
    const none = newestWindow(
      chartSource(
        seriesOfColumns('ACME', '1m', { time: [], open: [], high: [], low: [], close: [], volume: [] }),
        [],
      ),
      0,
    );

    expect(stored).toMatchObject({ symbol: 'ACME', timeframe: '1m', length: 2 });
    expect(Array.from(stored.close)).toEqual([4, 5]);
    expect(none.length).toBe(0);
    expect(none.indicators).toEqual([]);
  });

  it('indicators settle over twenty lookbacks before the shown bars', () => {
    expect(indicatorWarmupBars([SMA_10, { kind: 'rsi', period: 14, pane: 'lower' }])).toBe(280);
    expect(indicatorWarmupBars([])).toBe(0);
  });
});
