import type { ConnectedClient } from '../api/client';
import { useAppStore } from '../stores/app-store';
import { AlpacaKeysSection } from './settings/AlpacaKeysSection';

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
          onChange={(e) => void update(api, { theme: e.target.value === 'light' ? 'light' : 'dark' })}
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
          onChange={(e) => void update(api, { notifications: e.target.checked })}
        />
      </div>
      <AlpacaKeysSection api={api} />
    </section>
  );
}
