// The first view. A new user gets the one-click demo; once there are sessions, how everything stands: each session's
// equity, P&L and state, the positions open across sessions, the alerts nobody has acknowledged, the latest
// backtests (each opening its page), and where the workstation keeps its data.
import { useEffect } from 'react';
import type { BacktestSummary } from '../../../shared/domain/backtest';
import type { SessionSummary } from '../../../shared/domain/session';
import {
  formatMoney,
  formatNumber,
  formatPercent,
  formatPnl,
  formatPrice,
  formatQty,
  formatTime,
  MISSING,
  toneOf,
} from '../components/chart/format';
import { VenueBadge } from '../components/VenueBadge';
import {
  useAppStore,
  useBacktestStore,
  useOverviewStore,
  useSessionStore,
  useStores,
} from '../stores/context';
import { metricCell } from './backtests/backtest-columns';
import { DemoOffer } from './sessions/DemoOffer';

/** The newest backtests the Overview lists. */
const RECENT_BACKTESTS = 5;
/** The newest unacknowledged alerts it lists. */
const RECENT_ALERTS = 8;

const SEVERITY_TONE = { info: 'muted', warning: 'warn', critical: 'down' } as const;

export function OverviewView({ onOpen }: { readonly onOpen?: (sessionId: string) => void }) {
  const stores = useStores();
  const sessions = useSessionStore((s) => s.sessions);
  const listLoaded = useSessionStore((s) => s.listLoaded);
  const running = sessions.filter((s) => s.status === 'running' || s.status === 'paused');

  // The glances are read only while the Overview is on screen; the backtests list once per visit.
  useEffect(() => stores.overview.watch(), [stores.overview]);
  useEffect(() => {
    void stores.backtests.getState().load();
  }, [stores.backtests]);

  const openBacktest = (runId: string) => {
    const { setView, setPanel } = stores.workspace.getState();
    setPanel('bt-compare', false);
    setView('backtests');
    void stores.backtests.getState().select(runId);
  };

  return (
    <section className="view overview">
      <h1>Workstation</h1>
      {!listLoaded ? (
        <p className="muted">Loading sessions…</p>
      ) : sessions.length === 0 ? (
        <div className="ss-first-run ov-first-run" data-testid="overview-demo">
          <DemoOffer onStarted={onOpen} />
          <p className="muted small">
            Or set up your own in Sessions; Backtests runs a strategy over the synthetic market, a CSV file or
            Alpaca history.
          </p>
        </div>
      ) : (
        <>
          <p className="lead" data-testid="overview-summary">
            {sessions.length} session{sessions.length === 1 ? '' : 's'}, {running.length} running or paused.
          </p>
          <div className="ov-grid">
            <div className="ov-col">
              <SessionTable sessions={sessions} onOpen={onOpen} />
              <OpenPositions sessions={sessions} onOpen={onOpen} />
            </div>
            <div className="ov-col">
              <OpenAlerts sessions={sessions} onOpen={onOpen} />
              <RecentBacktests onOpenRun={openBacktest} />
            </div>
          </div>
        </>
      )}
      {listLoaded && sessions.length === 0 && <RecentBacktests onOpenRun={openBacktest} hideWhenEmpty />}
      <h2>This workstation</h2>
      <AppFacts />
    </section>
  );
}

interface SessionsProps {
  readonly sessions: readonly SessionSummary[];
  readonly onOpen: ((sessionId: string) => void) | undefined;
}

function SessionLink({ session, onOpen }: { session: SessionSummary; onOpen: SessionsProps['onOpen'] }) {
  return (
    <button type="button" className="link" onClick={() => onOpen?.(session.id)} title="Open this session">
      {session.name}
    </button>
  );
}

/** Each session's equity and P&L against its starting cash, with its state and, once read, its risk state. */
function SessionTable({ sessions, onOpen }: SessionsProps) {
  const glances = useOverviewStore((s) => s.glances);
  return (
    <section className="ov-section" aria-label="Sessions overview">
      <h2>Sessions</h2>
      <table className="metrics ov-table">
        <thead>
          <tr>
            <th>Session</th>
            <th>State</th>
            <th>Equity</th>
            <th>P&amp;L</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => {
            // Equity is null until a session's first run has marked it.
            const pnl = formatPnl(s.equity === null ? null : s.equity - s.startingCash);
            const risk = glances[s.id]?.riskState;
            return (
              <tr key={s.id}>
                <th scope="row">
                  <SessionLink session={s} onOpen={onOpen} /> <VenueBadge venue={s.venue} />
                </th>
                <td>
                  {s.status}
                  {risk && risk !== 'ACTIVE' && (
                    <span className={`badge tone-${risk === 'HALTED' ? 'down' : 'warn'}`}> {risk}</span>
                  )}
                </td>
                <td>{formatMoney(s.equity ?? s.startingCash)}</td>
                <td className={pnl.tone ? `mb-tone-${pnl.tone}` : undefined}>{pnl.text}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function OpenPositions({ sessions, onOpen }: SessionsProps) {
  const glances = useOverviewStore((s) => s.glances);
  const loaded = useOverviewStore((s) => s.loaded);
  const rows = sessions.flatMap((session) =>
    (glances[session.id]?.positions ?? []).map((position) => ({ session, position })),
  );
  return (
    <section className="ov-section" aria-label="Open positions">
      <h2>Open positions</h2>
      {rows.length === 0 ? (
        <p className="muted small">{loaded ? 'No open positions.' : 'Loading…'}</p>
      ) : (
        <table className="metrics ov-table">
          <thead>
            <tr>
              <th>Session</th>
              <th>Symbol</th>
              <th>Qty</th>
              <th>Avg price</th>
              <th>Last</th>
              <th>Unrealized</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ session, position: p }) => (
              <tr key={`${session.id}:${p.symbol}`}>
                <th scope="row">
                  <SessionLink session={session} onOpen={onOpen} />
                </th>
                <td>{p.symbol}</td>
                <td className={p.qty < 0 ? 'mb-tone-down' : undefined}>{formatQty(p.qty)}</td>
                <td>{formatPrice(p.avgPrice)}</td>
                <td>{formatPrice(p.lastPrice)}</td>
                <td className={toneOf(p.unrealizedPnl) ? `mb-tone-${toneOf(p.unrealizedPnl)}` : undefined}>
                  {formatMoney(p.unrealizedPnl, { signed: true })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function OpenAlerts({ sessions, onOpen }: SessionsProps) {
  const glances = useOverviewStore((s) => s.glances);
  const loaded = useOverviewStore((s) => s.loaded);
  const acknowledge = useOverviewStore((s) => s.acknowledge);
  const alerts = sessions
    .flatMap((session) => (glances[session.id]?.alerts ?? []).map((alert) => ({ session, alert })))
    .sort((x, y) => y.alert.time - x.alert.time);
  return (
    <section className="ov-section" aria-label="Unacknowledged alerts">
      <h2>
        Unacknowledged alerts {alerts.length > 0 && <span className="muted small">{alerts.length}</span>}
      </h2>
      {alerts.length === 0 ? (
        <p className="muted small">{loaded ? 'None.' : 'Loading…'}</p>
      ) : (
        <ul className="ov-alerts">
          {alerts.slice(0, RECENT_ALERTS).map(({ session, alert }) => (
            <li key={alert.id}>
              <span className={`badge tone-${SEVERITY_TONE[alert.severity]}`}>{alert.severity}</span>
              <span className="mb-num muted">{formatTime(alert.time, { utc: true })}</span>
              <SessionLink session={session} onOpen={onOpen} />
              <span className="ov-alert-msg">{alert.message}</span>
              <button
                type="button"
                className="mb-btn mb-btn-small"
                onClick={() => void acknowledge(alert.id)}
              >
                Acknowledge
              </button>
            </li>
          ))}
        </ul>
      )}
      {alerts.length > RECENT_ALERTS && (
        <p className="muted small">
          {alerts.length - RECENT_ALERTS} older — open the session to see them all.
        </p>
      )}
    </section>
  );
}

function RecentBacktests({
  onOpenRun,
  hideWhenEmpty = false,
}: {
  readonly onOpenRun: (runId: string) => void;
  readonly hideWhenEmpty?: boolean;
}) {
  const runs = useBacktestStore((s) => s.runs);
  if (hideWhenEmpty && runs.length === 0) return null;
  const recent = [...runs].sort((a, b) => b.createdAt - a.createdAt).slice(0, RECENT_BACKTESTS);
  return (
    <section className="ov-section" aria-label="Recent backtests">
      <h2>Recent backtests</h2>
      {recent.length === 0 ? (
        <p className="muted small">None yet: Backtests runs a strategy over history.</p>
      ) : (
        <table className="metrics ov-table">
          <thead>
            <tr>
              <th>Run</th>
              <th>Status</th>
              <th>Return</th>
              <th>Sharpe</th>
              <th>Started</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((run) => (
              <BacktestRow key={run.id} run={run} onOpenRun={onOpenRun} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function BacktestRow({ run, onOpenRun }: { run: BacktestSummary; onOpenRun: (runId: string) => void }) {
  const m = run.metrics;
  const sharpe = m ? metricCell(m, 'sharpe', () => formatNumber(m.sharpe, 2)) : { text: MISSING };
  return (
    <tr>
      <th scope="row">
        <button type="button" className="link" onClick={() => onOpenRun(run.id)} title="Open this backtest">
          {run.name}
        </button>
      </th>
      <td>{run.status}</td>
      <td className={toneOf(m?.totalReturn) ? `mb-tone-${toneOf(m?.totalReturn)}` : undefined}>
        {formatPercent(m?.totalReturn, { signed: true })}
      </td>
      <td title={sharpe.title}>{sharpe.text}</td>
      <td>{formatTime(run.createdAt)}</td>
    </tr>
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
