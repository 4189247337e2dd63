// The session store fed by pushes through a fake ApiClient: order upsert by id, fill prepend, equity update,
// alert prepend and toast, session-state; plus calls and their errors in words.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CONFIG, DEMO_NAME, dayPnl } from '../../../src/renderer/src/stores/sessions/session-state';
import {
  createSessionStore,
  type SessionStore,
} from '../../../src/renderer/src/stores/sessions/session-store';
import type { ApiClient } from '../../../src/shared/api/contract';
import type { CallName } from '../../../src/shared/api/names';
import type {
  AlertRow,
  FillRow,
  OrderRow,
  SessionSnapshot,
  SessionSummary,
} from '../../../src/shared/domain/session';
import { type FakeHandler, fakeApi, flush } from './fake-api';

const SID = 's-test1';
const RUN = 'r-run1';
const T0 = Date.UTC(2024, 0, 2, 14, 30);
const MIN = 60_000;

const summary = (patch: Partial<SessionSummary> = {}): SessionSummary => ({
  id: SID,
  name: 'Test session',
  version: 1,
  venue: 'simulated',
  symbols: ['ACME', 'BOLT'],
  timeframe: '1m',
  strategyId: 'sma-crossover',
  status: 'running',
  runId: RUN,
  createdAt: T0,
  updatedAt: T0,
  equity: 100_000,
  startingCash: 100_000,
  ...patch,
});

const order = (id: string, patch: Partial<OrderRow> = {}): OrderRow => ({
  id,
  clientOrderId: `${RUN}-${id}`,
  symbol: 'ACME',
  side: 'buy',
  type: 'market',
  role: 'entry',
  qty: 100,
  filledQty: 0,
  limitPrice: null,
  stopPrice: null,
  avgFillPrice: null,
  status: 'new',
  statusReason: null,
  createdAt: T0,
  updatedAt: T0,
  ...patch,
});

const fill = (executionId: string, time: number): FillRow => ({
  executionId,
  orderId: 'o1',
  symbol: 'ACME',
  side: 'buy',
  qty: 100,
  price: 50,
  decisionPrice: 49.95,
  fee: 1,
  time,
});

const alert = (id: number, message: string): AlertRow => ({
  id,
  runId: RUN,
  time: T0,
  severity: 'critical',
  kind: 'daily-loss',
  message,
  acknowledged: false,
});

function snapshot(patch: Partial<SessionSnapshot> = {}): SessionSnapshot {
  return {
    session: { ...summary(), config: { feed: { kind: 'synthetic-live', speed: 120 } } },
    runId: RUN,
    riskState: 'ACTIVE',
    riskReason: null,
    cash: 100_000,
    equity: 100_000,
    dayStartEquity: 99_000,
    positions: [],
    orders: [order('o0', { status: 'filled', filledQty: 100 })],
    fills: [fill('x0', T0)],
    alerts: [alert(1, 'old alert')],
    bars: {
      ACME: {
        time: Float64Array.of(T0),
        open: Float64Array.of(50),
        high: Float64Array.of(51),
        low: Float64Array.of(49),
        close: Float64Array.of(50.5),
        volume: Float64Array.of(1000),
        length: 1,
        indicators: [
          {
            id: 'sma-2',
            label: 'SMA 2',
            kind: 'sma',
            pane: 'price',
            levels: [],
            lines: [{ name: 'SMA 2', style: 'line', values: Float64Array.of(Number.NaN) }],
          },
        ],
      },
    },
    equityCurve: { time: [T0], equity: [100_000] },
    reconciliation: [],
    ...patch,
  };
}

/** The store under test: bound to the fake API of the test. */
let store: SessionStore;
const state = () => store.getState();

describe('session store', () => {
  let fake: ReturnType<typeof fakeApi>;
  /** The fake's answers; a test may change one to answer differently from then on. */
  let handlers: Partial<Record<CallName, FakeHandler>>;
  let disconnect: () => void;

  beforeEach(async () => {
    handlers = {
      'session:list': () => [summary()],
      'session:get': () => snapshot(),
      'strategy:list': () => [],
      'backtest:options': () => ({
        riskSchema: {},
        venueSchema: {},
        syntheticSymbols: ['ACME'],
        defaultSeed: 1,
      }),
    };
    fake = fakeApi(handlers);
    store = createSessionStore(fake.api);
    disconnect = store.connect((apply) => apply());
    await flush();
    await state().select(SID);
  });
  afterEach(() => disconnect());

  it('loads the list and the selected snapshot', () => {
    expect(state().listLoaded).toBe(true);
    expect(state().sessions.map((s) => s.id)).toEqual([SID]);
    expect(state().snapshot?.session.id).toBe(SID);
    expect(state().lastBars['ACME']?.close).toBe(50.5);
    expect(state().accounts[SID]).toMatchObject({ equity: 100_000, dayStartEquity: 99_000, speed: 120 });
  });

  it('upserts orders by id: a new order is prepended, a known one is replaced in place', () => {
    fake.emit('order', [{ sessionId: SID, order: order('o1', { updatedAt: T0 + 1 }) }]);
    expect(state().snapshot!.orders.map((o) => [o.id, o.status])).toEqual([
      ['o1', 'new'],
      ['o0', 'filled'],
    ]);
    fake.emit('order', [
      { sessionId: SID, order: order('o1', { status: 'accepted', updatedAt: T0 + 2 }) },
      {
        sessionId: SID,
        order: order('o1', { status: 'filled', filledQty: 100, avgFillPrice: 50.1, updatedAt: T0 + 3 }),
      },
    ]);
    const orders = state().snapshot!.orders;
    expect(orders).toHaveLength(2);
    expect(orders[0]).toMatchObject({ id: 'o1', status: 'filled', filledQty: 100, avgFillPrice: 50.1 });
    // An older event for the same order (replayed after a load) does not move it back.
    fake.emit('order', [{ sessionId: SID, order: order('o1', { status: 'accepted', updatedAt: T0 + 2 }) }]);
    expect(state().snapshot!.orders[0]!.status).toBe('filled');
    // Another session's orders do not land here.
    fake.emit('order', [{ sessionId: 's-other', order: order('o9') }]);
    expect(state().snapshot!.orders.map((o) => o.id)).toEqual(['o1', 'o0']);
  });

  it('prepends fills, newest first, and ignores an execution already shown', () => {
    fake.emit('fill', [
      { sessionId: SID, fill: fill('x1', T0 + MIN) },
      { sessionId: SID, fill: fill('x2', T0 + 2 * MIN) },
    ]);
    expect(state().snapshot!.fills.map((f) => f.executionId)).toEqual(['x2', 'x1', 'x0']);
    fake.emit('fill', [{ sessionId: SID, fill: fill('x2', T0 + 2 * MIN) }]);
    expect(state().snapshot!.fills).toHaveLength(3);
  });

  it('applies equity pushes: equity, cash, positions, the curve, the list and the account', () => {
    const positions = [
      {
        symbol: 'ACME',
        qty: 100,
        avgPrice: 50,
        lastPrice: 52,
        marketValue: 5_200,
        unrealizedPnl: 200,
        realizedPnl: 0,
      },
    ];
    fake.emit('equity', [{ sessionId: SID, time: T0 + MIN, equity: 100_200, cash: 95_000, positions }]);
    const snap = state().snapshot!;
    expect(snap.equity).toBe(100_200);
    expect(snap.cash).toBe(95_000);
    expect(snap.positions).toEqual(positions);
    expect(snap.equityCurve).toEqual({ time: [T0, T0 + MIN], equity: [100_000, 100_200] });
    expect(state().sessions[0]!.equity).toBe(100_200);
    expect(dayPnl(state().accounts[SID])).toBe(1_200);
    // Same time: the last point is replaced, not appended; an older point is ignored.
    fake.emit('equity', [{ sessionId: SID, time: T0 + MIN, equity: 100_300, cash: 95_000, positions }]);
    fake.emit('equity', [{ sessionId: SID, time: T0, equity: 1, cash: 1, positions: [] }]);
    expect(state().snapshot!.equityCurve).toEqual({ time: [T0, T0 + MIN], equity: [100_000, 100_300] });
    expect(state().snapshot!.equity).toBe(100_300);
  });

  it('keeps how far the screen is behind the engine, from the push time main stamped', () => {
    const sentAt = Date.now() - 40;
    fake.emit('equity', [
      { sessionId: SID, time: T0 + MIN, equity: 100_100, cash: 50_000, positions: [], sentAt },
    ]);
    const latency = state().accounts[SID]!.latencyMs!;
    expect(latency).toBeGreaterThanOrEqual(40);
    expect(latency).toBeLessThan(5_000);
    expect(state().accounts[SID]!.lastTime).toBe(T0 + MIN);
  });

  it('rolls the day start at 00:00 UTC of bar time to the last equity of the old day', () => {
    const nextDay = Date.UTC(2024, 0, 3, 0, 0);
    fake.emit('equity', [
      { sessionId: SID, time: T0 + MIN, equity: 100_500, cash: 100_500, positions: [] },
      { sessionId: SID, time: nextDay, equity: 100_400, cash: 100_400, positions: [] },
    ]);
    expect(state().accounts[SID]!.dayStartEquity).toBe(100_500);
    expect(state().snapshot!.dayStartEquity).toBe(100_500);
    expect(dayPnl(state().accounts[SID])).toBe(-100);
  });

  it('prepends alerts and raises a toast for each, whatever the session', () => {
    fake.emit('alert', [{ sessionId: SID, alert: alert(2, 'daily loss limit hit: HALTED') }]);
    fake.emit('alert', [{ sessionId: 's-other', alert: alert(3, 'feed stalled') }]);
    expect(state().snapshot!.alerts.map((a) => a.id)).toEqual([2, 1]);
    expect(state().toasts.map((t) => [t.sessionId, t.alert.message])).toEqual([
      [SID, 'daily loss limit hit: HALTED'],
      ['s-other', 'feed stalled'],
    ]);
    state().dismissToast(state().toasts[0]!.key);
    expect(state().toasts).toHaveLength(1);
  });

  it('appends live bars and their indicator values to the buffer in place and tracks the last bar per symbol', () => {
    const buffer = state().chartBars;
    expect(buffer['ACME']!.lines).toEqual([[Number.NaN]]);
    const bar = { time: T0 + MIN, open: 50.5, high: 52, low: 50, close: 51.5, volume: 900 };
    fake.emit('bar', [{ sessionId: SID, symbol: 'ACME', ...bar, indicators: [51] }]);
    expect(state().chartBars).toBe(buffer); // the chart's data set is not rebuilt per bar
    expect(buffer['ACME']!.close).toEqual([50.5, 51.5]);
    expect(buffer['ACME']!.lines).toEqual([[Number.NaN, 51]]);
    expect(state().lastBars['ACME']).toEqual(bar);
    // The same time again updates the bar (and its indicator values) in place.
    fake.emit('bar', [{ sessionId: SID, symbol: 'ACME', ...bar, close: 51.7, indicators: [51.1] }]);
    expect(buffer['ACME']!.close).toEqual([50.5, 51.7]);
    expect(buffer['ACME']!.lines).toEqual([[Number.NaN, 51.1]]);
    // A symbol without bars yet gets its own series.
    fake.emit('bar', [{ sessionId: SID, symbol: 'BOLT', ...bar }]);
    expect(buffer['BOLT']!.time).toEqual([T0 + MIN]);
  });

  it('queues pushes until the scheduled frame, then applies them in order in one go', () => {
    disconnect();
    const frames: (() => void)[] = [];
    disconnect = store.connect((apply) => frames.push(apply));
    let changes = 0;
    const unsubscribe = store.subscribe(() => changes++);
    const bar = (minutes: number, close: number) => ({
      sessionId: SID,
      symbol: 'ACME',
      time: T0 + minutes * MIN,
      open: 50,
      high: 52,
      low: 49,
      close,
      volume: 10,
    });
    fake.emit('bar', [bar(1, 51)]);
    fake.emit('fill', [{ sessionId: SID, fill: fill('x9', T0 + MIN) }]);
    fake.emit('bar', [bar(2, 52), bar(3, 53)]);
    expect(frames).toHaveLength(1); // one frame for everything that came before it
    expect(state().chartBars['ACME']!.close).toEqual([50.5]);
    expect(changes).toBe(0);
    frames[0]!();
    unsubscribe();
    expect(state().chartBars['ACME']!.close).toEqual([50.5, 51, 52, 53]);
    expect(state().snapshot!.fills[0]!.executionId).toBe('x9');
    expect(state().lastBars['ACME']!.close).toBe(53);
    // The next push asks for a new frame.
    fake.emit('bar', [bar(4, 54)]);
    expect(frames).toHaveLength(2);
  });

  it('applies a burst of pushes in one store update per frame, ending where one update per push ends', async () => {
    // The same pushes into a store that applies each one as it comes (the un-batched way).
    const plain = createSessionStore(fake.api);
    const offPlain = plain.connect((apply) => apply());
    await flush();
    await plain.getState().select(SID);
    disconnect();
    const frames: (() => void)[] = [];
    disconnect = store.connect((apply) => frames.push(apply));
    let updates = 0;
    const unsubscribe = store.subscribe(() => updates++);
    const positions = (qty: number) => [
      {
        symbol: 'ACME',
        qty,
        avgPrice: 50,
        lastPrice: 51,
        marketValue: qty * 51,
        unrealizedPnl: qty,
        realizedPnl: 0,
      },
    ];
    // 40 bars with their orders, fills, equity and a few alerts, interleaved as main's topics arrive.
    for (let k = 1; k <= 40; k++) {
      const time = T0 + k * MIN;
      const close = 50 + k / 10;
      fake.emit('bar', [
        { sessionId: SID, symbol: 'ACME', time, open: 50, high: 60, low: 40, close, volume: k },
        { sessionId: SID, symbol: 'BOLT', time, open: 20, high: 21, low: 19, close: 20 + k / 100, volume: 1 },
      ]);
      if (k % 3 === 0) {
        fake.emit('order', [{ sessionId: SID, order: order(`o${k}`, { updatedAt: time }) }]);
        fake.emit('order', [
          { sessionId: SID, order: order(`o${k}`, { status: 'filled', filledQty: 100, updatedAt: time }) },
        ]);
        fake.emit('fill', [{ sessionId: SID, fill: fill(`x${k}`, time) }]);
      }
      fake.emit('equity', [
        { sessionId: SID, time, equity: 100_000 + k, cash: 90_000 - k, positions: positions(k) },
      ]);
      if (k % 10 === 0) fake.emit('alert', [{ sessionId: SID, alert: alert(k, `alert ${k}`) }]);
    }
    expect(frames).toHaveLength(1);
    expect(updates).toBe(0);
    frames[0]!();
    unsubscribe();
    offPlain();
    expect(updates).toBe(1);
    const batched = state();
    const unbatched = plain.getState();
    for (const key of ['chartBars', 'lastBars', 'snapshot', 'accounts', 'sessions', 'toasts'] as const)
      expect(batched[key], key).toEqual(unbatched[key]);
    // Nothing dropped, in order: every bar, the newest order state, every fill newest first, the whole curve.
    expect(batched.chartBars['ACME']!.close.slice(-40)).toEqual(
      Array.from({ length: 40 }, (_, i) => 50 + (i + 1) / 10),
    );
    expect(batched.snapshot!.orders.find((o) => o.id === 'o39')!.status).toBe('filled');
    expect(batched.snapshot!.fills.slice(0, 3).map((f) => f.executionId)).toEqual(['x39', 'x36', 'x33']);
    expect(batched.snapshot!.equityCurve.equity.slice(-2)).toEqual([100_039, 100_040]);
    expect(batched.snapshot!.alerts.slice(0, 4).map((a) => a.id)).toEqual([40, 30, 20, 10]);
  });

  it('applies session-state pushes to the list and the snapshot, then refreshes the list and the risk reason', async () => {
    const listCalls = fake.calls.filter((c) => c.name === 'session:list').length;
    fake.emit('session-state', [{ sessionId: SID, runId: RUN, status: 'paused', riskState: 'ACTIVE' }]);
    expect(state().sessions[0]!.status).toBe('paused');
    expect(state().snapshot!.session.status).toBe('paused');
    await flush();
    expect(fake.calls.filter((c) => c.name === 'session:list').length).toBe(listCalls + 1);

    // HALTED: the badge changes at once; the reason (not in the push) comes from session:get.
    const halted = snapshot({ riskState: 'HALTED', riskReason: 'daily loss 5.2% ≥ 5%' });
    handlers['session:get'] = () => halted;
    await state().select(SID); // reload through an api that answers HALTED
    handlers['session:get'] = () => snapshot();
    expect(state().snapshot!.riskState).toBe('HALTED');
    expect(state().snapshot!.riskReason).toBe('daily loss 5.2% ≥ 5%');
    fake.emit('session-state', [{ sessionId: SID, runId: RUN, status: 'running', riskState: 'ACTIVE' }]);
    expect(state().snapshot!.riskState).toBe('ACTIVE');
    expect(state().snapshot!.riskReason).toBeNull();
    expect(state().accounts[SID]!.riskState).toBe('ACTIVE');
  });

  it('keeps the status message of a stop', () => {
    fake.emit('session-state', [
      {
        sessionId: SID,
        runId: RUN,
        status: 'stopped',
        riskState: 'ACTIVE',
        message: 'stopped by the user after flattening',
      },
    ]);
    expect(state().statusMessages[SID]).toBe('stopped by the user after flattening');
    expect(state().snapshot!.session.status).toBe('stopped');
  });

  it('reloads the snapshot when a new run of the selected session starts', async () => {
    const gets = () => fake.calls.filter((c) => c.name === 'session:get').length;
    const before = gets();
    fake.emit('session-state', [{ sessionId: SID, runId: 'r-run2', status: 'running', riskState: 'ACTIVE' }]);
    await flush();
    expect(gets()).toBe(before + 1);
  });

  it('replays pushes that arrive while the snapshot loads', async () => {
    let answer: (value: unknown) => void = () => {};
    const api: ApiClient = {
      subscribe: fake.api.subscribe,
      call: ((name: CallName): Promise<unknown> =>
        name === 'session:get'
          ? new Promise<unknown>((resolve) => {
              answer = (value) => resolve({ ok: true, value });
            })
          : Promise.resolve({
              ok: false,
              error: { code: 'internal', message: 'x' },
            })) as unknown as ApiClient['call'],
    };
    // A store bound to that API, fed by the same pushes.
    disconnect();
    store = createSessionStore(api);
    disconnect = store.connect((apply) => apply());
    const loading = state().select(SID);
    fake.emit('fill', [{ sessionId: SID, fill: fill('x7', T0 + 7 * MIN) }]);
    answer(snapshot()); // the snapshot was taken before x7
    await loading;
    expect(state().snapshot!.fills.map((f) => f.executionId)).toEqual(['x7', 'x0']);
  });

  it('reports call errors in words where they happened', async () => {
    const failing = fakeApi({
      'session:create': () => {
        throw new Error('config.risk.stopLoss: Too big: expected number to be <1');
      },
      'session:pause': () => {
        throw new Error(`session ${SID} is paused, not running`);
      },
    });
    store = createSessionStore(failing.api);
    expect(await state().create('x', { risk: { stopLoss: 5 } })).toBeNull();
    expect(state().errors.create).toBe('config.risk.stopLoss: Too big: expected number to be <1');
    expect(await state().pause(SID)).toBe(false);
    expect(state().errors.session).toBe(`Could not pause: session ${SID} is paused, not running`);
    expect(await state().pause(SID, 'topbar')).toBe(false);
    expect(state().errors.topbar).toMatch(/^Could not pause/);
  });

  it('creates and starts the demo session in one go', async () => {
    const created = {
      ...summary({ id: 's-demo', name: DEMO_NAME, status: 'idle', runId: null }),
      config: {},
    };
    const demo = fakeApi({
      'session:create': () => created,
      'session:start': () => summary({ id: 's-demo', name: DEMO_NAME, runId: 'r-demo' }),
      'session:get': () => snapshot({ session: created, runId: null }),
      'session:list': () => [summary({ id: 's-demo', name: DEMO_NAME, runId: 'r-demo' })],
    });
    store = createSessionStore(demo.api);
    expect(await state().startDemo()).toBe('s-demo');
    const create = demo.calls.find((c) => c.name === 'session:create');
    expect(create?.arg).toEqual({ name: DEMO_NAME, config: DEMO_CONFIG });
    expect(DEMO_CONFIG).toMatchObject({
      symbols: ['ACME', 'BOLT'],
      timeframe: '1m',
      feed: { kind: 'synthetic-live', speed: 120 },
    });
    expect(demo.calls.some((c) => c.name === 'session:start')).toBe(true);
    expect(state().selectedId).toBe('s-demo');
    expect(state().sessions.find((s) => s.id === 's-demo')?.status).toBe('running');
  });

  it('marks an acknowledged alert and drops its toast', async () => {
    fake.emit('alert', [{ sessionId: SID, alert: alert(2, 'drawdown past 10%') }]);
    handlers['alert:ack'] = () => ({ acknowledged: true });
    expect(await state().ackAlert(2)).toBe(true);
    expect(state().snapshot!.alerts.find((a) => a.id === 2)?.acknowledged).toBe(true);
    expect(state().toasts).toEqual([]);
  });
});
