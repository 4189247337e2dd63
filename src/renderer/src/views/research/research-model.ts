// The pure half of the Research view: the search rows a user fills in for a strategy's numeric parameters and the
// search dimensions they become, the grid's cell count, metrics in the trader's words, and the figures a result
// table shows. Tested without a DOM.
import { fieldLabel } from '../../../../shared/api/field-errors';
import type { PerformanceMetrics } from '../../../../shared/domain/metrics';
import type {
  ConstraintMetric,
  Objective,
  ParamDimension,
  ParamSet,
  ParamValue,
  ResearchCell,
  SearchMethod,
} from '../../../../shared/domain/research';
import { formatMoney, formatNumber, formatPercent, MISSING } from '../../components/chart/format';
import { describeFields, type JsonSchema } from '../../components/form/schema-model';

export const METRIC_LABELS: Readonly<Record<ConstraintMetric, string>> = {
  sharpe: 'Sharpe',
  sortino: 'Sortino',
  cagr: 'CAGR',
  totalReturn: 'Total return',
  calmar: 'Calmar',
  profitFactor: 'Profit factor',
  returnOverDrawdown: 'Return / drawdown',
  recoveryFactor: 'Recovery factor',
  expectancy: 'Expectancy',
  winRate: 'Win rate',
  endEquity: 'Final equity',
  maxDrawdown: 'Max drawdown',
  trades: 'Trades',
  exposureTime: 'Time in market',
  annualVolatility: 'Annual volatility',
};

/** Metrics kept as fractions and shown (and typed in constraints) as percentages. */
const PERCENT_METRICS: ReadonlySet<ConstraintMetric> = new Set([
  'cagr',
  'totalReturn',
  'winRate',
  'maxDrawdown',
  'exposureTime',
  'annualVolatility',
]);
const MONEY_METRICS: ReadonlySet<ConstraintMetric> = new Set(['endEquity', 'expectancy']);

export const isPercentMetric = (metric: ConstraintMetric): boolean => PERCENT_METRICS.has(metric);

/** A metric's value as the tables show it: 12.34%, $101,234.00, 1.42. */
export function formatMetric(metric: ConstraintMetric, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  if (PERCENT_METRICS.has(metric)) return formatPercent(value);
  if (MONEY_METRICS.has(metric)) return formatMoney(value);
  if (metric === 'trades') return String(Math.round(value));
  return formatNumber(value, 2);
}

/** A metric read from a report; returnOverDrawdown is total return ÷ max drawdown (null without a drawdown). */
export function metricOf(
  metrics: PerformanceMetrics | null | undefined,
  metric: ConstraintMetric,
): number | null {
  if (!metrics) return null;
  if (metric === 'returnOverDrawdown') {
    return metrics.totalReturn !== null && metrics.maxDrawdown > 0
      ? metrics.totalReturn / metrics.maxDrawdown
      : null;
  }
  const value = metrics[metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export const METHOD_LABELS: Readonly<Record<SearchMethod, string>> = {
  grid: 'Grid (all)',
  random: 'Random',
  tpe: 'Bayesian (TPE)',
};

// ---------------------------------------------------------------------------------------------------------------
// Search rows: one per numeric parameter of the chosen strategy

export interface SearchRow {
  readonly name: string;
  readonly label: string;
  readonly integer: boolean;
  /** Searched, or held at the strategy form's value. */
  readonly on: boolean;
  readonly mode: 'values' | 'range';
  /** As typed: "5,8,10". */
  readonly values: string;
  readonly min: string;
  readonly max: string;
  readonly step: string;
}

/** A few values around a default, inside the schema's bounds: 10 → 5, 10, 15, 20. */
export function suggestedValues(fallback: number, integer: boolean, schema: JsonSchema): number[] {
  const lo = typeof schema.minimum === 'number' ? schema.minimum : Number.NEGATIVE_INFINITY;
  const hi = typeof schema.maximum === 'number' ? schema.maximum : Number.POSITIVE_INFINITY;
  const base = fallback === 0 ? 1 : fallback;
  const raw = [base * 0.5, base, base * 1.5, base * 2].map((v) =>
    integer ? Math.round(v) : Number(v.toFixed(4)),
  );
  return [...new Set(raw.filter((v) => v >= lo && v <= hi))];
}

/** An even step through suggested values: 10,20,30,40 → 10. */
function rangeStep(values: readonly number[], integer: boolean): number {
  if (values.length < 2) return integer ? 1 : 0.1;
  const step = (values[values.length - 1]! - values[0]!) / (values.length - 1);
  return integer ? Math.max(1, Math.round(step)) : Number(step.toPrecision(3));
}

/** The rows for a strategy's parameters schema: the first two numeric parameters searched, the rest held. */
export function searchRowsFor(schema: JsonSchema | undefined, defaults: ParamSet | undefined): SearchRow[] {
  if (!schema) return [];
  const numeric = describeFields(schema).filter((f) => f.kind === 'number' || f.kind === 'integer');
  return numeric.map((field, i) => {
    const integer = field.kind === 'integer';
    const given = defaults?.[field.key] ?? field.default;
    const fallback =
      typeof given === 'number' ? given : typeof field.schema.minimum === 'number' ? field.schema.minimum : 1;
    const values = suggestedValues(fallback, integer, field.schema);
    return {
      name: field.key,
      // The label the strategy form and main's refusals use ("Fast period").
      label: fieldLabel(`strategy.params.${field.key}`, field.label),
      integer,
      on: i < 2,
      mode: 'values',
      values: values.join(','),
      min: String(values[0] ?? fallback),
      max: String(values[values.length - 1] ?? fallback),
      // The suggestions' spacing, so switching to a range keeps about as many cells.
      step: String(rangeStep(values, integer)),
    };
  });
}

/** "5, 8,10" → [5, 8, 10]; a word that is not a number is named. */
export function parseValueList(text: string, integer: boolean): { values: number[] } | { problem: string } {
  const parts = text
    .split(/[,\s;]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) return { problem: 'give at least one value' };
  const values: number[] = [];
  for (const part of parts) {
    const value = Number(part);
    if (!Number.isFinite(value)) return { problem: `${part} is not a number` };
    if (integer && !Number.isInteger(value)) return { problem: `${part} is not a whole number` };
    values.push(value);
  }
  return { values: [...new Set(values)] };
}

const numberOrNull = (text: string): number | null => {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
};

/** A searched row as a dimension of the search, or why it cannot be one (in words, without the label). */
export function dimensionOf(
  row: SearchRow,
  method: SearchMethod,
): { dimension: ParamDimension } | { problem: string } {
  if (row.mode === 'values') {
    const parsed = parseValueList(row.values, row.integer);
    if ('problem' in parsed) return parsed;
    return { dimension: { kind: 'values', name: row.name, values: parsed.values } };
  }
  const min = numberOrNull(row.min);
  const max = numberOrNull(row.max);
  const step = numberOrNull(row.step);
  if (min === null) return { problem: 'give the lowest value' };
  if (max === null) return { problem: 'give the highest value' };
  if (max <= min) return { problem: 'the highest value must be above the lowest' };
  if (step !== null && step <= 0) return { problem: 'the step must be above 0' };
  if (step === null && method === 'grid') return { problem: 'a grid needs a step' };
  return {
    dimension: {
      kind: 'range',
      name: row.name,
      min,
      max,
      ...(step !== null && { step }),
      integer: row.integer,
    },
  };
}

/** How many values a dimension gives a grid; null for a range without a step. */
export function dimensionSize(dimension: ParamDimension): number | null {
  if (dimension.kind === 'values') return dimension.values.length;
  if (dimension.step === undefined) return null;
  // A hair of slack so 0.1 steps up to 1 count 10 intervals, not 9.999….
  return Math.floor((dimension.max - dimension.min) / dimension.step + 1e-9) + 1;
}

export interface SearchPlan {
  readonly dimensions: readonly ParamDimension[];
  /** Problems by parameter name, for the rows to show. */
  readonly problems: Readonly<Record<string, string>>;
  /** Cells a grid runs (product of sizes), or the trials of random/TPE; null while a row has a problem. */
  readonly cells: number | null;
}

export function planSearch(rows: readonly SearchRow[], method: SearchMethod, trials: number): SearchPlan {
  const dimensions: ParamDimension[] = [];
  const problems: Record<string, string> = {};
  for (const row of rows) {
    if (!row.on) continue;
    const result = dimensionOf(row, method);
    if ('problem' in result) problems[row.name] = result.problem;
    else dimensions.push(result.dimension);
  }
  const ok = Object.keys(problems).length === 0 && dimensions.length > 0;
  let cells: number | null = null;
  if (ok && method === 'grid') {
    cells = dimensions.reduce<number | null>((n, d) => {
      const size = dimensionSize(d);
      return n === null || size === null ? null : n * size;
    }, 1);
  } else if (ok) cells = Number.isInteger(trials) && trials > 0 ? trials : null;
  return { dimensions, problems, cells };
}

/** "40 cells", "1 cell". */
export const cellsText = (cells: number): string =>
  `${cells.toLocaleString('en-US')} ${cells === 1 ? 'cell' : 'cells'}`;

// ---------------------------------------------------------------------------------------------------------------
// Results

export const formatParam = (value: ParamValue | null | undefined): string =>
  value === null || value === undefined
    ? MISSING
    : typeof value === 'number'
      ? formatNumber(value)
      : String(value);

/** "fast 10 · slow 30". */
export const paramsText = (params: ParamSet | null, names?: readonly string[]): string =>
  params === null
    ? MISSING
    : (names ?? Object.keys(params)).map((name) => `${name} ${formatParam(params[name])}`).join(' · ');

/** The best admissible cells by objective, best first (ties: the earlier cell). */
export function topCells(cells: readonly ResearchCell[], count: number): ResearchCell[] {
  return cells
    .filter((c) => c.excluded === null && c.objective !== null)
    .sort((a, b) => b.objective! - a.objective! || a.index - b.index)
    .slice(0, count);
}

/** "12s left", or nothing yet before the first job ends. */
export const etaText = (etaMs: number | null, format: (ms: number) => string): string =>
  etaMs === null ? 'estimating time left…' : `about ${format(etaMs)} left`;

export type { Objective };
