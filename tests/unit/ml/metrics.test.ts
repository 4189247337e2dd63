// ml/metrics.ts against figures worked out by hand: AUC by counting pairs (ties count one half), log loss with its
// clipping, the confusion counts at a threshold, RMSE and calibration bins.
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  auc,
  calibrationBins,
  classificationMetrics,
  LOG_LOSS_EPSILON,
  logLoss,
  precisionRecall,
  rmse,
} from '../../../src/main/ml/metrics';

/** AUC by its definition: over every (positive, negative) pair, 1 when the positive scores higher, ½ on a tie. */
function aucByPairs(labels: number[], scores: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < labels.length; i++) {
    for (let j = 0; j < labels.length; j++) {
      if (labels[i] !== 1 || labels[j] !== 0) continue;
      pairs++;
      if (scores[i]! > scores[j]!) wins += 1;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return wins / pairs;
}

describe('AUC', () => {
  it('a perfect ranking is 1, a reversed one 0, all scores tied ½', () => {
    expect(auc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(auc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9])).toBe(0);
    expect(auc([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it('ties between a positive and a negative count one half', () => {
    // Pairs (positive, negative): (0.4 vs 0.4) ½, (0.4 vs 0.1) 1, (0.9 vs 0.4) 1, (0.9 vs 0.1) 1 → 3.5 / 4.
    expect(auc([1, 0, 1, 0], [0.4, 0.4, 0.9, 0.1])).toBe(0.875);
  });

  it('equals the pair count on a larger set with many ties', () => {
    const labels: number[] = [];
    const scores: number[] = [];
    for (let i = 0; i < 200; i++) {
      labels.push((i * 7919) % 3 === 0 ? 1 : 0);
      scores.push(Math.round(((i * 104729) % 97) / 10) / 10);
    }
    expect(auc(labels, scores)).toBeCloseTo(aucByPairs(labels, scores), 12);
  });

  it('is null with one class only, and refuses labels other than 0/1', () => {
    expect(auc([1, 1], [0.2, 0.3])).toBeNull();
    expect(() => auc([1, 2], [0.2, 0.3])).toThrow('row 1: the label 2 is not 0 or 1');
  });
});

describe('log loss', () => {
  it('is the mean of −ln p for 1s and −ln(1 − p) for 0s', () => {
    expect(logLoss([1, 0], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 15);
  });

  it('clips a certain miss to ε instead of infinity', () => {
    expect(logLoss([1], [0])).toBeCloseTo(-Math.log(LOG_LOSS_EPSILON), 10);
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log(LOG_LOSS_EPSILON), 1);
    expect(Number.isFinite(logLoss([0], [1])!)).toBe(true);
  });
});

describe('accuracy, precision and recall at a threshold', () => {
  // threshold 0.6: predicted 1 = rows 0 (0.9), 2 (0.7); row 3 (0.6) is not above it.
  const labels = [1, 0, 0, 1, 1];
  const predictions = [0.9, 0.2, 0.7, 0.6, 0.1];

  it('counts a row predicted 1 only when it is above the threshold', () => {
    // right: row 0 (1,1), row 1 (0,0) → 2 of 5.
    expect(accuracy(labels, predictions, 0.6)).toBe(0.4);
    // predicted 1: rows 0, 2 → one was 1; actual 1: rows 0, 3, 4 → one predicted.
    expect(precisionRecall(labels, predictions, 0.6)).toEqual({ precision: 0.5, recall: 1 / 3 });
  });

  it('precision is null when nothing is predicted 1; recall null when nothing was 1', () => {
    expect(precisionRecall([1, 0], [0.1, 0.2], 0.5).precision).toBeNull();
    expect(precisionRecall([0, 0], [0.9, 0.2], 0.5)).toEqual({ precision: 0, recall: null });
  });

  it('classificationMetrics gathers them all', () => {
    expect(classificationMetrics(labels, predictions, 0.6)).toEqual({
      auc: auc(labels, predictions),
      logLoss: logLoss(labels, predictions),
      accuracy: 0.4,
      precision: 0.5,
      recall: 1 / 3,
    });
  });
});

describe('RMSE', () => {
  it('is the root of the mean squared error', () => {
    // errors 1, −2, 2 → (1 + 4 + 4) / 3 = 3.
    expect(rmse([1, 2, 3], [2, 0, 5])).toBeCloseTo(Math.sqrt(3), 15);
    expect(rmse([], [])).toBeNull();
    expect(() => rmse([1], [1, 2])).toThrow('1 labels but 2 predictions');
  });
});

describe('calibration bins', () => {
  it('bins by prediction, skipping empty bins; 1 falls in the last bin', () => {
    const bins = calibrationBins([0, 1, 1, 0, 1], [0.05, 0.15, 0.95, 0.12, 1], 10);
    expect(bins).toEqual([
      { from: 0, to: 0.1, rows: 1, meanPrediction: 0.05, observedRate: 0 },
      { from: 0.1, to: 0.2, rows: 2, meanPrediction: (0.15 + 0.12) / 2, observedRate: 0.5 },
      { from: 0.9, to: 1, rows: 2, meanPrediction: (0.95 + 1) / 2, observedRate: 1 },
    ]);
  });

  it('refuses a prediction outside [0, 1]', () => {
    expect(() => calibrationBins([1], [1.5])).toThrow('row 0: the prediction 1.5 is not a probability');
  });
});
