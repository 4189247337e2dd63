// An options backtest request checked and read in main before any run is recorded: the strategy's params by its own
// schema, the SPY CSV read in a file worker (never on the main thread), the VIX file parsed and its coverage of the
// data checked — each refusal naming the request's field (underlying.path, volatility.path, params.…).
import { readFile } from 'node:fs/promises';
import { basename, isAbsolute } from 'node:path';
import { type ApiFailure, badFields } from '../../shared/api/ports';
import type { ResolvedCsvData } from '../../shared/domain/backtest';
import {
  OPTIONS_STRATEGY_ID,
  type OptionsBacktestRequest,
  PRESET_ACCOUNT_SIZE,
} from '../../shared/domain/options-backtest';
import { DataFileError } from '../feeds/errors';
import type { ReadPriceFile } from '../feeds/price-file';
import { parseVixHistory, type VolatilityHistory } from '../feeds/vix-history';
import { configErrorOf } from '../strategies/config-error';
import { Phase4dParamsSchema } from '../strategies/phase4d';
import { resolveCsvData } from './backtest-job';
import type { OptionsSubmission } from './backtest-jobs';
import { checkVolatilityCoverage } from './volatility-coverage';

/** A problem with one field of the request, in the user's words. */
const refused = (path: string, message: string): ApiFailure => badFields([{ path, message }]);

function checkPath(field: string, path: string): void {
  if (!isAbsolute(path)) throw refused(field, `give the full path of the file, not ${path}`);
  if (!/\.(csv|tsv|txt)$/i.test(path)) throw refused(field, `${path} is not a .csv, .tsv or .txt file`);
}

/** A file's refusal (no such file, a bad row named by line) under the request's field. */
const fileRefusal =
  (field: string) =>
  (error: unknown): never => {
    if (error instanceof DataFileError) throw refused(field, error.message);
    throw error;
  };

async function readVolatility(path: string): Promise<VolatilityHistory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DataFileError(`cannot read the VIX file ${path}: ${(error as Error).message}`);
  }
  return parseVixHistory(text, basename(path));
}

/** The run the request describes, ready for the backtest worker, or an ApiFailure naming the field at fault. */
export async function resolveOptionsRun(
  request: OptionsBacktestRequest,
  readPriceFile: ReadPriceFile,
): Promise<OptionsSubmission> {
  const { preset, underlying } = request;
  const parsed = Phase4dParamsSchema.safeParse({ ...request.params, preset });
  if (!parsed.success) {
    const error = configErrorOf(parsed.error, 'params');
    throw refused(error.field, error.detail);
  }
  checkPath('underlying.path', underlying.path);
  if (request.volatility.source === 'csv') checkPath('volatility.path', request.volatility.path);

  const { spec, bars } = await resolveCsvData(
    {
      source: 'csv',
      files: [{ path: underlying.path, symbol: underlying.symbol, skipInvalid: underlying.skipInvalid }],
    },
    readPriceFile,
  ).catch(fileRefusal('underlying.path'));
  const series = bars.series[0]!;
  if (series.timeframe === '1D') {
    throw refused(
      'underlying.path',
      `Phase 4D enters and exits within the day: it needs intraday bars (1m, 5m, 15m, 1h), not the daily bars of ${basename(underlying.path)}`,
    );
  }
  let history: VolatilityHistory | undefined;
  if (request.volatility.source === 'csv') {
    const path = request.volatility.path;
    history = await readVolatility(path).catch(fileRefusal('volatility.path'));
    try {
      checkVolatilityCoverage(history, series, basename(underlying.path));
    } catch (error) {
      fileRefusal('volatility.path')(error);
    }
  }

  const cash = request.cash ?? PRESET_ACCOUNT_SIZE[preset];
  const { preset: _preset, ...params } = parsed.data;
  const data: ResolvedCsvData = spec;
  return {
    name:
      request.name ??
      `Phase 4D ${preset.toUpperCase()} · ${underlying.symbol} puts · ${series.timeframe} · ${
        history === undefined ? 'synthetic VIX' : 'VIX file'
      }`,
    data,
    // Stored like an equity run's config (strategy, cash), with what only an options run has under `options`.
    config: {
      cash,
      strategy: { id: OPTIONS_STRATEGY_ID, params },
      options: { preset, volatility: request.volatility },
    },
    strategyId: OPTIONS_STRATEGY_ID,
    request: {
      kind: 'options',
      bars,
      preset,
      params,
      cash,
      volatility: history === undefined ? { source: 'synthetic' } : { source: 'csv', history },
    },
  };
}
