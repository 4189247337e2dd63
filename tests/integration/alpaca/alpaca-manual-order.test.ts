import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { FakeAlpaca } from '../../../dev/fake-alpaca/server';
import type { Services } from '../../../src/main/services';
import { createSessionRepo } from '../../../src/main/store/session-repo';
import type { SessionSummary } from '../../../src/shared/domain/session';
import {
  type AlpacaBench,
  call,
  closeAlpacaBench,
  eventually,
  fakeAccount,
  nextFakeBar,
  openAlpacaBench,
} from './alpaca-session-helpers';

let bench: AlpacaBench;
let fake: FakeAlpaca;
let services: Services;

beforeEach(async () => {
  bench = await openAlpacaBench({
    fake: { seed: 17, rateLimitPerMinute: 0 },
    dataDirPrefix: 'marketboss-alpaca-manual-',
  });
  ({ fake, services } = bench);
});

afterEach(() => closeAlpacaBench(bench));

const nextBar = () => nextFakeBar(bench);

describe('a manual order on Alpaca paper', () => {
  test('sent once with its client order id even when the answer is lost; filled and marked manual', async () => {
    const { id: sessionId } = await call<{ id: string }>(services, 'session:create', {
      name: 'alpaca manual',
      config: {
        symbols: ['AAPL'],
        venueKind: 'alpaca-paper',
        feed: { kind: 'alpaca', feed: 'iex' },
        // Never trades on its own: the only order is the ticket's.
        strategy: { id: 'rsi', params: { period: 100, oversold: 0, overbought: 100 } },
        risk: { stopLoss: 0, takeProfit: 0 },
        cash: 100_000,
      },
    });
    const started = await call<SessionSummary>(services, 'session:start', { sessionId, accept: true });
    const runId = started.runId!;
    await nextBar();
    // Alpaca takes the order but its answer never arrives: the run must look the order up, not send it again.
    const drop = fake.faults.add({ kind: 'drop', method: 'POST', path: '/v2/orders', times: 1 });
    await call(services, 'session:order', {
      sessionId,
      order: { symbol: 'AAPL', side: 'buy', type: 'market', qty: 4 },
    });
    const repo = createSessionRepo(services.db);
    const manual = () => repo.orders(runId, Number.POSITIVE_INFINITY).filter((o) => o.manual === true);
    await nextBar();
    await eventually('the manual order recorded', () => manual().length === 1, 10_000);
    const clientOrderId = manual()[0]!.clientOrderId;
    expect(clientOrderId.startsWith(runId)).toBe(true);
    for (let k = 0; k < 3 && manual()[0]!.status !== 'filled'; k++) await nextBar();
    await eventually('the manual order filled', () => manual()[0]!.status === 'filled', 15_000);

    // The answer to the order really was lost once (a rule used up leaves the list).
    expect(fake.faults.list().some((f) => f.id === drop)).toBe(false);
    const account = await fakeAccount(fake);
    const atAlpaca = account.orders.filter((o) => o.client_order_id === clientOrderId);
    expect(atAlpaca).toHaveLength(1);
    expect(atAlpaca[0]).toMatchObject({ symbol: 'AAPL', qty: '4', filled_qty: '4' });
    // Nothing else was sent: the strategy never trades.
    expect(account.orders.filter((o) => o.client_order_id.startsWith(runId))).toHaveLength(1);
    expect(manual()[0]).toMatchObject({ side: 'buy', type: 'market', qty: 4, filledQty: 4 });
    const fills = repo.fills(runId, Number.POSITIVE_INFINITY).filter((f) => f.orderId === manual()[0]!.id);
    expect(fills.reduce((q, f) => q + f.qty, 0)).toBe(4);
    expect(repo.positions(runId).find((p) => p.symbol === 'AAPL')?.qty).toBe(4);
    expect(account.positions.find((p) => p.symbol === 'AAPL')?.qty).toBe('4');
    await call(services, 'session:stop', { sessionId, flatten: false });
  }, 90_000);
});
