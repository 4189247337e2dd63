// The first view: what is running, how the sessions stand, and where the workstation keeps its data.
import { formatMoney, formatPnl } from '../components/chart/format';
import { VenueBadge } from '../components/VenueBadge';
import { useAppStore, useSessionStore } from '../stores/context';

export function OverviewView({ onOpen }: { readonly onOpen?: (sessionId: string) => void }) {
  const sessions = useSessionStore((s) => s.sessions);
  const listLoaded = useSessionStore((s) => s.listLoaded);
  const running = sessions.filter((s) => s.status === 'running' || s.status === 'paused');
  return (
    <section className="view">
      <h1>Workstation</h1>
      {!listLoaded ? (
        <p className="muted">Loading sessions…</p>
      ) : sessions.length === 0 ? (
        <p className="lead">
          No sessions yet. Sessions → <em>Try the simulated demo</em> paper-trades the built-in market at
          once; Backtests runs a strategy over the synthetic market, a CSV file or Alpaca history.
        </p>
      ) : (
        <>
          <p className="lead" data-testid="overview-summary">
            {sessions.length} session{sessions.length === 1 ? '' : 's'}, {running.length} running or paused.
          </p>
          <ul className="ov-sessions">
            {sessions.map((s) => {
              // Equity is null until a session's first run has marked it.
              const pnl = formatPnl(s.equity === null ? null : s.equity - s.startingCash);
              return (
                <li key={s.id}>
                  <button type="button" className="link" onClick={() => onOpen?.(s.id)}>
                    {s.name}
                  </button>
                  <VenueBadge venue={s.venue} />
                  <span className="muted">{s.status}</span>
                  <span className="mb-num">{formatMoney(s.equity ?? s.startingCash)}</span>
                  <span className={`mb-num${pnl.tone ? ` mb-tone-${pnl.tone}` : ''}`}>{pnl.text}</span>
                </li>
              );
            })}
          </ul>
        </>
      )}
      <h2>This workstation</h2>
      <AppFacts />
    </section>
  );
}

/** Version, runtime and where the data lives (Overview and Settings show the same facts). */
export function AppFacts() {
  const info = useAppStore((s) => s.info);
  if (!info) return <p className="muted">Loading…</p>;
  return (
    <dl className="facts" data-testid="app-facts">
      <dt>Version</dt>
      <dd>{info.version}</dd>
      <dt>Runtime</dt>
      <dd>{info.electron.present ? `Electron ${info.electron.version}` : `Host mode, Node ${info.node}`}</dd>
      <dt>Data folder</dt>
      <dd className="mono">{info.dataDir}</dd>
      <dt>Database</dt>
      <dd className="mono">
        {info.databasePath} (schema v{info.schemaVersion})
      </dd>
      <dt>Logs</dt>
      <dd className="mono">{info.logDir}</dd>
    </dl>
  );
}
