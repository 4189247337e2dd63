// The top bar's session part: the active session (the first running one, else the selected one), its venue, the
// market's status, equity and day P&L, and Start / Pause / Stop. Alt+S starts or stops it.
import { useEffect } from 'react';
import type { SessionVenue } from '../../../shared/domain/session';
import { useAppStore, useSessionStore, useStores } from '../stores/context';
import { activeSession, canDo, dayPnl } from '../stores/sessions/session-state';
import { offlineReason } from './ConnectionGuard';
import { formatMoney, formatPnl } from './chart/format';
import { VenueBadge } from './VenueBadge';

export interface TopBarProps {
  /** Opens the Sessions view on a session (clicking its name). */
  readonly onOpen?: (sessionId: string) => void;
}

function marketStatus(status: string, venue: SessionVenue, speed: number | null): string {
  // An Alpaca session trades the real market's hours: no speed factor there.
  const market = venue === 'alpaca-paper' ? 'Alpaca market data' : 'Synthetic market';
  const times = speed !== null && venue !== 'alpaca-paper' ? ` ×${speed}` : '';
  switch (status) {
    case 'running':
    case 'starting':
      return `${market} · running${times}`;
    case 'paused':
      return `${market} · paused`;
    case 'stopping':
      return `${market} · flattening, then stopping`;
    default:
      return `${market} · stopped`;
  }
}

export function TopBar({ onOpen }: TopBarProps) {
  const sessionStore = useStores().sessions;
  const active = useSessionStore(activeSession);
  const account = useSessionStore((s) => (active ? s.accounts[active.id] : undefined));
  const busy = useSessionStore((s) => (active ? s.busy[active.id] : undefined));
  const error = useSessionStore((s) => s.errors.topbar);
  const activeId = active?.id;
  const usMarket = useAppStore((s) => s.usMarket);
  // Alt+S acts like the buttons, which are disabled while the workstation cannot be reached.
  const offline = useAppStore((s) => offlineReason(s.connection) !== null);

  // The top bar may show a session the Sessions view has not loaded: fetch its account once.
  useEffect(() => {
    if (activeId) void sessionStore.getState().ensureAccount(activeId);
  }, [sessionStore, activeId]);

  const status = active?.status;
  const startable = canDo(status, 'start');
  const stoppable = canDo(status, 'stop');

  // Alt+S: start the active session, or stop it when it runs (code, not key: Alt+S types "ß" on a Mac).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.code !== 'KeyS' || !activeId || busy !== undefined || offline) return;
      event.preventDefault();
      const store = sessionStore.getState();
      if (stoppable) void store.stop(activeId, false, 'topbar');
      else if (startable) void store.requestStart(activeId, 'topbar');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [sessionStore, activeId, busy, startable, stoppable, offline]);

  if (!active) return <span className="muted">No session running</span>;
  const store = sessionStore.getState();
  const pnl = formatPnl(dayPnl(account));
  const equity = account?.equity ?? active.equity;

  return (
    <div className="tb-session" data-testid="top-bar-session">
      <button
        type="button"
        className="tb-name"
        onClick={() => onOpen?.(active.id)}
        title="Open this session"
        data-testid="top-bar-name"
      >
        {active.name}
      </button>
      <span className={`badge tone-${status === 'running' ? 'up' : status === 'failed' ? 'down' : 'muted'}`}>
        {status}
      </span>
      <VenueBadge venue={active.venue} />
      <span className="tb-item muted" data-testid="market-status">
        {marketStatus(active.status, active.venue, account?.speed ?? null)}
      </span>
      {/* A session on the real market trades NYSE hours (crypto pairs, with a slash, trade around the clock). */}
      {active.venue === 'alpaca-paper' && usMarket && active.symbols.some((s) => !s.includes('/')) && (
        <span
          className={`tb-item ${usMarket.state === 'open' ? 'mb-tone-up' : 'muted'}`}
          data-testid="us-market"
          title="The US stock market now, in New York time"
        >
          NYSE {usMarket.label}
        </span>
      )}
      {account && account.riskState !== 'ACTIVE' && (
        <span className={`badge tone-${account.riskState === 'HALTED' ? 'down' : 'warn'}`}>
          {account.riskState}
        </span>
      )}
      <span className="tb-item">
        <span className="muted">Equity </span>
        <span className="mb-num" data-testid="top-bar-equity">
          {formatMoney(equity)}
        </span>
      </span>
      <span className="tb-item">
        <span className="muted">Day P&amp;L </span>
        <span className={`mb-num${pnl.tone ? ` mb-tone-${pnl.tone}` : ''}`}>{pnl.text}</span>
      </span>
      {error && (
        <span className="tb-error" role="alert" title={error}>
          {error}
        </span>
      )}
      <span className="tb-buttons">
        {startable ? (
          <button
            type="button"
            className="mb-btn mb-btn-small"
            disabled={busy !== undefined}
            onClick={() => void store.requestStart(active.id, 'topbar')}
            title={
              active.venue === 'alpaca-paper'
                ? 'Check the Alpaca account, then start the session (Alt+S)'
                : 'Start the session (Alt+S)'
            }
          >
            {busy === 'check the account' ? 'Checking account…' : 'Start'}
          </button>
        ) : (
          <>
            {status === 'paused' ? (
              <button
                type="button"
                className="mb-btn mb-btn-small"
                disabled={busy !== undefined}
                onClick={() => void store.resume(active.id, 'topbar')}
                title="Resume the session"
              >
                Resume
              </button>
            ) : (
              <button
                type="button"
                className="mb-btn mb-btn-small"
                disabled={busy !== undefined || !canDo(status, 'pause')}
                onClick={() => void store.pause(active.id, 'topbar')}
                title="Pause the session: the market and the strategy wait"
              >
                Pause
              </button>
            )}
            <button
              type="button"
              className="mb-btn mb-btn-small mb-btn-danger"
              disabled={busy !== undefined || !stoppable}
              onClick={() => void store.stop(active.id, false, 'topbar')}
              title="Stop the session (Alt+S)"
            >
              Stop
            </button>
          </>
        )}
      </span>
    </div>
  );
}
