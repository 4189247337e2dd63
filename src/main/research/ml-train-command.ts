// `npm run ml -- train --data CSV --symbol S --horizon K --threshold X --folds 5 [--mode expanding|rolling]
//   --out DIR`: walk-forward training of a model on a symbol's bars from a terminal. Writes DIR/model.json (our model
// file), folds.csv (one row per fold: spans and test metrics), importance.csv (gain and cover per feature) and
// report.json (everything, with the calibration and the look-ahead check), and prints the folds as a table.
// Bad input (a flag, the CSV's file and line, too few bars for the folds) exits with status 2 and one line naming
// it, before any training; a look-ahead leak fails the training with status 1 naming the feature.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { z } from 'zod';
import { issueMessage } from '../../shared/api/field-errors';
import type { BarSeries } from '../../shared/domain/bars';
import {
  type FoldMetrics,
  type TrainRequest,
  type TrainRequestInput,
  trainRequestSchema,
  WALK_FORWARD_MODES,
} from '../../shared/domain/ml';
import { DEFAULT_FEATURE_SET, FeatureSetError } from '../ml/features';
import { LookAheadError } from '../ml/look-ahead';
import { writeModelFile } from '../ml/model-file';
import {
  TrainingInputError,
  trainedModelFile,
  trainWalkForward,
  type WalkForwardResult,
} from '../ml/walk-forward-training';
import { ConfigError } from '../strategies/config-error';
import { loadCsvBars } from './backtest-job';
import { inputErrorExit } from './cli-errors';
import { iso, num, type TextSink, textOf } from './report';

export const TRAIN_USAGE = `  train    --data bars.csv --symbol S [--horizon K] [--threshold X] [--folds N] [--mode expanding|rolling]
           [--label forward-return|triple-barrier --target X --stop X] [--features set.json]
           [--other S=bars.csv ...] [fit's booster flags] [--early-stopping N]
           [--probability-threshold P] [--name TEXT] --out DIR
           -> walk-forward training on the bars: DIR/model.json (our model file), folds.csv (each fold's span
              and test AUC, log loss, accuracy, precision/recall), importance.csv (gain, cover), report.json
              (with the calibration and the look-ahead check); folds are purged by the label horizon
           --horizon: bars ahead the label looks (12); --threshold: the forward return a row must beat, a
           fraction (0); --features: a feature set as JSON ({"features":[{"kind":"rsi","period":14},...],
           "symbols":[...],"timeframes":[...]}), default returns, volatility, RSI, MACD, ATR, volume z-score,
           moving-average distances, time of day, day of week; --other: bars of a symbol the set names`;

const OPTIONS = {
  data: { type: 'string' },
  symbol: { type: 'string' },
  out: { type: 'string' },
  horizon: { type: 'string' },
  threshold: { type: 'string' },
  label: { type: 'string' },
  target: { type: 'string' },
  stop: { type: 'string' },
  folds: { type: 'string' },
  mode: { type: 'string' },
  features: { type: 'string' },
  other: { type: 'string', multiple: true },
  objective: { type: 'string' },
  rounds: { type: 'string' },
  'max-depth': { type: 'string' },
  eta: { type: 'string' },
  lambda: { type: 'string' },
  gamma: { type: 'string' },
  'min-child-weight': { type: 'string' },
  subsample: { type: 'string' },
  colsample: { type: 'string' },
  'max-bin': { type: 'string' },
  'early-stopping': { type: 'string' },
  seed: { type: 'string' },
  'probability-threshold': { type: 'string' },
  name: { type: 'string' },
  help: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** The flag behind each request field, for zod's complaints. */
const FLAG_OF_FIELD: Readonly<Record<string, string>> = {
  name: '--name',
  symbol: '--symbol',
  featureSet: '--features',
  'label.horizon': '--horizon',
  'label.threshold': '--threshold',
  'label.target': '--target',
  'label.stop': '--stop',
  'label.kind': '--label',
  folds: '--folds',
  mode: '--mode',
  threshold: '--probability-threshold',
  'params.objective': '--objective',
  'params.rounds': '--rounds',
  'params.maxDepth': '--max-depth',
  'params.eta': '--eta',
  'params.lambda': '--lambda',
  'params.gamma': '--gamma',
  'params.minChildWeight': '--min-child-weight',
  'params.subsample': '--subsample',
  'params.colsample': '--colsample',
  'params.maxBin': '--max-bin',
  'params.earlyStoppingRounds': '--early-stopping',
  'params.seed': '--seed',
};

function flagOfPath(path: readonly PropertyKey[]): string {
  const key = path.map(String).join('.');
  if (key.startsWith('featureSet')) return `--features (${key.slice('featureSet.'.length) || 'the set'})`;
  return FLAG_OF_FIELD[key] ?? key;
}

function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new ConfigError(`--${flag}`, `'${text}' is not a number`);
  }
  return value;
}

export interface TrainCommandInput {
  readonly request: TrainRequest;
  readonly data: string;
  readonly others: readonly { symbol: string; path: string }[];
  readonly out: string;
}

/** Every flag read and checked into a TrainRequest; throws ConfigError naming the first problem. */
export function parseTrainFlags(argv: readonly string[]): TrainCommandInput {
  const { values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  const data = values.data;
  const symbol = values.symbol;
  const out = values.out;
  if (data === undefined)
    throw new ConfigError('--data', 'give the bars to train on, e.g. --data spy-5m.csv');
  if (symbol === undefined)
    throw new ConfigError('--symbol', 'give the symbol the bars are of, e.g. --symbol SPY');
  if (out === undefined) throw new ConfigError('--out', 'give a directory to write the model and report to');

  let featureSet: unknown = DEFAULT_FEATURE_SET;
  if (values.features !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.features, 'utf8');
    } catch (error) {
      throw new ConfigError(
        '--features',
        `${values.features}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
    }
    try {
      featureSet = JSON.parse(text);
    } catch (error) {
      throw new ConfigError('--features', `${values.features} is not JSON: ${(error as Error).message}`);
    }
  }

  const others = (values.other ?? []).map((spec) => {
    const at = spec.indexOf('=');
    if (at <= 0 || at === spec.length - 1) {
      throw new ConfigError('--other', `expected SYMBOL=bars.csv, got '${spec}'`);
    }
    return { symbol: spec.slice(0, at).trim(), path: spec.slice(at + 1).trim() };
  });

  const labelKind = values.label ?? 'forward-return';
  if (labelKind !== 'forward-return' && labelKind !== 'triple-barrier') {
    throw new ConfigError('--label', `'${labelKind}' is not forward-return or triple-barrier`);
  }
  const horizon = numberFlag('horizon', values.horizon) ?? 12;
  const label =
    labelKind === 'forward-return'
      ? { kind: labelKind, horizon, threshold: numberFlag('threshold', values.threshold) ?? 0 }
      : {
          kind: labelKind,
          horizon,
          target: requiredNumber('target', values.target, 'the triple barrier needs --target, e.g. 0.01'),
          stop: requiredNumber('stop', values.stop, 'the triple barrier needs --stop, e.g. 0.005'),
        };
  if (labelKind === 'triple-barrier' && values.threshold !== undefined) {
    throw new ConfigError(
      '--threshold',
      'is for the forward-return label; the triple barrier takes --target and --stop',
    );
  }

  const objective = values.objective;
  if (objective !== undefined && objective !== 'binary' && objective !== 'regression') {
    throw new ConfigError('--objective', `'${objective}' is not binary or regression`);
  }
  const mode = values.mode;
  if (mode !== undefined && !(WALK_FORWARD_MODES as readonly string[]).includes(mode)) {
    throw new ConfigError('--mode', `'${mode}' is not ${WALK_FORWARD_MODES.join(' or ')}`);
  }
  const params: Record<string, number | string | undefined> = {
    objective: objective === 'regression' ? 'reg:squarederror' : 'binary:logistic',
    rounds: numberFlag('rounds', values.rounds),
    maxDepth: numberFlag('max-depth', values['max-depth']),
    eta: numberFlag('eta', values.eta),
    lambda: numberFlag('lambda', values.lambda),
    gamma: numberFlag('gamma', values.gamma),
    minChildWeight: numberFlag('min-child-weight', values['min-child-weight']),
    subsample: numberFlag('subsample', values.subsample),
    colsample: numberFlag('colsample', values.colsample),
    maxBin: numberFlag('max-bin', values['max-bin']),
    earlyStoppingRounds: numberFlag('early-stopping', values['early-stopping']),
    seed: numberFlag('seed', values.seed),
  };
  const input = {
    ...(values.name !== undefined && { name: values.name }),
    symbol,
    featureSet,
    label,
    params: Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)),
    ...(values.folds !== undefined && { folds: numberFlag('folds', values.folds) }),
    ...(mode !== undefined && { mode }),
    ...(values['probability-threshold'] !== undefined && {
      threshold: numberFlag('probability-threshold', values['probability-threshold']),
    }),
  } as TrainRequestInput;
  const parsed = trainRequestSchema.safeParse(input);
  if (!parsed.success) throw flagErrorOf(parsed.error);
  const request = parsed.data;
  const missing = request.featureSet.symbols.filter((s) => !others.some((o) => o.symbol === s));
  if (missing.length > 0) {
    throw new ConfigError(
      '--other',
      `the feature set uses ${missing.join(', ')}: give --other ${missing[0]}=bars.csv`,
    );
  }
  return { request, data, others, out };
}

function requiredNumber(flag: string, text: string | undefined, missing: string): number {
  const value = numberFlag(flag, text);
  if (value === undefined) throw new ConfigError(`--${flag}`, missing);
  return value;
}

function flagErrorOf(error: z.ZodError): ConfigError {
  const issue = error.issues[0]!;
  return new ConfigError(flagOfPath(issue.path), issueMessage(issue));
}

const cell = (value: number | null) => (value === null ? '' : num(value));

/** folds.csv: one row per fold, times as ISO text, empty cells for metrics a fold has not got. */
export function writeFoldsCsv(folds: readonly FoldMetrics[], sink: TextSink): void {
  sink.write(
    'fold,train_from,train_to,test_from,test_to,train_rows,test_rows,auc,log_loss,accuracy,precision,recall,threshold,rmse,rounds\n',
  );
  for (const f of folds) {
    sink.write(
      `${f.fold},${iso(f.trainFrom)},${iso(f.trainTo)},${iso(f.testFrom)},${iso(f.testTo)},${f.trainRows},${f.testRows},` +
        `${cell(f.auc)},${cell(f.logLoss)},${cell(f.accuracy)},${cell(f.precision)},${cell(f.recall)},${num(f.threshold)},${cell(f.rmse)},${f.rounds}\n`,
    );
  }
}

/** importance.csv: every model feature, the most gain first (features never split on have zeros). */
export function writeImportanceCsv(result: WalkForwardResult, sink: TextSink): void {
  sink.write('feature,gain,cover,splits\n');
  for (const row of importanceRows(result)) {
    sink.write(`${csvText(row.feature)},${num(row.gain)},${num(row.cover)},${row.splits}\n`);
  }
}

function importanceRows(result: WalkForwardResult) {
  const known = new Map(result.importance.map((row) => [row.feature, row]));
  return result.featureNames
    .map((feature) => known.get(feature) ?? { feature, gain: 0, cover: 0, splits: 0 })
    .sort((a, b) => b.gain - a.gain || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0));
}

function csvText(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The mean of the folds' test AUC, null when no fold had one. */
export function meanAuc(folds: readonly FoldMetrics[]): number | null {
  const values = folds.map((f) => f.auc).filter((v): v is number => v !== null);
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** report.json: the request, the data, the folds, importance, calibration and the look-ahead check. */
export function trainReportJson(
  request: TrainRequest,
  series: BarSeries,
  result: WalkForwardResult,
  dataPath: string,
): string {
  const report = {
    name: request.name ?? null,
    symbol: request.symbol,
    data: {
      path: dataPath,
      bars: series.length,
      timeframe: series.timeframe,
      from: iso(series.time[0]!),
      to: iso(series.time[series.length - 1]!),
    },
    featureSet: request.featureSet,
    featureSetHash: result.featureSetHash,
    featureNames: result.featureNames,
    label: request.label,
    params: request.params,
    walkForward: { folds: request.folds, mode: request.mode, purgeBars: request.label.horizon },
    threshold: request.threshold,
    folds: result.folds.map((f) => ({
      ...f,
      trainFrom: iso(f.trainFrom),
      trainTo: iso(f.trainTo),
      testFrom: iso(f.testFrom),
      testTo: iso(f.testTo),
    })),
    meanAuc: meanAuc(result.folds),
    finalModel: {
      file: 'model.json',
      trees: result.ensemble.roots.length,
      rounds: result.rounds,
      rows: result.rows,
      trainFrom: iso(result.trainFrom),
      trainTo: iso(result.trainTo),
    },
    importance: importanceRows(result),
    calibration: result.calibration,
    lookAhead: {
      passed: result.lookAhead.passed,
      checkpointBars: result.lookAhead.checkpoints,
      message: result.lookAhead.message,
    },
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

function foldsTable(folds: readonly FoldMetrics[]): string {
  const fixed = (v: number | null) => (v === null ? '—' : v.toFixed(4));
  const lines = [
    'fold  test from                 train rows  test rows  AUC     log loss  accuracy  precision  recall',
  ];
  for (const f of folds) {
    lines.push(
      `${String(f.fold).padEnd(6)}${iso(f.testFrom).padEnd(26)}${String(f.trainRows).padStart(10)}  ${String(f.testRows).padStart(9)}  ${fixed(f.auc).padEnd(8)}${fixed(f.logLoss).padEnd(10)}${fixed(f.accuracy).padEnd(10)}${fixed(f.precision).padEnd(11)}${fixed(f.recall)}`,
    );
  }
  return lines.join('\n');
}

/** Runs the command; the exit status (0 done, 1 the training failed, 2 bad input). */
export async function trainCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(TRAIN_USAGE);
    return 0;
  }
  let input: TrainCommandInput;
  let series: BarSeries;
  let others: BarSeries[];
  try {
    input = parseTrainFlags(argv);
    series = loadCsvBars([{ path: input.data, symbol: input.request.symbol }]).series[0]!;
    others = loadCsvBars(input.others.map((o) => ({ path: o.path, symbol: o.symbol }))).series;
  } catch (error) {
    return inputErrorExit(error);
  }
  const { request, out } = input;
  let lastStage = '';
  let result: WalkForwardResult;
  try {
    result = trainWalkForward(
      request,
      { series, others },
      {
        onProgress: (progress) => {
          const stage = `${progress.stage}${progress.message === undefined ? '' : ` (${progress.message})`}`;
          if (stage !== lastStage) {
            lastStage = stage;
            process.stderr.write(
              `${progress.stage === 'folds' || progress.stage === 'final' ? `[${progress.done}/${progress.total}] ` : ''}${stage}\n`,
            );
          }
        },
      },
    );
  } catch (error) {
    if (error instanceof TrainingInputError || error instanceof FeatureSetError) {
      console.error(`data error: ${error.message}`);
      return 2;
    }
    if (error instanceof LookAheadError) {
      console.error(`training failed: ${error.message}`);
      return 1;
    }
    throw error;
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'model.json'), writeModelFile(trainedModelFile(request, result)));
  writeFileSync(
    join(out, 'folds.csv'),
    textOf((sink) => writeFoldsCsv(result.folds, sink)),
  );
  writeFileSync(
    join(out, 'importance.csv'),
    textOf((sink) => writeImportanceCsv(result, sink)),
  );
  writeFileSync(join(out, 'report.json'), trainReportJson(request, series, result, input.data));
  console.log(foldsTable(result.folds));
  const mean = meanAuc(result.folds);
  console.log(
    `mean test AUC ${mean === null ? '—' : mean.toFixed(4)}; final model: ${result.ensemble.roots.length} trees on ${result.rows} rows; ${result.lookAhead.message}`,
  );
  console.log(`wrote model.json, folds.csv, importance.csv, report.json to ${out}`);
  return 0;
}
