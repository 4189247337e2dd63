// Worker-thread entry that reads and parses the user's files (price CSVs, trade plans) so the main thread never
// does: one task per worker, answered with the parsed value or the problem in words (feeds/worker-task.ts).
import { type PriceFileTask, readPriceFileTask } from '../feeds/price-file';
import { answerTask } from '../feeds/worker-task';
import { planTask, type TradePlanTask } from './trade-plan';

export type FileTask = PriceFileTask | TradePlanTask;

answerTask<FileTask, unknown>((task) =>
  task.kind === 'price-file' ? readPriceFileTask(task) : { value: planTask(task) },
);
