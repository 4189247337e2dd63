import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { FakeAlpaca } from '../../../dev/fake-alpaca/server';
import type { Services } from '../../../src/main/services';
import { createSessionRepo } from '../../../src/main/store/session-repo';
import type { ParityReport } from '../../../src/shared/domain/research';
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
import { sdk } from './fake-alpaca-helpers';

let bench: AlpacaBench;
let fake: FakeAlpaca;
let services: Services;

beforeEach(async () => {
  // A thin book: an order fills over several of the fake's minutes (partial fills, later bars than the replay).
  bench = await openAlpacaBench({
    fake: { seed: 11, rateLimitPerMinute: 0, fillParticipation: 0.002 },
    dataDirPrefix: 'marketboss-alpaca-parity-',
  });
  ({ fake, services } = bench);
});

afterEach(() => closeAlpacaBench(bench));

const nextBar = () => nextFakeBar(bench);

describe('replay parity of an Alpaca paper session', () => {
  test('differences are classified: a thin book’s partial fills, the rest a bar later (latency)', async () => {
    const { id: sessionId } = await call<{ id: string }>(services, 'session:create', {
      name: 'alpaca parity',
      config: {
        symbols: ['AAPL', 'MSFT'],
        venueKind: 'alpaca-paper',
        feed: { kind: 'alpaca', feed: 'iex' },
        strategy: { id: 'sma-crossover', params: { fast: 2, slow: 3 } },
        cash: 100_000,
      },
    });
    const started = await call<SessionSummary>(services, 'session:start', { sessionId });
    const runId = started.runId!;
    const repo = createSessionRepo(services.db);
    for (let k = 0; k < 40 && repo.fillCount(runId) < 6; k++) await nextBar();
    await call(services, 'session:stop', { sessionId, flatten: false });
    await eventually(
      'the stop',
      async () =>
        (await call<SessionSnapshot>(services, 'session:get', { sessionId })).session.status === 'stopped',
      20_000,
    );

    const report = await call<ParityReport>(services, 'session:replay-parity', { sessionId });
    expect(report.venue).toBe('alpaca-paper');
    expect(report.sessionFills).toBe(repo.fillCount(runId));
    expect(report.sessionFills).toBeGreaterThanOrEqual(6);
    expect(report.replayFills).toBeGreaterThan(0);
    const reasons = new Set(report.differences.map((d) => d.reason));
    expect(reasons.has('latency')).toBe(true);
    expect(reasons.has('partial-fill')).toBe(true);
    expect(reasons.has('unexplained'), JSON.stringify(report, null, 1)).toBe(false);
    const stored = repo.bars(runId, 'AAPL').time;
    const barsBetween = (from: number, to: number) =>
      stored.filter((t) => t > from && t <= to).length +
      Math.max(0, Math.floor((to - stored.at(-1)!) / 60_000));
    for (const d of report.differences) {
      if (d.reason === 'partial-fill' && d.replay !== null) {
        // The broker filled part of the order in the replay's bar; the replay filled all of it.
        expect(d.session!.qty).toBeLessThan(d.replay.qty);
        expect(d.detail).toBe(
          `the broker filled ${d.session!.qty} of the order's ${d.replay.qty} here; the replay filled ${d.replay.qty}`,
        );
      }
      if (d.reason === 'latency' && d.replay === null) {
        // The rest of a partly filled order, on a later bar: counted by hand from the stored bars.
        // Its order's first part: the latest pair before it of the same symbol and side.
        const paired = report.differences.findLast(
          (p) =>
            p.replay !== null &&
            p.session !== null &&
            p.session.symbol === d.session!.symbol &&
            p.session.side === d.session!.side &&
            p.session.time < d.session!.time,
        )!;
        const later = barsBetween(paired.replay!.time, d.session!.time);
        expect(later).toBeGreaterThan(0);
        expect(d.detail).toMatch(
          new RegExp(`filled ${later} bars? later at the broker than the replay’s whole fill$`),
        );
      }
    }
    expect(report.matched + report.differences.length).toBeGreaterThanOrEqual(report.sessionFills);
    expect(report.verdict).toMatch(/^\d+ of \d+ fills? differs?: .*\d+ latency/);
  }, 120_000);

  test('a position adopted at the start is named in the verdict: the replay starts flat', async () => {
    await sdk(fake).trading.orders.market({ symbol: 'AAPL', qty: 5, side: 'buy', clientOrderId: 'before-1' });
    fake.advance(1);
    await eventually('the fill', async () => (await fakeAccount(fake)).positions.length === 1);
    const { id: sessionId } = await call<{ id: string }>(services, 'session:create', {
      name: 'adopted',
      config: {
        symbols: ['AAPL'],
        venueKind: 'alpaca-paper',
        feed: { kind: 'alpaca', feed: 'iex' },
        strategy: { id: 'sma-crossover', params: { fast: 2, slow: 3 } },
        cash: 100_000,
      },
    });
    await call<SessionSummary>(services, 'session:start', { sessionId, accept: true });
    for (let k = 0; k < 3; k++) await nextBar();
    await call(services, 'session:stop', { sessionId, flatten: false });
    await eventually(
      'the stop',
      async () =>
        (await call<SessionSnapshot>(services, 'session:get', { sessionId })).session.status === 'stopped',
      20_000,
    );
    const report = await call<ParityReport>(services, 'session:replay-parity', { sessionId });
    expect(report.verdict).toMatch(
      /; the run adopted a position at its start that the replay, starting flat, does not hold$/,
    );
  }, 60_000);
});
