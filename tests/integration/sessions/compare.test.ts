// Backtest versus paper for a session: on the simulator the two agree fill for fill; a user's flatten is the kind
// of difference the comparison must find and explain.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Services } from '../../../src/main/services';
import type { SessionComparison, SessionSnapshot } from '../../../src/shared/domain/session';
import { tempDataDir } from '../../support/host-process';
import { callValue, testServices, until } from './session-test-services';

let dataDir: string;
let services: Services;
let fills = 0;

beforeEach(() => {
  dataDir = tempDataDir('marketboss-compare-');
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

const fast = { symbols: ['ACME', 'BOLT'], feed: { kind: 'synthetic-live', speed: 12_000 } };

describe('backtest versus paper', () => {
  test('an untouched simulated run agrees with its backtest: same fills, same metrics, one sentence saying so', async () => {
    const { id } = await value<{ id: string }>('session:create', { name: 'cmp', config: fast });
    await value('session:start', { sessionId: id });
    await until(() => fills >= 6, 'a few fills');
    await value('session:stop', { sessionId: id, flatten: false });

    const cmp = await value<SessionComparison>('session:compare', { sessionId: id });
    expect(cmp.fills.paper).toBeGreaterThan(0);
    expect(cmp.fills).toMatchObject({
      matched: cmp.fills.paper,
      backtest: cmp.fills.paper,
      onlyPaper: 0,
      onlyBacktest: 0,
    });
    expect(cmp.fills.slippageCost).toBe(0);
    expect(cmp.paper.metrics.totalReturn).toBeCloseTo(cmp.backtest.metrics.totalReturn!, 12);
    expect(cmp.paper.metrics.trades).toBe(cmp.backtest.metrics.trades);
    expect(cmp.paper.equity).toHaveLength(cmp.backtest.equity.length);
    expect(cmp.explanation).toEqual([
      'the paper run and the backtest agree fill for fill: same bars, same engine, same seed',
    ]);
  });

  test('a flatten the user asked for shows up as paper fills without a backtest twin, in words', async () => {
    const { id } = await value<{ id: string }>('session:create', { name: 'cmp', config: fast });
    await value('session:start', { sessionId: id });
    await until(async () => {
      const s = await value<SessionSnapshot>('session:get', { sessionId: id });
      return s.positions.some((p) => p.qty !== 0);
    }, 'an open position');
    await value('session:stop', { sessionId: id, flatten: true });
    await until(
      async () =>
        (await value<SessionSnapshot>('session:get', { sessionId: id })).session.status === 'stopped',
      'stopped',
    );

    const cmp = await value<SessionComparison>('session:compare', { sessionId: id });
    expect(cmp.fills.onlyPaper).toBeGreaterThan(0);
    expect(cmp.explanation.join('\n')).toMatch(/paper fills? without a backtest twin/);
  });
});
