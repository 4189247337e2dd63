// One executor interface for every research job, two implementations: worker threads on this machine
// (local-executor.ts, piscina) and BullMQ on Redis for a cluster (bullmq-executor.ts). The lab plans the jobs and
// folds their results; an executor only runs them. Jobs are pure (cell.ts), so both give byte-identical results.
import type { BarSeries } from '../../shared/domain/bars';
import type { CellJob, CellOutcome } from './cell';

/**
 * The bars a batch of jobs runs on, loaded once by the lab. `id` names the content (a hash of the columns and
 * symbols, see datasetId in cell.ts): a worker that already holds a dataset with this id does not load it again.
 */
export interface Dataset {
  readonly id: string;
  readonly series: readonly BarSeries[];
}

export interface ExecutorProgress {
  readonly done: number;
  readonly total: number;
}

export interface RunOptions {
  /** Aborting rejects the run with a ResearchCanceled; queued jobs never start, running ones are dropped. */
  readonly signal?: AbortSignal;
  /** After each finished job. */
  readonly onProgress?: (progress: ExecutorProgress) => void;
}

export interface ResearchExecutor {
  /** 'local (3 workers)', 'bullmq at redis://…': for logs and reports. */
  readonly description: string;
  /** Outcomes in the order of `jobs`, whatever order they finished in. */
  run(dataset: Dataset, jobs: readonly CellJob[], options?: RunOptions): Promise<CellOutcome[]>;
  close(): Promise<void>;
}

export class ResearchCanceled extends Error {
  constructor() {
    super('canceled');
    this.name = 'ResearchCanceled';
  }
}
