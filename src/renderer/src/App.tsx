import { useEffect, useState } from 'react';
import { useApi } from './api/context';
import { AlertToasts } from './components/AlertToasts';
import { StatusLine } from './components/StatusLine';
import { TopBar } from './components/TopBar';
import { useAppStore } from './stores/app-store';
import { useSessionStore } from './stores/session-store';
import { BacktestsView } from './views/BacktestsView';
import { OverviewView } from './views/OverviewView';
import { SessionsView } from './views/SessionsView';
import { SettingsView } from './views/SettingsView';

const VIEWS = [
  { id: 'overview', label: 'Overview', key: '1' },
  { id: 'sessions', label: 'Sessions', key: '2' },
  { id: 'backtests', label: 'Backtests', key: '3' },
  { id: 'settings', label: 'Settings', key: '4' },
] as const;
type ViewId = (typeof VIEWS)[number]['id'];

export function App() {
  const api = useApi();
  const info = useAppStore((s) => s.info);
  const theme = useAppStore((s) => s.settings?.theme ?? 'dark');
  const error = useAppStore((s) => s.error);
  const [view, setView] = useState<ViewId>('overview');
  const openSession = (sessionId: string) => {
    setView('sessions');
    void useSessionStore.getState().select(api, sessionId);
  };

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  // Alt+1…9 switch views, like a terminal's tabs.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey) return;
      const target = VIEWS.find((v) => v.key === event.key);
      if (target) {
        event.preventDefault();
        setView(target.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">MarketBoss</span>
        <span className="version" data-testid="app-version">
          {info ? `v${info.version}` : '…'}
        </span>
        <span className="spacer" />
        <TopBar onOpen={openSession} />
      </header>
      <nav className="sidebar" aria-label="Views">
        {VIEWS.map((v) => (
          <button
            key={v.id}
            type="button"
            className={v.id === view ? 'nav active' : 'nav'}
            onClick={() => setView(v.id)}
            title={`Alt+${v.key}`}
          >
            {v.label}
          </button>
        ))}
      </nav>
      <main className="content">
        {error && (
          <div className="error-banner" role="alert">
            {error}
          </div>
        )}
        {view === 'overview' && <OverviewView />}
        {view === 'sessions' && <SessionsView />}
        {view === 'backtests' && <BacktestsView />}
        {view === 'settings' && <SettingsView api={api} />}
      </main>
      <StatusLine />
      <AlertToasts onOpen={openSession} />
    </div>
  );
}
