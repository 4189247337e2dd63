// The Models view's logic without React: the feature set editor's rows and their checks (the shared zod schema's own
// words, labelled with the row), fold averages, a comparison of two models, and a model's predictions laid over a
// run's bars by bar time.
import { issueMessage } from '../../../../shared/api/field-errors';
import {
  type FeatureSetInput,
  type FeatureSpec,
  type FoldMetrics,
  featureSetSchema,
  featureSpecSchema,
  type ModelDetail,
} from '../../../../shared/domain/ml';
import { inputSchemaOf } from '../../../../shared/domain/run-limits';
import type { JsonSchema } from '../../components/form/schema-model';

export type FeatureKind = FeatureSpec['kind'];

/** One parameter of a feature kind, as its row edits it. */
export interface FeatureParam {
  readonly key: string;
  readonly label: string;
  readonly schema: JsonSchema;
  /** A choice (e.g. SMA or EMA) rather than a number. */
  readonly options?: readonly string[];
}

export interface FeatureKindInfo {
  readonly kind: FeatureKind;
  readonly label: string;
  readonly params: readonly FeatureParam[];
  /** A new row of this kind starts with these. */
  readonly defaults: Readonly<Record<string, string>>;
}

const KIND_LABELS: Readonly<Record<FeatureKind, string>> = {
  return: 'Return over lag',
  volatility: 'Volatility',
  rsi: 'RSI',
  macd: 'MACD and signal',
  atr: 'ATR ÷ close',
  'volume-z': 'Volume z-score',
  'ma-distance': 'Distance from average',
  'time-of-day': 'Time of day',
  'day-of-week': 'Day of week',
};

const PARAM_LABELS: Readonly<Record<string, string>> = {
  lag: 'lag',
  window: 'window',
  period: 'period',
  fast: 'fast',
  slow: 'slow',
  signal: 'signal',
  average: 'average',
};

const KIND_DEFAULTS: Readonly<Record<FeatureKind, Readonly<Record<string, string>>>> = {
  return: { lag: '1' },
  volatility: { window: '20' },
  rsi: { period: '14' },
  macd: { fast: '12', slow: '26', signal: '9' },
  atr: { period: '14' },
  'volume-z': { window: '20' },
  'ma-distance': { period: '20', average: 'sma' },
  'time-of-day': {},
  'day-of-week': {},
};

/** Every feature kind with its parameters, read from the shared schema so the editor and main agree on bounds. */
export const FEATURE_KINDS: readonly FeatureKindInfo[] = featureSpecSchema.options.map((option) => {
  const schema = inputSchemaOf(option) as JsonSchema;
  const kind = option.shape.kind.value as FeatureKind;
  const params = Object.entries(schema.properties ?? {})
    .filter(([key]) => key !== 'kind' && key !== 'name')
    .map(([key, property]): FeatureParam => {
      const options = (property as { enum?: unknown[] }).enum;
      return {
        key,
        label: PARAM_LABELS[key] ?? key,
        schema: property as JsonSchema,
        ...(options && { options: options.map(String) }),
      };
    });
  return { kind, label: KIND_LABELS[kind], params, defaults: KIND_DEFAULTS[kind] };
});

export const kindInfo = (kind: FeatureKind): FeatureKindInfo =>
  FEATURE_KINDS.find((k) => k.kind === kind) ?? FEATURE_KINDS[0]!;

/** A feature row as typed: numbers kept as text so a half-typed value is not replaced under the user. */
export interface FeatureDraft {
  readonly kind: FeatureKind;
  readonly values: Readonly<Record<string, string>>;
  /** The column name; empty = the name built from the kind. */
  readonly name: string;
}

export interface FeatureSetDraft {
  readonly features: readonly FeatureDraft[];
  /** Other symbols, as typed ("QQQ, IWM"). */
  readonly symbols: string;
  /** Higher timeframes as multiples of the bars' own, as typed ("5, 15"). */
  readonly timeframes: string;
}

export const newFeature = (kind: FeatureKind): FeatureDraft => ({
  kind,
  values: { ...kindInfo(kind).defaults },
  name: '',
});

/** Returns at 1 and 5 bars, volatility, RSI, MACD, ATR, volume, distance from the 20-bar average, and the calendar. */
export const DEFAULT_FEATURE_SET: FeatureSetDraft = {
  features: [
    newFeature('return'),
    { ...newFeature('return'), values: { lag: '5' } },
    newFeature('volatility'),
    newFeature('rsi'),
    newFeature('macd'),
    newFeature('atr'),
    newFeature('volume-z'),
    newFeature('ma-distance'),
    newFeature('time-of-day'),
    newFeature('day-of-week'),
  ],
  symbols: '',
  timeframes: '',
};

const listOf = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');

const numberOrText = (text: string): number | string => {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
};

/** The feature set the draft describes, as sent to main (main checks it again with the same schema). */
export function featureSetInput(draft: FeatureSetDraft): FeatureSetInput {
  return {
    features: draft.features.map((feature) => {
      const spec: Record<string, unknown> = { kind: feature.kind };
      for (const param of kindInfo(feature.kind).params) {
        const raw = feature.values[param.key] ?? '';
        if (param.options) {
          if (raw !== '') spec[param.key] = raw;
        } else spec[param.key] = numberOrText(raw);
      }
      if (feature.name.trim() !== '') spec['name'] = feature.name.trim();
      return spec as FeatureSetInput['features'][number];
    }),
    symbols: listOf(draft.symbols).map((s) => s.toUpperCase()),
    timeframes: listOf(draft.timeframes).map((t) => numberOrText(t) as number),
  };
}

/** What is wrong with the draft, by place: `features.2` (a row), `symbols`, `timeframes`, or `` (the set). */
export function featureSetProblems(draft: FeatureSetDraft): Record<string, string> {
  const parsed = featureSetSchema.safeParse(featureSetInput(draft));
  if (parsed.success) return {};
  const problems: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const [top, index, field] = issue.path;
    let key = '';
    let text = issue.message;
    if (top === 'features' && typeof index === 'number') {
      key = `features.${index}`;
      const kind = draft.features[index]?.kind;
      const label = kind ? kindInfo(kind).label : 'feature';
      text = `Feature ${index + 1} (${label})${typeof field === 'string' ? ` ${PARAM_LABELS[field] ?? field}` : ''}: ${issueMessage(issue)}`;
    } else if (top === 'symbols' || top === 'timeframes') {
      key = top;
      text = `${top === 'symbols' ? 'Other symbols' : 'Higher timeframes'}: ${issueMessage(issue)}`;
    } else text = `Features: ${issueMessage(issue)}`;
    problems[key] ??= text;
  }
  return problems;
}

/** Mean of one fold metric over the folds that measured it; null when none did. */
export function foldMean(folds: readonly FoldMetrics[], metric: keyof FoldMetrics): number | null {
  const values = folds.map((f) => f[metric]).filter((v): v is number => typeof v === 'number');
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

export interface ComparisonRow {
  readonly key: string;
  readonly label: string;
  readonly a: string;
  readonly b: string;
  /** The side that is better on this figure (higher AUC, lower log loss), when it has a direction. */
  readonly better: 'a' | 'b' | null;
}

const fixed = (value: number | null, digits: number): string =>
  value === null ? '—' : value.toFixed(digits);

/** Two models side by side: their fold averages (the better one marked) and the settings where they differ. */
export function compareModels(a: ModelDetail, b: ModelDetail): ComparisonRow[] {
  const metric = (
    key: keyof FoldMetrics,
    label: string,
    direction: 'higher' | 'lower',
    digits = 4,
  ): ComparisonRow => {
    const va = foldMean(a.folds, key);
    const vb = foldMean(b.folds, key);
    const better =
      va === null || vb === null || va === vb
        ? null
        : (direction === 'higher' ? va > vb : va < vb)
          ? 'a'
          : 'b';
    return { key, label, a: fixed(va, digits), b: fixed(vb, digits), better };
  };
  const rows: ComparisonRow[] = [
    // A figure neither model measured (RMSE of two classifiers) is left out.
    ...[
      metric('auc', 'Mean AUC', 'higher'),
      metric('logLoss', 'Mean log loss', 'lower'),
      metric('accuracy', 'Mean accuracy', 'higher'),
      metric('precision', 'Mean precision', 'higher'),
      metric('recall', 'Mean recall', 'higher'),
      metric('rmse', 'Mean RMSE', 'lower'),
    ].filter((row) => row.a !== '—' || row.b !== '—'),
    { key: 'folds', label: 'Folds', a: String(a.folds.length), b: String(b.folds.length), better: null },
    { key: 'trees', label: 'Trees', a: String(a.trees), b: String(b.trees), better: null },
    {
      key: 'features',
      label: 'Features',
      a: String(a.featureNames.length),
      b: String(b.featureNames.length),
      better: null,
    },
    { key: 'symbol', label: 'Symbol', a: a.symbol ?? '—', b: b.symbol ?? '—', better: null },
    { key: 'label', label: 'Label', a: labelText(a), b: labelText(b), better: null },
  ];
  const pa = (a.params ?? {}) as Record<string, unknown>;
  const pb = (b.params ?? {}) as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort()) {
    const va = pa[key] === undefined ? '—' : String(pa[key]);
    const vb = pb[key] === undefined ? '—' : String(pb[key]);
    if (va !== vb) rows.push({ key: `params.${key}`, label: key, a: va, b: vb, better: null });
  }
  const onlyA = a.featureNames.filter((n) => !b.featureNames.includes(n));
  const onlyB = b.featureNames.filter((n) => !a.featureNames.includes(n));
  if (onlyA.length + onlyB.length > 0)
    rows.push({
      key: 'feature-names',
      label: 'Features only here',
      a: onlyA.join(', ') || '—',
      b: onlyB.join(', ') || '—',
      better: null,
    });
  return rows;
}

/** "forward return, 5 bars beyond 0.1%" / "triple barrier, 10 bars, +2% / −1%". */
export function labelText(model: Pick<ModelDetail, 'label'>): string {
  const label = model.label;
  if (!label) return '—';
  const pct = (x: number) => `${Number((x * 100).toPrecision(4))}%`;
  return label.kind === 'forward-return'
    ? `forward return, ${label.horizon} bars beyond ${pct(label.threshold)}`
    : `triple barrier, ${label.horizon} bars, +${pct(label.target)} / −${pct(label.stop)}`;
}

/**
 * Predictions laid over bars by bar time: one value per bar (NaN where the model made none), for a chart's lower
 * pane. Both sides are in time order, so one walk aligns them.
 */
export function predictionsOnBars(
  barTimes: Float64Array,
  barCount: number,
  series: { readonly time: readonly number[]; readonly prediction: readonly number[] },
): { values: Float64Array; matched: number } {
  const values = new Float64Array(barCount).fill(Number.NaN);
  let matched = 0;
  let j = 0;
  for (let i = 0; i < barCount; i++) {
    const t = barTimes[i]!;
    while (j < series.time.length && series.time[j]! < t) j++;
    if (j < series.time.length && series.time[j] === t) {
      values[i] = series.prediction[j]!;
      matched++;
    }
  }
  return { values, matched };
}

/** How many of the bars open inside [from, to] (a model's training span); 0 when the span is unknown. */
export function barsWithin(
  bars: { readonly time: Float64Array; readonly length: number },
  from: number | null,
  to: number | null,
): number {
  if (from === null || to === null) return 0;
  let count = 0;
  for (let i = 0; i < bars.length; i++) {
    const t = bars.time[i]!;
    if (t >= from && t <= to) count++;
  }
  return count;
}

/** The most important features first by the chosen measure, at most `limit` of them. */
export function rankImportance<T extends { readonly gain: number; readonly cover: number }>(
  importance: readonly T[],
  measure: 'gain' | 'cover',
  limit = 20,
): T[] {
  return [...importance].sort((x, y) => y[measure] - x[measure]).slice(0, limit);
}
