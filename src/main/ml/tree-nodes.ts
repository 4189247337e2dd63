// Trees one at a time, with node ids local to each tree: how model files store them (ours and XGBoost's). A file's
// trees are checked and flattened into the one TreeEnsemble the predictor reads; an ensemble is split back into them
// to be written. Only nodes reachable from a root are kept (XGBoost's pruner leaves deleted nodes behind), renumbered
// in depth-first order, so a tree that points outside itself or back into itself is refused instead of looping.
import type { BoosterObjective } from '../../shared/domain/ml';
import { DataFileError } from '../feeds/errors';
import type { TreeEnsemble } from './trees';

/** One tree; node 0 is the root. A leaf has feature −1 and its output in `value`. */
export interface TreeNodes {
  readonly feature: ArrayLike<number>;
  readonly threshold: ArrayLike<number>;
  readonly left: ArrayLike<number>;
  readonly right: ArrayLike<number>;
  /** 1 (or true) = a missing value goes left. */
  readonly defaultLeft: ArrayLike<number | boolean>;
  readonly value: ArrayLike<number>;
  readonly gain: ArrayLike<number>;
  readonly cover: ArrayLike<number>;
}

export interface EnsembleHeader {
  readonly objective: BoosterObjective;
  readonly baseMargin: number;
  readonly featureNames: readonly string[];
}

/**
 * A model file that cannot be used (not a model, broken, or a kind we do not predict): says which file and which
 * tree/node. The user's input, so the API answers it as a bad request (a DataFileError).
 */
export class ModelFileError extends DataFileError {
  override name = 'ModelFileError';
}

/**
 * Checks every tree (children inside the tree, each node reached once, split features known) and flattens them into
 * one ensemble with absolute node ids. `source` names the file in errors; `where(t)` names tree t in it.
 */
export function assembleEnsemble(
  header: EnsembleHeader,
  trees: readonly TreeNodes[],
  source: string,
  where: (tree: number) => string = (tree) => `tree ${tree}`,
): TreeEnsemble {
  const features = header.featureNames.length;
  let total = 0;
  for (const tree of trees) total += tree.feature.length;
  const feature = new Int32Array(total);
  const threshold = new Float32Array(total);
  const left = new Int32Array(total);
  const right = new Int32Array(total);
  const defaultLeft = new Uint8Array(total);
  const value = new Float32Array(total);
  const gain = new Float32Array(total);
  const cover = new Float32Array(total);
  const roots = new Int32Array(trees.length);
  let next = 0;
  for (let t = 0; t < trees.length; t++) {
    const tree = trees[t] as TreeNodes;
    const size = tree.feature.length;
    const fail = (node: number, what: string): never => {
      throw new ModelFileError(`${source}: ${where(t)}, node ${node}: ${what}`);
    };
    if (size === 0) throw new ModelFileError(`${source}: ${where(t)} has no nodes`);
    // Local id → absolute id, assigned when a node is first reached (−1 = not yet).
    const placed = new Int32Array(size).fill(-1);
    roots[t] = next;
    placed[0] = next++;
    const stack = [0];
    while (stack.length > 0) {
      const node = stack.pop() as number;
      const at = placed[node] as number;
      const f = tree.feature[node] as number;
      gain[at] = tree.gain[node] as number;
      cover[at] = tree.cover[node] as number;
      if (f < 0) {
        const leaf = tree.value[node] as number;
        if (!Number.isFinite(leaf)) fail(node, `the leaf value ${leaf} is not a finite number`);
        feature[at] = -1;
        left[at] = -1;
        right[at] = -1;
        value[at] = leaf;
        continue;
      }
      if (!(Number.isInteger(f) && f < features)) {
        fail(node, `splits on feature ${f}, but the model has ${features} features`);
      }
      const condition = tree.threshold[node] as number;
      if (Number.isNaN(condition)) fail(node, 'the split condition is not a number');
      feature[at] = f;
      threshold[at] = condition;
      defaultLeft[at] = tree.defaultLeft[node] === 1 || tree.defaultLeft[node] === true ? 1 : 0;
      const children = [tree.left[node] as number, tree.right[node] as number];
      for (const child of children) {
        if (!(Number.isInteger(child) && child > 0 && child < size)) {
          fail(node, `its child ${child} is not a node of this tree (it has ${size})`);
        }
        if ((placed[child] as number) >= 0) fail(node, `its child ${child} is reached twice: not a tree`);
        placed[child] = next++;
      }
      left[at] = placed[children[0] as number] as number;
      right[at] = placed[children[1] as number] as number;
      // Right first, so the left subtree is numbered first (depth-first, left to right).
      stack.push(children[1] as number, children[0] as number);
    }
  }
  const used = next;
  return {
    objective: header.objective,
    baseMargin: header.baseMargin,
    featureNames: [...header.featureNames],
    roots,
    feature: feature.slice(0, used),
    threshold: threshold.slice(0, used),
    left: left.slice(0, used),
    right: right.slice(0, used),
    defaultLeft: defaultLeft.slice(0, used),
    value: value.slice(0, used),
    gain: gain.slice(0, used),
    cover: cover.slice(0, used),
  };
}

/**
 * The ensemble's trees with local node ids in depth-first order (left before right), whatever the layout of its
 * arrays: the same trees give the same nodes. Leaves carry no condition or direction, inner nodes no value.
 */
export function treesOf(ensemble: TreeEnsemble): TreeNodes[] {
  const out: TreeNodes[] = [];
  for (let t = 0; t < ensemble.roots.length; t++) {
    const feature: number[] = [];
    const threshold: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const defaultLeft: number[] = [];
    const value: number[] = [];
    const gain: number[] = [];
    const cover: number[] = [];
    // Visit writes the node at the next local id and returns that id; children are written after it.
    const visit = (node: number): number => {
      const id = feature.length;
      const f = ensemble.feature[node] as number;
      const leaf = f < 0;
      feature.push(leaf ? -1 : f);
      threshold.push(leaf ? 0 : (ensemble.threshold[node] as number));
      defaultLeft.push(leaf ? 0 : (ensemble.defaultLeft[node] as number));
      value.push(leaf ? (ensemble.value[node] as number) : 0);
      gain.push(ensemble.gain[node] as number);
      cover.push(ensemble.cover[node] as number);
      left.push(-1);
      right.push(-1);
      if (!leaf) {
        if (feature.length > ensemble.feature.length)
          throw new Error(`tree ${t} is not a tree (a node repeats)`);
        left[id] = visit(ensemble.left[node] as number);
        right[id] = visit(ensemble.right[node] as number);
      }
      return id;
    };
    visit(ensemble.roots[t] as number);
    out.push({ feature, threshold, left, right, defaultLeft, value, gain, cover });
  }
  return out;
}
