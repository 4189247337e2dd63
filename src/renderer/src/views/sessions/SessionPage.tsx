// The selected session's page: its header and controls, errors and reports, account figures and risk gauges, live
// chart and equity curve, positions, orders, fills and alerts, and how the run compares with a backtest.
import { useMemo, useState } from 'react';
import { isWorkingOrder, type OrderRow, type SessionSnapshot } from '../../../../shared/domain/session';
import type { ChartFocus } from '../../components/chart/CandleChart';
import { EquityChart } from '../../components/chart/EquityChart';
import { formatMoney, formatPnl } from '../../components/chart/format';
import { Pane } from '../../components/layout/Pane';
import { EventLog } from '../../components/log/EventLog';
import { PnlByPeriod } from '../../components/pnl/PnlByPeriod';
import { DataTable } from '../../components/table/DataTable';
import { useSessionStore, useStores, useWorkspaceStore } from '../../stores/context';
import { canDo } from '../../stores/sessions/session-state';
import { AlertList } from './AlertList';
import { AlpacaValidatePanel } from './AlpacaValidatePanel';
import { ConfigEditor } from './ConfigEditor';
import { useThrottledValue } from './live-refresh';
import { OptionsPanel } from './OptionsPanel';
import { OrderTicket } from './OrderTicket';
import { isOptionsSession } from './options-panel-model';
import { RecoveryNotice } from './RecoveryNotice';
import { ReplayParityPanel } from './ReplayParity';
import { RiskGauges } from './RiskGauges';
import { SessionChart } from './SessionChart';
import { SessionComparisonPanel } from './SessionComparison';
import { SessionHeader } from './SessionHeader';
import { SessionReports } from './SessionReports';
import { ShadowTwinPanel } from './ShadowTwin';
import { fillFocus, orderFocus } from './session-chart-model';
import { fillColumns, orderColumns, positionColumns } from './session-columns';
import { alpacaFeedOf } from './session-config';
import { TradePlanPanel } from './TradePlanPanel';
import { canReplace, withManualFills } from './ticket-columns';

export function SessionPage({ sessionId }: { sessionId: string }) {
  const sessionStore = useStores().sessions;
  const snapshot = useSessionStore((s) => (s.snapshot?.session.id === sessionId ? s.snapshot : null));
  const loading = useSessionStore((s) => s.loading);
  const error = useSessionStore((s) => s.errors.session);
  const busy = useSessionStore((s) => s.busy[sessionId]);
  const message = useSessionStore((s) => s.statusMessages[sessionId]);
  const [editing, setEditing] = useState(false);
  // 0: no validation shown; each press of Validate bumps it and checks again.
  const [validateRun, setValidateRun] = useState(0);
  const chartFull = useWorkspaceStore((s) => s.panels['chart-full'] === true);
  // A fill or order row clicked (the chart scrolls to its trade) and the fill whose marker is under the pointer.
  const [picked, setPicked] = useState<{
    table: 'fills' | 'orders';
    key: string;
    symbol: string;
    focus: ChartFocus;
  } | null>(null);
  const [hoveredFill, setHoveredFill] = useState<string | null>(null);
  // The working order the user chose to replace from the orders table (the ticket edits it).
  const [replacing, setReplacing] = useState<OrderRow | null>(null);
  const manualFillColumns = useMemo(
    () => withManualFills(fillColumns, snapshot?.orders ?? []),
    [snapshot?.orders],
  );

  // What the report panels re-read on, at most once a second while the run moves (see live-refresh).
  const fillCount = useThrottledValue(snapshot?.fills.length ?? 0);
  const lastEquityTime = useThrottledValue(snapshot?.equityCurve.time.at(-1) ?? 0);
  const orders = useThrottledValue(snapshot?.orders);
  const orderStatuses = useMemo(() => (orders ?? []).map((o) => o.status).join(), [orders]);

  if (!snapshot) {
    return (
      <div className="ss-page">
        {error ? (
          <div className="error-banner" role="alert">
            {error}
          </div>
        ) : (
          <p className="muted">{loading ? 'Loading session…' : ''}</p>
        )}
      </div>
    );
  }
  const { session } = snapshot;
  const status = session.status;
  const store = sessionStore.getState();
  const dayPnl = formatPnl(snapshot.equity - snapshot.dayStartEquity);
  const totalPnl = formatPnl(snapshot.equity - session.startingCash);
  const alpaca = session.venue === 'alpaca-paper';

  return (
    <div className="ss-page" data-testid="session-page">
      <SessionHeader
        snapshot={snapshot}
        busy={busy}
        editing={editing}
        onEdit={() => setEditing(!editing)}
        onValidate={() => setValidateRun((n) => n + 1)}
      />
      {error && (
        <div className="error-banner" role="alert" data-testid="session-error">
          {error}
        </div>
      )}
      {message && status !== 'running' && <div className="ss-message muted">{message}</div>}
      <RecoveryNotice snapshot={snapshot} />
      {(alpaca || isOptionsSession(session)) && validateRun > 0 && (
        <AlpacaValidatePanel
          sessionId={sessionId}
          options={isOptionsSession(session)}
          simulated={session.venue === 'simulated'}
          feed={alpacaFeedOf(session.config)}
          run={validateRun}
          onAgain={() => setValidateRun((n) => n + 1)}
          onClose={() => setValidateRun(0)}
        />
      )}
      {editing && canDo(status, 'edit') && (
        <ConfigEditor snapshot={snapshot} onDone={() => setEditing(false)} />
      )}
      <div className="ss-stats">
        <dl className="ss-figures">
          <div>
            <dt>Equity</dt>
            <dd data-testid="session-equity">{formatMoney(snapshot.equity)}</dd>
          </div>
          <div>
            <dt>Day P&amp;L</dt>
            <dd className={dayPnl.tone ? `mb-tone-${dayPnl.tone}` : undefined}>{dayPnl.text}</dd>
          </div>
          <div>
            <dt>Total P&amp;L</dt>
            <dd className={totalPnl.tone ? `mb-tone-${totalPnl.tone}` : undefined}>{totalPnl.text}</dd>
          </div>
          <div>
            <dt>Cash</dt>
            <dd>{formatMoney(snapshot.cash)}</dd>
          </div>
          <div>
            <dt>{alpaca ? 'Capital' : 'Starting cash'}</dt>
            <dd>{formatMoney(session.startingCash, { decimals: 0 })}</dd>
          </div>
          <div>
            <dt>Open positions</dt>
            <dd data-testid="open-positions">{snapshot.positions.filter((p) => p.qty !== 0).length}</dd>
          </div>
          <div>
            <dt>Fills</dt>
            <dd>{snapshot.fills.length}</dd>
          </div>
        </dl>
        {/* An options run's limits are the preset's, shown by the Options panel's risk check. */}
        {!isOptionsSession(session) && <RiskGauges snapshot={snapshot} />}
      </div>
      {snapshot.runId !== null && isOptionsSession(session) && (
        <OptionsPanel
          key={snapshot.runId}
          runId={snapshot.runId}
          refreshKey={`${status}:${fillCount}:${lastEquityTime}`}
        />
      )}
      {chartFull ? (
        <div className="ss-charts ss-full">
          <SessionChart snapshot={snapshot} focus={picked} onMarkerHover={setHoveredFill} />
        </div>
      ) : (
        <Pane name="ss-chart" title="Chart" axis="y" defaultSize={chartHeight()} min={220} max={2400}>
          <div className="ss-charts">
            <SessionChart snapshot={snapshot} focus={picked} onMarkerHover={setHoveredFill} />
          </div>
        </Pane>
      )}
      {!chartFull && (
        <Pane name="ss-equity" title="Equity" axis="y" defaultSize={200} min={100} max={1200}>
          <div className="ss-equity">
            <EquityCurve snapshot={snapshot} />
          </div>
        </Pane>
      )}
      {(status === 'running' || status === 'paused') && (
        <OrderTicket
          key={sessionId}
          snapshot={snapshot}
          replacing={replacing}
          onReplaced={() => setReplacing(null)}
        />
      )}
      <Pane name="ss-positions" title="Positions" axis="y" defaultSize={150} min={70} max={1200}>
        <div className="ss-positions">
          <DataTable
            label="Positions"
            rows={snapshot.positions}
            columns={positionColumns(snapshot.equity)}
            rowKey={(p) => p.symbol}
            actions={
              status === 'running' || status === 'paused'
                ? [
                    {
                      id: 'close',
                      label: 'Close',
                      tone: 'danger',
                      title: 'Close this whole position with a market order at the next bar',
                      hidden: (p) => p.qty === 0,
                      onAction: (p) => void store.closePosition(sessionId, p.symbol),
                    },
                  ]
                : undefined
            }
            actionsWidth={64}
            emptyText="No positions."
            filterable={false}
            height="100%"
          />
        </div>
      </Pane>
      <Pane name="ss-orders" title="Orders" axis="y" defaultSize={230} min={70} max={1600}>
        <div className="ss-orders">
          <DataTable
            label="Orders"
            rows={snapshot.orders}
            columns={orderColumns}
            rowKey={(o) => o.id}
            selectedKey={picked?.table === 'orders' ? picked.key : null}
            highlightedKey={
              hoveredFill === null
                ? null
                : (snapshot.fills.find((f) => f.executionId === hoveredFill)?.orderId ?? null)
            }
            onRowClick={(o) =>
              setPicked({
                table: 'orders',
                key: o.id,
                symbol: o.symbol,
                focus: orderFocus(o, snapshot.fills),
              })
            }
            actions={
              status === 'running' || status === 'paused'
                ? [
                    {
                      id: 'cancel',
                      label: 'Cancel',
                      tone: 'danger',
                      title: 'Cancel this working order at the next bar',
                      hidden: (o) => !isWorkingOrder(o),
                      onAction: (o) => void store.cancelOrder(sessionId, o.id),
                    },
                    {
                      id: 'replace',
                      label: 'Replace',
                      title: 'Change this working order’s quantity or price (cancel, then a new order)',
                      hidden: (o) => !canReplace(o),
                      onAction: (o) => setReplacing(o),
                    },
                  ]
                : undefined
            }
            actionsWidth={132}
            emptyText={status === 'running' ? 'No orders yet — waiting for a signal.' : 'No orders.'}
            height="100%"
          />
        </div>
      </Pane>
      <Pane name="ss-fills" title="Fills" axis="y" defaultSize={230} min={70} max={1600}>
        <div className="ss-fills">
          <DataTable
            label="Fills"
            rows={snapshot.fills}
            columns={manualFillColumns}
            rowKey={(f) => f.executionId}
            selectedKey={picked?.table === 'fills' ? picked.key : null}
            highlightedKey={hoveredFill}
            onRowClick={(f) => {
              const focus = fillFocus(snapshot.fills, f.executionId);
              if (focus) setPicked({ table: 'fills', key: f.executionId, symbol: f.symbol, focus });
            }}
            emptyText="No fills yet."
            height="100%"
          />
        </div>
      </Pane>
      <Pane name="ss-alerts" title="Alerts" axis="y" defaultSize={180} min={60} max={1600}>
        <AlertList alerts={snapshot.alerts} />
      </Pane>
      {snapshot.runId !== null && (
        <SessionReports sessionId={sessionId} refreshKey={`${snapshot.runId}:${status}:${fillCount}`} />
      )}
      {snapshot.runId !== null && (
        <PnlByPeriod
          source={{ kind: 'session', sessionId }}
          refreshKey={`${snapshot.runId}:${status}:${fillCount}`}
        />
      )}
      {snapshot.runId !== null && (
        <TradePlanPanel
          sessionId={sessionId}
          live={status === 'running' || status === 'paused'}
          refreshKey={`${snapshot.runId}:${status}:${orderStatuses}`}
        />
      )}
      {snapshot.runId !== null && (
        <EventLog
          source={{ kind: 'session', sessionId }}
          label="Events"
          live={status === 'running' || status === 'paused'}
        />
      )}
      {snapshot.runId !== null && <SessionComparisonPanel sessionId={sessionId} />}
      {snapshot.runId !== null && alpaca && session.config['shadow'] === true && (
        <ShadowTwinPanel
          key={snapshot.runId}
          sessionId={sessionId}
          refreshKey={`${status}:${fillCount}:${lastEquityTime}`}
        />
      )}
      {snapshot.runId !== null && (status === 'stopped' || status === 'failed') && (
        <ReplayParityPanel key={snapshot.runId} sessionId={sessionId} />
      )}
    </div>
  );
}

/** The chart's first height: most of the window, so the chart is the page (the user's own size wins once dragged). */
function chartHeight(): number {
  return Math.max(320, Math.round(window.innerHeight - 330));
}

function EquityCurve({ snapshot }: { snapshot: SessionSnapshot }) {
  const curve = snapshot.equityCurve;
  const columns = useMemo(
    () =>
      curve.time.length === 0
        ? null
        : { time: Float64Array.from(curve.time), equity: Float64Array.from(curve.equity) },
    [curve],
  );
  return <EquityChart curve={columns} label="Equity" ariaLabel="Session equity and drawdown" utc />;
}
