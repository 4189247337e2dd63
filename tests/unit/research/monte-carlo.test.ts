import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bandSteps,
  drawPath,
  MonteCarloInputError,
  monteCarlo,
  percentilesOf,
  seedState,
  walkTrades,
} from '../../../src/main/research/monte-carlo';
import { type MonteCarloSettings, monteCarloSettingsSchema } from '../../../src/shared/domain/research';

const settings = (over: Partial<MonteCarloSettings> = {}): MonteCarloSettings =>
  monteCarloSettingsSchema.parse({ runs: 500, seed: 7, ...over });

const pnlArb = fc.array(fc.double({ min: -500, max: 500, noNaN: true }), { minLength: 1, maxLength: 300 });
const sorted = (values: ArrayLike<number>): number[] => Array.from(values).sort((a, b) => a - b);

describe('monteCarlo', () => {
  it('shuffle draws a permutation of the trades, so every path ends at the original final equity', () => {
    fc.assert(
      fc.property(pnlArb, fc.nat(), (pnl, seed) => {
        const trades = Float64Array.from(pnl);
        const path = Float64Array.from(trades);
        const rng = seedState(seed);
        for (let run = 0; run < 5; run++) {
          drawPath('shuffle', trades, path, 10, rng);
          expect(sorted(path)).toEqual(sorted(trades));
          const { finalEquity } = walkTrades(path, 10_000);
          const actual = walkTrades(trades, 10_000).finalEquity;
          // the same numbers summed in another order: equal up to rounding of the sum
          expect(Math.abs(finalEquity - actual)).toBeLessThanOrEqual(1e-9 * (10_000 + 500 * pnl.length));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('shuffle: every percentile of final equity is the actual final equity; the paths differ in drawdown', () => {
    const pnl = Array.from({ length: 200 }, (_, i) => ((i * 37) % 23) * 10 - 100);
    const result = monteCarlo(pnl, 20_000, settings({ method: 'shuffle', runs: 2_000 }));
    const f = result.finalEquity;
    for (const value of [f.p5, f.p25, f.p50, f.p75, f.p95, f.mean]) {
      expect(value).toBeCloseTo(result.actual.finalEquity, 6);
    }
    const last = result.bands.step.length - 1;
    expect(result.bands.step[last]).toBe(200);
    expect(result.bands.p5[last]).toBeCloseTo(result.actual.finalEquity, 6);
    expect(result.bands.p95[last]).toBeCloseTo(result.actual.finalEquity, 6);
    expect(result.maxDrawdown.p95).toBeGreaterThan(result.maxDrawdown.p5);
  });

  it('walks the original order by hand: final equity and max drawdown as a fraction of the running peak', () => {
    // 1000 → 1100 (peak) → 1050 → 1000 (100 below 1100) → 1200
    expect(walkTrades([100, -50, -50, 200], 1000)).toEqual({ finalEquity: 1200, maxDrawdown: 100 / 1100 });
    const result = monteCarlo([100, -50, -50, 200], 1000, settings());
    expect(result.actual).toEqual({
      finalEquity: 1200,
      maxDrawdown: 100 / 1100,
      path: [1000, 1100, 1050, 1000, 1200],
    });
    expect(result.trades).toBe(4);
    expect(result.bands.step).toEqual([0, 1, 2, 3, 4]);
    expect(result.bands.p50[0]).toBe(1000);
  });

  it('ruin is equity at or below (1 − ruinLoss) × start at any point of the path', () => {
    // Every path of five −100 trades from 1000 goes 900 … 500: ruined at a 50% loss, not at 60%.
    const losses = [-100, -100, -100, -100, -100];
    for (const method of ['shuffle', 'bootstrap', 'block'] as const) {
      expect(monteCarlo(losses, 1000, settings({ method, ruinLoss: 0.5 })).ruinProbability).toBe(1);
      expect(monteCarlo(losses, 1000, settings({ method, ruinLoss: 0.6 })).ruinProbability).toBe(0);
    }
    // Down 600 then back up 700: ruined on the way although it ends above the start.
    const result = monteCarlo([-600, 700], 1000, settings({ method: 'shuffle', runs: 1_000 }));
    // Half the orders lose first (ruin), half win first (1700, then 1100: never at 500).
    expect(result.ruinProbability).toBeGreaterThan(0.4);
    expect(result.ruinProbability).toBeLessThan(0.6);
  });

  it('bootstrap draws trades with replacement: final equity spreads around start + n × mean P&L', () => {
    const pnl = [50, -30, 20, -10, 40, -60, 10, 0, 30, -20];
    const mean = pnl.reduce((a, b) => a + b, 0) / pnl.length;
    const result = monteCarlo(pnl, 10_000, settings({ method: 'bootstrap', runs: 20_000 }));
    const expected = 10_000 + pnl.length * mean;
    expect(Math.abs(result.finalEquity.mean - expected)).toBeLessThan(2);
    expect(result.finalEquity.p5).toBeLessThan(expected - 50);
    expect(result.finalEquity.p95).toBeGreaterThan(expected + 50);
    const path = new Float64Array(pnl.length);
    drawPath('bootstrap', Float64Array.from(pnl), path, 10, seedState(3));
    for (const value of path) expect(pnl).toContain(value);
  });

  it('block bootstrap takes blocks of consecutive trades, wrapping from the last to the first', () => {
    const trades = Float64Array.from({ length: 23 }, (_, i) => i);
    const path = new Float64Array(23);
    const rng = seedState(11);
    for (let run = 0; run < 20; run++) {
      drawPath('block', trades, path, 5, rng);
      for (let i = 0; i < 23; i++) {
        if (i % 5 !== 0) expect(path[i]).toBe((path[i - 1]! + 1) % 23);
      }
    }
    // Blocks of all the trades are rotations of the whole run: every path ends where the run did.
    const rotated = monteCarlo(
      Array.from(trades, (t) => t - 11),
      1000,
      settings({ method: 'block', blockSize: 23 }),
    );
    expect(rotated.finalEquity.p5).toBeCloseTo(rotated.actual.finalEquity, 9);
    expect(rotated.finalEquity.p95).toBeCloseTo(rotated.actual.finalEquity, 9);
    const clamped = monteCarlo([1, 2, 3], 1000, settings({ method: 'block', blockSize: 10 }));
    expect(clamped.notes.join('\n')).toContain('block size 10 is more than the 3 trades');
  });

  it('is seeded: the same seed gives the same result, another seed another', () => {
    const pnl = Array.from({ length: 300 }, (_, i) => Math.sin(i) * 100);
    for (const method of ['shuffle', 'bootstrap', 'block'] as const) {
      const a = monteCarlo(pnl, 10_000, settings({ method, seed: 5 }));
      expect(monteCarlo(pnl, 10_000, settings({ method, seed: 5 }))).toEqual(a);
      expect(monteCarlo(pnl, 10_000, settings({ method, seed: 6 })).maxDrawdown).not.toEqual(a.maxDrawdown);
    }
    // Pinned figures: a change to the generator or the draws shows here (deterministic across machines).
    const pinned = monteCarlo(pnl, 10_000, settings({ method: 'bootstrap', seed: 1, runs: 100 }));
    expect(pinned.finalEquity.p50).toMatchInlineSnapshot(`10196.785661505619`);
  });

  it('keeps the bands at no more than 200 steps (fewer for many runs), always the first and last', () => {
    expect(Array.from(bandSteps(5, 1000))).toEqual([0, 1, 2, 3, 4, 5]);
    const many = bandSteps(10_000, 1000);
    expect(many.length).toBe(201);
    expect(many[200]).toBe(10_000);
    const huge = bandSteps(10_000, 100_000);
    expect(huge[huge.length - 1]).toBe(10_000);
    expect((huge.length - 1) * 100_000).toBeLessThanOrEqual(8_000_000);
    for (let i = 1; i < many.length; i++) expect(many[i]!).toBeGreaterThan(many[i - 1]!);
  });

  it('reports progress as runs finish, ending at the total', () => {
    const seen: number[] = [];
    monteCarlo([1, -1, 2], 100, settings({ runs: 2_500 }), (done, total) => {
      expect(total).toBe(2_500);
      seen.push(done);
    });
    expect(seen).toEqual([1_000, 2_000, 2_500]);
  });

  it('refuses bad input, naming it', () => {
    expect(() => monteCarlo([], 1000, settings())).toThrow(
      new MonteCarloInputError('there are no trades to resample'),
    );
    expect(() => monteCarlo([1, 2, Number.NaN], 1000, settings())).toThrow(
      "trade 3's P&L is not a finite number (NaN)",
    );
    expect(() => monteCarlo([1, Number.POSITIVE_INFINITY], 1000, settings())).toThrow('trade 2');
    expect(() => monteCarlo([1], 0, settings())).toThrow('the starting equity must be above 0 (got 0)');
    expect(() => monteCarlo([1], -5, settings())).toThrow('above 0');
  });
});

describe('percentilesOf', () => {
  it('equals the sorted-array percentiles with linear interpolation (numpy default)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 }),
        (values) => {
          const s = sorted(values);
          const at = (q: number): number => {
            const position = q * (s.length - 1);
            const k = Math.floor(position);
            return k + 1 < s.length ? s[k]! + (s[k + 1]! - s[k]!) * (position - k) : s[k]!;
          };
          const got = percentilesOf(Float64Array.from([99, ...values, 99]), 1, values.length);
          [0.05, 0.25, 0.5, 0.75, 0.95].forEach((q, i) => {
            expect(got[i]).toBeCloseTo(at(q), 6);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
