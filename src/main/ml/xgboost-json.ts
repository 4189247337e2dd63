// Models saved by XGBoost's `save_model("model.json")`, versions 1.7 to 3.x, read into our TreeEnsemble so they
// predict through the one predictor with XGBoost's semantics. What the predictor cannot reproduce exactly is refused
// with a message naming it and the file: several classes or targets, categorical splits, the dart and linear
// boosters, and objectives other than binary:logistic / reg:logistic / reg:squarederror.
//
// The format (XGBoost's learner.cc, gbtree_model.cc and tree_model.cc SaveModel):
//   { version: [major, minor, patch], learner: {
//       learner_model_param: { base_score: "5E-1" (≤ 3.0) or "[5E-1]" (≥ 3.1), num_feature: "3", num_class: "0",
//                              num_target: "1" (≥ 2.0), boost_from_average: "1" },
//       objective: { name: "binary:logistic", … }, feature_names: [...], feature_types: [...], attributes: {},
//       gradient_booster: { name: "gbtree", model: { gbtree_model_param: { num_trees: "2", … }, tree_info: [0, 0],
//         trees: [ { id, tree_param: { num_nodes, num_feature, size_leaf_vector }, left_children, right_children,
//                    parents, split_indices, split_conditions, default_left, base_weights, loss_changes,
//                    sum_hessian, split_type, categories, categories_nodes, … } ] } } } }
// A node is a leaf when left_children is −1; a leaf's value is its split_conditions entry (already times eta).
// base_score is a probability for the logistic objectives, turned into a margin once (ProbToMargin). Nodes the
// pruner deleted (split index 2³²−1, no parent pointing at them) are skipped. Every tree is used, as
// Booster.predict does by default (scikit-learn's wrapper alone stops at an early-stopped model's best_iteration).
// binary:logitraw is refused: it predicts margins, which our objectives do not name (and its base_score was a
// probability before XGBoost 2.0, a margin since).
import { z } from 'zod';
import type { BoosterObjective } from '../../shared/domain/ml';
import { assembleEnsemble, ModelFileError, type TreeNodes } from './tree-nodes';
import { baseMarginOf, type TreeEnsemble } from './trees';

/** XGBoost writes its parameters as strings of numbers ("3", "5E-1"). */
const numberText = z.string().refine((text) => text.trim() !== '' && Number.isFinite(Number(text)), {
  message: 'expected a number written as a string',
});

const treeSchema = z
  .object({
    tree_param: z.object({ num_nodes: numberText, size_leaf_vector: numberText.optional() }).passthrough(),
    left_children: z.array(z.number().int()),
    right_children: z.array(z.number().int()),
    split_indices: z.array(z.number().int().min(0)),
    split_conditions: z.array(z.number()),
    default_left: z.array(z.union([z.number().int().min(0).max(1), z.boolean()])),
    loss_changes: z.array(z.number()),
    sum_hessian: z.array(z.number()),
    base_weights: z.array(z.number()).optional(),
    split_type: z.array(z.number().int()).optional(),
    categories: z.array(z.number()).optional(),
  })
  .passthrough();

const gbtreeSchema = z
  .object({
    name: z.string(),
    model: z
      .object({
        gbtree_model_param: z.object({ num_trees: numberText }).passthrough(),
        trees: z.array(treeSchema),
        tree_info: z.array(z.number().int()).optional(),
        weight_drop: z.array(z.number()).optional(),
      })
      .passthrough()
      .optional(),
    weight_drop: z.array(z.number()).optional(),
  })
  .passthrough();

const xgboostModelSchema = z
  .object({
    version: z.array(z.number().int().min(0)).min(1),
    learner: z
      .object({
        learner_model_param: z
          .object({
            base_score: z.string(),
            num_feature: numberText,
            num_class: numberText.optional(),
            num_target: numberText.optional(),
          })
          .passthrough(),
        objective: z.object({ name: z.string() }).passthrough(),
        gradient_booster: gbtreeSchema,
        feature_names: z.array(z.string()).optional(),
      })
      .passthrough(),
  })
  .passthrough();

/** Whether parsed JSON looks like an XGBoost model (a `learner` beside a `version` array). */
export function isXgboostModel(json: unknown): boolean {
  return (
    typeof json === 'object' &&
    json !== null &&
    'learner' in json &&
    Array.isArray((json as { version?: unknown }).version)
  );
}

/** Objectives whose predictions we reproduce, and what they predict as. reg:logistic is binary:logistic's twin. */
const OBJECTIVES: Record<string, BoosterObjective> = {
  'binary:logistic': 'binary:logistic',
  'reg:logistic': 'binary:logistic',
  'reg:squarederror': 'reg:squarederror',
  'reg:linear': 'reg:squarederror',
};

/** The first problem zod found, at its path in the file (e.g. `learner.gradient_booster.model.trees[1].left_children`). */
export function zodProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${path === '' ? 'the file' : path.replace(/^\./, '')}: ${issue.message}`;
}

/** base_score as XGBoost writes it: a number ("5E-1") or, since 3.1, a JSON array of one per output ("[5E-1]"). */
export function parseBaseScore(text: string, source: string): number {
  const trimmed = text.trim();
  let values: unknown;
  try {
    values = trimmed.startsWith('[') ? JSON.parse(trimmed) : [Number(trimmed)];
  } catch {
    values = undefined;
  }
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'number')) {
    throw new ModelFileError(`${source}: base_score ${JSON.stringify(text)} is not a number`);
  }
  if (values.length > 1) {
    throw new ModelFileError(
      `${source}: base_score has ${values.length} values (one per output): models with several outputs are not supported`,
    );
  }
  const value = values[0] as number;
  if (!Number.isFinite(value))
    throw new ModelFileError(`${source}: base_score ${JSON.stringify(text)} is not a number`);
  // XGBoost holds it as a float.
  return Math.fround(value);
}

/**
 * The ensemble in an XGBoost JSON model (already parsed). `source` names the file in errors. Features without names
 * in the file are called f0, f1, … as XGBoost calls them.
 */
export function ensembleFromXgboost(json: unknown, source: string): TreeEnsemble {
  function refuse(what: string): never {
    throw new ModelFileError(`${source}: ${what} is not supported`);
  }
  const parsed = xgboostModelSchema.safeParse(json);
  if (!parsed.success) {
    // Refusals of whole kinds of model read clearer than the schema's complaint about their shape.
    const booster = (json as { learner?: { gradient_booster?: { name?: unknown } } })?.learner
      ?.gradient_booster?.name;
    if (booster === 'gblinear') refuse('the linear booster (gblinear)');
    if (booster === 'dart') refuse('the dart booster');
    throw new ModelFileError(`${source}: not an XGBoost JSON model: ${zodProblem(parsed.error)}`);
  }
  const { learner } = parsed.data;
  const params = learner.learner_model_param;
  const boosterName = learner.gradient_booster.name;
  if (boosterName === 'gblinear') refuse('the linear booster (gblinear)');
  if (boosterName === 'dart') refuse('the dart booster');
  if (boosterName !== 'gbtree') refuse(`the booster ${JSON.stringify(boosterName)}`);
  const objectiveName = learner.objective.name;
  const objective = OBJECTIVES[objectiveName];
  if (objective === undefined) {
    if (objectiveName.startsWith('multi:')) refuse(`multi-class objective ${objectiveName}`);
    refuse(`objective ${objectiveName} (supported: ${Object.keys(OBJECTIVES).join(', ')})`);
  }
  const classes = Number(params.num_class ?? '0');
  if (classes > 1) refuse(`a multi-class model (num_class ${classes})`);
  const targets = Number(params.num_target ?? '1');
  if (targets > 1) refuse(`a multi-target model (num_target ${targets})`);
  const model = learner.gradient_booster.model;
  if (model === undefined) throw new ModelFileError(`${source}: learner.gradient_booster has no model`);
  // Dart's tree weights: inside the model since 3.4 (which saves dart as "gbtree"), beside it before.
  const weights = [...(model.weight_drop ?? []), ...(learner.gradient_booster.weight_drop ?? [])];
  if (weights.some((w) => w !== 1)) refuse('the dart booster (trees weighted by weight_drop)');

  const featureCount = Number(params.num_feature);
  if (!(Number.isInteger(featureCount) && featureCount >= 1)) {
    throw new ModelFileError(`${source}: num_feature ${params.num_feature} is not a count of features`);
  }
  const names = learner.feature_names ?? [];
  if (names.length !== 0 && names.length !== featureCount) {
    throw new ModelFileError(
      `${source}: ${names.length} feature_names for num_feature ${featureCount}: they must match`,
    );
  }
  const featureNames = names.length > 0 ? names : Array.from({ length: featureCount }, (_, i) => `f${i}`);
  if (new Set(featureNames).size !== featureNames.length) {
    throw new ModelFileError(`${source}: feature_names has a name twice`);
  }

  const declared = Number(model.gbtree_model_param.num_trees);
  if (declared !== model.trees.length) {
    throw new ModelFileError(
      `${source}: gbtree_model_param.num_trees is ${declared} but the file has ${model.trees.length} trees`,
    );
  }
  const trees: TreeNodes[] = model.trees.map((tree, t) => {
    const nodes = Number(tree.tree_param.num_nodes);
    const leafVector = Number(tree.tree_param.size_leaf_vector ?? '0');
    if (leafVector > 1) refuse(`tree ${t}: a multi-target tree (size_leaf_vector ${leafVector})`);
    if ((model.tree_info?.[t] ?? 0) !== 0)
      refuse(`tree ${t}: a tree of output group ${model.tree_info?.[t]}`);
    const categorical = tree.split_type?.findIndex((type) => type !== 0) ?? -1;
    if (categorical >= 0) refuse(`tree ${t}, node ${categorical}: a categorical split`);
    if ((tree.categories?.length ?? 0) > 0) refuse(`tree ${t}: categorical splits`);
    const arrays = {
      left_children: tree.left_children,
      right_children: tree.right_children,
      split_indices: tree.split_indices,
      split_conditions: tree.split_conditions,
      default_left: tree.default_left,
      loss_changes: tree.loss_changes,
      sum_hessian: tree.sum_hessian,
    };
    for (const [name, array] of Object.entries(arrays)) {
      if (array.length !== nodes) {
        throw new ModelFileError(
          `${source}: tree ${t}: ${name} has ${array.length} entries but tree_param.num_nodes is ${nodes}`,
        );
      }
    }
    const leaf = (node: number) => (tree.left_children[node] as number) === -1;
    return {
      feature: tree.split_indices.map((f, node) => (leaf(node) ? -1 : f)),
      threshold: tree.split_conditions,
      left: tree.left_children,
      right: tree.right_children,
      defaultLeft: tree.default_left,
      value: tree.split_conditions,
      gain: tree.loss_changes,
      cover: tree.sum_hessian,
    };
  });
  const baseScore = parseBaseScore(params.base_score, source);
  let baseMargin: number;
  try {
    // + 0 turns logit(0.5)'s −0 into 0, so a written model says 0.
    baseMargin = baseMarginOf(objective, baseScore) + 0;
  } catch (error) {
    throw new ModelFileError(`${source}: ${(error as Error).message}`);
  }
  return assembleEnsemble({ objective, baseMargin, featureNames }, trees, source);
}
