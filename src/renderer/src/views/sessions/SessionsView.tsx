// Sessions: the list and a "New session" form on the left; the selected session on the right — its controls, risk
// state, account, live chart, equity curve, positions, orders, fills, alerts and reconciliation report.
import { useEffect } from 'react';
import { Pane } from '../../components/layout/Pane';
import { WatchlistPanel } from '../../components/symbols/WatchlistPanel';
import { DataTable } from '../../components/table/DataTable';
import { useSessionStore, useStores, useWorkspaceStore } from '../../stores/context';
import { DemoOffer } from './DemoOffer';
import { NewSessionForm } from './NewSessionForm';
import { SessionPage } from './SessionPage';
import { sessionColumns } from './session-columns';

export function SessionsView() {
  const sessionStore = useStores().sessions;
  const sessions = useSessionStore((s) => s.sessions);
  const listLoaded = useSessionStore((s) => s.listLoaded);
  const selectedId = useSessionStore((s) => s.selectedId);
  const listError = useSessionStore((s) => s.errors.list);
  // Full-width chart: the list steps aside.
  const chartFull = useWorkspaceStore((s) => s.panels['chart-full'] === true) && selectedId !== null;
  const { load, select } = sessionStore.getState();

  useEffect(() => {
    void load();
  }, [load]);

  // Opening the view with nothing selected shows the session the user most likely wants: a running one.
  useEffect(() => {
    if (selectedId === null && sessions.length > 0) {
      const pick = sessions.find((s) => s.status === 'running') ?? sessions[0]!;
      void select(pick.id);
    }
  }, [select, selectedId, sessions]);

  return (
    <section className={chartFull ? 'view sessions chart-full' : 'view sessions'}>
      {!chartFull && (
        <Pane name="ss-side" title="Sessions" axis="x" defaultSize={370} min={260} max={760}>
          <aside className="ss-side" aria-label="Sessions">
            <h2>Sessions</h2>
            {listError && (
              <div className="error-banner" role="alert">
                Could not list the sessions: {listError}
              </div>
            )}
            <div className="ss-list">
              <DataTable
                label="Sessions"
                rows={sessions}
                columns={sessionColumns}
                rowKey={(s) => s.id}
                selectedKey={selectedId}
                onRowClick={(s) => void select(s.id)}
                emptyText={listLoaded ? 'No sessions yet.' : 'Loading sessions…'}
                filterable={false}
                height="100%"
              />
            </div>
            <WatchlistPanel />
            <NewSessionForm />
          </aside>
        </Pane>
      )}
      <div className="ss-main">
        {listLoaded && sessions.length === 0 ? (
          <FirstRun />
        ) : selectedId ? (
          <SessionPage key={selectedId} sessionId={selectedId} />
        ) : (
          <p className="muted">{listLoaded ? 'Select a session on the left.' : 'Loading sessions…'}</p>
        )}
      </div>
    </section>
  );
}

function FirstRun() {
  return (
    <div className="ss-first-run" data-testid="first-run">
      <DemoOffer />
      <p className="muted small">Or configure your own session with the form on the left.</p>
    </div>
  );
}
