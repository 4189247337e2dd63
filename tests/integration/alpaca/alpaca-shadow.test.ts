import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { FakeAlpaca } from '../../../dev/fake-alpaca/server';
import type { Services } from '../../../src/main/services';
import { createSessionRepo } from '../../../src/main/store/session-repo';
import type { SessionSummary } from '../../../src/shared/domain/session';
import type { ShadowView } from '../../../src/shared/domain/shadow';
import { memoryKeychain } from '../../support/memory-keychain';
import {
  type AlpacaBench,
  alpacaServices,
  call,
  closeAlpacaBench,
  eventually,
  nextFakeBar,
  openAlpacaBench,
  recordBarTimes,
} from './alpaca-session-helpers';

let bench: AlpacaBench;
let fake: FakeAlpaca;
/** The services now open: a restart replaces them. */
let services: Services;
const keychain = memoryKeychain();

/** Services reopened on the same data folder (a restart), recording bars like the first. */
function open(): Services {
  const opened = alpacaServices(fake, bench.dataDir, keychain);
  recordBarTimes(opened, bench.barTimes);
  return opened;
}

beforeEach(async () => {
  // A thin book: orders fill over several of the fake's minutes, so timing differences show too.
  bench = await openAlpacaBench({
    fake: { seed: 11, rateLimitPerMinute: 0, fillParticipation: 0.002 },
    dataDirPrefix: 'marketboss-alpaca-shadow-',
    keychain,
  });
  ({ fake, services } = bench);
});

afterEach(() => closeAlpacaBench({ ...bench, services }));

const nextBar = () => nextFakeBar(bench);

const config = {
  symbols: ['AAPL', 'MSFT'],
  venueKind: 'alpaca-paper',
  feed: { kind: 'alpaca', feed: 'iex' },
  strategy: { id: 'sma-crossover', params: { fast: 2, slow: 3 } },
  cash: 100_000,
  shadow: true,
};

describe('a shadow session on the fake Alpaca', () => {
  test('twin fills appear beside the broker’s; attribution by hand; the twin survives a restart', async () => {
    const { id: sessionId } = await call<{ id: string }>(services, 'session:create', {
      name: 'shadow',
      config,
    });
    const started = await call<SessionSummary>(services, 'session:start', { sessionId });
    const runId = started.runId!;
    const repo = () => createSessionRepo(services.db);
    for (let k = 0; k < 40 && repo().fillCount(runId) < 6; k++) await nextBar();
    await nextBar();

    const view = await call<ShadowView>(services, 'session:shadow', { sessionId });
    expect(view.source).toBe('live');
    expect(view.totals.twinFills).toBeGreaterThan(0);
    expect(view.totals.brokerFills).toBe(repo().fillCount(runId));
    // The twin saw every bar time the run did, in the same order: one equity point each.
    expect(view.twin.time).toEqual(view.run.time);
    expect(view.rows.filter((r) => r.twin !== null).length).toBeGreaterThanOrEqual(view.totals.twinFills);

    const stored = repo().bars(runId, 'AAPL').time;
    const barOf = (time: number) =>
      stored.filter((t) => t <= time).length + Math.max(0, Math.floor((time - stored.at(-1)!) / 60_000));
    let slippage = 0;
    const paired = view.rows.filter((r) => r.broker !== null && r.twin !== null);
    expect(paired.length).toBeGreaterThan(0);
    for (const row of paired) {
      const b = row.broker!;
      const t = row.twin!;
      expect([b.symbol, b.side]).toEqual([t.symbol, t.side]);
      const cost = (b.side === 'buy' ? b.price - t.price : t.price - b.price) * b.qty;
      expect(row.slippage).toBeCloseTo(cost, 9);
      expect(row.barsLater).toBe(barOf(b.time) - barOf(t.time));
      slippage += cost;
    }
    expect(view.totals.slippage).toBeCloseTo(slippage, 9);
    expect(view.totals.paired).toBe(paired.length);
    expect(view.totals.onlyBroker + view.totals.paired).toBe(view.totals.brokerFills);
    // A thin book: the broker filled parts on later bars than the twin's whole fills.
    expect(paired.some((r) => r.barsLater! > 0)).toBe(true);

    // A restart: the run's ledger replay feeds the twin the same bars again; it comes back the same.
    await services.close();
    services = open();
    await services.sessions.recovered();
    const again = await call<ShadowView>(services, 'session:shadow', { sessionId });
    expect(again.source).toBe('live');
    expect(again.rows).toEqual(view.rows);
    expect(again.twin).toEqual(view.twin);

    // Stopped: the same view, the twin rebuilt from the stored bars when the run is no longer in memory.
    await call(services, 'session:stop', { sessionId, flatten: false });
    await eventually(
      'the stop',
      async () =>
        (await call<{ session: { status: string } }>(services, 'session:get', { sessionId })).session
          .status === 'stopped',
      20_000,
    );
    await services.close();
    services = open();
    const rebuilt = await call<ShadowView>(services, 'session:shadow', { sessionId });
    expect(rebuilt.source).toBe('rebuilt');
    expect(rebuilt.twin).toEqual(view.twin);
    expect(rebuilt.rows.filter((r) => r.twin !== null).map((r) => r.twin)).toEqual(
      view.rows.filter((r) => r.twin !== null).map((r) => r.twin),
    );
  }, 120_000);

  test('a simulator session cannot carry a twin; a run without one says how to get it', async () => {
    const refused = await services.dispatch('session:create', {
      name: 'sim',
      config: { symbols: ['ACME'], shadow: true },
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(refused.error.message).toMatch(/^Shadow: a simulator twin is for Alpaca paper sessions/);

    const { id: sessionId } = await call<{ id: string }>(services, 'session:create', {
      name: 'no twin',
      config: { ...config, shadow: false },
    });
    await call(services, 'session:start', { sessionId });
    const none = await services.dispatch('session:shadow', { sessionId });
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.error.message).toMatch(/has no simulator twin; turn on "Simulator twin"/);
  });
});
