// What the user asks of sessions: create, edit, start (through the Alpaca account review when it needs one), pause,
// resume, stop, flatten, reset a halt, cancel an order, acknowledge an alert. Each answer is merged into the list and
// each failure is kept in words at the place it was asked from.
import type { ApiResult } from '../../../../shared/api/result';
import type { AlertRow, SessionSummary } from '../../../../shared/domain/session';
import { upsertSummary } from './session-reducers';
import { refreshList, reloadIfNewRun, type selectionSlice } from './session-selection';
import {
  DEMO_CONFIG,
  DEMO_NAME,
  type ErrorPlace,
  feedSpeed,
  type SessionData,
  type SessionKit,
  type SessionState,
} from './session-state';

type SessionCalls = Omit<SessionState, keyof SessionData | keyof ReturnType<typeof selectionSlice>>;

export function callsSlice(kit: SessionKit): SessionCalls {
  const { api, get, set, setError, setBusy } = kit;

  /** A lifecycle call: busy meanwhile, the answer merged into the list, the error in words where asked. */
  const lifecycle = async (
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
    await reloadIfNewRun(kit, summary.id, summary.runId);
    void refreshList(kit);
    return true;
  };

  /**
   * A paused synthetic market makes no bars, so a control applied "at the next bar" waits for Resume: say so, until
   * the running push clears it. A real market keeps making bars, so there it runs while paused.
   */
  const noteQueued = (sessionId: string, message: string): void => {
    const summary = get().sessions.find((s) => s.id === sessionId);
    if (summary?.status !== 'paused' || summary.venue === 'alpaca-paper') return;
    set({ statusMessages: { ...get().statusMessages, [sessionId]: message } });
  };

  return {
    async load() {
      await Promise.all([refreshList(kit), get().loadOptions()]);
    },

    async loadOptions() {
      const error = await kit.catalogue.getState().load();
      if (error !== null) setError('create', error);
    },

    async create(name, config) {
      const result = await api.call('session:create', { name, config });
      if (!result.ok) {
        setError('create', result.error.message, result.error.fields);
        return null;
      }
      setError('create', null);
      const { config: _c, ...summary } = result.value;
      set({ sessions: upsertSummary(get().sessions, summary) });
      await get().select(result.value.id);
      void refreshList(kit);
      return result.value.id;
    },

    async update(sessionId, change) {
      const result = await api.call('session:update', { sessionId, ...change });
      if (!result.ok) {
        setError('update', result.error.message, result.error.fields);
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

    start: (sessionId, place = 'session') =>
      lifecycle(sessionId, 'start', place, () => api.call('session:start', { sessionId })),

    async requestStart(sessionId, place = 'session') {
      const state = get();
      const session =
        state.sessions.find((s) => s.id === sessionId) ??
        (state.snapshot?.session.id === sessionId ? state.snapshot.session : undefined);
      if (session?.venue !== 'alpaca-paper') return state.start(sessionId, place);
      setBusy(sessionId, 'check the account');
      const prepared = await api.call('session:prepare', { sessionId });
      setBusy(sessionId, null);
      if (!prepared.ok) {
        setError(place, `Could not check the Alpaca account: ${prepared.error.message}`);
        return false;
      }
      setError(place, null);
      const report = prepared.value;
      if (report.canStart && !report.needsAcceptance) return get().start(sessionId, place);
      setError('review', null);
      set({ startReview: { sessionId, sessionName: session.name, place, report } });
      return false;
    },

    async acceptStart() {
      const review = get().startReview;
      if (!review?.report.canStart) return false;
      const ok = await lifecycle(review.sessionId, 'start', 'review', () =>
        api.call('session:start', { sessionId: review.sessionId, accept: true }),
      );
      // On failure the dialog stays open with the reason; the user cancels or tries again.
      if (ok && get().startReview === review) set({ startReview: null });
      return ok;
    },

    pause: (sessionId, place = 'session') =>
      lifecycle(sessionId, 'pause', place, () => api.call('session:pause', { sessionId })),
    resume: (sessionId, place = 'session') =>
      lifecycle(sessionId, 'resume', place, () => api.call('session:resume', { sessionId })),
    stop: (sessionId, flatten, place = 'session') =>
      lifecycle(sessionId, flatten ? 'stop and flatten' : 'stop', place, () =>
        api.call('session:stop', { sessionId, flatten }),
      ),
    async flatten(sessionId) {
      const ok = await lifecycle(sessionId, 'flatten', 'session', () =>
        api.call('session:flatten', { sessionId }),
      );
      if (ok) noteQueued(sessionId, 'Flatten queued: runs on Resume');
      return ok;
    },

    async resetHalt(sessionId) {
      const ok = await lifecycle(sessionId, 'reset the halt', 'session', () =>
        api.call('session:reset-halt', { sessionId }),
      );
      // The reset applies at the next bar; the session-state push that follows refreshes the reason.
      if (ok) noteQueued(sessionId, 'Risk reset queued: applies on Resume');
      return ok;
    },

    cancelOrder: (sessionId, orderId) =>
      lifecycle(sessionId, 'cancel the order', 'session', () =>
        api.call('session:cancel-order', { sessionId, orderId }),
      ),

    closePosition: (sessionId, symbol) =>
      lifecycle(sessionId, `close the ${symbol} position`, 'session', () =>
        api.call('session:close-position', { sessionId, symbol }),
      ),

    async ackAlert(alertId) {
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

    async startDemo() {
      const id = await get().create(DEMO_NAME, { ...DEMO_CONFIG });
      if (id === null) return null;
      return (await get().start(id, 'create')) ? id : null;
    },
  };
}
