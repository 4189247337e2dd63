// Number and time formatting for the whole renderer: one place, so every table cell, chart label and tooltip
// reads the same. Pure functions, locale fixed to en-US (a trading desk wants "1,234.56" everywhere, not whatever
// the OS locale is), missing values (null, undefined, NaN, ±Infinity) shown as an em dash.

export type Tone = 'up' | 'down' | undefined;

/** What a missing or undefined figure looks like. */
export const MISSING = '—';

const LOCALE = 'en-US';
const formatters = new Map<string, Intl.NumberFormat>();

/** Cached Intl.NumberFormat: constructing one costs far more than formatting with it. */
function numberFormat(minDecimals: number, maxDecimals: number, grouping = true): Intl.NumberFormat {
  const key = `${minDecimals}/${maxDecimals}/${grouping}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(LOCALE, {
      minimumFractionDigits: minDecimals,
      maximumFractionDigits: maxDecimals,
      useGrouping: grouping,
    });
    formatters.set(key, format);
  }
  return format;
}

function isNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Avoids "-0.00": a value that rounds to zero at the shown precision has no sign. */
function roundsToZero(value: number, decimals: number): boolean {
  return Math.abs(value) < 0.5 * 10 ** -decimals;
}

/** Plain number with grouping: `formatNumber(1234.5)` → "1,234.5"; fixed decimals when given. */
export function formatNumber(value: number | null | undefined, decimals?: number): string {
  if (!isNumber(value)) return MISSING;
  if (decimals !== undefined) {
    if (roundsToZero(value, decimals)) value = 0;
    return numberFormat(decimals, decimals).format(value);
  }
  return numberFormat(0, Number.isInteger(value) ? 0 : 4).format(value);
}

/**
 * A price: 2 decimals from 1 up, 4 below 1 (penny stocks, FX-like quotes), or the given decimals.
 * `formatPrice(1234.5)` → "1,234.50", `formatPrice(0.12345)` → "0.1235".
 */
export function formatPrice(value: number | null | undefined, decimals?: number): string {
  if (!isNumber(value)) return MISSING;
  const d = decimals ?? (Math.abs(value) >= 1 || value === 0 ? 2 : 4);
  return formatNumber(value, d);
}

/** A quantity: whole numbers grouped, fractional shares up to 4 decimals. `formatQty(-1500)` → "-1,500". */
export function formatQty(value: number | null | undefined): string {
  if (!isNumber(value)) return MISSING;
  return numberFormat(0, 4).format(roundsToZero(value, 4) ? 0 : value);
}

export interface MoneyOptions {
  /** Decimals, 2 unless given. */
  readonly decimals?: number;
  /** Prefix "+" on positive values (P&L columns). */
  readonly signed?: boolean;
  /** Currency symbol; "$" unless given ("" for none). */
  readonly symbol?: string;
}

/** Money: `formatMoney(-1234.5)` → "-$1,234.50"; `formatMoney(12.3, { signed: true })` → "+$12.30". */
export function formatMoney(value: number | null | undefined, options: MoneyOptions = {}): string {
  if (!isNumber(value)) return MISSING;
  const decimals = options.decimals ?? 2;
  const symbol = options.symbol ?? '$';
  if (roundsToZero(value, decimals)) return `${symbol}${numberFormat(decimals, decimals).format(0)}`;
  const sign = value < 0 ? '-' : options.signed ? '+' : '';
  return `${sign}${symbol}${numberFormat(decimals, decimals).format(Math.abs(value))}`;
}

/** Below this span of the visible value range an axis's ticks are under ~$5 apart and need cents to differ. */
const WHOLE_DOLLAR_SPAN = 50;

/**
 * Money on a chart's value axis, as precise as the visible range's span needs: whole dollars when it spans $50 or
 * more, cents below, so a flat $100,000 curve reads $100,000.00 / $100,000.25 rather than "$100,000" on every tick.
 * With no span known (no range yet): cents under $1,000, whole dollars from there.
 */
export function formatMoneyAxis(value: number, span: number | null): string {
  const whole =
    span !== null && Number.isFinite(span) ? Math.abs(span) >= WHOLE_DOLLAR_SPAN : Math.abs(value) >= 1000;
  return formatMoney(value, { decimals: whole ? 0 : 2 });
}

export interface PercentOptions {
  /** Decimals, 2 unless given. */
  readonly decimals?: number;
  /** Prefix "+" on positive values. */
  readonly signed?: boolean;
}

/** A fraction as a percentage: `formatPercent(0.1234)` → "12.34%"; `formatPercent(-0.05, { signed: true })` → "-5.00%". */
export function formatPercent(fraction: number | null | undefined, options: PercentOptions = {}): string {
  if (!isNumber(fraction)) return MISSING;
  const decimals = options.decimals ?? 2;
  const value = fraction * 100;
  if (roundsToZero(value, decimals)) return `${numberFormat(decimals, decimals).format(0)}%`;
  const sign = value < 0 ? '-' : options.signed ? '+' : '';
  return `${sign}${numberFormat(decimals, decimals).format(Math.abs(value))}%`;
}

/** Green for gains, red for losses, nothing for zero or missing. */
export function toneOf(value: number | null | undefined): Tone {
  if (!isNumber(value) || value === 0) return undefined;
  return value > 0 ? 'up' : 'down';
}

export interface Toned {
  readonly text: string;
  readonly tone: Tone;
}

/** Signed P&L with its tone: `formatPnl(12.3)` → { text: "+$12.30", tone: "up" }. */
export function formatPnl(
  value: number | null | undefined,
  options: Omit<MoneyOptions, 'signed'> = {},
): Toned {
  const decimals = options.decimals ?? 2;
  const text = formatMoney(value, { ...options, signed: true });
  return { text, tone: isNumber(value) && !roundsToZero(value, decimals) ? toneOf(value) : undefined };
}

/** Signed percentage with its tone: `formatPnlPercent(-0.0125)` → { text: "-1.25%", tone: "down" }. */
export function formatPnlPercent(fraction: number | null | undefined, decimals = 2): Toned {
  const text = formatPercent(fraction, { decimals, signed: true });
  return {
    text,
    tone: isNumber(fraction) && !roundsToZero(fraction * 100, decimals) ? toneOf(fraction) : undefined,
  };
}

const COMPACT_UNITS: readonly [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** Compact volume: `formatVolume(1_234_567)` → "1.23M", `formatVolume(950)` → "950", `formatVolume(12_500)` → "12.5K". */
export function formatVolume(value: number | null | undefined): string {
  if (!isNumber(value)) return MISSING;
  const abs = Math.abs(value);
  for (const [unit, suffix] of COMPACT_UNITS) {
    // Promote 999,999 → "1.00M" rather than "1000.00K".
    if (abs >= unit * 0.9995) {
      const scaled = value / unit;
      const decimals = Math.abs(scaled) >= 100 ? 0 : Math.abs(scaled) >= 10 ? 1 : 2;
      return `${numberFormat(decimals, decimals, false).format(scaled)}${suffix}`;
    }
  }
  return numberFormat(0, abs < 10 && !Number.isInteger(value) ? 2 : 0).format(value);
}

export interface TimeOptions {
  /** Format in UTC instead of the local time zone. */
  readonly utc?: boolean;
  /** Show seconds. */
  readonly seconds?: boolean;
  /** Show the date ("date", default), the time only ("time"), or the date only ("day"). */
  readonly part?: 'datetime' | 'time' | 'day';
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * ISO-ish time from epoch milliseconds: `formatTime(Date.UTC(2024, 2, 5, 14, 30), { utc: true })` →
 * "2024-03-05 14:30". Local time zone unless `utc`.
 */
export function formatTime(ms: number | null | undefined, options: TimeOptions = {}): string {
  if (!isNumber(ms)) return MISSING;
  const d = new Date(ms);
  const utc = options.utc === true;
  const year = utc ? d.getUTCFullYear() : d.getFullYear();
  const month = (utc ? d.getUTCMonth() : d.getMonth()) + 1;
  const day = utc ? d.getUTCDate() : d.getDate();
  const hours = utc ? d.getUTCHours() : d.getHours();
  const minutes = utc ? d.getUTCMinutes() : d.getMinutes();
  const date = `${year}-${pad2(month)}-${pad2(day)}`;
  let time = `${pad2(hours)}:${pad2(minutes)}`;
  if (options.seconds) time += `:${pad2(utc ? d.getUTCSeconds() : d.getSeconds())}`;
  const part = options.part ?? 'datetime';
  if (part === 'day') return date;
  if (part === 'time') return time;
  return `${date} ${time}`;
}

/** A duration in milliseconds, coarsely: "45s", "12m", "3h 05m", "2d 4h". */
export function formatDuration(ms: number | null | undefined): string {
  if (!isNumber(ms)) return MISSING;
  const sign = ms < 0 ? '-' : '';
  let s = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(s / 86_400);
  s -= days * 86_400;
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  s -= minutes * 60;
  if (days > 0) return `${sign}${days}d ${hours}h`;
  if (hours > 0) return `${sign}${hours}h ${pad2(minutes)}m`;
  if (minutes > 0) return `${sign}${minutes}m`;
  return `${sign}${s}s`;
}
