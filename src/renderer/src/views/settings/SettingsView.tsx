import type { ConnectedClient } from '../../api/client';
import { EventLog } from '../../components/log/EventLog';
import { useAppStore } from '../../stores/context';
import { AppFacts } from '../OverviewView';
import { AlpacaKeysSection } from './AlpacaKeysSection';

export function SettingsView({ api }: { api: ConnectedClient }) {
  const settings = useAppStore((s) => s.settings);
  const update = useAppStore((s) => s.updateSettings);
  if (!settings) return <p className="muted">Loading settings…</p>;
  return (
    <section className="view">
      <h1>Settings</h1>
      <div className="form-row">
        <label htmlFor="theme">Theme</label>
        <select
          id="theme"
          value={settings.theme}
          onChange={(e) => void update({ theme: e.target.value === 'light' ? 'light' : 'dark' })}
        >
          <option value="dark">Dark</option>
          <option value="light">Light</option>
        </select>
      </div>
      <div className="form-row">
        <label htmlFor="notifications">Alert notifications</label>
        <input
          id="notifications"
          type="checkbox"
          checked={settings.notifications}
          onChange={(e) => void update({ notifications: e.target.checked })}
        />
      </div>
      <AlpacaKeysSection api={api} />
      <section className="settings-section" aria-labelledby="data-folder-title">
        <h2 id="data-folder-title">Data folder</h2>
        <p className="muted small">
          Everything MarketBoss keeps (settings, backtest runs, sessions and their ledgers, the market-data
          cache, logs) is in this folder; Alpaca keys are in the OS keychain instead. Start host mode with{' '}
          <code>--data-dir</code> to use another folder.
        </p>
        <AppFacts />
      </section>
      <EventLog source={{ kind: 'app' }} label="App log" live />
    </section>
  );
}
