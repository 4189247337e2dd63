// App-wide state: what main says about itself, the user's settings, and the connection; fed by calls and pushes.
import { create } from 'zustand';
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
  load(api: ConnectedClient): Promise<void>;
  updateSettings(api: ConnectedClient, patch: Partial<Settings>): Promise<void>;
}

export const useAppStore = create<AppState>((set) => ({
  info: null,
  settings: null,
  connection: 'connecting',
  lastHeartbeat: null,
  usMarket: null,
  error: null,
  async load(api) {
    const [info, settings] = await Promise.all([api.call('app:info', {}), api.call('settings:get', {})]);
    if (!info.ok) return set({ error: info.error.message });
    if (!settings.ok) return set({ error: settings.error.message });
    set({ info: info.value, settings: settings.value, error: null });
  },
  async updateSettings(api, patch) {
    const result = await api.call('settings:set', { patch });
    if (result.ok) set({ settings: result.value, error: null });
    else set({ error: result.error.message });
  },
}));

/** Wires pushes and connection changes into the store; returns the unsubscribe. */
export function connectAppStore(api: ConnectedClient): () => void {
  const offHeartbeat = api.subscribe('heartbeat', (batch) => {
    const last = batch[batch.length - 1];
    if (last) useAppStore.setState({ lastHeartbeat: last.time, usMarket: last.usMarket ?? null });
  });
  const offConnection = api.onConnection((connection) => {
    useAppStore.setState({ connection });
    if (connection === 'connected') void useAppStore.getState().load(api);
  });
  return () => {
    offHeartbeat();
    offConnection();
  };
}
