// A run rebuilt after a restart says so at the top of its page: what was replayed from the ledger and whether the
// rebuilt account matched (the recovery alert's words), plus any difference, shown and never silently fixed.
import type { SessionSnapshot } from '../../../../shared/domain/session';
import { formatTime } from '../../components/chart/format';
import { useSessionStore } from '../../stores/context';

export function RecoveryNotice({ snapshot }: { snapshot: SessionSnapshot }) {
  const ackAlert = useSessionStore((s) => s.ackAlert);
  // Alerts come newest first: the last recovery of this run, until the user acknowledges it.
  const recovery = snapshot.alerts.find((a) => a.kind === 'run-recovered' && !a.acknowledged);
  const differences = snapshot.reconciliation;
  if (!recovery && differences.length === 0) return null;
  const warn = differences.length > 0 || recovery?.severity !== 'info';
  // The alert reads "Recovered after a restart: replayed …": its first clause is the notice's heading.
  const [head, ...rest] = recovery ? recovery.message.split(': ') : ['Recovered after a restart'];
  return (
    <div className={warn ? 'ss-reconciliation' : 'ss-recovered'} role="status" data-testid="recovery-notice">
      <strong>{head}</strong>
      {recovery && (
        <>
          {' '}
          <span className="muted mb-num">{formatTime(recovery.time, { utc: true, seconds: true })} UTC</span>
          {rest.length > 0 && ` — ${rest.join(': ')}`}{' '}
          <button type="button" className="mb-btn mb-btn-small" onClick={() => void ackAlert(recovery.id)}>
            Acknowledge
          </button>
        </>
      )}
      {differences.length > 0 && (
        <>
          <div>These differences between the replay and the ledger were found and are shown, not fixed:</div>
          <ul>
            {differences.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
