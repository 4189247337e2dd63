// The ticket's position-size calculator: shares = floor(risk$ / |entry − stop|), capped by what the account can
// spend, with the arithmetic in words and a problem in words for a stop on the wrong side.
import { describe, expect, test } from 'vitest';
import {
  manualOrderSchema,
  positionSize,
  type SizingInput,
} from '../../../../src/shared/domain/manual-order';

const base: SizingInput = {
  side: 'buy',
  risk: { kind: 'percent', percent: 1 },
  equity: 100_000,
  entry: 50,
  stop: 48,
  spendable: 1_000_000,
  spendableName: 'buying power',
};

describe('position size', () => {
  test('risk % of equity: 1% of 100,000 over a $2 stop is 500 shares', () => {
    const r = positionSize(base);
    expect(r).toMatchObject({ ok: true, shares: 500, riskDollars: 1000, perShare: 2, capped: false });
    expect(r.ok && r.words).toBe(
      '1% of equity $100,000.00 = $1,000.00; ÷ $2.00 a share (entry 50.00 − stop 48.00) = 500 shares (rounded down).',
    );
  });

  test('risk in dollars, rounded down (never risks more than asked)', () => {
    const r = positionSize({ ...base, risk: { kind: 'dollars', dollars: 250 }, entry: 50, stop: 47 });
    // 250 / 3 = 83.33… → 83 shares, risking 249, not 252.
    expect(r).toMatchObject({ ok: true, shares: 83, riskDollars: 250, perShare: 3 });
  });

  test('a short: the stop above the entry', () => {
    const r = positionSize({
      ...base,
      side: 'sell',
      entry: 20,
      stop: 20.5,
      risk: { kind: 'dollars', dollars: 100 },
    });
    expect(r).toMatchObject({ ok: true, shares: 200, perShare: 0.5 });
  });

  test('a stop on the wrong side is a problem in words, for a buy and for a short', () => {
    expect(positionSize({ ...base, stop: 51 })).toEqual({
      ok: false,
      problem: "a buy's stop must be below the entry (stop 51.00 ≥ entry 50.00)",
    });
    expect(positionSize({ ...base, side: 'sell', stop: 49 })).toEqual({
      ok: false,
      problem: "a short's stop must be above the entry (stop 49.00 ≤ entry 50.00)",
    });
    expect(positionSize({ ...base, stop: 50 }).ok).toBe(false);
  });

  test('capped by cash: the smaller size wins and the words say why', () => {
    const r = positionSize({ ...base, spendable: 10_000, spendableName: 'cash' });
    // By risk 500 shares ($25,000) but cash buys floor(10,000 / 50) = 200.
    expect(r).toMatchObject({ ok: true, shares: 200, capped: true });
    expect(r.ok && r.words).toContain('capped at 200 by cash $10,000.00 ÷ 50.00');
  });

  test('nothing affordable or a risk below one share is a problem, not 0 shares', () => {
    expect(positionSize({ ...base, spendable: 30 })).toEqual({
      ok: false,
      problem: 'buying power $30.00 buys no share at 50.00',
    });
    expect(positionSize({ ...base, risk: { kind: 'dollars', dollars: 1 } })).toEqual({
      ok: false,
      problem: "risk $1.00 is less than one share's risk $2.00",
    });
  });

  test('bad inputs: risk % out of range, no entry', () => {
    expect(positionSize({ ...base, risk: { kind: 'percent', percent: 0 } }).ok).toBe(false);
    expect(positionSize({ ...base, risk: { kind: 'percent', percent: 150 } }).ok).toBe(false);
    expect(positionSize({ ...base, entry: Number.NaN })).toEqual({
      ok: false,
      problem: 'entry price must be above 0',
    });
  });

  test('fractional step rounds down to the step', () => {
    const r = positionSize({
      ...base,
      risk: { kind: 'dollars', dollars: 10 },
      entry: 30,
      stop: 27,
      step: 0.01,
    });
    // 10 / 3 = 3.333… → 3.33
    expect(r.ok && r.shares).toBeCloseTo(3.33, 10);
  });
});

describe('the ticket order as the API takes it', () => {
  test('a limit order without its price names the field', () => {
    const parsed = manualOrderSchema.safeParse({ symbol: 'acme', side: 'buy', type: 'limit', qty: 10 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['limitPrice'],
      message: 'a limit order needs a limit price',
    });
  });
  test('the symbol is upper-cased and the quantity must be positive', () => {
    expect(manualOrderSchema.parse({ symbol: 'acme', side: 'sell', type: 'market', qty: 5 }).symbol).toBe(
      'ACME',
    );
    expect(
      manualOrderSchema.safeParse({ symbol: 'ACME', side: 'sell', type: 'market', qty: 0 }).success,
    ).toBe(false);
  });
});
