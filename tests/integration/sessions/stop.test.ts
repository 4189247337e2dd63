// Stopping a simulated session leaves no order working behind: Stop cancels the simulated venue's working orders
// at once; Stop & flatten cancels them and closes the positions at the next bars. Every stored order ends.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Services } from '../../../src/main/services';
import type { OrderRow, SessionSnapshot } from '../../../src/shared/domain/session';
import { tempDataDir } from '../../support/host-process';
import { callValue, testServices, until } from './session-test-services';

let dataDir: string;
let services: Services;
const value = <T>(name: string, arg: unknown): Promise<T> => callValue<T>(services, name, arg);
const TERMINAL = ['filled', 'canceled', 'rejected', 'expired'];

beforeEach(() => {
  dataDir = tempDataDir('marketboss-stop-');
  services = testServices(dataDir);
});
afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A running session, paused while a bracket's stop-loss is working (so it is still working at the stop). */
async function pausedWithAStopWorking(): Promise<{ sessionId: string; stop: OrderRow }> {
  const config = {
    symbols: ['ACME'],
    feed: { kind: 'synthetic-live', speed: 12_000 },
    strategy: { id: 'sma-crossover', params: { fast: 3, slow: 8 } },
    risk: { stopLoss: 0.05, takeProfit: 0.1 },
  };
  const { id: sessionId } = await value<{ id: string }>('session:create', { name: 'stop', config });
  await value('session:start', { sessionId });
  let stop: OrderRow | undefined;
  await until(async () => {
    await value('session:pause', { sessionId });
    const snapshot = await value<SessionSnapshot>('session:get', { sessionId });
    stop = snapshot.orders.find((o) => o.role === 'stop_loss' && o.status === 'accepted');
    if (!stop) await value('session:resume', { sessionId });
    return stop !== undefined;
  }, 'a resting stop-loss');
  return { sessionId, stop: stop! };
}

const snapshotOf = (sessionId: string) => value<SessionSnapshot>('session:get', { sessionId });

describe('stopping a simulated session', () => {
  test('Stop cancels the working orders: none stays accepted; the position stays as it is', async () => {
    const { sessionId, stop } = await pausedWithAStopWorking();
    const held = (await snapshotOf(sessionId)).positions.find((p) => p.symbol === 'ACME')!.qty;
    await value('session:stop', { sessionId, flatten: false });
    const stopped = await snapshotOf(sessionId);
    expect(stopped.session.status).toBe('stopped');
    expect(stopped.orders.filter((o) => !TERMINAL.includes(o.status))).toEqual([]);
    expect(stopped.orders.find((o) => o.id === stop.id)).toMatchObject({
      status: 'canceled',
      statusReason: 'the session stopped',
    });
    expect(stopped.positions.find((p) => p.symbol === 'ACME')!.qty).toBe(held);
  });

  test('Stop & flatten cancels the working orders and ends flat', async () => {
    const { sessionId } = await pausedWithAStopWorking();
    await value('session:stop', { sessionId, flatten: true });
    await until(async () => (await snapshotOf(sessionId)).session.status === 'stopped', 'the stop');
    const stopped = await snapshotOf(sessionId);
    expect(stopped.positions.every((p) => p.qty === 0)).toBe(true);
    expect(stopped.orders.filter((o) => !TERMINAL.includes(o.status))).toEqual([]);
  });
});
