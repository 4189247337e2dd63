// The Overview's view across sessions: each session's open positions, risk state and unacknowledged alerts, read
// from the same session:get the session page loads (no call of its own), while the Overview is on screen, and
// read again (at most every REFRESH_MS) when a fill, an alert or a session's state says something changed.
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { AlertRow, PositionRow } from '../../../shared/domain/session';
import type { RiskState } from '../../../shared/domain/trading';
import type { ConnectedClient } from '../api/client';
import type { SessionStore } from './sessions/session-store';

/** What the Overview shows of one session beyond its summary. */
export interface SessionGlance {
  readonly riskState: RiskState;
  /** Positions with a quantity (flat symbols left out). */
  readonly positions: readonly PositionRow[];
  /** Unacknowledged alerts of the session's current or last run, newest first. */
  readonly alerts: readonly AlertRow[];
}

export interface OverviewState {
  glances: Readonly<Record<string, SessionGlance>>;
  /** True once every session with a run was read at least once. */
  loaded: boolean;
  error: string | null;
  refresh(): Promise<void>;
  /** Acknowledges an alert through the sessions store (toasts and the session page follow) and drops it here. */
  acknowledge(alertId: number): Promise<void>;
}

export type OverviewStore = UseBoundStore<StoreApi<OverviewState>> & {
  /** Keeps the glances current while the Overview is shown; returns the unsubscribe. */
  watch(): () => void;
};

/** Fast feeds fill often; the Overview needs no more than a read every two seconds. */
export const REFRESH_MS = 2_000;

export function createOverviewStore(api: ConnectedClient, sessions: SessionStore): OverviewStore {
  const store = create<OverviewState>((set, get) => ({
    glances: {},
    loaded: false,
    error: null,
    async refresh() {
      const withRuns = sessions.getState().sessions.filter((s) => s.runId !== null);
      const answers = await Promise.all(withRuns.map((s) => api.call('session:get', { sessionId: s.id })));
      const glances: Record<string, SessionGlance> = {};
      let error: string | null = null;
      answers.forEach((answer, k) => {
        if (!answer.ok) {
          error = `Could not read ${withRuns[k]!.name}: ${answer.error.message}`;
          return;
        }
        const snapshot = answer.value;
        glances[snapshot.session.id] = {
          riskState: snapshot.riskState,
          positions: snapshot.positions.filter((p) => p.qty !== 0),
          alerts: snapshot.alerts.filter((a) => !a.acknowledged),
        };
      });
      set({ glances, loaded: sessions.getState().listLoaded, error });
    },
    async acknowledge(alertId) {
      if (!(await sessions.getState().ackAlert(alertId))) return;
      const glances = Object.fromEntries(
        Object.entries(get().glances).map(([id, g]) => [
          id,
          { ...g, alerts: g.alerts.filter((a) => a.id !== alertId) },
        ]),
      );
      set({ glances });
    },
  }));

  const watch = (): (() => void) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const read = (): void => {
      last = Date.now();
      void store.getState().refresh();
    };
    const soon = (): void => {
      if (timer !== undefined) return;
      const wait = Math.max(0, last + REFRESH_MS - Date.now());
      timer = setTimeout(() => {
        timer = undefined;
        read();
      }, wait);
    };
    // A new session, a new run or a status change changes what there is to read: at once (they are rare).
    const shape = (): string =>
      sessions
        .getState()
        .sessions.map((s) => `${s.id}:${s.runId}:${s.status}`)
        .join('|');
    let seen = shape();
    const offSessions = sessions.subscribe(() => {
      const now = shape();
      if (now !== seen) {
        seen = now;
        read();
      }
    });
    const offPushes = [
      api.subscribe('fill', soon),
      api.subscribe('alert', soon),
      api.subscribe('session-state', soon),
    ];
    read();
    return () => {
      if (timer !== undefined) clearTimeout(timer);
      offSessions();
      for (const off of offPushes) off();
    };
  };
  return Object.assign(store, { watch });
}
