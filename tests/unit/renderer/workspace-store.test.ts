// @vitest-environment happy-dom
// Where the user left off, through the settings API: restored once when the settings arrive (runs and sessions
// deleted since are skipped), then every change saved after a quiet moment, in one settings:set.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { type AppStores, createAppStores } from '../../../src/renderer/src/stores/index';
import type { Settings } from '../../../src/shared/api/contract';
import { fillsToColumns, tradesToColumns } from '../../../src/shared/domain/trade-columns';
import type { Workspace } from '../../../src/shared/domain/workspace';
import { fakeApi } from './fake-api';

const settingsWith = (workspace: Workspace): Settings => ({
  theme: 'dark',
  notifications: true,
  workspace,
  window: null,
});

const summary = (id: string) => ({
  id,
  name: id,
  status: 'done',
  data: { symbols: ['ACME'], timeframe: '1m' },
});

/** The stores bound to the fake of the last setup(). */
let stores: AppStores;

function setup() {
  const fake = fakeApi({
    'backtest:list': () => [summary('bt-kept'), summary('bt-other')],
    'backtest:get': ({ runId }: { runId: string }) => ({
      ...summary(runId),
      status: 'running',
      trades: tradesToColumns([]),
      fills: fillsToColumns([]),
    }),
    'session:list': () => [{ id: 's-kept', status: 'stopped' }],
    'session:get': () => {
      throw new Error('not needed here');
    },
    'settings:set': ({ patch }: { patch: Partial<Settings> }) => settingsWith(patch.workspace ?? {}),
  } as never);
  stores = createAppStores(fake.api);
  return fake;
}

const tick = async (ms = 0) => {
  await vi.advanceTimersByTimeAsync(ms);
};

describe('workspace store', () => {
  let disconnect: (() => void) | undefined;

  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    disconnect?.();
    disconnect = undefined;
    vi.useRealTimers();
  });

  test('restores view, run, session, timeframe, comparison and panels; skips what was deleted since', async () => {
    const fake = setup();
    disconnect = stores.workspace.connect();

    stores.app.setState({
      settings: settingsWith({
        view: 'backtests',
        backtestRunId: 'bt-kept',
        sessionId: 's-kept',
        chartTimeframe: '1h',
        compare: { a: 'bt-gone', b: 'bt-other' },
        panels: { 'bt-risk': true, 'ss-alerts-folded': true },
        paneSizes: { 'ss-chart': 610, 'ss-side': 280 },
        chartIndicators: { backtest: [{ kind: 'rsi', period: 9 }] },
      }),
    });
    await tick();

    expect(stores.workspace.getState()).toMatchObject({
      view: 'backtests',
      restored: true,
      panels: { 'bt-risk': true, 'ss-alerts-folded': true },
      paneSizes: { 'ss-chart': 610, 'ss-side': 280 },
      chartIndicators: { backtest: [{ kind: 'rsi', period: 9 }] },
    });
    expect(stores.backtests.getState().selectedId).toBe('bt-kept');
    expect(stores.backtests.getState().chartTimeframe).toBe('1h');
    // Saved by a version that compared two runs as a and b: the one still stored is ticked.
    expect(stores.backtests.getState().compareIds).toEqual(['bt-other']);
    expect(stores.sessions.getState().selectedId).toBe('s-kept');
    // Restoring is not a change: nothing is written back.
    await tick(1000);
    expect(fake.calls.filter((c) => c.name === 'settings:set')).toEqual([]);
  });

  test('the runs ticked for comparison come back in their order; one deleted since is left out', async () => {
    setup();
    disconnect = stores.workspace.connect();

    stores.app.setState({
      settings: settingsWith({ view: 'backtests', compareRuns: ['bt-other', 'bt-gone', 'bt-kept'] }),
    });
    await tick();

    expect(stores.backtests.getState().compareIds).toEqual(['bt-other', 'bt-kept']);
  });

  test('a deleted run or session is left unselected, and a first start opens the overview', async () => {
    const fake = setup();
    disconnect = stores.workspace.connect();

    stores.app.setState({ settings: settingsWith({ backtestRunId: 'bt-gone', sessionId: 's-gone' }) });
    await tick();

    expect(stores.workspace.getState().view).toBe('overview');
    expect(stores.backtests.getState().selectedId).toBeNull();
    expect(stores.sessions.getState().selectedId).toBeNull();
    expect(fake.calls.map((c) => c.name)).not.toContain('backtest:get');
  });

  test('what the user chose while the saved workspace loaded is kept: their view, run and panel win', async () => {
    setup();
    disconnect = stores.workspace.connect();
    stores.workspace.getState().setView('sessions');
    stores.workspace.getState().setPanel('bt-risk', false);
    void stores.backtests.getState().select('bt-other');

    stores.app.setState({
      settings: settingsWith({
        view: 'backtests',
        backtestRunId: 'bt-kept',
        panels: { 'bt-risk': true, 'bt-costs': true },
      }),
    });
    await tick();

    expect(stores.workspace.getState()).toMatchObject({
      view: 'sessions',
      panels: { 'bt-risk': false, 'bt-costs': true },
      restored: true,
    });
    expect(stores.backtests.getState().selectedId).toBe('bt-other');
  });

  test('changes are saved once after a quiet moment, as the whole workspace', async () => {
    const fake = setup();
    disconnect = stores.workspace.connect({ delayMs: 400 });
    stores.app.setState({ settings: settingsWith({}) });
    await tick();

    stores.workspace.getState().setView('backtests');
    stores.workspace.getState().setPanel('bt-compare', true);
    stores.workspace.getState().setPaneSize('ss-chart', 512.4); // a drag ends between pixels
    stores.workspace.getState().setChartIndicators('session', [{ kind: 'vwap' }]);
    await tick(100);
    stores.backtests.setState({ compareIds: ['bt-kept', 'bt-other'], chartTimeframe: '5m' });
    await tick(399);
    expect(fake.calls.filter((c) => c.name === 'settings:set')).toEqual([]);
    await tick(1);

    const saves = fake.calls.filter((c) => c.name === 'settings:set');
    expect(saves).toEqual([
      {
        name: 'settings:set',
        arg: {
          patch: {
            workspace: {
              view: 'backtests',
              backtestRunId: null,
              sessionId: null,
              chartTimeframe: '5m',
              compareRuns: ['bt-kept', 'bt-other'],
              panels: { 'bt-compare': true },
              paneSizes: { 'ss-chart': 512 },
              chartIndicators: { session: [{ kind: 'vwap' }] },
            },
          },
        },
      },
    ]);
    // The same state again writes nothing.
    stores.workspace.getState().setView('overview');
    stores.workspace.getState().setView('backtests');
    await tick(1000);
    expect(fake.calls.filter((c) => c.name === 'settings:set')).toHaveLength(1);
  });

  test('nothing is saved before the saved workspace is restored (it would overwrite it with the defaults)', async () => {
    const fake = setup();
    disconnect = stores.workspace.connect();

    stores.workspace.getState().setView('settings');
    await tick(1000);

    expect(fake.calls.filter((c) => c.name === 'settings:set')).toEqual([]);
  });

  test('leaving the page within the quiet moment still saves the last change', async () => {
    const fake = setup();
    disconnect = stores.workspace.connect();
    stores.app.setState({ settings: settingsWith({}) });
    await tick();

    stores.workspace.getState().setView('sessions');
    window.dispatchEvent(new Event('pagehide'));

    expect(fake.calls.filter((c) => c.name === 'settings:set')).toHaveLength(1);
  });
});
