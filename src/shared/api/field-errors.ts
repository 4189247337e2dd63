// Refusals by field, in the user's words: one mapping from a schema path (`config.strategy.params.fast`) to the label
// the forms show ("Fast period"), and zod issues turned into "must be at most 2000000" rather than zod's own wording.
// Main uses it to build a failure's structured field errors; the renderer uses it for the same labels and live checks.
import type { z } from 'zod';

/** One refused field: where it is in the call's argument (dots) and what is wrong with it, without the label. */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * Labels by path suffix; the longest matching suffix wins, so `params.fast` labels any strategy's fast period and
 * `cash` the starting cash of a backtest or a session. Keys without an entry are humanised (`stopLoss` → "Stop loss").
 */
const LABELS: Readonly<Record<string, string>> = {
  name: 'Name',
  cash: 'Starting cash',
  'feed.speed': 'Speed',
  symbols: 'Symbols',
  timeframe: 'Timeframe',
  'data.bars': 'Bars per symbol',
  'data.seed': 'Seed',
  'data.start': 'First day',
  'data.end': 'Last day',
  'data.feed': 'Feed',
  'files.path': 'File path',
  'underlying.path': 'SPY bars file',
  'volatility.path': 'VIX history file',
  'files.symbol': 'Symbol',
  'strategy.id': 'Strategy',
  keyId: 'API key id',
  secret: 'Secret key',
  'params.fast': 'Fast period',
  'params.slow': 'Slow period',
  'params.signal': 'Signal period',
  'params.period': 'Period',
  'params.overbought': 'Overbought level',
  'params.oversold': 'Oversold level',
  'params.allowShort': 'Allow short',
  json: 'Model file',
};

const ACRONYMS: Readonly<Record<string, string>> = {
  sma: 'SMA',
  ema: 'EMA',
  wma: 'WMA',
  rsi: 'RSI',
  macd: 'MACD',
  atr: 'ATR',
  adx: 'ADX',
  vwap: 'VWAP',
  pnl: 'P&L',
  id: 'ID',
  api: 'API',
  url: 'URL',
  ohlc: 'OHLC',
  oco: 'OCO',
  bps: 'bps',
  qty: 'qty',
};

/**
 * A key as a label: `riskPerTrade` → "Risk per trade", `max_daily_loss` → "Max daily loss", `rsiPeriod` →
 * "RSI period", `maxATRMultiple` → "Max ATR multiple", `sma50` → "SMA 50".
 */
export function humanise(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-zA-Z])(\d)/g, '$1 $2')
    .replace(/[_\-.\s]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w !== '');
  return words
    .map((word, i) => {
      const lower = word.toLowerCase();
      const acronym = ACRONYMS[lower];
      if (acronym) return i === 0 ? acronym[0]!.toUpperCase() + acronym.slice(1) : acronym;
      // Keep all-caps words of 2+ letters as written (an acronym we do not know).
      if (word.length > 1 && word === word.toUpperCase() && /[A-Z]/.test(word)) return word;
      return i === 0 ? lower[0]!.toUpperCase() + lower.slice(1) : lower;
    })
    .join(' ');
}

/** The path's named parts: list indexes dropped (`data.files.0.path` → data, files, path). */
const namedParts = (path: string): string[] =>
  path.split('.').filter((part) => part !== '' && !/^\d+$/.test(part));

/**
 * The label of the field at `path`, as the forms show it. `fallback` (a schema's own title) is used when the map has
 * no entry; otherwise the last key is humanised.
 */
export function fieldLabel(path: string, fallback?: string): string {
  const parts = namedParts(path);
  // A replay session's files are keyed by symbol: `feed.files.BOLT` is the price file for BOLT.
  const files = parts.indexOf('files');
  if (files > 0 && parts[files - 1] === 'feed' && parts.length === files + 2)
    return `Price file for ${parts[files + 1]}`;
  for (let from = 0; from < parts.length; from++) {
    const label = LABELS[parts.slice(from).join('.')];
    if (label !== undefined) return label;
  }
  if (fallback !== undefined) return fallback;
  const last = parts[parts.length - 1];
  return last === undefined ? 'The request' : humanise(last);
}

/** "Fast period: must be less than the slow period (30)". */
export function describeProblem(problem: FieldProblem): string {
  return `${fieldLabel(problem.path)}: ${problem.message}`;
}

/** Several problems as one line of text, at most five. */
export function describeProblems(problems: readonly FieldProblem[]): string {
  return problems.slice(0, 5).map(describeProblem).join('; ');
}

/** How zod's built-in messages begin; anything else was written by whoever wrote the schema. */
const ZOD_WORDING = /^(Invalid|Too small|Too big|Unrecognized key)/;

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/** A zod issue in the user's words, the same wording the forms' live checks use ("must be at least 2"). */
export function issueMessage(issue: z.core.$ZodIssue): string {
  // A schema's own message ("enter the API key id from your Alpaca paper dashboard") is already in words.
  if (!ZOD_WORDING.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string')
        return min <= 1 ? 'is required' : `must be at least ${plural(min, 'character')}`;
      if (issue.origin === 'array') return `needs at least ${min}`;
      return issue.inclusive === false ? `must be greater than ${min}` : `must be at least ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${plural(max, 'character')}`;
      if (issue.origin === 'array') return `must have at most ${max}`;
      return issue.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`;
    }
    case 'invalid_type':
      if (/received undefined$/.test(issue.message)) return 'is required';
      if (issue.expected === 'int') return 'must be a whole number';
      if (issue.expected === 'number') return 'must be a number';
      if (issue.expected === 'string') return 'must be text';
      if (issue.expected === 'boolean') return 'must be true or false';
      return `must be ${issue.expected === 'object' ? 'a set of settings' : `a ${issue.expected}`}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `has no setting ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_format':
      return 'has the wrong format';
    default:
      return issue.message;
  }
}

/** Every issue as a field problem, its path under `prefix` (e.g. `config`). */
export function problemsOf(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.'),
    message: issueMessage(issue),
  }));
}

/**
 * Problems keyed by the field under `prefix` (`strategy.params` → { fast: "must be…" }), for a form that shows one
 * group of fields; a problem at the group itself goes under "".
 */
export function problemsUnder(
  problems: readonly FieldProblem[] | undefined,
  prefix: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { path, message } of problems ?? []) {
    const rest =
      prefix === ''
        ? path
        : path === prefix
          ? ''
          : path.startsWith(`${prefix}.`)
            ? path.slice(prefix.length + 1)
            : null;
    if (rest === null) continue;
    const key = rest.split('.')[0] ?? '';
    out[key] = out[key] === undefined ? message : out[key];
  }
  return out;
}
