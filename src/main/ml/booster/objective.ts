// The two objectives: their gradients and Hessians (what each tree is fit to), their loss (what a round reports and
// early stopping watches) and their starting margin. Margins are float32, as XGBoost's prediction cache holds them.
import type { BoosterObjective } from '../../../shared/domain/ml';
import { baseMarginOf } from '../trees';

/** XGBoost's floor on the logistic Hessian, so a confident row never gives a zero weight. */
const MIN_HESSIAN = 1e-16;
/** A row's log loss at most, as XGBoost's clipping of probabilities to [1e-16, 1 − 1e-16] caps it. */
const MAX_ROW_LOSS = -Math.log(1e-16);

/**
 * Writes each row's gradient and Hessian (interleaved) at `margins` and returns the loss there: log loss for
 * binary:logistic, RMSE for reg:squarederror, both weighted. One pass, so the sigmoid is computed once per row.
 */
export function gradientsAndLoss(
  objective: BoosterObjective,
  margins: Float32Array,
  label: Float32Array,
  weight: Float32Array | undefined,
  gradHess: Float32Array | null,
): number {
  const rows = margins.length;
  let loss = 0;
  let weightSum = 0;
  if (objective === 'binary:logistic') {
    for (let r = 0; r < rows; r++) {
      const w = weight === undefined ? 1 : (weight[r] as number);
      const y = label[r] as number;
      const margin = margins[r] as number;
      const e = Math.exp(-margin);
      const p = 1 / (1 + e);
      if (gradHess !== null) {
        gradHess[2 * r] = (p - y) * w;
        gradHess[2 * r + 1] = Math.max(p * (1 - p), MIN_HESSIAN) * w;
      }
      // −log p = log(1 + e) and −log(1 − p) = m + log(1 + e): one logarithm per row; capped as clipping p would.
      const softplus = Math.log1p(e);
      const positive = Number.isFinite(softplus) ? softplus : -margin;
      loss +=
        w * (y * Math.min(positive, MAX_ROW_LOSS) + (1 - y) * Math.min(margin + positive, MAX_ROW_LOSS));
      weightSum += w;
    }
    return weightSum > 0 ? loss / weightSum : 0;
  }
  for (let r = 0; r < rows; r++) {
    const w = weight === undefined ? 1 : (weight[r] as number);
    const residual = (margins[r] as number) - (label[r] as number);
    if (gradHess !== null) {
      gradHess[2 * r] = residual * w;
      gradHess[2 * r + 1] = w;
    }
    loss += w * residual * residual;
    weightSum += w;
  }
  return weightSum > 0 ? Math.sqrt(loss / weightSum) : 0;
}

/** The base margin: from `baseScore` when given, else from the weighted mean label (its logit for binary:logistic). */
export function startingMargin(
  objective: BoosterObjective,
  label: Float32Array,
  weight: Float32Array | undefined,
  baseScore: number | undefined,
): number {
  if (baseScore !== undefined) return Math.fround(baseMarginOf(objective, baseScore));
  let sum = 0;
  let weightSum = 0;
  for (let r = 0; r < label.length; r++) {
    const w = weight === undefined ? 1 : (weight[r] as number);
    sum += w * (label[r] as number);
    weightSum += w;
  }
  const mean = weightSum > 0 ? sum / weightSum : 0.5;
  if (objective === 'reg:squarederror') return Math.fround(mean);
  // Rows of one class only: a mean of 0 or 1 has no logit; start just inside so the trees still fit.
  return baseMarginOf(objective, Math.min(Math.max(mean, 1e-6), 1 - 1e-6));
}

/** Refuses labels the objective cannot learn, naming the row. */
export function checkLabels(objective: BoosterObjective, label: Float32Array, what: string): void {
  for (let r = 0; r < label.length; r++) {
    const y = label[r] as number;
    if (!Number.isFinite(y)) throw new Error(`${what} row ${r + 1}: the label is ${y}, not a number`);
    if (objective === 'binary:logistic' && (y < 0 || y > 1)) {
      throw new Error(
        `${what} row ${r + 1}: the label is ${y}; binary:logistic needs labels between 0 and 1`,
      );
    }
  }
}
