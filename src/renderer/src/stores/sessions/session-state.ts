// The session store's shape: what the sessions view, the top bar and the toasts read, what its actions are, and the
// plumbing its slices share. Also the small readings of it the views make (the active session, day P&L, which
// buttons are live).

import type { StoreApi } from 'zustand';
import type { ApiClient } from '../../../../shared/api/contract';
import type { FieldProblem } from '../../../../shared/api/field-errors';
import type { Bar, IndicatorLines } from '../../../../shared/domain/bars';
import type {
  AlertPush,
  AlertRow,
  BarPush,
  EquityPush,
  FillPush,
  OrderPush,
  SessionSnapshot,
  SessionStatus,
  SessionSummary,
  StartReconciliation,
} from '../../../../shared/domain/session';
import type { RiskState } from '../../../../shared/domain/trading';
import type { ConnectionState } from '../../api/client';
import type { CatalogueStore } from '../catalogue-store';

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

/** The store's data: what the views read and the push reducers write. */
export interface SessionData {
  sessions: readonly SessionSummary[];
  /** True once session:list answered at least once (tells "no sessions yet" from "not loaded yet"). */
  listLoaded: boolean;
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
  /** The fields main named with that error (a refused config), for the form to mark beside each field. */
  fieldErrors: Readonly<Partial<Record<ErrorPlace, readonly FieldProblem[]>>>;
  /** The action in flight per session (e.g. "start"), to disable its buttons meanwhile. */
  busy: Readonly<Record<string, string>>;
  /** The reconciliation report the user is looking at before an Alpaca start; null when no dialog is open. */
  startReview: StartReview | null;
}

export interface SessionState extends SessionData {
  /** The session list and the strategy catalogue the "New session" form needs. */
  load(): Promise<void>;
  loadOptions(): Promise<void>;
  select(sessionId: string | null): Promise<void>;
  /** Loads a session's account (equity, day start, speed) without selecting it; for the top bar. */
  ensureAccount(sessionId: string): Promise<void>;
  create(name: string, config: Record<string, unknown>): Promise<string | null>;
  update(sessionId: string, change: { name?: string; config?: Record<string, unknown> }): Promise<boolean>;
  start(sessionId: string, place?: ErrorPlace): Promise<boolean>;
  /**
   * What every Start button calls. A simulated session starts at once; an Alpaca paper session first has its account
   * checked (session:prepare): a clean report starts it, anything to accept or anything blocking opens the review.
   */
  requestStart(sessionId: string, place?: ErrorPlace): Promise<boolean>;
  /** Starts the reviewed session with its report accepted (positions adopted, foreign orders canceled). */
  acceptStart(): Promise<boolean>;
  /** Closes the review without starting. */
  cancelStart(): void;
  pause(sessionId: string, place?: ErrorPlace): Promise<boolean>;
  resume(sessionId: string, place?: ErrorPlace): Promise<boolean>;
  stop(sessionId: string, flatten: boolean, place?: ErrorPlace): Promise<boolean>;
  flatten(sessionId: string): Promise<boolean>;
  resetHalt(sessionId: string): Promise<boolean>;
  /** Cancels a working order (at the session's next bar; its order push then shows it canceled). */
  cancelOrder(sessionId: string, orderId: string): Promise<boolean>;
  /** A market order for the whole of one symbol's position, at the next bar. */
  closePosition(sessionId: string, symbol: string): Promise<boolean>;
  ackAlert(alertId: number): Promise<boolean>;
  /** Creates the demo session and starts it; the id, or null (the error is under "create"). */
  startDemo(): Promise<string | null>;
  dismissToast(key: string): void;
  clearError(place: ErrorPlace): void;
}

export const initialSessionData = (): SessionData => ({
  sessions: [],
  listLoaded: false,
  selectedId: null,
  snapshot: null,
  chartBars: {},
  lastBars: {},
  loading: false,
  accounts: {},
  statusMessages: {},
  toasts: [],
  errors: {},
  fieldErrors: {},
  busy: {},
  startReview: null,
});

/** A batch of one topic's pushes; kept while a snapshot loads, to be replayed onto it once it is there. */
export type SessionPush =
  | { topic: 'bar'; batch: readonly BarPush[] }
  | { topic: 'order'; batch: readonly OrderPush[] }
  | { topic: 'fill'; batch: readonly FillPush[] }
  | { topic: 'equity'; batch: readonly EquityPush[] }
  | { topic: 'alert'; batch: readonly AlertPush[] };

/** The API a session store is bound to; `onConnection` when the transport can drop and come back. */
export type SessionApi = ApiClient & {
  onConnection?: (listener: (state: ConnectionState) => void) => () => void;
};

/** The snapshot being loaded: pushes that came meanwhile, which load is current, and for which run. */
export interface SnapshotLoad {
  /** Pushes that arrive while the selected snapshot loads, replayed onto it once it is there. */
  buffered: SessionPush[] | null;
  /** Which load is current: a newer select() makes an older answer stale. */
  seq: number;
  /** The run a snapshot is being loaded for, so a push and a call answer do not load it twice. */
  run: string | null;
}

/** What the store's slices share: the bound API, the store itself and the snapshot load in flight. */
export interface SessionKit {
  readonly api: SessionApi;
  readonly catalogue: CatalogueStore;
  readonly set: StoreApi<SessionState>['setState'];
  readonly get: () => SessionState;
  readonly load: SnapshotLoad;
  setError(place: ErrorPlace, message: string | null, fields?: readonly FieldProblem[]): void;
  setBusy(sessionId: string, action: string | null): void;
}

export const DEMO_NAME = 'Demo — SMA crossover on ACME, BOLT';
export const DEMO_CONFIG: Readonly<Record<string, unknown>> = {
  symbols: ['ACME', 'BOLT'],
  timeframe: '1m',
  feed: { kind: 'synthetic-live', speed: 120 },
  strategy: { id: 'sma-crossover', params: {} },
};

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
