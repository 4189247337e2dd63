import { describe, expect, it } from 'vitest';
import type { SymbolBar } from '../../../src/main/feeds/live-bar-assembler';
import { SyntheticMarket } from '../../../src/main/feeds/synthetic-live';

const market = () => new SyntheticMarket(7, ['ACME', 'BOLT'], '1m', 'us-equities');

function bar(m: SyntheticMarket, k: number, symbol: string): SymbolBar {
  const found = m.barsAt(k)?.find((b) => b.symbol === symbol);
  if (!found) throw new Error(`no ${symbol} bar at ${k}`);
  return found;
}

describe('SyntheticMarket.shock', () => {
  it('two shocks compound from their own bar index; volume and the other symbol stay as generated', () => {
    // Arrange: seed 7 gives ACME 141.50/141.53/141.30/141.31 at bar 10 and 141.48/141.62/141.44/141.60 at bar 12.
    const m = market();
    expect(bar(m, 10, 'ACME')).toMatchObject({ open: 141.5, high: 141.53, low: 141.3, close: 141.31 });
    expect(bar(m, 12, 'ACME')).toMatchObject({ open: 141.48, high: 141.62, low: 141.44, close: 141.6 });

    // Act
    m.shock('ACME', 0.5, 10);
    m.shock('ACME', 1.2, 12);

    // Assert: bar 10 × 0.5; bar 12 × 0.5 × 1.2 = × 0.6.
    const ten = bar(m, 10, 'ACME');
    expect(ten.open).toBeCloseTo(70.75, 10);
    expect(ten.high).toBeCloseTo(70.765, 10);
    expect(ten.low).toBeCloseTo(70.65, 10);
    expect(ten.close).toBeCloseTo(70.655, 10);
    const twelve = bar(m, 12, 'ACME');
    expect(twelve.open).toBeCloseTo(84.888, 10);
    expect(twelve.high).toBeCloseTo(84.972, 10);
    expect(twelve.low).toBeCloseTo(84.864, 10);
    expect(twelve.close).toBeCloseTo(84.96, 10);
    expect(twelve.volume).toBe(63_304);
    expect(bar(m, 12, 'BOLT')).toMatchObject({ open: 57.89, high: 57.97, low: 57.53, close: 57.67 });
  });

  it('bars before fromIndex never change, and a shock outlives the regeneration of later chunks', () => {
    const shocked = market();
    const plain = market();
    const before = bar(shocked, 999, 'BOLT');

    shocked.shock('BOLT', 1.4, 1_000);

    expect(bar(shocked, 999, 'BOLT')).toEqual(before);
    // Bar 3000 lies beyond the first 1024-bar chunk: the market regenerates, the shock still applies.
    for (const k of [1_000, 3_000, 1_000]) {
      const got = bar(shocked, k, 'BOLT');
      const base = bar(plain, k, 'BOLT');
      expect(got.time).toBe(base.time);
      expect(got.close).toBeCloseTo(base.close * 1.4, 10);
      expect(got.low).toBeCloseTo(base.low * 1.4, 10);
      expect(got.volume).toBe(base.volume);
    }
    expect(bar(shocked, 3_000, 'ACME')).toEqual(bar(plain, 3_000, 'ACME'));
  });

  it('refuses an unknown symbol, and a factor that is not a finite number above 0, naming the value', () => {
    const m = market();
    expect(() => m.shock('ZZZ', 0.7, 0)).toThrow('shock symbol "ZZZ" is not in this market (ACME, BOLT)');
    for (const factor of [0, -0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => m.shock('ACME', factor, 0)).toThrow(
        `shock factor must be a finite number above 0, got ${factor}`,
      );
    }
    expect(() => m.shock('ACME', 0.7, -1)).toThrow('shock fromIndex must be a whole number ≥ 0, got -1');
    // Nothing refused was applied.
    expect(bar(m, 0, 'ACME')).toEqual(bar(market(), 0, 'ACME'));
  });
});
