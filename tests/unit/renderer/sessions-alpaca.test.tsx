// @vitest-environment happy-dom
// Sessions on the Alpaca paper account, in the whole app with a fake API: the form's "Where orders go" choice, the
// start review (accept, cancel, blocking, a clean account starting at once, errors in words, the top bar's Start
// taking the same path), Validate on the session's page, and the venue shown as a badge.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { App } from '../../../src/renderer/src/App';
import { AppStoresProvider } from '../../../src/renderer/src/stores/context';
import { type AppStores, createAppStores } from '../../../src/renderer/src/stores/index';
import type { CallName } from '../../../src/shared/api/names';
import type { BacktestOptionsInfo, StrategyInfo } from '../../../src/shared/domain/backtest';
import type { CredentialsStatus, ValidationReport } from '../../../src/shared/domain/credentials';
import type {
  SessionSnapshot,
  SessionSummary,
  StartReconciliation,
} from '../../../src/shared/domain/session';
import { type FakeHandler, fakeApi, flush } from './fake-api';

// Charts need a canvas; these tests are about what surrounds them.
vi.mock('../../../src/renderer/src/components/chart/CandleChart', () => ({
  CandleChart: () => <div data-testid="candle-chart" />,
}));
vi.mock('../../../src/renderer/src/components/chart/EquityChart', () => ({
  EquityChart: () => <div data-testid="equity-chart" />,
}));

afterEach(cleanup);
/** The stores of the app last rendered (each render gets its own). */
let stores: AppStores;

const T0 = Date.UTC(2025, 2, 5, 15);

const STRATEGIES: StrategyInfo[] = [
  {
    id: 'sma-crossover',
    name: 'SMA crossover',
    description: 'Long when the fast average crosses above the slow one.',
    paramsSchema: {
      type: 'object',
      properties: {
        fast: { type: 'integer', minimum: 1, default: 10 },
        slow: { type: 'integer', minimum: 2, default: 30 },
      },
    },
    defaults: { fast: 10, slow: 30 },
    indicators: [],
  },
];

const OPTIONS: BacktestOptionsInfo = {
  riskSchema: {
    type: 'object',
    properties: {
      stopLoss: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.05 },
      takeProfit: { type: 'number', minimum: 0, default: 0.1 },
      trailingStop: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0 },
    },
  },
  venueSchema: { type: 'object', properties: {} },
  syntheticSymbols: ['ACME', 'BOLT'],
  defaultSeed: 42,
};

const KEYS: CredentialsStatus = { present: true, keyIdHint: 'PK…Q3ZX', paper: true, accountStatus: 'ACTIVE' };
const NO_KEYS: CredentialsStatus = { present: false, keyIdHint: null, paper: true, accountStatus: null };

const ALPACA_ID = 's-alpaca1';
const SIM_ID = 's-sim1';

const summary = (patch: Partial<SessionSummary> = {}): SessionSummary => ({
  id: ALPACA_ID,
  name: 'SMA on AAPL',
  version: 1,
  venue: 'alpaca-paper',
  symbols: ['AAPL', 'MSFT'],
  timeframe: '1m',
  strategyId: 'sma-crossover',
  status: 'idle',
  runId: null,
  createdAt: T0,
  updatedAt: T0,
  equity: null,
  startingCash: 50_000,
  ...patch,
});

const CONFIGS: Record<string, Record<string, unknown>> = {
  [ALPACA_ID]: {
    symbols: ['AAPL', 'MSFT'],
    timeframe: '1m',
    cash: 50_000,
    venueKind: 'alpaca-paper',
    feed: { kind: 'alpaca', feed: 'iex' },
    strategy: { id: 'sma-crossover', params: {} },
    risk: {},
  },
  [SIM_ID]: {
    symbols: ['ACME'],
    timeframe: '1m',
    cash: 100_000,
    venueKind: 'simulated',
    feed: { kind: 'synthetic-live', seed: 42, speed: 120 },
    strategy: { id: 'sma-crossover', params: {} },
    risk: {},
  },
};

function snapshotOf(session: SessionSummary): SessionSnapshot {
  return {
    session: { ...session, config: CONFIGS[session.id]! },
    runId: null,
    riskState: 'ACTIVE',
    riskReason: null,
    cash: session.startingCash,
    equity: session.startingCash,
    dayStartEquity: session.startingCash,
    positions: [],
    orders: [],
    fills: [],
    alerts: [],
    bars: {},
    equityCurve: { time: [], equity: [] },
    reconciliation: [],
  };
}

const ACCOUNT = { status: 'ACTIVE', cash: 98_765.4, equity: 100_420.5, buyingPower: 200_841 };

const TO_ACCEPT: StartReconciliation = {
  account: ACCOUNT,
  items: [
    {
      kind: 'position',
      symbol: 'AAPL',
      blocking: false,
      message:
        "the account holds 5 AAPL at $187.20; accepting makes it the run's starting position (part of its capital)",
    },
    {
      kind: 'order',
      symbol: 'MSFT',
      blocking: false,
      message: 'an open buy limit order for 3 MSFT (new) not placed by this run; accepting cancels it',
    },
    { kind: 'info', blocking: false, message: 'positions in other symbols stay untouched: 2 TSLA' },
  ],
  canStart: true,
  needsAcceptance: true,
};

const BLOCKED: StartReconciliation = {
  account: { ...ACCOUNT, buyingPower: 10_000 },
  items: [
    {
      kind: 'cash',
      blocking: true,
      message: "the session's capital $50,000.00 exceeds the account's buying power $10,000.00",
    },
    TO_ACCEPT.items[0]!,
  ],
  canStart: false,
  needsAcceptance: true,
};

const CLEAN: StartReconciliation = { account: ACCOUNT, items: [], canStart: true, needsAcceptance: false };

const REPORT: ValidationReport = {
  checkedAt: T0,
  keyIdHint: 'PK…Q3ZX',
  symbols: ['AAPL', 'MSFT'],
  capital: 50_000,
  feed: 'iex',
  ready: true,
  checks: [
    { id: 'keys', label: 'Keys', status: 'pass', detail: 'Alpaca accepted the key PK…Q3ZX' },
    { id: 'clock', label: 'Market clock', status: 'warn', detail: 'closed now (2025-03-05 16:30 New York)' },
    { id: 'asset:AAPL', label: 'Symbol AAPL', status: 'pass', detail: 'AAPL is tradable and shortable' },
  ],
};

interface Setup {
  sessions?: SessionSummary[];
  credentials?: CredentialsStatus;
  prepare?: FakeHandler;
  start?: FakeHandler;
  validate?: FakeHandler;
}

/** The whole app on the Sessions view; the fake answers what the view asks, the test picks the Alpaca answers. */
async function renderApp(setup: Setup = {}) {
  const sessions = new Map((setup.sessions ?? [summary()]).map((s) => [s.id, s]));
  const handlers: Partial<Record<CallName, FakeHandler>> = {
    'strategy:list': () => STRATEGIES,
    'backtest:options': () => OPTIONS,
    'credentials:status': () => setup.credentials ?? KEYS,
    'session:list': () => [...sessions.values()],
    'session:get': (arg) => snapshotOf(sessions.get((arg as { sessionId: string }).sessionId)!),
    'session:create': (arg) => {
      const { name, config } = arg as { name: string; config: Record<string, unknown> };
      const created = summary({
        id: 's-new',
        name,
        venue: config['venueKind'] === 'alpaca-paper' ? 'alpaca-paper' : 'simulated',
      });
      sessions.set(created.id, created);
      CONFIGS[created.id] = config;
      return { ...created, config };
    },
    'session:prepare': setup.prepare ?? (() => CLEAN),
    'session:start':
      setup.start ??
      ((arg) => {
        const { sessionId } = arg as { sessionId: string };
        const started = { ...sessions.get(sessionId)!, status: 'running' as const };
        sessions.set(sessionId, started);
        return started;
      }),
    'alpaca:validate': setup.validate ?? (() => REPORT),
  };
  const fake = fakeApi(handlers);
  stores = createAppStores(fake.api);
  stores.workspace.setState({ view: 'sessions', panels: {}, restored: false, viewChosen: false });
  render(
    <AppStoresProvider stores={stores}>
      <App />
    </AppStoresProvider>,
  );
  await screen.findByTestId('session-page');
  await act(flush);
  return fake;
}

const callsTo = (calls: { name: string; arg: unknown }[], name: string) =>
  calls.filter((c) => c.name === name).map((c) => c.arg);

const sessionControls = () => screen.getByRole('toolbar', { name: 'Session controls' });

describe('the new-session form: where orders go', () => {
  test('the simulator is the default and creates a synthetic session as before', async () => {
    const { calls } = await renderApp();
    fireEvent.click(screen.getByText('New session'));
    expect((screen.getByRole('radio', { name: /^Simulator/ }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByLabelText('Speed')).toBeTruthy();
    expect(screen.queryByLabelText('Data feed')).toBeNull();

    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Sim' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    await act(flush);

    const [created] = callsTo(calls, 'session:create') as { config: Record<string, unknown> }[];
    expect(created!.config).toMatchObject({
      venueKind: 'simulated',
      symbols: ['ACME'],
      feed: { kind: 'synthetic-live', speed: 120 },
    });
  });

  test('Alpaca paper swaps the synthetic market for typed symbols and an IEX/SIP choice (IEX by default)', async () => {
    const { calls } = await renderApp();
    fireEvent.click(screen.getByText('New session'));
    fireEvent.click(screen.getByRole('radio', { name: /^Alpaca paper/ }));

    // The synthetic options are gone; the Alpaca market takes their place.
    expect(screen.queryByLabelText('Speed')).toBeNull();
    expect(screen.queryByRole('group', { name: 'Symbols' })).toBeNull();
    expect(screen.getByText('Market — Alpaca market data')).toBeTruthy();
    const feed = screen.getByLabelText('Data feed') as HTMLSelectElement;
    expect(feed.value).toBe('iex');
    expect(feed.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(feed.getAttribute('aria-describedby')!)?.textContent).toMatch(
      /SIP .* needs a paid market-data plan/,
    );
    expect(screen.getByLabelText('Capital')).toBeTruthy();
    expect(screen.getByText(/Keys PK…Q3ZX saved · account ACTIVE/)).toBeTruthy();

    // A typo is named before anything is sent.
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Alpaca SMA' } });
    fireEvent.change(screen.getByLabelText('Symbols'), { target: { value: 'aapl, 9x' } });
    // Beside the field, and beside the greyed-out button as the reason it is grey.
    expect(screen.getAllByText(/“9X” is not a symbol/)).toHaveLength(2);
    const create = screen.getByRole('button', { name: 'Create' }) as HTMLButtonElement;
    expect(create.disabled).toBe(true);
    expect(create.title).toMatch(/“9X” is not a symbol/);

    fireEvent.change(screen.getByLabelText('Symbols'), { target: { value: 'aapl, msft' } });
    fireEvent.change(feed, { target: { value: 'sip' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    await act(flush);

    const [created] = callsTo(calls, 'session:create') as { config: Record<string, unknown> }[];
    expect(created!.config).toMatchObject({
      venueKind: 'alpaca-paper',
      symbols: ['AAPL', 'MSFT'],
      feed: { kind: 'alpaca', feed: 'sip' },
    });
  });

  test('a trailing stop with a take-profit is refused for Alpaca before it reaches main', async () => {
    await renderApp();
    fireEvent.click(screen.getByText('New session'));
    fireEvent.click(screen.getByRole('radio', { name: /^Alpaca paper/ }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Trail' } });
    const form = screen.getByText('New session').closest('details')!;
    fireEvent.change(within(form as HTMLElement).getByLabelText(/^Trailing stop/), {
      target: { value: '0.02' },
    });

    expect(screen.getAllByText(/Alpaca cannot pair a trailing stop with a take-profit/)).toHaveLength(2);
    const create = screen.getByRole('button', { name: 'Create' }) as HTMLButtonElement;
    expect(create.disabled).toBe(true);
    expect(create.title).toMatch(/Alpaca cannot pair a trailing stop with a take-profit/);
  });

  test('without saved keys the Alpaca choice says so and links to Settings', async () => {
    await renderApp({ credentials: NO_KEYS });
    fireEvent.click(screen.getByText('New session'));
    expect(screen.getByText(/No Alpaca keys saved yet/)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Add them in Settings' }));

    expect(stores.workspace.getState().view).toBe('settings');
  });
});

describe('starting an Alpaca paper session: the account is reviewed first', () => {
  test('differences to accept: account figures as money, each item, then Accept and start sends accept: true', async () => {
    const { calls } = await renderApp({ prepare: () => TO_ACCEPT });

    fireEvent.click(within(sessionControls()).getByRole('button', { name: 'Start' }));
    const dialog = await screen.findByRole('dialog', { name: 'Start on your Alpaca paper account' });

    expect(callsTo(calls, 'session:prepare')).toEqual([{ sessionId: ALPACA_ID }]);
    expect(callsTo(calls, 'session:start')).toEqual([]);
    const account = within(dialog).getByLabelText('Alpaca account');
    expect(account.textContent).toBe('StatusACTIVECash$98,765.40Equity$100,420.50Buying power$200,841.00');
    const items = within(dialog).getAllByRole('listitem');
    expect(items.map((li) => li.dataset['kind'])).toEqual(['position', 'order', 'info']);
    expect(items[0]!.textContent).toContain('acceptPosition AAPLthe account holds 5 AAPL at $187.20');
    expect(items[1]!.textContent).toContain('Open order MSFT');
    expect(items[2]!.textContent).toContain('note');
    expect(within(dialog).getByText(/Accepting makes the positions above/)).toBeTruthy();
    // Focus starts on the safe choice.
    expect(document.activeElement?.textContent).toBe('Cancel');

    fireEvent.click(within(dialog).getByRole('button', { name: 'Accept and start' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    expect(callsTo(calls, 'session:start')).toEqual([{ sessionId: ALPACA_ID, accept: true }]);
    // The list (and the top bar) take the answer; the page follows with the session-state push.
    await waitFor(() => expect(stores.sessions.getState().sessions[0]?.status).toBe('running'));
  });

  test('Cancel (or Escape) closes the review and starts nothing', async () => {
    const { calls } = await renderApp({ prepare: () => TO_ACCEPT });
    fireEvent.click(within(sessionControls()).getByRole('button', { name: 'Start' }));
    const dialog = await screen.findByRole('dialog');

    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();

    fireEvent.click(within(sessionControls()).getByRole('button', { name: 'Start' }));
    await screen.findByRole('dialog');
    act(() => {
      fireEvent.keyDown(document.body, { key: 'Escape', bubbles: true });
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(callsTo(calls, 'session:start')).toEqual([]);
    expect(screen.getByTestId('session-status').textContent).toBe('idle');
  });

  test('a blocking item is an error and Start stays disabled', async () => {
    const { calls } = await renderApp({ prepare: () => BLOCKED });
    fireEvent.click(within(sessionControls()).getByRole('button', { name: 'Start' }));
    const dialog = await screen.findByRole('dialog');

    const cash = within(dialog)
      .getAllByRole('listitem')
      .find((li) => li.dataset['kind'] === 'cash')!;
    expect(cash.className).toBe('blocking');
    expect(cash.querySelector('.badge')?.textContent).toBe('blocks');
    expect(cash.textContent).toContain("exceeds the account's buying power $10,000.00");
    expect(within(dialog).getByRole('alert').textContent).toMatch(/^The session cannot start/);
    const start = within(dialog).getByRole('button', { name: 'Accept and start' }) as HTMLButtonElement;
    expect(start.disabled).toBe(true);

    fireEvent.click(start);
    await act(flush);
    expect(callsTo(calls, 'session:start')).toEqual([]);
  });

  test('the Stop buttons say what they do at Alpaca: cancel every order and wait for its end', async () => {
    await renderApp({ prepare: () => CLEAN });
    const stop = within(sessionControls()).getByRole('button', { name: 'Stop' });
    expect(stop.title).toMatch(/^Cancel every order the session placed at Alpaca and wait \(up to 10 s\)/);
    expect(stop.title).toMatch(/Open positions stay as they are\.$/);
    const flatten = within(sessionControls()).getByRole('button', { name: 'Stop & flatten' });
    expect(flatten.title).toMatch(/then close every position with market orders and wait for their fills$/);
  });

  test('a clean account starts at once, without a dialog and without accept', async () => {
    const { calls } = await renderApp({ prepare: () => CLEAN });

    fireEvent.click(within(sessionControls()).getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(callsTo(calls, 'session:start')).toEqual([{ sessionId: ALPACA_ID }]));

    expect(screen.queryByRole('dialog')).toBeNull();
  });

  test('errors come back in words: the check failing, and a refused start keeping the review open', async () => {
    const { calls } = await renderApp({
      prepare: () => {
        throw new Error('no Alpaca paper keys saved; add them in Settings → Alpaca');
      },
    });
    fireEvent.click(within(sessionControls()).getByRole('button', { name: 'Start' }));
    await waitFor(() =>
      expect(screen.getByTestId('session-error').textContent).toBe(
        'Could not check the Alpaca account: no Alpaca paper keys saved; add them in Settings → Alpaca',
      ),
    );
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(callsTo(calls, 'session:start')).toEqual([]);

    cleanup();
    await renderApp({
      prepare: () => TO_ACCEPT,
      start: () => {
        throw new Error('could not cancel open order o-9: already filled');
      },
    });
    fireEvent.click(within(sessionControls()).getByRole('button', { name: 'Start' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Accept and start' }));

    expect((await screen.findByTestId('start-review-error')).textContent).toBe(
      'Could not start: could not cancel open order o-9: already filled',
    );
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  test("the top bar's Start goes through the same review", async () => {
    const { calls } = await renderApp({ prepare: () => TO_ACCEPT });
    const topBar = screen.getByTestId('top-bar-session');
    expect(within(topBar).getByTestId('venue-badge').textContent).toBe('Alpaca paper');
    expect(within(topBar).getByTestId('market-status').textContent).toBe('Alpaca market data · stopped');

    fireEvent.click(within(topBar).getByRole('button', { name: 'Start' }));
    await screen.findByRole('dialog', { name: 'Start on your Alpaca paper account' });

    expect(callsTo(calls, 'session:prepare')).toEqual([{ sessionId: ALPACA_ID }]);
    expect(stores.sessions.getState().startReview?.place).toBe('topbar');
  });

  test('a simulated session starts as before: no account check', async () => {
    const sim = summary({ id: SIM_ID, name: 'Sim', venue: 'simulated', symbols: ['ACME'] });
    const { calls } = await renderApp({ sessions: [sim] });

    fireEvent.click(within(sessionControls()).getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(callsTo(calls, 'session:start')).toEqual([{ sessionId: SIM_ID }]));

    expect(callsTo(calls, 'session:prepare')).toEqual([]);
    expect(screen.queryByRole('button', { name: 'Validate' })).toBeNull();
    expect(within(screen.getByTestId('session-page')).getByTestId('venue-badge').textContent).toBe(
      'Simulator',
    );
  });
});

describe("an Alpaca session's page", () => {
  test('shows the venue as a badge, in the list too, with its data feed', async () => {
    await renderApp();
    const page = screen.getByTestId('session-page');
    expect(within(page).getByTestId('venue-badge').textContent).toBe('Alpaca paper');
    expect(within(page).getByTestId('session-market').textContent).toBe(
      'Alpaca IEX data · AAPL, MSFT · 1m · v1',
    );
    const list = screen.getByRole('table', { name: 'Sessions' });
    expect(within(list).getByText('Alpaca paper')).toBeTruthy();
  });

  test('Validate checks the session with Alpaca and lists each check', async () => {
    const { calls } = await renderApp();

    fireEvent.click(within(sessionControls()).getByRole('button', { name: 'Validate' }));
    const panel = await screen.findByTestId('alpaca-validation');

    expect(callsTo(calls, 'alpaca:validate')).toEqual([{ sessionId: ALPACA_ID, feed: 'iex' }]);
    expect(within(panel).getByRole('status').textContent).toBe('Ready for a paper session, with 1 warning.');
    expect(screen.getByTestId('alpaca-check-clock').dataset['status']).toBe('warn');
    expect(screen.getByTestId('alpaca-check-asset:AAPL').textContent).toContain('tradable and shortable');

    fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    await waitFor(() => expect(callsTo(calls, 'alpaca:validate')).toHaveLength(2));
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId('session-validation')).toBeNull();
  });

  test('a refused validation says why', async () => {
    await renderApp({
      validate: () => {
        throw new Error('the OS keychain is locked');
      },
    });
    fireEvent.click(within(sessionControls()).getByRole('button', { name: 'Validate' }));

    const panel = await screen.findByTestId('session-validation');
    await waitFor(() =>
      expect(within(panel).getByRole('alert').textContent).toBe(
        'Could not validate: the OS keychain is locked',
      ),
    );
  });
});
