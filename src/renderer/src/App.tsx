import { useCallback, useEffect, useState } from 'react';
import { AlertToasts } from './components/AlertToasts';
import { ConnectionBanner, OfflineGuard } from './components/ConnectionGuard';
import { StatusLine } from './components/StatusLine';
import { TopBar } from './components/TopBar';
import { HelpOverlay } from './shortcuts/HelpOverlay';
import { opensHelp, pageKey, VIEWS, viewForKey } from './shortcuts/shortcuts';
import { useAppStore, useSessionStore, useStores, useWorkspaceStore } from './stores/context';
import { BacktestsView } from './views/backtests/BacktestsView';
import { ModelsView } from './views/models/ModelsView';
import { OverviewView } from './views/OverviewView';
import { ResearchView } from './views/research/ResearchView';
import { SessionsView } from './views/sessions/SessionsView';
import { StartReviewDialog } from './views/sessions/StartReviewDialog';
import { SettingsView } from './views/settings/SettingsView';

export function App() {
  const stores = useStores();
  const info = useAppStore((s) => s.info);
  const theme = useAppStore((s) => s.settings?.theme ?? 'dark');
  const error = useAppStore((s) => s.error);
  const view = useWorkspaceStore((s) => s.view);
  const setView = useWorkspaceStore((s) => s.setView);
  const [helpOpen, setHelpOpen] = useState(false);
  const startReview = useSessionStore((s) => s.startReview);
  const closeHelp = useCallback(() => setHelpOpen(false), []);
  const openSession = (sessionId: string) => {
    setView('sessions');
    void stores.sessions.getState().select(sessionId);
  };

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  // Alt+1…6 switch views, like a terminal's tabs; "?" or F1 opens the list of shortcuts.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = viewForKey(event);
      if (target) {
        event.preventDefault();
        setView(target.id);
      } else if (opensHelp(event)) {
        event.preventDefault();
        setHelpOpen(true);
      } else if (pageKey(event) === 'focus-filter') {
        // "/" focuses the first table filter of the view shown.
        const filter = document.querySelector<HTMLInputElement>('.content input[type="search"]');
        if (filter) {
          event.preventDefault();
          filter.focus();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView]);

  return (
    <>
      {/* inert while a dialog is open: nothing behind a modal dialog can be focused or clicked */}
      <div className="shell" inert={helpOpen || startReview !== null}>
        <header className="topbar">
          <span className="brand">MarketBoss</span>
          <span className="version" data-testid="app-version">
            {info ? `v${info.version}` : '…'}
          </span>
          <span className="spacer" />
          <OfflineGuard>
            <TopBar onOpen={openSession} />
          </OfflineGuard>
        </header>
        <nav className="sidebar" aria-label="Views">
          {VIEWS.map((v) => (
            <button
              key={v.id}
              type="button"
              className={v.id === view ? 'nav active' : 'nav'}
              aria-current={v.id === view ? 'page' : undefined}
              onClick={() => setView(v.id)}
              title={`Alt+${v.key}`}
              aria-keyshortcuts={`Alt+${v.key}`}
            >
              {v.label}
            </button>
          ))}
          <span className="spacer" />
          <button
            type="button"
            className="nav nav-help"
            onClick={() => setHelpOpen(true)}
            aria-keyshortcuts="? F1"
            aria-haspopup="dialog"
            title="Keyboard shortcuts (? or F1)"
          >
            Shortcuts <kbd>?</kbd>
          </button>
        </nav>
        <main className="content">
          {error && (
            <div className="error-banner" role="alert">
              {error}
            </div>
          )}
          <OfflineGuard>
            {view === 'overview' && <OverviewView onOpen={openSession} />}
            {view === 'sessions' && <SessionsView />}
            {view === 'backtests' && <BacktestsView />}
            {view === 'research' && <ResearchView />}
            {view === 'models' && <ModelsView />}
            {view === 'settings' && <SettingsView api={stores.api} />}
          </OfflineGuard>
        </main>
        <StatusLine />
        <ConnectionBanner />
        <AlertToasts onOpen={openSession} />
      </div>
      {helpOpen && <HelpOverlay onClose={closeHelp} />}
      {startReview && !helpOpen && (
        <OfflineGuard>
          <StartReviewDialog review={startReview} />
        </OfflineGuard>
      )}
    </>
  );
}
