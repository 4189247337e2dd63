// The simulated broker's account (sim-venue.ts): a cash account pays for what it buys and never shorts; a margin
// account holds up to its multiplier times equity. Checked at the fill, with risk off (--no-risk), because the
// broker's check is not a risk rule.
import { describe, expect, it } from 'vitest';
import { buy, type Candle, closeLong, flat, run, scripted, sell, seriesOf } from './helpers';

const A = 'A';

function account(
  candles: readonly Candle[],
  script: Parameters<typeof scripted>[0],
  options: Parameters<typeof run>[1] = {},
) {
  return run([{ series: seriesOf(A, candles), strategy: scripted(script) }], {
    closeAtEnd: true,
    ...options,
  });
}

/** Final state of every order, with the reason of the ones the venue refused. */
function finalOrders(result: ReturnType<typeof run>) {
  return result.collector.finalOrders.map((o) => ({
    side: o.side,
    qty: o.qty,
    status: o.status,
    reason: o.statusReason,
  }));
}

const qty100 = { enabled: false, sizing: { mode: 'fixed-qty', qty: 100 } } as const;

describe('a cash account', () => {
  it('on a rising price, refuses a fixed-quantity buy that costs more than the cash, and cash never goes below 0', () => {
    // Arrange: 10,000 cash; 100 shares at 50 is 5,000; the price climbs to 60, where 100 more would cost 6,000.
    const candles: Candle[] = [flat(50), flat(50), flat(55), flat(60), flat(60), flat(65), flat(70)];
    const result = account(
      candles,
      { 0: [buy(A)], 2: [buy(A)], 4: [buy(A)] },
      { cash: 10_000, risk: qty100 },
    );

    // Assert: the first buy fills; the next two are refused at their fills with the reason, as a broker would.
    const orders = finalOrders(result).filter((o) => o.status === 'rejected');
    expect(result.fills.filter((f) => f.side === 'buy')).toHaveLength(1);
    expect(orders).toHaveLength(2);
    expect(orders[0]!.reason).toBe(
      'insufficient cash: buying 100 at 60.00 costs 6,000.00 with fees, the account holds 5,000.00',
    );
    expect(result.engine.venue.stats.rejections).toEqual({ 'insufficient cash': 2 });
    const { cash, length } = result.engine.curve;
    for (let k = 0; k < length; k++) expect(cash[k]).toBeGreaterThanOrEqual(0);
  });

  it('counts the fees in the cost: 100 shares at 100 with a 1.00 commission do not fit in 10,000', () => {
    const result = account(
      [flat(100), flat(100), flat(100)],
      { 0: [buy(A)] },
      {
        cash: 10_000,
        risk: qty100,
        venue: { commissionPerOrder: 1 },
      },
    );
    expect(result.fills).toHaveLength(0);
    expect(finalOrders(result)[0]).toMatchObject({ status: 'rejected' });
    expect(finalOrders(result)[0]!.reason).toContain('costs 10,001.00 with fees');
  });

  it('takes a sell that closes the long however little cash is left', () => {
    const result = account(
      [flat(100), flat(100), flat(90), flat(90)],
      { 0: [buy(A)], 2: [closeLong(A)] },
      {
        cash: 10_000,
        risk: qty100,
      },
    );
    expect(result.fills.map((f) => [f.side, f.qty, f.price])).toEqual([
      ['buy', 100, 100],
      ['sell', 100, 90],
    ]);
    expect(result.engine.portfolio.cash).toBe(9_000);
  });

  it('refuses a short sale: a cash account cannot short', () => {
    const result = account([flat(100), flat(100), flat(100)], { 0: [sell(A)] }, { risk: qty100 });
    expect(result.fills).toHaveLength(0);
    expect(finalOrders(result)[0]).toMatchObject({
      status: 'rejected',
      reason: 'a cash account cannot sell short (sell 100 with 0 held)',
    });
    expect(result.engine.venue.stats.rejections).toEqual({ 'short sale in a cash account': 1 });
  });
});

describe('a margin account', () => {
  const shares = (qty: number) => ({ enabled: false, sizing: { mode: 'fixed-qty', qty } }) as const;

  it('at 2x (Reg T) buys up to twice its equity and refuses what goes beyond', () => {
    // 10,000 equity at 2x: 150 shares at 100 (15,000) fit; 60 more (6,000) do not: 20,000 − 15,000 = 5,000 left.
    const result = account(
      [flat(100), flat(100), flat(100), flat(100)],
      { 0: [buy(A, { qty: 150 })], 1: [buy(A, { qty: 60 })] },
      { cash: 10_000, risk: shares(150), account: { type: 'margin' } },
    );
    expect(result.fills.filter((f) => f.side === 'buy').map((f) => f.qty)).toEqual([150]);
    const refused = finalOrders(result).find((o) => o.status === 'rejected');
    expect(refused?.reason).toBe(
      'insufficient buying power: buying 60 at 100.00 needs 6,000.00 with fees, buying power is 5,000.00 (2x equity 10,000.00 less 15,000.00 in positions)',
    );
    // Borrowed money: cash below zero is what a margin account allows, down to −equity at 2x.
    expect(Math.min(...result.engine.curve.cash.subarray(0, result.engine.curve.length))).toBe(-5_000);
  });

  it('grants 4x intraday buying power only from $25,000 of equity', () => {
    const script = { 0: [buy(A, { qty: 350 })] };
    const small = account([flat(100), flat(100), flat(100)], script, {
      cash: 10_000,
      risk: shares(350),
      account: { type: 'margin', multiplier: 4 },
    });
    expect(small.fills.filter((f) => f.side === 'buy')).toHaveLength(0);
    expect(finalOrders(small)[0]!.reason).toContain('(2x equity 10,000.00');

    const large = account([flat(100), flat(100), flat(100)], script, {
      cash: 10_000 * 2.5,
      risk: shares(350),
      account: { type: 'margin', multiplier: 4 },
    });
    expect(large.fills.filter((f) => f.side === 'buy').map((f) => f.qty)).toEqual([350]);
  });

  it('may sell short within its buying power', () => {
    const result = account(
      [flat(100), flat(100), flat(100)],
      { 0: [sell(A)] },
      {
        risk: qty100,
        account: { type: 'margin' },
      },
    );
    expect(result.fills.map((f) => [f.side, f.qty])).toEqual([
      ['sell', 100],
      ['buy', 100],
    ]);
  });
});
