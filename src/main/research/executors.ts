// Chooses the research executor from the user's options (`--workers N`, `--executor local|bullmq`, the app's
// settings). One branch per kind: a new executor is one more member of ExecutorOptions and one more case.
import { createBullmqExecutor } from './bullmq-executor';
import type { ResearchExecutor } from './executor';
import { createInlineExecutor } from './inline-executor';
import { createLocalExecutor } from './local-executor';

export type ExecutorOptions =
  /** Worker threads on this machine; `workers` defaults to cores − 1. */
  | { readonly kind: 'local'; readonly workers?: number; readonly workerScript?: string }
  /** BullMQ on Redis: cluster workers (`npm run worker -- --redis URL`) on any machine run the cells. */
  | { readonly kind: 'bullmq'; readonly redisUrl: string; readonly queueName?: string }
  /** The calling thread, one cell after another (tests, tiny jobs). */
  | { readonly kind: 'inline' };

export function createExecutor(options: ExecutorOptions): ResearchExecutor {
  switch (options.kind) {
    case 'local':
      return createLocalExecutor({
        ...(options.workers !== undefined && { workers: options.workers }),
        ...(options.workerScript !== undefined && { workerScript: options.workerScript }),
      });
    case 'bullmq':
      return createBullmqExecutor({
        redisUrl: options.redisUrl,
        ...(options.queueName !== undefined && { queueName: options.queueName }),
      });
    case 'inline':
      return createInlineExecutor();
  }
}
