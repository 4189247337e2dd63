// The options monitor over the API: session:options-monitor and session:option-positions answer from the runs an
// options run registered; any other run is refused naming it, an unknown run as not found.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Services } from '../../../src/main/services';
import { writeDailyReport } from '../../../src/main/sessions/options-daily-report';
import { optionsMonitor } from '../../../src/main/sessions/options-monitor';
import { PHASE4D_PRESETS } from '../../../src/main/strategies/phase4d-rules';
import type { OptionPositionRow } from '../../../src/shared/domain/options';
import type { SessionSummary } from '../../../src/shared/domain/session';
import { tempDataDir } from '../../support/host-process';
import { callValue, testServices } from './session-test-services';

let dataDir: string;
let services: Services;

beforeEach(() => {
  dataDir = tempDataDir('marketboss-options-monitor-');
  services = testServices(dataDir);
});
afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const POSITION: OptionPositionRow = {
  symbol: 'SPY250305P00571000',
  underlying: 'SPY',
  right: 'put',
  strike: 571,
  expiry: '2025-03-05',
  contracts: 2,
  avgPremium: 5.1,
  bid: 5.4,
  ask: 5.56,
  unrealizedPnl: 58.7,
};

describe('session:options-monitor and session:option-positions', () => {
  test('an equity run is refused naming the run and its strategy; an unknown run is not found; a bad id is a bad request', async () => {
    const config = { symbols: ['ACME'], feed: { kind: 'synthetic-live', speed: 10 } };
    const { id: sessionId } = await callValue<{ id: string }>(services, 'session:create', {
      name: 'equity',
      config,
    });
    const started = await callValue<SessionSummary>(services, 'session:start', { sessionId });
    await callValue(services, 'session:stop', { sessionId, flatten: false });
    const runId = started.runId!;

    const refused = await services.dispatch('session:options-monitor', { runId });
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'not-found',
        message: `run ${runId} is not an options run (session ${sessionId}, strategy sma-crossover)`,
      },
    });
    const positions = await services.dispatch('session:option-positions', { runId: 'r-nosuchrun' });
    expect(positions).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'no session run r-nosuchrun' },
    });
    const bad = await services.dispatch('session:options-monitor', { runId: '../../etc' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ code: 'bad-request' });
  });

  test('a registered options run answers with its monitor (and its daily report path) and its positions', async () => {
    const monitor = optionsMonitor({
      runId: 'r-options1',
      preset: PHASE4D_PRESETS['2k'],
      decisions: [{ day: '2025-03-05', decision: 'traded', inputs: { spot: 570.6 } }],
      trades: [],
      fills: [
        { symbol: POSITION.symbol, side: 'buy', qty: 2, price: 5.1, fee: 1.3, time: 1, decisionPrice: 5.1 },
      ],
      riskBreaches: [],
      priceSource: 'synthetic option prices',
      day: '2025-03-05',
    });
    const reportPath = writeDailyReport(dataDir, monitor);
    const remove = services.sessions.optionRuns.add('r-options1', {
      monitor: () => ({ ...monitor, reportPath }),
      positions: () => [POSITION],
    });

    expect(await callValue(services, 'session:options-monitor', { runId: 'r-options1' })).toEqual({
      ...monitor,
      reportPath,
    });
    expect(await callValue(services, 'session:option-positions', { runId: 'r-options1' })).toEqual([
      POSITION,
    ]);

    remove();
    const gone = await services.dispatch('session:options-monitor', { runId: 'r-options1' });
    expect(gone.ok).toBe(false);
  });
});
