// Our model file: a tree ensemble with what it was made from (objective, base margin, feature names, the feature
// set and label when known, booster settings, training span) as canonical JSON: the same model always gives the
// same bytes (fixed key order, nested objects with sorted keys, trees in depth-first node order, float32 values in
// their shortest round-tripping form), so determinism can be checked on the bytes and the registry can store them.
// `loadModelFile` reads ours and XGBoost's `save_model("model.json")` files alike.
import { z } from 'zod';
import {
  BOOSTER_OBJECTIVES,
  type BoosterParams,
  boosterParamsSchema,
  type FeatureSet,
  featureSetSchema,
  type LabelSpec,
  labelSpecSchema,
  type ModelOrigin,
} from '../../shared/domain/ml';
import { assembleEnsemble, ModelFileError, type TreeNodes, treesOf } from './tree-nodes';
import type { TreeEnsemble } from './trees';
import { ensembleFromXgboost, isXgboostModel, zodProblem } from './xgboost-json';

export { ModelFileError } from './tree-nodes';

export const MODEL_FILE_FORMAT = 'marketboss-model';
export const MODEL_FILE_VERSION = 1;

/** A model and what is known of how it was made (null where not known, e.g. for an imported XGBoost model). */
export interface ModelFile {
  readonly ensemble: TreeEnsemble;
  readonly origin: ModelOrigin;
  readonly symbol: string | null;
  readonly featureSet: FeatureSet | null;
  readonly label: LabelSpec | null;
  readonly params: BoosterParams | null;
  /** Bar times (ms) of the first and last training rows, and how many rows it learned from. */
  readonly trainFrom: number | null;
  readonly trainTo: number | null;
  readonly trainRows: number | null;
}

/** The shortest decimal that reads back as the same float32 (XGBoost writes its floats the same way). */
export function float32Text(value: number): string {
  const single = Math.fround(value);
  if (!Number.isFinite(single)) throw new Error(`${value} is not a finite number`);
  // Nine digits always read back; search the fewest that do (more digits never read back worse).
  let low = 1;
  let high = 9;
  while (low < high) {
    const digits = (low + high) >> 1;
    if (Math.fround(Number(single.toPrecision(digits))) === single) high = digits;
    else low = digits + 1;
  }
  return String(Number(single.toPrecision(high)));
}

/** JSON with every object's keys sorted, so equal values give equal text whatever order they were built in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new Error(`${value} cannot be written as JSON`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function treeJson(tree: TreeNodes): string {
  const ints = (xs: ArrayLike<number | boolean>) => `[${Array.from(xs, Number).join(',')}]`;
  const floats = (xs: ArrayLike<number>) => `[${Array.from(xs, float32Text).join(',')}]`;
  return (
    `{"feature":${ints(tree.feature)},"threshold":${floats(tree.threshold)},"left":${ints(tree.left)},` +
    `"right":${ints(tree.right)},"defaultLeft":${ints(tree.defaultLeft)},"value":${floats(tree.value)},` +
    `"gain":${floats(tree.gain)},"cover":${floats(tree.cover)}}`
  );
}

/** The model as our canonical file text: one line a field, one line a tree. */
export function writeModelFile(model: ModelFile): string {
  const { ensemble } = model;
  const fields: [string, string][] = [
    ['format', JSON.stringify(MODEL_FILE_FORMAT)],
    ['version', String(MODEL_FILE_VERSION)],
    ['origin', JSON.stringify(model.origin)],
    ['objective', JSON.stringify(ensemble.objective)],
    ['baseMargin', canonicalJson(ensemble.baseMargin)],
    ['featureNames', canonicalJson(ensemble.featureNames)],
    ['symbol', canonicalJson(model.symbol)],
    ['featureSet', canonicalJson(model.featureSet)],
    ['label', canonicalJson(model.label)],
    ['params', canonicalJson(model.params)],
    ['trainFrom', canonicalJson(model.trainFrom)],
    ['trainTo', canonicalJson(model.trainTo)],
    ['trainRows', canonicalJson(model.trainRows)],
    ['trees', `[\n${treesOf(ensemble).map(treeJson).join(',\n')}\n]`],
  ];
  return `{\n${fields.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',\n')}\n}\n`;
}

const nodeInts = z.array(z.number().int().min(-1));
const treeSchema = z
  .object({
    feature: nodeInts,
    threshold: z.array(z.number()),
    left: nodeInts,
    right: nodeInts,
    defaultLeft: z.array(z.union([z.literal(0), z.literal(1)])),
    value: z.array(z.number()),
    gain: z.array(z.number()),
    cover: z.array(z.number()),
  })
  .strict();

const modelFileSchema = z
  .object({
    format: z.literal(MODEL_FILE_FORMAT),
    version: z.literal(MODEL_FILE_VERSION),
    origin: z.enum(['trained', 'xgboost']),
    objective: z.enum(BOOSTER_OBJECTIVES),
    baseMargin: z.number(),
    featureNames: z.array(z.string().min(1)).min(1, 'a model needs at least one feature'),
    symbol: z.string().nullable(),
    featureSet: featureSetSchema.nullable(),
    label: labelSpecSchema.nullable(),
    params: boosterParamsSchema.nullable(),
    trainFrom: z.number().nullable(),
    trainTo: z.number().nullable(),
    trainRows: z.number().int().min(0).nullable(),
    trees: z.array(treeSchema),
  })
  .strict();

/** Our model file's text → the model; `source` (the path) names the file in errors. */
export function readModelFile(json: unknown, source: string): ModelFile {
  const version = (json as { version?: unknown })?.version;
  if (typeof version === 'number' && version > MODEL_FILE_VERSION) {
    throw new ModelFileError(
      `${source}: model file version ${version} was written by a newer MarketBoss; this one reads version ${MODEL_FILE_VERSION}`,
    );
  }
  const parsed = modelFileSchema.safeParse(json);
  if (!parsed.success)
    throw new ModelFileError(`${source}: not a valid model file: ${zodProblem(parsed.error)}`);
  const file = parsed.data;
  if (new Set(file.featureNames).size !== file.featureNames.length) {
    throw new ModelFileError(`${source}: featureNames has a name twice`);
  }
  file.trees.forEach((tree, t) => {
    const size = tree.feature.length;
    for (const [name, array] of Object.entries(tree)) {
      if (array.length !== size) {
        throw new ModelFileError(
          `${source}: tree ${t}: ${name} has ${array.length} entries, feature has ${size}`,
        );
      }
    }
  });
  const ensemble = assembleEnsemble(
    { objective: file.objective, baseMargin: file.baseMargin, featureNames: file.featureNames },
    file.trees,
    source,
  );
  return {
    ensemble,
    origin: file.origin,
    symbol: file.symbol,
    featureSet: file.featureSet,
    label: file.label,
    params: file.params,
    trainFrom: file.trainFrom,
    trainTo: file.trainTo,
    trainRows: file.trainRows,
  };
}

/** An imported model knows only its trees. */
export function importedModel(ensemble: TreeEnsemble, featureSet: FeatureSet | null = null): ModelFile {
  return {
    ensemble,
    origin: 'xgboost',
    symbol: null,
    featureSet,
    label: null,
    params: null,
    trainFrom: null,
    trainTo: null,
    trainRows: null,
  };
}

/**
 * A model file's text, ours or XGBoost's JSON (`save_model("model.json")`), → the model. `path` names the file in
 * every error (not JSON, neither format, what is wrong or unsupported in it).
 */
export function loadModelFile(text: string, path: string): ModelFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(`${path}: not a JSON file (${(error as Error).message})`);
  }
  if (typeof json === 'object' && json !== null && 'format' in json) {
    const format = (json as { format: unknown }).format;
    if (format !== MODEL_FILE_FORMAT) {
      throw new ModelFileError(`${path}: format ${JSON.stringify(format)} is not a MarketBoss model file`);
    }
    return readModelFile(json, path);
  }
  if (isXgboostModel(json)) return importedModel(ensembleFromXgboost(json, path));
  throw new ModelFileError(
    `${path}: neither a MarketBoss model file nor an XGBoost JSON model (save_model("model.json"))`,
  );
}
