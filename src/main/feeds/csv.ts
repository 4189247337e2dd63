// CSV import of OHLCV bars into columns. One pass over the text with charCodeAt, numbers parsed in place without
// substrings, one scratch object for validation: a million rows take about a second (see the report in the note).
//
// Conventions:
// - Header (first non-blank line) names are case-insensitive; `_`/`-` count as spaces. Accepted: time from
//   `timestamp|datetime|time|date|t` (in that order of preference), `open|o`, `high|h`, `low|l`, `close|c`,
//   `volume|v` (all required), `adj close|adjclose|adjusted close` (optional). A file with both a `date` column and a
//   `time` column whose first value is a time of day (`09:30`, `09:30:00`) joins the two.
// - Times: ISO 8601 dates or datetimes (`2024-01-02`, `2024-01-02T09:30`, `2024-01-02 09:30:00.250`, with `Z` or
//   `±hh:mm`/`±hhmm`). A date alone is 00:00 UTC of that date; a datetime without an offset is UTC. Epoch numbers are
//   told apart by magnitude: < 1e11 seconds, < 1e14 milliseconds, < 1e17 microseconds, else nanoseconds.
// - `adj close`, when present and `adjust` is not false, adjusts open, high, low and close by adjClose / close (the
//   usual split-and-dividend adjustment, so returns are total returns); volume is kept as is. Validation runs on the
//   raw values, as written in the file, so error messages quote the file.
// - Delimiter: comma, or `;` or tab when the header has more of those. Quotes per RFC 4180 (`""` inside quotes),
//   CRLF, LF or CR line ends, a UTF-8 BOM and blank lines (anywhere) are accepted.
import { closeSync } from 'node:fs';
import { basename } from 'node:path';
import {
  type Bar,
  type BarSeries,
  barProblem,
  TIMEFRAME_MS,
  TIMEFRAMES,
  type Timeframe,
} from '../../shared/domain/bars';
import { daysFromCivil } from '../market/new-york-time';
import { CR, CsvScanner, detectDelimiter, LF, NEED_MORE, SPACE, TAB } from './csv-scanner';
import { checkText, MAX_PRICE_FILE_BYTES, openDataFile } from './data-file';
import { BarDataError, formatLocation, quoteCell } from './errors';

export { BarDataError, DataFileError } from './errors';

export interface CsvImportOptions {
  symbol: string;
  /** When omitted, inferred from the most common step between consecutive bars. */
  timeframe?: Timeframe;
  /** Skip (and count) bad rows instead of throwing on the first one. */
  skipInvalid?: boolean;
  /** Adjust OHLC by `adj close` / `close` when the file has an adj close column. Default true. */
  adjust?: boolean;
  /** How many problem messages to keep when skipping. Default 20. */
  maxProblems?: number;
  /** Bytes read at a time from a file (default 4 MiB); tests make it small to cross window edges often. */
  windowBytes?: number;
}

export interface CsvImportResult {
  series: BarSeries;
  /** Rows skipped as invalid (only with `skipInvalid`). */
  skipped: number;
  /** The first `maxProblems` messages about skipped rows, each naming file, line and field. */
  problems: string[];
  /** How the timeframe was chosen, e.g. `inferred 1D: the most common step (1 day) in 250 of 251 steps`. */
  timeframeNote: string;
  /** True when OHLC were adjusted by an adj close column. */
  adjusted: boolean;
}

type Column = 'time' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'adj close';

const ALIASES: Readonly<Record<Column, readonly string[]>> = {
  time: ['timestamp', 'datetime', 'time', 'date', 't'],
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c'],
  volume: ['volume', 'v'],
  'adj close': ['adj close', 'adjclose', 'adjusted close'],
};

const REQUIRED: readonly Column[] = ['time', 'open', 'high', 'low', 'close', 'volume'];

const DEFAULT_MAX_PROBLEMS = 20;

/** How much of a file is read at a time: rows stream through a window of this size. */
const WINDOW_BYTES = 4 << 20;

/**
 * Reads a price file in windows of a few megabytes, straight into the columns: the file is never held whole and
 * no row becomes a string. A path that is not a regular UTF-8 text file of bounded size is a DataFileError naming it
 * (see data-file.ts); bad content is a BarDataError naming the file's base name, line and field.
 */
export function readBarsCsv(path: string, options: CsvImportOptions): CsvImportResult {
  const file = openDataFile(path, MAX_PRICE_FILE_BYTES);
  try {
    const window = new Uint8Array(Math.max(16, Math.min(options.windowBytes ?? WINDOW_BYTES, file.size + 1)));
    const input: ByteInput = {
      size: file.size,
      read(into, at) {
        return file.read(into, at, into.length - at);
      },
    };
    const first = fillWindow(window, 0, input);
    checkText(file, window.subarray(0, first));
    return parseBars(window, first, first < window.length, input, basename(path), options);
  } finally {
    closeSync(file.fd);
  }
}

/** The same import over text already in memory (tests, small files). */
export function parseBarsCsv(text: string, source: string, options: CsvImportOptions): CsvImportResult {
  const bytes = Buffer.from(text, 'utf8');
  return parseBars(bytes, bytes.length, true, undefined, source, options);
}

/** Where more bytes come from: `read` fills `into` from `at`, returning how many it read (0 at the end). */
interface ByteInput {
  readonly size: number;
  read(into: Uint8Array, at: number): number;
}

/** Reads until `window` is full or the input ends; returns the window's new length. */
function fillWindow(window: Uint8Array, length: number, input: ByteInput): number {
  while (length < window.length) {
    const read = input.read(window, length);
    if (read === 0) break;
    length += read;
  }
  return length;
}

/** Moves the unread rest of the scanner's window to the front (a bigger window if one row fills it) and reads on. */
function refill(scanner: CsvScanner, input: ByteInput | undefined): void {
  if (input === undefined) {
    scanner.final = true;
    return;
  }
  const full = scanner.position === 0 && scanner.length === scanner.bytes.length;
  scanner.compactInto(full ? new Uint8Array(scanner.bytes.length * 2) : scanner.bytes);
  const before = scanner.length;
  scanner.length = fillWindow(scanner.bytes, before, input);
  if (scanner.length < scanner.bytes.length) scanner.final = true;
}

const BOM = [0xef, 0xbb, 0xbf] as const;

function parseBars(
  bytes: Uint8Array,
  length: number,
  final: boolean,
  input: ByteInput | undefined,
  source: string,
  options: CsvImportOptions,
): CsvImportResult {
  const start = bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2] ? 3 : 0;
  const head = new TextDecoder().decode(bytes.subarray(start, Math.min(length, start + (64 << 10))));
  const scanner = new CsvScanner(
    bytes,
    detectDelimiter(head, 0),
    start,
    (line) => new BarDataError(source, line, undefined, 'a quoted field is never closed'),
    { length, final },
  );
  const readRow = (): number => {
    for (;;) {
      const count = scanner.readRow();
      if (count !== NEED_MORE) return count;
      refill(scanner, input);
    }
  };

  const headerCount = readRow();
  if (headerCount < 0) {
    throw new BarDataError(source, undefined, undefined, 'the file is empty (no header, no rows)');
  }
  const headerLine = scanner.rowLine;
  const header: string[] = [];
  for (let i = 0; i < headerCount; i++) header.push(scanner.fieldText(i));
  const normalized = header.map(normalizeName);

  const index = new Map<Column, number>();
  for (const column of Object.keys(ALIASES) as Column[]) {
    for (const alias of ALIASES[column]) {
      const at = normalized.indexOf(alias);
      if (at >= 0) {
        index.set(column, at);
        break;
      }
    }
  }
  for (const column of REQUIRED) {
    if (!index.has(column)) {
      throw new BarDataError(
        source,
        headerLine,
        undefined,
        `missing column ${column} (accepted names: ${ALIASES[column].join(', ')}); ${headerInWords(header)}`,
      );
    }
  }
  const dateAt = normalized.indexOf('date');
  const timeOfDayAt = normalized.indexOf('time');

  const row = new RowParser(
    scanner,
    index.get('time')!,
    index.get('open')!,
    index.get('high')!,
    index.get('low')!,
    index.get('close')!,
    index.get('volume')!,
    options.adjust === false ? -1 : (index.get('adj close') ?? -1),
  );

  let capacity = estimateRows(scanner, input?.size);
  let time = new Float64Array(capacity);
  let open = new Float64Array(capacity);
  let high = new Float64Array(capacity);
  let low = new Float64Array(capacity);
  let close = new Float64Array(capacity);
  let volume = new Float64Array(capacity);

  const maxProblems = options.maxProblems ?? DEFAULT_MAX_PROBLEMS;
  const problems: string[] = [];
  let skipped = 0;
  let dataRows = 0;
  let n = 0;
  let previousTime = Number.NEGATIVE_INFINITY;

  for (let count = readRow(); count >= 0; count = readRow()) {
    if (dataRows === 0 && dateAt >= 0 && timeOfDayAt >= 0 && count > Math.max(dateAt, timeOfDayAt)) {
      const dateOnly = scanner.fieldText(dateAt).length === 10;
      if (dateOnly && scanner.looksLikeTimeOfDay(timeOfDayAt)) row.joinDateAndTime(dateAt, timeOfDayAt);
    }
    dataRows++;
    const problem = row.parse(count, previousTime);
    if (problem !== undefined) {
      if (!options.skipInvalid) {
        throw new BarDataError(source, scanner.rowLine, problem.field, problem.detail);
      }
      skipped++;
      if (problems.length < maxProblems) {
        problems.push(formatLocation(source, scanner.rowLine, problem.field) + problem.detail);
      }
      continue;
    }
    if (n === capacity) {
      // Past the estimate (rows got shorter): a quarter more at a time, trimmed to size at the end.
      capacity = Math.max(16, Math.ceil(capacity * 1.25));
      time = grow(time, capacity);
      open = grow(open, capacity);
      high = grow(high, capacity);
      low = grow(low, capacity);
      close = grow(close, capacity);
      volume = grow(volume, capacity);
    }
    const bar = row.bar;
    time[n] = bar.time;
    open[n] = bar.open * row.factor;
    high[n] = bar.high * row.factor;
    low[n] = bar.low * row.factor;
    close[n] = bar.close * row.factor;
    volume[n] = bar.volume;
    previousTime = bar.time;
    n++;
  }
  if (dataRows === 0) {
    throw new BarDataError(source, undefined, undefined, 'the file has a header but no rows');
  }

  let timeframe = options.timeframe;
  let timeframeNote = `given: ${timeframe}`;
  if (timeframe === undefined) {
    const inferred = inferTimeframe(time, n);
    if (typeof inferred === 'string') throw new BarDataError(source, undefined, 'time', inferred);
    timeframe = inferred.timeframe;
    timeframeNote = `inferred ${timeframe}: the most common step (${formatStep(inferred.stepMs)}) in ${inferred.count} of ${inferred.steps} steps`;
  }

  const series: BarSeries = {
    symbol: options.symbol,
    timeframe,
    time: trim(time, n),
    open: trim(open, n),
    high: trim(high, n),
    low: trim(low, n),
    close: trim(close, n),
    volume: trim(volume, n),
    length: n,
  };
  return { series, skipped, problems, timeframeNote, adjusted: row.adjClose >= 0 };
}

/**
 * Rows left after the header: exact when the window holds the rest of the input (one row per line, the usual file,
 * so the columns need neither growing nor trimming); otherwise scaled from the window's lines to the file's size.
 */
function estimateRows(scanner: CsvScanner, size: number | undefined): number {
  const { bytes, position, length } = scanner;
  let breaks = 0;
  for (let at = bytes.indexOf(LF, position); at >= 0 && at < length; at = bytes.indexOf(LF, at + 1)) breaks++;
  if (breaks === 0)
    for (let at = bytes.indexOf(CR, position); at >= 0 && at < length; at = bytes.indexOf(CR, at + 1))
      breaks++;
  if (scanner.final || size === undefined) {
    const last = bytes[length - 1];
    return breaks + (length === position || last === LF || last === CR ? 0 : 1);
  }
  // A row takes at least two bytes (a digit and a line break), which bounds the guess when the window is short.
  const windowBytes = length - position;
  const atMost = Math.ceil((size - position) / 2) + 16;
  if (windowBytes <= 0) return Math.min(atMost, 1024);
  return Math.min(atMost, Math.ceil((((breaks + 1) * (size - position)) / windowBytes) * 1.05) + 16);
}

export interface InferredTimeframe {
  readonly timeframe: Timeframe;
  readonly stepMs: number;
  /** How many steps had that size, out of `steps`. */
  readonly count: number;
  readonly steps: number;
}

/** The timeframe whose length is the most common step between consecutive times, or why there is none. */
export function inferTimeframe(time: Float64Array, length: number): InferredTimeframe | string {
  if (length < 2) {
    return `cannot infer the timeframe from ${length} bar${length === 1 ? '' : 's'}; pass timeframe`;
  }
  const counts = new Map<number, number>();
  for (let i = 1; i < length; i++) {
    const step = time[i]! - time[i - 1]!;
    counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  let tied: number | undefined;
  for (const [step, count] of counts) {
    if (count > bestCount) {
      best = step;
      bestCount = count;
      tied = undefined;
    } else if (count === bestCount) {
      tied = step;
    }
  }
  if (tied !== undefined) {
    return `cannot infer the timeframe: steps of ${formatStep(best)} and ${formatStep(tied)} are equally common (${bestCount} each); pass timeframe`;
  }
  const timeframe = TIMEFRAMES.find((candidate) => TIMEFRAME_MS[candidate] === best);
  if (timeframe === undefined) {
    return `cannot infer the timeframe: the most common step is ${formatStep(best)} (${bestCount} of ${length - 1}), which is none of ${TIMEFRAMES.join(', ')}; pass timeframe`;
  }
  return { timeframe, stepMs: best, count: bestCount, steps: length - 1 };
}

function formatStep(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} day${ms === 86_400_000 ? '' : 's'}`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms} ms`;
}

/** The columns a header names, quoted short and only the first few: the first line of a file that is not a price
 * file (say /etc/passwd) is none of the user's business to see again in an error, but column names help fix one. */
function headerInWords(header: readonly string[]): string {
  const shown = 8;
  const names = header.slice(0, shown).map((name) => quoteCell(name));
  const more = header.length > shown ? ` and ${header.length - shown} more` : '';
  return `header found: ${names.join(', ')}${more}`;
}

function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/[_-]/g, ' ').replace(/\s+/g, ' ');
}

function grow(column: Float64Array<ArrayBuffer>, capacity: number): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(capacity);
  bigger.set(column);
  return bigger;
}

function trim(column: Float64Array, length: number): Float64Array {
  return column.length === length ? column : column.slice(0, length);
}

interface RowProblem {
  readonly field: string;
  readonly detail: string;
}

type MutableBar = { -readonly [K in keyof Bar]: Bar[K] };

/** Parses one row into a reused bar and validates it with the domain's barProblem. */
class RowParser {
  readonly bar: MutableBar = { time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  /** Multiplier for OHLC: adjClose / close when adjusting, else 1. */
  factor = 1;
  private needed: number;
  private timeOfDay = -1;

  constructor(
    private readonly scanner: CsvScanner,
    private time: number,
    private readonly open: number,
    private readonly high: number,
    private readonly low: number,
    private readonly close: number,
    private readonly volume: number,
    readonly adjClose: number,
  ) {
    this.needed = Math.max(time, open, high, low, close, volume, adjClose) + 1;
  }

  joinDateAndTime(dateField: number, timeField: number): void {
    this.time = dateField;
    this.timeOfDay = timeField;
    this.needed = Math.max(this.needed, dateField + 1, timeField + 1);
  }

  parse(count: number, previousTime: number): RowProblem | undefined {
    if (count < this.needed) return this.missingField(count);
    const scanner = this.scanner;
    const text = scanner.bytes;
    const bar = this.bar;

    bar.time = parseTimestamp(text, scanner.start(this.time), scanner.end(this.time));
    if (this.timeOfDay >= 0 && !Number.isNaN(bar.time)) {
      bar.time += parseTimeOfDay(text, scanner.start(this.timeOfDay), scanner.end(this.timeOfDay));
    }
    if (Number.isNaN(bar.time)) {
      const shown =
        this.timeOfDay >= 0
          ? `${this.shown(this.time)} ${this.shown(this.timeOfDay)}`
          : this.shown(this.time);
      return {
        field: 'time',
        detail: `${shown} is not a date/time (expected ISO 8601 like 2024-01-02 or 2024-01-02T14:30:00Z, or epoch seconds or milliseconds)`,
      };
    }
    bar.open = parseDecimal(text, scanner.start(this.open), scanner.end(this.open));
    if (Number.isNaN(bar.open)) return this.notANumber('open', this.open);
    bar.high = parseDecimal(text, scanner.start(this.high), scanner.end(this.high));
    if (Number.isNaN(bar.high)) return this.notANumber('high', this.high);
    bar.low = parseDecimal(text, scanner.start(this.low), scanner.end(this.low));
    if (Number.isNaN(bar.low)) return this.notANumber('low', this.low);
    bar.close = parseDecimal(text, scanner.start(this.close), scanner.end(this.close));
    if (Number.isNaN(bar.close)) return this.notANumber('close', this.close);
    bar.volume = parseDecimal(text, scanner.start(this.volume), scanner.end(this.volume));
    if (Number.isNaN(bar.volume)) return this.notANumber('volume', this.volume);

    const message = barProblem(bar, previousTime === Number.NEGATIVE_INFINITY ? undefined : previousTime);
    if (message !== undefined) return splitBarProblem(message, bar);

    if (this.adjClose >= 0) {
      const adjusted = parseDecimal(text, scanner.start(this.adjClose), scanner.end(this.adjClose));
      if (Number.isNaN(adjusted)) return this.notANumber('adj close', this.adjClose);
      if (!(adjusted > 0) || !Number.isFinite(adjusted)) {
        return { field: 'adj close', detail: `${adjusted} is not a positive finite number` };
      }
      this.factor = adjusted / bar.close;
    }
    return undefined;
  }

  private shown(field: number): string {
    const value = this.scanner.fieldText(field);
    return value === '' ? '(empty)' : quoteCell(value);
  }

  private notANumber(field: string, at: number): RowProblem {
    return { field, detail: `${this.shown(at)} is not a number` };
  }

  private missingField(count: number): RowProblem {
    const columns: [string, number][] = [
      ['time', this.time],
      ['open', this.open],
      ['high', this.high],
      ['low', this.low],
      ['close', this.close],
      ['volume', this.volume],
      ['adj close', this.adjClose],
      ['time', this.timeOfDay],
    ];
    let first: [string, number] = columns[0]!;
    for (const column of columns)
      if (column[1] >= count && (first[1] < count || column[1] < first[1])) first = column;
    return {
      field: first[0],
      detail: `missing (the row has ${count} fields, column ${first[1] + 1} is needed)`,
    };
  }
}

/** barProblem says e.g. `high 99.5 is below max(...)`; split it into the field and what is wrong with it. */
function splitBarProblem(message: string, bar: Bar): RowProblem {
  const space = message.indexOf(' ');
  const first = message.slice(0, space);
  if (first === 'prices') {
    const field = bar.open <= 0 ? 'open' : bar.close <= 0 ? 'close' : bar.high <= 0 ? 'high' : 'low';
    return { field, detail: `${bar[field]} is not positive (prices must be positive)` };
  }
  if (
    first === 'time' ||
    first === 'open' ||
    first === 'high' ||
    first === 'low' ||
    first === 'close' ||
    first === 'volume'
  ) {
    if (message.startsWith(`${first} is not a finite number`)) {
      return { field: first, detail: `${bar[first]} is not a finite number` };
    }
    return { field: first, detail: message.slice(space + 1) };
  }
  return { field: 'time', detail: message };
}

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INFINITY_TEXT = /^([+-]?)inf(inity)?$/i;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/**
 * The decimal number in bytes[start, end), NaN when it is not one. Up to 15 significant digits and 22 decimals the
 * result is one exact integer divided by an exact power of ten, hence correctly rounded (the same as Number());
 * anything longer, exponents and `inf` go through Number().
 */
export function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && isBlank(bytes[start]!)) start++;
  while (end > start && isBlank(bytes[end - 1]!)) end--;
  if (start === end) return Number.NaN;
  let i = start;
  let negative = false;
  const sign = bytes[i]!;
  if (sign === 45) {
    negative = true;
    i++;
  } else if (sign === 43) {
    i++;
  }
  let mantissa = 0;
  let significant = 0;
  let decimals = 0;
  let dot = false;
  let digits = 0;
  for (; i < end; i++) {
    const c = bytes[i]!;
    if (c >= 48 && c <= 57) {
      digits++;
      if (mantissa !== 0 || c !== 48) significant++;
      mantissa = mantissa * 10 + (c - 48);
      if (dot) decimals++;
    } else if (c === 46 && !dot) {
      dot = true;
    } else {
      return slowDecimal(bytes, start, end);
    }
  }
  if (digits === 0) return Number.NaN;
  if (significant > 15 || decimals > 22) return slowDecimal(bytes, start, end);
  const value = decimals === 0 ? mantissa : mantissa / POW10[decimals]!;
  return negative ? -value : value;
}

function slowDecimal(bytes: Uint8Array, start: number, end: number): number {
  const value = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', start, end);
  if (NUMBER_TEXT.test(value)) return Number(value);
  const infinity = INFINITY_TEXT.exec(value);
  if (infinity) return infinity[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return Number.NaN;
}

/** The `count`-digit number at bytes[at], or -1 when those characters are not all digits or pass `end`. */
function digitsAt(bytes: Uint8Array, at: number, count: number, end: number): number {
  if (at + count > end) return -1;
  let value = 0;
  for (let i = 0; i < count; i++) {
    const d = bytes[at + i]! - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    value = value * 10 + d;
  }
  return value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1]!;
}

/** Epoch ms of an ISO 8601 date/datetime or an epoch number in bytes[start, end); NaN when it is neither. */
export function parseTimestamp(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && isBlank(bytes[start]!)) start++;
  while (end > start && isBlank(bytes[end - 1]!)) end--;
  if (end - start >= 10 && bytes[start + 4]! === 45) return parseIso(bytes, start, end);
  const value = parseDecimal(bytes, start, end);
  if (!Number.isFinite(value)) return Number.NaN;
  const magnitude = Math.abs(value);
  if (magnitude < 1e11) return Math.round(value * 1000);
  if (magnitude < 1e14) return Math.round(value);
  if (magnitude < 1e17) return Math.round(value / 1000);
  return Math.round(value / 1e6);
}

function parseIso(bytes: Uint8Array, start: number, end: number): number {
  const year = digitsAt(bytes, start, 4, end);
  const month = digitsAt(bytes, start + 5, 2, end);
  const day = digitsAt(bytes, start + 8, 2, end);
  if (year < 0 || month < 1 || month > 12 || day < 1 || bytes[start + 7]! !== 45) return Number.NaN;
  if (day > daysInMonth(year, month)) return Number.NaN;
  const date = daysFromCivil(year, month, day) * 86_400_000;
  let p = start + 10;
  if (p === end) return date;
  const separator = bytes[p]!;
  if (separator !== 84 && separator !== 116 && separator !== SPACE) return Number.NaN;
  p++;
  let ms = 0;
  const clockEnd = scanClock(bytes, p, end);
  if (clockEnd < 0) return Number.NaN;
  ms = parseTimeOfDay(bytes, p, clockEnd);
  if (Number.isNaN(ms)) return Number.NaN;
  p = clockEnd;
  if (p === end) return date + ms;
  const zone = bytes[p]!;
  if ((zone === 90 || zone === 122) && p + 1 === end) return date + ms;
  if (zone !== 43 && zone !== 45) return Number.NaN;
  const hours = digitsAt(bytes, p + 1, 2, end);
  let minutesAt = p + 3;
  if (bytes[minutesAt]! === 58) minutesAt++;
  const minutes = minutesAt === end ? 0 : digitsAt(bytes, minutesAt, 2, end);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return Number.NaN;
  if (minutesAt !== end && minutesAt + 2 !== end) return Number.NaN;
  const offset = (hours * 60 + minutes) * 60_000;
  return date + ms - (zone === 43 ? offset : -offset);
}

/** Where the clock part (digits, `:`, `.`, `,`) starting at `start` ends. */
function scanClock(bytes: Uint8Array, start: number, end: number): number {
  let p = start;
  while (p < end) {
    const c = bytes[p]!;
    if (!((c >= 48 && c <= 57) || c === 58 || c === 46 || c === 44)) break;
    p++;
  }
  return p === start ? -1 : p;
}

/** Milliseconds of a time of day `H:MM`, `HH:MM:SS` or `HH:MM:SS.fff` in bytes[start, end); NaN otherwise. */
export function parseTimeOfDay(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && isBlank(bytes[start]!)) start++;
  while (end > start && isBlank(bytes[end - 1]!)) end--;
  let p = start;
  const hourDigits = bytes[p + 1]! === 58 ? 1 : 2;
  const hours = digitsAt(bytes, p, hourDigits, end);
  p += hourDigits;
  if (hours < 0 || hours > 23 || p >= end || bytes[p]! !== 58) return Number.NaN;
  const minutes = digitsAt(bytes, p + 1, 2, end);
  p += 3;
  if (minutes < 0 || minutes > 59) return Number.NaN;
  let seconds = 0;
  let fraction = 0;
  if (p < end && bytes[p]! === 58) {
    seconds = digitsAt(bytes, p + 1, 2, end);
    p += 3;
    if (seconds < 0 || seconds > 59) return Number.NaN;
    const dot = bytes[p]!;
    if (p < end && (dot === 46 || dot === 44)) {
      p++;
      let scale = 100;
      const first = p;
      while (p < end) {
        const d = bytes[p]! - 48;
        if (d < 0 || d > 9) break;
        fraction += d * scale;
        scale /= 10;
        p++;
      }
      if (p === first) return Number.NaN;
      fraction = Math.floor(fraction + 1e-9);
    }
  }
  if (p !== end) return Number.NaN;
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + fraction;
}
