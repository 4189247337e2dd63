import { describe, expect, it } from 'vitest';
import { OptionBook, optionBookProblems, optionPositionRow } from '../../../src/main/engine/option-book';
import { PUT_D1, PUT_D2 } from './option-helpers';

const T0 = Date.UTC(2024, 0, 2, 15);

describe('OptionBook', () => {
  it('books a round trip in dollars: premium × 100 × contracts, both commissions in the fees', () => {
    const book = new OptionBook(10_000);
    book.startDay('2024-01-02');
    // Buy 2 at 5.025 (ask 5.00 + 0.5%): 5.025 × 100 × 2 = 1005, commission 2 × 0.65 = 1.30.
    expect(book.applyFill(PUT_D2, 'buy', 2, 5.025, 1.3, T0, 3, 'signal')).toBeUndefined();
    expect(book.cash).toBeCloseTo(10_000 - 1005 - 1.3, 9); // 8993.70
    const held = book.holding(PUT_D2)!;
    expect(held).toMatchObject({ contracts: 2, avgPremium: 5.025, openingFees: 1.3, openedAt: T0 });
    expect(held.contract).toEqual({ root: 'SPY', expiry: '2024-01-03', right: 'put', strike: 470 });
    expect(Number.isNaN(held.bid)).toBe(true);
    // Not quoted yet: counted at the premium paid, 8993.70 + 5.025 × 200 = 9998.70.
    expect(book.markToMarket()).toBeCloseTo(9998.7, 9);

    // Marked at the bid 4.90: 8993.70 + 4.90 × 100 × 2 = 9973.70.
    book.mark(PUT_D2, 4.9);
    expect(book.markToMarket()).toBeCloseTo(9973.7, 9);
    expect(optionBookProblems(book)).toEqual([]);

    // Sell 2 at 6.965 (bid 7.00 − 0.5%): + 6.965 × 200 = 1393 − 1.30 = 1391.70 → cash 10385.40.
    const trade = book.applyFill(PUT_D2, 'sell', 2, 6.965, 1.3, T0 + 3_600_000, 5, 'profit_target')!;
    expect(book.cash).toBeCloseTo(10_385.4, 9);
    // pnl = (6.965 − 5.025) × 100 × 2 − (1.30 + 1.30) = 388 − 2.60 = 385.40.
    expect({ ...trade }).toEqual({
      symbol: PUT_D2,
      side: 'long',
      qty: 2,
      entryTime: T0,
      entryPrice: 5.025,
      exitTime: T0 + 3_600_000,
      exitPrice: 6.965,
      pnl: expect.closeTo(385.4, 9),
      fees: expect.closeTo(2.6, 9),
      barsHeld: 2,
      exitReason: 'profit_target',
    });
    expect(book.realized).toBeCloseTo(385.4, 9);
    expect(book.dayPnl).toBeCloseTo(385.4, 9);
    expect(book.fees).toBeCloseTo(2.6, 9);
    expect(book.holdings()).toEqual([]);
    expect(book.markToMarket()).toBeCloseTo(10_385.4, 9);
    expect(optionBookProblems(book)).toEqual([]);
  });

  it('realizes a partial close with its share of the opening commission, and reports the trip once flat', () => {
    const book = new OptionBook(10_000);
    book.startDay('2024-01-02');
    // Buy 3 at 2.00, commission 1.95.
    book.applyFill(PUT_D2, 'buy', 3, 2, 1.95, T0, 0, 'signal');
    // Sell 1 at 3.00, commission 0.65: (3 − 2) × 100 − 0.65 − 1.95 / 3 = 100 − 1.30 = 98.70.
    expect(book.applyFill(PUT_D2, 'sell', 1, 3, 0.65, T0 + 1, 1, 'signal')).toBeUndefined();
    expect(book.dayPnl).toBeCloseTo(98.7, 9);
    expect(book.holding(PUT_D2)).toMatchObject({ contracts: 2, openingFees: expect.closeTo(1.3, 9) });
    book.mark(PUT_D2, 1.8);
    expect(optionBookProblems(book)).toEqual([]);
    // Sell 2 at 1.50, commission 1.30: (1.5 − 2) × 200 − 1.30 − 1.30 = −102.60.
    const trade = book.applyFill(PUT_D2, 'sell', 2, 1.5, 1.3, T0 + 2, 2, 'max_loss')!;
    expect(book.dayPnl).toBeCloseTo(98.7 - 102.6, 9);
    // The trip: gross (3 − 2) × 100 + (1.5 − 2) × 200 = 0, fees 1.95 + 0.65 + 1.30 = 3.90 → pnl −3.90;
    // exit price (3 × 1 + 1.5 × 2) / 3 = 2.00.
    expect(trade.qty).toBe(3);
    expect(trade.exitPrice).toBeCloseTo(2, 12);
    expect(trade.fees).toBeCloseTo(3.9, 9);
    expect(trade.pnl).toBeCloseTo(-3.9, 9);
    expect(book.cash - 10_000).toBeCloseTo(-3.9, 9);
  });

  it('averages the premium over adds and restarts the day P&L only on a new trading day', () => {
    const book = new OptionBook(10_000);
    book.startDay('2024-01-02');
    book.applyFill(PUT_D2, 'buy', 1, 4, 0.65, T0, 0, 'signal');
    book.applyFill(PUT_D2, 'buy', 3, 6, 1.95, T0 + 1, 1, 'signal');
    // (1 × 4 + 3 × 6) / 4 = 5.50
    expect(book.holding(PUT_D2)).toMatchObject({
      contracts: 4,
      avgPremium: 5.5,
      openingFees: 2.6,
      openedAt: T0,
    });
    // Sell 1 at 5.00: (5 − 5.5) × 100 − 0.65 − 2.60 / 4 = −50 − 1.30 = −51.30.
    book.applyFill(PUT_D2, 'sell', 1, 5, 0.65, T0 + 2, 2, 'signal');
    expect(book.dayPnl).toBeCloseTo(-51.3, 9);
    book.startDay('2024-01-02');
    expect(book.dayPnl).toBeCloseTo(-51.3, 9);
    book.startDay('2024-01-03');
    expect(book.dayPnl).toBe(0);
    expect(book.realized).toBeCloseTo(-51.3, 9);
  });

  it('settles an expiring put at intrinsic value, without commission', () => {
    const book = new OptionBook(10_000);
    book.applyFill(PUT_D1, 'buy', 2, 5.025, 1.3, T0, 0, 'signal');
    book.applyFill(PUT_D2, 'buy', 1, 6, 0.65, T0, 0, 'signal');
    // SPY 465.25 at the 2024-01-02 close: the 470 put is worth 470 − 465.25 = 4.75; the 01-03 put is not expiring.
    const settling = book.expiring('2024-01-02', 465.25);
    expect(settling.map((s) => [s.holding.symbol, s.price])).toEqual([[PUT_D1, 4.75]]);
    expect(book.expiring('2024-01-02', 471).map((s) => s.price)).toEqual([0]);
    const trade = book.applyFill(PUT_D1, 'sell', 2, 4.75, 0, T0 + 1, 1, 'expiry')!;
    // (4.75 − 5.025) × 200 − 1.30 = −55 − 1.30 = −56.30
    expect(trade.pnl).toBeCloseTo(-56.3, 9);
    expect(trade.fees).toBeCloseTo(1.3, 9);
    expect(trade.exitReason).toBe('expiry');
    expect(book.holdings().map((h) => h.symbol)).toEqual([PUT_D2]);
    // A worthless expiry is a sell at 0: the whole premium is lost.
    const worthless = book.applyFill(PUT_D2, 'sell', 1, 0, 0, T0 + 2, 2, 'expiry')!;
    expect(worthless.pnl).toBeCloseTo(-600.65, 9);
  });

  it('refuses fractional contracts, selling what is not held, and a bad price', () => {
    const book = new OptionBook(10_000);
    expect(() => book.applyFill(PUT_D2, 'buy', 1.5, 5, 0, T0, 0, 'signal')).toThrow(/whole contracts/);
    expect(() => book.applyFill(PUT_D2, 'sell', 1, 5, 0, T0, 0, 'signal')).toThrow(/only 0 held/);
    expect(() => book.applyFill(PUT_D2, 'buy', 1, Number.NaN, 0, T0, 0, 'signal')).toThrow(/bad fill/);
    expect(() => book.applyFill('SPY', 'buy', 1, 5, 0, T0, 0, 'signal')).toThrow(/not an OCC option symbol/);
    expect(() => new OptionBook(0)).toThrow(/starting cash/);
    expect(book.cash).toBe(10_000);
  });

  it("gives the UI's position row: unrealized at the bid after the commissions paid", () => {
    const book = new OptionBook(10_000);
    book.applyFill(PUT_D2, 'buy', 2, 5.025, 1.3, T0, 0, 'signal');
    const holding = book.holding(PUT_D2)!;
    // (5.20 − 5.025) × 100 × 2 − 1.30 = 35 − 1.30 = 33.70
    const row = optionPositionRow(holding, {
      symbol: PUT_D2,
      bid: 5.2,
      ask: 5.3,
      time: T0,
      underlyingPrice: 466,
    });
    expect(row).toEqual({
      symbol: PUT_D2,
      underlying: 'SPY',
      right: 'put',
      strike: 470,
      expiry: '2024-01-03',
      contracts: 2,
      avgPremium: 5.025,
      bid: 5.2,
      ask: 5.3,
      unrealizedPnl: expect.closeTo(33.7, 9),
    });
    expect(optionPositionRow(holding, undefined)).toMatchObject({
      bid: null,
      ask: null,
      unrealizedPnl: null,
    });
  });
});
