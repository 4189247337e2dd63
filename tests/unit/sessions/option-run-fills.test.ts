// What recovery holds the rebuilt option book against: the position the ledger's fills add up to.
import { describe, expect, test } from 'vitest';
import { contractsFromFills } from '../../../src/main/sessions/option-run-records';

const fill = (symbol: string, side: 'buy' | 'sell', qty: number) => ({ symbol, side, qty });

describe('contractsFromFills', () => {
  test('buys add, sells take away, a closed contract is gone', () => {
    const held = contractsFromFills([
      fill('SPY230104P00117000', 'buy', 2),
      fill('SPY230104P00117000', 'sell', 2),
      fill('SPY230105P00118000', 'buy', 2),
      fill('SPY230105P00118000', 'buy', 1),
      fill('SPY230105P00118000', 'sell', 1),
    ]);
    expect([...held]).toEqual([['SPY230105P00118000', 2]]);
  });

  test('no fills, nothing held', () => {
    expect(contractsFromFills([]).size).toBe(0);
  });
});
