import { describe, expect, it } from 'vitest';
import { aggregateBars } from '../../../src/main/feeds/aggregate';
import { bucketEndOf, bucketStartAt, lastFinishedLabel } from '../../../src/main/feeds/bar-buckets';
import { type BarGroup, LiveBarAssembler } from '../../../src/main/feeds/live-bar-assembler';
import { generateSeries } from '../../../src/main/feeds/synthetic';
import { newYorkDay } from '../../../src/main/market/new-york-time';
import type { Bar } from '../../../src/shared/domain/bars';

const MINUTE = 60_000;
const DAY = 86_400_000;
const utc = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

function minute(time: number, price: number, volume = 1): Bar {
  return { time, open: price, high: price + 1, low: price - 1, close: price + 0.5, volume };
}

/** The group times and symbols, for short asserts. */
function shape(groups: readonly BarGroup[]): string[] {
  return groups.map((g) => `${iso(g.time).slice(11, 16)} ${g.bars.map((b) => b.symbol).join('+')}`);
}

describe('LiveBarAssembler', () => {
  // Wednesday 2025-03-05, 10:00 New York = 15:00 UTC.
  const T = utc('2025-03-05T15:00:00Z');

  it('releases a 5m bar time once every symbol has its bar, with open first, close last, max/min, summed volume', () => {
    const assembler = new LiveBarAssembler({
      symbols: ['AAPL', 'MSFT'],
      timeframe: '5m',
      calendar: 'us-equities',
      graceMs: 5_000,
    });
    const out: BarGroup[] = [];
    for (let i = 0; i < 5; i++)
      out.push(...assembler.pushMinute('AAPL', minute(T + i * MINUTE, 100 + i, i + 1)));
    expect(out).toEqual([]); // MSFT has not sent its bar yet
    for (let i = 0; i < 5; i++) out.push(...assembler.pushMinute('MSFT', minute(T + i * MINUTE, 200 - i)));

    expect(shape(out)).toEqual(['15:00 AAPL+MSFT']);
    expect(out[0]!.bars[0]).toEqual({
      symbol: 'AAPL',
      time: T,
      open: 100,
      high: 105,
      low: 99,
      close: 104.5,
      volume: 15,
    });
    expect(out[0]!.bars[1]).toMatchObject({ open: 200, high: 201, low: 195, close: 196.5, volume: 5 });
  });

  it('a symbol without a bar: the bar time goes out after the grace period with the others, and only then', () => {
    const assembler = new LiveBarAssembler({
      symbols: ['AAPL', 'QUIET'],
      timeframe: '1m',
      calendar: 'us-equities',
      graceMs: 5_000,
    });
    expect(assembler.pushMinute('AAPL', minute(T, 100))).toEqual([]);

    expect(assembler.tick(T + MINUTE + 4_999)).toEqual([]);
    const released = assembler.tick(T + MINUTE + 5_000);

    expect(shape(released)).toEqual(['15:00 AAPL']);
    expect(assembler.tick(T + 10 * MINUTE)).toEqual([]); // each bar time once
  });

  it('a bucket whose last minute never came is completed by the grace period (advanceTo), not left open', () => {
    const assembler = new LiveBarAssembler({
      symbols: ['AAPL'],
      timeframe: '5m',
      calendar: 'us-equities',
      graceMs: 2_000,
    });
    for (let i = 0; i < 4; i++) assembler.pushMinute('AAPL', minute(T + i * MINUTE, 100 + i));

    expect(assembler.tick(T + 5 * MINUTE + 1_999)).toEqual([]);
    const [group] = assembler.tick(T + 5 * MINUTE + 2_000);

    expect(group!.bars[0]).toMatchObject({ time: T, open: 100, close: 103.5, volume: 4 });
  });

  it('a complete later bar time also releases the earlier incomplete one, in time order', () => {
    const assembler = new LiveBarAssembler({
      symbols: ['AAPL', 'MSFT'],
      timeframe: '1m',
      calendar: 'us-equities',
      graceMs: 60_000,
    });
    assembler.pushMinute('AAPL', minute(T, 100)); // MSFT had no trade at 15:00
    assembler.pushMinute('AAPL', minute(T + MINUTE, 101));
    const released = assembler.pushMinute('MSFT', minute(T + MINUTE, 201));

    expect(shape(released)).toEqual(['15:00 AAPL', '15:01 AAPL+MSFT']);
  });

  it('duplicates (a backfill overlapping the stream) are ignored; a bar after its time went out is counted late', () => {
    const assembler = new LiveBarAssembler({
      symbols: ['AAPL', 'MSFT'],
      timeframe: '1m',
      calendar: 'us-equities',
      graceMs: 1_000,
    });
    assembler.pushMinute('AAPL', minute(T, 100));
    assembler.pushMinute('MSFT', minute(T, 200));
    expect(assembler.pushMinute('AAPL', minute(T, 100))).toEqual([]);
    assembler.pushMinute('AAPL', minute(T + MINUTE, 101));
    expect(shape(assembler.tick(T + 2 * MINUTE + 1_000))).toEqual(['15:01 AAPL']);

    expect(assembler.pushMinute('MSFT', minute(T + MINUTE, 201))).toEqual([]);
    expect(assembler.lateBars).toBe(1);
    expect(assembler.lastMinuteOf('MSFT')).toBe(T + MINUTE);
    expect(assembler.lastReleased).toBe(T + MINUTE);
  });

  it('pre-market minutes are not part of any equity bar; crypto buckets are UTC-aligned', () => {
    const stocks = new LiveBarAssembler({
      symbols: ['AAPL'],
      timeframe: '5m',
      calendar: 'us-equities',
      graceMs: 0,
    });
    expect(stocks.pushMinute('AAPL', minute(utc('2025-03-05T14:29:00Z'), 100))).toEqual([]); // 09:29 New York
    expect(stocks.tick(utc('2025-03-05T14:40:00Z'))).toEqual([]);

    const crypto = new LiveBarAssembler({
      symbols: ['BTC/USD'],
      timeframe: '1h',
      calendar: 'crypto',
      graceMs: 0,
    });
    crypto.pushMinute('BTC/USD', minute(utc('2025-03-08T03:58:00Z'), 90_000)); // a Saturday: crypto trades
    expect(shape(crypto.tick(utc('2025-03-08T04:00:00Z')))).toEqual(['03:00 BTC/USD']);
  });
});

describe('bar buckets', () => {
  it('bucketStartAt and bucketEndOf agree with aggregateBars on a week of synthetic minutes', () => {
    const minutes = generateSeries('TEST', {
      bars: 5 * 390,
      timeframe: '1m',
      calendar: 'us-equities',
      start: utc('2025-03-03T14:30:00Z'),
      seed: 3,
    });
    for (const timeframe of ['5m', '15m', '1h', '1D'] as const) {
      const labels = Array.from(aggregateBars(minutes, timeframe, 'us-equities').time);
      const seen = new Set<number>();
      for (let i = 0; i < minutes.length; i++) {
        const time = minutes.time[i]!;
        const start = bucketStartAt(time, timeframe, 'us-equities')!;
        const label = timeframe === '1D' ? newYorkDay(time) * DAY : start;
        seen.add(label);
        expect(start).toBeLessThanOrEqual(time);
        expect(time + MINUTE, `${timeframe} ${iso(time)}`).toBeLessThanOrEqual(
          bucketEndOf(label, timeframe, 'us-equities'),
        );
      }
      expect([...seen], timeframe).toEqual(labels);
    }
    expect(bucketEndOf(utc('2025-03-05T20:30:00Z'), '1h', 'us-equities')).toBe(utc('2025-03-05T21:00:00Z'));
    expect(bucketEndOf(utc('2025-03-05T00:00:00Z'), '1D', 'us-equities')).toBe(utc('2025-03-05T21:00:00Z'));
    expect(bucketStartAt(utc('2025-03-08T15:00:00Z'), '5m', 'us-equities')).toBeUndefined(); // a Saturday
  });

  it('a bar counts as finished once its time is over; a daily bar once its date is', () => {
    const now = utc('2025-03-05T15:02:30Z');
    expect(lastFinishedLabel('1m', 'us-equities', now)).toBe(utc('2025-03-05T15:01:30Z'));
    expect(lastFinishedLabel('1D', 'us-equities', now)).toBe(utc('2025-03-04T00:00:00Z'));
    expect(lastFinishedLabel('1D', 'crypto', utc('2025-03-05T02:00:00Z'))).toBe(utc('2025-03-04T00:00:00Z'));
    // 02:00 UTC is still March 4 in New York: March 3 is the last finished day.
    expect(lastFinishedLabel('1D', 'us-equities', utc('2025-03-05T02:00:00Z'))).toBe(
      utc('2025-03-03T00:00:00Z'),
    );
  });
});
