// Worker-thread entry of the local research executor (local-executor.ts, piscina): runs one research cell per task,
// one Monte Carlo, one model's walk-forward training, or one model file to import (10⁹ trade steps, a few thousand
// trees or a 50 MB model file must not hold the main thread, where API calls and live sessions run).
// The dataset's columns live in SharedArrayBuffers, so every task carries views on the same memory, not copies; the
// worker keeps the last dataset by id and runs every cell of it on the same series objects, so the per-dataset work
// cached on them (timelineOf) is done once per worker, not once per cell.
import type { MessagePort } from 'node:worker_threads';
import type { BarSeries } from '../../shared/domain/bars';
import type { ModelImport, TrainRequest } from '../../shared/domain/ml';
import type { MonteCarloResult, MonteCarloSettings } from '../../shared/domain/research';
import { type CellJob, type CellOutcome, runCell } from './cell';
import {
  type ImportOutcome,
  importOutcome,
  type TrainedModel,
  type TrainingStep,
  trainModel,
} from './model-training';
import { monteCarlo } from './monte-carlo';

/** What the executor posts for each job. */
export interface ResearchTask {
  readonly datasetId: string;
  /** SharedArrayBuffer-backed columns: structured clone shares them with the worker. */
  readonly series: readonly BarSeries[];
  readonly job: CellJob;
}

/** A Monte Carlo on a run's trade P&L (research/monte-carlo.ts). */
export interface MonteCarloTask {
  readonly kind: 'monte-carlo';
  readonly pnl: Float64Array;
  readonly startEquity: number;
  readonly settings: MonteCarloSettings;
}

/** A model's walk-forward training (research/model-training.ts); its steps go back over `progress`. */
export interface TrainModelTask {
  readonly kind: 'train-model';
  readonly series: readonly BarSeries[];
  readonly request: TrainRequest;
  readonly progress: MessagePort;
}

/** A model file to import, read and rewritten as ours (seconds for a large XGBoost model). */
export interface ReadModelTask {
  readonly kind: 'read-model';
  readonly request: ModelImport;
}

let held: { readonly id: string; readonly series: readonly BarSeries[] } | undefined;

/** The dataset of `task` as this worker already holds it, or the task's own views when the id is new. */
function datasetOf(task: ResearchTask): readonly BarSeries[] {
  if (held?.id !== task.datasetId) held = { id: task.datasetId, series: task.series };
  return held.series;
}

export default function runResearchTask(
  task: ResearchTask | MonteCarloTask | TrainModelTask | ReadModelTask,
): CellOutcome | MonteCarloResult | TrainedModel | ImportOutcome {
  if (!('kind' in task)) return runCell(datasetOf(task), task.job);
  if (task.kind === 'monte-carlo') return monteCarlo(task.pnl, task.startEquity, task.settings);
  if (task.kind === 'read-model') return importOutcome(task.request);
  try {
    return trainModel(task.series, task.request, (step: TrainingStep) => task.progress.postMessage(step));
  } finally {
    task.progress.close();
  }
}
