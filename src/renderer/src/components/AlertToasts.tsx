// New alerts as toasts, top right, for 6 s each (severity colour); clicking one opens its session.
import { useEffect } from 'react';
import { useSessionStore } from '../stores/context';
import type { AlertToast } from '../stores/sessions/session-state';
import { formatTime } from './chart/format';

export const TOAST_MS = 6_000;

export interface AlertToastsProps {
  readonly onOpen?: (sessionId: string) => void;
}

export function AlertToasts({ onOpen }: AlertToastsProps) {
  const toasts = useSessionStore((s) => s.toasts);
  const sessions = useSessionStore((s) => s.sessions);
  if (toasts.length === 0) return null;
  return (
    <div className="toasts" aria-live="polite" data-testid="alert-toasts">
      {toasts.map((toast) => (
        <Toast
          key={toast.key}
          toast={toast}
          sessionName={sessions.find((s) => s.id === toast.sessionId)?.name}
          onOpen={onOpen}
        />
      ))}
    </div>
  );
}

function Toast({
  toast,
  sessionName,
  onOpen,
}: {
  toast: AlertToast;
  sessionName: string | undefined;
  onOpen: ((sessionId: string) => void) | undefined;
}) {
  const dismiss = useSessionStore((s) => s.dismissToast);
  useEffect(() => {
    const timer = setTimeout(() => dismiss(toast.key), TOAST_MS);
    return () => clearTimeout(timer);
  }, [dismiss, toast.key]);
  const { alert } = toast;
  return (
    <div className={`toast toast-${alert.severity}`} role="alert">
      <button
        type="button"
        className="toast-body"
        onClick={() => {
          dismiss(toast.key);
          onOpen?.(toast.sessionId);
        }}
        title="Open the session"
      >
        <span className="toast-head">
          <span className="toast-severity">{alert.severity}</span>
          <span className="muted">{sessionName ?? toast.sessionId}</span>
          <span className="muted mb-num">{formatTime(alert.time, { utc: true, part: 'time' })}</span>
        </span>
        <span className="toast-message">{alert.message}</span>
      </button>
      <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismiss(toast.key)}>
        ×
      </button>
    </div>
  );
}
