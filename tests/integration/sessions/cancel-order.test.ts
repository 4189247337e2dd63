// The user cancels a working order of a running session: canceled at the next bar, recorded in the ledger, and a
// second cancel (or one of an order that is not working) is refused in words.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Services } from '../../../src/main/services';
import type { OrderRow, SessionSnapshot } from '../../../src/shared/domain/session';
import { tempDataDir } from '../../support/host-process';
import { callValue, testServices, until } from './session-test-services';

let dataDir: string;
let services: Services;
const value = <T>(name: string, arg: unknown): Promise<T> => callValue<T>(services, name, arg);

beforeEach(() => {
  dataDir = tempDataDir('marketboss-cancel-');
  services = testServices(dataDir);
});
afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('canceling a working order', () => {
  test('a bracket stop is canceled at the next bar; canceling it again is a conflict', async () => {
    const config = {
      symbols: ['ACME'],
      feed: { kind: 'synthetic-live', speed: 12_000 },
      strategy: { id: 'sma-crossover', params: { fast: 3, slow: 8 } },
      risk: { stopLoss: 0.05, takeProfit: 0.1 },
    };
    const { id: sessionId } = await value<{ id: string }>('session:create', { name: 'cancel', config });
    await value('session:start', { sessionId });
    const working = async (): Promise<OrderRow | undefined> => {
      const snapshot = await value<SessionSnapshot>('session:get', { sessionId });
      return snapshot.orders.find((o) => o.role === 'stop_loss' && o.status === 'accepted');
    };
    // Hold the market still while a stop rests, so it is still working when the cancel is asked for.
    let stop: OrderRow | undefined;
    await until(async () => {
      await value('session:pause', { sessionId });
      stop = await working();
      if (!stop) await value('session:resume', { sessionId });
      return stop !== undefined;
    }, 'a resting stop-loss');

    await value('session:cancel-order', { sessionId, orderId: stop!.id });
    await value('session:resume', { sessionId });
    await until(async () => {
      const snapshot = await value<SessionSnapshot>('session:get', { sessionId });
      return snapshot.orders.find((o) => o.id === stop!.id)?.status === 'canceled';
    }, 'the stop canceled');
    const after = await value<SessionSnapshot>('session:get', { sessionId });
    expect(after.orders.find((o) => o.id === stop!.id)).toMatchObject({
      status: 'canceled',
      statusReason: 'canceled by the user',
      filledQty: 0,
    });

    // Every fill carries what its order was meant to fill at (the ledger keeps it for the slippage column).
    expect(after.fills.length).toBeGreaterThan(0);
    for (const fill of after.fills) expect(fill.decisionPrice).toBeGreaterThan(0);

    const again = await services.dispatch('session:cancel-order', { sessionId, orderId: stop!.id });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(again.ok ? '' : again.error.message).toBe(
      `order ${stop!.id} is not working in session ${sessionId}; nothing to cancel`,
    );
    await value('session:stop', { sessionId, flatten: false });
  }, 60_000);
});
