import { useApi } from '../api/context';
import { useAppStore } from '../stores/app-store';

const CONNECTION_LABEL = {
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'Disconnected — retrying',
};

export function StatusLine() {
  const api = useApi();
  const connection = useAppStore((s) => s.connection);
  const heartbeat = useAppStore((s) => s.lastHeartbeat);
  return (
    <footer className="statusline" data-testid="status-line">
      <span className={`dot ${connection}`} aria-hidden="true" />
      <span data-testid="connection-state">{CONNECTION_LABEL[connection]}</span>
      <span className="muted">
        {api.transport === 'electron-ipc' ? 'Desktop app' : 'Host mode (browser)'}
      </span>
      <span className="spacer" />
      <span className="muted">
        {heartbeat ? `Engine heartbeat ${new Date(heartbeat).toLocaleTimeString()}` : 'Waiting for engine…'}
      </span>
    </footer>
  );
}
