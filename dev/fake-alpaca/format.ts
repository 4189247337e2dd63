// Wire formatting: Alpaca sends amounts as decimal strings without trailing zeros and times as RFC 3339.
import { newYorkOffsetMs } from '../../src/main/market/new-york-time';

/** A decimal string with at most `decimals` places and no trailing zeros: 100000, 228.5, 0.000125. */
export function decimal(value: number, decimals = 9): string {
  if (!Number.isFinite(value)) return '0';
  let text = value.toFixed(decimals);
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return text === '-0' ? '0' : text;
}

export function money(value: number): string {
  return decimal(value, 2);
}

/** RFC 3339 UTC with milliseconds, e.g. 2025-03-05T15:00:00.000Z. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** RFC 3339 with New York's offset, as /v2/clock sends it: 2025-03-05T10:00:00-05:00. */
export function newYorkIso(ms: number): string {
  const offset = newYorkOffsetMs(ms);
  const wall = new Date(ms + offset).toISOString().slice(0, 19);
  const minutes = Math.abs(offset) / 60_000;
  const sign = offset < 0 ? '-' : '+';
  return `${wall}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Parses a strictly positive decimal string (or number) as Alpaca amounts; NaN when it is not one. */
export function parseAmount(value: string | number | undefined | null): number {
  if (value === undefined || value === null) return Number.NaN;
  if (typeof value === 'number') return value;
  if (!/^\d+(\.\d+)?$/.test(value.trim())) return Number.NaN;
  return Number(value);
}

/** Decimal places of a numeric string. */
export function decimalsOf(value: string): number {
  const dot = value.indexOf('.');
  return dot < 0 ? 0 : value.length - dot - 1;
}
