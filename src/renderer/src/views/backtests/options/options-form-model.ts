// The Phase 4D run form's state, its request and the first thing that keeps it from running, in the form's words.
// The request is checked by the same zod schema main checks it with (shared/domain/options-backtest.ts).
import type { FieldProblem } from '../../../../../shared/api/field-errors';
import {
  type OptionPresetId,
  type OptionsBacktestInput,
  optionsBacktestRequestSchema,
  PRESET_ACCOUNT_SIZE,
} from '../../../../../shared/domain/options-backtest';

export interface OptionsRunChoice {
  readonly preset: OptionPresetId;
  /** Full path of the SPY intraday bars CSV. */
  readonly spyPath: string;
  readonly volSource: 'csv' | 'synthetic';
  readonly vixPath: string;
  /** Starting cash; follows the preset's account size until the trader types another. */
  readonly cash: number;
  readonly cashEdited: boolean;
  /** The strategy's params as the schema form reports them, and whether each field passes. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly paramsValid: boolean;
}

export const DEFAULT_OPTIONS_CHOICE: OptionsRunChoice = {
  preset: '2k',
  spyPath: '',
  volSource: 'csv',
  vixPath: '',
  cash: PRESET_ACCOUNT_SIZE['2k'],
  cashEdited: false,
  params: {},
  paramsValid: true,
};

/** A preset change carries the cash along unless the trader set their own. */
export function withPreset(choice: OptionsRunChoice, preset: OptionPresetId): OptionsRunChoice {
  return { ...choice, preset, cash: choice.cashEdited ? choice.cash : PRESET_ACCOUNT_SIZE[preset] };
}

export function optionsRequest(choice: OptionsRunChoice): OptionsBacktestInput {
  return {
    preset: choice.preset,
    underlying: { path: choice.spyPath.trim() },
    volatility:
      choice.volSource === 'csv' ? { source: 'csv', path: choice.vixPath.trim() } : { source: 'synthetic' },
    cash: choice.cash,
    params: foldFilters(choice.params),
  };
}

const looksAbsolute = (path: string): boolean => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path);

/** The form's names of the request's fields. */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  'underlying.path': 'SPY bars file',
  'volatility.path': 'VIX history file',
  cash: 'Starting cash',
};

/** Why the run cannot be sent yet, naming the field; null when it can. */
export function optionsRunProblem(choice: OptionsRunChoice): string | null {
  const spy = choice.spyPath.trim();
  if (spy === '') return 'SPY bars file: give the path of a CSV of SPY intraday bars.';
  if (!looksAbsolute(spy)) return 'SPY bars file: give the full path (starting with / or a drive letter).';
  if (choice.volSource === 'csv') {
    const vix = choice.vixPath.trim();
    if (vix === '') return 'VIX history file: give the path of VIX_History.csv, or pick synthetic VIX.';
    if (!looksAbsolute(vix))
      return 'VIX history file: give the full path (starting with / or a drive letter).';
  }
  if (!choice.paramsValid) return 'Strategy parameters: fix the marked field.';
  const parsed = optionsBacktestRequestSchema.safeParse(optionsRequest(choice));
  if (parsed.success) return null;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  return `${FIELD_WORDS[path] ?? path}: ${Number.isNaN(choice.cash) && path === 'cash' ? 'give an amount' : issue.message}`;
}

/** Main's refusal by the request's full field path (`volatility.path`, `params.profitTarget`), the first per field. */
export function optionsFieldErrors(problems: readonly FieldProblem[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { path, message } of problems) out[path] ??= message;
  return out;
}

/** The day-skip filters' fields, shown as numbers of their own instead of one JSON object. */
const FILTER_FIELDS: Readonly<Record<string, string>> = {
  maxVix: "Skip the day when the previous session's VIX close is above this",
  extremeRange: "Skip the day when the previous session's SPY range (high − low, $) is above this (extreme)",
  moderateRange: 'Skip the day when that range is above this (moderate)',
};

type Schema = Readonly<Record<string, unknown>>;

/** The strategy's params schema with `filters` opened into its three numbers (the form cannot edit an object). */
export function formParamsSchema(schema: Schema): Schema {
  const properties = schema['properties'] as Record<string, Schema> | undefined;
  const filters = properties?.['filters']?.['properties'] as Record<string, Schema> | undefined;
  if (properties === undefined || filters === undefined) return schema;
  const opened: Record<string, Schema> = {};
  for (const [name, field] of Object.entries(properties)) {
    if (name !== 'filters') opened[name] = field;
    else
      for (const [key, sub] of Object.entries(filters))
        opened[key] = { ...sub, description: FILTER_FIELDS[key] ?? sub['description'] };
  }
  return { ...schema, properties: opened };
}

/** The form's values as the strategy takes them: the three filter numbers back under `filters`. */
export function foldFilters(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const filters: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (key in FILTER_FIELDS) filters[key] = value;
    else params[key] = value;
  }
  return Object.keys(filters).length > 0 ? { ...params, filters } : params;
}

/** A refusal of `params.filters.maxVix` belongs to the form's `maxVix` field. */
export const paramField = (path: string): string => path.replace(/^params\.(filters\.)?/, '');
