// The selected session's header: name, status, risk state (with the halt's reason and Reset), venue and market, and
// the session controls (Start, Pause, Resume, Stop, Stop & flatten, Flatten, Edit config, Validate).

import { useEffect, useState } from 'react';
import type { SessionSnapshot } from '../../../../shared/domain/session';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { VenueBadge } from '../../components/VenueBadge';
import { onPageKeys } from '../../shortcuts/shortcuts';
import { useStores } from '../../stores/context';
import { canDo, feedSpeed } from '../../stores/sessions/session-state';
import { isOptionsSession } from './options-panel-model';
import { alpacaFeedOf } from './session-config';

type Confirming = 'flatten' | 'stop-flatten' | 'reset' | null;

/** "3 positions", "1 position". */
const positionCount = (n: number): string => `${n} position${n === 1 ? '' : 's'}`;

const RISK_TONE = { ACTIVE: 'up', REDUCING: 'warn', HALTED: 'down' } as const;
const STATUS_TONE: Readonly<Record<string, string>> = {
  running: 'up',
  starting: 'warn',
  paused: 'warn',
  stopping: 'warn',
  failed: 'down',
  stopped: 'muted',
  idle: 'muted',
};

export interface SessionHeaderProps {
  readonly snapshot: SessionSnapshot;
  /** The action in flight for this session, if any (its buttons wait meanwhile). */
  readonly busy: string | undefined;
  readonly editing: boolean;
  onEdit(): void;
  onValidate(): void;
}

export function SessionHeader({ snapshot, busy, editing, onEdit, onValidate }: SessionHeaderProps) {
  const sessionStore = useStores().sessions;
  const store = sessionStore.getState();
  const { session } = snapshot;
  const sessionId = session.id;
  const status = session.status;
  const speed = feedSpeed(session.config);
  const alpaca = session.venue === 'alpaca-paper';
  const [confirming, setConfirming] = useState<Confirming>(null);
  const open = snapshot.positions.filter((p) => p.qty !== 0);
  // A paused synthetic market makes no bars, so a flatten (or a reset) waits for Resume; a real market keeps going.
  const waitsForResume = status === 'paused' && !alpaca;
  const holdings = open
    .map((p) => `${Math.abs(p.qty)} ${p.symbol} ${p.qty > 0 ? 'long' : 'short'}`)
    .join(', ');
  const closes =
    open.length === 0
      ? 'There are no open positions now; any that open before the next bar are closed.'
      : `Closes ${holdings} with market orders at the next bar.`;
  // Alt+P pauses or resumes; Alt+X asks to flatten, like the buttons (and only when they are enabled).
  useEffect(
    () =>
      onPageKeys((key) => {
        if (busy !== undefined) return false;
        if (key === 'pause-resume') {
          if (canDo(status, 'pause')) void sessionStore.getState().pause(sessionId);
          else if (canDo(status, 'resume')) void sessionStore.getState().resume(sessionId);
          else return false;
          return true;
        }
        if (key === 'flatten' && canDo(status, 'flatten')) {
          setConfirming('flatten');
          return true;
        }
        return false;
      }),
    [busy, status, sessionStore, sessionId],
  );
  const confirm = () => {
    const action = confirming;
    setConfirming(null);
    if (action === 'flatten') void store.flatten(sessionId);
    else if (action === 'stop-flatten') void store.stop(sessionId, true);
    else if (action === 'reset') void store.resetHalt(sessionId);
  };
  return (
    <header className="ss-head">
      <h2 title={session.id}>{session.name}</h2>
      <span className={`badge tone-${STATUS_TONE[status] ?? 'muted'}`} data-testid="session-status">
        {status}
      </span>
      <span className={`badge tone-${RISK_TONE[snapshot.riskState]}`} data-testid="risk-state">
        {snapshot.riskState}
      </span>
      {snapshot.riskState !== 'ACTIVE' && (
        <>
          <span className="ss-risk-reason">{snapshot.riskReason ?? 'no reason given'}</span>
          <button
            type="button"
            className="mb-btn mb-btn-small"
            disabled={!canDo(status, 'flatten') || busy !== undefined}
            onClick={() => setConfirming('reset')}
            title="Return the risk gateway to ACTIVE (applies at the next bar)"
          >
            Reset
          </button>
        </>
      )}
      <VenueBadge venue={session.venue} />
      <span className="muted small" data-testid="session-market">
        {alpaca ? `Alpaca ${alpacaFeedOf(session.config).toUpperCase()} data` : 'Synthetic market'} ·{' '}
        {session.symbols.join(', ')} · {session.timeframe}
        {speed !== null && !alpaca ? ` · ${speed}× real time` : ''} · v{session.version}
      </span>
      <span className="spacer" />
      <div className="ss-controls" role="toolbar" aria-label="Session controls">
        <button
          type="button"
          className="mb-btn"
          disabled={!canDo(status, 'start') || busy !== undefined}
          onClick={() => void store.requestStart(sessionId)}
          title={alpaca ? 'Check the Alpaca account against the session, then start' : undefined}
        >
          {busy === 'check the account' ? 'Checking account…' : 'Start'}
        </button>
        <button
          type="button"
          className="mb-btn"
          disabled={!canDo(status, 'pause') || busy !== undefined}
          onClick={() => void store.pause(sessionId)}
        >
          Pause
        </button>
        <button
          type="button"
          className="mb-btn"
          disabled={!canDo(status, 'resume') || busy !== undefined}
          onClick={() => void store.resume(sessionId)}
        >
          Resume
        </button>
        <button
          type="button"
          className="mb-btn"
          disabled={!canDo(status, 'stop') || busy !== undefined}
          onClick={() => void store.stop(sessionId, false)}
          title={STOP_TITLE[alpaca ? 'alpaca' : 'simulated']}
        >
          Stop
        </button>
        <button
          type="button"
          className="mb-btn mb-btn-danger"
          disabled={!canDo(status, 'stop') || busy !== undefined}
          onClick={() => setConfirming('stop-flatten')}
          title={STOP_AND_FLATTEN_TITLE[alpaca ? 'alpaca' : 'simulated']}
        >
          Stop &amp; flatten
        </button>
        <button
          type="button"
          className="mb-btn mb-btn-danger"
          disabled={!canDo(status, 'flatten') || busy !== undefined}
          onClick={() => setConfirming('flatten')}
          title="Close every position at the next bars and keep running"
        >
          Flatten
        </button>
        <button
          type="button"
          className="mb-btn"
          disabled={!canDo(status, 'edit') || busy !== undefined}
          onClick={onEdit}
          title={canDo(status, 'edit') ? 'Change the config (a new version)' : 'Stop the session to edit it'}
        >
          {editing ? 'Close editor' : 'Edit config'}
        </button>
        {(alpaca || isOptionsSession(session)) && (
          <button
            type="button"
            className="mb-btn"
            onClick={onValidate}
            title={
              isOptionsSession(session)
                ? 'Validate-only launch: the volatility source and the option chain (with Alpaca: keys, market hours, options level), nothing traded'
                : 'Check the keys, account, clock, buying power, symbols and market data with Alpaca (read-only)'
            }
          >
            Validate
          </button>
        )}
      </div>
      {confirming === 'flatten' && (
        <ConfirmDialog
          title={`Flatten “${session.name}”?`}
          confirmLabel={open.length > 0 ? `Flatten ${positionCount(open.length)}` : 'Flatten anyway'}
          onConfirm={confirm}
          onCancel={() => setConfirming(null)}
        >
          <p>{closes} The session keeps running and its strategies trade again once flat.</p>
          {waitsForResume && (
            <p className="mb-tone-warn">
              The session is paused: the flatten is queued and runs when you press Resume.
            </p>
          )}
        </ConfirmDialog>
      )}
      {confirming === 'stop-flatten' && (
        <ConfirmDialog
          title={`Stop and flatten “${session.name}”?`}
          confirmLabel={open.length > 0 ? `Stop and flatten ${positionCount(open.length)}` : 'Stop'}
          onConfirm={confirm}
          onCancel={() => setConfirming(null)}
        >
          <p>{closes} Then the session stops.</p>
        </ConfirmDialog>
      )}
      {confirming === 'reset' && (
        <ConfirmDialog
          title="Reset the risk halt?"
          confirmLabel={`Reset risk to ACTIVE`}
          onConfirm={confirm}
          onCancel={() => setConfirming(null)}
        >
          <p>
            Risk is {snapshot.riskState}: {snapshot.riskReason ?? 'no reason given'}. Resetting lets the
            strategies open new positions again from the next bar.
          </p>
          {waitsForResume && (
            <p className="mb-tone-warn">The session is paused: the reset is queued and applies on Resume.</p>
          )}
        </ConfirmDialog>
      )}
    </header>
  );
}

/** What Stop does, as its button says: no order is left working behind the stopped session. */
const STOP_TITLE = {
  alpaca:
    'Cancel every order the session placed at Alpaca and wait (up to 10 s) until Alpaca confirms each has ended; ' +
    'fills that land before a cancel are recorded. Open positions stay as they are.',
  simulated: 'Cancel every working order and stop now; open positions stay as they are',
} as const;

const STOP_AND_FLATTEN_TITLE = {
  alpaca:
    'Cancel every order at Alpaca and wait until each has ended, then close every position with market orders ' +
    'and wait for their fills',
  simulated: 'Cancel every working order, close every position at the next bars, then stop',
} as const;
