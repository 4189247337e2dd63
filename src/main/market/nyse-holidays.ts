// NYSE full-day closures and 13:00 early closes, computed from the exchange's rules for any year plus a short table of
// one-off closures, so the calendar never runs out the way a copied list of dates does.
//
// Where the rules come from:
// - NYSE Rule 7.2 ("Holidays"): the exchange closes on New Year's Day, Martin Luther King Jr. Day, Washington's
//   Birthday, Good Friday, Memorial Day, Juneteenth National Independence Day, Independence Day, Labor Day,
//   Thanksgiving Day and Christmas Day. A holiday on a Sunday is observed the Monday after; one on a Saturday the
//   Friday before, except that a Saturday New Year's Day is not observed at all (the Friday before ends a monthly and
//   yearly accounting period, which Rule 7.2 names as the exception: 2021-12-31 and 2027-12-31 are trading days).
// - The federal holiday dates (5 U.S.C. 6103): MLK Day is the third Monday of January (NYSE closes since 1998),
//   Washington's Birthday the third Monday of February, Memorial Day the last Monday of May, Labor Day the first
//   Monday of September, Thanksgiving the fourth Thursday of November, Juneteenth June 19 (NYSE closes since 2022).
// - Good Friday: two days before Western (Gregorian) Easter Sunday, computed with the anonymous Gregorian computus
//   (Meeus/Jones/Butcher).
// - Early closes at 13:00, as in NYSE's yearly "Holidays and Trading Hours" notices: July 3 when it is Monday to
//   Thursday (when July 3 is a Friday it is the observed Independence Day; NYSE does not close early on July 2 or on
//   a Friday July 1 or 2), the day after Thanksgiving, and Christmas Eve when it is Monday to Thursday (a Friday
//   Christmas Eve is the observed Christmas holiday).
// - One-off closures are NYSE announcements: national days of mourning for former presidents, September 11 and
//   Hurricane Sandy.
// Years before 1998 get today's rules (without MLK Day), which is close but not exact for older history.
import { daysFromCivil } from './new-york-time';

/** A date as days since 1970-01-01 (the convention of new-york-time.ts). */
export type DayNumber = number;

export interface NyseClosure {
  /** Days since 1970-01-01 of the New York date. */
  readonly day: DayNumber;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  /** In the trader's words, e.g. `Thanksgiving Day`, `Independence Day (observed)`. */
  readonly name: string;
}

export interface NyseEarlyClose extends NyseClosure {
  /** Milliseconds after New York midnight when the regular session ends that day (13:00). */
  readonly closeMsOfDay: number;
}

export interface NyseYear {
  readonly year: number;
  /** Full-day closures on weekdays, in date order. */
  readonly holidays: readonly NyseClosure[];
  /** 13:00 closes, in date order. */
  readonly earlyCloses: readonly NyseEarlyClose[];
}

/** What a New York date is on the NYSE calendar apart from being a weekday or a weekend day. */
export type NyseDayKind =
  | { readonly kind: 'holiday'; readonly name: string }
  | { readonly kind: 'early-close'; readonly name: string; readonly closeMsOfDay: number };

export const EARLY_CLOSE_MS_OF_DAY = 13 * 3_600_000;

/** Unscheduled full-day closures announced by NYSE; add new ones here (with the announcement's reason). */
const ONE_OFF_CLOSURES: readonly (readonly [string, string])[] = [
  ['2001-09-11', 'September 11 attacks'],
  ['2001-09-12', 'September 11 attacks'],
  ['2001-09-13', 'September 11 attacks'],
  ['2001-09-14', 'September 11 attacks'],
  ['2004-06-11', 'National Day of Mourning for President Reagan'],
  ['2007-01-02', 'National Day of Mourning for President Ford'],
  ['2012-10-29', 'Hurricane Sandy'],
  ['2012-10-30', 'Hurricane Sandy'],
  ['2018-12-05', 'National Day of Mourning for President George H. W. Bush'],
  ['2025-01-09', 'National Day of Mourning for President Carter'],
];

export function isoDate(day: DayNumber): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date; throws RangeError on anything else. */
export function dayFromIsoDate(date: string): DayNumber {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match === null) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const day = daysFromCivil(Number(match[1]), Number(match[2]), Number(match[3]));
  if (isoDate(day) !== date) throw new RangeError(`no such date: ${date}`);
  return day;
}

function weekday(day: DayNumber): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The `n`-th (1-based) `dayOfWeek` of a month, or the last one when n is -1. */
function nthWeekday(year: number, month: number, dayOfWeek: number, n: number): DayNumber {
  if (n > 0) {
    const first = daysFromCivil(year, month, 1);
    return first + ((dayOfWeek - weekday(first) + 7) % 7) + (n - 1) * 7;
  }
  const last = daysFromCivil(year, month + 1, 1) - 1;
  return last - ((weekday(last) - dayOfWeek + 7) % 7);
}

/** Western Easter Sunday (anonymous Gregorian computus, Meeus/Jones/Butcher). */
export function easterSunday(year: number): DayNumber {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const dayOfMonth = ((h + l - 7 * m + 114) % 31) + 1;
  return daysFromCivil(year, month, dayOfMonth);
}

/** A fixed-date holiday moved off the weekend (Sunday → Monday, Saturday → Friday), or undefined when not observed. */
function observed(day: DayNumber, name: string, saturdayObserved: boolean): NyseClosure | undefined {
  const dow = weekday(day);
  if (dow === 0) return closure(day + 1, `${name} (observed)`);
  if (dow === 6) return saturdayObserved ? closure(day - 1, `${name} (observed)`) : undefined;
  return closure(day, name);
}

function closure(day: DayNumber, name: string): NyseClosure {
  return { day, date: isoDate(day), name };
}

function computeYear(year: number): NyseYear {
  const holidays: NyseClosure[] = [];
  const add = (holiday: NyseClosure | undefined) => {
    if (holiday !== undefined) holidays.push(holiday);
  };
  // A Saturday New Year's Day is not moved to the Friday before (Rule 7.2's accounting-period exception).
  add(observed(daysFromCivil(year, 1, 1), "New Year's Day", false));
  if (year >= 1998) add(closure(nthWeekday(year, 1, 1, 3), 'Martin Luther King Jr. Day'));
  add(closure(nthWeekday(year, 2, 1, 3), "Washington's Birthday"));
  add(closure(easterSunday(year) - 2, 'Good Friday'));
  add(closure(nthWeekday(year, 5, 1, -1), 'Memorial Day'));
  if (year >= 2022) add(observed(daysFromCivil(year, 6, 19), 'Juneteenth', true));
  add(observed(daysFromCivil(year, 7, 4), 'Independence Day', true));
  add(closure(nthWeekday(year, 9, 1, 1), 'Labor Day'));
  const thanksgiving = nthWeekday(year, 11, 4, 4);
  add(closure(thanksgiving, 'Thanksgiving Day'));
  add(observed(daysFromCivil(year, 12, 25), 'Christmas Day', true));
  for (const [date, name] of ONE_OFF_CLOSURES) {
    if (Number(date.slice(0, 4)) === year) add(closure(dayFromIsoDate(date), name));
  }
  holidays.sort((x, y) => x.day - y.day);

  const earlyCloses: NyseEarlyClose[] = [];
  const early = (day: DayNumber, name: string) => {
    const dow = weekday(day);
    // Only Monday–Thursday: a Friday July 3 or December 24 is itself the observed holiday.
    if (dow >= 1 && dow <= 4 && !holidays.some((holiday) => holiday.day === day)) {
      earlyCloses.push({ day, date: isoDate(day), name, closeMsOfDay: EARLY_CLOSE_MS_OF_DAY });
    }
  };
  early(daysFromCivil(year, 7, 3), 'Independence Day eve');
  const dayAfterThanksgiving = thanksgiving + 1;
  if (!holidays.some((holiday) => holiday.day === dayAfterThanksgiving)) {
    earlyCloses.push({
      day: dayAfterThanksgiving,
      date: isoDate(dayAfterThanksgiving),
      name: 'day after Thanksgiving',
      closeMsOfDay: EARLY_CLOSE_MS_OF_DAY,
    });
  }
  early(daysFromCivil(year, 12, 24), 'Christmas Eve');
  earlyCloses.sort((x, y) => x.day - y.day);
  return { year, holidays, earlyCloses };
}

const years = new Map<number, { readonly calendar: NyseYear; readonly byDay: Map<DayNumber, NyseDayKind> }>();

function yearEntry(year: number) {
  let entry = years.get(year);
  if (entry === undefined) {
    const calendar = computeYear(year);
    const byDay = new Map<DayNumber, NyseDayKind>();
    for (const holiday of calendar.holidays) byDay.set(holiday.day, { kind: 'holiday', name: holiday.name });
    for (const close of calendar.earlyCloses) {
      byDay.set(close.day, { kind: 'early-close', name: close.name, closeMsOfDay: close.closeMsOfDay });
    }
    entry = { calendar, byDay };
    years.set(year, entry);
  }
  return entry;
}

/** Every NYSE holiday and early close of `year` (a Saturday New Year's Day belongs to no year: it is not observed). */
export function nyseYear(year: number): NyseYear {
  return yearEntry(year).calendar;
}

/** Whether a New York date is a holiday or an early close; undefined for an ordinary day (weekend or not). */
export function nyseDayKind(day: DayNumber): NyseDayKind | undefined {
  return yearEntry(new Date(day * 86_400_000).getUTCFullYear()).byDay.get(day);
}
