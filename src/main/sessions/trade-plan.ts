// Trade plans: a trade_plan.csv of planned entries with their stop loss, take profit and holding time, imported
// all-or-nothing (every bad row reported with its line and field, nothing half-imported) and turned into order intents.
//
// File format:
// - Header (first non-blank, non-comment line), names case-insensitive, `-`, `_` and spaces alike. Columns and
//   accepted names: symbol|ticker; side|action (buy/sell); qty|quantity|shares and notional|amount|dollars (at least
//   one column; exactly one value per row); entry_type|type|order_type (market/limit/stop/stop_limit);
//   entry_price|entry|price (required for limit, stop and stop_limit: the limit price, the stop trigger, the stop
//   trigger of a stop-limit); limit_price|entry_limit (stop_limit only, default the entry price);
//   take_profit|tp|target; stop_loss|sl|stop; tif|time_in_force (day/gtc, default day);
//   hold_days|expected_holding_days|holding_days (optional); notes|note|comment (ignored). Any other column is an
//   error, so a misspelt optional column is never silently dropped.
// - Comma, or `;`/tab when the header has more of those; RFC 4180 quotes; CRLF or LF; UTF-8 BOM; blank lines and
//   lines starting with `#` are skipped. Line numbers are physical lines (the header's line is usually 1).
// - Symbols are upper-cased; numbers are plain decimals (`100`, `99.5`, `1e3`), no currency signs or thousands
//   separators.
import { basename } from 'node:path';
import { z } from 'zod';
import { EXECUTION_MODES, type ExecutionMode } from '../../shared/domain/session';
import type { Side } from '../../shared/domain/trading';
import type { OrderIntent } from '../engine/strategy';
import { CsvScanner, detectDelimiter } from '../feeds/csv-scanner';
import { readTextFile } from '../feeds/data-file';
import { DataFileError, formatLocation } from '../feeds/errors';
import { runWorkerTask } from '../feeds/worker-task';
import {
  addTradingDays,
  currentOrNextSession,
  type MarketCalendar,
  sessionOnDay,
  type TradingSession,
} from '../market/calendar';
import { DAY_MS } from '../market/new-york-time';

export { EXECUTION_MODES, type ExecutionMode };

/** The longest expected holding time each mode accepts, in trading days. */
export const MAX_HOLDING_DAYS: Readonly<Record<ExecutionMode, number>> = {
  intraday: 2,
  fast: 3.5,
  balanced: 6,
  conservative: 10,
};

export const DEFAULT_EXECUTION_MODE: ExecutionMode = 'balanced';

export const ENTRY_TYPES = ['market', 'limit', 'stop', 'stop_limit'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

/** The column names of a trade plan, as written in error messages. */
export type TradePlanField =
  | 'symbol'
  | 'side'
  | 'qty'
  | 'notional'
  | 'entry_type'
  | 'entry_price'
  | 'limit_price'
  | 'take_profit'
  | 'stop_loss'
  | 'tif'
  | 'hold_days';

const positive = z.number().finite().positive();

/**
 * One planned trade, as imported. Also the shape to validate a plan that arrives over the API or from storage:
 * the schema checks the same rules as the CSV import (see tradePlanRowProblems).
 */
export const TradePlanRowSchema = z
  .object({
    /** Physical line of the row in its file (0 when the row did not come from a file). */
    line: z.number().int().min(0),
    symbol: z.string().regex(/^[A-Z0-9][A-Z0-9./-]*$/),
    side: z.enum(['buy', 'sell']),
    qty: positive.optional(),
    notional: positive.optional(),
    entryType: z.enum(ENTRY_TYPES),
    /** Limit price (limit), stop trigger (stop, stop_limit), an optional reference price (market). */
    entryPrice: positive.optional(),
    /** The limit of a stop_limit entry. */
    limitPrice: positive.optional(),
    takeProfit: positive,
    stopLoss: positive,
    timeInForce: z.enum(['day', 'gtc']),
    /** The expected holding time written in the file, in trading days. */
    holdDays: positive.optional(),
    /** The holding time enforced: holdDays, or the mode's bound when the file gives none. */
    timeLimitDays: positive,
    mode: z.enum(EXECUTION_MODES),
  })
  .superRefine((row, ctx) => {
    for (const problem of tradePlanRowProblems(row)) {
      ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.detail });
    }
  });

export type TradePlanRow = z.output<typeof TradePlanRowSchema>;

export interface TradePlanProblem {
  readonly file: string;
  /** Physical line (1-based); undefined for file-level problems. */
  readonly line: number | undefined;
  readonly field: TradePlanField | undefined;
  readonly detail: string;
}

/** A plan that cannot be imported; `problems` lists every bad row and field, in line order. */
export class TradePlanError extends DataFileError {
  override readonly name = 'TradePlanError';

  constructor(
    readonly file: string,
    readonly problems: readonly TradePlanProblem[],
  ) {
    const rows = new Set(problems.map((problem) => problem.line)).size;
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${rows} row${rows === 1 ? '' : 's'}; nothing was imported\n` +
        problems.map(formatProblem).join('\n'),
    );
  }
}

export function formatProblem(problem: TradePlanProblem): string {
  return formatLocation(problem.file, problem.line, problem.field) + problem.detail;
}

export interface TradePlanOptions {
  /** Default 'balanced'. */
  readonly mode?: ExecutionMode;
  /** When given, a row for any other symbol is refused (compared upper-cased). */
  readonly symbols?: Iterable<string>;
  /** The session's sizing limits; without them only MAX_PLAN_SHARES applies. */
  readonly limits?: PlanLimits;
}

/** What a session lets one plan row size to, from its risk config and equity when the plan is imported. */
export interface PlanLimits {
  /** Quantities must be whole multiples of this (1: whole shares); 0 allows fractional shares. */
  readonly quantityStep: number;
  /** The largest position per symbol in shares, when the session sets one. */
  readonly maxPositionQty?: number;
  /** The largest notional one entry may have, in currency ... */
  readonly maxNotional: number;
  /** ... and where that comes from, in words, e.g. `risk.maxGrossExposure 1 × equity 100000`. */
  readonly maxNotionalReason: string;
  /** The last close per symbol: what a market entry without an entry price is valued at. */
  readonly lastPrices?: Readonly<Record<string, number>>;
}

/** More shares than any one order sensibly has, whatever the session allows: a typo, not a plan. */
export const MAX_PLAN_SHARES = 1_000_000_000;

export interface TradePlan {
  readonly source: string;
  readonly mode: ExecutionMode;
  readonly rows: readonly TradePlanRow[];
}

const ALIASES: Readonly<Record<TradePlanField | 'notes', readonly string[]>> = {
  symbol: ['symbol', 'ticker'],
  side: ['side', 'action'],
  qty: ['qty', 'quantity', 'shares'],
  notional: ['notional', 'amount', 'dollars'],
  entry_type: ['entry type', 'type', 'order type'],
  entry_price: ['entry price', 'entry', 'price'],
  limit_price: ['limit price', 'entry limit'],
  take_profit: ['take profit', 'tp', 'target'],
  stop_loss: ['stop loss', 'sl', 'stop'],
  tif: ['tif', 'time in force'],
  hold_days: ['hold days', 'expected holding days', 'holding days'],
  notes: ['notes', 'note', 'comment'],
};

const REQUIRED_COLUMNS: readonly TradePlanField[] = [
  'symbol',
  'side',
  'entry_type',
  'take_profit',
  'stop_loss',
];

/**
 * Reads and parses a plan file; the file's base name is the source shown in errors. A path that is no regular UTF-8
 * text file of bounded size is a DataFileError naming it (see feeds/data-file.ts).
 */
export function readTradePlan(path: string, options: TradePlanOptions = {}): TradePlan {
  return parseTradePlan(readTextFile(path), basename(path), options);
}

export interface TradePlanTask {
  readonly kind: 'trade-plan';
  readonly text: string;
  readonly source: string;
  readonly options: TradePlanOptions;
}

/** Parses a plan as parseTradePlan does, in a worker thread; a bad plan is a DataFileError with every problem. */
export type ParseTradePlan = (text: string, source: string, options: TradePlanOptions) => Promise<TradePlan>;

/** A plan task's answer: the plan, or its problems (so they cross the thread as data, each with its line and field). */
export type TradePlanAnswer =
  | { readonly plan: TradePlan }
  | { readonly refused: { readonly file: string; readonly problems: readonly TradePlanProblem[] } };

/** Inside the file worker: parses the task's plan; a refused plan is an answer, not a thrown message. */
export function planTask(task: TradePlanTask): TradePlanAnswer {
  try {
    return { plan: parseTradePlan(task.text, task.source, task.options) };
  } catch (error) {
    if (error instanceof TradePlanError) return { refused: { file: error.file, problems: error.problems } };
    throw error;
  }
}

/** A ParseTradePlan on the file worker entry `script` (built .js, or the .ts source under tsx). */
export function tradePlanParser(script: string): ParseTradePlan {
  return async (text, source, options) => {
    // A Set does not cross to a worker as an iterable: the symbols go as an array.
    const symbols = options.symbols === undefined ? {} : { symbols: [...options.symbols] };
    const answer = await runWorkerTask<TradePlanAnswer>(script, {
      kind: 'trade-plan',
      text,
      source,
      options: { ...options, ...symbols },
    });
    if ('refused' in answer) throw new TradePlanError(answer.refused.file, answer.refused.problems);
    return answer.plan;
  };
}

/** Parses a plan; throws TradePlanError listing every problem when any row is bad, so nothing is half-imported. */
export function parseTradePlan(text: string, source: string, options: TradePlanOptions = {}): TradePlan {
  const mode = options.mode ?? DEFAULT_EXECUTION_MODE;
  if (!(EXECUTION_MODES as readonly string[]).includes(mode)) {
    throw new RangeError(
      `unknown execution mode ${JSON.stringify(mode)}; one of ${EXECUTION_MODES.join(', ')}`,
    );
  }
  const known =
    options.symbols === undefined
      ? undefined
      : new Set(Array.from(options.symbols, (s) => s.trim().toUpperCase()));
  const fileProblem = (line: number | undefined, detail: string): never => {
    throw new TradePlanError(source, [{ file: source, line, field: undefined, detail }]);
  };

  const records = splitCsv(text, source);
  const header = records[0];
  if (header === undefined) return fileProblem(undefined, 'the file is empty (no header, no rows)');
  const columns = new Map<TradePlanField | 'notes', number>();
  header.fields.forEach((name, at) => {
    const normalized = name.trim().toLowerCase().replace(/[_-]/g, ' ').replace(/\s+/g, ' ');
    const column = (Object.keys(ALIASES) as (TradePlanField | 'notes')[]).find((key) =>
      ALIASES[key].includes(normalized),
    );
    if (column === undefined) {
      fileProblem(
        header.line,
        `unknown column ${JSON.stringify(name)}; accepted: ${Object.values(ALIASES)
          .map((names) => names.join('|'))
          .join(', ')}`,
      );
    } else if (columns.has(column)) {
      fileProblem(
        header.line,
        `two columns mean ${column}: ${JSON.stringify(header.fields[columns.get(column)!])} and ${JSON.stringify(name)}`,
      );
    } else {
      columns.set(column, at);
    }
  });
  for (const column of REQUIRED_COLUMNS) {
    if (!columns.has(column)) {
      fileProblem(header.line, `missing column ${column} (accepted names: ${ALIASES[column].join(', ')})`);
    }
  }
  if (!columns.has('qty') && !columns.has('notional')) {
    fileProblem(
      header.line,
      `missing a size column: qty (${ALIASES.qty.join(', ')}) or notional (${ALIASES.notional.join(', ')})`,
    );
  }
  if (records.length === 1) fileProblem(undefined, 'the file has a header but no rows');

  const problems: TradePlanProblem[] = [];
  const rows: TradePlanRow[] = [];
  const seen = new Map<string, number>();
  for (const record of records.slice(1)) {
    const { line, fields } = record;
    if (fields.length !== header.fields.length) {
      problems.push({
        file: source,
        line,
        field: undefined,
        detail: `${fields.length} fields where the header has ${header.fields.length}`,
      });
      continue;
    }
    const cell = (field: TradePlanField): string => {
      const at = columns.get(field);
      return at === undefined ? '' : fields[at]!.trim();
    };
    const rowProblems: TradePlanProblem[] = [];
    const report = (field: TradePlanField | undefined, detail: string) =>
      rowProblems.push({ file: source, line, field, detail });
    const row = parseRow(cell, line, mode, report);
    if (row !== undefined) {
      if (known !== undefined && !known.has(row.symbol))
        report('symbol', `${row.symbol} is not a known symbol`);
      for (const problem of tradePlanRowProblems(row)) report(problem.field, problem.detail);
      for (const problem of sizeProblems(row, options.limits)) report(problem.field, problem.detail);
      if (rowProblems.length === 0) {
        const key = duplicateKey(row);
        const first = seen.get(key);
        if (first !== undefined) {
          report(
            undefined,
            `duplicate of line ${first} (same symbol, side, size, entry, stop loss, take profit, tif and holding time)`,
          );
        } else {
          seen.set(key, line);
          rows.push(row);
        }
      }
    }
    problems.push(...rowProblems);
  }
  if (problems.length > 0) throw new TradePlanError(source, problems);
  return { source, mode, rows };
}

type Report = (field: TradePlanField | undefined, detail: string) => void;

/** The row from its cells, or undefined when a cell is unreadable (each reported); cross-field rules come later. */
function parseRow(
  cell: (field: TradePlanField) => string,
  line: number,
  mode: ExecutionMode,
  report: Report,
): TradePlanRow | undefined {
  const before = { count: 0 };
  const fail: Report = (field, detail) => {
    before.count++;
    report(field, detail);
  };
  const symbol = cell('symbol').toUpperCase();
  if (symbol === '') fail('symbol', 'missing');
  else if (!/^[A-Z0-9][A-Z0-9./-]*$/.test(symbol))
    fail('symbol', `${JSON.stringify(symbol)} is not a symbol`);

  const sideText = cell('side').toLowerCase();
  const side = sideText === 'buy' || sideText === 'sell' ? (sideText as Side) : undefined;
  if (side === undefined)
    fail(
      'side',
      sideText === '' ? 'missing (buy or sell)' : `${JSON.stringify(cell('side'))} is not buy or sell`,
    );

  const typeText = cell('entry_type')
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
    .replace('stoplimit', 'stop_limit');
  const entryType = (ENTRY_TYPES as readonly string[]).includes(typeText)
    ? (typeText as EntryType)
    : undefined;
  if (entryType === undefined) {
    fail(
      'entry_type',
      typeText === ''
        ? `missing (${ENTRY_TYPES.join(', ')})`
        : `${JSON.stringify(cell('entry_type'))} is not one of ${ENTRY_TYPES.join(', ')}`,
    );
  }

  const number = (field: TradePlanField): number | undefined => {
    const text = cell(field);
    if (text === '') return undefined;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) {
      fail(field, `${JSON.stringify(text)} is not a number`);
      return undefined;
    }
    const value = Number(text);
    if (!(value > 0) || !Number.isFinite(value)) {
      fail(field, `${text} must be a positive number`);
      return undefined;
    }
    return value;
  };
  const qty = number('qty');
  const notional = number('notional');
  const entryPrice = number('entry_price');
  const limitPrice = number('limit_price');
  const takeProfit = number('take_profit');
  const stopLoss = number('stop_loss');
  const holdDays = number('hold_days');
  if (takeProfit === undefined && cell('take_profit') === '') fail('take_profit', 'missing');
  if (stopLoss === undefined && cell('stop_loss') === '') fail('stop_loss', 'missing');

  const tifText = cell('tif').toLowerCase();
  const timeInForce = tifText === '' ? 'day' : tifText === 'day' || tifText === 'gtc' ? tifText : undefined;
  if (timeInForce === undefined) fail('tif', `${JSON.stringify(cell('tif'))} is not day or gtc`);

  if (before.count > 0 || side === undefined || entryType === undefined || timeInForce === undefined)
    return undefined;
  if (takeProfit === undefined || stopLoss === undefined) return undefined;
  return {
    line,
    symbol,
    side,
    ...(qty !== undefined && { qty }),
    ...(notional !== undefined && { notional }),
    entryType,
    ...(entryPrice !== undefined && { entryPrice }),
    ...(limitPrice !== undefined && { limitPrice }),
    takeProfit,
    stopLoss,
    timeInForce,
    ...(holdDays !== undefined && { holdDays }),
    timeLimitDays: holdDays ?? MAX_HOLDING_DAYS[mode],
    mode,
  };
}

/** The rules between fields of a row: size, prices for the entry type, stop and target around the entry, holding time. */
export function tradePlanRowProblems(
  row: Omit<TradePlanRow, 'line'>,
): { readonly field: TradePlanField; readonly detail: string }[] {
  const problems: { field: TradePlanField; detail: string }[] = [];
  if (row.qty !== undefined && row.notional !== undefined) {
    problems.push({
      field: 'notional',
      detail: `give qty or notional, not both (qty ${row.qty}, notional ${row.notional})`,
    });
  } else if (row.qty === undefined && row.notional === undefined) {
    problems.push({ field: 'qty', detail: 'missing: give qty or notional' });
  }
  if (row.entryType !== 'market' && row.entryPrice === undefined) {
    problems.push({ field: 'entry_price', detail: `missing: a ${row.entryType} entry needs its price` });
  }
  if (row.limitPrice !== undefined && row.entryType !== 'stop_limit') {
    problems.push({
      field: 'limit_price',
      detail: `only a stop_limit entry has a separate limit price (this is ${row.entryType})`,
    });
  }
  const buy = row.side === 'buy';
  const entry = row.entryPrice;
  if (entry !== undefined) {
    // A buy risks the fall to its stop and aims at the rise to its target; a sell the reverse.
    const stopWrong = buy ? row.stopLoss >= entry : row.stopLoss <= entry;
    if (stopWrong) {
      problems.push({
        field: 'stop_loss',
        detail: `${row.stopLoss} is ${relation(row.stopLoss, entry)} the entry ${entry} for a ${row.side}`,
      });
    }
    const targetWrong = buy ? row.takeProfit <= entry : row.takeProfit >= entry;
    if (targetWrong) {
      problems.push({
        field: 'take_profit',
        detail: `${row.takeProfit} is ${relation(row.takeProfit, entry)} the entry ${entry} for a ${row.side}`,
      });
    }
  } else if (buy ? row.stopLoss >= row.takeProfit : row.stopLoss <= row.takeProfit) {
    problems.push({
      field: 'stop_loss',
      detail: `${row.stopLoss} is ${relation(row.stopLoss, row.takeProfit)} the take profit ${row.takeProfit} for a ${row.side}`,
    });
  }
  const bound = MAX_HOLDING_DAYS[row.mode];
  if (row.holdDays !== undefined && row.holdDays > bound) {
    const wider = EXECUTION_MODES.find((mode) => MAX_HOLDING_DAYS[mode] >= row.holdDays!);
    problems.push({
      field: 'hold_days',
      detail: `${row.holdDays} days is longer than ${row.mode} mode allows (at most ${bound} days)${wider === undefined ? '' : `; use ${wider} mode or shorten it`}`,
    });
  }
  return problems;
}

/**
 * A row's size against the limits: a sane number of shares, whole shares unless the session trades fractions, and
 * within the session's position and notional limits. A row's notional is valued at its entry price, else the last
 * close, else the least its entry can fill at given its own exits (a buy above its stop, a sell above its target).
 */
function sizeProblems(
  row: TradePlanRow,
  limits: PlanLimits | undefined,
): { readonly field: TradePlanField; readonly detail: string }[] {
  const { qty, notional } = row;
  if (qty !== undefined && qty > MAX_PLAN_SHARES) {
    return [{ field: 'qty', detail: `${qty} is not a sane number of shares (at most ${MAX_PLAN_SHARES})` }];
  }
  if (limits === undefined) return [];
  const problems: { field: TradePlanField; detail: string }[] = [];
  const limit = `the session's limit of ${limits.maxNotional} notional (${limits.maxNotionalReason})`;
  if (notional !== undefined && notional > limits.maxNotional) {
    problems.push({ field: 'notional', detail: `${notional} is more than ${limit}` });
  }
  if (qty === undefined) return problems;
  const step = limits.quantityStep;
  if (step > 0 && Math.abs(qty / step - Math.round(qty / step)) > 1e-9) {
    problems.push({
      field: 'qty',
      detail:
        step === 1
          ? `${qty} is not a whole number of shares (this session does not trade fractional shares)`
          : `${qty} is not a multiple of this session's quantity step ${step}`,
    });
  }
  if (limits.maxPositionQty !== undefined && qty > limits.maxPositionQty) {
    problems.push({
      field: 'qty',
      detail: `${qty} shares is more than the session's limit of ${limits.maxPositionQty} shares per position`,
    });
  }
  const last = limits.lastPrices?.[row.symbol];
  const [price, valuedAt] =
    row.entryPrice !== undefined
      ? [row.entryPrice, 'its entry price']
      : last !== undefined
        ? [last, 'the last close']
        : row.side === 'buy'
          ? [row.stopLoss, 'its stop loss (a buy enters above it)']
          : [row.takeProfit, 'its take profit (a sell enters above it)'];
  if (qty * price > limits.maxNotional) {
    const most = step > 0 ? Math.floor(limits.maxNotional / price / step) * step : limits.maxNotional / price;
    problems.push({
      field: 'qty',
      detail: `${qty} shares at ${price}, ${valuedAt}, is more than ${limit}: at most ${most} shares`,
    });
  }
  return problems;
}

function relation(value: number, reference: number): string {
  return value > reference ? 'above' : value < reference ? 'below' : 'at';
}

function duplicateKey(row: TradePlanRow): string {
  return JSON.stringify([
    row.symbol,
    row.side,
    row.qty,
    row.notional,
    row.entryType,
    row.entryPrice,
    row.limitPrice,
    row.takeProfit,
    row.stopLoss,
    row.timeInForce,
    row.holdDays,
  ]);
}

export interface TradePlanIntentOptions {
  /** The price a notional market entry without an entry price is sized at (the last price). */
  readonly referencePrice?: number;
}

/**
 * The orders a plan row places: one 'open' intent with its stop loss and take profit attached (the risk gateway
 * turns them into the bracket). A notional row is sized here as notional / entry price (the reference price for a
 * market entry without one); the gateway then rounds the quantity to its lot rules.
 */
export function tradePlanIntents(row: TradePlanRow, options: TradePlanIntentOptions = {}): OrderIntent[] {
  let qty = row.qty;
  let sizing = '';
  if (qty === undefined) {
    const price = row.entryPrice ?? options.referencePrice;
    if (price === undefined || !(price > 0)) {
      throw new RangeError(
        `trade plan line ${row.line}: a notional market entry without an entry price needs a reference price to size it`,
      );
    }
    qty = row.notional! / price;
    sizing = `, notional ${row.notional} sized at ${row.entryPrice === undefined ? 'the reference price' : 'the entry price'} ${price}`;
  }
  const prices =
    row.entryType === 'limit'
      ? { limitPrice: row.entryPrice! }
      : row.entryType === 'stop'
        ? { stopPrice: row.entryPrice! }
        : row.entryType === 'stop_limit'
          ? { stopPrice: row.entryPrice!, limitPrice: row.limitPrice ?? row.entryPrice! }
          : {};
  const at = row.entryType === 'market' ? 'market' : `${row.entryType} ${row.entryPrice}`;
  return [
    {
      symbol: row.symbol,
      side: row.side,
      purpose: 'open',
      type: row.entryType,
      qty,
      ...prices,
      stopLoss: row.stopLoss,
      takeProfit: row.takeProfit,
      timeInForce: row.timeInForce,
      reason: `trade plan line ${row.line}: ${row.side} ${row.symbol} ${at}, stop ${row.stopLoss}, target ${row.takeProfit}, hold ≤ ${row.timeLimitDays} trading days${sizing}`,
    },
  ];
}

/**
 * When a plan position entered at `entryTimeMs` must be closed, counting its time limit in trading days: whole days
 * move to the same time of day on a later trading day (cut at that day's close, e.g. an early close); a fraction of
 * a day adds that fraction of a session of open-market time, running into the next session when it passes the close.
 * An entry outside a session counts from the next open. The deadline is never after a session close, so "close the
 * position at the first bar close at or after the deadline" always happens while the market is open. Crypto days
 * are 24 hours.
 */
export function holdingDeadline(
  row: Pick<TradePlanRow, 'timeLimitDays'>,
  entryTimeMs: number,
  calendar: MarketCalendar,
): number {
  const days = row.timeLimitDays;
  if (!(days > 0) || !Number.isFinite(days))
    throw new RangeError(`the time limit must be a positive number of days, got ${days}`);
  if (calendar === 'crypto') return entryTimeMs + days * DAY_MS;
  const entrySession = currentOrNextSession(calendar, entryTimeMs);
  const start = Math.max(entryTimeMs, entrySession.open);
  const intoSession = start - entrySession.open;
  const whole = Math.floor(days);
  const fraction = days - whole;
  let session: TradingSession = entrySession;
  if (whole > 0) session = sessionOnDay(calendar, addTradingDays(calendar, entrySession.day, whole))!;
  let at = Math.min(session.open + intoSession, session.close);
  // The fraction of a regular 6.5-hour session, so "half a day" means the same time whatever the day's close.
  let left = fraction * 6.5 * 3_600_000;
  while (left > 0) {
    if (at + left <= session.close) return at + left;
    left -= session.close - at;
    session = currentOrNextSession(calendar, session.close);
    at = session.open;
  }
  return at;
}

interface CsvRecord {
  /** Physical line (1-based) where the record starts. */
  readonly line: number;
  readonly fields: readonly string[];
}

/** CSV text as records through the one tokenizer, skipping blank and `#` comment lines. */
function splitCsv(text: string, source: string): CsvRecord[] {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const scanner = new CsvScanner(
    text,
    detectDelimiter(text, start, true),
    start,
    (line) =>
      new TradePlanError(source, [
        { file: source, line, field: undefined, detail: 'a quoted field is never closed' },
      ]),
  );
  const records: CsvRecord[] = [];
  for (let count = scanner.readRow(); count >= 0; count = scanner.readRow()) {
    const fields: string[] = [];
    for (let i = 0; i < count; i++) fields.push(scanner.fieldText(i));
    if (!fields[0]!.startsWith('#')) records.push({ line: scanner.rowLine, fields });
  }
  return records;
}
