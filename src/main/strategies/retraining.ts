// Walk-forward retraining inside a running strategy: the feature rows the strategy computed bar by bar are kept (the
// very rows it predicted from), and every N bars a new model learns from the last window of rows whose labels are
// already known at that bar. A row's label reads `horizon` bars after it, so at bar i the newest row that can be
// trained on is i − horizon: its label is computed from bars ≤ i only, and no later bar is ever read.
import type { BarColumns } from '../../shared/domain/bars';
import { type BoosterParams, boosterParamsSchema, type LabelSpec } from '../../shared/domain/ml';
import type { BarView } from '../engine/strategy';
import { trainBooster } from '../ml/booster';
import { labelsOf } from '../ml/labels';
import type { TreeEnsemble } from '../ml/trees';

/** Fewer labelled rows than this and a retraining is skipped (the model in use stays). */
export const MIN_TRAINING_ROWS = 50;

/** The rows a retraining at bar `index` may learn from: [from, to], labels known at `index`; empty when to < from. */
export function trainingRows(
  index: number,
  horizon: number,
  window: number,
): { readonly from: number; readonly to: number } {
  const to = index - horizon;
  return { from: Math.max(0, to - window + 1), to };
}

/**
 * The feature rows of the last `keep` bars, row-major float32 (as the booster reads them), by bar index. Old rows
 * are dropped in blocks, so memory stays bounded however long the run.
 */
export class FeatureHistory {
  private values: Float32Array;
  /** Bar index of the first row held. */
  private first = 0;
  private count = 0;

  constructor(
    readonly width: number,
    private readonly keep: number,
  ) {
    this.values = new Float32Array(Math.max(1, Math.min(keep, 1024)) * width);
  }

  /** Appends bar `index`'s row; rows come one per bar, in order. */
  push(index: number, row: ArrayLike<number>): void {
    if (this.count === 0) this.first = index;
    const width = this.width;
    if ((this.count + 1) * width > this.values.length) this.makeRoom();
    const at = this.count * width;
    for (let f = 0; f < width; f++) this.values[at + f] = row[f]!;
    this.count++;
  }

  /** Rows of bars from..to (inclusive), copied, with only the rows `keepRow` accepts. */
  rows(
    from: number,
    to: number,
    keepRow: (index: number) => boolean,
  ): { values: Float32Array; rows: number } {
    if (from < this.first || to >= this.first + this.count) {
      throw new RangeError(
        `feature rows ${from}..${to} are not held (${this.first}..${this.first + this.count - 1})`,
      );
    }
    const width = this.width;
    const kept: number[] = [];
    for (let i = from; i <= to; i++) if (keepRow(i)) kept.push(i);
    const values = new Float32Array(kept.length * width);
    kept.forEach((i, k) => {
      const at = (i - this.first) * width;
      values.set(this.values.subarray(at, at + width), k * width);
    });
    return { values, rows: kept.length };
  }

  private makeRoom(): void {
    const width = this.width;
    if (this.count >= 2 * this.keep) {
      // Drop all but the last `keep` rows: a copy every `keep` bars.
      const drop = this.count - this.keep;
      this.values.copyWithin(0, drop * width, this.count * width);
      this.first += drop;
      this.count -= drop;
      return;
    }
    const grown = new Float32Array(Math.min(2 * this.keep, Math.max(2 * this.count, 1)) * width + width);
    grown.set(this.values.subarray(0, this.count * width));
    this.values = grown;
  }
}

/** Bars from..to (inclusive) read back through the view, as columns (the labels' input). */
function barsOf(bar: BarView, from: number, to: number): BarColumns {
  const length = to - from + 1;
  const columns = {
    time: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
    length,
  };
  for (let k = 0; k < length; k++) {
    const back = bar.index - (from + k);
    columns.time[k] = bar.ago('time', back);
    columns.open[k] = bar.ago('open', back);
    columns.high[k] = bar.ago('high', back);
    columns.low[k] = bar.ago('low', back);
    columns.close[k] = bar.ago('close', back);
    columns.volume[k] = bar.ago('volume', back);
  }
  return columns;
}

export interface Retrained {
  readonly ensemble: TreeEnsemble;
  /** Bar time of the newest row trained on: the new model's age counts from it. */
  readonly trainedTo: number;
  readonly rows: number;
  /** Bar indices of the first and last rows of the window. */
  readonly from: number;
  readonly to: number;
}

/**
 * A model trained at the close of `bar` on the last `window` rows whose labels `bar` already knows; undefined when
 * fewer than MIN_TRAINING_ROWS of them have a label (a forward return inside the threshold has none).
 */
export function retrain(
  bar: BarView,
  history: FeatureHistory,
  label: LabelSpec,
  params: BoosterParams | null,
  window: number,
  featureNames: readonly string[],
): Retrained | undefined {
  const { from, to } = trainingRows(bar.index, label.horizon, window);
  if (to - from + 1 < MIN_TRAINING_ROWS) return undefined;
  const settings = params ?? boosterParamsSchema.parse({});
  // Labels from the bars up to this one only: the last `horizon` rows of this slice have none (NaN).
  const bars = barsOf(bar, from, bar.index);
  const labels = labelsOf(bars, label, settings.objective);
  const known = (i: number) => !Number.isNaN(labels[i - from]!);
  const { values, rows } = history.rows(from, to, known);
  if (rows < MIN_TRAINING_ROWS) return undefined;
  const label32 = new Float32Array(rows);
  let k = 0;
  for (let i = from; i <= to; i++) if (known(i)) label32[k++] = labels[i - from]!;
  const trained = trainBooster(
    { matrix: { rows, features: history.width, values }, label: label32, featureNames },
    { ...settings, earlyStoppingRounds: 0 },
  );
  return { ensemble: trained.ensemble, trainedTo: bars.time[to - from]!, rows, from, to };
}
