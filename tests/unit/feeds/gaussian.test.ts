import { describe, expect, it } from 'vitest';
import { Gaussian } from '../../../src/main/feeds/gaussian';
import { normal, seededRandom } from '../../../src/shared/random';

describe('ziggurat normal draws', () => {
  const count = 200_000;
  const zig = new Gaussian(seededRandom(12345));
  const draws = Float64Array.from({ length: count }, () => zig.next()).sort();
  const boxMuller = seededRandom(999);
  const reference = Float64Array.from({ length: count }, () => normal(boxMuller)).sort();

  it('have mean 0, variance 1 and the normal tails', () => {
    let sum = 0;
    let squares = 0;
    let beyond196 = 0;
    let beyondTail = 0;
    for (const x of draws) {
      sum += x;
      squares += x * x;
      if (Math.abs(x) > 1.96) beyond196++;
      if (Math.abs(x) > 3.5) beyondTail++;
    }
    expect(Math.abs(sum / count)).toBeLessThan(0.01);
    expect(squares / count).toBeGreaterThan(0.98);
    expect(squares / count).toBeLessThan(1.02);
    expect(beyond196 / count).toBeGreaterThan(0.046);
    expect(beyond196 / count).toBeLessThan(0.054);
    // P(|z| > 3.5) = 0.000465: about 93 of 200,000, drawn from the ziggurat's tail algorithm.
    expect(beyondTail).toBeGreaterThan(50);
    expect(beyondTail).toBeLessThan(150);
  });

  it('match the shared Box–Muller sampler in distribution (two-sample Kolmogorov–Smirnov)', () => {
    let i = 0;
    let j = 0;
    let distance = 0;
    while (i < count && j < count) {
      if (draws[i]! <= reference[j]!) i++;
      else j++;
      distance = Math.max(distance, Math.abs(i - j) / count);
    }
    // The 0.1% critical value for n = m = 200,000 is about 0.0062.
    expect(distance).toBeLessThan(0.0062);
  });

  it('are deterministic for a seed', () => {
    const a = new Gaussian(seededRandom(7));
    const b = new Gaussian(seededRandom(7));
    for (let k = 0; k < 1000; k++) expect(a.next()).toBe(b.next());
  });
});
