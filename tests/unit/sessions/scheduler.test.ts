import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateBars } from '../../../src/main/feeds/aggregate';
import { isMarketOpen, nextClose, nextOpen, sessionFor } from '../../../src/main/market/calendar';
import {
  type BarCloseEvent,
  barSchedule,
  barSlotAt,
  barSlotsClosingBetween,
  createBarCloseTimer,
  nextBarClose,
  nextBarSlot,
} from '../../../src/main/sessions/scheduler';
import type { BarSeries, Timeframe } from '../../../src/shared/domain/bars';
import { FakeClock } from './fake-clock';

const utc = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const MINUTE = 60_000;

function run(calendar: 'us-equities' | 'crypto', timeframe: Timeframe, from: string, to: string) {
  const clock = new FakeClock(utc(from));
  const events: BarCloseEvent[] = [];
  const timer = createBarCloseTimer({
    calendar,
    timeframe,
    clock,
    onBarClose: (event) => events.push(event),
  });
  clock.advanceTo(utc(to));
  return { events, timer, clock };
}

describe('nextBarClose', () => {
  it('equities 1h buckets start at 09:30; the last one is 15:30–16:00', () => {
    const closes = barSlotsClosingBetween(
      'us-equities',
      '1h',
      utc('2024-03-12T00:00:00Z'),
      utc('2024-03-13T00:00:00Z'),
    );
    expect(closes.map((slot) => iso(slot.close))).toEqual([
      '2024-03-12T14:30:00.000Z',
      '2024-03-12T15:30:00.000Z',
      '2024-03-12T16:30:00.000Z',
      '2024-03-12T17:30:00.000Z',
      '2024-03-12T18:30:00.000Z',
      '2024-03-12T19:30:00.000Z',
      '2024-03-12T20:00:00.000Z',
    ]);
    expect(closes.map((slot) => slot.lastOfSession)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
    expect(iso(closes[6]!.start)).toBe('2024-03-12T19:30:00.000Z');
  });

  it('strictly after: at a close, the next one', () => {
    expect(iso(nextBarClose('us-equities', '5m', utc('2024-03-12T13:35:00Z')))).toBe(
      '2024-03-12T13:40:00.000Z',
    );
    expect(iso(nextBarClose('us-equities', '5m', utc('2024-03-12T13:34:59Z')))).toBe(
      '2024-03-12T13:35:00.000Z',
    );
    expect(iso(nextBarClose('us-equities', '5m', utc('2024-03-12T20:00:00Z')))).toBe(
      '2024-03-13T13:35:00.000Z',
    );
  });

  it('across a weekend, a holiday and an early close', () => {
    // Friday close → Monday's first 15m bar.
    expect(iso(nextBarClose('us-equities', '15m', utc('2024-03-08T21:00:00Z')))).toBe(
      '2024-03-11T13:45:00.000Z',
    );
    // Wednesday before Thanksgiving → Friday (early close), where the last 1h bucket is 12:30–13:00 New York.
    const friday = barSlotsClosingBetween(
      'us-equities',
      '1h',
      utc('2024-11-27T21:00:00Z'),
      utc('2024-11-30T00:00:00Z'),
    );
    expect(friday.map((slot) => iso(slot.close))).toEqual([
      '2024-11-29T15:30:00.000Z',
      '2024-11-29T16:30:00.000Z',
      '2024-11-29T17:30:00.000Z',
      '2024-11-29T18:00:00.000Z',
    ]);
    expect(iso(friday[3]!.start)).toBe('2024-11-29T17:30:00.000Z');
    expect(friday[3]!.lastOfSession).toBe(true);
  });

  it('1D closes at the session close, stamped like the aggregator’s daily bar', () => {
    const slot = barSchedule('us-equities', '1D').nextBar(utc('2024-11-29T14:00:00Z'));
    expect(iso(slot.close)).toBe('2024-11-29T18:00:00.000Z');
    expect(iso(slot.barTime)).toBe('2024-11-29T00:00:00.000Z');
    expect(iso(nextBarClose('crypto', '1D', utc('2024-11-29T14:00:00Z')))).toBe('2024-11-30T00:00:00.000Z');
  });

  it('crypto buckets are UTC-aligned, every day', () => {
    expect(iso(nextBarClose('crypto', '1h', utc('2024-12-25T03:10:00Z')))).toBe('2024-12-25T04:00:00.000Z');
    expect(barSlotAt('crypto', '5m', utc('2024-12-25T03:12:00Z'))?.start).toBe(utc('2024-12-25T03:10:00Z'));
  });

  it('no bar while the market is closed', () => {
    expect(barSlotAt('us-equities', '5m', utc('2024-11-28T15:00:00Z'))).toBeNull();
    expect(barSlotAt('us-equities', '5m', utc('2024-03-12T13:29:00Z'))).toBeNull();
    expect(barSlotAt('us-equities', '5m', utc('2024-03-12T20:00:00Z'))).toBeNull();
  });

  it('buckets and stamps agree with the aggregator on ordinary days', () => {
    const times: number[] = [];
    for (let t = utc('2024-03-07T14:30:00Z'); t < utc('2024-03-12T20:00:00Z'); t += MINUTE) {
      if (isMarketOpen('us-equities', t)) times.push(t);
    }
    const column = () => Float64Array.from(times, () => 100);
    const series: BarSeries = {
      symbol: 'T',
      timeframe: '1m',
      time: Float64Array.from(times),
      open: column(),
      high: column(),
      low: column(),
      close: column(),
      volume: column(),
      length: times.length,
    };
    for (const timeframe of ['5m', '15m', '1h', '1D'] as const) {
      const aggregated = aggregateBars(series, timeframe, 'us-equities');
      const slots = barSlotsClosingBetween(
        'us-equities',
        timeframe,
        times[0]! - 1,
        times[times.length - 1]! + MINUTE,
      );
      expect(
        slots.map((slot) => slot.barTime),
        timeframe,
      ).toEqual(Array.from(aggregated.time));
    }
  });
});

describe('createBarCloseTimer with a fake clock', () => {
  it('fires at each close of a day, and nothing overnight', () => {
    const { events, clock } = run('us-equities', '1h', '2024-03-12T00:00:00Z', '2024-03-13T13:00:00Z');
    expect(events.map((event) => iso(event.firedAt))).toEqual([
      '2024-03-12T14:30:00.000Z',
      '2024-03-12T15:30:00.000Z',
      '2024-03-12T16:30:00.000Z',
      '2024-03-12T17:30:00.000Z',
      '2024-03-12T18:30:00.000Z',
      '2024-03-12T19:30:00.000Z',
      '2024-03-12T20:00:00.000Z',
    ]);
    expect(events.every((event) => event.firedAt === event.close && event.missed === 0)).toBe(true);
    expect(clock.pending).toBe(1);
  });

  it('never fires on a weekend or a holiday, or after an early close; each close ends a bar inside a session', () => {
    // Wednesday before Thanksgiving to the Monday after: Thanksgiving, the early close and the weekend.
    const { events } = run('us-equities', '5m', '2024-11-27T12:00:00Z', '2024-12-03T00:00:00Z');
    const days = new Set(events.map((event) => iso(event.firedAt).slice(0, 10)));
    expect([...days]).toEqual(['2024-11-27', '2024-11-29', '2024-12-02']);
    for (const event of events) {
      const session = sessionFor('us-equities', event.start)!;
      expect(event.start).toBeGreaterThanOrEqual(session.open);
      expect(event.close).toBeLessThanOrEqual(session.close);
      expect(isMarketOpen('us-equities', event.close - 1)).toBe(true);
    }
    const friday = events.filter((event) => iso(event.firedAt).startsWith('2024-11-29'));
    expect(friday.length).toBe(42); // 09:30–13:00 in 5 minutes
    expect(iso(friday[friday.length - 1]!.firedAt)).toBe('2024-11-29T18:00:00.000Z');
    expect(events.filter((event) => event.lastOfSession).length).toBe(3);
    expect(events.length).toBe(78 + 42 + 78);
  });

  it('follows the DST changes: 14:30Z before, 13:30Z after in March; the reverse in November', () => {
    const march = run('us-equities', '1D', '2024-03-08T00:00:00Z', '2024-03-12T00:00:00Z').events;
    expect(march.map((event) => iso(event.close))).toEqual([
      '2024-03-08T21:00:00.000Z',
      '2024-03-11T20:00:00.000Z',
    ]);
    const first = run('us-equities', '1h', '2024-11-01T00:00:00Z', '2024-11-05T00:00:00Z').events;
    expect(
      first
        .map((event) => iso(event.start))
        .filter((time) => time.endsWith('30:00.000Z'))
        .slice(0, 1),
    ).toEqual(['2024-11-01T13:30:00.000Z']);
    const monday = first.filter((event) => iso(event.close).startsWith('2024-11-04'));
    expect(iso(monday[0]!.start)).toBe('2024-11-04T14:30:00.000Z');
    expect(iso(monday[monday.length - 1]!.close)).toBe('2024-11-04T21:00:00.000Z');
  });

  it('crypto fires around the clock, weekends and holidays included', () => {
    const { events } = run('crypto', '1h', '2024-12-24T22:30:00Z', '2024-12-26T00:00:00Z');
    expect(events.length).toBe(26);
    expect(iso(events[0]!.close)).toBe('2024-12-24T23:00:00.000Z');
  });

  it('after a sleep it fires once, for the latest close, and counts the missed ones', () => {
    const clock = new FakeClock(utc('2024-03-12T14:00:00Z'));
    const events: BarCloseEvent[] = [];
    createBarCloseTimer({
      calendar: 'us-equities',
      timeframe: '1h',
      clock,
      onBarClose: (event) => events.push(event),
    });
    clock.sleepUntil(utc('2024-03-12T17:45:00Z'));
    expect(events.length).toBe(1);
    expect(events[0]).toMatchObject({
      close: utc('2024-03-12T17:30:00Z'),
      missed: 3,
      firedAt: utc('2024-03-12T17:45:00Z'),
    });
    clock.advanceTo(utc('2024-03-12T18:30:00Z'));
    expect(events.length).toBe(2);
  });

  it('stops, also from inside onBarClose, and a timer that fires early waits for the rest', () => {
    const clock = new FakeClock(utc('2024-03-12T14:00:00Z'));
    let count = 0;
    const timer = createBarCloseTimer({
      calendar: 'us-equities',
      timeframe: '15m',
      clock,
      onBarClose: () => {
        count++;
        if (count === 2) timer.stop();
      },
    });
    expect(iso(timer.nextClose!)).toBe('2024-03-12T14:15:00.000Z');
    clock.advanceTo(utc('2024-03-12T20:00:00Z'));
    expect(count).toBe(2);
    expect(timer.nextClose).toBeNull();
    expect(clock.pending).toBe(0);
    timer.stop();

    const early: {
      now: () => number;
      setTimeout: (fn: () => void, ms: number) => unknown;
      clearTimeout: () => void;
    } = {
      now: () => now,
      setTimeout: (fn, ms) => {
        pending.push({ fn, ms });
        return pending.length;
      },
      clearTimeout: () => {},
    };
    let now = utc('2024-03-12T14:00:00Z');
    const pending: { fn: () => void; ms: number }[] = [];
    const fired: number[] = [];
    createBarCloseTimer({
      calendar: 'us-equities',
      timeframe: '15m',
      clock: early,
      onBarClose: (e) => fired.push(e.close),
    });
    expect(pending[0]!.ms).toBe(15 * MINUTE);
    now += 15 * MINUTE - 2; // fires 2 ms early
    pending[0]!.fn();
    expect(fired).toEqual([]);
    expect(pending[1]!.ms).toBe(2);
    now += 2;
    pending[1]!.fn();
    expect(fired).toEqual([utc('2024-03-12T14:15:00Z')]);
  });
});

describe('properties over 2020–2030', () => {
  const anyTime = fc.integer({ min: utc('2020-01-01T00:00:00Z'), max: utc('2030-12-31T00:00:00Z') });
  const anyTimeframe = fc.constantFrom<Timeframe>('1m', '5m', '15m', '1h', '1D');

  it('the next bar closes after now, inside a session, and no bar closes in between', () => {
    fc.assert(
      fc.property(anyTime, anyTimeframe, (t, timeframe) => {
        const slot = nextBarSlot('us-equities', timeframe, t);
        expect(slot.close).toBeGreaterThan(t);
        expect(slot.start).toBeLessThan(slot.close);
        expect(isMarketOpen('us-equities', slot.start)).toBe(true);
        expect(isMarketOpen('us-equities', slot.close - 1)).toBe(true);
        const open = barSlotAt('us-equities', timeframe, t);
        if (open !== null) expect(open).toEqual(slot);
      }),
      { numRuns: 2000 },
    );
  });

  it('the market opens at nextOpen and was closed just before; it closes at nextClose', () => {
    fc.assert(
      fc.property(anyTime, (t) => {
        const opens = nextOpen('us-equities', t);
        const closes = nextClose('us-equities', t);
        expect(opens).toBeGreaterThan(t);
        expect(isMarketOpen('us-equities', opens)).toBe(true);
        expect(isMarketOpen('us-equities', opens - 1)).toBe(false);
        expect(isMarketOpen('us-equities', closes - 1)).toBe(true);
        expect(isMarketOpen('us-equities', closes)).toBe(false);
        expect(closes < opens || !isMarketOpen('us-equities', t)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
