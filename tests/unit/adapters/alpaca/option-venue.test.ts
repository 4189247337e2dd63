// AlpacaOptionVenue before anything reaches Alpaca: what it refuses itself, and the request it sends for an option
// order (OCC symbol, contracts, a day order whatever the engine wrote, limit by default). The broker here only
// records the request; the real SDK against the fake is tests/integration/alpaca/alpaca-options.test.ts.
import { describe, expect, it } from 'vitest';
import type { AlpacaBroker } from '../../../../src/main/adapters/alpaca/broker';
import type { BrokerOrderRequest } from '../../../../src/main/adapters/alpaca/broker-shapes';
import { AlpacaOptionVenue } from '../../../../src/main/adapters/alpaca/option-venue';
import { sequentialIds } from '../../../../src/main/engine/ids';
import { OrderManager, OrderTicket, type WorkingOrder } from '../../../../src/main/engine/orders';
import type { VenueReports } from '../../../../src/main/engine/venue';

const PUT = 'SPY250305P00571000';

function bench() {
  const sent: BrokerOrderRequest[] = [];
  const broker = {
    hasWorkingOrders: () => false,
    submit: async (request: BrokerOrderRequest) => {
      sent.push(request);
      return { kind: 'unknown', reason: 'not answered in this test' } as const;
    },
  } as unknown as AlpacaBroker;
  const manager = new OrderManager(sequentialIds('u'), 1);
  const log: string[] = [];
  const reports: VenueReports = {
    onAccepted: (o) => manager.transition(o, 'accepted'),
    onRejected: (o, reason) => {
      manager.transition(o, 'rejected', reason);
      log.push(`rejected: ${reason}`);
    },
    onFill: (o, qty, price, fee) => manager.recordFill(o, qty, price, fee),
    onCanceled: (o, reason) => manager.transition(o, 'canceled', reason),
    onExpired: (o, reason) => manager.transition(o, 'expired', reason),
  };
  const venue = new AlpacaOptionVenue(reports, broker, { wake: () => {}, note: () => {}, now: () => 0 });
  const order = (fields: Partial<OrderTicket>): WorkingOrder => {
    const ticket = Object.assign(new OrderTicket(), {
      symbol: PUT,
      side: 'buy',
      type: 'limit',
      role: 'entry',
      qty: 2,
      limitPrice: 2.2,
      timeInForce: 'day',
      referencePrice: 2.2,
      reason: 'entry',
      ...fields,
    });
    return manager.create(ticket);
  };
  return { venue, order, sent, log, broker };
}

describe('AlpacaOptionVenue', () => {
  it('refuses what Alpaca cannot take for options, naming it, and sends nothing', async () => {
    const { venue, order, sent, log } = bench();
    venue.submit(order({ symbol: 'SPY', limitPrice: 571 }), 0, 571);
    venue.submit(
      order({ side: 'sell', type: 'stop', role: 'exit', stopPrice: 1, limitPrice: undefined }),
      0,
      571,
    );
    venue.orders.flush();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(log).toEqual([
      'rejected: "SPY" is not an option (OCC) symbol',
      'rejected: Alpaca takes market and limit orders for options, not stop',
    ]);
    expect(sent).toEqual([]);
    expect(venue.hasWork()).toBe(false);
  });

  it('sends an OCC symbol, whole contracts, a day limit under the order’s client order id; counts it working', async () => {
    const { venue, order, sent } = bench();
    const buy = order({ timeInForce: 'gtc' });
    venue.submit(buy, 0, 571);
    expect(venue.workingOrders()).toEqual([buy]);
    expect(venue.hasWork()).toBe(true);
    expect(sent).toEqual([]); // only after the bar is committed
    venue.orders.flush();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent).toEqual([
      {
        clientOrderId: buy.clientOrderId,
        symbol: PUT,
        side: 'buy',
        qty: 2,
        timeInForce: 'day',
        type: 'limit',
        limitPrice: 2.2,
      },
    ]);
    const sell = order({ side: 'sell', type: 'market', role: 'exit', limitPrice: undefined });
    venue.submit(sell, 0, 571);
    venue.orders.flush();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent[1]).toMatchObject({ symbol: PUT, side: 'sell', type: 'market', timeInForce: 'day', qty: 2 });
    expect(sent[1]).not.toHaveProperty('limitPrice');
  });
});
