// One backtest job from an API request: build the bars its data spec names, run, and shape the outcome for storage.
// Runs inside a worker thread (backtest-worker.ts); plain data in and out.
import { basename } from 'node:path';
import type {
  BacktestDataRequest,
  BacktestDataSpec,
  BacktestFillRow,
  ResolvedCsvData,
} from '../../shared/domain/backtest';
import type { BarSeries, Timeframe } from '../../shared/domain/bars';
import { fillList } from '../engine/fill-table';
import { readBarsCached } from '../feeds/bar-cache';
import { BarDataError, type CsvImportOptions, type CsvImportResult, readBarsCsv } from '../feeds/csv';
import type { ReadPriceFile } from '../feeds/price-file';
import { generateMarket } from '../feeds/synthetic';
import type { BacktestOutcome } from '../store/backtest-repo';
import type { BacktestConfig } from '../strategies/run-config';
import type { SignalModel } from '../strategies/signal-model';
import { type RunPredictions, runBacktest } from './backtest';

export interface BacktestJobRequest {
  readonly data: BacktestDataSpec;
  /** Bars already read (Alpaca history; CSV files, read in a file worker), with what the read has to say; else the
   * worker reads the spec's data itself. */
  readonly bars?: { readonly series: readonly BarSeries[]; readonly notes: readonly string[] };
  /** Already parsed by parseBacktestConfig in main, so a bad field is refused before a worker starts. */
  readonly config: BacktestConfig;
  /** The stored models the config's strategies name, resolved in main (signal-models.ts). */
  readonly models?: readonly SignalModel[];
}

export type BacktestJobOutcome = Omit<BacktestOutcome, 'finishedAt' | 'durationMs'> & {
  /** What model-driven strategies predicted; main stores it in the registry under the run. */
  readonly predictions?: readonly RunPredictions[];
};

/** A CSV file of one symbol's bars, as the CLI's config and the API's data spec both name it. */
export interface CsvBarsFile {
  readonly path: string;
  readonly symbol: string;
  readonly timeframe?: Timeframe | undefined;
  readonly skipInvalid?: boolean;
}

function csvOptions(file: CsvBarsFile): CsvImportOptions {
  return {
    symbol: file.symbol,
    ...(file.timeframe !== undefined && { timeframe: file.timeframe }),
    skipInvalid: file.skipInvalid ?? false,
  };
}

/** What a run's notes say about a file it read. */
function csvNotes(file: CsvBarsFile, loaded: CsvImportResult): string[] {
  const { series } = loaded;
  const notes = [
    `data: ${basename(file.path)}, ${series.length} ${series.timeframe} bars of ${series.symbol}`,
  ];
  if (loaded.skipped > 0) notes.push(`${file.path}: ${loaded.skipped} invalid rows skipped`);
  return notes;
}

/** Where loadCsvBars found each file's columns: parsed now, or the parsed-data cache (with any warning about it). */
export interface CsvLoadReport {
  readonly path: string;
  readonly cache: 'hit' | 'miss' | 'rebuilt' | 'off';
  readonly warning?: string;
}

/**
 * Reads each file through the CSV importer on this thread (the backtest worker, the CLI), through the parsed-data
 * cache in `cacheDir` when one is given; a BarDataError names file, line and field, a DataFileError a path that is
 * no price file. Notes say what was read and skipped.
 */
export function loadCsvBars(
  files: readonly CsvBarsFile[],
  cacheDir?: string,
): { series: BarSeries[]; notes: string[]; loads: CsvLoadReport[] } {
  const loads: CsvLoadReport[] = [];
  const loaded = files.map((file): CsvImportResult => {
    if (cacheDir === undefined) {
      loads.push({ path: file.path, cache: 'off' });
      return readBarsCsv(file.path, csvOptions(file));
    }
    const cached = readBarsCached(file.path, csvOptions(file), cacheDir);
    loads.push({
      path: file.path,
      cache: cached.cache,
      ...(cached.cacheWarning !== undefined && { warning: cached.cacheWarning }),
    });
    return cached;
  });
  return {
    series: loaded.map((l) => l.series),
    notes: files.flatMap((file, i) => csvNotes(file, loaded[i]!)),
    loads,
  };
}

/**
 * Reads a run request's CSV files up front, in file workers (never on the main thread), so a bad file is refused
 * with its line and field before a run is recorded. The bars go to the run as read; the stored spec keeps each
 * file's timeframe as read, so later reads (the chart) agree.
 */
export async function resolveCsvData(
  request: Extract<BacktestDataRequest, { source: 'csv' }>,
  read: ReadPriceFile,
): Promise<{ spec: ResolvedCsvData; bars: { series: BarSeries[]; notes: string[] } }> {
  const loaded = await Promise.all(request.files.map((file) => read(file.path, csvOptions(file))));
  const series = loaded.map((l) => l.series);
  const timeframe = series[0]!.timeframe;
  const odd = series.find((s) => s.timeframe !== timeframe);
  if (odd !== undefined) {
    const file = request.files[series.indexOf(odd)]!;
    throw new BarDataError(
      basename(file.path),
      undefined,
      'time',
      `${odd.symbol} has ${odd.timeframe} bars but ${series[0]!.symbol} has ${timeframe}; a run trades one timeframe`,
    );
  }
  const spec: ResolvedCsvData = {
    source: 'csv',
    files: request.files.map((file, i) => ({ ...file, timeframe: series[i]!.timeframe })),
    symbols: request.files.map((file) => file.symbol),
    timeframe,
  };
  return { spec, bars: { series, notes: request.files.flatMap((file, i) => csvNotes(file, loaded[i]!)) } };
}

/**
 * One symbol's bars of a stored run, for its chart: synthetic data regenerated from its seed, a CSV file read again
 * in a file worker. Alpaca history is read through main's cache instead (src/main/adapters/alpaca/backtest-data.ts).
 */
export async function loadRunBars(
  spec: Exclude<BacktestDataSpec, { source: 'alpaca' }>,
  symbol: string,
  read: ReadPriceFile,
): Promise<BarSeries> {
  if (spec.source === 'synthetic') return readBacktestData({ ...spec, symbols: [symbol] }).series[0]!;
  const file = spec.files.find((f) => f.symbol === symbol)!;
  return (await read(file.path, csvOptions(file))).series;
}

/** A stored spec's bars read on this thread (a worker, or main for synthetic data). */
export function readBacktestData(spec: BacktestDataSpec): {
  series: readonly BarSeries[];
  notes: readonly string[];
} {
  switch (spec.source) {
    case 'synthetic':
      return {
        series: generateMarket({
          seed: spec.seed,
          symbols: spec.symbols,
          bars: spec.bars,
          timeframe: spec.timeframe,
        }),
        notes: [],
      };
    case 'csv':
      return loadCsvBars(spec.files.filter((file) => spec.symbols.includes(file.symbol)));
    case 'alpaca':
      throw new Error('Alpaca history is fetched in main and handed to the job with its bars');
  }
}

export function executeBacktestJob(
  request: BacktestJobRequest,
  onProgress: (done: number, total: number) => void,
): BacktestJobOutcome {
  const { series: data, notes: dataNotes } = request.bars ?? readBacktestData(request.data);
  const barTimes = data.reduce((most, series) => Math.max(most, series.length), 0);
  const result = runBacktest(request.config, data, {
    progress: { every: Math.max(1_000, Math.floor(barTimes / 100)), report: onProgress },
    ...(request.models !== undefined && { models: request.models }),
  });
  const fills: BacktestFillRow[] = fillList(result.fills).map((fill) => ({
    time: fill.time,
    symbol: fill.symbol,
    side: fill.side,
    qty: fill.qty,
    price: fill.price,
    fee: fill.fee,
    orderId: fill.orderId,
    ...(fill.decisionPrice !== undefined && fill.decisionPrice > 0 && { decisionPrice: fill.decisionPrice }),
  }));
  return {
    engineVersion: result.engineVersion,
    metrics: result.metrics,
    benchmarkMetrics: result.benchmarkMetrics,
    stats: { ...result.stats },
    notes: [...dataNotes, ...result.notes],
    equityTime: result.equity.time.slice(),
    equity: result.equity.equity.slice(),
    drawdown: result.equity.drawdown.slice(),
    benchmarkTime: result.benchmark.time.slice(0, result.benchmark.length),
    benchmark: result.benchmark.equity.slice(0, result.benchmark.length),
    trades: result.trades.map((trade) => ({ ...trade })),
    fills,
    ...(result.predictions.length > 0 && { predictions: result.predictions }),
  };
}
