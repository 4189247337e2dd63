// @vitest-environment happy-dom
// What the screen says, in the whole app with a fake API: the Overview (the demo as a button for a new user, then
// sessions, positions, alerts and backtests), a recovered run's notice on its page, and controls that go dead, with
// the reason, while the workstation cannot be reached.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { App } from '../../../src/renderer/src/App';
import { AppStoresProvider } from '../../../src/renderer/src/stores/context';
import { type AppStores, createAppStores } from '../../../src/renderer/src/stores/index';
import { DEMO_NAME } from '../../../src/renderer/src/stores/sessions/session-state';
import type { CallName } from '../../../src/shared/api/names';
import type { BacktestSummary } from '../../../src/shared/domain/backtest';
import type { PerformanceMetrics } from '../../../src/shared/domain/metrics';
import type { AlertRow, SessionSnapshot, SessionSummary } from '../../../src/shared/domain/session';
import { type FakeHandler, fakeApi, flush } from './fake-api';

vi.mock('../../../src/renderer/src/components/chart/CandleChart', () => ({
  CandleChart: () => <div data-testid="candle-chart" />,
}));
vi.mock('../../../src/renderer/src/components/chart/EquityChart', () => ({
  EquityChart: () => <div data-testid="equity-chart" />,
}));

afterEach(cleanup);
let stores: AppStores;

const T0 = Date.UTC(2026, 11, 5, 15);
const CONFIG = {
  symbols: ['ACME', 'BOLT'],
  timeframe: '1m',
  cash: 100_000,
  venueKind: 'simulated',
  feed: { kind: 'synthetic-live', seed: 42, speed: 120 },
  strategy: { id: 'sma-crossover', params: {} },
  risk: {},
};

const session = (patch: Partial<SessionSummary> = {}): SessionSummary => ({
  id: 's-demo',
  name: DEMO_NAME,
  version: 1,
  venue: 'simulated',
  symbols: ['ACME', 'BOLT'],
  timeframe: '1m',
  strategyId: 'sma-crossover',
  status: 'running',
  runId: 'r-1',
  createdAt: T0,
  updatedAt: T0,
  equity: 101_250.5,
  startingCash: 100_000,
  ...patch,
});

const alert = (patch: Partial<AlertRow>): AlertRow => ({
  id: 1,
  runId: 'r-1',
  time: T0,
  severity: 'info',
  kind: 'drift',
  message: 'a message',
  acknowledged: false,
  ...patch,
});

function snapshotOf(s: SessionSummary, patch: Partial<SessionSnapshot> = {}): SessionSnapshot {
  return {
    session: { ...s, config: CONFIG },
    runId: s.runId,
    riskState: 'ACTIVE',
    riskReason: null,
    cash: 90_000,
    equity: s.equity ?? s.startingCash,
    dayStartEquity: s.startingCash,
    positions: [],
    orders: [],
    fills: [],
    alerts: [],
    bars: {},
    equityCurve: { time: [], equity: [] },
    reconciliation: [],
    ...patch,
  };
}

const metrics = (patch: Partial<PerformanceMetrics> = {}): PerformanceMetrics => ({
  totalReturn: 0.05,
  cagr: 0.2,
  annualVolatility: 0.1,
  sharpe: 148.2,
  sortino: 200,
  calmar: 4,
  maxDrawdown: 0.01,
  maxDrawdownDuration: 3,
  maxDrawdownDurationMs: 180_000,
  winRate: 0.5,
  profitFactor: 1.2,
  averageWin: 10,
  averageLoss: -8,
  expectancy: 1,
  largestWin: 20,
  largestLoss: -15,
  longestWinStreak: 2,
  longestLossStreak: 1,
  recoveryFactor: 2,
  exposureTime: 0.5,
  trades: 4,
  fees: 0,
  startEquity: 100_000,
  endEquity: 105_000,
  periods: 12,
  periodsPerYear: 98_280,
  sampleTooSmall: true,
  ...patch,
});

const backtest = (patch: Partial<BacktestSummary>): BacktestSummary =>
  ({
    id: 'bt-1',
    name: 'SMA on ACME',
    status: 'done',
    createdAt: T0,
    metrics: metrics(),
    data: { source: 'synthetic', symbols: ['ACME'], timeframe: '1m' },
    note: '',
    tags: [],
    pinned: false,
    ...patch,
  }) as BacktestSummary;

interface Setup {
  view?: 'overview' | 'sessions';
  sessions?: SessionSummary[];
  snapshots?: Record<string, Partial<SessionSnapshot>>;
  backtests?: BacktestSummary[];
  handlers?: Partial<Record<CallName, FakeHandler>>;
}

async function renderApp(setup: Setup = {}) {
  const sessions = new Map((setup.sessions ?? []).map((s) => [s.id, s]));
  const fake = fakeApi({
    'strategy:list': () => [],
    'backtest:options': () => ({
      riskSchema: { type: 'object', properties: {} },
      venueSchema: { type: 'object', properties: {} },
      syntheticSymbols: ['ACME', 'BOLT'],
      defaultSeed: 42,
    }),
    'backtest:list': () => setup.backtests ?? [],
    'backtest:get': () => {
      throw new Error('not in this test');
    },
    'credentials:status': () => ({ present: false, keyIdHint: null, paper: true, accountStatus: null }),
    'session:list': () => [...sessions.values()],
    'session:get': (arg) => {
      const id = (arg as { sessionId: string }).sessionId;
      return snapshotOf(sessions.get(id)!, setup.snapshots?.[id]);
    },
    'session:create': (arg) => {
      const { name } = arg as { name: string };
      const created = session({ id: 's-new', name, status: 'idle', runId: null, equity: null });
      sessions.set(created.id, created);
      return { ...created, config: CONFIG };
    },
    'session:start': (arg) => {
      const id = (arg as { sessionId: string }).sessionId;
      const started = { ...sessions.get(id)!, status: 'running' as const, runId: 'r-new' };
      sessions.set(id, started);
      return started;
    },
    'alert:ack': () => ({ acknowledged: true }),
    ...setup.handlers,
  });
  stores = createAppStores(fake.api);
  stores.workspace.setState({
    view: setup.view ?? 'overview',
    panels: {},
    restored: false,
    viewChosen: false,
  });
  // As main.tsx wires them: the session list loads when the connection is there, whatever the first view.
  stores.sessions.connect((apply) => apply());
  render(
    <AppStoresProvider stores={stores}>
      <App />
    </AppStoresProvider>,
  );
  await act(flush);
  await act(flush);
  return fake;
}

/** Disabled as a browser sees it: its own attribute, or inside a disabled fieldset (happy-dom's :disabled ignores that). */
const disabled = (element: HTMLElement): boolean =>
  element.matches(':disabled') || element.closest('fieldset[disabled]') !== null;

const callsTo = (calls: { name: string; arg: unknown }[], name: string) =>
  calls.filter((c) => c.name === name).map((c) => c.arg);

describe('the Overview', () => {
  test('a new user gets the demo as a button, and it runs the same action as the Sessions view', async () => {
    const { calls } = await renderApp();
    const offer = await screen.findByTestId('overview-demo');
    fireEvent.click(within(offer).getByRole('button', { name: 'Try the simulated demo' }));
    await waitFor(() => expect(callsTo(calls, 'session:start')).toEqual([{ sessionId: 's-new' }]));
    expect(callsTo(calls, 'session:create')).toMatchObject([{ name: DEMO_NAME }]);
    // The user lands on the running demo.
    await waitFor(() => expect(stores.workspace.getState().view).toBe('sessions'));
    expect(stores.sessions.getState().selectedId).toBe('s-new');
  });

  test('with sessions: equity, P&L and state of each, open positions, unacknowledged alerts, recent backtests', async () => {
    const halted = session({ id: 's-two', name: 'Breakout', status: 'paused', runId: 'r-2', equity: 98_000 });
    await renderApp({
      sessions: [session(), halted],
      snapshots: {
        's-demo': {
          positions: [
            {
              symbol: 'ACME',
              qty: 120,
              avgPrice: 50.25,
              lastPrice: 51,
              marketValue: 6120,
              unrealizedPnl: 90,
              realizedPnl: 0,
            },
            {
              symbol: 'BOLT',
              qty: 0,
              avgPrice: 0,
              lastPrice: 12,
              marketValue: 0,
              unrealizedPnl: 0,
              realizedPnl: 5,
            },
          ],
          alerts: [
            alert({ id: 7, severity: 'warning', message: 'ACME buy 10 rejected: no cash' }),
            alert({ id: 6, message: 'seen already', acknowledged: true }),
          ],
        },
        's-two': {
          riskState: 'HALTED',
          alerts: [
            alert({
              id: 9,
              runId: 'r-2',
              time: T0 + 60_000,
              severity: 'critical',
              message: 'ACTIVE → HALTED: daily loss',
            }),
          ],
        },
      },
      backtests: [backtest({})],
    });

    const table = screen.getByRole('region', { name: 'Sessions overview' });
    const demoRow = within(table).getByRole('row', { name: new RegExp(DEMO_NAME) });
    expect(
      within(demoRow)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['running', '$101,250.50', '+$1,250.50']);
    await waitFor(() =>
      expect(within(within(table).getByRole('row', { name: /Breakout/ })).getByText('HALTED')).toBeTruthy(),
    );

    const positions = screen.getByRole('region', { name: 'Open positions' });
    const rows = within(positions).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(1); // the flat BOLT is not an open position
    expect(
      within(rows[0]!)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['ACME', '120', '50.25', '51.00', '+$90.00']);

    const alerts = screen.getByRole('region', { name: 'Unacknowledged alerts' });
    const items = within(alerts).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      expect.stringContaining('ACTIVE → HALTED: daily loss'),
      expect.stringContaining('ACME buy 10 rejected: no cash'),
    ]);
    fireEvent.click(within(items[1]!).getByRole('button', { name: 'Acknowledge' }));
    await waitFor(() => expect(within(alerts).getAllByRole('listitem')).toHaveLength(1));

    // A backtest opens its page; its Sharpe on 13 bars is withheld with the reason.
    const recent = screen.getByRole('region', { name: 'Recent backtests' });
    const sharpe = within(recent).getAllByRole('cell')[2]!;
    expect(sharpe.textContent).toBe('—');
    expect(sharpe.getAttribute('title')).toMatch(/^too few bars \(13\)/);
    fireEvent.click(within(recent).getByRole('button', { name: 'SMA on ACME' }));
    expect(stores.workspace.getState().view).toBe('backtests');
    expect(stores.backtests.getState().selectedId).toBe('bt-1');
  });
});

describe('a recovered run', () => {
  test('its page says it was recovered, with what was replayed, until acknowledged', async () => {
    const message =
      'Recovered after a restart: replayed 2,468 bars (1,234 bar times) and 0 journal entries from the ledger; the rebuilt account matches it.';
    const { calls } = await renderApp({
      view: 'sessions',
      sessions: [session()],
      snapshots: { 's-demo': { alerts: [alert({ id: 3, kind: 'run-recovered', message })] } },
    });
    const notice = await screen.findByTestId('recovery-notice');
    expect(notice.textContent).toMatch(
      /^Recovered after a restart 2026-12-05 15:00:00 UTC — replayed 2,468 bars \(1,234 bar times\) and 0 journal entries from the ledger; the rebuilt account matches it\. Acknowledge$/,
    );
    fireEvent.click(within(notice).getByRole('button', { name: 'Acknowledge' }));
    await waitFor(() => expect(screen.queryByTestId('recovery-notice')).toBeNull());
    expect(callsTo(calls, 'alert:ack')).toEqual([{ alertId: 3 }]);
  });
});

describe('while the workstation cannot be reached', () => {
  test('the header may still say running, but Stop and the other controls are disabled, with the reason', async () => {
    await renderApp({ view: 'sessions', sessions: [session()] });
    const controls = await screen.findByRole('toolbar', { name: 'Session controls' });
    const stop = () => within(controls).getByRole('button', { name: 'Stop' });
    expect(disabled(stop())).toBe(false);

    act(() => stores.app.setState({ connection: 'disconnected' }));
    expect(disabled(stop())).toBe(true);
    const topStop = within(screen.getByTestId('top-bar-session')).getByRole('button', { name: 'Stop' });
    expect(disabled(topStop)).toBe(true);
    expect(screen.getByTestId('offline-banner').textContent).toMatch(
      /^Lost the connection to the workstation — retrying/,
    );
    expect(screen.getByTestId('connection-state').textContent).toBe('Disconnected — retrying');

    act(() => stores.app.setState({ connection: 'refused' }));
    expect(screen.getByTestId('offline-banner').textContent).toMatch(
      /^The workstation restarted; open the new address it printed/,
    );
    expect(disabled(stop())).toBe(true);

    act(() => stores.app.setState({ connection: 'connected' }));
    expect(screen.queryByTestId('offline-banner')).toBeNull();
    expect(disabled(stop())).toBe(false);
  });
});
