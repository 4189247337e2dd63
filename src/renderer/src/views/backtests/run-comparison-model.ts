// Backtest runs side by side as rows of text: each metric for every run with each later run's difference from the
// first (in the metric's own unit: percentage points, dollars, ratio), and each setting in which their setups differ.
import type {
  ComparedSetting,
  ConfigDifference,
  SettingSection,
  SettingValue,
} from '../../../../shared/domain/backtest';
import {
  annualisedWithheld,
  type NumericMetric,
  type PerformanceMetrics,
} from '../../../../shared/domain/metrics';
import {
  formatDuration,
  formatMoney,
  formatNumber,
  formatPercent,
  MISSING,
  type Tone,
} from '../../components/chart/format';
import { RISK_HINTS, VENUE_HINTS } from '../../components/form/config-hints';
import { humanise } from '../../components/form/schema-model';

/** How a metric's value is written, and so how its difference is: percent → percentage points. */
type MetricUnit = 'percent' | 'ratio' | 'money' | 'count';
/** Which way is better for the trader; null where neither is (trade count, time in market). */
type Better = 'higher' | 'lower' | null;

interface MetricSpec {
  readonly label: string;
  readonly unit: MetricUnit;
  readonly better: Better;
  readonly key: NumericMetric;
  /** Returns are signed ("+12.3%"); levels such as volatility are not. */
  readonly signed?: boolean;
}

const spec = (
  label: string,
  unit: MetricUnit,
  better: Better,
  key: NumericMetric,
  signed = false,
): MetricSpec => ({ label, unit, better, key, signed });

// The tear sheet's order (as the single-run metrics table); each figure compared in its own unit.
const METRICS: readonly MetricSpec[] = [
  spec('Total return', 'percent', 'higher', 'totalReturn', true),
  spec('CAGR', 'percent', 'higher', 'cagr', true),
  spec('Annual volatility', 'percent', 'lower', 'annualVolatility'),
  spec('Sharpe', 'ratio', 'higher', 'sharpe'),
  spec('Sortino', 'ratio', 'higher', 'sortino'),
  spec('Calmar', 'ratio', 'higher', 'calmar'),
  spec('Max drawdown', 'percent', 'lower', 'maxDrawdown'),
  spec('Trades', 'count', null, 'trades'),
  spec('Win rate', 'percent', 'higher', 'winRate'),
  spec('Profit factor', 'ratio', 'higher', 'profitFactor'),
  spec('Average win', 'money', 'higher', 'averageWin', true),
  spec('Average loss', 'money', 'higher', 'averageLoss', true),
  spec('Expectancy', 'money', 'higher', 'expectancy', true),
  spec('Largest win', 'money', 'higher', 'largestWin', true),
  spec('Largest loss', 'money', 'higher', 'largestLoss', true),
  spec('Recovery factor', 'ratio', 'higher', 'recoveryFactor'),
  spec('Time in market', 'percent', null, 'exposureTime'),
  spec('Fees', 'money', 'lower', 'fees'),
  spec('End equity', 'money', 'higher', 'endEquity'),
];

export interface MetricComparisonRow {
  readonly label: string;
  readonly a: string;
  readonly b: string;
  /** B − A in the metric's unit, signed ("+1.25 pp", "-$310.00", "+0.42"); an em dash when either is missing. */
  readonly difference: string;
  /** 'up' when B is better by this figure, 'down' when worse; undefined when equal, missing or neither. */
  readonly tone: Tone;
  /** Why A's or B's figure is withheld ("too few bars (13) …"), as a tooltip; absent when shown. */
  readonly aTitle?: string;
  readonly bTitle?: string;
}

const isFiniteNumber = (v: number | null): v is number => v !== null && Number.isFinite(v);

function formatValue(unit: MetricUnit, value: number | null, signed: boolean): string {
  switch (unit) {
    case 'percent':
      return formatPercent(value, { signed });
    case 'ratio':
      return formatNumber(value, 2);
    case 'money':
      return formatMoney(value, { signed });
    case 'count':
      return formatNumber(value, 0);
  }
}

/** The difference as shown, and whether it rounds to nothing at that precision (then it has no sign and no tone). */
function formatDifference(unit: MetricUnit, diff: number): { text: string; zero: boolean } {
  const signed = (text: string, zero: boolean) => ({ text: zero || diff < 0 ? text : `+${text}`, zero });
  switch (unit) {
    case 'percent': {
      const points = diff * 100;
      const zero = Math.abs(points) < 0.005;
      return signed(`${formatNumber(zero ? 0 : points, 2)} pp`, zero);
    }
    case 'ratio': {
      const zero = Math.abs(diff) < 0.005;
      return signed(formatNumber(zero ? 0 : diff, 2), zero);
    }
    case 'money': {
      const zero = Math.abs(diff) < 0.005;
      return { text: formatMoney(zero ? 0 : diff, { signed: true }), zero };
    }
    case 'count':
      return signed(formatNumber(diff, 0), diff === 0);
  }
}

function toneOfDifference(diff: number, better: Better, zero: boolean): Tone {
  if (better === null || zero) return undefined;
  const improved = better === 'higher' ? diff > 0 : diff < 0;
  return improved ? 'up' : 'down';
}

/** The longest drawdown in time when both runs have timestamps, else in bars. */
function longestDrawdownRow(a: PerformanceMetrics, b: PerformanceMetrics): MetricComparisonRow {
  const label = 'Longest drawdown';
  if (a.maxDrawdownDurationMs !== null && b.maxDrawdownDurationMs !== null) {
    const diff = b.maxDrawdownDurationMs - a.maxDrawdownDurationMs;
    return {
      label,
      a: formatDuration(a.maxDrawdownDurationMs),
      b: formatDuration(b.maxDrawdownDurationMs),
      difference: diff === 0 ? '0s' : `${diff > 0 ? '+' : ''}${formatDuration(diff)}`,
      tone: toneOfDifference(diff, 'lower', diff === 0),
    };
  }
  const diff = b.maxDrawdownDuration - a.maxDrawdownDuration;
  return {
    label,
    a: `${formatNumber(a.maxDrawdownDuration, 0)} bars`,
    b: `${formatNumber(b.maxDrawdownDuration, 0)} bars`,
    difference: `${diff > 0 ? '+' : ''}${formatNumber(diff, 0)} bars`,
    tone: toneOfDifference(diff, 'lower', diff === 0),
  };
}

export function metricComparisonRows(a: PerformanceMetrics, b: PerformanceMetrics): MetricComparisonRow[] {
  const rows = METRICS.map((metric): MetricComparisonRow => {
    const va = a[metric.key];
    const vb = b[metric.key];
    const signed = metric.signed === true;
    // An annualised figure on too few bars is not shown, so neither is a difference against it.
    const aTitle = annualisedWithheld(a, metric.key);
    const bTitle = annualisedWithheld(b, metric.key);
    const base = {
      label: metric.label,
      a: aTitle === null ? formatValue(metric.unit, va, signed) : MISSING,
      b: bTitle === null ? formatValue(metric.unit, vb, signed) : MISSING,
      ...(aTitle !== null && { aTitle }),
      ...(bTitle !== null && { bTitle }),
    };
    if (!isFiniteNumber(va) || !isFiniteNumber(vb) || aTitle !== null || bTitle !== null)
      return { ...base, difference: MISSING, tone: undefined };
    const diff = vb - va;
    const { text, zero } = formatDifference(metric.unit, diff);
    return { ...base, difference: text, tone: toneOfDifference(diff, metric.better, zero) };
  });
  // After max drawdown, as in the single-run table.
  const at = rows.findIndex((row) => row.label === 'Max drawdown') + 1;
  rows.splice(at, 0, longestDrawdownRow(a, b));
  return rows;
}

/** The letter a compared run goes by, in the comparison's order: A (the one the others are measured against), B, C, D. */
export const runLetter = (index: number): string => String.fromCharCode(65 + index);

/** One metric across every compared run: each run's figure, and each later run's difference from the first. */
export interface MetricTableRow {
  readonly label: string;
  readonly values: readonly { readonly text: string; readonly title?: string }[];
  /** differences[i] is run i+1 − run A. */
  readonly differences: readonly { readonly text: string; readonly tone: Tone }[];
}

/** The comparison table of two to four runs: the pairwise rows of the first run against each of the others. */
export function metricComparisonTable(runs: readonly PerformanceMetrics[]): MetricTableRow[] {
  const [first, ...others] = runs;
  if (first === undefined || others.length === 0) return [];
  const pairs = others.map((other) => metricComparisonRows(first, other));
  return pairs[0]!.map((row, r) => ({
    label: row.label,
    values: [
      { text: row.a, ...(row.aTitle !== undefined && { title: row.aTitle }) },
      ...pairs.map((pair) => ({
        text: pair[r]!.b,
        ...(pair[r]!.bTitle !== undefined && { title: pair[r]!.bTitle }),
      })),
    ],
    differences: pairs.map((pair) => ({ text: pair[r]!.difference, tone: pair[r]!.tone })),
  }));
}

export const SECTION_LABELS: Readonly<Record<SettingSection, string>> = {
  data: 'Data',
  general: 'General',
  strategy: 'Strategy',
  risk: 'Risk',
  costs: 'Fills and costs',
};

export interface SettingDifferenceRow {
  readonly key: string;
  readonly section: string;
  readonly setting: string;
  /** Each run's value as text, in the comparison's order. */
  readonly values: readonly string[];
  /** The setting's unit, e.g. "bps", "$ / share", "fraction (0.05 = 5%)"; empty when it has none. */
  readonly unit: string;
}

const UNITS: Readonly<Record<string, string>> = {
  cash: '$',
  riskFreeRate: 'per year (0.04 = 4%)',
  ...Object.fromEntries(Object.entries(RISK_HINTS).map(([k, v]) => [`risk.${k}`, v.unit])),
  ...Object.fromEntries(Object.entries(VENUE_HINTS).map(([k, v]) => [`venue.${k}`, v.unit])),
};

/** `strategy.params.fast` → "Fast"; `risk.sizing.mode` → "Sizing · Mode"; `data.files.0.path` → "File 1 · Path". */
export function settingLabel(path: string): string {
  const [head, ...rest] = path.split('.');
  let shown: string[];
  switch (head) {
    case 'strategy':
      shown = rest[0] === 'params' ? rest.slice(1) : rest;
      break;
    case 'strategies':
      shown = [`${rest[0]} override`, ...rest.slice(rest[1] === 'params' ? 2 : 1)];
      break;
    case 'data':
    case 'risk':
    case 'venue':
      shown = rest;
      break;
    default:
      shown = [head!, ...rest];
  }
  const words: string[] = [];
  for (let i = 0; i < shown.length; i++) {
    const part = shown[i]!;
    const next = shown[i + 1];
    if (part === 'files' && next !== undefined && /^\d+$/.test(next)) {
      words.push(`File ${Number(next) + 1}`);
      i++;
    } else if (part === 'id') words.push('Strategy');
    else if (part.endsWith(' override')) words.push(part);
    else words.push(/^\d+$/.test(part) ? `#${Number(part) + 1}` : humanise(part));
  }
  return words.join(' · ');
}

/** A setting's value as text; absent (not set, or the option is off) as "not set". */
export function formatSetting(value: SettingValue | undefined): string {
  if (value === undefined) return 'not set';
  if (value === null) return 'none';
  if (Array.isArray(value)) return value.map((v) => formatSetting(v)).join(', ');
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

export function settingDifferenceRows(differences: readonly ConfigDifference[]): SettingDifferenceRow[] {
  return differences.map((d) => ({
    key: d.path,
    section: SECTION_LABELS[d.section],
    setting: settingLabel(d.path),
    values: d.values.map((entry: ComparedSetting) => formatSetting(entry?.value)),
    unit: UNITS[d.path] ?? '',
  }));
}
