// How good a model's predictions are: the figures of a fold's test rows (AUC, log loss, accuracy, precision and
// recall at the trading threshold, RMSE) and the calibration bins the Models view plots. Labels of binary metrics
// are 0 or 1; predictions are probabilities. Pure functions over arrays, so walk-forward training, the CLI and the
// bench compute them one way.
import type { CalibrationBin } from '../../shared/domain/ml';

type Numbers = ArrayLike<number>;

/** Probabilities are clipped to [ε, 1 − ε] in the log loss, so one confident miss costs a large but finite loss. */
export const LOG_LOSS_EPSILON = 1e-15;

function checkLengths(labels: Numbers, predictions: Numbers): void {
  if (labels.length !== predictions.length) {
    throw new Error(`${labels.length} labels but ${predictions.length} predictions`);
  }
}

function isPositive(label: number, row: number): boolean {
  if (label === 1) return true;
  if (label === 0) return false;
  throw new Error(`row ${row}: the label ${label} is not 0 or 1`);
}

/**
 * Area under the ROC curve: the chance that a random positive row scores above a random negative one, ties counting
 * one half (Mann–Whitney with average ranks). Null when the rows hold only one class, where it is undefined.
 */
export function auc(labels: Numbers, predictions: Numbers): number | null {
  checkLengths(labels, predictions);
  const n = labels.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(predictions[i] as number)) throw new Error(`row ${i}: the prediction is not a number`);
    order[i] = i;
  }
  order.sort((a, b) => (predictions[a] as number) - (predictions[b] as number));
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    // One group of equal scores shares the average of the ranks start+1 … end.
    let end = start + 1;
    const score = predictions[order[start] as number] as number;
    while (end < n && (predictions[order[end] as number] as number) === score) end++;
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      const row = order[k] as number;
      if (isPositive(labels[row] as number, row)) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean negative log-likelihood of the labels under the predicted probabilities (clipped by LOG_LOSS_EPSILON). */
export function logLoss(labels: Numbers, predictions: Numbers): number | null {
  checkLengths(labels, predictions);
  if (labels.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(Math.max(predictions[i] as number, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
    sum -= isPositive(labels[i] as number, i) ? Math.log(p) : Math.log(1 - p);
  }
  return sum / labels.length;
}

/** Counts of the confusion matrix when a row above `threshold` is predicted 1. */
export function confusion(labels: Numbers, predictions: Numbers, threshold: number) {
  checkLengths(labels, predictions);
  let truePositives = 0;
  let falsePositives = 0;
  let trueNegatives = 0;
  let falseNegatives = 0;
  for (let i = 0; i < labels.length; i++) {
    const predicted = (predictions[i] as number) > threshold;
    const actual = isPositive(labels[i] as number, i);
    if (predicted && actual) truePositives++;
    else if (predicted) falsePositives++;
    else if (actual) falseNegatives++;
    else trueNegatives++;
  }
  return { truePositives, falsePositives, trueNegatives, falseNegatives };
}

/** The share of rows predicted right at `threshold` (null without rows). */
export function accuracy(labels: Numbers, predictions: Numbers, threshold = 0.5): number | null {
  const c = confusion(labels, predictions, threshold);
  return labels.length === 0 ? null : (c.truePositives + c.trueNegatives) / labels.length;
}

/**
 * At `threshold`: precision = of the rows predicted 1, the share that were 1 (null when none was predicted 1);
 * recall = of the rows that were 1, the share predicted 1 (null when none was 1).
 */
export function precisionRecall(labels: Numbers, predictions: Numbers, threshold = 0.5) {
  const c = confusion(labels, predictions, threshold);
  const predictedPositive = c.truePositives + c.falsePositives;
  const actualPositive = c.truePositives + c.falseNegatives;
  return {
    precision: predictedPositive === 0 ? null : c.truePositives / predictedPositive,
    recall: actualPositive === 0 ? null : c.truePositives / actualPositive,
  };
}

/** Root mean squared error (null without rows). */
export function rmse(targets: Numbers, predictions: Numbers): number | null {
  checkLengths(targets, predictions);
  if (targets.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < targets.length; i++) {
    const error = (predictions[i] as number) - (targets[i] as number);
    sum += error * error;
  }
  return Math.sqrt(sum / targets.length);
}

/** The binary figures of one set of rows, as a fold's metrics carry them. */
export interface ClassificationMetrics {
  readonly auc: number | null;
  readonly logLoss: number | null;
  readonly accuracy: number | null;
  readonly precision: number | null;
  readonly recall: number | null;
}

export function classificationMetrics(
  labels: Numbers,
  predictions: Numbers,
  threshold = 0.5,
): ClassificationMetrics {
  return {
    auc: auc(labels, predictions),
    logLoss: logLoss(labels, predictions),
    accuracy: accuracy(labels, predictions, threshold),
    ...precisionRecall(labels, predictions, threshold),
  };
}

/**
 * Reliability bins: [0, 1] cut into `bins` equal widths (a prediction of exactly 1 falls in the last), each with its
 * rows' mean prediction and observed rate of 1s. Empty bins are left out: they have neither figure.
 */
export function calibrationBins(labels: Numbers, predictions: Numbers, bins = 10): CalibrationBin[] {
  checkLengths(labels, predictions);
  if (!(Number.isInteger(bins) && bins >= 1))
    throw new Error(`${bins} calibration bins: need a whole number ≥ 1`);
  const rows = new Float64Array(bins);
  const predictionSum = new Float64Array(bins);
  const positives = new Float64Array(bins);
  for (let i = 0; i < labels.length; i++) {
    const p = predictions[i] as number;
    if (!(p >= 0 && p <= 1)) throw new Error(`row ${i}: the prediction ${p} is not a probability`);
    const bin = Math.min(Math.floor(p * bins), bins - 1);
    rows[bin]++;
    predictionSum[bin] += p;
    if (isPositive(labels[i] as number, i)) positives[bin]++;
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const count = rows[b] as number;
    if (count === 0) continue;
    out.push({
      from: b / bins,
      to: (b + 1) / bins,
      rows: count,
      meanPrediction: (predictionSum[b] as number) / count,
      observedRate: (positives[b] as number) / count,
    });
  }
  return out;
}
