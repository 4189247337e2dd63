// Quantile binning, as XGBoost's `hist` method does it: each feature's values are cut into at most `maxBin` bins, and
// training only ever looks at bin indices. A bin's upper cut is a float32 value of the data (the smallest value of the
// next bin), so "bin ≤ b" is exactly "x < cut[b]": the split conditions written into the trees select the very rows
// the histograms counted, and the float32 predictor (ml/trees.ts) reproduces training's routing bit for bit.
import type { FeatureMatrix } from '../trees';

export interface BinnedMatrix {
  readonly rows: number;
  readonly features: number;
  /**
   * Row-major, each value's histogram slot: `offset[f] + bin`, where a missing value's bin is `binCount[f]` (one past
   * the feature's last bin). Slots rather than per-feature bins spare the hot loops an addition per value; the array
   * is the narrowest that holds them (Uint16 for 20 features of 256 bins).
   */
  readonly bins: Uint8Array | Uint16Array | Uint32Array;
  /** Bins of non-missing values per feature (0 when every value is missing). */
  readonly binCount: Int32Array;
  /** Where a feature's slots start in a histogram: `binCount[f] + 1` slots each, the last one for missing values. */
  readonly offset: Int32Array;
  /** Histogram slots in all. */
  readonly slots: number;
  /** `cuts[offset[f] + b]`: the upper (exclusive) bound of bin b of feature f, a float32 value. */
  readonly cuts: Float32Array;
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The next float32 above a finite float32 `x`. */
function nextFloat32Up(x: number): number {
  if (x === 0) return 1.401298464324817e-45;
  f32[0] = x;
  i32[0] = (i32[0] as number) + (x > 0 ? 1 : -1);
  return f32[0] as number;
}

/** The cut above a feature's largest value, XGBoost's way (max + |max| + 1e-5), or the next float32 if that overflows. */
function cutAbove(max: number): number {
  const cut = Math.fround(max + (Math.abs(max) + 1e-5));
  return Number.isFinite(cut) && cut > max ? cut : nextFloat32Up(max);
}

/** Upper cuts of one feature's bins, from its non-missing values sorted ascending. */
function cutsOf(sorted: Float32Array, maxBin: number): number[] {
  const count = sorted.length;
  if (count === 0) return [];
  const max = sorted[count - 1] as number;
  let distinct = 1;
  for (let i = 1; i < count && distinct <= maxBin; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  const cuts: number[] = [];
  if (distinct <= maxBin) {
    // Few values: one bin each, so every split between two values is available.
    for (let i = 1; i < count; i++) if (sorted[i] !== sorted[i - 1]) cuts.push(sorted[i] as number);
  } else {
    // Many values: cuts at the quantiles (k / maxBin), skipping repeats so no bin is empty.
    const min = sorted[0] as number;
    for (let k = 1; k < maxBin; k++) {
      const value = sorted[Math.floor((k * count) / maxBin)] as number;
      if (value > min && (cuts.length === 0 || value > (cuts[cuts.length - 1] as number))) cuts.push(value);
    }
  }
  cuts.push(cutAbove(max));
  return cuts;
}

/** Feature names for error messages; XGBoost's `f0, f1, …` when the set has none. */
export function featureLabel(names: readonly string[] | undefined, f: number): string {
  return names?.[f] ?? `f${f}`;
}

/** Bins every value of `matrix`, learning the cuts from it. Infinite values are refused (they have no bin). */
export function binMatrix(
  matrix: FeatureMatrix,
  maxBin: number,
  featureNames?: readonly string[],
): BinnedMatrix {
  const { rows, features, values } = matrix;
  const binCount = new Int32Array(features);
  const offset = new Int32Array(features);
  const featureCuts: number[][] = [];
  const column = new Float32Array(rows);
  let slots = 0;
  for (let f = 0; f < features; f++) {
    let present = 0;
    for (let r = 0; r < rows; r++) {
      const x = values[r * features + f] as number;
      if (Number.isNaN(x)) continue;
      if (!Number.isFinite(x)) {
        throw new Error(
          `feature ${featureLabel(featureNames, f)}, row ${r + 1}: the value is ${x}; ` +
            'infinite values cannot be trained on (leave the value empty to mark it missing)',
        );
      }
      column[present++] = x;
    }
    const sorted = column.subarray(0, present).sort();
    const cuts = cutsOf(sorted, maxBin);
    featureCuts.push(cuts);
    binCount[f] = cuts.length;
    offset[f] = slots;
    slots += cuts.length + 1;
  }
  const cuts = new Float32Array(slots);
  for (let f = 0; f < features; f++) cuts.set(featureCuts[f] as number[], offset[f] as number);
  const bins =
    slots <= 256
      ? new Uint8Array(rows * features)
      : slots <= 65_536
        ? new Uint16Array(rows * features)
        : new Uint32Array(rows * features);
  for (let f = 0; f < features; f++) {
    const first = offset[f] as number;
    const count = binCount[f] as number;
    for (let r = 0; r < rows; r++) {
      const x = values[r * features + f] as number;
      bins[r * features + f] = first + (Number.isNaN(x) ? count : binOf(cuts, first, count, x));
    }
  }
  return { rows, features, bins, binCount, offset, slots, cuts };
}

/** The first bin whose upper cut is above x (binary search over the feature's cuts). */
function binOf(cuts: Float32Array, first: number, count: number, x: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cuts[first + mid] as number) > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
