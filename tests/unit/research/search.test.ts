import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkSearchParameters,
  discreteSize,
  gridPoints,
  gridSize,
  MAX_GRID_CELLS,
  randomPoints,
} from '../../../src/main/research/search';
import { createTpe, type Trial } from '../../../src/main/research/tpe';
import { ConfigError } from '../../../src/main/strategies/run-config';
import {
  type ParamDimension,
  type ParamSet,
  paramDimensionSchema,
} from '../../../src/shared/domain/research';

const dim = (input: unknown): ParamDimension => paramDimensionSchema.parse(input);

describe('grid', () => {
  it('lists every combination in order, the last parameter fastest', () => {
    const points = gridPoints([
      dim({ kind: 'values', name: 'fast', values: [5, 10] }),
      dim({ kind: 'range', name: 'slow', min: 20, max: 40, step: 10 }),
    ]);
    expect(points).toEqual([
      { fast: 5, slow: 20 },
      { fast: 5, slow: 30 },
      { fast: 5, slow: 40 },
      { fast: 10, slow: 20 },
      { fast: 10, slow: 30 },
      { fast: 10, slow: 40 },
    ]);
  });

  it('steps decimals without binary noise and stops at max', () => {
    const points = gridPoints([dim({ kind: 'range', name: 'k', min: 0.1, max: 0.5, step: 0.1 })]);
    expect(points.map((p) => p['k'])).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(
      gridPoints([dim({ kind: 'range', name: 'k', min: 1, max: 2, step: 0.3 })]).map((p) => p['k']),
    ).toEqual([1, 1.3, 1.6, 1.9]);
  });

  it('counts cells as the product of each axis (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }), (sizes) => {
        const dims = sizes.map((n, i) =>
          dim({ kind: 'values', name: `p${i}`, values: Array.from({ length: n }, (_, k) => k) }),
        );
        const points = gridPoints(dims);
        expect(points.length).toBe(sizes.reduce((a, b) => a * b, 1));
        expect(new Set(points.map((p) => JSON.stringify(p))).size).toBe(points.length);
      }),
    );
  });

  it('refuses a decimal range without a step, naming the parameter', () => {
    expect(() => gridSize([dim({ kind: 'range', name: 'k', min: 0, max: 1 })])).toThrow(
      /k is a range of decimals without a step/,
    );
    // An integer range without a step is every whole number in it.
    expect(gridSize([dim({ kind: 'range', name: 'n', min: 2, max: 9, integer: true })])).toBe(8);
  });

  it(`refuses a grid over ${MAX_GRID_CELLS} cells with its size`, () => {
    const big = [
      dim({ kind: 'range', name: 'a', min: 1, max: 1000, step: 1 }),
      dim({ kind: 'range', name: 'b', min: 1, max: 1000, step: 1 }),
    ];
    expect(() => gridPoints(big)).toThrow(/the grid has 1,000,000 cells, more than 100,000/);
  });
});

describe('parameter names', () => {
  it('refuses a name the strategy does not know, listing the ones it does', () => {
    expect(() =>
      checkSearchParameters('sma-crossover', [dim({ kind: 'values', name: 'fsat', values: [1] })]),
    ).toThrow(
      "search.dimensions.0.name: 'fsat' is not a parameter of sma-crossover; its parameters are fast, slow, allowShort",
    );
    expect(() => checkSearchParameters('nope', [dim({ kind: 'values', name: 'fast', values: [1] })])).toThrow(
      ConfigError,
    );
    expect(() =>
      checkSearchParameters('sma-crossover', [dim({ kind: 'values', name: 'fast', values: [1] })]),
    ).not.toThrow();
  });
});

describe('random search', () => {
  const space = [
    dim({ kind: 'range', name: 'x', min: 0, max: 1 }),
    dim({ kind: 'values', name: 'mode', values: ['a', 'b', 'c'] }),
  ];

  it('is the same for the same seed and differs for another', () => {
    expect(randomPoints(space, 20, 7)).toEqual(randomPoints(space, 20, 7));
    expect(randomPoints(space, 20, 7)).not.toEqual(randomPoints(space, 20, 8));
  });

  it('fills the space: one trial in each of n strata of a range, listed values dealt evenly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const points = randomPoints(space, n, seed);
        const strata = points.map((p) => Math.min(n - 1, Math.floor((p['x'] as number) * n)));
        expect(new Set(strata).size).toBe(n);
        const counts = ['a', 'b', 'c'].map((v) => points.filter((p) => p['mode'] === v).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('samples a discrete space without replacement, at most every cell', () => {
    const discrete = [
      dim({ kind: 'range', name: 'fast', min: 2, max: 10, step: 2 }),
      dim({ kind: 'values', name: 'slow', values: [20, 30, 40] }),
    ];
    expect(discreteSize(discrete)).toBe(15);
    const some = randomPoints(discrete, 10, 3);
    expect(new Set(some.map((p) => JSON.stringify(p))).size).toBe(10);
    const all = randomPoints(discrete, 50, 3);
    expect(all).toHaveLength(15);
    expect(new Set(all.map((p) => JSON.stringify(p)))).toEqual(
      new Set(gridPoints(discrete).map((p) => JSON.stringify(p))),
    );
  });
});

describe('TPE', () => {
  const space = [
    dim({ kind: 'range', name: 'x', min: 0, max: 1 }),
    dim({ kind: 'range', name: 'y', min: 0, max: 1 }),
  ];
  // A smooth bowl with its top at (0.3, 0.7).
  const f = (p: ParamSet): number => -(((p['x'] as number) - 0.3) ** 2) - ((p['y'] as number) - 0.7) ** 2;

  function runTpe(seed: number, trials: number, batch: number): Trial[] {
    const tpe = createTpe(space, { seed });
    const history: Trial[] = [];
    while (history.length < trials) {
      for (const params of tpe.propose(history, Math.min(batch, trials - history.length))) {
        history.push({ params, value: f(params) });
      }
    }
    return history;
  }

  it('is deterministic with its seed', () => {
    expect(runTpe(5, 40, 4)).toEqual(runTpe(5, 40, 4));
    expect(runTpe(5, 40, 4)).not.toEqual(runTpe(6, 40, 4));
  });

  it('finds the top of a bowl closer than random search with the same budget', () => {
    const budget = 60;
    let tpeRegret = 0;
    let randomRegret = 0;
    for (let seed = 1; seed <= 12; seed++) {
      tpeRegret += -Math.max(...runTpe(seed, budget, 4).map((t) => t.value!));
      randomRegret += -Math.max(...randomPoints(space, budget, seed).map(f));
    }
    // Regret is the distance² of the best trial to the top; TPE's must be far under random's (measured: ~40×).
    expect(tpeRegret).toBeLessThan(randomRegret / 10);
  });

  it('learns from listed values: proposes the value whose trials scored best', () => {
    const mixed = [
      dim({ kind: 'values', name: 'c', values: ['a', 'b', 'c', 'd'] }),
      dim({ kind: 'range', name: 'x', min: 0, max: 1 }),
    ];
    const score = (p: ParamSet): number => (p['c'] === 'c' ? 1 : 0) - ((p['x'] as number) - 0.5) ** 2;
    const tpe = createTpe(mixed, { seed: 1, startup: 8 });
    const history: Trial[] = [];
    for (let round = 0; round < 8; round++) {
      for (const params of tpe.propose(history, 4)) history.push({ params, value: score(params) });
    }
    const late = history.slice(8);
    // At random a quarter would be 'c'.
    expect(late.filter((t) => t.params['c'] === 'c').length).toBeGreaterThan(late.length * 0.6);
  });

  it('treats refused trials (null) as bad', () => {
    const tpe = createTpe([dim({ kind: 'range', name: 'x', min: 0, max: 1 })], { seed: 2, startup: 4 });
    const history: Trial[] = tpe
      .propose([], 4)
      .map((params) => ({ params, value: (params['x'] as number) < 0.5 ? null : (params['x'] as number) }));
    for (let round = 0; round < 5; round++) {
      for (const params of tpe.propose(history, 4)) {
        history.push({ params, value: (params['x'] as number) < 0.5 ? null : (params['x'] as number) });
      }
    }
    const late = history.slice(4);
    expect(late.filter((t) => (t.params['x'] as number) >= 0.5).length).toBeGreaterThan(late.length / 2);
  });
});
