import { describe, expect, it } from 'vitest';
import {
  addTradingDays,
  isMarketOpen,
  isTradingDay,
  marketStatus,
  nextClose,
  nextOpen,
  sessionFor,
  sessionOnDay,
  tradingDayStart,
} from '../../../src/main/market/calendar';
import { dayFromIsoDate, easterSunday, isoDate, nyseYear } from '../../../src/main/market/nyse-holidays';
import { NYSE_EARLY_CLOSES, NYSE_HOLIDAYS } from './nyse-calendar-table';

const utc = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('NYSE holidays and early closes from the rules', () => {
  for (let year = 2020; year <= 2030; year++) {
    it(`${year}: every holiday and early close matches the published calendar`, () => {
      const computed = nyseYear(year);
      expect(computed.holidays.map((holiday) => holiday.date)).toEqual(NYSE_HOLIDAYS[year]);
      expect(computed.earlyCloses.map((close) => close.date)).toEqual(NYSE_EARLY_CLOSES[year]);
    });
  }

  it('every weekday of 2020–2030 that is not in the table is a trading day with a 16:00 close', () => {
    const holidays = new Set(Object.values(NYSE_HOLIDAYS).flat());
    const early = new Set(Object.values(NYSE_EARLY_CLOSES).flat());
    let tradingDays = 0;
    for (let day = dayFromIsoDate('2020-01-01'); day <= dayFromIsoDate('2030-12-31'); day++) {
      const date = isoDate(day);
      const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
      const expected = weekday !== 0 && weekday !== 6 && !holidays.has(date);
      expect(isTradingDay('us-equities', day), date).toBe(expected);
      const session = sessionOnDay('us-equities', date);
      expect(session !== null, date).toBe(expected);
      if (session !== null) {
        tradingDays++;
        expect(session.earlyClose, date).toBe(early.has(date));
        expect(session.close - session.open, date).toBe((early.has(date) ? 3.5 : 6.5) * 3_600_000);
      }
    }
    // 252 ± a few trading days a year.
    expect(tradingDays / 11).toBeGreaterThan(249);
    expect(tradingDays / 11).toBeLessThan(254);
  });

  it('names holidays in the trader’s words, with (observed) when moved off a weekend', () => {
    const names = Object.fromEntries(nyseYear(2027).holidays.map((holiday) => [holiday.date, holiday.name]));
    expect(names['2027-03-26']).toBe('Good Friday');
    expect(names['2027-06-18']).toBe('Juneteenth (observed)');
    expect(names['2027-07-05']).toBe('Independence Day (observed)');
    expect(names['2027-12-24']).toBe('Christmas Day (observed)');
    expect(nyseYear(2024).earlyCloses.map((close) => close.name)).toEqual([
      'Independence Day eve',
      'day after Thanksgiving',
      'Christmas Eve',
    ]);
  });

  it('the Saturday rule: a Saturday New Year is not observed on the Friday before, other Saturday holidays are', () => {
    expect(isTradingDay('us-equities', '2021-12-31')).toBe(true);
    expect(isTradingDay('us-equities', '2027-12-31')).toBe(true);
    expect(isTradingDay('us-equities', '2020-07-03')).toBe(false);
    expect(isTradingDay('us-equities', '2021-12-24')).toBe(false);
  });

  it('Juneteenth closes the market from 2022 only; MLK day from 1998', () => {
    expect(isTradingDay('us-equities', '2021-06-18')).toBe(true);
    expect(isTradingDay('us-equities', '2022-06-20')).toBe(false);
    expect(isTradingDay('us-equities', '1997-01-20')).toBe(true);
    expect(isTradingDay('us-equities', '1998-01-19')).toBe(false);
  });

  it('one-off closures from the table', () => {
    for (const date of ['2001-09-11', '2001-09-14', '2012-10-29', '2012-10-30', '2018-12-05', '2025-01-09']) {
      expect(isTradingDay('us-equities', date), date).toBe(false);
    }
    expect(nyseYear(2018).holidays.find((holiday) => holiday.date === '2018-12-05')?.name).toMatch(/Bush/);
  });

  it('Easter by the computus, including its extreme dates', () => {
    const easter = (year: number) => isoDate(easterSunday(year));
    expect(easter(2024)).toBe('2024-03-31');
    expect(easter(2025)).toBe('2025-04-20');
    expect(easter(2008)).toBe('2008-03-23');
    expect(easter(2038)).toBe('2038-04-25'); // the latest possible date
    expect(easter(2285)).toBe('2285-03-22'); // the earliest possible date
  });

  it('rules hold for any year: far-future holidays are on weekdays and in the right months', () => {
    for (let year = 2031; year <= 2100; year++) {
      const { holidays, earlyCloses } = nyseYear(year);
      expect(holidays.length).toBeGreaterThanOrEqual(9);
      for (const day of [...holidays, ...earlyCloses]) {
        const weekday = new Date(`${day.date}T12:00:00Z`).getUTCDay();
        expect(weekday, day.date).not.toBe(0);
        expect(weekday, day.date).not.toBe(6);
      }
    }
  });

  it('dates must be real', () => {
    expect(() => isTradingDay('us-equities', '2024-02-30')).toThrow('no such date: 2024-02-30');
    expect(() => isTradingDay('us-equities', '24-01-01')).toThrow(RangeError);
  });
});

describe('sessions and DST', () => {
  it('the open is 14:30Z in winter and 13:30Z in summer, across the March and November changes', () => {
    // 2024-03-10 and 2024-11-03 are the Sundays of the changes.
    expect(iso(sessionOnDay('us-equities', '2024-03-08')!.open)).toBe('2024-03-08T14:30:00.000Z');
    expect(iso(sessionOnDay('us-equities', '2024-03-08')!.close)).toBe('2024-03-08T21:00:00.000Z');
    expect(iso(sessionOnDay('us-equities', '2024-03-11')!.open)).toBe('2024-03-11T13:30:00.000Z');
    expect(iso(sessionOnDay('us-equities', '2024-03-11')!.close)).toBe('2024-03-11T20:00:00.000Z');
    expect(iso(sessionOnDay('us-equities', '2024-11-01')!.open)).toBe('2024-11-01T13:30:00.000Z');
    expect(iso(sessionOnDay('us-equities', '2024-11-04')!.open)).toBe('2024-11-04T14:30:00.000Z');
    expect(iso(nextOpen('us-equities', utc('2024-03-08T21:00:00Z')))).toBe('2024-03-11T13:30:00.000Z');
    expect(iso(nextOpen('us-equities', utc('2024-11-01T20:00:00Z')))).toBe('2024-11-04T14:30:00.000Z');
  });

  it('an early close ends at 13:00 New York', () => {
    const session = sessionFor('us-equities', utc('2024-11-29T15:00:00Z'))!;
    expect(session).toMatchObject({
      date: '2024-11-29',
      earlyClose: true,
      earlyCloseReason: 'day after Thanksgiving',
    });
    expect(iso(session.close)).toBe('2024-11-29T18:00:00.000Z');
    expect(isMarketOpen('us-equities', utc('2024-11-29T17:59:59Z'))).toBe(true);
    expect(isMarketOpen('us-equities', utc('2024-11-29T18:00:00Z'))).toBe(false);
    // July 3, 2024 is in summer time: 13:00 EDT is 17:00Z.
    expect(iso(sessionOnDay('us-equities', '2024-07-03')!.close)).toBe('2024-07-03T17:00:00.000Z');
  });

  it('sessionFor gives the trading day of New York, even late in the UTC evening', () => {
    // 22:00 EST on Friday is 03:00Z on Saturday.
    expect(sessionFor('us-equities', utc('2024-03-09T03:00:00Z'))?.date).toBe('2024-03-08');
    expect(sessionFor('us-equities', utc('2024-03-09T06:00:00Z'))).toBeNull();
    expect(sessionFor('us-equities', utc('2024-11-28T15:00:00Z'))).toBeNull();
  });

  it('the session is half-open: open at the open, closed at the close', () => {
    expect(isMarketOpen('us-equities', utc('2024-03-11T13:29:59.999Z'))).toBe(false);
    expect(isMarketOpen('us-equities', utc('2024-03-11T13:30:00Z'))).toBe(true);
    expect(isMarketOpen('us-equities', utc('2024-03-11T19:59:59.999Z'))).toBe(true);
    expect(isMarketOpen('us-equities', utc('2024-03-11T20:00:00Z'))).toBe(false);
  });
});

describe('next open and close', () => {
  it('while open: the next open is tomorrow’s, the next close today’s', () => {
    const t = utc('2024-03-12T15:00:00Z');
    expect(iso(nextOpen('us-equities', t))).toBe('2024-03-13T13:30:00.000Z');
    expect(iso(nextClose('us-equities', t))).toBe('2024-03-12T20:00:00.000Z');
  });

  it('across a weekend and a holiday: Thanksgiving Wednesday evening to Friday’s early session', () => {
    const t = utc('2024-11-27T22:00:00Z');
    expect(iso(nextOpen('us-equities', t))).toBe('2024-11-29T14:30:00.000Z');
    expect(iso(nextClose('us-equities', t))).toBe('2024-11-29T18:00:00.000Z');
    // Good Friday, then the weekend.
    expect(iso(nextOpen('us-equities', utc('2024-03-28T21:00:00Z')))).toBe('2024-04-01T13:30:00.000Z');
  });

  it('crypto neither opens nor closes', () => {
    expect(nextOpen('crypto', utc('2024-03-12T15:00:00Z'))).toBeNull();
    expect(nextClose('crypto', utc('2024-03-12T15:00:00Z'))).toBeNull();
    expect(isMarketOpen('crypto', utc('2024-12-25T03:00:00Z'))).toBe(true);
    expect(isTradingDay('crypto', '2024-12-25')).toBe(true);
    expect(sessionFor('crypto', utc('2024-12-25T03:00:00Z'))).toMatchObject({
      date: '2024-12-25',
      open: utc('2024-12-25T00:00:00Z'),
      close: utc('2024-12-26T00:00:00Z'),
      earlyClose: false,
    });
  });
});

describe('tradingDayStart: when day-start equity resets', () => {
  it('equities: at the session open, and it stays there through the evening, the weekend and holidays', () => {
    expect(iso(tradingDayStart('us-equities', utc('2024-03-12T13:30:00Z')))).toBe('2024-03-12T13:30:00.000Z');
    expect(iso(tradingDayStart('us-equities', utc('2024-03-12T13:29:59Z')))).toBe('2024-03-11T13:30:00.000Z');
    expect(iso(tradingDayStart('us-equities', utc('2024-03-12T23:00:00Z')))).toBe('2024-03-12T13:30:00.000Z');
    // Saturday after the March change: Friday's winter open.
    expect(iso(tradingDayStart('us-equities', utc('2024-03-09T15:00:00Z')))).toBe('2024-03-08T14:30:00.000Z');
    expect(iso(tradingDayStart('us-equities', utc('2024-11-28T15:00:00Z')))).toBe('2024-11-27T14:30:00.000Z');
  });

  it('crypto: at 00:00 UTC', () => {
    expect(iso(tradingDayStart('crypto', utc('2024-03-12T23:59:59Z')))).toBe('2024-03-12T00:00:00.000Z');
    expect(iso(tradingDayStart('crypto', utc('2024-03-13T00:00:00Z')))).toBe('2024-03-13T00:00:00.000Z');
  });
});

describe('marketStatus: what the top bar shows', () => {
  it.each([
    ['2024-03-12T15:00:00Z', 'open', 'open, closes 16:00'],
    ['2024-03-12T12:00:00Z', 'pre', 'pre-market, opens 09:30'],
    ['2024-03-12T05:00:00Z', 'closed', 'closed, opens 09:30'],
    ['2024-03-12T21:00:00Z', 'post', 'after hours, opens Wed 09:30'],
    ['2024-03-13T01:00:00Z', 'closed', 'closed, opens Wed 09:30'],
    ['2024-11-28T15:00:00Z', 'holiday', 'closed for Thanksgiving Day, opens Fri 09:30'],
    ['2024-11-29T15:00:00Z', 'open', 'open, closes 13:00 (early close: day after Thanksgiving)'],
    ['2024-11-29T19:00:00Z', 'post', 'after hours, opens Mon 09:30'],
    ['2024-11-29T23:00:00Z', 'closed', 'closed, opens Mon 09:30'],
    ['2024-03-09T15:00:00Z', 'weekend', 'weekend, opens Mon 09:30'],
    ['2024-12-25T15:00:00Z', 'holiday', 'closed for Christmas Day, opens Thu 09:30'],
    ['2001-09-11T15:00:00Z', 'holiday', 'closed for September 11 attacks, opens Mon 09:30'],
  ])('at %s: %s, "%s"', (time, state, label) => {
    const status = marketStatus('us-equities', utc(time));
    expect(status.state).toBe(state);
    expect(status.label).toBe(label);
  });

  it('carries the next open and close, and the reason', () => {
    const holiday = marketStatus('us-equities', utc('2024-11-28T15:00:00Z'));
    expect(holiday.reason).toBe('Thanksgiving Day');
    expect(iso(holiday.nextOpen)).toBe('2024-11-29T14:30:00.000Z');
    expect(iso(holiday.nextClose)).toBe('2024-11-29T18:00:00.000Z');
    const open = marketStatus('us-equities', utc('2024-12-24T15:00:00Z'));
    expect(open).toMatchObject({ state: 'open', reason: 'Christmas Eve' });
    expect(iso(open.nextClose)).toBe('2024-12-24T18:00:00.000Z');
    expect(iso(open.nextOpen)).toBe('2024-12-26T14:30:00.000Z');
  });

  it('crypto is open 24/7', () => {
    expect(marketStatus('crypto', utc('2024-12-25T15:00:00Z'))).toEqual({
      state: 'open',
      nextOpen: null,
      nextClose: null,
      label: 'open 24/7',
    });
  });
});

describe('addTradingDays', () => {
  it('skips weekends and holidays, both ways', () => {
    expect(isoDate(addTradingDays('us-equities', '2024-11-27', 1))).toBe('2024-11-29');
    expect(isoDate(addTradingDays('us-equities', '2024-11-27', 2))).toBe('2024-12-02');
    expect(isoDate(addTradingDays('us-equities', '2024-12-02', -2))).toBe('2024-11-27');
    expect(isoDate(addTradingDays('crypto', '2024-11-27', 2))).toBe('2024-11-29');
    expect(() => addTradingDays('us-equities', '2024-11-27', 1.5)).toThrow(RangeError);
  });
});
