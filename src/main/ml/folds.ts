// Walk-forward folds over bar indices. The usable bars [start, end) are cut into folds + 1 equal blocks; fold f tests
// on block f and trains on bars before it: all of them from `start` (expanding) or the last block's worth (rolling).
// Training rows end `purge` bars before the test block (purge ≥ the label horizon, since a row's label reads that
// many bars ahead), so no training label has seen a test bar, and no training row is ever after a test row.

import type { TrainingWindowMode } from '../../shared/domain/ml';

/** One fold: [trainStart, trainEnd) and [testStart, testEnd), bar indices. */
export interface Fold {
  readonly fold: number;
  readonly trainStart: number;
  readonly trainEnd: number;
  readonly testStart: number;
  readonly testEnd: number;
}

export interface FoldPlan {
  /** First and one-past-last usable bar index. */
  readonly start: number;
  readonly end: number;
  readonly folds: number;
  readonly mode: TrainingWindowMode;
  /** Bars left out between training and test (at least the label horizon). */
  readonly purge: number;
}

/** A plan that cannot give every fold some training and test bars. */
export class FoldPlanError extends Error {}

export function walkForwardFolds(plan: FoldPlan): Fold[] {
  const { start, end, folds, mode, purge } = plan;
  if (!Number.isInteger(folds) || folds < 1) throw new FoldPlanError(`folds must be 1 or more, not ${folds}`);
  if (!Number.isInteger(purge) || purge < 0) {
    throw new FoldPlanError(`the purge must be 0 bars or more, not ${purge}`);
  }
  const bars = end - start;
  const block = Math.floor(bars / (folds + 1));
  if (block - purge < 1) {
    throw new FoldPlanError(
      `${bars} usable bars are too few for ${folds} folds with a ${purge}-bar purge: each of the ${folds + 1} blocks would have ${block} bars, and the first fold's training needs more than ${purge}`,
    );
  }
  const out: Fold[] = [];
  for (let f = 0; f < folds; f++) {
    // The last block takes the bars the division left over.
    const testStart = start + (f + 1) * block;
    const testEnd = f === folds - 1 ? end : testStart + block;
    const trainEnd = testStart - purge;
    const trainStart = mode === 'expanding' ? start : Math.max(start, trainEnd - block);
    out.push({ fold: f + 1, trainStart, trainEnd, testStart, testEnd });
  }
  return out;
}
