import { describe, expect, it } from 'vitest';
import {
  isWeekday,
  newYorkDay,
  newYorkOffsetMs,
  newYorkTimeOfDay,
  newYorkWallToUtc,
  SESSION_OPEN_MS,
} from '../../../src/main/market/new-york-time';

const HOUR = 3_600_000;
const utc = (iso: string) => Date.parse(iso);
const day = (iso: string) => Math.floor(utc(iso) / 86_400_000);

describe('New York time', () => {
  it.each([
    ['2024-01-15T12:00:00Z', -5],
    ['2024-07-15T12:00:00Z', -4],
    // 2024-03-10: 02:00 EST becomes 03:00 EDT at 07:00Z.
    ['2024-03-10T06:59:59Z', -5],
    ['2024-03-10T07:00:00Z', -4],
    // 2024-11-03: 02:00 EDT becomes 01:00 EST at 06:00Z.
    ['2024-11-03T05:59:59Z', -4],
    ['2024-11-03T06:00:00Z', -5],
  ])('the offset at %s is %i h, also on the day of a change', (iso, hours) => {
    expect(newYorkOffsetMs(utc(iso))).toBe(hours * HOUR);
  });

  it('asking out of order does not confuse the per-day cache', () => {
    const winter = utc('2024-03-08T15:00:00Z');
    const summer = utc('2024-03-11T15:00:00Z');
    expect([winter, summer, winter, summer].map(newYorkOffsetMs)).toEqual([
      -5 * HOUR,
      -4 * HOUR,
      -5 * HOUR,
      -4 * HOUR,
    ]);
  });

  it('09:30 New York is 14:30Z in winter and 13:30Z in summer', () => {
    expect(new Date(newYorkWallToUtc(day('2024-03-08'), SESSION_OPEN_MS)).toISOString()).toBe(
      '2024-03-08T14:30:00.000Z',
    );
    expect(new Date(newYorkWallToUtc(day('2024-03-11'), SESSION_OPEN_MS)).toISOString()).toBe(
      '2024-03-11T13:30:00.000Z',
    );
    expect(new Date(newYorkWallToUtc(day('2024-11-01'), SESSION_OPEN_MS)).toISOString()).toBe(
      '2024-11-01T13:30:00.000Z',
    );
    expect(new Date(newYorkWallToUtc(day('2024-11-04'), SESSION_OPEN_MS)).toISOString()).toBe(
      '2024-11-04T14:30:00.000Z',
    );
  });

  it('late evening UTC is still the same New York date; weekdays are Monday to Friday', () => {
    expect(newYorkDay(utc('2024-03-09T02:00:00Z'))).toBe(day('2024-03-08'));
    expect(newYorkTimeOfDay(utc('2024-03-09T02:00:00Z'))).toBe(21 * HOUR);
    expect(isWeekday(day('2024-03-08'))).toBe(true);
    expect(isWeekday(day('2024-03-09'))).toBe(false);
    expect(isWeekday(day('2024-03-10'))).toBe(false);
    expect(isWeekday(day('2024-03-11'))).toBe(true);
  });
});
