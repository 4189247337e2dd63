// Chooses the research executor from the user's options (`--workers N`, `--executor local|bullmq`, the app's
// settings). One branch per kind: a new executor is one more member of ExecutorOptions and one more case.
import type { ResearchExecutor } from './executor';
import { createInlineExecutor } from './inline-executor';
import { createLocalExecutor } from './local-executor';

export type ExecutorOptions =
  /** Worker threads on this machine; `workers` defaults to cores − 1. */
  | { readonly kind: 'local'; readonly workers?: number; readonly workerScript?: string }
  /** The calling thread, one cell after another (tests, tiny jobs). */
  | { readonly kind: 'inline' };

export function createExecutor(options: ExecutorOptions): ResearchExecutor {
  switch (options.kind) {
    case 'local':
      return createLocalExecutor({
        ...(options.workers !== undefined && { workers: options.workers }),
        ...(options.workerScript !== undefined && { workerScript: options.workerScript }),
      });
    case 'inline':
      return createInlineExecutor();
  }
}
