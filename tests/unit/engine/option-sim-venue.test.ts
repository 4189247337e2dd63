import { describe, expect, it } from 'vitest';
import { sequentialIds } from '../../../src/main/engine/ids';
import type { OptionQuoteSource } from '../../../src/main/engine/option-desk';
import { optionSimVenue } from '../../../src/main/engine/option-sim-venue';
import { OrderManager, OrderTicket } from '../../../src/main/engine/orders';
import type { VenueReports } from '../../../src/main/engine/venue';
import { DAY1, PUT_D1, PUT_D2, scriptedQuotes } from './option-helpers';

const T1 = DAY1 + 15 * 3_600_000;
const T2 = T1 + 1_800_000;
const T3 = T2 + 1_800_000;

/** A venue wired to an order manager that applies each report, and a log of the reports. */
function setup(quotes: OptionQuoteSource, slippage = 0.005) {
  const orders = new OrderManager(sequentialIds('t'), 1);
  const log: string[] = [];
  const fills: { qty: number; price: number; fee: number; time: number }[] = [];
  const reports: VenueReports = {
    onAccepted(order, time) {
      orders.transition(order, 'accepted');
      log.push(`accepted ${order.id} @${time}`);
    },
    onRejected(order, reason, time) {
      orders.transition(order, 'rejected', reason);
      log.push(`rejected ${order.id} @${time}: ${reason}`);
    },
    onFill(order, qty, price, fee, time) {
      orders.recordFill(order, qty, price, fee);
      fills.push({ qty, price, fee, time });
      log.push(`fill ${order.id} @${time}`);
    },
    onCanceled(order, reason, time) {
      orders.transition(order, 'canceled', reason);
      log.push(`canceled ${order.id} @${time}: ${reason}`);
    },
    onExpired(order, reason, time) {
      orders.transition(order, 'expired', reason);
      log.push(`expired ${order.id} @${time}: ${reason}`);
    },
  };
  const venue = optionSimVenue({ slippage, commissionPerContract: 0.65 })(reports, quotes);
  const order = (spec: Partial<OrderTicket> & { symbol: string; side: 'buy' | 'sell'; qty: number }) => {
    const ticket = Object.assign(new OrderTicket(), {
      type: 'market',
      role: spec.side === 'buy' ? 'entry' : 'exit',
      timeInForce: 'day',
      reason: 'test',
      referencePrice: 1,
      time: T1,
      ...spec,
    });
    return orders.create(ticket);
  };
  return { venue, orders, log, fills, order };
}

describe('optionSimVenue', () => {
  it('fills a market buy at ask × (1 + slippage) and a market sell at bid × (1 − slippage), commission per contract', () => {
    const quotes = scriptedQuotes({ [PUT_D2]: { [T1]: [4.9, 5], [T2]: [7, 7.1] } });
    const { venue, fills, order } = setup(quotes);
    const buy = order({ symbol: PUT_D2, side: 'buy', qty: 2 });
    venue.submit(buy, T1, 466);
    // 5.00 × 1.005 = 5.025 per share; commission 2 × 0.65 = 1.30 (cash: 5.025 × 100 × 2 + 1.30 = 1006.30).
    expect(fills[0]).toEqual({
      qty: 2,
      price: expect.closeTo(5.025, 12),
      fee: expect.closeTo(1.3, 12),
      time: T1,
    });
    expect(buy.status).toBe('filled');
    const sell = order({ symbol: PUT_D2, side: 'sell', qty: 2 });
    venue.submit(sell, T2, 463);
    // 7.00 × 0.995 = 6.965
    expect(fills[1]).toEqual({
      qty: 2,
      price: expect.closeTo(6.965, 12),
      fee: expect.closeTo(1.3, 12),
      time: T2,
    });
    expect(venue.hasWork()).toBe(false);
    expect(venue.costs).toEqual({ slippage: 0.005, commissionPerContract: 0.65 });
  });

  it('fills a limit only at its limit or better; a resting limit is checked at later closes', () => {
    const quotes = scriptedQuotes({ [PUT_D2]: { [T1]: [4.9, 5], [T2]: [4.95, 5.05], [T3]: [4.8, 4.9] } });
    const { venue, fills, order, log } = setup(quotes);
    // Limit 5.00: the ask with slippage is 5.025 > 5.00, so it rests.
    const buy = order({ symbol: PUT_D2, side: 'buy', qty: 1, type: 'limit', limitPrice: 5 });
    venue.submit(buy, T1, 466);
    expect(buy.status).toBe('accepted');
    expect(venue.workingOrders()).toEqual([buy]);
    venue.processBar(T2, 466); // 5.05 × 1.005 = 5.07525 > 5.00: still resting
    expect(fills).toEqual([]);
    venue.processBar(T3, 467); // 4.90 × 1.005 = 4.9245 ≤ 5.00: fills at 4.9245, better than the limit
    expect(fills).toEqual([{ qty: 1, price: expect.closeTo(4.9245, 12), fee: 0.65, time: T3 }]);
    expect(venue.hasWork()).toBe(false);
    expect(log).toEqual([`accepted t-o1 @${T1}`, `fill t-o1 @${T3}`]);

    // A sell limit at 4.80 against bid 4.80 × 0.995 = 4.776 rests.
    const sell = order({ symbol: PUT_D2, side: 'sell', qty: 1, type: 'limit', limitPrice: 4.8 });
    venue.submit(sell, T3, 467);
    expect(sell.status).toBe('accepted');
    expect(fills).toHaveLength(1);
  });

  it('rests an order without a quote and fills it at the first quote that comes', () => {
    const quotes = scriptedQuotes({ [PUT_D2]: { [T3]: [3, 3.1] } });
    const { venue, fills, order, log } = setup(quotes, 0);
    const buy = order({ symbol: PUT_D2, side: 'buy', qty: 1 });
    venue.submit(buy, T1, 466);
    venue.processBar(T2, 466);
    expect(buy.status).toBe('accepted');
    venue.processBar(T3, 466);
    expect(fills).toEqual([{ qty: 1, price: 3.1, fee: 0.65, time: T3 }]);
    expect(venue.stats.restedWithoutQuote).toBe(1);
    expect(log[0]).toBe(`accepted t-o1 @${T1}`);
  });

  it('rests when the chain is unknown, and rejects a contract the chain does not list, saying which part', () => {
    const known = setup(scriptedQuotes({}));
    const wrongDay = known.order({ symbol: 'SPY240110P00470000', side: 'buy', qty: 1 });
    known.venue.submit(wrongDay, T1, 466);
    expect(wrongDay.status).toBe('rejected');
    expect(wrongDay.statusReason).toBe(
      'SPY240110P00470000 is not listed: no SPY options expire on 2024-01-10',
    );
    const wrongStrike = known.order({ symbol: 'SPY240102P00470500', side: 'buy', qty: 1 });
    known.venue.submit(wrongStrike, T1, 466);
    expect(wrongStrike.statusReason).toBe(
      'SPY240102P00470500 is not listed: no 470.5 strike for the 2024-01-02 expiry',
    );
    expect(known.venue.stats.rejected).toBe(2);

    const unknown = setup(scriptedQuotes({}, { listing: false }));
    const resting = unknown.order({ symbol: PUT_D1, side: 'buy', qty: 1 });
    unknown.venue.submit(resting, T1, 466);
    expect(resting.status).toBe('accepted');
  });

  it('rejects fractional contracts, non-option symbols and stop orders with the reason', () => {
    const { venue, order } = setup(scriptedQuotes({ [PUT_D2]: { [T1]: [4.9, 5] } }));
    const fractional = order({ symbol: PUT_D2, side: 'buy', qty: 1.5 });
    venue.submit(fractional, T1, 466);
    expect(fractional.status).toBe('rejected');
    expect(fractional.statusReason).toBe(`1.5 contracts of ${PUT_D2}: options trade in whole contracts only`);
    const shares = order({ symbol: 'SPY', side: 'buy', qty: 1 });
    venue.submit(shares, T1, 466);
    expect(shares.statusReason).toMatch(/"SPY" is not an OCC option symbol/);
    const stop = order({ symbol: PUT_D2, side: 'buy', qty: 1, type: 'stop', stopPrice: 5 });
    venue.submit(stop, T1, 466);
    expect(stop.statusReason).toBe('stop orders are not taken for options: market or limit only');
  });

  it('expires every working day order at the end of the day, and cancels on request', () => {
    const { venue, order, log } = setup(scriptedQuotes({ [PUT_D2]: { [T1]: [4.9, 5] } }));
    const a = order({ symbol: PUT_D2, side: 'buy', qty: 1, type: 'limit', limitPrice: 4 });
    const b = order({ symbol: PUT_D2, side: 'buy', qty: 1, type: 'limit', limitPrice: 4.5 });
    venue.submit(a, T1, 466);
    venue.submit(b, T1, 466);
    venue.cancel(b, 'strategy changed its mind', T2);
    expect(venue.workingOrders()).toEqual([a]);
    venue.endOfDay(T3);
    expect(a.status).toBe('expired');
    expect(a.statusReason).toBe('day order: not filled by the close');
    expect(venue.hasWork()).toBe(false);
    expect(venue.stats.expired).toBe(1);
    expect(log.slice(2)).toEqual([
      `canceled t-o2 @${T2}: strategy changed its mind`,
      `expired t-o1 @${T3}: day order: not filled by the close`,
    ]);
  });

  it('refuses a nonsensical configuration', () => {
    expect(() =>
      optionSimVenue({ slippage: -0.1, commissionPerContract: 0.65 })({} as VenueReports, scriptedQuotes({})),
    ).toThrow(/slippage/);
    expect(() =>
      optionSimVenue({ slippage: 0, commissionPerContract: Number.NaN })(
        {} as VenueReports,
        scriptedQuotes({}),
      ),
    ).toThrow(/commission/);
  });
});
