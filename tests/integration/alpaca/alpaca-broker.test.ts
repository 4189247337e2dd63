// The broker layer against the fake through the real SDK: every order type, cancel and replace, and each way an
// answer can go wrong — refused, rate limited, 5xx, dropped, slow, "client_order_id must be unique".
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { FakeAlpaca } from '../../../dev/fake-alpaca/server';
import { AlpacaBroker } from '../../../src/main/adapters/alpaca/broker';
import type { BrokerTradeUpdate } from '../../../src/main/adapters/alpaca/broker-shapes';
import { RequestBudget } from '../../../src/main/adapters/alpaca/request-budget';
import { eventually } from './alpaca-session-helpers';
import { lastPrice, sdk, startFake } from './fake-alpaca-helpers';

let fake: FakeAlpaca;
let broker: AlpacaBroker;
let updates: BrokerTradeUpdate[];
let resyncs: string[];

beforeEach(async () => {
  fake = await startFake({ seed: 21, rateLimitPerMinute: 0 });
  broker = new AlpacaBroker({
    alpaca: sdk(fake, fake.keys.paper, { timeoutMs: 300, retry: false }),
    streamUrl: fake.streamUrls.trading,
    lookupDelayMs: 10,
    reconnect: { initialMs: 50, maxMs: 100 },
    silenceMs: 300,
  });
  updates = [];
  resyncs = [];
  await broker.connect({
    onTradeUpdate: (u) => updates.push(u),
    onStreamState: () => {},
    onResyncDue: (reason) => resyncs.push(reason),
  });
});

afterEach(async () => {
  broker.close();
  await fake.close();
});

const base = { side: 'buy' as const, qty: 2, timeInForce: 'day' as const };

describe('AlpacaBroker', () => {
  test('every order type is placed as asked, and fills come back on the stream with their execution', async () => {
    const price = lastPrice(fake, 'AAPL');
    const placed = await Promise.all([
      broker.submit({ ...base, clientOrderId: 't-market', symbol: 'AAPL', type: 'market' }),
      broker.submit({
        ...base,
        clientOrderId: 't-limit',
        symbol: 'AAPL',
        type: 'limit',
        limitPrice: price * 0.5,
      }),
      broker.submit({
        ...base,
        clientOrderId: 't-stop',
        symbol: 'AAPL',
        type: 'stop',
        stopPrice: price * 1.5,
      }),
      broker.submit({
        ...base,
        clientOrderId: 't-stop-limit',
        symbol: 'AAPL',
        type: 'stop_limit',
        stopPrice: price * 1.5,
        limitPrice: price * 1.6,
      }),
      broker.submit({
        ...base,
        clientOrderId: 't-bracket',
        symbol: 'MSFT',
        type: 'market',
        orderClass: 'bracket',
        takeProfit: { limitPrice: lastPrice(fake, 'MSFT') * 1.5 },
        stopLoss: { stopPrice: lastPrice(fake, 'MSFT') * 0.5 },
      }),
    ]);
    for (const outcome of placed) expect(outcome.kind).toBe('placed');
    const types = placed.map((o) => (o.kind === 'placed' ? o.order.type : ''));
    expect(types).toEqual(['market', 'limit', 'stop', 'stop_limit', 'market']);
    const bracket = placed[4]!;
    expect(bracket.kind === 'placed' && bracket.order.legs.length).toBe(2);
    fake.advance(1);
    await eventually('the market fill', () =>
      updates.some((u) => u.event === 'fill' && u.order.clientOrderId === 't-market'),
    );
    const fill = updates.find((u) => u.event === 'fill' && u.order.clientOrderId === 't-market')!;
    expect(fill.execution?.qty).toBe(2);
    expect(fill.order.filledQty).toBe(2);
    // A trailing stop on the position now held.
    const trailing = await broker.submit({
      clientOrderId: 't-trail',
      symbol: 'AAPL',
      side: 'sell',
      qty: 2,
      type: 'trailing_stop',
      trailPercent: 5,
      timeInForce: 'gtc',
    });
    expect(trailing.kind === 'placed' && trailing.order.type).toBe('trailing_stop');
  });

  test('cancel and replace: the old order is replaced by a new one with the new price', async () => {
    const price = lastPrice(fake, 'AAPL');
    const limit = await broker.submit({
      ...base,
      clientOrderId: 'r-1',
      symbol: 'AAPL',
      type: 'limit',
      limitPrice: price * 0.5,
    });
    if (limit.kind !== 'placed') throw new Error(limit.kind);
    const replaced = await broker.replace(limit.order.id, { limitPrice: price * 0.6 });
    expect(replaced.limitPrice).toBeCloseTo(Number((price * 0.6).toFixed(2)), 2);
    expect((await broker.order(limit.order.id)).status).toBe('replaced');
    expect(await broker.cancel(replaced.id)).toEqual({ ok: true });
    await eventually('the cancel', async () => (await broker.order(replaced.id)).status === 'canceled');
    const again = await broker.cancel(replaced.id);
    expect(again.ok).toBe(false);
  });

  test('refusals are final and named; nothing is placed', async () => {
    const outcome = await broker.submit({ ...base, clientOrderId: 'x-otc', symbol: 'OTCQ', type: 'market' });
    expect(outcome).toMatchObject({ kind: 'refused', status: 422 });
    expect(outcome.kind === 'refused' && outcome.reason).toMatch(/OTCQ is not tradable/);
    const short = await broker.submit({
      ...base,
      side: 'sell',
      clientOrderId: 'x-nosh',
      symbol: 'NOSH',
      type: 'market',
    });
    expect(short.kind === 'refused' && short.reason).toMatch(/cannot be sold short/);
    const huge = await broker.submit({
      ...base,
      qty: 1_000_000,
      clientOrderId: 'x-bp',
      symbol: 'SPY',
      type: 'market',
    });
    expect(huge.kind === 'refused' && huge.reason).toMatch(/insufficient buying power/);
    expect(await broker.orderByClientId('x-otc')).toBeNull();
  });

  test('a 5xx, a dropped answer and a timeout each end in exactly one order, found by its client order id', async () => {
    fake.addFault({ kind: 'status', status: 503, method: 'POST', path: '/v2/orders', times: 1 });
    const after503 = await broker.submit({ ...base, clientOrderId: 'f-503', symbol: 'AAPL', type: 'market' });
    expect(after503.kind).toBe('placed'); // looked up, absent, sent again under the same id
    fake.addFault({ kind: 'drop', method: 'POST', path: '/v2/orders', times: 1 });
    const dropped = await broker.submit({ ...base, clientOrderId: 'f-drop', symbol: 'AAPL', type: 'market' });
    expect(dropped).toMatchObject({ kind: 'placed', via: 'lookup' });
    fake.addFault({
      kind: 'delay',
      delayMs: 800,
      phase: 'after',
      method: 'POST',
      path: '/v2/orders',
      times: 1,
    });
    const slow = await broker.submit({ ...base, clientOrderId: 'f-slow', symbol: 'AAPL', type: 'market' });
    expect(slow).toMatchObject({ kind: 'placed', via: 'lookup' });
    const all = await sdk(fake).trading.orders.getAllOrders({ status: 'all', limit: 500 });
    for (const id of ['f-503', 'f-drop', 'f-slow']) {
      expect(
        all.filter((o) => o.clientOrderId === id),
        id,
      ).toHaveLength(1);
    }
    expect(broker.stats.lookups).toBeGreaterThanOrEqual(3);
  });

  test('"client_order_id must be unique" means: look it up', async () => {
    const first = await broker.submit({ ...base, clientOrderId: 'u-1', symbol: 'AAPL', type: 'market' });
    const second = await broker.submit({ ...base, clientOrderId: 'u-1', symbol: 'AAPL', type: 'market' });
    expect(second).toMatchObject({ kind: 'placed', via: 'lookup' });
    expect(first.kind === 'placed' && second.kind === 'placed' && second.order.id).toBe(
      first.kind === 'placed' ? first.order.id : '',
    );
  });

  test('a 429 pauses the whole budget for its Retry-After, then the order goes out once', async () => {
    const budget = new RequestBudget();
    const limited = new AlpacaBroker({ alpaca: sdk(fake, fake.keys.paper, { retry: false }), budget });
    fake.addFault({
      kind: 'status',
      status: 429,
      retryAfter: 1,
      method: 'POST',
      path: '/v2/orders',
      times: 1,
    });
    const started = Date.now();
    const outcome = await limited.submit({ ...base, clientOrderId: 'rl-1', symbol: 'AAPL', type: 'market' });
    expect(outcome).toMatchObject({ kind: 'placed', via: 'response' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(budget.throttled).toBe(1);
    expect(budget.requests).toBe(2);
  });

  test('after a stream disconnect the broker re-authorizes and asks for a resync; duplicates carry one execution id', async () => {
    fake.disconnectStreams('trading');
    await eventually('a resync after the reconnect', () =>
      resyncs.includes('the trading stream reconnected'),
    );
    expect(broker.streamState).toBe('authorized');
    await broker.submit({ ...base, clientOrderId: 'd-1', symbol: 'AAPL', type: 'market' });
    await eventually('the new event', () => updates.some((u) => u.order.clientOrderId === 'd-1'));
    fake.addFault({ kind: 'duplicate-events', times: 1 });
    fake.advance(1);
    await eventually(
      'two copies of the fill',
      () => updates.filter((u) => u.event === 'fill' && u.order.clientOrderId === 'd-1').length === 2,
    );
    const [a, b] = updates.filter((u) => u.event === 'fill' && u.order.clientOrderId === 'd-1');
    expect(a!.execution!.id).toBe(b!.execution!.id);
  });
});
