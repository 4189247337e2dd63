// `npm run backtest -- [--config file.json] [flags]`: runs a backtest from a config file and/or flags, prints the
// metrics beside buy-and-hold, and writes fills.csv, trades.csv, equity.csv and report.json to --out (and with
// --report html, tearsheet.html). With --strategy phase4d (--preset, --vol-source) it runs the options backtest
// (options-cli.ts) instead.
// A bad config or data file exits with status 2 and one line naming the field; nothing else exits 2.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BarSeries } from '../../shared/domain/bars';
import { defaultRunName } from '../strategies/run-name';
import { runBacktest } from './backtest';
import {
  buildConfig,
  type CliConfig,
  loadData,
  type OptionsRunFlags,
  type OutputFile,
} from './backtest-flags';
import type { CsvLoadReport } from './backtest-job';
import { inputErrorExit } from './cli-errors';
import { optionsBacktestCommand } from './options-cli';
import { metricsTable, reportJson, writeEquityCsv, writeFillsCsv, writeTradeListCsv } from './report';
import { tearsheetOfResult } from './tearsheet';
import { writeTextFile } from './text-file';

function main(argv: readonly string[]): number | Promise<number> {
  let config: CliConfig;
  let out: string | undefined;
  let write: readonly OutputFile[];
  let report: 'html' | undefined;
  let cacheDir: string | undefined;
  let loads: CsvLoadReport[];
  let series: BarSeries[];
  let dataNotes: string[];
  try {
    let options: OptionsRunFlags | undefined;
    ({ config, out, write, report, cacheDir, options } = buildConfig(argv));
    // An options strategy (phase4d) runs on the options engine, with its own report.
    if (options !== undefined)
      return optionsBacktestCommand({ config, options, out, write, report, cacheDir });
    ({ series, notes: dataNotes, loads } = loadData(config, cacheDir));
  } catch (error) {
    return inputErrorExit(error);
  }

  let result: ReturnType<typeof runBacktest>;
  try {
    const { data: _data, ...backtestConfig } = config;
    result = runBacktest(backtestConfig, series);
  } catch (error) {
    return inputErrorExit(error);
  }

  const first = result.equity.time[0];
  const last = result.equity.time[result.equity.length - 1];
  console.log(
    `${config.strategy.id} on ${result.symbols.join(', ')} (${result.timeframe}, ${result.stats.bars} bars` +
      (first !== undefined && last !== undefined
        ? `, ${new Date(first).toISOString().slice(0, 10)} → ${new Date(last).toISOString().slice(0, 10)})`
        : ')'),
  );
  if (result.stats.haltHeadline !== null) console.log(result.stats.haltHeadline);
  console.log(metricsTable(result));
  for (const note of [...dataNotes, ...result.notes]) console.log(`note: ${note}`);
  // Not in report.json: where the columns came from does not change the run, and reruns stay byte-identical.
  for (const load of loads) {
    if (load.warning !== undefined) console.error(`warning: ${load.warning}`);
    if (load.cache === 'hit') console.log(`data: ${load.path} read from the parsed-data cache`);
  }

  if (out !== undefined) {
    mkdirSync(out, { recursive: true });
    const dir = out;
    const written: string[] = [];
    for (const file of write) {
      if (file === 'fills') writeTextFile(join(dir, 'fills.csv'), (sink) => writeFillsCsv(result, sink));
      if (file === 'trades')
        writeTextFile(join(dir, 'trades.csv'), (sink) => writeTradeListCsv(result.trades, sink));
      if (file === 'equity') writeTextFile(join(dir, 'equity.csv'), (sink) => writeEquityCsv(result, sink));
      if (file === 'report') {
        writeFileSync(join(dir, 'report.json'), reportJson(result, { data: config.data, dataNotes }));
      }
      written.push(file === 'report' ? 'report.json' : `${file}.csv`);
    }
    if (report === 'html') {
      const name = defaultRunName({
        strategy: config.strategy,
        strategies: config.strategies,
        symbols: result.symbols,
        timeframe: result.timeframe,
      });
      const data = dataNotes.map((note) => note.replace(/^data: /, '')).join('; ');
      writeFileSync(join(dir, 'tearsheet.html'), tearsheetOfResult(result, name, data || 'CSV files'));
      written.push('tearsheet.html');
    }
    console.log(`wrote ${written.join(', ')} to ${out}`);
  } else {
    console.log('(no --out: nothing written)');
  }
  return 0;
}

// The options run with Alpaca prices or volatility awaits its downloads; every other run is synchronous.
void Promise.resolve(main(process.argv.slice(2))).then((code) => {
  process.exitCode = code;
});
