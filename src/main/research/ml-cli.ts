// `npm run ml -- <subcommand> [flags]`: gradient-boosted trees from a terminal. `fit` learns from a features CSV with
// a label column and writes our model file; `predict` reads a model (ours or an XGBoost `save_model("model.json")`
// file) and a features CSV and writes one column, `prediction`. Other subcommands (walk-forward `train`) register in
// ML_SUBCOMMANDS from the CLI's entry (src/main/ml-main.ts). Bad input (a flag, a file, a line of a file) exits with
// status 2 and one line naming it, before any work starts.
import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type BoosterParams, type BoosterParamsInput, boosterParamsSchema } from '../../shared/domain/ml';
import { DataFileError } from '../feeds/errors';
import { trainBooster } from '../ml/booster';
import { type FeatureTable, featureMatrixOf, parseFeatureTable } from '../ml/feature-table';
import { auc, logLoss, rmse } from '../ml/metrics';
import { float32Text, loadModelFile, writeModelFile } from '../ml/model-file';
import { predict } from '../ml/trees';
import { ConfigError, configErrorOf } from '../strategies/config-error';
import { inputErrorExit } from './cli-errors';
import { num } from './report';
import { writeTextFile } from './text-file';

/** A subcommand: its arguments (after the name) → the exit status. */
export type Subcommand = (argv: readonly string[]) => Promise<number>;

export interface MlSubcommand {
  readonly run: Subcommand;
  /** Its lines in the usage text (the first starts with the subcommand's name). */
  readonly usage: string;
}

const FIT_USAGE = `  fit      --features train.csv --label COLUMN [--objective binary|regression] [--rounds N]
           [--max-depth N] [--eta X] [--lambda X] [--gamma X] [--min-child-weight X] [--subsample X]
           [--colsample X] [--max-bin N] [--seed N] --out model.json
           -> our model file; every column but the label is a feature (empty field = missing value)`;

const PREDICT_USAGE = `  predict  --model model.json --features features.csv --out predictions.csv
           -> one column, prediction (a probability for binary models); the model may be ours or an XGBoost
           save_model("model.json") file; the file's columns must be the model's features (any order)`;

/** Reads a file the user named; a missing or unreadable one is their input, not our failure. */
function readInput(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new DataFileError(
      `${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: T) {
  return parseArgs({ args: [...argv], options, allowPositionals: false, strict: true }).values;
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw new ConfigError(flag, 'is required');
  return value;
}

/** --flag value as a number (the booster's schema then checks its range). */
function numberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new ConfigError(flag, `'${text}' is not a number`);
  return value;
}

const FIT_OPTIONS = {
  features: { type: 'string' },
  label: { type: 'string' },
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
  seed: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** The booster's flags (XGBoost's names, dashed) → its settings, each refused naming its flag. */
const PARAM_FLAGS: Record<string, keyof BoosterParamsInput> = {
  rounds: 'rounds',
  'max-depth': 'maxDepth',
  eta: 'eta',
  lambda: 'lambda',
  gamma: 'gamma',
  'min-child-weight': 'minChildWeight',
  subsample: 'subsample',
  colsample: 'colsample',
  'max-bin': 'maxBin',
  seed: 'seed',
};

export function fitParams(values: Record<string, string | boolean | undefined>): BoosterParams {
  const objectiveFlag = (values['objective'] as string | undefined) ?? 'binary';
  if (objectiveFlag !== 'binary' && objectiveFlag !== 'regression') {
    throw new ConfigError('--objective', `'${objectiveFlag}' is not binary or regression`);
  }
  const input: Record<string, unknown> = {
    objective: objectiveFlag === 'binary' ? 'binary:logistic' : 'reg:squarederror',
  };
  for (const [flag, key] of Object.entries(PARAM_FLAGS)) {
    const value = numberFlag(`--${flag}`, values[flag] as string | undefined);
    if (value !== undefined) input[key] = value;
  }
  const parsed = boosterParamsSchema.safeParse(input);
  if (!parsed.success) {
    const error = configErrorOf(parsed.error);
    const flag = Object.entries(PARAM_FLAGS).find(([, key]) => key === error.field)?.[0] ?? error.field;
    throw new ConfigError(`--${flag}`, error.detail);
  }
  return parsed.data;
}

/** The label column as float32, every row checked (binary labels must be 0 or 1), naming the file and line. */
function labelsOf(table: FeatureTable, column: string, params: BoosterParams): Float32Array {
  const index = table.columns.indexOf(column);
  if (index < 0) {
    throw new DataFileError(
      `${table.source}: no label column ${column} (the columns are ${table.columns.join(', ')})`,
    );
  }
  const values = table.values[index] as Float64Array;
  const labels = new Float32Array(table.rows);
  for (let r = 0; r < table.rows; r++) {
    const value = values[r] as number;
    const where = `${table.source} line ${table.lines[r]}, column ${column}`;
    if (Number.isNaN(value)) throw new DataFileError(`${where}: the label is missing`);
    if (params.objective === 'binary:logistic' && value !== 0 && value !== 1) {
      throw new DataFileError(
        `${where}: the label ${value} is not 0 or 1 (use --objective regression for values)`,
      );
    }
    labels[r] = value;
  }
  return labels;
}

async function fitCommand(argv: readonly string[]): Promise<number> {
  const values = parse(argv, FIT_OPTIONS);
  if (values.help === true) {
    console.log(`usage: npm run ml -- fit [options]\n${FIT_USAGE}`);
    return 0;
  }
  const featuresPath = required(values.features, '--features');
  const labelColumn = required(values.label, '--label');
  const out = required(values.out, '--out');
  const params = fitParams(values);
  const table = parseFeatureTable(readInput(featuresPath), featuresPath);
  if (table.rows === 0) throw new DataFileError(`${featuresPath}: no rows to learn from`);
  const label = labelsOf(table, labelColumn, params);
  const featureNames = table.columns.filter((name) => name !== labelColumn);
  if (featureNames.length === 0)
    throw new DataFileError(`${featuresPath}: no feature columns besides ${labelColumn}`);
  const matrix = featureMatrixOf(table, featureNames, [labelColumn]);

  const trained = trainBooster({ matrix, label, featureNames }, params);
  const { ensemble } = trained;
  writeTextFile(out, (sink) =>
    sink.write(
      writeModelFile({
        ensemble,
        origin: 'trained',
        symbol: null,
        featureSet: null,
        label: null,
        params,
        trainFrom: null,
        trainTo: null,
        trainRows: table.rows,
      }),
    ),
  );
  const predictions = predict(ensemble, matrix);
  const fit =
    params.objective === 'binary:logistic'
      ? `training AUC ${num(auc(label, predictions) ?? Number.NaN)}, log loss ${num(logLoss(label, predictions) ?? Number.NaN)}`
      : `training RMSE ${num(rmse(label, predictions) ?? Number.NaN)}`;
  console.log(
    `fit ${trained.rounds} trees (${params.objective}) on ${table.rows} rows × ${featureNames.length} features: ${fit}`,
  );
  console.log(`wrote ${out}`);
  return 0;
}

const PREDICT_OPTIONS = {
  model: { type: 'string' },
  features: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

async function predictCommand(argv: readonly string[]): Promise<number> {
  const values = parse(argv, PREDICT_OPTIONS);
  if (values.help === true) {
    console.log(`usage: npm run ml -- predict [options]\n${PREDICT_USAGE}`);
    return 0;
  }
  const modelPath = required(values.model, '--model');
  const featuresPath = required(values.features, '--features');
  const out = required(values.out, '--out');
  const { ensemble } = loadModelFile(readInput(modelPath), modelPath);
  const table = parseFeatureTable(readInput(featuresPath), featuresPath);
  const predictions = predict(ensemble, featureMatrixOf(table, ensemble.featureNames));
  writeTextFile(out, (sink) => {
    sink.write('prediction\n');
    // float32 values, as XGBoost computes them, in their shortest exact form.
    for (let r = 0; r < predictions.length; r++) sink.write(`${float32Text(predictions[r] as number)}\n`);
  });
  console.log(`wrote ${predictions.length} predictions (${ensemble.objective}) to ${out}`);
  return 0;
}

/** The subcommands by name; the entry adds the ones from layers above (walk-forward `train`). */
export const ML_SUBCOMMANDS = new Map<string, MlSubcommand>([
  ['fit', { run: fitCommand, usage: FIT_USAGE }],
  ['predict', { run: predictCommand, usage: PREDICT_USAGE }],
]);

function usage(): string {
  return `usage: npm run ml -- <subcommand> [options]\n${[...ML_SUBCOMMANDS.values()].map((c) => c.usage).join('\n')}`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = ML_SUBCOMMANDS.get(name);
  if (command === undefined) {
    console.error(
      `config error: '${name}' is not an ml subcommand; use one of ${[...ML_SUBCOMMANDS.keys()].join(', ')}`,
    );
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    return inputErrorExit(error);
  }
}
