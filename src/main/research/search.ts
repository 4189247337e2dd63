// Parameter search: which parameter sets a run tries. A grid tries every combination, random search spreads a fixed
// number of trials over the space (Latin hypercube over ranges, without replacement over a discrete space), and TPE
// (tpe.ts) proposes each batch from what the finished trials scored. All of it is pure and seeded: the same space and
// seed give the same parameter sets in the same order.
import type { ParamDimension, ParamSet, ParamValue } from '../../shared/domain/research';
import { type Random, seededRandom } from '../../shared/random';
import { ConfigError } from '../strategies/config-error';
import { getStrategy } from '../strategies/index';

/** A grid larger than this is refused: at a few ms a cell it would run for hours; a random or TPE search fits. */
export const MAX_GRID_CELLS = 100_000;

/** Random search samples a discrete space without replacement up to this many cells; beyond, as if continuous. */
const DISCRETE_LIMIT = 10 * MAX_GRID_CELLS;

/** Tolerance for floating steps (0.1 + 0.2 …) when counting a range's grid points. */
const STEP_EPSILON = 1e-9;

/**
 * Checks every searched parameter against the strategy's own parameters, before any work: an unknown name is
 * refused naming it and the ones the strategy knows.
 */
export function checkSearchParameters(strategyId: string, dimensions: readonly ParamDimension[]): void {
  let known: string[];
  try {
    known = Object.keys(getStrategy(strategyId).params.shape);
  } catch (error) {
    throw new ConfigError('strategy.id', error instanceof Error ? error.message : String(error));
  }
  dimensions.forEach((dimension, i) => {
    if (!known.includes(dimension.name)) {
      throw new ConfigError(
        `search.dimensions.${i}.name`,
        `'${dimension.name}' is not a parameter of ${strategyId}; its parameters are ${known.join(', ')}`,
      );
    }
  });
}

type RangeDimension = Extract<ParamDimension, { kind: 'range' }>;

/** A range value as the strategy gets it: snapped to the step (from min), whole when the range is integer, in range. */
function snap(dimension: RangeDimension, x: number): number {
  let v = x;
  if (dimension.step !== undefined)
    v = dimension.min + Math.round((v - dimension.min) / dimension.step) * dimension.step;
  if (dimension.integer) v = Math.round(v);
  v = Math.min(dimension.max, Math.max(dimension.min, v));
  // Steps like 0.1 accumulate binary noise (0.30000000000000004); 12 significant digits is below any parameter's care.
  return Number(v.toPrecision(12));
}

/** The values a dimension takes in a grid (or any discrete search); null for a range without a step (continuous). */
export function discreteValues(dimension: ParamDimension): ParamValue[] | null {
  if (dimension.kind === 'values') return [...dimension.values];
  if (dimension.step === undefined) {
    if (!dimension.integer) return null;
    const values: number[] = [];
    for (let v = Math.ceil(dimension.min); v <= dimension.max && values.length < DISCRETE_LIMIT; v++)
      values.push(v);
    return values;
  }
  const count = Math.floor((dimension.max - dimension.min) / dimension.step + STEP_EPSILON) + 1;
  const values: number[] = [];
  for (let k = 0; k < count && k < DISCRETE_LIMIT; k++) {
    const v = snap(dimension, dimension.min + k * dimension.step);
    if (values[values.length - 1] !== v) values.push(v);
  }
  return values;
}

/** How many values a dimension takes in a grid (counted, not listed: a huge range is refused by its count). */
function valueCount(dimension: ParamDimension): number | null {
  if (dimension.kind === 'values') return dimension.values.length;
  if (dimension.step !== undefined) {
    // Integer ranges with a fractional step collapse onto fewer whole values; list those (they are few).
    if (dimension.integer && dimension.step < 1) return discreteValues(dimension)!.length;
    return Math.floor((dimension.max - dimension.min) / dimension.step + STEP_EPSILON) + 1;
  }
  return dimension.integer ? Math.floor(dimension.max) - Math.ceil(dimension.min) + 1 : null;
}

/** How many cells a grid over these dimensions has; refuses a range without a step. */
export function gridSize(dimensions: readonly ParamDimension[]): number {
  let size = 1;
  dimensions.forEach((dimension, i) => {
    const values = valueCount(dimension);
    if (values === null) {
      throw new ConfigError(
        `search.dimensions.${i}.step`,
        `${dimension.name} is a range of decimals without a step; a grid needs one (e.g. ${dimension.name}=${dimension.kind === 'range' ? `${dimension.min}:${dimension.max}:STEP` : ''})`,
      );
    }
    size *= values;
  });
  return size;
}

/** Every combination, the last dimension varying fastest (fast=5 slow=20, fast=5 slow=30, …, fast=10 slow=20 …). */
export function gridPoints(dimensions: readonly ParamDimension[]): ParamSet[] {
  const size = gridSize(dimensions);
  if (size > MAX_GRID_CELLS) {
    throw new ConfigError(
      'search.dimensions',
      `the grid has ${size.toLocaleString('en-US')} cells, more than ${MAX_GRID_CELLS.toLocaleString('en-US')}; use fewer values, a coarser step, or --method random/tpe with --trials`,
    );
  }
  const axes = dimensions.map((d) => discreteValues(d)!);
  const points: ParamSet[] = [];
  for (let cell = 0; cell < size; cell++) points.push(pointAt(dimensions, axes, cell));
  return points;
}

/** The grid cell at `cell` in grid order (mixed-radix digits, the last dimension least significant). */
function pointAt(
  dimensions: readonly ParamDimension[],
  axes: readonly ParamValue[][],
  cell: number,
): ParamSet {
  const point: Record<string, ParamValue> = {};
  let rest = cell;
  for (let d = dimensions.length - 1; d >= 0; d--) {
    const axis = axes[d]!;
    point[dimensions[d]!.name] = axis[rest % axis.length]!;
    rest = Math.floor(rest / axis.length);
  }
  // Keys in the dimensions' order, whatever order the digits were read in.
  const ordered: Record<string, ParamValue> = {};
  for (const dimension of dimensions) ordered[dimension.name] = point[dimension.name]!;
  return ordered;
}

/** A uniform integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.min(n - 1, Math.floor(random.next() * n));
}

function shuffled(random: Random, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** How many distinct cells the space has, or null when a dimension is continuous (or the count is past any use). */
export function discreteSize(dimensions: readonly ParamDimension[]): number | null {
  let size = 1;
  for (const dimension of dimensions) {
    const values = valueCount(dimension);
    if (values === null) return null;
    size *= values;
    if (size > Number.MAX_SAFE_INTEGER / 1e3) return null;
  }
  return size;
}

/**
 * `trials` parameter sets spread over the space, seeded. A discrete space (listed values, stepped or integer ranges)
 * is sampled without replacement (no cell twice; at most every cell); otherwise a Latin hypercube: each range is cut
 * into `trials` equal strata and every stratum is used once, listed values are dealt out in shuffled rounds.
 */
export function randomPoints(
  dimensions: readonly ParamDimension[],
  trials: number,
  seed: number,
): ParamSet[] {
  const random = seededRandom(seed);
  const size = discreteSize(dimensions);
  if (size !== null && size <= DISCRETE_LIMIT) {
    const axes = dimensions.map((d) => discreteValues(d)!);
    // Fisher–Yates over the cell numbers, lazily (a sparse map of swaps), so a large space costs only what is drawn.
    const swapped = new Map<number, number>();
    const points: ParamSet[] = [];
    const count = Math.min(trials, size);
    for (let i = 0; i < count; i++) {
      const j = i + randomInt(random, size - i);
      const atJ = swapped.get(j) ?? j;
      swapped.set(j, swapped.get(i) ?? i);
      points.push(pointAt(dimensions, axes, atJ));
    }
    return points;
  }
  return latinHypercube(dimensions, trials, random);
}

export function latinHypercube(
  dimensions: readonly ParamDimension[],
  trials: number,
  random: Random,
): ParamSet[] {
  const columns = dimensions.map((dimension): ParamValue[] => {
    if (dimension.kind === 'values') {
      const column: ParamValue[] = [];
      while (column.length < trials) {
        for (const k of shuffled(random, dimension.values.length)) column.push(dimension.values[k]!);
      }
      return column.slice(0, trials);
    }
    const strata = shuffled(random, trials);
    return strata.map((stratum) =>
      snap(dimension, dimension.min + ((stratum + random.next()) / trials) * (dimension.max - dimension.min)),
    );
  });
  return Array.from({ length: trials }, (_, t) => {
    const point: Record<string, ParamValue> = {};
    dimensions.forEach((dimension, d) => {
      point[dimension.name] = columns[d]![t]!;
    });
    return point;
  });
}

/** One parameter's value in [0, 1] of its range, and back (TPE models ranges on the unit interval). */
export function toUnit(dimension: RangeDimension, value: number): number {
  return (value - dimension.min) / (dimension.max - dimension.min);
}

export function fromUnit(dimension: RangeDimension, u: number): number {
  return snap(dimension, dimension.min + u * (dimension.max - dimension.min));
}

/** A stable key of a parameter set (dimension order), to tell cells already tried. */
export function pointKey(point: ParamSet, dimensions: readonly ParamDimension[]): string {
  return JSON.stringify(dimensions.map((d) => point[d.name] ?? null));
}
