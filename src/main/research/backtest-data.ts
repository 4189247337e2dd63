// A run request's data (synthetic, CSV files, Alpaca history) resolved into the spec the run is stored with and its
// bars, for backtests and research runs alike. The user's mistakes (a relative path, a file that is no price file,
// bad bars, an Alpaca refusal) come back as ApiFailures in their words, before any run is recorded.
import { isAbsolute } from 'node:path';
import { ApiFailure } from '../../shared/api/ports';
import type { BacktestDataRequest, BacktestDataSpec } from '../../shared/domain/backtest';
import type { BarSeries } from '../../shared/domain/bars';
import { type AlpacaBacktestData, AlpacaDataError } from '../adapters/alpaca/backtest-data';
import { DataFileError } from '../feeds/errors';
import type { ReadPriceFile } from '../feeds/price-file';
import { type BacktestJobRequest, readBacktestData, resolveCsvData } from './backtest-job';

export interface DataSources {
  /** Reads price CSVs off the main thread (the file worker). */
  readonly readPriceFile: ReadPriceFile;
  /** Alpaca history; without it, Alpaca data is refused in words. */
  readonly alpacaData?: AlpacaBacktestData;
}

/** Files named by a run request must be spreadsheets of bars given by full path: the API reads them on the
 * caller's behalf, and a relative path would depend on where MarketBoss was started. */
function checkCsvPaths(data: Extract<BacktestDataRequest, { source: 'csv' }>): void {
  data.files.forEach((file, i) => {
    if (!isAbsolute(file.path)) {
      throw new ApiFailure(
        'bad-request',
        `data.files.${i}.path: give the full path of the file, not ${file.path}`,
      );
    }
    if (!/\.(csv|tsv|txt)$/i.test(file.path)) {
      throw new ApiFailure(
        'bad-request',
        `data.files.${i}.path: ${file.path} is not a .csv, .tsv or .txt file`,
      );
    }
  });
}

/** A file the user named that is no price file, or bad bars in one: their input, refused in their words. */
export function refusedData(error: unknown): never {
  if (error instanceof DataFileError) throw new ApiFailure('bad-request', `data: ${error.message}`);
  throw error;
}

/** Alpaca history for backtests: refused in words when there is no way to it (no keys configured in this app). */
const NO_ALPACA_DATA: AlpacaBacktestData = () => {
  throw new AlpacaDataError('Alpaca history is not available here');
};

/** Alpaca's refusals (no keys, an unknown symbol, no bars in the span) reach the caller as its words. */
export function alpacaDataInWords(fetch: AlpacaBacktestData | undefined): AlpacaBacktestData {
  const fetchAlpacaData = fetch ?? NO_ALPACA_DATA;
  return async (request) => {
    try {
      return await fetchAlpacaData(request);
    } catch (error) {
      if (error instanceof AlpacaDataError) throw new ApiFailure('bad-request', `data: ${error.message}`);
      throw error;
    }
  };
}

/**
 * The data a run will be stored with, and its bars when they had to be read: CSV files are read now, in file
 * workers, so a bad file is refused with its line and field before a run is recorded; Alpaca history is fetched
 * (through the market-data cache). Synthetic data has no bars here: whoever runs it generates them from the seed.
 */
export async function resolveBacktestData(
  data: BacktestDataRequest,
  sources: Pick<DataSources, 'readPriceFile'> & { readonly alpacaData: AlpacaBacktestData },
): Promise<{ spec: BacktestDataSpec; bars?: BacktestJobRequest['bars'] }> {
  if (data.source === 'alpaca') {
    const fetched = await sources.alpacaData(data);
    return { spec: fetched.spec, bars: { series: fetched.series, notes: fetched.notes } };
  }
  if (data.source === 'synthetic') return { spec: data };
  checkCsvPaths(data);
  return resolveCsvData(data, sources.readPriceFile).catch(refusedData);
}

/** The data and all its bars, in main (a research run's dataset): synthetic bars generated from their seed. */
export async function loadBacktestData(
  data: BacktestDataRequest,
  sources: DataSources,
): Promise<{ spec: BacktestDataSpec; series: readonly BarSeries[]; notes: readonly string[] }> {
  const { spec, bars } = await resolveBacktestData(data, {
    readPriceFile: sources.readPriceFile,
    alpacaData: alpacaDataInWords(sources.alpacaData),
  });
  const loaded = bars ?? readBacktestData(spec);
  return { spec, series: loaded.series, notes: loaded.notes };
}
