// Runs research cells one after another in the calling thread: for tests, for tiny jobs where a worker's start-up
// would cost more than the work, and as the reference the pooled executors must equal byte for byte.
import { runCell } from './cell';
import { type Dataset, ResearchCanceled, type ResearchExecutor, type RunOptions } from './executor';

export function createInlineExecutor(): ResearchExecutor {
  return {
    description: 'inline (this thread)',
    async run(dataset: Dataset, jobs, options: RunOptions = {}) {
      const outcomes = [];
      for (const job of jobs) {
        if (options.signal?.aborted === true) throw new ResearchCanceled();
        outcomes.push(runCell(dataset.series, job));
        options.onProgress?.({ done: outcomes.length, total: jobs.length });
        // Let a cancel (an API call, a timer) in between cells.
        await new Promise((resolve) => setImmediate(resolve));
      }
      return outcomes;
    },
    async close() {},
  };
}
