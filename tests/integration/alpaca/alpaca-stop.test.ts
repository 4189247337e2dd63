import { afterEach, describe, expect, test } from 'vitest';
import type { FakeAlpaca } from '../../../dev/fake-alpaca/server';
import type { Services } from '../../../src/main/services';
import { createSessionRepo } from '../../../src/main/store/session-repo';
import type { SessionSnapshot, SessionSummary } from '../../../src/shared/domain/session';
import {
  type AlpacaBench,
  call,
  closeAlpacaBench,
  eventually,
  fakeAccount,
  nextFakeBar,
  openAlpacaBench,
} from './alpaca-session-helpers';
import { sleep } from './fake-alpaca-helpers';

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'TSLA'];
const TERMINAL = ['filled', 'canceled', 'rejected', 'expired'];

let bench: AlpacaBench | undefined;
let fake: FakeAlpaca;
let services: Services;

async function setUp(broker: { stopWaitMs?: number; stopPollMs?: number } = {}): Promise<void> {
  bench = await openAlpacaBench({
    fake: { seed: 11, rateLimitPerMinute: 0 },
    dataDirPrefix: 'marketboss-alpaca-stop-',
    broker,
  });
  ({ fake, services } = bench);
}

afterEach(async () => {
  await closeAlpacaBench(bench);
  bench = undefined;
});

/** A running session trading every crossover of a 1/2 SMA, with a stop and a target on each entry. */
async function startSession(): Promise<{ sessionId: string; runId: string }> {
  const { id: sessionId } = await call<{ id: string }>(services, 'session:create', {
    name: 'stop',
    config: {
      symbols: SYMBOLS,
      venueKind: 'alpaca-paper',
      feed: { kind: 'alpaca', feed: 'iex' },
      strategy: { id: 'sma-crossover', params: { fast: 1, slow: 2 } },
      cash: 100_000,
    },
  });
  const started = await call<SessionSummary>(services, 'session:start', { sessionId });
  return { sessionId, runId: started.runId! };
}

function nextBar(): Promise<void> {
  if (bench === undefined) throw new Error('setUp() first');
  return nextFakeBar(bench);
}

const repo = () => createSessionRepo(services.db);

/** The run's orders Alpaca works right now (parents and OCO legs). */
async function openAtAlpaca(runId: string): Promise<string[]> {
  const { orders } = await fakeAccount(fake);
  const open = new Set(['new', 'accepted', 'partially_filled', 'held', 'pending_new']);
  return orders
    .filter((o) => o.client_order_id.startsWith(runId))
    .flatMap((o) => [o, ...(o.legs ?? [])])
    .filter((o) => open.has(o.status))
    .map((o) => `${o.symbol} ${o.status} ${o.client_order_id}`);
}

/** Bars until the run has market orders sent and not yet filled at Alpaca (they fill at the next tick). */
async function untilOrdersInFlight(runId: string, wantPosition = false): Promise<void> {
  for (let k = 0; k < 200; k++) {
    await nextBar();
    await sleep(30);
    const entries = (await fakeAccount(fake)).orders.filter(
      (o) => o.client_order_id.startsWith(runId) && o.status === 'new' && o.order_class !== 'oco',
    );
    const held = repo()
      .positions(runId)
      .some((p) => p.qty !== 0);
    const accepted = repo()
      .orders(runId, Number.POSITIVE_INFINITY)
      .filter((o) => o.role === 'entry' && (o.status === 'accepted' || o.status === 'new'));
    if (entries.length > 0 && accepted.length > 0 && (!wantPosition || held)) return;
  }
  throw new Error('no bar left the run with orders working at Alpaca');
}

function signed(p: { qty: string; side: string }): number {
  const q = Number(p.qty);
  return p.side === 'short' && q > 0 ? -q : q;
}

/** The run's stored orders all ended, its fills are Alpaca's, and its positions are the account's. */
async function expectSettled(runId: string): Promise<void> {
  const orders = repo().orders(runId, Number.POSITIVE_INFINITY);
  const notDone = orders.filter((o) => !TERMINAL.includes(o.status));
  expect(
    notDone.map((o) => `${o.clientOrderId} ${o.status}`),
    'orders the session still shows working',
  ).toEqual([]);
  expect(await openAtAlpaca(runId), 'orders the run left working at Alpaca').toEqual([]);
  const account = await fakeAccount(fake);
  const atAlpaca = new Map(account.orders.map((o) => [o.client_order_id, o]));
  for (const order of orders) {
    const there = atAlpaca.get(order.clientOrderId);
    if (there !== undefined)
      expect(order.filledQty, `filled qty of ${order.clientOrderId}`).toBe(Number(there.filled_qty));
  }
  const held = new Map(account.positions.map((p) => [p.symbol, signed(p)]));
  const positions = new Map(
    repo()
      .positions(runId)
      .map((p) => [p.symbol, p.qty]),
  );
  for (const symbol of SYMBOLS) {
    expect(positions.get(symbol) ?? 0, `${symbol}: the session against the account`).toBeCloseTo(
      held.get(symbol) ?? 0,
      9,
    );
  }
}

const runRow = (runId: string) =>
  services.db.prepare('SELECT status, end_reason AS reason FROM session_runs WHERE id = ?').get(runId) as {
    status: string;
    reason: string | null;
  };

async function untilStopped(runId: string, ms = 20_000): Promise<void> {
  await eventually('the run to stop', () => runRow(runId).status === 'stopped', ms);
}

describe('stopping an Alpaca paper session', () => {
  test('Stop while entries are working: each is canceled, or its fill (beating the cancel) is recorded', async () => {
    await setUp();
    const { sessionId, runId } = await startSession();
    await untilOrdersInFlight(runId);
    // The cancels reach Alpaca late: the market moves first, so the working market orders fill before them.
    fake.addFault({ kind: 'delay', delayMs: 300, phase: 'before', method: 'DELETE', path: '/v2/orders' });
    const filledBefore = repo().fills(runId, Number.POSITIVE_INFINITY).length;
    await call(services, 'session:stop', { sessionId, flatten: false });
    fake.advance(0.25);
    await untilStopped(runId);
    await expectSettled(runId);
    const fills = repo().fills(runId, Number.POSITIVE_INFINITY);
    expect(fills.length, 'fills that beat the cancels').toBeGreaterThan(filledBefore);
    expect(runRow(runId).reason).toBe('stopped by the user');
    // Nothing fills behind the stopped session's back.
    fake.advance(5);
    await sleep(200);
    expect(repo().fills(runId, Number.POSITIVE_INFINITY)).toHaveLength(fills.length);
    await expectSettled(runId);
  }, 120_000);

  test('Stop with the trading stream silenced: the orders end by REST, found by their client order ids', async () => {
    await setUp({ stopPollMs: 200 });
    const { sessionId, runId } = await startSession();
    await untilOrdersInFlight(runId);
    fake.addFault({ kind: 'silent-stream' });
    await call(services, 'session:stop', { sessionId, flatten: false });
    await untilStopped(runId);
    await expectSettled(runId);
    const canceled = repo()
      .orders(runId, Number.POSITIVE_INFINITY)
      .filter((o) => o.status === 'canceled');
    expect(canceled.length).toBeGreaterThan(0);
  }, 120_000);

  test('Stop & flatten ends flat at Alpaca, every order ended', async () => {
    await setUp();
    const { sessionId, runId } = await startSession();
    await untilOrdersInFlight(runId, true);
    const stopping = await call<SessionSummary>(services, 'session:stop', { sessionId, flatten: true });
    expect(stopping.status).toBe('stopping');
    // The market trades a tick whenever the run has an order at Alpaca, within the minute: no new bar is needed
    // (on a 1-hour chart the next one could be an hour away).
    for (let tick = 0; tick < 3 && runRow(runId).status !== 'stopped'; tick++) {
      await eventually(
        'an order of the run at Alpaca, or the stop',
        async () => runRow(runId).status === 'stopped' || (await openAtAlpaca(runId)).length > 0,
        5_000,
      ).catch(() => undefined);
      fake.advance(0.25);
      await sleep(100);
    }
    await untilStopped(runId);
    await expectSettled(runId);
    const { positions } = await fakeAccount(fake);
    expect(positions.filter((p) => SYMBOLS.includes(p.symbol))).toEqual([]);
    expect(runRow(runId).reason).toBe('stopped by the user after flattening');
  }, 120_000);

  test('orders Alpaca will not cancel: the stop ends saying how many are still working, with an alert', async () => {
    await setUp({ stopWaitMs: 1_500, stopPollMs: 200 });
    const { sessionId, runId } = await startSession();
    await untilOrdersInFlight(runId);
    const working = (await openAtAlpaca(runId)).length;
    fake.addFault({ kind: 'status', status: 500, method: 'DELETE', path: '/v2/orders' });
    await call(services, 'session:stop', { sessionId, flatten: false });
    await untilStopped(runId);
    const { reason } = runRow(runId);
    expect(reason).toMatch(new RegExp(`^stopped by the user; ${working} orders? still working at Alpaca$`));
    const snapshot = await call<SessionSnapshot>(services, 'session:get', { sessionId });
    const alert = snapshot.alerts.find((a) => a.kind === 'orders-still-working');
    expect(alert?.severity).toBe('critical');
    expect(alert?.message).toMatch(
      new RegExp(`^${working} orders? still working at Alpaca after the stop: `),
    );
  }, 120_000);
});
