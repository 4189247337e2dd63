// Paper-trading sessions: the list, the selected session's snapshot kept current by pushes (no polling), a small
// live account per session for the top bar, and alert toasts. Calls report their errors in words, per place.
import { create } from 'zustand';
import type { ApiClient } from '../../../shared/api/contract';
import type { ApiResult } from '../../../shared/api/result';
import type { BacktestOptionsInfo, StrategyInfo } from '../../../shared/domain/backtest';
import { type Bar, barAt, type IndicatorLines } from '../../../shared/domain/bars';
import type {
  AlertPush,
  AlertRow,
  BarPush,
  EquityPush,
  FillPush,
  FillRow,
  OrderPush,
  SessionSnapshot,
  SessionStatePush,
  SessionStatus,
  SessionSummary,
  StartReconciliation,
} from '../../../shared/domain/session';
import type { RiskState } from '../../../shared/domain/trading';
import type { ConnectionState } from '../api/client';

/**
 * A session symbol's bars for the chart, oldest first: store-owned growable columns that bar pushes append to in
 * place, with the strategy's indicator lines alongside.
 */
export interface LiveChartSeries {
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
  /** The indicator sets as the snapshot described them (their values as of the load; `lines` grows live). */
  readonly indicators: readonly IndicatorLines[];
  /** One growable column per indicator line, set by set and line by line, aligned with `time`; NaN = no value. */
  lines: number[][];
}

/** What the top bar and the session list need to know about a session's account between snapshots. */
export interface LiveAccount {
  readonly equity: number;
  readonly cash: number;
  /** Equity at the start of the current (UTC) trading day: day P&L is equity − dayStartEquity. */
  readonly dayStartEquity: number;
  /** Time of the last equity point (epoch ms), null before the first bar. */
  readonly lastTime: number | null;
  /** How long the last bar's results took from the engine to the store (ms), null until a push says. */
  readonly latencyMs: number | null;
  /** The synthetic feed's speed factor (× real time), when known from the config. */
  readonly speed: number | null;
  readonly riskState: RiskState;
  readonly riskReason: string | null;
}

export interface AlertToast {
  /** Unique per toast (the alert id, qualified by session). */
  readonly key: string;
  readonly sessionId: string;
  readonly alert: AlertRow;
}

/**
 * Where an error is shown: the sessions list, the "New session" form, the session page, the config editor, the top
 * bar, the start review dialog.
 */
export type ErrorPlace = 'list' | 'create' | 'session' | 'update' | 'topbar' | 'review';

/** An Alpaca paper session waiting for the user to accept (or cancel) what its account holds before it starts. */
export interface StartReview {
  readonly sessionId: string;
  readonly sessionName: string;
  /** Where the start was asked for: a start that fails after the dialog closes reports there. */
  readonly place: ErrorPlace;
  readonly report: StartReconciliation;
}

export interface SessionFormOptions {
  readonly strategies: readonly StrategyInfo[];
  readonly options: BacktestOptionsInfo | null;
}

export interface SessionState {
  sessions: readonly SessionSummary[];
  /** True once session:list answered at least once (tells "no sessions yet" from "not loaded yet"). */
  listLoaded: boolean;
  strategies: readonly StrategyInfo[];
  options: BacktestOptionsInfo | null;
  selectedId: string | null;
  /** The selected session as session:get gave it, then kept current by pushes (its `bars` as of the load). */
  snapshot: SessionSnapshot | null;
  /**
   * The selected session's chart series per symbol: built from the snapshot's bars when it loads, then grown in
   * place by bar pushes, so its identity changes only with a new load (the chart sets its data then and takes
   * live bars through `updateBar`).
   */
  chartBars: Readonly<Record<string, LiveChartSeries>>;
  /** The newest bar per symbol of the selected session (a new object per push: the chart and last prices follow it). */
  lastBars: Readonly<Record<string, Bar>>;
  /** True while the selected session's snapshot is loading. */
  loading: boolean;
  accounts: Readonly<Record<string, LiveAccount>>;
  /** The last status message per session (e.g. "stopped by the user after flattening"). */
  statusMessages: Readonly<Record<string, string>>;
  toasts: readonly AlertToast[];
  errors: Readonly<Partial<Record<ErrorPlace, string>>>;
  /** The action in flight per session (e.g. "start"), to disable its buttons meanwhile. */
  busy: Readonly<Record<string, string>>;
  /** The reconciliation report the user is looking at before an Alpaca start; null when no dialog is open. */
  startReview: StartReview | null;

  load(api: ApiClient): Promise<void>;
  loadOptions(api: ApiClient): Promise<void>;
  select(api: ApiClient, sessionId: string | null): Promise<void>;
  /** Loads a session's account (equity, day start, speed) without selecting it; for the top bar. */
  ensureAccount(api: ApiClient, sessionId: string): Promise<void>;
  create(api: ApiClient, name: string, config: Record<string, unknown>): Promise<string | null>;
  update(
    api: ApiClient,
    sessionId: string,
    change: { name?: string; config?: Record<string, unknown> },
  ): Promise<boolean>;
  start(api: ApiClient, sessionId: string, place?: ErrorPlace): Promise<boolean>;
  /**
   * What every Start button calls. A simulated session starts at once; an Alpaca paper session first has its account
   * checked (session:prepare): a clean report starts it, anything to accept or anything blocking opens the review.
   */
  requestStart(api: ApiClient, sessionId: string, place?: ErrorPlace): Promise<boolean>;
  /** Starts the reviewed session with its report accepted (positions adopted, foreign orders canceled). */
  acceptStart(api: ApiClient): Promise<boolean>;
  /** Closes the review without starting. */
  cancelStart(): void;
  pause(api: ApiClient, sessionId: string, place?: ErrorPlace): Promise<boolean>;
  resume(api: ApiClient, sessionId: string, place?: ErrorPlace): Promise<boolean>;
  stop(api: ApiClient, sessionId: string, flatten: boolean, place?: ErrorPlace): Promise<boolean>;
  flatten(api: ApiClient, sessionId: string): Promise<boolean>;
  resetHalt(api: ApiClient, sessionId: string): Promise<boolean>;
  /** Cancels a working order (at the session's next bar; its order push then shows it canceled). */
  cancelOrder(api: ApiClient, sessionId: string, orderId: string): Promise<boolean>;
  ackAlert(api: ApiClient, alertId: number): Promise<boolean>;
  /** Creates the demo session and starts it; the id, or null (the error is under "create"). */
  startDemo(api: ApiClient): Promise<string | null>;
  dismissToast(key: string): void;
  clearError(place: ErrorPlace): void;
}

export const DEMO_NAME = 'Demo — SMA crossover on ACME, BOLT';
export const DEMO_CONFIG: Readonly<Record<string, unknown>> = {
  symbols: ['ACME', 'BOLT'],
  timeframe: '1m',
  feed: { kind: 'synthetic-live', speed: 120 },
  strategy: { id: 'sma-crossover', params: {} },
};

/** Bars kept per symbol for the chart; older ones are dropped in chunks. */
const MAX_BARS = 20_000;
/** Rows kept in the orders, fills and alerts tables (the ledger keeps everything). */
const MAX_ROWS = 5_000;
/** Points kept in the equity curve. */
const MAX_EQUITY_POINTS = 50_000;
const MAX_TOASTS = 5;

const DAY_MS = 86_400_000;
const utcDay = (ms: number): number => Math.floor(ms / DAY_MS);

/** The session the shell follows (top bar, status line): the running one, else the one selected. */
export function activeSession(
  state: Pick<SessionState, 'sessions' | 'selectedId'>,
): SessionSummary | undefined {
  return (
    state.sessions.find((x) => x.status === 'running') ??
    state.sessions.find((x) => x.id === state.selectedId)
  );
}

/** The speed factor of a session's synthetic feed, from its config. */
export function feedSpeed(config: Readonly<Record<string, unknown>> | undefined): number | null {
  const feed = config?.['feed'] as { kind?: unknown; speed?: unknown } | undefined;
  return typeof feed?.speed === 'number' ? feed.speed : null;
}

function accountOf(snapshot: SessionSnapshot): LiveAccount {
  const last = snapshot.equityCurve.time.length;
  return {
    equity: snapshot.equity,
    cash: snapshot.cash,
    dayStartEquity: snapshot.dayStartEquity,
    lastTime: last > 0 ? snapshot.equityCurve.time[last - 1]! : null,
    latencyMs: null,
    speed: feedSpeed(snapshot.session.config),
    riskState: snapshot.riskState,
    riskReason: snapshot.riskReason,
  };
}

/** The snapshot's bars and indicator lines copied into store-owned arrays (the buffers bar pushes grow). */
function chartSeriesOf(bars: SessionSnapshot['bars']): Record<string, LiveChartSeries> {
  const own: Record<string, LiveChartSeries> = {};
  for (const [symbol, b] of Object.entries(bars)) {
    const n = b.length;
    const copy = (column: Float64Array) => Array.from(column.subarray(0, n));
    own[symbol] = {
      time: copy(b.time),
      open: copy(b.open),
      high: copy(b.high),
      low: copy(b.low),
      close: copy(b.close),
      volume: copy(b.volume),
      indicators: b.indicators,
      lines: b.indicators.flatMap((set) => set.lines.map((line) => copy(line.values))),
    };
  }
  return own;
}

function emptySeries(): LiveChartSeries {
  return { time: [], open: [], high: [], low: [], close: [], volume: [], indicators: [], lines: [] };
}

function lastBarsOf(bars: Readonly<Record<string, LiveChartSeries>>): Record<string, Bar> {
  const last: Record<string, Bar> = {};
  for (const [symbol, b] of Object.entries(bars)) {
    const i = b.time.length - 1;
    if (i >= 0) last[symbol] = barAt(b, i);
  }
  return last;
}

/**
 * Appends a bar (with its indicator values, null = none yet) to a series, or replaces the last one with the same
 * time; older bars are ignored.
 */
function appendBar(series: LiveChartSeries, bar: Bar, indicators: readonly (number | null)[] = []): boolean {
  const n = series.time.length;
  const lastTime = n > 0 ? series.time[n - 1]! : Number.NEGATIVE_INFINITY;
  if (bar.time < lastTime) return false;
  const value = (k: number) => indicators[k] ?? Number.NaN;
  if (bar.time === lastTime) {
    series.open[n - 1] = bar.open;
    series.high[n - 1] = bar.high;
    series.low[n - 1] = bar.low;
    series.close[n - 1] = bar.close;
    series.volume[n - 1] = bar.volume;
    series.lines.forEach((line, k) => {
      line[n - 1] = value(k);
    });
    return true;
  }
  series.time.push(bar.time);
  series.open.push(bar.open);
  series.high.push(bar.high);
  series.low.push(bar.low);
  series.close.push(bar.close);
  series.volume.push(bar.volume);
  series.lines.forEach((line, k) => {
    line.push(value(k));
  });
  if (series.time.length > MAX_BARS + 1_000) {
    const drop = series.time.length - MAX_BARS;
    for (const column of [series.time, series.open, series.high, series.low, series.close, series.volume])
      column.splice(0, drop);
    for (const line of series.lines) line.splice(0, drop);
  }
  return true;
}

function upsertSummary(
  sessions: readonly SessionSummary[],
  summary: SessionSummary,
): readonly SessionSummary[] {
  const i = sessions.findIndex((s) => s.id === summary.id);
  if (i < 0) return [summary, ...sessions];
  const next = sessions.slice();
  next[i] = summary;
  return next;
}

// ---------------------------------------------------------------- push reducers (pure over the state)

type Data = Pick<
  SessionState,
  'sessions' | 'selectedId' | 'snapshot' | 'chartBars' | 'lastBars' | 'accounts' | 'statusMessages' | 'toasts'
>;

function reduceBars(state: Data, batch: readonly BarPush[]): Partial<Data> | null {
  if (!state.snapshot || state.selectedId === null) return null;
  const buffer = state.chartBars as Record<string, LiveChartSeries>;
  let lastBars: Record<string, Bar> | null = null;
  for (const push of batch) {
    if (push.sessionId !== state.selectedId) continue;
    const { sessionId: _s, symbol, indicators, ...bar } = push;
    let series = buffer[symbol];
    if (!series) {
      series = emptySeries();
      buffer[symbol] = series; // in place: the buffer is the store's own (see `select`)
    }
    if (appendBar(series, bar, indicators)) {
      lastBars ??= { ...state.lastBars };
      lastBars[symbol] = bar;
    }
  }
  return lastBars ? { lastBars } : null;
}

function reduceOrders(state: Data, batch: readonly OrderPush[]): Partial<Data> | null {
  const snapshot = state.snapshot;
  if (!snapshot) return null;
  let orders: SessionSnapshot['orders'] | null = null;
  for (const { sessionId, order } of batch) {
    if (sessionId !== snapshot.session.id) continue;
    const current: SessionSnapshot['orders'] = orders ?? snapshot.orders;
    const i = current.findIndex((o) => o.id === order.id);
    if (i >= 0) {
      // An older event for an order already further along (replayed after a load) does not move it back.
      if (current[i]!.updatedAt > order.updatedAt) continue;
      const next = current.slice();
      next[i] = order;
      orders = next;
    } else {
      orders = [order, ...current].slice(0, MAX_ROWS);
    }
  }
  return orders ? { snapshot: { ...snapshot, orders } } : null;
}

function reduceFills(state: Data, batch: readonly FillPush[]): Partial<Data> | null {
  const snapshot = state.snapshot;
  if (!snapshot) return null;
  const fresh = batch.filter((p) => p.sessionId === snapshot.session.id).map((p) => p.fill);
  if (fresh.length === 0) return null;
  // Executions are unique; a fill already shown (the snapshot raced its push) is not shown twice.
  const known = new Set(snapshot.fills.slice(0, 500).map((f) => f.executionId));
  const added: FillRow[] = [];
  for (const fill of fresh) {
    if (known.has(fill.executionId)) continue;
    known.add(fill.executionId);
    added.push(fill);
  }
  if (added.length === 0) return null;
  added.reverse(); // newest first, like the snapshot
  return { snapshot: { ...snapshot, fills: [...added, ...snapshot.fills].slice(0, MAX_ROWS) } };
}

function reduceEquity(state: Data, batch: readonly EquityPush[]): Partial<Data> | null {
  const accounts = { ...state.accounts };
  const equityOf = new Map<string, number>();
  let snapshot = state.snapshot;
  let touched = false;
  for (const push of batch) {
    touched = true;
    equityOf.set(push.sessionId, push.equity);
    const before = accounts[push.sessionId];
    // Accounts start from a snapshot (which knows the day-start equity); pushes only carry them forward.
    if (before) {
      if (before.lastTime !== null && push.time < before.lastTime) continue;
      // The day rolls at 00:00 UTC of bar time: the last equity of the old day starts the new one.
      const rolled = before.lastTime !== null && utcDay(push.time) !== utcDay(before.lastTime);
      accounts[push.sessionId] = {
        ...before,
        equity: push.equity,
        cash: push.cash,
        dayStartEquity: rolled ? before.equity : before.dayStartEquity,
        lastTime: push.time,
        latencyMs: push.sentAt === undefined ? before.latencyMs : Math.max(0, Date.now() - push.sentAt),
      };
    }
    if (snapshot && snapshot.session.id === push.sessionId) {
      const curve = snapshot.equityCurve;
      const n = curve.time.length;
      const lastTime = n > 0 ? curve.time[n - 1]! : Number.NEGATIVE_INFINITY;
      if (push.time < lastTime) continue;
      let time: number[];
      let equity: number[];
      if (push.time === lastTime) {
        time = curve.time;
        equity = curve.equity.slice();
        equity[n - 1] = push.equity;
      } else {
        time = [...curve.time, push.time];
        equity = [...curve.equity, push.equity];
        if (time.length > MAX_EQUITY_POINTS) {
          time = time.slice(-MAX_EQUITY_POINTS);
          equity = equity.slice(-MAX_EQUITY_POINTS);
        }
      }
      snapshot = {
        ...snapshot,
        equity: push.equity,
        cash: push.cash,
        positions: push.positions,
        dayStartEquity: accounts[push.sessionId]?.dayStartEquity ?? snapshot.dayStartEquity,
        equityCurve: { time, equity },
      };
    }
  }
  if (!touched) return null;
  const sessions = state.sessions.map((s) =>
    equityOf.has(s.id) ? { ...s, equity: equityOf.get(s.id)! } : s,
  );
  return { accounts, sessions, snapshot };
}

function reduceAlerts(state: Data, batch: readonly AlertPush[]): Partial<Data> | null {
  if (batch.length === 0) return null;
  let snapshot = state.snapshot;
  const toasts = state.toasts.slice();
  for (const { sessionId, alert } of batch) {
    const key = `${sessionId}:${alert.id}`;
    if (!toasts.some((t) => t.key === key)) toasts.push({ key, sessionId, alert });
    if (snapshot && snapshot.session.id === sessionId && !snapshot.alerts.some((a) => a.id === alert.id)) {
      snapshot = { ...snapshot, alerts: [alert, ...snapshot.alerts].slice(0, MAX_ROWS) };
    }
  }
  return { snapshot, toasts: toasts.slice(-MAX_TOASTS) };
}

function reduceSessionState(state: Data, batch: readonly SessionStatePush[]): Partial<Data> | null {
  if (batch.length === 0) return null;
  let sessions = state.sessions;
  let snapshot = state.snapshot;
  const accounts = { ...state.accounts };
  const statusMessages = { ...state.statusMessages };
  for (const push of batch) {
    sessions = sessions.map((s) =>
      s.id === push.sessionId ? { ...s, status: push.status, runId: push.runId ?? s.runId } : s,
    );
    const account = accounts[push.sessionId];
    if (account) {
      accounts[push.sessionId] = {
        ...account,
        riskState: push.riskState,
        riskReason: push.riskState === 'ACTIVE' ? null : account.riskReason,
      };
    }
    if (push.message !== undefined) statusMessages[push.sessionId] = push.message;
    else if (push.status === 'running') delete statusMessages[push.sessionId];
    if (snapshot && snapshot.session.id === push.sessionId && push.runId === snapshot.runId) {
      snapshot = {
        ...snapshot,
        riskState: push.riskState,
        riskReason: push.riskState === 'ACTIVE' ? null : snapshot.riskReason,
        session: { ...snapshot.session, status: push.status },
      };
    }
  }
  return { sessions, snapshot, accounts, statusMessages };
}

// ---------------------------------------------------------------- the store

const initialData = {
  sessions: [] as readonly SessionSummary[],
  listLoaded: false,
  strategies: [] as readonly StrategyInfo[],
  options: null as BacktestOptionsInfo | null,
  selectedId: null as string | null,
  snapshot: null as SessionSnapshot | null,
  chartBars: {} as Readonly<Record<string, LiveChartSeries>>,
  lastBars: {} as Readonly<Record<string, Bar>>,
  loading: false,
  accounts: {} as Readonly<Record<string, LiveAccount>>,
  statusMessages: {} as Readonly<Record<string, string>>,
  toasts: [] as readonly AlertToast[],
  errors: {} as Readonly<Partial<Record<ErrorPlace, string>>>,
  busy: {} as Readonly<Record<string, string>>,
  startReview: null as StartReview | null,
};

/** Pushes that arrive while the selected snapshot loads, replayed onto it once it is there. */
type Buffered =
  | { topic: 'bar'; batch: readonly BarPush[] }
  | { topic: 'order'; batch: readonly OrderPush[] }
  | { topic: 'fill'; batch: readonly FillPush[] }
  | { topic: 'equity'; batch: readonly EquityPush[] }
  | { topic: 'alert'; batch: readonly AlertPush[] };
let buffered: Buffered[] | null = null;
/** Which load is current: a newer select() makes an older answer stale. */
let loadSeq = 0;
/** The run a snapshot is being loaded for, so a push and a call answer do not load it twice. */
let loadingRun: string | null = null;

export const useSessionStore = create<SessionState>((set, get) => {
  const setError = (place: ErrorPlace, message: string | null): void => {
    const errors = { ...get().errors };
    if (message === null) delete errors[place];
    else errors[place] = message;
    set({ errors });
  };
  const setBusy = (sessionId: string, action: string | null): void => {
    const busy = { ...get().busy };
    if (action === null) delete busy[sessionId];
    else busy[sessionId] = action;
    set({ busy });
  };

  /** A lifecycle call: busy meanwhile, the answer merged into the list, the error in words where asked. */
  const lifecycle = async (
    api: ApiClient,
    sessionId: string,
    action: string,
    place: ErrorPlace,
    call: () => Promise<ApiResult<SessionSummary>>,
  ): Promise<boolean> => {
    setBusy(sessionId, action);
    const result = await call();
    setBusy(sessionId, null);
    if (!result.ok) {
      setError(place, `Could not ${action}: ${result.error.message}`);
      return false;
    }
    setError(place, null);
    const summary = result.value;
    set({ sessions: upsertSummary(get().sessions, summary) });
    await reloadIfNewRun(api, summary.id, summary.runId);
    void refreshList(api);
    return true;
  };

  return {
    ...initialData,

    async load(api) {
      await Promise.all([refreshList(api), get().loadOptions(api)]);
    },

    async loadOptions(api) {
      const [strategies, options] = await Promise.all([
        api.call('strategy:list', {}),
        api.call('backtest:options', {}),
      ]);
      if (!strategies.ok) return setError('create', strategies.error.message);
      if (!options.ok) return setError('create', options.error.message);
      set({ strategies: strategies.value, options: options.value });
    },

    async select(api, sessionId) {
      const seq = ++loadSeq;
      if (sessionId === null) {
        buffered = null;
        loadingRun = null;
        return set({ selectedId: null, snapshot: null, chartBars: {}, lastBars: {}, loading: false });
      }
      const keep = get().snapshot?.session.id === sessionId;
      set({
        selectedId: sessionId,
        loading: true,
        ...(!keep && { snapshot: null, chartBars: {}, lastBars: {} }),
      });
      buffered = [];
      const result = await api.call('session:get', { sessionId });
      if (seq !== loadSeq) return; // the user moved on meanwhile
      loadingRun = null;
      const replay = buffered ?? [];
      buffered = null;
      if (!result.ok) {
        set({ loading: false });
        return setError('session', result.error.message);
      }
      const loaded = result.value;
      const chartBars = chartSeriesOf(loaded.bars);
      const { config: _config, ...summary } = loaded.session;
      set({
        snapshot: loaded,
        chartBars,
        lastBars: lastBarsOf(chartBars),
        loading: false,
        accounts: { ...get().accounts, [sessionId]: accountOf(loaded) },
        sessions: upsertSummary(get().sessions, summary),
      });
      setError('session', null);
      for (const item of replay) applyPush(item);
    },

    async ensureAccount(api, sessionId) {
      if (get().accounts[sessionId] || get().selectedId === sessionId) return;
      const result = await api.call('session:get', { sessionId });
      if (!result.ok || get().accounts[sessionId]) return;
      set({ accounts: { ...get().accounts, [sessionId]: accountOf(result.value) } });
    },

    async create(api, name, config) {
      const result = await api.call('session:create', { name, config });
      if (!result.ok) {
        setError('create', result.error.message);
        return null;
      }
      setError('create', null);
      const { config: _c, ...summary } = result.value;
      set({ sessions: upsertSummary(get().sessions, summary) });
      await get().select(api, result.value.id);
      void refreshList(api);
      return result.value.id;
    },

    async update(api, sessionId, change) {
      const result = await api.call('session:update', { sessionId, ...change });
      if (!result.ok) {
        setError('update', result.error.message);
        return false;
      }
      setError('update', null);
      const { config: _c, ...summary } = result.value;
      set({ sessions: upsertSummary(get().sessions, summary) });
      const snapshot = get().snapshot;
      if (snapshot && snapshot.session.id === sessionId) {
        set({ snapshot: { ...snapshot, session: result.value } });
        const speed = feedSpeed(result.value.config);
        const account = get().accounts[sessionId];
        if (account) set({ accounts: { ...get().accounts, [sessionId]: { ...account, speed } } });
      }
      return true;
    },

    start: (api, sessionId, place = 'session') =>
      lifecycle(api, sessionId, 'start', place, () => api.call('session:start', { sessionId })),

    async requestStart(api, sessionId, place = 'session') {
      const state = get();
      const session =
        state.sessions.find((s) => s.id === sessionId) ??
        (state.snapshot?.session.id === sessionId ? state.snapshot.session : undefined);
      if (session?.venue !== 'alpaca-paper') return state.start(api, sessionId, place);
      setBusy(sessionId, 'check the account');
      const prepared = await api.call('session:prepare', { sessionId });
      setBusy(sessionId, null);
      if (!prepared.ok) {
        setError(place, `Could not check the Alpaca account: ${prepared.error.message}`);
        return false;
      }
      setError(place, null);
      const report = prepared.value;
      if (report.canStart && !report.needsAcceptance) return get().start(api, sessionId, place);
      setError('review', null);
      set({ startReview: { sessionId, sessionName: session.name, place, report } });
      return false;
    },

    async acceptStart(api) {
      const review = get().startReview;
      if (!review?.report.canStart) return false;
      const ok = await lifecycle(api, review.sessionId, 'start', 'review', () =>
        api.call('session:start', { sessionId: review.sessionId, accept: true }),
      );
      // On failure the dialog stays open with the reason; the user cancels or tries again.
      if (ok && get().startReview === review) set({ startReview: null });
      return ok;
    },

    cancelStart() {
      setError('review', null);
      set({ startReview: null });
    },
    pause: (api, sessionId, place = 'session') =>
      lifecycle(api, sessionId, 'pause', place, () => api.call('session:pause', { sessionId })),
    resume: (api, sessionId, place = 'session') =>
      lifecycle(api, sessionId, 'resume', place, () => api.call('session:resume', { sessionId })),
    stop: (api, sessionId, flatten, place = 'session') =>
      lifecycle(api, sessionId, flatten ? 'stop and flatten' : 'stop', place, () =>
        api.call('session:stop', { sessionId, flatten }),
      ),
    flatten: (api, sessionId) =>
      lifecycle(api, sessionId, 'flatten', 'session', () => api.call('session:flatten', { sessionId })),

    async resetHalt(api, sessionId) {
      const ok = await lifecycle(api, sessionId, 'reset the halt', 'session', () =>
        api.call('session:reset-halt', { sessionId }),
      );
      // The reset applies at the next bar; the session-state push that follows refreshes the reason.
      return ok;
    },

    cancelOrder: (api, sessionId, orderId) =>
      lifecycle(api, sessionId, 'cancel the order', 'session', () =>
        api.call('session:cancel-order', { sessionId, orderId }),
      ),

    async ackAlert(api, alertId) {
      const result = await api.call('alert:ack', { alertId });
      if (!result.ok) {
        setError('session', `Could not acknowledge the alert: ${result.error.message}`);
        return false;
      }
      const mark = (a: AlertRow): AlertRow => (a.id === alertId ? { ...a, acknowledged: true } : a);
      const snapshot = get().snapshot;
      set({
        toasts: get().toasts.filter((t) => t.alert.id !== alertId),
        ...(snapshot && { snapshot: { ...snapshot, alerts: snapshot.alerts.map(mark) } }),
      });
      return true;
    },

    async startDemo(api) {
      const id = await get().create(api, DEMO_NAME, { ...DEMO_CONFIG });
      if (id === null) return null;
      return (await get().start(api, id, 'create')) ? id : null;
    },

    dismissToast(key) {
      set({ toasts: get().toasts.filter((t) => t.key !== key) });
    },

    clearError(place) {
      setError(place, null);
    },
  };
});

async function refreshList(api: ApiClient): Promise<void> {
  const result = await api.call('session:list', {});
  const { errors } = useSessionStore.getState();
  if (!result.ok) {
    useSessionStore.setState({ errors: { ...errors, list: result.error.message } });
    return;
  }
  const { list: _l, ...rest } = errors;
  // Equity in the list follows equity pushes; keep the pushed value when it is newer than what was listed.
  const accounts = useSessionStore.getState().accounts;
  const sessions = result.value.map((s) => {
    const account = accounts[s.id];
    return account && (s.status === 'running' || s.status === 'paused' || s.status === 'stopping')
      ? { ...s, equity: account.equity }
      : s;
  });
  useSessionStore.setState({ sessions, listLoaded: true, errors: rest });
}

/** A new run of the selected session (started from here, or elsewhere) means a new snapshot. */
async function reloadIfNewRun(api: ApiClient, sessionId: string, runId: string | null): Promise<void> {
  const { selectedId, snapshot, select } = useSessionStore.getState();
  if (selectedId !== sessionId || runId === null) return;
  if (snapshot && snapshot.runId === runId) return;
  if (loadingRun === runId) return;
  loadingRun = runId;
  await select(api, sessionId);
}

/** The risk reason is not in the push: refresh the account fields of the selected snapshot from session:get. */
async function refreshRisk(api: ApiClient, sessionId: string): Promise<void> {
  const result = await api.call('session:get', { sessionId });
  if (!result.ok) return;
  const { snapshot, accounts } = useSessionStore.getState();
  const account = accounts[sessionId];
  const fresh = result.value;
  if (account) {
    useSessionStore.setState({
      accounts: {
        ...accounts,
        [sessionId]: {
          ...account,
          riskState: fresh.riskState,
          riskReason: fresh.riskReason,
          dayStartEquity: fresh.dayStartEquity,
        },
      },
    });
  }
  if (!snapshot || snapshot.session.id !== sessionId || snapshot.runId !== fresh.runId) return;
  useSessionStore.setState({
    snapshot: {
      ...snapshot,
      session: fresh.session,
      riskState: fresh.riskState,
      riskReason: fresh.riskReason,
      dayStartEquity: fresh.dayStartEquity,
      reconciliation: fresh.reconciliation,
    },
  });
}

function applyPush(item: Buffered): void {
  const state = useSessionStore.getState();
  let patch: Partial<Data> | null;
  switch (item.topic) {
    case 'bar':
      patch = reduceBars(state, item.batch);
      break;
    case 'order':
      patch = reduceOrders(state, item.batch);
      break;
    case 'fill':
      patch = reduceFills(state, item.batch);
      break;
    case 'equity':
      patch = reduceEquity(state, item.batch);
      break;
    case 'alert':
      patch = reduceAlerts(state, item.batch);
      break;
  }
  if (patch) useSessionStore.setState(patch);
}

/** While a snapshot loads, pushes for it are also kept to be replayed onto it (they are idempotent). */
function onPush(item: Buffered): void {
  if (buffered) buffered.push(item);
  applyPush(item);
}

/** Runs `apply` when the pushes queued so far should reach the store. */
export type PushScheduler = (apply: () => void) => void;

/** How long pushes gather before they reach the store together. */
const PUSH_APPLY_MS = 33;

/**
 * A task of its own every PUSH_APPLY_MS: a fast feed sends a batch per topic every 16 ms, and rendering the page
 * once per batch made long tasks; this way the bars, orders, fills and equity of ~2 frames render together, at most
 * 30 times a second, and not inside the charts' paint frame (which would make that one task longer).
 */
export const throttledTask: PushScheduler = (apply) => {
  setTimeout(apply, PUSH_APPLY_MS);
};

/** Wires the session pushes into the store (and reloads on connect); returns the unsubscribe. */
export function connectSessionStore(
  api: ApiClient & { onConnection?: (listener: (state: ConnectionState) => void) => () => void },
  schedule: PushScheduler = throttledTask,
): () => void {
  const store = useSessionStore;
  let queue: Buffered[] = [];
  const enqueue = (item: Buffered): void => {
    queue.push(item);
    if (queue.length > 1) return; // already scheduled
    schedule(() => {
      const items = queue;
      queue = [];
      for (const queued of items) onPush(queued);
    });
  };
  const offs = [
    api.subscribe('bar', (batch) => enqueue({ topic: 'bar', batch })),
    api.subscribe('order', (batch) => enqueue({ topic: 'order', batch })),
    api.subscribe('fill', (batch) => enqueue({ topic: 'fill', batch })),
    api.subscribe('equity', (batch) => enqueue({ topic: 'equity', batch })),
    api.subscribe('alert', (batch) => enqueue({ topic: 'alert', batch })),
    api.subscribe('session-state', (batch) => {
      const before = store.getState();
      const patch = reduceSessionState(before, batch);
      if (patch) store.setState(patch);
      const selected = before.selectedId;
      const mine = batch.filter((p) => p.sessionId === selected);
      const last = mine[mine.length - 1];
      if (selected !== null && last) {
        if (last.runId !== null && last.runId !== before.snapshot?.runId)
          void reloadIfNewRun(api, selected, last.runId);
        else void refreshRisk(api, selected);
      }
      void refreshList(api);
    }),
  ];
  const reload = (): void => {
    void store.getState().load(api);
    const selected = store.getState().selectedId;
    if (selected !== null) void store.getState().select(api, selected);
  };
  let offConnection = (): void => {};
  if (api.onConnection) {
    offConnection = api.onConnection((state) => {
      if (state === 'connected') reload();
    });
  } else {
    reload();
  }
  return () => {
    for (const off of offs) off();
    offConnection();
  };
}

/** For tests: back to the initial state. */
export function resetSessionStore(): void {
  buffered = null;
  loadSeq = 0;
  loadingRun = null;
  useSessionStore.setState({ ...initialData });
}

/** Whether a session's status allows an action (the buttons' enabled state). */
export function canDo(
  status: SessionStatus | undefined,
  action: 'start' | 'pause' | 'resume' | 'stop' | 'flatten' | 'edit',
): boolean {
  switch (action) {
    case 'start':
    case 'edit':
      return status === 'idle' || status === 'stopped' || status === 'failed';
    case 'pause':
      return status === 'running';
    case 'resume':
      return status === 'paused';
    case 'stop':
      return status === 'running' || status === 'paused' || status === 'starting';
    case 'flatten':
      return status === 'running' || status === 'paused';
  }
  return false;
}

/** Day P&L of an account: equity − day-start equity. */
export function dayPnl(account: LiveAccount | undefined): number | null {
  return account ? account.equity - account.dayStartEquity : null;
}
