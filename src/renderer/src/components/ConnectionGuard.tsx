// While the workstation cannot be reached, nothing on screen pretends it can: a notice says why and what to do, and
// every control that would act (Start, Stop, Flatten, Reset, a form's submit) is disabled, with the same reason as
// its tooltip. A header still showing RUNNING is the last state known, not a live one.
import type { ReactNode } from 'react';
import type { ConnectionState } from '../api/client';
import { useAppStore } from '../stores/context';

/** Why controls are off in `connection`, in the user's words; null when connected (or before the first connection). */
export function offlineReason(connection: ConnectionState): string | null {
  switch (connection) {
    case 'refused':
      return 'The workstation restarted; open the new address it printed (this page’s key is no longer accepted).';
    case 'no-token':
      return 'This page’s address has no token: open the address the workstation printed when it started.';
    case 'disconnected':
      return 'Lost the connection to the workstation — retrying. If it was restarted, open the new address it printed.';
    default:
      return null;
  }
}

/** The notice under the top bar while the workstation cannot be reached. */
export function ConnectionBanner() {
  const reason = useAppStore((s) => offlineReason(s.connection));
  if (reason === null) return null;
  return (
    <div className="offline-banner" role="alert" data-testid="offline-banner">
      {reason} Controls are off until then; what is on screen is as it last was.
    </div>
  );
}

/** Disables every control inside while the workstation cannot be reached (a disabled fieldset, without a box). */
export function OfflineGuard({ children }: { children: ReactNode }) {
  const reason = useAppStore((s) => offlineReason(s.connection));
  return (
    <fieldset className="offline-guard" disabled={reason !== null} title={reason ?? undefined}>
      {children}
    </fieldset>
  );
}
