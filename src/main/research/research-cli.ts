// `npm run research -- <subcommand> [flags]`: the research lab from a terminal. `optimize` searches a strategy's
// parameters and writes results.csv and report.json; `walk-forward` optimises on rolling or anchored train windows,
// runs each choice on the test window after it and writes folds.csv, oos_equity.csv and report.json. Every backtest
// flag works as in `npm run backtest` (backtest-flags.ts). Bad input (an unknown parameter or objective, an empty
// grid, windows longer than the data) exits with status 2 and one line naming it, before any work starts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { BacktestDataSpec } from '../../shared/domain/backtest';
import type { BarSeries } from '../../shared/domain/bars';
import {
  CONSTRAINT_METRICS,
  type ConstraintMetric,
  OBJECTIVES,
  type ParamDimension,
  SEARCH_METHODS,
  type SearchSpec,
  searchSchema,
  type WalkForwardWindows,
  WINDOW_UNITS,
  type WindowUnit,
  walkForwardWindowsSchema,
} from '../../shared/domain/research';
import { checkStrategies } from '../strategies/market-builder';
import { type BacktestConfig, ConfigError, configErrorOf } from '../strategies/run-config';
import { buildConfig, type CliConfig, loadData, paramValue } from './backtest-flags';
import { datasetId, timelineOf } from './cell';
import { inputErrorExit } from './cli-errors';
import type { Dataset, ResearchExecutor } from './executor';
import { createExecutor } from './executors';
import { monteCarloCommand } from './monte-carlo-command';
import { checkSearch, optimize } from './optimize';
import {
  optimizeReportJson,
  walkForwardReportJson,
  writeFoldsCsv,
  writeOosEquityCsv,
  writeResultsCsv,
} from './research-report';
import { headlineOf } from './research-service';
import { writeTextFile } from './text-file';
import { checkWindows, walkForward } from './walk-forward';

/** A subcommand: its arguments (after the name) → the exit status. */
export type Subcommand = (argv: readonly string[]) => Promise<number>;

const USAGE = `usage: npm run research -- <subcommand> [options]
  optimize      --data CSV --symbol S --strategy ID --grid NAME=V1,V2,... [--grid ...]
                [--method grid|random|tpe --trials N] --objective METRIC [--workers N]
                [--executor local|bullmq --redis URL] [backtest flags] --out DIR
                -> DIR/results.csv (one row per cell: parameters, metrics, final_equity), report.json
  walk-forward  --data CSV --symbol S --strategy ID --grid ... --train-bars N --test-bars N
                [--gap-bars N] --mode rolling|anchored --objective METRIC [--workers N] --out DIR
                -> DIR/folds.csv, oos_equity.csv, report.json (with the walk-forward efficiency)
  monte-carlo   --trades trades.csv --cash N --runs N --method shuffle|bootstrap|block --seed N --out DIR
                -> DIR/report.json (percentiles of final equity and max drawdown, ruin probability)
  replay-parity --session ID [--data-dir DIR] [--out DIR]
                a paper session's run replayed through the backtester; its fills compared with the session's
  (npm run research -- <subcommand> --help for a subcommand's options)

search options:
  --grid NAME=V1,V2,...     values to try (repeat for each parameter); NAME=MIN:MAX:STEP for a stepped range,
                            NAME=MIN:MAX for a range random and TPE sample (whole numbers unless MIN or MAX has a point)
  --method grid|random|tpe  default grid (every combination)
  --trials N                cells to try with random or tpe (default 50)
  --objective METRIC        ${OBJECTIVES.join(', ')} (default sharpe)
  --min-trades N            cells with fewer round trips are never best
  --constraint 'M>=V'       keep only cells whose metric passes (repeat), e.g. 'maxDrawdown<=0.25'
  --seed N                  seeds the search (and the venue's random rejections)
  --workers N, --executor local|bullmq, --redis URL   where the cells run
walk-forward windows (one unit for all three): --train-UNIT N --test-UNIT N [--gap-UNIT N], UNIT one of
  ${WINDOW_UNITS.join(', ')} (days are trading days); --mode rolling|anchored (default rolling)
backtest flags: see npm run backtest -- --help`;

const WINDOW_FLAGS = WINDOW_UNITS.flatMap((unit) =>
  ['train', 'test', 'gap'].map((part) => `${part}-${unit}`),
);

/** The research CLI's own flags; everything else is a backtest flag. --seed goes to both. */
const RESEARCH_OPTIONS = {
  grid: { type: 'string', multiple: true },
  method: { type: 'string' },
  trials: { type: 'string' },
  objective: { type: 'string' },
  'min-trades': { type: 'string' },
  constraint: { type: 'string', multiple: true },
  seed: { type: 'string' },
  workers: { type: 'string' },
  executor: { type: 'string' },
  redis: { type: 'string' },
  out: { type: 'string' },
  mode: { type: 'string' },
  help: { type: 'boolean' },
  ...Object.fromEntries(WINDOW_FLAGS.map((name) => [name, { type: 'string' }])),
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** The arguments split into the research CLI's and the backtest's (given to the backtest CLI's buildConfig). */
function splitArgs(argv: readonly string[]): { research: string[]; backtest: string[] } {
  const research: string[] = [];
  const backtest: string[] = [];
  const options = RESEARCH_OPTIONS as Record<string, { type: 'string' | 'boolean' }>;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.startsWith('--') ? arg.slice(2).split('=')[0]! : '';
    const option = options[name];
    if (option === undefined) {
      backtest.push(arg);
      continue;
    }
    const taken =
      option.type === 'string' && !arg.includes('=') && i + 1 < argv.length ? [arg, argv[++i]!] : [arg];
    research.push(...taken);
    if (name === 'seed') backtest.push(...taken);
  }
  return { research, backtest };
}

function count(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new ConfigError(`--${flag}`, `'${text}' is not a whole number of at least ${min}`);
  }
  return value;
}

/** One --grid: NAME=V1,V2,... (listed values) or NAME=MIN:MAX[:STEP] (a range). */
export function parseGrid(spec: string): ParamDimension {
  const at = spec.indexOf('=');
  if (at <= 0) throw new ConfigError('--grid', `expected NAME=V1,V2,... or NAME=MIN:MAX:STEP, got '${spec}'`);
  const name = spec.slice(0, at).trim();
  const body = spec.slice(at + 1).trim();
  if (body === '') throw new ConfigError('--grid', `${name} has no values (e.g. ${name}=5,10,20)`);
  if (/^[^,]*:[^,]*$/.test(body)) {
    const parts = body.split(':').map((p) => p.trim());
    const numbers = parts.map(Number);
    if (
      parts.length < 2 ||
      parts.length > 3 ||
      parts.some((p) => p === '') ||
      numbers.some((n) => !Number.isFinite(n))
    ) {
      throw new ConfigError('--grid', `${name}=${body} is not MIN:MAX or MIN:MAX:STEP (numbers)`);
    }
    const [min, max, step] = numbers as [number, number, number | undefined];
    if (!(max > min)) throw new ConfigError('--grid', `${name}=${body}: MAX must be above MIN`);
    if (step !== undefined && !(step > 0))
      throw new ConfigError('--grid', `${name}=${body}: STEP must be above 0`);
    return {
      kind: 'range',
      name,
      min,
      max,
      ...(step !== undefined && { step }),
      integer: parts.every((p) => !/[.eE]/.test(p)),
    };
  }
  const texts = body.split(',').map((v) => v.trim());
  if (texts.some((v) => v === '')) throw new ConfigError('--grid', `${name}=${body} has an empty value`);
  return { kind: 'values', name, values: texts.map((t) => paramValue(t) as string | number | boolean) };
}

function parseConstraint(spec: string): { metric: ConstraintMetric; op: '>=' | '<='; value: number } {
  const match = /^\s*([A-Za-z]+)\s*(>=|<=)\s*(-?[0-9.]+(?:e-?[0-9]+)?)\s*$/.exec(spec);
  if (match === null)
    throw new ConfigError('--constraint', `expected METRIC>=VALUE or METRIC<=VALUE, got '${spec}'`);
  const metric = match[1]!;
  if (!(CONSTRAINT_METRICS as readonly string[]).includes(metric)) {
    throw new ConfigError('--constraint', `'${metric}' is not one of ${CONSTRAINT_METRICS.join(', ')}`);
  }
  return { metric: metric as ConstraintMetric, op: match[2] as '>=' | '<=', value: Number(match[3]) };
}

interface Parsed {
  readonly config: CliConfig;
  readonly base: BacktestConfig;
  readonly search: SearchSpec;
  readonly windows: WalkForwardWindows | undefined;
  readonly out: string | undefined;
  readonly cacheDir: string | undefined;
  readonly executor: ResearchExecutor;
}

/** Every flag read and checked; throws a ConfigError naming the first problem. */
function parse(kind: 'optimize' | 'walk-forward', argv: readonly string[]): Parsed {
  const split = splitArgs(argv);
  const { values } = parseArgs({
    args: split.research,
    options: RESEARCH_OPTIONS,
    strict: true,
    allowPositionals: false,
  });
  const flags = values as Record<string, string | string[] | boolean | undefined>;
  const { config, cacheDir } = buildConfig(split.backtest);

  const grids = (flags['grid'] as string[] | undefined) ?? [];
  if (grids.length === 0) {
    throw new ConfigError('--grid', 'give at least one parameter to search, e.g. --grid fast=5,10,20');
  }
  const objective = flags['objective'] as string | undefined;
  if (objective !== undefined && !(OBJECTIVES as readonly string[]).includes(objective)) {
    throw new ConfigError('--objective', `'${objective}' is not one of ${OBJECTIVES.join(', ')}`);
  }
  const method = flags['method'] as string | undefined;
  if (method !== undefined && !(SEARCH_METHODS as readonly string[]).includes(method)) {
    throw new ConfigError('--method', `'${method}' is not one of ${SEARCH_METHODS.join(', ')}`);
  }
  const searchInput = {
    dimensions: grids.map(parseGrid),
    ...(method !== undefined && { method }),
    ...(objective !== undefined && { objective }),
    ...(flags['trials'] !== undefined && { trials: count('trials', flags['trials'] as string, 1) }),
    ...(flags['seed'] !== undefined && { seed: count('seed', flags['seed'] as string, 0) }),
    ...(flags['min-trades'] !== undefined && {
      minTrades: count('min-trades', flags['min-trades'] as string, 0),
    }),
    constraints: ((flags['constraint'] as string[] | undefined) ?? []).map(parseConstraint),
  };
  const searched = searchSchema.safeParse(searchInput);
  if (!searched.success) throw configErrorOf(searched.error, 'search');

  const search = searched.data;
  const { data: _data, ...backtestConfig } = config;
  const base = checkSearch(backtestConfig, search);

  const given = WINDOW_FLAGS.filter((name) => flags[name] !== undefined);
  let windows: WalkForwardWindows | undefined;
  if (kind === 'optimize') {
    if (given.length > 0 || flags['mode'] !== undefined) {
      throw new ConfigError(`--${given[0] ?? 'mode'}`, 'windows are for walk-forward, not optimize');
    }
  } else {
    const units = [...new Set(given.map((name) => name.slice(name.indexOf('-') + 1)))];
    if (units.length > 1) {
      throw new ConfigError('--train', `give all windows in one unit, not ${units.join(' and ')}`);
    }
    const unit = (units[0] ?? 'bars') as WindowUnit;
    const part = (p: 'train' | 'test' | 'gap', min: number) =>
      count(`${p}-${unit}`, flags[`${p}-${unit}`] as string | undefined, min);
    const train = part('train', 1);
    const test = part('test', 1);
    if (train === undefined)
      throw new ConfigError(`--train-${unit}`, 'give the train window, e.g. --train-bars 500');
    if (test === undefined)
      throw new ConfigError(`--test-${unit}`, 'give the test window, e.g. --test-bars 100');
    const parsedWindows = walkForwardWindowsSchema.safeParse({
      unit,
      train,
      test,
      gap: part('gap', 0) ?? 0,
      ...(flags['mode'] !== undefined && { mode: flags['mode'] }),
    });
    if (!parsedWindows.success) {
      const problem = configErrorOf(parsedWindows.error);
      throw new ConfigError(`--${problem.field}`, problem.detail);
    }
    windows = parsedWindows.data;
  }

  const workers = count('workers', flags['workers'] as string | undefined, 1);
  const executorKind = (flags['executor'] as string | undefined) ?? 'local';
  if (executorKind !== 'local' && executorKind !== 'bullmq') {
    throw new ConfigError('--executor', `'${executorKind}' is not local or bullmq`);
  }
  if (executorKind === 'bullmq' && flags['redis'] === undefined) {
    throw new ConfigError('--redis', 'the bullmq executor needs --redis redis://HOST:PORT');
  }
  const executor = createExecutor(
    executorKind === 'bullmq'
      ? { kind: 'bullmq', redisUrl: flags['redis'] as string }
      : { kind: 'local', ...(workers !== undefined && { workers }) },
  );
  return { config, base, search, windows, out: flags['out'] as string | undefined, cacheDir, executor };
}

/** The data as a run stores it: CSV files with the timeframe they were read as, or the synthetic market's seed. */
function dataSpecOf(config: CliConfig, series: readonly BarSeries[]): BacktestDataSpec {
  const csv = config.data.csv;
  if (csv !== undefined) {
    return {
      source: 'csv',
      files: csv.map((file, i) => ({
        ...file,
        skipInvalid: file.skipInvalid ?? false,
        timeframe: series[i]!.timeframe,
      })),
      symbols: csv.map((file) => file.symbol),
      timeframe: series[0]!.timeframe,
    };
  }
  const first = series[0]!;
  const synthetic = config.data.synthetic;
  return {
    source: 'synthetic',
    symbols: series.map((s) => s.symbol),
    timeframe: first.timeframe,
    bars: first.length,
    seed: synthetic?.seed ?? 20_230_102,
  };
}

/** A search field as the flag that set it: search.dimensions.0.name → --grid, search.minTrades → --min-trades. */
function flagOf(field: string): string {
  if (!field.startsWith('search.')) return field;
  const key = field.split('.')[1]!;
  if (key === 'dimensions') return '--grid';
  if (key === 'constraints') return '--constraint';
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Progress on a terminal only (a pipe or a test gets the summary alone). */
function progressLine(): ((done: number, total: number) => void) | undefined {
  if (process.stderr.isTTY !== true) return undefined;
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (now - last < 250 && done < total) return;
    last = now;
    process.stderr.write(`\r${done}/${total} jobs${done === total ? '\n' : ''}`);
  };
}

function researchCommand(kind: 'optimize' | 'walk-forward'): Subcommand {
  return async (argv) => {
    if (argv.includes('--help')) {
      console.log(USAGE);
      return 0;
    }
    let parsed: Parsed;
    let dataset: Dataset;
    let spec: BacktestDataSpec;
    let dataNotes: string[];
    try {
      parsed = parse(kind, argv);
      const loaded = loadData(parsed.config, parsed.cacheDir);
      checkStrategies(
        parsed.base,
        loaded.series.map((s) => s.symbol),
      );
      dataset = { id: datasetId(loaded.series), series: loaded.series };
      spec = dataSpecOf(parsed.config, loaded.series);
      dataNotes = loaded.notes;
      if (parsed.windows !== undefined) {
        checkWindows(
          timelineOf(loaded.series),
          parsed.windows,
          loaded.series[0]!.timeframe,
          parsed.base.calendar,
        );
      }
    } catch (error) {
      return inputErrorExit(error, (e) => `${flagOf(e.field)}: ${e.detail}`);
    }
    const { search, windows, out, executor } = parsed;
    const { data: _data, ...config } = parsed.config;
    const onProgress = progressLine();
    const options = { data: spec, ...(onProgress !== undefined && { onProgress }) };
    const request = { kind, config, search, ...(windows !== undefined && { windows }) };
    try {
      const result =
        windows === undefined
          ? await optimize({ config, search }, dataset, executor, options)
          : await walkForward({ config, search, windows }, dataset, executor, options);
      const notes = [...dataNotes, ...result.notes];
      console.log(headlineOf(result));
      if (result.kind === 'walk-forward')
        for (const warning of result.warnings) console.log(`warning: ${warning}`);
      for (const note of notes) console.log(`note: ${note}`);
      if (out === undefined) {
        console.log('(no --out: nothing written)');
        return 0;
      }
      mkdirSync(out, { recursive: true });
      const full = { ...result, notes };
      if (full.kind === 'optimize') {
        writeTextFile(join(out, 'results.csv'), (sink) => writeResultsCsv(full, sink));
        writeFileSync(join(out, 'report.json'), optimizeReportJson(full, request));
        console.log(`wrote results.csv, report.json to ${out}`);
      } else {
        writeTextFile(join(out, 'folds.csv'), (sink) => writeFoldsCsv(full, sink));
        writeTextFile(join(out, 'oos_equity.csv'), (sink) => writeOosEquityCsv(full, sink));
        writeFileSync(join(out, 'report.json'), walkForwardReportJson(full, request));
        console.log(`wrote folds.csv, oos_equity.csv, report.json to ${out}`);
      }
      return 0;
    } finally {
      await executor.close();
    }
  };
}

/**
 * The subcommands by name. `replay-parity` belongs to sessions/, above this layer: the CLI's entry
 * (src/main/research-main.ts) adds it.
 */
export const SUBCOMMANDS = new Map<string, Subcommand>([
  ['optimize', researchCommand('optimize')],
  ['walk-forward', researchCommand('walk-forward')],
  ['monte-carlo', monteCarloCommand],
]);

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = SUBCOMMANDS.get(name);
  if (command === undefined) {
    console.error(
      `config error: '${name}' is not a research subcommand; use one of ${[...SUBCOMMANDS.keys()].join(', ')}`,
    );
    return 2;
  }
  return command(rest);
}
