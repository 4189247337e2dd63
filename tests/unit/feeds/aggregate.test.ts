import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateBars, BarAggregator, type MarketCalendar } from '../../../src/main/feeds/aggregate';
import { generateSeries } from '../../../src/main/feeds/synthetic';
import { type Bar, type BarSeries, barAt, barProblem, type Timeframe } from '../../../src/shared/domain/bars';

const MINUTE = 60_000;
const utc = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

/** A series from bars given as [time, open, high, low, close, volume]. */
function series(
  rows: readonly (readonly [number, number, number, number, number, number])[],
  timeframe: Timeframe = '1m',
): BarSeries {
  const column = (k: number) => Float64Array.from(rows, (row) => row[k]!);
  return {
    symbol: 'TEST',
    timeframe,
    time: column(0),
    open: column(1),
    high: column(2),
    low: column(3),
    close: column(4),
    volume: column(5),
    length: rows.length,
  };
}

/** Flat 1m bars (price 100, volume 1) every minute in [from, to). */
function minutes(from: string, to: string): [number, number, number, number, number, number][] {
  const rows: [number, number, number, number, number, number][] = [];
  for (let t = utc(from); t < utc(to); t += MINUTE) rows.push([t, 100, 100, 100, 100, 1]);
  return rows;
}

function bars(result: BarSeries): Bar[] {
  return Array.from({ length: result.length }, (_, i) => barAt(result, i));
}

describe('aggregateBars: OHLCV rules', () => {
  it('open is the first, high the max, low the min, close the last, volume the sum', () => {
    // Friday 2024-03-08, New York on EST: 09:30 is 14:30Z.
    const source = series([
      [utc('2024-03-08T14:30:00Z'), 100, 101, 99.5, 100.5, 10],
      [utc('2024-03-08T14:31:00Z'), 100.5, 103, 100, 102, 20],
      [utc('2024-03-08T14:32:00Z'), 102, 102.5, 98, 99, 30],
      [utc('2024-03-08T14:33:00Z'), 99, 100, 98.5, 99.5, 40],
      [utc('2024-03-08T14:34:00Z'), 99.5, 101, 99, 100.25, 50],
      [utc('2024-03-08T14:35:00Z'), 100.25, 100.5, 100, 100.1, 60],
    ]);
    for (const calendar of ['us-equities', 'crypto'] as const) {
      const result = aggregateBars(source, '5m', calendar);
      expect(result.timeframe).toBe('5m');
      expect(bars(result)).toEqual([
        { time: utc('2024-03-08T14:30:00Z'), open: 100, high: 103, low: 98, close: 100.25, volume: 150 },
        { time: utc('2024-03-08T14:35:00Z'), open: 100.25, high: 100.5, low: 100, close: 100.1, volume: 60 },
      ]);
    }
  });

  it('a gap inside a bucket is fine: the bucket is stamped with its start, not its first bar', () => {
    const source = series([
      [utc('2024-03-08T14:47:00Z'), 100, 101, 99, 100, 1],
      [utc('2024-03-08T14:58:00Z'), 100, 102, 99, 101, 2],
    ]);
    const result = aggregateBars(source, '15m', 'us-equities');
    expect(bars(result).map((bar) => iso(bar.time))).toEqual(['2024-03-08T14:45:00.000Z']);
  });

  it('aggregating to a finer timeframe than the source is an error', () => {
    const source = series([[utc('2024-03-08T14:30:00Z'), 1, 1, 1, 1, 1]], '1h');
    expect(() => aggregateBars(source, '5m', 'us-equities')).toThrow(
      'cannot aggregate 1h bars to 5m: 5m is finer than the source',
    );
    expect(() => new BarAggregator({ from: '1D', to: '1h', calendar: 'crypto' })).toThrow(RangeError);
  });

  it('the same timeframe is a copy, keeping only session bars for equities', () => {
    const source = series([
      [utc('2024-03-08T14:29:00Z'), 1, 1, 1, 1, 1],
      [utc('2024-03-08T14:30:00Z'), 2, 2, 2, 2, 2],
    ]);
    expect(aggregateBars(source, '1m', 'us-equities').length).toBe(1);
    expect(aggregateBars(source, '1m', 'crypto').length).toBe(2);
  });
});

describe('aggregateBars: us-equities sessions', () => {
  it('1h buckets start at 09:30 and the last one is the half hour 15:30–16:00', () => {
    const source = series(minutes('2024-03-08T14:30:00Z', '2024-03-08T21:00:00Z'));
    const result = aggregateBars(source, '1h', 'us-equities');
    expect(bars(result).map((bar) => [iso(bar.time), bar.volume])).toEqual([
      ['2024-03-08T14:30:00.000Z', 60],
      ['2024-03-08T15:30:00.000Z', 60],
      ['2024-03-08T16:30:00.000Z', 60],
      ['2024-03-08T17:30:00.000Z', 60],
      ['2024-03-08T18:30:00.000Z', 60],
      ['2024-03-08T19:30:00.000Z', 60],
      ['2024-03-08T20:30:00.000Z', 30],
    ]);
  });

  it('pre-market and after-hours bars are dropped; a bucket never spans the close and the next open', () => {
    const source = series([
      [utc('2024-03-08T14:29:00Z'), 50, 50, 50, 50, 1000], // 09:29 EST: pre-market
      [utc('2024-03-08T20:59:00Z'), 100, 101, 99, 100, 1], // 15:59 EST
      [utc('2024-03-08T21:00:00Z'), 60, 60, 60, 60, 1000], // 16:00 EST: after hours
      [utc('2024-03-09T15:00:00Z'), 70, 70, 70, 70, 1000], // Saturday
      [utc('2024-03-11T13:30:00Z'), 102, 103, 101, 102, 2], // Monday 09:30 EDT
    ]);
    expect(bars(aggregateBars(source, '1h', 'us-equities'))).toEqual([
      { time: utc('2024-03-08T20:30:00Z'), open: 100, high: 101, low: 99, close: 100, volume: 1 },
      { time: utc('2024-03-11T13:30:00Z'), open: 102, high: 103, low: 101, close: 102, volume: 2 },
    ]);
    expect(
      bars(aggregateBars(source, '1D', 'us-equities')).map((bar) => [iso(bar.time), bar.volume]),
    ).toEqual([
      ['2024-03-08T00:00:00.000Z', 1],
      ['2024-03-11T00:00:00.000Z', 2],
    ]);
  });

  it('March DST week: Friday trades 14:30–21:00Z (EST), Monday 13:30–20:00Z (EDT); one 1D bar per day', () => {
    const source = series([
      ...minutes('2024-03-08T14:00:00Z', '2024-03-08T21:30:00Z'),
      ...minutes('2024-03-11T13:00:00Z', '2024-03-11T20:30:00Z'),
    ]);
    const daily = aggregateBars(source, '1D', 'us-equities');
    expect(bars(daily).map((bar) => [iso(bar.time), bar.volume])).toEqual([
      ['2024-03-08T00:00:00.000Z', 390],
      ['2024-03-11T00:00:00.000Z', 390],
    ]);
    const hourly = bars(aggregateBars(source, '1h', 'us-equities')).map((bar) => iso(bar.time));
    expect(hourly[0]).toBe('2024-03-08T14:30:00.000Z');
    expect(hourly[6]).toBe('2024-03-08T20:30:00.000Z');
    expect(hourly[7]).toBe('2024-03-11T13:30:00.000Z');
    expect(hourly[13]).toBe('2024-03-11T19:30:00.000Z');
    expect(hourly).toHaveLength(14);
  });

  it('November DST week: Friday trades 13:30–20:00Z (EDT), Monday 14:30–21:00Z (EST)', () => {
    const source = series([
      ...minutes('2024-11-01T13:00:00Z', '2024-11-01T21:30:00Z'),
      ...minutes('2024-11-04T13:00:00Z', '2024-11-04T21:30:00Z'),
    ]);
    const daily = aggregateBars(source, '1D', 'us-equities');
    expect(bars(daily).map((bar) => [iso(bar.time), bar.volume])).toEqual([
      ['2024-11-01T00:00:00.000Z', 390],
      ['2024-11-04T00:00:00.000Z', 390],
    ]);
    const fifteen = bars(aggregateBars(source, '15m', 'us-equities')).map((bar) => iso(bar.time));
    expect(fifteen).toHaveLength(52);
    expect(fifteen[0]).toBe('2024-11-01T13:30:00.000Z');
    expect(fifteen[25]).toBe('2024-11-01T19:45:00.000Z');
    expect(fifteen[26]).toBe('2024-11-04T14:30:00.000Z');
  });
});

describe('aggregateBars: crypto', () => {
  it('buckets are UTC-aligned and nothing is dropped; days split at 00:00 UTC', () => {
    const source = series([
      [utc('2024-03-09T23:58:00Z'), 10, 11, 9, 10, 1],
      [utc('2024-03-09T23:59:00Z'), 10, 12, 10, 11, 2],
      [utc('2024-03-10T00:00:00Z'), 11, 11, 8, 9, 3],
      [utc('2024-03-10T07:30:00Z'), 9, 10, 9, 10, 4],
    ]);
    expect(bars(aggregateBars(source, '1D', 'crypto'))).toEqual([
      { time: utc('2024-03-09T00:00:00Z'), open: 10, high: 12, low: 9, close: 11, volume: 3 },
      { time: utc('2024-03-10T00:00:00Z'), open: 11, high: 11, low: 8, close: 10, volume: 7 },
    ]);
    expect(bars(aggregateBars(source, '1h', 'crypto')).map((bar) => iso(bar.time))).toEqual([
      '2024-03-09T23:00:00.000Z',
      '2024-03-10T00:00:00.000Z',
      '2024-03-10T07:00:00.000Z',
    ]);
  });
});

function stream(source: BarSeries, to: Timeframe, calendar: MarketCalendar): Bar[] {
  const aggregator = new BarAggregator({ from: source.timeframe, to, calendar });
  const out: Bar[] = [];
  for (let i = 0; i < source.length; i++) out.push(...aggregator.push(barAt(source, i)));
  out.push(...aggregator.flush());
  return out;
}

describe('BarAggregator (streaming)', () => {
  it('a bucket is emitted as soon as its last bar arrives: the 09:34 bar completes the 09:30 5m bar', () => {
    const aggregator = new BarAggregator({ to: '5m', calendar: 'us-equities' });
    const at = (minute: number): Bar => ({
      time: utc('2024-03-08T14:30:00Z') + minute * MINUTE,
      open: 100,
      high: 110,
      low: 99,
      close: 100 + minute,
      volume: 1,
    });
    for (let minute = 0; minute < 4; minute++) expect(aggregator.push(at(minute))).toEqual([]);
    expect(aggregator.partial?.close).toBe(103);
    expect(aggregator.push(at(4))).toEqual([
      { time: utc('2024-03-08T14:30:00Z'), open: 100, high: 110, low: 99, close: 104, volume: 5 },
    ]);
    expect(aggregator.partial).toBeUndefined();
    expect(aggregator.push(at(5))).toEqual([]);
    // A quiet market: the clock closes the bucket when the bars stop coming.
    expect(aggregator.advanceTo(utc('2024-03-08T14:39:00Z'))).toEqual([]);
    expect(aggregator.advanceTo(utc('2024-03-08T14:40:00Z'))).toHaveLength(1);
  });

  it('a missing last minute: the bucket completes when the next bucket starts', () => {
    const aggregator = new BarAggregator({ to: '5m', calendar: 'crypto' });
    const bar = (minute: number): Bar => ({
      time: minute * MINUTE,
      open: 1,
      high: 1,
      low: 1,
      close: 1,
      volume: 1,
    });
    expect(aggregator.push(bar(0))).toEqual([]);
    expect(aggregator.push(bar(7))).toEqual([{ time: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 }]);
  });

  it('the after-hours bar completes the day even when the 15:59 bar is missing', () => {
    const aggregator = new BarAggregator({ to: '1D', calendar: 'us-equities' });
    const bar = (time: string): Bar => ({ time: utc(time), open: 1, high: 1, low: 1, close: 1, volume: 1 });
    expect(aggregator.push(bar('2024-03-08T20:57:00Z'))).toEqual([]);
    expect(aggregator.push(bar('2024-03-08T21:05:00Z'))).toHaveLength(1);
  });

  it('refuses an impossible candle and time going backwards', () => {
    const aggregator = new BarAggregator({ to: '5m', calendar: 'crypto' });
    aggregator.push({ time: 120_000, open: 1, high: 1, low: 1, close: 1, volume: 1 });
    expect(() => aggregator.push({ time: 60_000, open: 1, high: 1, low: 1, close: 1, volume: 1 })).toThrow(
      /not after the previous bar/,
    );
    expect(() => aggregator.push({ time: 180_000, open: 2, high: 1, low: 1, close: 1, volume: 1 })).toThrow(
      /high 1 is below max/,
    );
  });

  it.each([
    ['us-equities', '5m'],
    ['us-equities', '15m'],
    ['us-equities', '1h'],
    ['us-equities', '1D'],
    ['crypto', '5m'],
    ['crypto', '15m'],
    ['crypto', '1h'],
    ['crypto', '1D'],
  ] as const)('streaming equals batch: %s 1m → %s across the March DST change', (calendar, to) => {
    const source = generateSeries('BOLT', {
      seed: 7,
      bars: calendar === 'crypto' ? 4 * 1440 : 10 * 390,
      timeframe: '1m',
      calendar,
      start: utc('2024-03-06T00:00:00Z'),
    });
    const batch = bars(aggregateBars(source, to, calendar));
    expect(batch.length).toBeGreaterThan(0);
    expect(stream(source, to, calendar)).toEqual(batch);
  });

  it('streaming equals batch from 5m and 15m sources too (November DST change)', () => {
    for (const from of ['5m', '15m'] as const) {
      const source = generateSeries('ACME', {
        seed: 3,
        bars: 12 * (from === '5m' ? 78 : 26),
        timeframe: from,
        start: utc('2024-10-28T00:00:00Z'),
      });
      for (const to of ['15m', '1h', '1D'] as const) {
        expect(stream(source, to, 'us-equities')).toEqual(bars(aggregateBars(source, to, 'us-equities')));
      }
    }
  });
});

describe('aggregateBars: properties', () => {
  it('aggregated bars are valid candles, volume is preserved, first open and last close carry over (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constantFrom<Timeframe>('5m', '15m', '1h', '1D'),
        fc.constantFrom<MarketCalendar>('us-equities', 'crypto'),
        (seed, to, calendar) => {
          const source = generateSeries('X', { seed, bars: 2000, timeframe: '1m', calendar });
          const result = aggregateBars(source, to, calendar);
          let volume = 0;
          for (let i = 0; i < source.length; i++) volume += source.volume[i]!;
          let aggregated = 0;
          for (let i = 0; i < result.length; i++) {
            expect(barProblem(barAt(result, i), i > 0 ? result.time[i - 1] : undefined)).toBeUndefined();
            aggregated += result.volume[i]!;
          }
          expect(aggregated).toBeCloseTo(volume, 3);
          expect(result.open[0]).toBe(source.open[0]);
          expect(result.close[result.length - 1]).toBe(source.close[source.length - 1]);
        },
      ),
      { numRuns: 25 },
    );
  });
});
