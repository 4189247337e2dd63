// The look-ahead self-test that runs with every training: at a few checkpoint bars i, the bars after i (of every
// symbol) are replaced by different ones, and then removed (the data a live run had at bar i), and the features and
// the model's predictions are computed again; the values on bars ≤ i must not change at all. A feature that reads
// the future — peeks at the next bar or its time, normalises by the whole series, sees a higher timeframe's
// unfinished period — changes, and the training fails naming it.
import type { BarSeries } from '../../shared/domain/bars';
import { type Random, seededRandom } from '../../shared/random';
import type { FeatureColumns } from './features';

export interface LookAheadInput {
  readonly series: BarSeries;
  readonly others?: readonly BarSeries[];
  /** The features as training computes them (computeFeatures for the feature set). */
  readonly compute: (series: BarSeries, others: readonly BarSeries[]) => FeatureColumns;
  /** The model's predictions of every row of `columns` (omitted: only the features are checked). */
  readonly predict?: (columns: FeatureColumns) => Float64Array;
  /** Bars to check at; default 6 spread evenly over the series (defaultCheckpoints). */
  readonly checkpoints?: readonly number[];
  readonly seed?: number;
}

/** A feature whose value on a bar at or before the checkpoint changed when only later bars changed or went. */
export interface LookAheadLeak {
  readonly feature: string;
  readonly checkpoint: number;
  readonly checkpointTime: number;
  /** Whether the bars after the checkpoint were changed or removed when the value changed. */
  readonly laterBars: 'changed' | 'removed';
  /** The first bar (index, time) whose value changed. */
  readonly bar: number;
  readonly time: number;
  readonly before: number;
  readonly after: number;
}

export interface LookAheadResult {
  readonly passed: boolean;
  readonly checkpoints: readonly number[];
  readonly leaks: readonly LookAheadLeak[];
  /** Bars ≤ a checkpoint whose prediction changed (the first one per checkpoint). */
  readonly predictionChanges: readonly { checkpoint: number; bar: number; time: number }[];
  /** One line: passed, or which features and predictions changed. */
  readonly message: string;
}

/** The training's failure when the self-test finds a leak; the message names the features. */
export class LookAheadError extends Error {
  constructor(readonly result: LookAheadResult) {
    super(result.message);
  }
}

/** Equal as stored, NaN equal to NaN (a missing value staying missing is no change). */
const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

/** Checkpoints spread evenly over the series, never the last bar (there must be later bars to perturb). */
export function defaultCheckpoints(length: number, count = 6): number[] {
  const out: number[] = [];
  for (let k = 1; k <= count; k++) {
    const at = Math.floor((length * k) / (count + 1));
    if (at < length - 1 && !out.includes(at)) out.push(at);
  }
  return out;
}

/** A random price factor, 0.8–1.25. */
const factor = (random: Random) => Math.exp((random.next() - 0.5) * 0.45);

/**
 * The series with every bar after `time` replaced: open, high, low and close each scaled by its own random factor
 * (high and low then widened to hold open and close, so each candle stays valid) and volume by 0.5–1.5. Bar times
 * stay.
 */
export function perturbAfter(series: BarSeries, time: number, seed: number): BarSeries {
  const random = seededRandom(seed);
  const n = series.length;
  const copy = (column: Float64Array) => column.slice(0, n);
  const out = {
    symbol: series.symbol,
    timeframe: series.timeframe,
    time: copy(series.time),
    open: copy(series.open),
    high: copy(series.high),
    low: copy(series.low),
    close: copy(series.close),
    volume: copy(series.volume),
    length: n,
  };
  for (let j = 0; j < n; j++) {
    if (!(out.time[j]! > time)) continue;
    // Each price its own factor, so the candle's shape changes too (a leak of the next bar's range is caught).
    const open = out.open[j]! * factor(random);
    const close = out.close[j]! * factor(random);
    out.open[j] = open;
    out.close[j] = close;
    out.high[j] = Math.max(out.high[j]! * factor(random), open, close);
    out.low[j] = Math.min(out.low[j]! * factor(random), open, close);
    out.volume[j]! *= 0.5 + random.next();
  }
  return out;
}

/** The series as it was at the close of the bar at `time`: the bars up to it, a view (nothing copied). */
export function cutAfter(series: BarSeries, time: number): BarSeries {
  let length = 0;
  while (length < series.length && series.time[length]! <= time) length++;
  return { ...series, length };
}

export function checkLookAhead(input: LookAheadInput): LookAheadResult {
  const { series, compute, predict } = input;
  const others = input.others ?? [];
  const seed = input.seed ?? 1;
  const checkpoints = input.checkpoints ?? defaultCheckpoints(series.length);
  const original = compute(series, others);
  const originalPredictions = predict?.(original);
  const leaks: LookAheadLeak[] = [];
  const predictionChanges: { checkpoint: number; bar: number; time: number }[] = [];
  checkpoints.forEach((checkpoint, k) => {
    const time = series.time[checkpoint]!;
    // Two other futures: the later bars changed, and the later bars not there yet (what a live run had at bar i).
    const worlds: [LookAheadLeak['laterBars'], BarSeries, BarSeries[]][] = [
      [
        'changed',
        perturbAfter(series, time, seed + k * 7919),
        others.map((other, o) => perturbAfter(other, time, seed + k * 7919 + o + 1)),
      ],
      ['removed', cutAfter(series, time), others.map((other) => cutAfter(other, time))],
    ];
    for (const [change, s, o] of worlds) {
      const features = compute(s, o);
      original.names.forEach((feature, f) => {
        if (leaks.some((leak) => leak.feature === feature && leak.checkpoint === checkpoint)) return;
        const before = original.columns[f]!;
        const after = features.columns[features.names.indexOf(feature)] ?? new Float64Array(0);
        for (let bar = 0; bar <= checkpoint; bar++) {
          if (!same(before[bar]!, after[bar] ?? Number.NaN)) {
            leaks.push({
              feature,
              checkpoint,
              checkpointTime: time,
              laterBars: change,
              bar,
              time: series.time[bar]!,
              before: before[bar]!,
              after: after[bar] ?? Number.NaN,
            });
            return;
          }
        }
      });
      if (predict !== undefined && originalPredictions !== undefined) {
        if (predictionChanges.some((p) => p.checkpoint === checkpoint)) continue;
        const after = predict(features);
        for (let bar = 0; bar <= checkpoint; bar++) {
          if (!same(originalPredictions[bar]!, after[bar]!)) {
            predictionChanges.push({ checkpoint, bar, time: series.time[bar]! });
            break;
          }
        }
      }
    }
  });
  const passed = leaks.length === 0 && predictionChanges.length === 0;
  return {
    passed,
    checkpoints,
    leaks,
    predictionChanges,
    message: messageOf(passed, leaks, predictionChanges),
  };
}

function messageOf(
  passed: boolean,
  leaks: readonly LookAheadLeak[],
  predictionChanges: readonly { checkpoint: number; bar: number; time: number }[],
): string {
  if (passed) return 'look-ahead check passed: no feature or prediction changed when later bars did';
  const features = [...new Set(leaks.map((leak) => leak.feature))];
  const parts: string[] = [];
  if (features.length > 0) {
    const first = leaks[0]!;
    parts.push(
      `feature${features.length > 1 ? 's' : ''} ${features.map((f) => `"${f}"`).join(', ')} read${features.length > 1 ? '' : 's'} bars after the decision bar (e.g. "${first.feature}" at ${new Date(first.time).toISOString()} changed from ${first.before} to ${first.after} when the bars after ${new Date(first.checkpointTime).toISOString()} were ${first.laterBars})`,
    );
  }
  if (predictionChanges.length > 0) {
    const first = predictionChanges[0]!;
    parts.push(
      `the model's prediction at ${new Date(first.time).toISOString()} changed when only later bars did or were removed`,
    );
  }
  return `look-ahead check failed: ${parts.join('; ')}`;
}

/** Runs the check and throws LookAheadError when it fails. */
export function assertNoLookAhead(input: LookAheadInput): LookAheadResult {
  const result = checkLookAhead(input);
  if (!result.passed) throw new LookAheadError(result);
  return result;
}
