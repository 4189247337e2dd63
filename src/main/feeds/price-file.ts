// A price file read and parsed off the main thread: the one way the app's services read a user's price CSV (a
// 50 MB file takes seconds to parse; a FIFO would block its reader). The parser is feeds/csv.ts, run in the file
// worker (sessions/file-worker.ts), whose entry the composition root names, through the parsed-data cache
// (bar-cache.ts) when the app has one: the chart, the next run and replay sessions start from columns.
import { readBarsCached } from './bar-cache';
import type { CsvImportOptions, CsvImportResult } from './csv';
import { readBarsCsv } from './csv';
import { runWorkerTask } from './worker-task';

export interface PriceFileTask {
  readonly kind: 'price-file';
  readonly path: string;
  readonly options: CsvImportOptions;
  /** The parsed-data cache's folder; none: parse the file. */
  readonly cacheDir?: string;
}

/** The parsed-data cache a reader goes through, and where its warnings go (a damaged entry, rebuilt). */
export interface PriceFileCache {
  readonly dir: string;
  warn(message: string): void;
}

/** What the worker answers: the import, and the cache's warning when it rebuilt a damaged entry. */
type PriceFileAnswer = CsvImportResult & { readonly cacheWarning?: string };

/** Reads and parses a price file as readBarsCsv does, in a worker thread; errors are DataFileErrors in words. */
export type ReadPriceFile = (path: string, options: CsvImportOptions) => Promise<CsvImportResult>;

/** A ReadPriceFile on the file worker entry `script` (built .js, or the .ts source under tsx). */
export function priceFileReader(script: string, cache?: PriceFileCache): ReadPriceFile {
  return async (path, options) => {
    const answer = await runWorkerTask<PriceFileAnswer>(script, {
      kind: 'price-file',
      path,
      options,
      ...(cache !== undefined && { cacheDir: cache.dir }),
    });
    if (answer.cacheWarning !== undefined) cache?.warn(answer.cacheWarning);
    return plainImport(answer);
  };
}

/** Inside the file worker: the file read and parsed, with its columns' buffers to move (not copy) to main. */
export function readPriceFileTask(task: PriceFileTask): {
  value: PriceFileAnswer;
  transfer: ArrayBuffer[];
} {
  let value: PriceFileAnswer;
  if (task.cacheDir === undefined) value = readBarsCsv(task.path, task.options);
  else {
    const cached = readBarsCached(task.path, task.options, task.cacheDir);
    value = {
      ...plainImport(cached),
      ...(cached.cacheWarning !== undefined && { cacheWarning: cached.cacheWarning }),
    };
  }
  const { time, open, high, low, close, volume } = value.series;
  const transfer = [time, open, high, low, close, volume].map((column) => column.buffer as ArrayBuffer);
  return { value, transfer: [...new Set(transfer)] };
}

function plainImport({
  series,
  skipped,
  problems,
  timeframeNote,
  adjusted,
}: CsvImportResult): CsvImportResult {
  return { series, skipped, problems, timeframeNote, adjusted };
}
