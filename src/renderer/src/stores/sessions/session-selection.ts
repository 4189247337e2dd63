// The session being looked at: selecting one loads its snapshot (pushes that arrive meanwhile are replayed onto it),
// a new run reloads it, a risk change refreshes its account fields; plus the list refresh and the dismissable UI
// state (toasts, errors, the start review).

import { accountOf, chartSeriesOf, lastBarsOf, reducePush, upsertSummary } from './session-reducers';
import type { SessionKit, SessionPush, SessionState } from './session-state';

/** Asks main for the session list, keeping pushed equity where it is newer than what was listed. */
export async function refreshList({ api, get, set }: SessionKit): Promise<void> {
  const result = await api.call('session:list', {});
  const { errors } = get();
  if (!result.ok) {
    set({ errors: { ...errors, list: result.error.message } });
    return;
  }
  const { list: _l, ...rest } = errors;
  // Equity in the list follows equity pushes; keep the pushed value when it is newer than what was listed.
  const accounts = get().accounts;
  const sessions = result.value.map((s) => {
    const account = accounts[s.id];
    return account && (s.status === 'running' || s.status === 'paused' || s.status === 'stopping')
      ? { ...s, equity: account.equity }
      : s;
  });
  set({ sessions, listLoaded: true, errors: rest });
}

/** A new run of the selected session (started from here, or elsewhere) means a new snapshot. */
export async function reloadIfNewRun(
  kit: SessionKit,
  sessionId: string,
  runId: string | null,
): Promise<void> {
  const { selectedId, snapshot, select } = kit.get();
  if (selectedId !== sessionId || runId === null) return;
  if (snapshot && snapshot.runId === runId) return;
  if (kit.load.run === runId) return;
  kit.load.run = runId;
  await select(sessionId);
}

/** The risk reason is not in the push: refresh the account fields of the selected snapshot from session:get. */
export async function refreshRisk({ api, get, set }: SessionKit, sessionId: string): Promise<void> {
  const result = await api.call('session:get', { sessionId });
  if (!result.ok) return;
  const { snapshot, accounts } = get();
  const account = accounts[sessionId];
  const fresh = result.value;
  if (account) {
    set({
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
  set({
    snapshot: {
      ...snapshot,
      session: fresh.session,
      riskState: fresh.riskState,
      riskReason: fresh.riskReason,
      dayStartEquity: fresh.dayStartEquity,
      ...(fresh.limitBasis !== undefined && { limitBasis: fresh.limitBasis }),
      reconciliation: fresh.reconciliation,
    },
  });
}

/**
 * Pushes reduced in order into one patch: one store update however many there were. While a snapshot loads, they
 * are also kept to be replayed onto it (they are idempotent).
 */
export function applyPushes(kit: SessionKit, items: readonly SessionPush[], keep = true): void {
  if (keep && kit.load.buffered) kit.load.buffered.push(...items);
  let state = kit.get();
  let patch: Partial<SessionState> | null = null;
  for (const item of items) {
    const change = reducePush(state, item);
    if (!change) continue;
    state = { ...state, ...change };
    patch = { ...(patch ?? {}), ...change };
  }
  if (patch) kit.set(patch);
}

export function selectionSlice(
  kit: SessionKit,
): Pick<SessionState, 'select' | 'ensureAccount' | 'cancelStart' | 'dismissToast' | 'clearError'> {
  const { api, get, set, load, setError } = kit;
  return {
    async select(sessionId) {
      const seq = ++load.seq;
      if (sessionId === null) {
        load.buffered = null;
        load.run = null;
        return set({ selectedId: null, snapshot: null, chartBars: {}, lastBars: {}, loading: false });
      }
      const keep = get().snapshot?.session.id === sessionId;
      set({
        selectedId: sessionId,
        loading: true,
        ...(!keep && { snapshot: null, chartBars: {}, lastBars: {} }),
      });
      load.buffered = [];
      const result = await api.call('session:get', { sessionId });
      if (seq !== load.seq) return; // the user moved on meanwhile
      load.run = null;
      const replay = load.buffered ?? [];
      load.buffered = null;
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
      applyPushes(kit, replay, false);
    },

    async ensureAccount(sessionId) {
      if (get().accounts[sessionId] || get().selectedId === sessionId) return;
      const result = await api.call('session:get', { sessionId });
      if (!result.ok || get().accounts[sessionId]) return;
      set({ accounts: { ...get().accounts, [sessionId]: accountOf(result.value) } });
    },

    cancelStart() {
      setError('review', null);
      set({ startReview: null });
    },

    dismissToast(key) {
      set({ toasts: get().toasts.filter((t) => t.key !== key) });
    },

    clearError(place) {
      setError(place, null);
    },
  };
}
