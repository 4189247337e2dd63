// A price file read and parsed off the main thread: the one way the app's services read a user's price CSV (a
// 50 MB file takes seconds to parse; a FIFO would block its reader). The parser is feeds/csv.ts, run in the file
// worker (sessions/file-worker.ts), whose entry the composition root names.
import type { CsvImportOptions, CsvImportResult } from './csv';
import { readBarsCsv } from './csv';
import { runWorkerTask } from './worker-task';

export interface PriceFileTask {
  readonly kind: 'price-file';
  readonly path: string;
  readonly options: CsvImportOptions;
}

/** Reads and parses a price file as readBarsCsv does, in a worker thread; errors are DataFileErrors in words. */
export type ReadPriceFile = (path: string, options: CsvImportOptions) => Promise<CsvImportResult>;

/** A ReadPriceFile on the file worker entry `script` (built .js, or the .ts source under tsx). */
export function priceFileReader(script: string): ReadPriceFile {
  return (path, options) => runWorkerTask<CsvImportResult>(script, { kind: 'price-file', path, options });
}

/** Inside the file worker: the file read and parsed, with its columns' buffers to move (not copy) to main. */
export function readPriceFileTask(task: PriceFileTask): {
  value: CsvImportResult;
  transfer: ArrayBuffer[];
} {
  const value = readBarsCsv(task.path, task.options);
  const { time, open, high, low, close, volume } = value.series;
  const transfer = [time, open, high, low, close, volume].map((column) => column.buffer as ArrayBuffer);
  return { value, transfer: [...new Set(transfer)] };
}
