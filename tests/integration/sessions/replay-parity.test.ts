// Replay parity of simulator sessions: an untouched run replayed through the backtester on its own bars and config
// gives every fill back (even with slippage and random rejections: same engine, same seed); a user's flatten is a
// difference the report names as manual, nothing left unexplained.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Services } from '../../../src/main/services';
import type { ParityReport } from '../../../src/shared/domain/research';
import type { SessionSnapshot } from '../../../src/shared/domain/session';
import { tempDataDir } from '../../support/host-process';
import { callValue, testServices, until } from './session-test-services';

let dataDir: string;
let services: Services;
let fills = 0;

beforeEach(() => {
  dataDir = tempDataDir('marketboss-parity-');
  services = testServices(dataDir);
  fills = 0;
  services.pushes.subscribe((topic, batch) => {
    if (topic === 'fill') fills += batch.length;
  });
});
afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const value = <T>(name: string, arg: unknown): Promise<T> => callValue<T>(services, name, arg);
const snapshot = (sessionId: string) => value<SessionSnapshot>('session:get', { sessionId });

const fast = {
  symbols: ['ACME', 'BOLT'],
  feed: { kind: 'synthetic-live', speed: 12_000 },
  // A fill model with slippage, commissions and random rejections: the replay must use the same one.
  venue: { slippageBps: 7, commissionPerShare: 0.005, rejectProbability: 0.2 },
};

async function stopped(sessionId: string, flatten: boolean): Promise<void> {
  await value('session:stop', { sessionId, flatten });
  await until(async () => (await snapshot(sessionId)).session.status === 'stopped', 'stopped');
}

describe('replay parity of a simulator session', () => {
  test('an untouched run replays to the same fills, one by one, and the verdict says so', async () => {
    const { id } = await value<{ id: string }>('session:create', { name: 'parity', config: fast });
    await value('session:start', { sessionId: id });
    await until(() => fills >= 8, 'a few fills');
    await stopped(id, false);

    const report = await value<ParityReport>('session:replay-parity', { sessionId: id });
    const stored = (await snapshot(id)).fills;
    expect(report.sessionFills).toBeGreaterThanOrEqual(8);
    expect(report.sessionFills).toBe(Math.min(stored.length, report.sessionFills));
    expect(report).toMatchObject({
      sessionId: id,
      venue: 'simulated',
      replayFills: report.sessionFills,
      matched: report.sessionFills,
      differences: [],
    });
    expect(report.bars).toBeGreaterThan(0);
    expect(report.verdict).toBe(`The replay gives every fill back: ${report.matched} fills match`);
  });

  test('a flatten by the user is listed as manual, with the fills it caused; nothing unexplained', async () => {
    // No random rejections here: every difference then follows from the flatten alone.
    const config = { ...fast, venue: { slippageBps: 7, commissionPerShare: 0.005 } };
    const { id } = await value<{ id: string }>('session:create', { name: 'parity', config });
    await value('session:start', { sessionId: id });
    await until(async () => (await snapshot(id)).positions.some((p) => p.qty !== 0), 'an open position');
    await value('session:flatten', { sessionId: id });
    await until(() => fills >= 12, 'the flatten and a few more fills');
    await stopped(id, false);

    const report = await value<ParityReport>('session:replay-parity', { sessionId: id });
    const manual = report.differences.filter((d) => d.reason === 'manual');
    expect(manual.length).toBeGreaterThan(0);
    // The flatten's own fill: a session fill with no replay twin, said to be the user's.
    expect(manual.some((d) => d.replay === null && /placed by the user/.test(d.detail))).toBe(true);
    expect(report.differences.map((d) => d.reason).filter((r) => r !== 'manual')).toEqual([]);
    expect(report.matched).toBeLessThan(report.sessionFills);
    expect(report.verdict).toMatch(
      new RegExp(
        `^${report.differences.length} of ${report.matched + report.differences.length} fills differ: ${manual.length} manual$`,
      ),
    );
  });

  test('a running session is refused: its ledger is still growing', async () => {
    const { id } = await value<{ id: string }>('session:create', { name: 'parity', config: fast });
    await value('session:start', { sessionId: id });
    const result = await services.dispatch('session:replay-parity', { sessionId: id });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/is running; stop it to replay it/);
    await stopped(id, false);
  });
});
