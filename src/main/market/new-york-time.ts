// New York wall-clock time and the regular US equity session, computed with Intl (full ICU) and cached per UTC day,
// so that walking a million bars asks ICU about once per day rather than once per bar.

export type MarketCalendar = 'us-equities' | 'crypto';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
/** Regular session of US equities, as milliseconds after New York midnight: 09:30–16:00. */
export const SESSION_OPEN_MS = 9.5 * HOUR_MS;
export const SESSION_CLOSE_MS = 16 * HOUR_MS;

const newYorkFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

function offsetFromIntl(utcMs: number): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of newYorkFormat.formatToParts(utcMs)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
    }
  }
  const wallAsUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  return wallAsUtc - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

// One-entry cache: bars arrive in time order, so the previous UTC day is almost always the one asked for.
let cachedUtcDay = Number.NaN;
let cachedOffset = 0;

/** New York's offset from UTC at `utcMs`, in ms (−5 h in winter, −4 h in summer). */
export function newYorkOffsetMs(utcMs: number): number {
  const utcDay = Math.floor(utcMs / DAY_MS);
  if (utcDay === cachedUtcDay) return cachedOffset;
  const atStart = offsetFromIntl(utcDay * DAY_MS);
  const atEnd = offsetFromIntl(utcDay * DAY_MS + DAY_MS - 1000);
  if (atStart !== atEnd) return offsetFromIntl(utcMs); // a DST change happens inside this UTC day: no caching
  cachedUtcDay = utcDay;
  cachedOffset = atStart;
  return atStart;
}

/** The New York calendar date of `utcMs`, as days since 1970-01-01. */
export function newYorkDay(utcMs: number): number {
  return Math.floor((utcMs + newYorkOffsetMs(utcMs)) / DAY_MS);
}

/** Milliseconds since New York midnight (wall clock) at `utcMs`. */
export function newYorkTimeOfDay(utcMs: number): number {
  const wall = utcMs + newYorkOffsetMs(utcMs);
  return wall - Math.floor(wall / DAY_MS) * DAY_MS;
}

/** The UTC instant at which New York's wall clock shows `msOfDay` on date `day` (days since 1970-01-01). */
export function newYorkWallToUtc(day: number, msOfDay: number): number {
  const wall = day * DAY_MS + msOfDay;
  const guess = wall - newYorkOffsetMs(wall);
  return wall - newYorkOffsetMs(guess);
}

/** 0 = Sunday … 6 = Saturday, for a date given as days since 1970-01-01 (a Thursday). */
export function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekday(day: number): boolean {
  const weekday = weekdayOfDay(day);
  return weekday !== 0 && weekday !== 6;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The inverse of daysFromCivil: `YYYY-MM-DD` of a day number (years 0–9999), without a Date. */
export function isoDateOfDay(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}
