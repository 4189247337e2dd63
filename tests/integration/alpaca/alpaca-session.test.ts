import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { FakeAlpaca } from '../../../dev/fake-alpaca/server';
import type { Services } from '../../../src/main/services';
import { createSessionRepo } from '../../../src/main/store/session-repo';
import type { SessionSummary, StartReconciliation } from '../../../src/shared/domain/session';
import {
  type AlpacaBench,
  call,
  closeAlpacaBench,
  eventually,
  type FakeOrder,
  fakeAccount,
  nextFakeBar,
  openAlpacaBench,
} from './alpaca-session-helpers';
import { sdk, sleep } from './fake-alpaca-helpers';

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'TSLA'];

let bench: AlpacaBench;
let fake: FakeAlpaca;
let services: Services;

beforeEach(async () => {
  bench = await openAlpacaBench({
    fake: { seed: 11, rateLimitPerMinute: 0 },
    dataDirPrefix: 'marketboss-alpaca-session-',
  });
  ({ fake, services } = bench);
});

afterEach(() => closeAlpacaBench(bench));

async function createSession(config: Record<string, unknown> = {}): Promise<string> {
  const created = await call<{ id: string }>(services, 'session:create', {
    name: 'alpaca',
    config: {
      symbols: SYMBOLS,
      venueKind: 'alpaca-paper',
      feed: { kind: 'alpaca', feed: 'iex' },
      strategy: { id: 'sma-crossover', params: { fast: 2, slow: 3 } },
      cash: 100_000,
      ...config,
    },
  });
  return created.id;
}

/** Moves the fake one trading minute and waits for the run to process that bar. */
const nextBar = () => nextFakeBar(bench);

function ledger() {
  return createSessionRepo(services.db);
}

function signedQty(p: { qty: string; side: string }): number {
  const q = Number(p.qty);
  return p.side === 'short' && q > 0 ? -q : q;
}

/** The account and the ledger agree: each intent one order at Alpaca, fills once, same positions. */
async function expectLedgerMatchesAccount(runId: string): Promise<{ orders: number; fills: number }> {
  const repo = ledger();
  const account = await fakeAccount(fake);
  const ours = account.orders.filter((o) => o.client_order_id.startsWith(runId));
  const atAlpaca = new Map<string, FakeOrder>();
  for (const o of ours) {
    expect(atAlpaca.has(o.client_order_id), `client order id ${o.client_order_id} twice at Alpaca`).toBe(
      false,
    );
    atAlpaca.set(o.client_order_id, o);
  }
  // OCO legs carry ids Alpaca made up; they are matched through their parent.
  const legsById = new Map<string, FakeOrder>();
  for (const o of ours) for (const leg of o.legs ?? []) legsById.set(leg.id, leg);
  const orders = repo.orders(runId, Number.POSITIVE_INFINITY);
  const fills = repo.fills(runId, Number.POSITIVE_INFINITY);
  const filledByOrder = new Map<string, number>();
  for (const f of fills) filledByOrder.set(f.orderId, (filledByOrder.get(f.orderId) ?? 0) + f.qty);
  let placed = 0;
  for (const order of orders) {
    const recorded = filledByOrder.get(order.id) ?? 0;
    expect(recorded, `fills of ${order.clientOrderId}`).toBeCloseTo(order.filledQty, 9);
    const there = atAlpaca.get(order.clientOrderId);
    if (there !== undefined) {
      placed++;
      expect(Number(there.filled_qty), `filled qty of ${order.clientOrderId}`).toBeCloseTo(
        order.filledQty,
        9,
      );
    } else if (order.filledQty > 0 && order.role !== 'stop_loss') {
      throw new Error(`${order.clientOrderId} has fills in the ledger but no order at Alpaca`);
    }
  }
  // Every order of ours at Alpaca is an intent in the ledger.
  const intents = new Set(orders.map((o) => o.clientOrderId));
  for (const id of atAlpaca.keys()) expect(intents.has(id), `${id} at Alpaca without an intent`).toBe(true);
  const positions = new Map(repo.positions(runId).map((p) => [p.symbol, p.qty]));
  const held = new Map(account.positions.map((p) => [p.symbol, signedQty(p)]));
  for (const symbol of SYMBOLS) {
    expect(positions.get(symbol) ?? 0, `${symbol} position`).toBeCloseTo(held.get(symbol) ?? 0, 9);
  }
  return { orders: placed, fills: fills.length };
}

async function settled(runId: string): Promise<void> {
  // No order left in doubt: each is answered (at Alpaca or refused), and the account agrees with the ledger.
  let last = '';
  try {
    await eventually(
      'the run and the account to agree',
      async () => {
        try {
          await expectLedgerMatchesAccount(runId);
          const waiting = ledger()
            .orders(runId, Number.POSITIVE_INFINITY)
            .filter((o) => o.status === 'new');
          last = `orders still new: ${waiting.map((o) => o.clientOrderId).join(', ')}`;
          return waiting.length === 0;
        } catch (error) {
          last = String(error);
          return false;
        }
      },
      30_000,
    );
  } catch (error) {
    throw new Error(`${String(error)}; last difference: ${last}`);
  }
}

describe('an Alpaca paper session against the fake', () => {
  test('reconciles before the start: an existing position must be accepted, then it is adopted', async () => {
    const alpaca = sdk(fake);
    await alpaca.trading.orders.market({ symbol: 'AAPL', qty: 5, side: 'buy', clientOrderId: 'before-1' });
    fake.advance(1);
    await eventually('the fill', async () => (await fakeAccount(fake)).positions.length === 1);
    const sessionId = await createSession();

    const report = await call<StartReconciliation>(services, 'session:prepare', { sessionId });
    expect(report.canStart).toBe(true);
    expect(report.needsAcceptance).toBe(true);
    expect(report.items.map((i) => i.kind)).toContain('position');
    expect(report.items.find((i) => i.kind === 'position')!.message).toMatch(/holds 5 AAPL at \$\d+\.\d\d/);

    const refused = await services.dispatch('session:start', { sessionId });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/accept the reconciliation/);

    const started = await call<SessionSummary>(services, 'session:start', { sessionId, accept: true });
    expect(started.status).toBe('running');
    expect(started.venue).toBe('alpaca-paper');
    const runId = started.runId!;
    const aapl = ledger()
      .positions(runId)
      .find((p) => p.symbol === 'AAPL');
    expect(aapl?.qty).toBe(5);
    for (let k = 0; k < 30; k++) await nextBar();
    await settled(runId);
    const { orders } = await expectLedgerMatchesAccount(runId);
    expect(orders).toBeGreaterThan(5);
  }, 120_000);

  test('a capital above the buying power cannot start; the message names both amounts', async () => {
    const sessionId = await createSession({ cash: 10_000_000 });
    const result = await services.dispatch('session:start', { sessionId, accept: true });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.message).toMatch(
        /capital \$10,000,000\.00 exceeds the account's buying power \$\d/,
      );
    expect(ledger().listSessions()).toHaveLength(1);
    expect(services.db.prepare('SELECT count(*) AS n FROM session_runs').get()).toEqual({ n: 0 });
  });

  test('1,000+ orders with 10% of requests faulted: one broker order per intent, fills once, positions equal', async () => {
    const sessionId = await createSession({
      strategy: { id: 'sma-crossover', params: { fast: 1, slow: 2 } },
    });
    const started = await call<SessionSummary>(services, 'session:start', { sessionId });
    const runId = started.runId!;
    // About one request in ten goes wrong, in every way the issue names.
    const faults = [
      { kind: 'status', status: 503, method: 'POST', path: '/v2/orders', probability: 0.03 },
      { kind: 'drop', method: 'POST', path: '/v2/orders', probability: 0.03 },
      {
        kind: 'delay',
        delayMs: 1_500,
        phase: 'after',
        method: 'POST',
        path: '/v2/orders',
        probability: 0.02,
      },
      { kind: 'status', status: 429, retryAfter: 0, method: 'POST', path: '/v2/orders', probability: 0.02 },
      { kind: 'status', status: 500, method: 'GET', path: '/v2/orders', probability: 0.05 },
      { kind: 'duplicate-events', probability: 0.1 },
    ] as const;
    for (const rule of faults) fake.addFault({ ...rule } as never);
    let bars = 0;
    while (
      ledger().orders(runId, Number.POSITIVE_INFINITY).length < Number(process.env.ORDERS ?? 1_000) &&
      bars < 3_000
    ) {
      await nextBar();
      bars++;
      if (bars % 150 === 0) fake.disconnectStreams('trading');
      // Let the answers of this bar's orders arrive before the next bar, as a minute would.
      await sleep(15);
    }
    fake.faults.clear();
    // One more bar so every order still waiting is matched, then the account and the ledger must agree.
    await nextBar();
    await settled(runId);
    const { orders, fills } = await expectLedgerMatchesAccount(runId);
    expect(ledger().orders(runId, Number.POSITIVE_INFINITY).length).toBeGreaterThanOrEqual(1_000);
    expect(orders).toBeGreaterThan(500);
    expect(fills).toBeGreaterThan(300);
  }, 600_000);
});
