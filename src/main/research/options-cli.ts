// `npm run backtest -- --strategy phase4d --preset 2k|25k --vol-source csv:VIX_History.csv --data SPY_5m.csv --out DIR`:
// the options backtest from the backtest CLI's flags. Prints the report's figures and writes trades.csv (with the
// OCC symbol, contracts, the underlying at entry, expiry and strike), fills.csv, equity.csv and report.json with the
// same writers as the equity backtest. With --option-prices alpaca it runs twice (model, then Alpaca's option bars)
// and adds the comparison (report.json priceComparison, compare.csv); --vol-source alpaca-vixy|alpaca-index reads
// the volatility from Alpaca. Alpaca's refusals and unreachable hosts exit 2 with one line saying so.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Alpaca } from '@alpacahq/alpaca-trade-api';
import type { BarSeries } from '../../shared/domain/bars';
import { vixIndexVolatility, vixyVolatility } from '../adapters/alpaca/alpaca-volatility';
import { alpacaBaseUrlsFromEnv } from '../adapters/alpaca/client';
import { fetchOptionBars } from '../adapters/alpaca/option-bar-history';
import { AlpacaOptionData, OptionDataError } from '../adapters/alpaca/options';
import { RequestBudget } from '../adapters/alpaca/request-budget';
import { alpacaClientFor } from '../adapters/alpaca/run-link';
import { OPTION_BARS_FIRST_DAY } from '../feeds/option-bar-quotes';
import { readVixHistory, type VolatilityHistory } from '../feeds/vix-history';
import { calendarDay } from '../market/calendar';
import { isoDate } from '../market/nyse-holidays';
import { ConfigError } from '../strategies/config-error';
import { AlpacaAccessError, cliAlpacaKeys } from './alpaca-cli-keys';
import type { CliConfig, OptionsRunFlags, OutputFile, VolSource } from './backtest-flags';
import { loadData } from './backtest-flags';
import { inputErrorExit } from './cli-errors';
import { optionsTearsheet, runOptionsBacktest } from './options-backtest';
import {
  compareCsv,
  comparisonFacts,
  comparisonSummary,
  type FetchOptionBars,
  type RealBarsResult,
  runOptionsWithRealBars,
} from './options-real-bars';
import { OPTION_TRADE_COLUMNS, optionsReportJson, optionsSummary } from './options-report';
import { writeEquityCsv, writeFillsCsv, writeTradeListCsv } from './report';
import { writeTextFile } from './text-file';
import { checkVolatilityCoverage, volatilityDaysNeeded } from './volatility-coverage';

export interface OptionsCliRun {
  readonly config: CliConfig;
  readonly options: OptionsRunFlags;
  readonly out: string | undefined;
  readonly write: readonly OutputFile[];
  readonly report: 'html' | undefined;
  readonly cacheDir: string | undefined;
}

/** An SDK client and request budget for the key the CLI found (environment or keychain). */
interface AlpacaAccess {
  readonly client: Alpaca;
  readonly budget: RequestBudget;
}

async function alpacaAccess(): Promise<AlpacaAccess> {
  let baseUrls: ReturnType<typeof alpacaBaseUrlsFromEnv>;
  try {
    baseUrls = alpacaBaseUrlsFromEnv();
  } catch (error) {
    throw new AlpacaAccessError((error as Error).message);
  }
  const keys = await cliAlpacaKeys();
  return {
    client: alpacaClientFor({ keys, ...(baseUrls !== undefined && { baseUrls }) }),
    budget: new RequestBudget({ perMinute: 190 }),
  };
}

/** Runs an Alpaca download; a failure that is not already in words (a host not answering) is put in words. */
async function fromAlpaca<T>(what: string, fetch: () => Promise<T>): Promise<T> {
  try {
    return await fetch();
  } catch (error) {
    if (error instanceof OptionDataError || error instanceof AlpacaAccessError) throw error;
    // The SDK wraps fetch's error, which wraps the socket's: the innermost one says what happened.
    let root = error as Error;
    while (root.cause instanceof Error) root = root.cause;
    throw new AlpacaAccessError(`Alpaca could not be reached for ${what}: ${root.message}`, { cause: error });
  }
}

/** The volatility history the flag names: the VIX file, or Alpaca's VIXY / VIX index over the data's sessions. */
async function volatilityOf(
  source: VolSource,
  underlying: BarSeries,
  alpaca: AlpacaAccess | undefined,
): Promise<VolatilityHistory> {
  if (source.kind === 'csv') return readVixHistory(source.path);
  const needed = volatilityDaysNeeded(underlying);
  const firstBar = isoDate(calendarDay('us-equities', underlying.time[0]!));
  const span = {
    first: needed.length > 0 ? isoDate(needed[0]!) : firstBar,
    last: needed.length > 0 ? isoDate(needed[needed.length - 1]!) : firstBar,
  };
  const { client, budget } = alpaca!;
  return source.kind === 'alpaca-vixy'
    ? fromAlpaca('VIXY daily bars', () => vixyVolatility(client, budget, span))
    : fromAlpaca('VIX index values', () => vixIndexVolatility(client, budget, span));
}

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The model run's contracts, fetched from Alpaca as 1-minute option bars, a trading day a request (paged). */
function alpacaOptionBars(alpaca: AlpacaAccess): FetchOptionBars {
  return async (byDay) => {
    const before = alpaca.budget.requests;
    const data = new AlpacaOptionData({ alpaca: alpaca.client, budget: alpaca.budget });
    const fetched = await fromAlpaca('option bars', () => fetchOptionBars(data, byDay));
    const contracts = new Set([...byDay.values()].flatMap((symbols) => [...symbols])).size;
    return {
      bars: fetched.bars,
      fetched: fetched.fetched,
      notes: [
        `option bars: ${count(fetched.barCount, '1-minute bar')} of ${count(contracts, 'contract')} over ${count(fetched.daysFetched, 'trading day')} from Alpaca (${count(alpaca.budget.requests - before, 'request')})${fetched.daysBeforeHistory > 0 ? `; ${count(fetched.daysBeforeHistory, 'day')} before ${OPTION_BARS_FIRST_DAY} not asked for (Alpaca has no option bars earlier)` : ''}`,
      ],
    };
  };
}

/** Runs the options backtest the flags describe; the exit status (2 for the user's mistakes, named). */
export async function optionsBacktestCommand(run: OptionsCliRun): Promise<number> {
  let result: ReturnType<typeof runOptionsBacktest>;
  let realBars: RealBarsResult | undefined;
  try {
    const { config, options } = run;
    const { series, notes } = loadData(config, run.cacheDir);
    const underlying = series[0]!;
    if (underlying.timeframe === '1D') {
      throw new ConfigError(
        '--data',
        `${config.strategy.id} enters and exits within the day: it needs intraday bars (1m, 5m, 15m, 1h), not 1D`,
      );
    }
    const alpacaNeeded = options.optionPrices === 'alpaca' || options.volSource.kind !== 'csv';
    const alpaca = alpacaNeeded ? await alpacaAccess() : undefined;
    const volatility = await volatilityOf(options.volSource, underlying, alpaca);
    checkVolatilityCoverage(volatility, underlying, config.data.csv?.[0]?.path ?? underlying.symbol);
    const input = {
      underlying,
      preset: options.preset,
      params: config.strategy.params,
      volatility,
      cash: config.cash,
      notes,
    };
    if (options.optionPrices === 'alpaca') {
      realBars = await runOptionsWithRealBars(input, alpacaOptionBars(alpaca!));
      result = realBars.real;
    } else result = runOptionsBacktest(input);
  } catch (error) {
    if (error instanceof AlpacaAccessError || error instanceof OptionDataError) {
      console.error(`alpaca error: ${error.message}`);
      return 2;
    }
    return inputErrorExit(error);
  }

  const { report } = result;
  console.log(
    `${report.strategy} ${report.preset.id} on ${report.underlying} (${report.timeframe}, ${report.period.bars} bars, ${report.period.start.slice(0, 10)} → ${report.period.end.slice(0, 10)})`,
  );
  console.log(optionsSummary(report));
  if (realBars !== undefined) console.log(comparisonSummary(realBars.comparison));
  for (const note of report.notes) console.log(`note: ${note}`);

  if (run.out === undefined) {
    console.log('(no --out: nothing written)');
    return 0;
  }
  const dir = run.out;
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const file of run.write) {
    if (file === 'fills') writeTextFile(join(dir, 'fills.csv'), (sink) => writeFillsCsv(result, sink));
    if (file === 'trades') {
      writeTextFile(join(dir, 'trades.csv'), (sink) =>
        writeTradeListCsv(result.trades, sink, OPTION_TRADE_COLUMNS),
      );
    }
    if (file === 'equity') writeTextFile(join(dir, 'equity.csv'), (sink) => writeEquityCsv(result, sink));
    if (file === 'report') {
      writeFileSync(
        join(dir, 'report.json'),
        optionsReportJson(
          realBars === undefined ? report : { ...report, priceComparison: realBars.comparison },
        ),
      );
    }
    written.push(file === 'report' ? 'report.json' : `${file}.csv`);
  }
  if (realBars !== undefined) {
    writeFileSync(join(dir, 'compare.csv'), compareCsv(realBars.rows));
    written.push('compare.csv');
  }
  if (run.report === 'html') {
    const data = report.notes
      .filter((note) => note.startsWith('data: '))
      .map((note) => note.slice('data: '.length))
      .join('; ');
    writeFileSync(
      join(dir, 'tearsheet.html'),
      optionsTearsheet(
        result,
        data || 'CSV file',
        realBars === undefined ? [] : comparisonFacts(realBars.comparison),
      ),
    );
    written.push('tearsheet.html');
  }
  console.log(`wrote ${written.join(', ')} to ${dir}`);
  return 0;
}
