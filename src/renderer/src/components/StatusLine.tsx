import { useApi } from '../api/context';
import { useAppStore, useSessionStore } from '../stores/context';
import { activeSession } from '../stores/sessions/session-state';
import { formatTime } from './chart/format';

const CONNECTION_LABEL = {
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'Disconnected — retrying',
  refused: 'Workstation restarted — open the new address it printed',
  'no-token': 'No token in this address — open the one the workstation printed',
};

export function StatusLine() {
  const api = useApi();
  const connection = useAppStore((s) => s.connection);
  const heartbeat = useAppStore((s) => s.lastHeartbeat);
  const sessionName = useSessionStore((s) => activeSession(s)?.name);
  const account = useSessionStore((s) => {
    const active = activeSession(s);
    return active ? s.accounts[active.id] : undefined;
  });
  return (
    <footer className="statusline" data-testid="status-line">
      <span className={`dot ${connection}`} aria-hidden="true" />
      <span data-testid="connection-state">{CONNECTION_LABEL[connection]}</span>
      <span className="muted">
        {api.transport === 'electron-ipc' ? 'Desktop app' : 'Host mode (browser)'}
      </span>
      <span className="spacer" />
      {account?.lastTime != null && (
        <span
          className="muted mb-num"
          data-testid="feed-status"
          title={`Bars of ${sessionName ?? 'the session'}`}
        >
          Last bar {formatTime(account.lastTime, { utc: true })} UTC
          {account.latencyMs !== null && ` · ${Math.round(account.latencyMs)} ms engine → screen`}
        </span>
      )}
      <span className="muted">
        {heartbeat ? `Engine heartbeat ${new Date(heartbeat).toLocaleTimeString()}` : 'Waiting for engine…'}
      </span>
    </footer>
  );
}
