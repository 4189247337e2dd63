// predictMargins' fast path (heap-ordered trees, rows in blocks) against the reference walk (leafOf): the same
// float32 margins bit for bit on random trees and rows, NaN, ties at thresholds and infinities included, and on the
// trees the fast layout refuses (too deep, infinite thresholds).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafOf, predictMargins, type TreeEnsemble } from '../../../src/main/ml/trees';
import { seededRandom } from '../../../src/shared/random';

/** What predictMargins must equal: each tree walked by leafOf, leaves summed in float32 in tree order. */
function walked(ensemble: TreeEnsemble, values: Float32Array, rows: number): number[] {
  const width = ensemble.featureNames.length;
  return Array.from({ length: rows }, (_, r) => {
    let sum = Math.fround(ensemble.baseMargin);
    for (const root of ensemble.roots) {
      sum = Math.fround(sum + (ensemble.value[leafOf(ensemble, root, values, r * width)] as number));
    }
    return sum;
  });
}

/** A random ensemble: trees of random shape (leaves at any depth up to maxDepth), thresholds from `grid`. */
function randomEnsemble(seed: number, trees: number, features: number, maxDepth: number, grid: number[]) {
  const random = seededRandom(seed);
  const nodes = {
    feature: [] as number[],
    threshold: [] as number[],
    left: [] as number[],
    right: [] as number[],
  };
  const defaultLeft: number[] = [];
  const value: number[] = [];
  const roots: number[] = [];
  const grow = (depth: number): number => {
    const id = nodes.feature.length;
    nodes.feature.push(-1);
    nodes.threshold.push(0);
    nodes.left.push(-1);
    nodes.right.push(-1);
    defaultLeft.push(0);
    value.push(Math.fround((random.next() - 0.5) * 2));
    if (depth < maxDepth && (depth === 0 || random.next() < 0.8)) {
      nodes.feature[id] = Math.floor(random.next() * features);
      nodes.threshold[id] = grid[Math.floor(random.next() * grid.length)] as number;
      defaultLeft[id] = random.next() < 0.5 ? 1 : 0;
      nodes.left[id] = grow(depth + 1);
      nodes.right[id] = grow(depth + 1);
    }
    return id;
  };
  for (let t = 0; t < trees; t++) roots.push(grow(0));
  const ensemble: TreeEnsemble = {
    objective: 'binary:logistic',
    baseMargin: (random.next() - 0.5) * 3,
    featureNames: Array.from({ length: features }, (_, f) => `f${f}`),
    roots: Int32Array.from(roots),
    feature: Int32Array.from(nodes.feature),
    threshold: Float32Array.from(nodes.threshold),
    left: Int32Array.from(nodes.left),
    right: Int32Array.from(nodes.right),
    defaultLeft: Uint8Array.from(defaultLeft),
    value: Float32Array.from(value),
    gain: new Float32Array(nodes.feature.length),
    cover: new Float32Array(nodes.feature.length),
  };
  return ensemble;
}

/** Rows drawn from the same grid as the thresholds (so values equal to a threshold are common), NaN and ±∞ mixed in. */
function randomRows(seed: number, rows: number, features: number, grid: number[]): Float32Array {
  const random = seededRandom(seed);
  const values = new Float32Array(rows * features);
  for (let i = 0; i < values.length; i++) {
    const u = random.next();
    values[i] =
      u < 0.1
        ? Number.NaN
        : u < 0.12
          ? Number.POSITIVE_INFINITY
          : u < 0.14
            ? Number.NEGATIVE_INFINITY
            : (grid[Math.floor(random.next() * grid.length)] as number);
  }
  return values;
}

const GRID = [-3.5, -1, -0.25, 0, 1e-30, 0.5, 0.75, 2, 7.25, 1e30].map(Math.fround);

describe('predictMargins', () => {
  it('equals the reference walk bit for bit on random trees and rows (NaN, ties, ±∞, partial blocks)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 200 }),
        (seed, trees, maxDepth, rows) => {
          const features = 1 + (seed % 7);
          const ensemble = randomEnsemble(seed, trees, features, maxDepth, GRID);
          const values = randomRows(seed + 1, rows, features, GRID);

          const margins = predictMargins(ensemble, { rows, features, values });

          expect([...margins]).toEqual(walked(ensemble, values, rows));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a row predicted alone (as a live bar is) gets the margin it gets in a batch', () => {
    const ensemble = randomEnsemble(21, 25, 4, 6, GRID);
    const values = randomRows(22, 70, 4, GRID);
    const batch = predictMargins(ensemble, { rows: 70, features: 4, values });

    const alone = Array.from({ length: 70 }, (_, r) => {
      const row = values.slice(r * 4, r * 4 + 4);
      return predictMargins(ensemble, { rows: 1, features: 4, values: row })[0];
    });

    expect(alone).toEqual([...batch]);
  });

  it('two hand-written trees: known margins, a missing value taking each default', () => {
    // Tree 0: x0 < 1 ? (left 0.5) : (right −0.25), missing left. Tree 1: x1 < 0 ? 0.125 : (x0 < 3 ? 1 : 2), missing right.
    const ensemble: TreeEnsemble = {
      objective: 'reg:squarederror',
      baseMargin: 0.5,
      featureNames: ['x0', 'x1'],
      roots: Int32Array.from([0, 3]),
      feature: Int32Array.from([0, -1, -1, 1, -1, 0, -1, -1]),
      threshold: Float32Array.from([1, 0, 0, 0, 0, 3, 0, 0]),
      left: Int32Array.from([1, -1, -1, 4, -1, 6, -1, -1]),
      right: Int32Array.from([2, -1, -1, 5, -1, 7, -1, -1]),
      defaultLeft: Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0]),
      value: Float32Array.from([0, 0.5, -0.25, 0, 0.125, 0, 1, 2]),
      gain: new Float32Array(8),
      cover: new Float32Array(8),
    };
    const values = Float32Array.from([0, -1, 1, 5, Number.NaN, Number.NaN, 5, 0]);

    const margins = predictMargins(ensemble, { rows: 4, features: 2, values });

    // Row 0: 0.5 + 0.5 + 0.125; row 1: x0 = 1 is not < 1 → −0.25, x1 = 5 → x0 < 3 → 1; row 2: both missing: left
    // (0.5), right then x0 missing at a node without default left → right (2); row 3: −0.25 + 2.
    expect([...margins]).toEqual([1.125, 1.25, 3, 2.25]);
  });

  it('takes the reference walk for trees deeper than the fast layout holds and for infinite thresholds', () => {
    const deep = randomEnsemble(3, 2, 3, 16, GRID);
    const infinite = randomEnsemble(4, 5, 3, 4, [
      ...GRID,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    for (const ensemble of [deep, infinite]) {
      const values = randomRows(9, 100, 3, GRID);
      expect([...predictMargins(ensemble, { rows: 100, features: 3, values })]).toEqual(
        walked(ensemble, values, 100),
      );
    }
  });

  it('refuses data with another number of columns than the model reads', () => {
    const ensemble = randomEnsemble(1, 1, 3, 2, GRID);
    expect(() => predictMargins(ensemble, { rows: 1, features: 2, values: new Float32Array(2) })).toThrow(
      'the model reads 3 features, the data has 2 columns',
    );
  });
});
