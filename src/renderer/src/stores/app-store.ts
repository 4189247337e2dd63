// App-wide state: what main says about itself, the user's settings, and the connection; fed by calls and pushes.
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { AppInfo, Heartbeat, Settings } from '../../../shared/api/contract';
import type { ConnectedClient, ConnectionState } from '../api/client';

export interface AppState {
  info: AppInfo | null;
  settings: Settings | null;
  connection: ConnectionState;
  lastHeartbeat: number | null;
  /** The US stock market's status as main last told it (open, closed, next open). */
  usMarket: Heartbeat['usMarket'] | null;
  /** The last error from an API call, in words, shown where it happened. */
  error: string | null;
  load(): Promise<void>;
  updateSettings(patch: Partial<Settings>): Promise<void>;
}

export type AppStore = UseBoundStore<StoreApi<AppState>> & {
  /** Wires pushes and connection changes into the store; returns the unsubscribe. */
  connect(): () => void;
};

export function createAppStore(api: ConnectedClient): AppStore {
  const store = create<AppState>((set) => ({
    info: null,
    settings: null,
    connection: 'connecting',
    lastHeartbeat: null,
    usMarket: null,
    error: null,
    async load() {
      const [info, settings] = await Promise.all([api.call('app:info', {}), api.call('settings:get', {})]);
      if (!info.ok) return set({ error: info.error.message });
      if (!settings.ok) return set({ error: settings.error.message });
      set({ info: info.value, settings: settings.value, error: null });
    },
    async updateSettings(patch) {
      const result = await api.call('settings:set', { patch });
      if (result.ok) set({ settings: result.value, error: null });
      else set({ error: result.error.message });
    },
  }));

  const connect = (): (() => void) => {
    const offHeartbeat = api.subscribe('heartbeat', (batch) => {
      const last = batch[batch.length - 1];
      if (last) store.setState({ lastHeartbeat: last.time, usMarket: last.usMarket ?? null });
    });
    const offConnection = api.onConnection((connection) => {
      store.setState({ connection });
      if (connection === 'connected') void store.getState().load();
    });
    return () => {
      offHeartbeat();
      offConnection();
    };
  };
  return Object.assign(store, { connect });
}
