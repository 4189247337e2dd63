// `npm run backtest -- --strategy phase4d --preset 2k|25k --vol-source csv:VIX_History.csv --data SPY_5m.csv --out DIR`:
// the options backtest from the backtest CLI's flags. Prints the report's figures and writes trades.csv (with the
// OCC symbol, contracts, the underlying at entry, expiry and strike), fills.csv, equity.csv and report.json with the
// same writers as the equity backtest.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readVixHistory } from '../feeds/vix-history';
import { ConfigError } from '../strategies/config-error';
import type { CliConfig, OptionsRunFlags, OutputFile } from './backtest-flags';
import { loadData } from './backtest-flags';
import { inputErrorExit } from './cli-errors';
import { optionsTearsheet, runOptionsBacktest } from './options-backtest';
import { OPTION_TRADE_COLUMNS, optionsReportJson, optionsSummary } from './options-report';
import { writeEquityCsv, writeFillsCsv, writeTradeListCsv } from './report';
import { writeTextFile } from './text-file';
import { checkVolatilityCoverage } from './volatility-coverage';

export interface OptionsCliRun {
  readonly config: CliConfig;
  readonly options: OptionsRunFlags;
  readonly out: string | undefined;
  readonly write: readonly OutputFile[];
  readonly report: 'html' | undefined;
  readonly cacheDir: string | undefined;
}

/** Runs the options backtest the flags describe; the exit status (2 for the user's mistakes, named). */
export function optionsBacktestCommand(run: OptionsCliRun): number {
  let result: ReturnType<typeof runOptionsBacktest>;
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
    const volatility = readVixHistory(options.volSource.path);
    checkVolatilityCoverage(volatility, underlying, config.data.csv?.[0]?.path ?? underlying.symbol);
    result = runOptionsBacktest({
      underlying,
      preset: options.preset,
      params: config.strategy.params,
      volatility,
      cash: config.cash,
      notes,
    });
  } catch (error) {
    return inputErrorExit(error);
  }

  const { report } = result;
  console.log(
    `${report.strategy} ${report.preset.id} on ${report.underlying} (${report.timeframe}, ${report.period.bars} bars, ${report.period.start.slice(0, 10)} → ${report.period.end.slice(0, 10)})`,
  );
  console.log(optionsSummary(report));
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
    if (file === 'report') writeFileSync(join(dir, 'report.json'), optionsReportJson(report));
    written.push(file === 'report' ? 'report.json' : `${file}.csv`);
  }
  if (run.report === 'html') {
    const data = report.notes
      .filter((note) => note.startsWith('data: '))
      .map((note) => note.slice('data: '.length))
      .join('; ');
    writeFileSync(join(dir, 'tearsheet.html'), optionsTearsheet(result, data || 'CSV file'));
    written.push('tearsheet.html');
  }
  console.log(`wrote ${written.join(', ')} to ${dir}`);
  return 0;
}
