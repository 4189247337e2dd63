import { useAppStore } from '../stores/app-store';

export function OverviewView() {
  const info = useAppStore((s) => s.info);
  if (!info) return <p className="muted">Loading workstation…</p>;
  return (
    <section className="view">
      <h1>Workstation</h1>
      <p className="lead">
        No sessions or backtests yet. Strategies, the simulated market and paper trading arrive here as they
        are built.
      </p>
      <dl className="facts" data-testid="app-facts">
        <dt>Version</dt>
        <dd>{info.version}</dd>
        <dt>Runtime</dt>
        <dd>
          {info.electron.present ? `Electron ${info.electron.version}` : `Host mode, Node ${info.node}`}
        </dd>
        <dt>Data folder</dt>
        <dd className="mono">{info.dataDir}</dd>
        <dt>Database</dt>
        <dd className="mono">
          {info.databasePath} (schema v{info.schemaVersion})
        </dd>
        <dt>Logs</dt>
        <dd className="mono">{info.logDir}</dd>
      </dl>
    </section>
  );
}
