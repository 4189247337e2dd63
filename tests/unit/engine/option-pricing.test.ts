// Option pricing against published values and against second implementations that live only here: Black–Scholes
// by numerical integration of the risk-neutral payoff, American puts on a trinomial tree.
import { describe, expect, test } from 'vitest';
import {
  americanPrice,
  blackScholes,
  impliedVolatility,
  normalCdf,
  type OptionInput,
} from '../../../src/main/engine/option-pricing';

/** E[payoff] under the risk-neutral lognormal, discounted: Simpson's rule over z in [−12, 12]. */
function integratedPrice(o: OptionInput): number {
  const q = o.dividendYield ?? 0;
  const n = 20_000;
  const h = 24 / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const z = -12 + i * h;
    const s =
      o.spot *
      Math.exp((o.rate - q - 0.5 * o.volatility ** 2) * o.years + o.volatility * Math.sqrt(o.years) * z);
    const payoff = o.right === 'call' ? Math.max(s - o.strike, 0) : Math.max(o.strike - s, 0);
    const weight = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    sum += weight * payoff * Math.exp(-0.5 * z * z);
  }
  return ((sum * h) / 3 / Math.sqrt(2 * Math.PI)) * Math.exp(-o.rate * o.years);
}

/** Boyle's trinomial tree with early exercise (a different lattice from the CRR tree under test). */
function trinomialAmerican(o: OptionInput, steps: number): number {
  const dt = o.years / steps;
  const q = o.dividendYield ?? 0;
  const dx = o.volatility * Math.sqrt(3 * dt);
  const nu = o.rate - q - 0.5 * o.volatility ** 2;
  const pu = 0.5 * ((o.volatility ** 2 * dt + nu * nu * dt * dt) / (dx * dx) + (nu * dt) / dx);
  const pd = 0.5 * ((o.volatility ** 2 * dt + nu * nu * dt * dt) / (dx * dx) - (nu * dt) / dx);
  const pm = 1 - pu - pd;
  const disc = Math.exp(-o.rate * dt);
  const payoff = (s: number) => (o.right === 'call' ? Math.max(s - o.strike, 0) : Math.max(o.strike - s, 0));
  let values = Array.from({ length: 2 * steps + 1 }, (_, j) => payoff(o.spot * Math.exp((j - steps) * dx)));
  for (let n = steps - 1; n >= 0; n--) {
    const next: number[] = [];
    for (let j = 0; j <= 2 * n; j++) {
      const held = disc * (pu * values[j + 2]! + pm * values[j + 1]! + pd * values[j]!);
      next.push(Math.max(held, payoff(o.spot * Math.exp((j - n) * dx))));
    }
    values = next;
  }
  return values[0]!;
}

describe('the normal distribution', () => {
  test('matches tabulated values to 1e-12', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 12);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 12);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316300946, 14);
    // Far in the tail the continued fraction holds 8 significant digits.
    expect(normalCdf(-8) / 6.22096057427178e-16).toBeCloseTo(1, 7);
    expect(normalCdf(40)).toBe(1);
  });
});

describe('Black–Scholes', () => {
  // Hull, Options, Futures and Other Derivatives, Example 15.6: S 42, K 40, r 10%, σ 20%, six months.
  const hull: OptionInput = { right: 'call', spot: 42, strike: 40, years: 0.5, volatility: 0.2, rate: 0.1 };

  test("Hull's example: call 4.76, put 0.81", () => {
    expect(blackScholes(hull).price).toBeCloseTo(4.7594, 4);
    expect(blackScholes({ ...hull, right: 'put' }).price).toBeCloseTo(0.8086, 4);
  });

  test('agrees with the integrated payoff across strikes, rights, dividends and maturities', () => {
    for (const right of ['call', 'put'] as const) {
      for (const strike of [80, 100, 125]) {
        for (const years of [0.02, 0.5, 2]) {
          const o: OptionInput = {
            right,
            spot: 100,
            strike,
            years,
            volatility: 0.3,
            rate: 0.04,
            dividendYield: 0.015,
          };
          expect(blackScholes(o).price, `${right} K ${strike} T ${years}`).toBeCloseTo(integratedPrice(o), 5);
        }
      }
    }
  });

  test('put–call parity: C − P = S e^(−qT) − K e^(−rT)', () => {
    const o: OptionInput = {
      right: 'call',
      spot: 510,
      strike: 505,
      years: 3 / 365,
      volatility: 0.18,
      rate: 0.05,
      dividendYield: 0.013,
    };
    const c = blackScholes(o).price;
    const p = blackScholes({ ...o, right: 'put' }).price;
    expect(c - p).toBeCloseTo(510 * Math.exp(-0.013 * o.years) - 505 * Math.exp(-0.05 * o.years), 10);
  });

  test('greeks are the derivatives of the price (central differences)', () => {
    for (const right of ['call', 'put'] as const) {
      const o: OptionInput = {
        right,
        spot: 100,
        strike: 95,
        years: 0.4,
        volatility: 0.25,
        rate: 0.03,
        dividendYield: 0.01,
      };
      const g = blackScholes(o);
      const price = (patch: Partial<OptionInput>) => blackScholes({ ...o, ...patch }).price;
      const h = 1e-4;
      expect(g.delta).toBeCloseTo((price({ spot: 100 + h }) - price({ spot: 100 - h })) / (2 * h), 6);
      expect(g.gamma).toBeCloseTo(
        (price({ spot: 100 + 1e-2 }) - 2 * g.price + price({ spot: 100 - 1e-2 })) / 1e-4,
        5,
      );
      expect(g.vega).toBeCloseTo(
        (price({ volatility: 0.25 + h }) - price({ volatility: 0.25 - h })) / (2 * h),
        5,
      );
      expect(g.rho).toBeCloseTo((price({ rate: 0.03 + h }) - price({ rate: 0.03 - h })) / (2 * h), 5);
      // Theta: the change as time passes, i.e. minus the change with more time left.
      expect(g.theta).toBeCloseTo(-(price({ years: 0.4 + h }) - price({ years: 0.4 - h })) / (2 * h), 4);
    }
  });

  test('at expiry the price is the intrinsic value', () => {
    expect(blackScholes({ ...hull, years: 0 }).price).toBe(2);
    expect(blackScholes({ ...hull, right: 'put', years: 0 }).price).toBe(0);
  });

  test('bad inputs are refused, naming the value', () => {
    expect(() => blackScholes({ ...hull, spot: 0 })).toThrow(/underlying price must be above 0 \(got 0\)/);
    expect(() => blackScholes({ ...hull, years: -1 })).toThrow(/time to expiry cannot be negative/);
  });
});

describe('implied volatility', () => {
  test('recovers the volatility that made the price, from 5% to 200%, deep in and far out of the money', () => {
    for (const right of ['call', 'put'] as const) {
      for (const strike of [60, 95, 100, 105, 150]) {
        for (const volatility of [0.05, 0.2, 0.8, 2]) {
          const o: OptionInput = { right, spot: 100, strike, years: 0.25, volatility, rate: 0.05 };
          const { price, vega } = blackScholes(o);
          // Where the price hardly moves with volatility (~0, or ~intrinsic), no volatility can be read from it.
          if (vega < 1e-3) continue;
          const implied = impliedVolatility(o, price);
          const what = `${right} K ${strike} σ ${volatility}`;
          expect(blackScholes({ ...o, volatility: implied }).price, what).toBeCloseTo(price, 9);
          expect(implied, what).toBeCloseTo(volatility, vega > 0.1 ? 8 : 5);
        }
      }
    }
  });

  test('a price no volatility can give is refused, naming the bounds', () => {
    const o = { right: 'call' as const, spot: 100, strike: 100, years: 0.25, rate: 0.05 };
    expect(() => impliedVolatility(o, 101)).toThrow(/no implied volatility: a call price of 101 is outside/);
    expect(() => impliedVolatility(o, 1)).toThrow(/outside 1\.242/);
  });
});

describe('American options on the binomial tree', () => {
  // Longstaff & Schwartz (2001), Table 1: K 40, r 6%, σ 20%, one year; finite-difference American put values.
  test.each([
    [36, 4.478],
    [40, 2.314],
    [44, 1.11],
  ])('an American put at S %d is worth %d (published finite-difference value)', (spot, value) => {
    const o: OptionInput = { right: 'put', spot, strike: 40, years: 1, volatility: 0.2, rate: 0.06 };
    // Their grid was coarse: the value converged on by finer methods (and the trinomial tree here) is ~0.008 higher.
    expect(Math.abs(americanPrice(o) - value)).toBeLessThan(0.01);
    expect(Math.abs(americanPrice(o) - trinomialAmerican(o, 1500))).toBeLessThan(1e-3);
    expect(americanPrice(o)).toBeGreaterThan(blackScholes(o).price);
  });

  test('agrees with a trinomial tree on deep in-the-money SPY-like puts (0DTE to a month)', () => {
    for (const years of [1 / 365 / 6.5, 1 / 365, 7 / 365, 30 / 365]) {
      const o: OptionInput = {
        right: 'put',
        spot: 500,
        strike: 500.5,
        years,
        volatility: 0.16,
        rate: 0.05,
        dividendYield: 0.013,
      };
      expect(Math.abs(americanPrice(o) - trinomialAmerican(o, 1500)), `T ${years}`).toBeLessThan(1e-3);
    }
  });

  test('an American call without dividends is the European call (never exercised early)', () => {
    const o: OptionInput = { right: 'call', spot: 100, strike: 90, years: 1, volatility: 0.3, rate: 0.05 };
    expect(americanPrice(o, 800)).toBeCloseTo(blackScholes(o).price, 2);
  });

  test('a deep in-the-money put is worth at least its exercise value', () => {
    const o: OptionInput = { right: 'put', spot: 20, strike: 40, years: 1, volatility: 0.2, rate: 0.06 };
    expect(americanPrice(o)).toBeCloseTo(20, 9);
    expect(blackScholes(o).price).toBeLessThan(20);
  });
});
