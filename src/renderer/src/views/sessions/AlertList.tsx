// The selected session's alerts, newest first, each acknowledged on its own.
import type { AlertRow } from '../../../../shared/domain/session';
import { formatTime } from '../../components/chart/format';
import { useSessionStore } from '../../stores/context';

const SEVERITY_TONE = { info: 'muted', warning: 'warn', critical: 'down' } as const;

export function AlertList({ alerts }: { alerts: readonly AlertRow[] }) {
  const ackAlert = useSessionStore((s) => s.ackAlert);
  return (
    <section className="ss-alerts" aria-label="Alerts">
      <h3>
        Alerts{' '}
        <span className="muted small">{alerts.filter((a) => !a.acknowledged).length} unacknowledged</span>
      </h3>
      {alerts.length === 0 ? (
        <p className="muted small">No alerts.</p>
      ) : (
        <ul>
          {alerts.map((a) => (
            <li key={a.id} className={a.acknowledged ? 'acked' : undefined}>
              <span className={`badge tone-${SEVERITY_TONE[a.severity]}`}>{a.severity}</span>
              <span className="mb-num muted">{formatTime(a.time, { utc: true, seconds: true })}</span>
              <span className="ss-alert-kind muted">{a.kind.replaceAll('-', ' ')}</span>
              <span className="ss-alert-msg">{a.message}</span>
              {a.acknowledged ? (
                <span className="muted small">acknowledged</span>
              ) : (
                <button type="button" className="mb-btn mb-btn-small" onClick={() => void ackAlert(a.id)}>
                  Acknowledge
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
