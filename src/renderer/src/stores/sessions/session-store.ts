// Paper-trading sessions: the list, the selected session's snapshot kept current by pushes (no polling), a small
// live account per session for the top bar, and alert toasts. Calls report their errors in words, per place.
// One store bound to one API, made of slices: selection, calls, and the push plumbing that feeds the reducers.

import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { FieldProblem } from '../../../../shared/api/field-errors';
import { type CatalogueStore, createCatalogueStore } from '../catalogue-store';
import { callsSlice } from './session-calls';
import { connectSessionPushes, type PushScheduler } from './session-pushes';
import { selectionSlice } from './session-selection';
import {
  type ErrorPlace,
  initialSessionData,
  type SessionApi,
  type SessionKit,
  type SessionState,
} from './session-state';

export type SessionStore = UseBoundStore<StoreApi<SessionState>> & {
  /** Wires the session pushes into the store (and reloads on connect); returns the unsubscribe. */
  connect(schedule?: PushScheduler): () => void;
};

/** The sessions store bound to `api`; the strategy catalogue is shared with the backtests when given. */
export function createSessionStore(
  api: SessionApi,
  catalogue: CatalogueStore = createCatalogueStore(api),
): SessionStore {
  let kit: SessionKit | undefined;
  const store = create<SessionState>((set, get) => {
    const setError = (place: ErrorPlace, message: string | null, fields?: readonly FieldProblem[]): void => {
      const errors = { ...get().errors };
      const fieldErrors = { ...get().fieldErrors };
      if (message === null) delete errors[place];
      else errors[place] = message;
      if (message === null || fields === undefined || fields.length === 0) delete fieldErrors[place];
      else fieldErrors[place] = fields;
      set({ errors, fieldErrors });
    };
    const setBusy = (sessionId: string, action: string | null): void => {
      const busy = { ...get().busy };
      if (action === null) delete busy[sessionId];
      else busy[sessionId] = action;
      set({ busy });
    };
    kit = {
      api,
      catalogue,
      set,
      get,
      load: { buffered: null, seq: 0, run: null },
      setError,
      setBusy,
    };
    return { ...initialSessionData(), ...selectionSlice(kit), ...callsSlice(kit) };
  });
  const bound = kit!; // zustand runs the initializer inside create(), so the kit exists by now
  return Object.assign(store, {
    connect: (schedule?: PushScheduler) => connectSessionPushes(bound, schedule),
  });
}
