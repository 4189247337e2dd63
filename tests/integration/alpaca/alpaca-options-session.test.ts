// A Phase 4D options session on the Alpaca paper account (the loopback fake, through the real SDK): SPY's bars
// from the Alpaca feed, the puts quoted from chain snapshots before each bar, the entry sent as an OCC limit order
// under the run's client order id, its fill in the ledger and the position at the account; Stop & flatten sells it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Services } from '../../../src/main/services';
import { createSessionRepo } from '../../../src/main/store/session-repo';
import type { ValidationReport } from '../../../src/shared/domain/credentials';
import type { OptionPositionRow } from '../../../src/shared/domain/options';
import type { SessionSnapshot } from '../../../src/shared/domain/session';
import { memoryKeychain } from '../../support/memory-keychain';
import {
  type AlpacaBench,
  alpacaServices,
  call,
  closeAlpacaBench,
  eventually,
  fakeAccount,
  nextFakeBar,
  openAlpacaBench,
  recordBarTimes,
} from './alpaca-session-helpers';

let bench: AlpacaBench;
/** One keychain for the services before and after a restart (the keys saved once). */
const keychain = memoryKeychain();

beforeEach(async () => {
  bench = await openAlpacaBench({
    fake: { seed: 11, rateLimitPerMinute: 0 },
    dataDirPrefix: 'marketboss-alpaca-options-',
    keychain,
  });
});
afterEach(() => closeAlpacaBench(bench));

/** VIX at 15 on every weekday of February and March 2025 (the fake's clock starts on Wednesday 2025-03-05). */
function vixFile(): string {
  const lines = ['DATE,OPEN,HIGH,LOW,CLOSE'];
  for (let t = Date.UTC(2025, 1, 1); t < Date.UTC(2025, 3, 1); t += 86_400_000) {
    const d = new Date(t);
    if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
    lines.push(`${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()},15,15.5,14.5,15`);
  }
  const path = join(bench.dataDir, 'VIX_History.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** A Phase 4D 2K session on the fake's account, started; its put bought at the first live bar. */
async function startedWithAPut(
  services: Services,
): Promise<{ sessionId: string; runId: string; symbol: string }> {
  const { id: sessionId } = await call<{ id: string }>(services, 'session:create', {
    name: 'Phase 4D on Alpaca',
    config: {
      symbols: ['SPY'],
      venueKind: 'alpaca-paper',
      feed: { kind: 'alpaca', feed: 'iex' },
      cash: 5_000,
      options: {
        strategy: 'phase4d',
        preset: '2k',
        volSource: `csv:${vixFile()}`,
        params: {
          filters: { maxVix: 500, extremeRange: 1_000, moderateRange: 1_000 },
          profitTarget: 10,
          maxLossPerTrade: 1_000_000,
        },
      },
    },
  });
  await call(services, 'session:start', { sessionId });
  const started = await call<SessionSnapshot>(services, 'session:get', { sessionId });
  expect(started.session.status).toBe('running');
  const runId = started.runId!;
  const repo = createSessionRepo(services.db);
  // It is 10:00 at the fake, 30 minutes after the open: the entry goes out at the first live bar.
  let entryFilled = false;
  for (let k = 0; k < 40 && !entryFilled; k++) {
    await nextFakeBar(bench);
    entryFilled = repo.fills(runId, Number.POSITIVE_INFINITY).some((f) => f.side === 'buy');
  }
  expect(entryFilled).toBe(true);
  return { sessionId, runId, symbol: repo.fills(runId, 1)[0]!.symbol };
}

describe('a Phase 4D session on Alpaca paper (the fake)', () => {
  test('buys 2 SPY puts by OCC symbol at Alpaca, books the fill, and Stop & flatten sells them', {
    timeout: 60_000,
  }, async () => {
    const { services, fake } = bench;
    const { sessionId, runId } = await startedWithAPut(services);
    const snapshot = () => call<SessionSnapshot>(services, 'session:get', { sessionId });
    const repo = createSessionRepo(services.db);
    const [buy] = repo.fills(runId, Number.POSITIVE_INFINITY);
    expect(buy!.symbol).toMatch(/^SPY250305P\d{8}$/);
    expect(buy!.qty).toBe(2);
    const order = repo.orders(runId, Number.POSITIVE_INFINITY).find((o) => o.id === buy!.orderId)!;
    expect(order).toMatchObject({ type: 'limit', status: 'filled', side: 'buy', qty: 2 });
    expect(order.clientOrderId.startsWith(runId)).toBe(true);
    const account = await fakeAccount(fake);
    expect(account.positions.find((p) => p.symbol === buy!.symbol)?.qty).toBe('2');
    expect(account.orders.find((o) => o.client_order_id === order.clientOrderId)?.status).toBe('filled');
    expect((await snapshot()).positions).toEqual([expect.objectContaining({ symbol: buy!.symbol, qty: 2 })]);

    await call(services, 'session:stop', { sessionId, flatten: true });
    await eventually(
      'the stop after selling the puts',
      async () => {
        if ((await snapshot()).session.status === 'stopped') return true;
        fake.advance(1);
        return false;
      },
      30_000,
    );
    const after = await fakeAccount(fake);
    expect(after.positions.find((p) => p.symbol === buy!.symbol)).toBeUndefined();
    const sell = repo.fills(runId, Number.POSITIVE_INFINITY).find((f) => f.side === 'sell')!;
    expect(sell).toMatchObject({ symbol: buy!.symbol, qty: 2 });
    expect(repo.trades(runId)).toEqual([expect.objectContaining({ symbol: buy!.symbol, qty: 2 })]);
  });

  test('a restart rebuilds the open put from the ledger and the journal, and the account agrees', {
    timeout: 60_000,
  }, async () => {
    const { fake } = bench;
    const { sessionId, runId, symbol } = await startedWithAPut(bench.services);
    await bench.services.close();
    const services = alpacaServices(fake, bench.dataDir, keychain);
    bench = { ...bench, services };
    recordBarTimes(services, bench.barTimes);
    await services.sessions.recovered();
    const after = await call<SessionSnapshot>(services, 'session:get', { sessionId });
    expect(after.runId).toBe(runId);
    expect(after.session.status).toBe('running');
    expect(after.positions).toEqual([expect.objectContaining({ symbol, qty: 2 })]);
    expect(after.reconciliation).toEqual([]);
    expect(after.alerts.find((a) => a.kind === 'run-recovered')?.message).toMatch(
      /the rebuilt account matches it/,
    );
    const positions = await call<OptionPositionRow[]>(services, 'session:option-positions', { runId });
    expect(positions).toEqual([expect.objectContaining({ symbol, contracts: 2 })]);
    // The account still holds the 2 contracts, and the run goes on with its bars.
    expect((await fakeAccount(fake)).positions.find((p) => p.symbol === symbol)?.qty).toBe('2');
    // The run follows SPY's bars again: the fake's minutes move until one reaches it.
    const before = bench.barTimes.length;
    await eventually(
      'a bar after the restart',
      () => {
        if (bench.barTimes.length > before) return true;
        fake.advance(1);
        return false;
      },
      15_000,
    );
    expect((await call<SessionSnapshot>(services, 'session:get', { sessionId })).positions).toEqual([
      expect.objectContaining({ symbol, qty: 2 }),
    ]);
    // No second entry on the same day: the ledger's one buy is still the only one.
    expect(createSessionRepo(services.db).orders(runId, Number.POSITIVE_INFINITY)).toHaveLength(1);
  });

  test('validate-only launch on Alpaca: keys, market hours, options level, chain and the VIX file, nothing traded', async () => {
    const { services, fake } = bench;
    const { id: sessionId } = await call<{ id: string }>(services, 'session:create', {
      name: 'validate',
      config: {
        symbols: ['SPY'],
        venueKind: 'alpaca-paper',
        feed: { kind: 'alpaca', feed: 'iex' },
        cash: 2_000,
        options: { strategy: 'phase4d', preset: '2k', volSource: `csv:${vixFile()}` },
      },
    });
    const report = await call<ValidationReport>(services, 'session:validate', { sessionId });
    const status = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
    expect(status).toMatchObject({
      keys: 'pass',
      clock: expect.stringMatching(/pass|warn/),
      'options-level': 'pass',
      'option-chain': 'pass',
      volatility: 'pass',
    });
    expect(report.ready).toBe(true);
    const account = await fakeAccount(fake);
    expect(account.orders).toEqual([]);
    expect((await call<SessionSnapshot>(services, 'session:get', { sessionId })).runId).toBeNull();
  });
});
