// The trader's own orders from the ticket on a simulated session: through the risk gateway and into the ledger marked
// manual (a denial alerted with its reason), a position closed, a working limit replaced (cancel then new).
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { databaseFile } from '../../../src/main/paths';
import type { Services } from '../../../src/main/services';
import { openDatabaseReadOnly } from '../../../src/main/store/database';
import type { OrderRow, SessionSnapshot } from '../../../src/shared/domain/session';
import { tempDataDir } from '../../support/host-process';
import { callValue, testServices, until } from './session-test-services';

let dataDir: string;
let services: Services;
const value = <T>(name: string, arg: unknown): Promise<T> => callValue<T>(services, name, arg);

beforeEach(() => {
  dataDir = tempDataDir('marketboss-manual-');
  services = testServices(dataDir);
});
afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

// RSI that never trades on its own (oversold 0, overbought 100): every order in the run is the ticket's.
const config = {
  symbols: ['ACME'],
  feed: { kind: 'synthetic-live', speed: 12_000 },
  strategy: { id: 'rsi', params: { period: 100, oversold: 0, overbought: 100 } },
  risk: { stopLoss: 0, takeProfit: 0, maxPositionQty: 10 },
};

describe('manual orders on a simulated session', () => {
  test('market order filled and marked manual, a breach denied with its reason, the position closed', async () => {
    const { id: sessionId } = await value<{ id: string }>('session:create', { name: 'manual', config });
    await value('session:start', { sessionId });
    const snap = (): Promise<SessionSnapshot> => value<SessionSnapshot>('session:get', { sessionId });

    // A bad order is refused at the API, the field named.
    const bad = await services.dispatch('session:order', {
      sessionId,
      order: { symbol: 'ACME', side: 'buy', type: 'limit', qty: 1 },
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(bad.ok ? '' : bad.error.message).toContain('limit order needs a limit price');
    const foreign = await services.dispatch('session:order', {
      sessionId,
      order: { symbol: 'ZZZ', side: 'buy', type: 'market', qty: 1 },
    });
    expect(foreign.ok ? '' : foreign.error.message).toContain('ZZZ is not traded by this session');

    await value('session:order', {
      sessionId,
      order: { symbol: 'acme', side: 'buy', type: 'market', qty: 10 },
    });
    let bought: OrderRow | undefined;
    await until(async () => {
      bought = (await snap()).orders.find((o) => o.status === 'filled');
      return bought !== undefined;
    }, 'the manual buy filled');
    expect(bought).toMatchObject({
      symbol: 'ACME',
      side: 'buy',
      type: 'market',
      role: 'entry',
      qty: 10,
      manual: true,
    });
    const after = await snap();
    expect(after.fills.filter((f) => f.orderId === bought!.id).reduce((q, f) => q + f.qty, 0)).toBe(10);
    expect(after.positions.find((p) => p.symbol === 'ACME')?.qty).toBe(10);

    // One more share breaches the max position size: the risk gateway denies it, and the alert says why.
    await value('session:order', {
      sessionId,
      order: { symbol: 'ACME', side: 'buy', type: 'market', qty: 1 },
    });
    await until(
      async () => (await snap()).alerts.some((a) => a.kind === 'order-denied'),
      'the denial alerted',
    );
    const denied = (await snap()).alerts.find((a) => a.kind === 'order-denied');
    expect(denied?.message).toBe('ACME: manual order denied: max position size (10) leaves no room');

    await value('session:close-position', { sessionId, symbol: 'ACME' });
    await until(
      async () => (await snap()).positions.find((p) => p.symbol === 'ACME')?.qty === 0,
      'the position closed',
    );
    const closed = (await snap()).orders.find((o) => o.side === 'sell');
    expect(closed).toMatchObject({ type: 'market', role: 'exit', qty: 10, status: 'filled', manual: true });
    const flat = await services.dispatch('session:close-position', { sessionId, symbol: 'ACME' });
    expect(flat.ok ? '' : flat.error.message).toBe(`session ${sessionId} holds no ACME position to close`);

    // The orders export says whose each order was.
    const csv = (await value<{ content: string }>('session:export', { sessionId, what: 'orders' })).content;
    const [header, ...lines] = csv.trim().split('\n');
    expect(header!.endsWith(',status_reason,source')).toBe(true);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.endsWith(',manual')).toBe(true);

    await value('session:stop', { sessionId, flatten: false });
    // The ledger itself holds the mark and the user's requests (what replays and reports read).
    const db = openDatabaseReadOnly(databaseFile(dataDir));
    try {
      const marks = db.prepare('SELECT intent FROM orders').all() as { intent: string | null }[];
      expect(marks.map((m) => m.intent)).toEqual(marks.map(() => '{"source":"manual"}'));
      const kinds = (db.prepare('SELECT kind FROM risk_events').all() as { kind: string }[]).map(
        (r) => r.kind,
      );
      expect(kinds).toEqual(expect.arrayContaining(['user-order', 'order-denied', 'user-close-position']));
    } finally {
      db.close();
    }
  }, 60_000);

  test('quitting and starting again replays the ticket orders at their bars: same fills, nothing differs', async () => {
    const { id: sessionId } = await value<{ id: string }>('session:create', { name: 'restart', config });
    await value('session:start', { sessionId });
    const snap = (): Promise<SessionSnapshot> => value<SessionSnapshot>('session:get', { sessionId });
    await value('session:order', {
      sessionId,
      order: { symbol: 'ACME', side: 'buy', type: 'market', qty: 6 },
    });
    await until(async () => (await snap()).fills.length === 1, 'the buy filled');
    await value('session:order', {
      sessionId,
      order: { symbol: 'ACME', side: 'sell', type: 'market', qty: 2 },
    });
    await until(async () => (await snap()).fills.length === 2, 'the sell filled');
    await value('session:pause', { sessionId });
    const before = await snap();

    await services.close();
    services = testServices(dataDir);

    const after = await snap();
    expect(after.runId).toBe(before.runId);
    expect(after.reconciliation).toEqual([]);
    expect(after.positions.find((p) => p.symbol === 'ACME')?.qty).toBe(4);
    expect(after.fills.map((f) => f.executionId)).toEqual(before.fills.map((f) => f.executionId));
    expect(after.orders.filter((o) => o.manual === true).map((o) => [o.side, o.role, o.qty])).toEqual([
      ['sell', 'exit', 2],
      ['buy', 'entry', 6],
    ]);
    const recovered = after.alerts.find((a) => a.kind === 'run-recovered');
    expect(recovered?.message).toMatch(/the rebuilt account matches it\.$/);
    await value('session:stop', { sessionId, flatten: false });
  }, 60_000);

  test('a working limit is replaced (cancel, then the new price) and then canceled', async () => {
    const { id: sessionId } = await value<{ id: string }>('session:create', { name: 'replace', config });
    await value('session:start', { sessionId });
    const snap = (): Promise<SessionSnapshot> => value<SessionSnapshot>('session:get', { sessionId });
    let last = 0;
    await until(async () => {
      last = (await snap()).positions.find((p) => p.symbol === 'ACME')?.lastPrice ?? 0;
      return last > 0;
    }, 'a price');
    const far = Math.round(last * 0.3 * 100) / 100;
    await value('session:order', {
      sessionId,
      order: { symbol: 'ACME', side: 'buy', type: 'limit', qty: 3, limitPrice: far },
    });
    let working: OrderRow | undefined;
    await until(async () => {
      working = (await snap()).orders.find((o) => o.status === 'accepted');
      return working !== undefined;
    }, 'the limit working');
    expect(working).toMatchObject({ limitPrice: far, qty: 3, manual: true });

    const wrongField = await services.dispatch('session:replace-order', {
      sessionId,
      orderId: working!.id,
      change: { stopPrice: 1 },
    });
    expect(wrongField.ok ? '' : wrongField.error.message).toContain('change.stopPrice');

    const lower = Math.round(last * 0.2 * 100) / 100;
    await value('session:replace-order', {
      sessionId,
      orderId: working!.id,
      change: { limitPrice: lower, qty: 2 },
    });
    let replacement: OrderRow | undefined;
    await until(async () => {
      const orders = (await snap()).orders;
      replacement = orders.find((o) => o.id !== working!.id && o.status === 'accepted');
      return replacement !== undefined && orders.find((o) => o.id === working!.id)?.status === 'canceled';
    }, 'the replacement working and the old order canceled');
    expect(replacement).toMatchObject({
      side: 'buy',
      type: 'limit',
      limitPrice: lower,
      qty: 2,
      manual: true,
    });
    expect((await snap()).orders.find((o) => o.id === working!.id)?.statusReason).toBe(
      'replaced by the user',
    );

    await value('session:cancel-order', { sessionId, orderId: replacement!.id });
    await until(
      async () => (await snap()).orders.find((o) => o.id === replacement!.id)?.status === 'canceled',
      'the replacement canceled',
    );
    await value('session:stop', { sessionId, flatten: false });
  }, 60_000);
});
