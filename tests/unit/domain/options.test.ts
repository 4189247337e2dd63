import { describe, expect, test } from 'vitest';
import { isOccSymbol, occSymbol, parseOccSymbol } from '../../../src/shared/domain/options';

describe('OCC option symbols', () => {
  test('a SPY put reads as root, expiry, right and strike', () => {
    expect(parseOccSymbol('SPY250117P00450000')).toEqual({
      root: 'SPY',
      expiry: '2025-01-17',
      right: 'put',
      strike: 450,
    });
    expect(parseOccSymbol('AAPL241220C00187500').strike).toBe(187.5);
  });

  test('round trips, fractional strikes included', () => {
    for (const symbol of [
      'SPY250117P00450000',
      'SPY240614C00535500',
      'QQQ251231P00000500',
      'BRKB260116C01234567',
    ]) {
      expect(occSymbol(parseOccSymbol(symbol))).toBe(symbol);
    }
    expect(occSymbol({ root: 'spy', expiry: '2026-12-07', right: 'put', strike: 600.5 })).toBe(
      'SPY261207P00600500',
    );
  });

  test('what is wrong is named', () => {
    expect(() => parseOccSymbol('SPY')).toThrow(/not an OCC option symbol/);
    expect(() => parseOccSymbol('SPY250231P00450000')).toThrow(/250231 is not a calendar date/);
    expect(() => parseOccSymbol('SPY250117P00000000')).toThrow(/strike is zero/);
    expect(() => occSymbol({ root: 'SPY', expiry: '2025-01-17', right: 'put', strike: 450.0005 })).toThrow(
      /does not fit the OCC format/,
    );
    expect(() => occSymbol({ root: 'SPY', expiry: '17/01/2025', right: 'put', strike: 450 })).toThrow(
      /YYYY-MM-DD/,
    );
    expect(isOccSymbol('SPY250117P00450000')).toBe(true);
    expect(isOccSymbol('SPY')).toBe(false);
  });
});
