// Sessions: the list and a "New session" form on the left; the selected session on the right — its controls, risk
// state, account, live chart, equity curve, positions, orders, fills, alerts and reconciliation report.
import { useEffect, useMemo, useState } from 'react';
import type { StrategyInfo } from '../../../shared/domain/backtest';
import type { Timeframe } from '../../../shared/domain/bars';
import type { AlpacaDataFeed } from '../../../shared/domain/credentials';
import {
  type AlertRow,
  isWorkingOrder,
  type SessionSnapshot,
  type SessionVenue,
} from '../../../shared/domain/session';
import { useApi } from '../api/context';
import { parseSymbols } from '../components/alpaca/symbols';
import { EquityChart } from '../components/chart/EquityChart';
import { formatMoney, formatPnl, formatTime } from '../components/chart/format';
import { SchemaForm, validateValues } from '../components/form/SchemaForm';
import { SymbolPicks } from '../components/form/SymbolPicks';
import type { JsonSchema } from '../components/form/schema-model';
import { TimeframeRow } from '../components/form/TimeframeRow';
import { DataTable } from '../components/table/DataTable';
import { VenueBadge } from '../components/VenueBadge';
import { canDo, feedSpeed, useSessionStore } from '../stores/session-store';
import { AlpacaValidatePanel } from './AlpacaValidatePanel';
import { RISK_HINTS } from './config-hints';
import { RiskGauges } from './RiskGauges';
import { SessionChart } from './SessionChart';
import { SessionComparisonPanel } from './SessionComparison';
import { SessionReports } from './SessionReports';
import { StrategyPicker } from './StrategyPicker';
import { fillColumns, orderColumns, positionColumns, sessionColumns } from './session-columns';
import { VenueChoice } from './VenueChoice';

type Config = Record<string, unknown>;
interface FormPart {
  values: Record<string, unknown>;
  valid: boolean;
}

export function SessionsView() {
  const api = useApi();
  const sessions = useSessionStore((s) => s.sessions);
  const listLoaded = useSessionStore((s) => s.listLoaded);
  const selectedId = useSessionStore((s) => s.selectedId);
  const listError = useSessionStore((s) => s.errors.list);
  const { load, select } = useSessionStore.getState();

  useEffect(() => {
    void load(api);
  }, [api, load]);

  // Opening the view with nothing selected shows the session the user most likely wants: a running one.
  useEffect(() => {
    if (selectedId === null && sessions.length > 0) {
      const pick = sessions.find((s) => s.status === 'running') ?? sessions[0]!;
      void select(api, pick.id);
    }
  }, [api, select, selectedId, sessions]);

  return (
    <section className="view sessions">
      <aside className="ss-side" aria-label="Sessions">
        <h2>Sessions</h2>
        {listError && (
          <div className="error-banner" role="alert">
            Could not list the sessions: {listError}
          </div>
        )}
        <div className="ss-list">
          <DataTable
            label="Sessions"
            rows={sessions}
            columns={sessionColumns}
            rowKey={(s) => s.id}
            selectedKey={selectedId}
            onRowClick={(s) => void select(api, s.id)}
            emptyText={listLoaded ? 'No sessions yet.' : 'Loading sessions…'}
            filterable={false}
            height="100%"
          />
        </div>
        <NewSessionForm />
      </aside>
      <div className="ss-main">
        {listLoaded && sessions.length === 0 ? (
          <FirstRun />
        ) : selectedId ? (
          <SessionPage key={selectedId} sessionId={selectedId} />
        ) : (
          <p className="muted">{listLoaded ? 'Select a session on the left.' : 'Loading sessions…'}</p>
        )}
      </div>
    </section>
  );
}

function FirstRun() {
  const api = useApi();
  const error = useSessionStore((s) => s.errors.create);
  const [starting, setStarting] = useState(false);
  return (
    <div className="ss-first-run" data-testid="first-run">
      <h2>Try the simulated demo</h2>
      <p className="muted">
        One click creates a paper-trading session — an SMA crossover on the synthetic symbols ACME and BOLT,
        1-minute bars at 120× real time, default risk limits — and starts it on the simulated broker. The
        first trades appear within a minute. Nothing real is traded.
      </p>
      <button
        type="button"
        className="primary"
        disabled={starting}
        onClick={async () => {
          setStarting(true);
          await useSessionStore.getState().startDemo(api);
          setStarting(false);
        }}
      >
        {starting ? 'Starting the demo…' : 'Try the simulated demo'}
      </button>
      {error && (
        <div className="error-banner" role="alert">
          {error}
        </div>
      )}
      <p className="muted small">Or configure your own session with the form on the left.</p>
    </div>
  );
}

// ---------------------------------------------------------------- config form (new session and edit)

/** The editable part of a session config, as the form holds it. */
interface ConfigDraft {
  venue: SessionVenue;
  /** The synthetic symbols picked for the simulator. */
  symbols: string[];
  /** The Alpaca symbols as typed ("SPY, AAPL"). */
  alpacaSymbols: string;
  alpacaFeed: AlpacaDataFeed;
  timeframe: Timeframe;
  speed: number;
  cash: number;
  strategyId: string;
  params: FormPart;
  risk: FormPart;
}

/** The Alpaca data feed of a session config; IEX unless it says SIP. */
export function alpacaFeedOf(config: Readonly<Config> | undefined): AlpacaDataFeed {
  const feed = config?.['feed'] as { kind?: unknown; feed?: unknown } | undefined;
  return feed?.kind === 'alpaca' && feed.feed === 'sip' ? 'sip' : 'iex';
}

function draftFrom(config: Config | undefined, strategies: readonly StrategyInfo[]): ConfigDraft {
  const strategy = config?.['strategy'] as { id?: string; params?: Record<string, unknown> } | undefined;
  const strategyId = strategy?.id ?? 'sma-crossover';
  const schema = strategies.find((s) => s.id === strategyId)?.paramsSchema as JsonSchema | undefined;
  const params = strategy?.params ?? {};
  const venue: SessionVenue = config?.['venueKind'] === 'alpaca-paper' ? 'alpaca-paper' : 'simulated';
  const symbols = config?.['symbols'] as string[] | undefined;
  return {
    venue,
    symbols: venue === 'simulated' ? [...(symbols ?? ['ACME'])] : ['ACME'],
    alpacaSymbols: venue === 'alpaca-paper' ? (symbols ?? []).join(', ') : 'SPY',
    alpacaFeed: alpacaFeedOf(config),
    timeframe: (config?.['timeframe'] as Timeframe | undefined) ?? '1m',
    speed: feedSpeed(config) ?? 120,
    cash: (config?.['cash'] as number | undefined) ?? 100_000,
    strategyId,
    params: { values: params, valid: !schema || Object.keys(validateValues(schema, params)).length === 0 },
    risk: { values: (config?.['risk'] as Record<string, unknown> | undefined) ?? {}, valid: true },
  };
}

/** The config session:create takes: `{ symbols, timeframe, cash, venueKind, feed, strategy, risk }`. */
function configOf(draft: ConfigDraft): Config {
  const alpaca = draft.venue === 'alpaca-paper';
  return {
    symbols: alpaca ? parseSymbols(draft.alpacaSymbols) : draft.symbols,
    timeframe: draft.timeframe,
    cash: draft.cash,
    venueKind: draft.venue,
    feed: alpaca
      ? { kind: 'alpaca', feed: draft.alpacaFeed }
      : { kind: 'synthetic-live', speed: draft.speed },
    strategy: { id: draft.strategyId, params: draft.params.values },
    risk: draft.risk.values,
  };
}

const SYMBOL_PATTERN = /^[A-Z][A-Z0-9.\-/]{0,14}$/;

/** What is wrong with the typed Alpaca symbols, in words; null when they will do. */
export function alpacaSymbolsProblem(text: string): string | null {
  const symbols = parseSymbols(text);
  if (symbols.length === 0) return 'Type at least one symbol, e.g. SPY or AAPL.';
  if (symbols.length > 10) return `At most 10 symbols per session (${symbols.length} typed).`;
  const bad = symbols.find((s) => !SYMBOL_PATTERN.test(s));
  return bad === undefined
    ? null
    : `“${bad}” is not a symbol: 1–15 capital letters, digits, “.”, “-” or “/”.`;
}

/** A risk setting as the session will run it: the form's value, else the schema's default. */
function riskValue(draft: ConfigDraft, riskSchema: JsonSchema | undefined, key: string): number {
  const value = draft.risk.values[key] ?? riskSchema?.properties?.[key]?.default;
  return typeof value === 'number' ? value : 0;
}

/** Alpaca's OCO exits take a fixed stop: a trailing stop and a take-profit cannot both be on (main refuses it). */
function alpacaExitProblem(draft: ConfigDraft, riskSchema: JsonSchema | undefined): string | null {
  if (draft.venue !== 'alpaca-paper') return null;
  return riskValue(draft, riskSchema, 'trailingStop') > 0 && riskValue(draft, riskSchema, 'takeProfit') > 0
    ? 'Alpaca cannot pair a trailing stop with a take-profit: set one of them to 0 under Risk.'
    : null;
}

function draftValid(draft: ConfigDraft, riskSchema: JsonSchema | undefined): boolean {
  const market =
    draft.venue === 'alpaca-paper'
      ? alpacaSymbolsProblem(draft.alpacaSymbols) === null && alpacaExitProblem(draft, riskSchema) === null
      : draft.symbols.length > 0 && draft.speed > 0 && Number.isFinite(draft.speed);
  return market && draft.params.valid && draft.risk.valid && draft.cash > 0 && Number.isFinite(draft.cash);
}

function ConfigFields({
  draft,
  onChange,
  idPrefix,
}: {
  draft: ConfigDraft;
  onChange: (draft: ConfigDraft) => void;
  idPrefix: string;
}) {
  const strategies = useSessionStore((s) => s.strategies);
  const options = useSessionStore((s) => s.options);
  const change = (patch: Partial<ConfigDraft>) => onChange({ ...draft, ...patch });
  const alpaca = draft.venue === 'alpaca-paper';
  const symbolsProblem = alpaca ? alpacaSymbolsProblem(draft.alpacaSymbols) : null;
  const exitProblem = alpacaExitProblem(draft, options?.riskSchema as JsonSchema | undefined);

  const timeframeRow = (
    <TimeframeRow
      id={`${idPrefix}-timeframe`}
      value={draft.timeframe}
      onChange={(timeframe) => change({ timeframe })}
    />
  );
  const cashRow = (
    <div className="form-row">
      <label htmlFor={`${idPrefix}-cash`}>{alpaca ? 'Capital' : 'Starting cash'}</label>
      <input
        id={`${idPrefix}-cash`}
        type="number"
        min={1}
        step={1000}
        className="num"
        value={Number.isFinite(draft.cash) ? draft.cash : ''}
        onChange={(e) => change({ cash: e.target.value === '' ? Number.NaN : Number(e.target.value) })}
      />
      <span className="muted small">{alpaca ? '$ of the account’s buying power' : '$'}</span>
    </div>
  );

  return (
    <>
      <VenueChoice venue={draft.venue} onChange={(venue) => change({ venue })} idPrefix={idPrefix} />
      {alpaca ? (
        <fieldset>
          <legend>Market — Alpaca market data</legend>
          <div className="form-row">
            <label htmlFor={`${idPrefix}-alpaca-symbols`}>Symbols</label>
            <input
              id={`${idPrefix}-alpaca-symbols`}
              type="text"
              className="mono"
              placeholder="SPY, AAPL"
              autoComplete="off"
              spellCheck={false}
              value={draft.alpacaSymbols}
              onChange={(e) => change({ alpacaSymbols: e.target.value })}
            />
          </div>
          {symbolsProblem && <div className="mb-field-error">{symbolsProblem}</div>}
          <div className="form-row">
            <label htmlFor={`${idPrefix}-data-feed`}>Data feed</label>
            <select
              id={`${idPrefix}-data-feed`}
              value={draft.alpacaFeed}
              onChange={(e) => change({ alpacaFeed: e.target.value === 'sip' ? 'sip' : 'iex' })}
              aria-describedby={`${idPrefix}-data-feed-hint`}
            >
              <option value="iex">IEX</option>
              <option value="sip">SIP</option>
            </select>
          </div>
          <p id={`${idPrefix}-data-feed-hint`} className="ss-hint muted small">
            IEX comes with every Alpaca account; SIP (all US exchanges) needs a paid market-data plan.
          </p>
          {timeframeRow}
          {cashRow}
        </fieldset>
      ) : (
        <fieldset>
          <legend>Market — synthetic, live</legend>
          <SymbolPicks
            choices={options?.syntheticSymbols ?? []}
            picked={draft.symbols}
            onChange={(symbols) => change({ symbols })}
          />
          {draft.symbols.length === 0 && <div className="mb-field-error">Pick at least one symbol.</div>}
          {timeframeRow}
          <div className="form-row">
            <label htmlFor={`${idPrefix}-speed`}>Speed</label>
            <input
              id={`${idPrefix}-speed`}
              type="number"
              min={1}
              step={10}
              className="num"
              value={Number.isFinite(draft.speed) ? draft.speed : ''}
              onChange={(e) => change({ speed: e.target.value === '' ? Number.NaN : Number(e.target.value) })}
            />
            <span className="muted small">× real time</span>
          </div>
          {cashRow}
        </fieldset>
      )}
      <StrategyPicker
        idPrefix={idPrefix}
        strategies={strategies}
        strategyId={draft.strategyId}
        params={draft.params}
        onChange={(strategyId, params) => change({ strategyId, params })}
      />
      {options && (
        <details>
          <summary>Risk</summary>
          <SchemaForm
            label="Risk"
            schema={options.riskSchema as JsonSchema}
            values={draft.risk.values}
            fields={RISK_HINTS}
            onChange={(values, valid) => change({ risk: { values, valid } })}
          />
        </details>
      )}
      {exitProblem && (
        <div className="mb-field-error" role="alert">
          {exitProblem}
        </div>
      )}
    </>
  );
}

function NewSessionForm() {
  const api = useApi();
  const strategies = useSessionStore((s) => s.strategies);
  const error = useSessionStore((s) => s.errors.create);
  const hasSessions = useSessionStore((s) => s.sessions.length > 0);
  const [name, setName] = useState('');
  const [draft, setDraft] = useState<ConfigDraft>(() => draftFrom(undefined, strategies));
  const [saving, setSaving] = useState(false);

  // The strategies arrive after the first render: recompute the params' validity for the default strategy.
  useEffect(() => {
    if (strategies.length > 0) setDraft((d) => ({ ...d, params: draftFrom(configOf(d), strategies).params }));
  }, [strategies]);

  const riskSchema = useSessionStore((s) => s.options?.riskSchema) as JsonSchema | undefined;
  const canCreate = name.trim().length > 0 && draftValid(draft, riskSchema) && !saving;
  const submit = async (startNow: boolean) => {
    setSaving(true);
    const store = useSessionStore.getState();
    const id = await store.create(api, name.trim(), configOf(draft));
    if (id !== null) {
      setName('');
      if (startNow) await store.requestStart(api, id, 'create');
    }
    setSaving(false);
  };

  return (
    <details className="ss-new" open={!hasSessions}>
      <summary>New session</summary>
      <div className="ss-form">
        <div className="form-row">
          <label htmlFor="ss-new-name">Name</label>
          <input
            id="ss-new-name"
            type="text"
            maxLength={80}
            placeholder="e.g. SMA on ACME"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <ConfigFields draft={draft} onChange={setDraft} idPrefix="ss-new" />
        {error && (
          <div className="error-banner" role="alert" data-testid="session-create-error">
            {error}
          </div>
        )}
        <div className="ss-form-buttons">
          <button type="button" className="mb-btn" disabled={!canCreate} onClick={() => void submit(false)}>
            Create
          </button>
          <button
            type="button"
            className="mb-btn ss-btn-accent"
            disabled={!canCreate}
            onClick={() => void submit(true)}
          >
            Create and start
          </button>
        </div>
      </div>
    </details>
  );
}

// ---------------------------------------------------------------- the selected session

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

function SessionPage({ sessionId }: { sessionId: string }) {
  const api = useApi();
  const snapshot = useSessionStore((s) => (s.snapshot?.session.id === sessionId ? s.snapshot : null));
  const loading = useSessionStore((s) => s.loading);
  const error = useSessionStore((s) => s.errors.session);
  const busy = useSessionStore((s) => s.busy[sessionId]);
  const message = useSessionStore((s) => s.statusMessages[sessionId]);
  const [editing, setEditing] = useState(false);
  // 0: no validation shown; each press of Validate bumps it and checks again.
  const [validateRun, setValidateRun] = useState(0);

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
  const store = useSessionStore.getState();
  const dayPnl = formatPnl(snapshot.equity - snapshot.dayStartEquity);
  const totalPnl = formatPnl(snapshot.equity - session.startingCash);
  const speed = feedSpeed(session.config);
  const alpaca = session.venue === 'alpaca-paper';

  return (
    <div className="ss-page" data-testid="session-page">
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
              onClick={() => void store.resetHalt(api, sessionId)}
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
            onClick={() => void store.requestStart(api, sessionId)}
            title={alpaca ? 'Check the Alpaca account against the session, then start' : undefined}
          >
            {busy === 'check the account' ? 'Checking account…' : 'Start'}
          </button>
          <button
            type="button"
            className="mb-btn"
            disabled={!canDo(status, 'pause') || busy !== undefined}
            onClick={() => void store.pause(api, sessionId)}
          >
            Pause
          </button>
          <button
            type="button"
            className="mb-btn"
            disabled={!canDo(status, 'resume') || busy !== undefined}
            onClick={() => void store.resume(api, sessionId)}
          >
            Resume
          </button>
          <button
            type="button"
            className="mb-btn"
            disabled={!canDo(status, 'stop') || busy !== undefined}
            onClick={() => void store.stop(api, sessionId, false)}
            title="Stop now; open positions stay as they are"
          >
            Stop
          </button>
          <button
            type="button"
            className="mb-btn mb-btn-danger"
            disabled={!canDo(status, 'stop') || busy !== undefined}
            onClick={() => void store.stop(api, sessionId, true)}
            title="Close every position at the next bars, then stop"
          >
            Stop &amp; flatten
          </button>
          <button
            type="button"
            className="mb-btn mb-btn-danger"
            disabled={!canDo(status, 'flatten') || busy !== undefined}
            onClick={() => void store.flatten(api, sessionId)}
            title="Close every position at the next bars and keep running"
          >
            Flatten
          </button>
          <button
            type="button"
            className="mb-btn"
            disabled={!canDo(status, 'edit') || busy !== undefined}
            onClick={() => setEditing(!editing)}
            title={
              canDo(status, 'edit') ? 'Change the config (a new version)' : 'Stop the session to edit it'
            }
          >
            {editing ? 'Close editor' : 'Edit config'}
          </button>
          {alpaca && (
            <button
              type="button"
              className="mb-btn"
              onClick={() => setValidateRun((n) => n + 1)}
              title="Check the keys, account, clock, buying power, symbols and market data with Alpaca (read-only)"
            >
              Validate
            </button>
          )}
        </div>
      </header>
      {error && (
        <div className="error-banner" role="alert" data-testid="session-error">
          {error}
        </div>
      )}
      {message && status !== 'running' && <div className="ss-message muted">{message}</div>}
      {snapshot.reconciliation.length > 0 && (
        <div className="ss-reconciliation" role="status">
          <strong>Recovery report</strong> — the run was rebuilt after an unclean shutdown; these differences
          were found and are shown, not fixed:
          <ul>
            {snapshot.reconciliation.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      {alpaca && validateRun > 0 && (
        <AlpacaValidatePanel
          sessionId={sessionId}
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
        <RiskGauges snapshot={snapshot} />
      </div>
      <div className="ss-charts">
        <SessionChart snapshot={snapshot} />
        <div className="ss-equity">
          <EquityCurve snapshot={snapshot} />
        </div>
      </div>
      <div className="ss-positions">
        <DataTable
          label="Positions"
          rows={snapshot.positions}
          columns={positionColumns(snapshot.equity)}
          rowKey={(p) => p.symbol}
          emptyText="No positions."
          filterable={false}
          height="100%"
        />
      </div>
      <div className="ss-orders">
        <DataTable
          label="Orders"
          rows={snapshot.orders}
          columns={orderColumns}
          rowKey={(o) => o.id}
          actions={
            status === 'running' || status === 'paused'
              ? [
                  {
                    id: 'cancel',
                    label: 'Cancel',
                    tone: 'danger',
                    title: 'Cancel this working order at the next bar',
                    hidden: (o) => !isWorkingOrder(o),
                    onAction: (o) => void store.cancelOrder(api, sessionId, o.id),
                  },
                ]
              : undefined
          }
          actionsWidth={64}
          emptyText={status === 'running' ? 'No orders yet — waiting for a signal.' : 'No orders.'}
          height="100%"
        />
      </div>
      <div className="ss-tables">
        <div className="ss-fills">
          <DataTable
            label="Fills"
            rows={snapshot.fills}
            columns={fillColumns}
            rowKey={(f) => f.executionId}
            emptyText="No fills yet."
            height="100%"
          />
        </div>
        <AlertList alerts={snapshot.alerts} />
      </div>
      {snapshot.runId !== null && (
        <SessionReports
          sessionId={sessionId}
          refreshKey={`${snapshot.runId}:${status}:${snapshot.fills.length}`}
        />
      )}
      {snapshot.runId !== null && <SessionComparisonPanel sessionId={sessionId} />}
    </div>
  );
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

const SEVERITY_TONE = { info: 'muted', warning: 'warn', critical: 'down' } as const;

function AlertList({ alerts }: { alerts: readonly AlertRow[] }) {
  const api = useApi();
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
                <button
                  type="button"
                  className="mb-btn mb-btn-small"
                  onClick={() => void ackAlert(api, a.id)}
                >
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

// ---------------------------------------------------------------- editing a stopped session's config

/** Leaf paths of a config ("risk.stopLoss") with their JSON values, for the diff. */
function leaves(value: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, v] of Object.entries(value)) leaves(v, path ? `${path}.${key}` : key, out);
  } else if (value !== undefined) {
    out.set(path, JSON.stringify(value));
  }
  return out;
}

export interface ConfigChange {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

/** The fields that differ between two configs, with their old and new values ("—" where absent). */
export function diffConfigs(before: unknown, after: unknown): ConfigChange[] {
  const a = leaves(before);
  const b = leaves(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths
    .filter((p) => a.get(p) !== b.get(p))
    .map((p) => ({ path: p, before: a.get(p) ?? '—', after: b.get(p) ?? '—' }));
}

function ConfigEditor({ snapshot, onDone }: { snapshot: SessionSnapshot; onDone: () => void }) {
  const api = useApi();
  const strategies = useSessionStore((s) => s.strategies);
  const error = useSessionStore((s) => s.errors.update);
  const riskSchema = useSessionStore((s) => s.options?.riskSchema) as JsonSchema | undefined;
  const old = snapshot.session.config;
  const [name, setName] = useState(snapshot.session.name);
  const [draft, setDraft] = useState<ConfigDraft>(() => draftFrom(old, strategies));
  const [reviewing, setReviewing] = useState(false);
  const [saving, setSaving] = useState(false);

  // The edited fields over the stored config, so what the form does not show (seed …) is kept; a feed of another
  // kind (the venue changed) replaces the old one whole, since its fields would not fit.
  const next = useMemo<Config>(() => {
    const edited = configOf(draft);
    const oldFeed = (old['feed'] as Config | undefined) ?? {};
    const editedFeed = edited['feed'] as Config;
    const feed = oldFeed['kind'] === editedFeed['kind'] ? { ...oldFeed, ...editedFeed } : editedFeed;
    const risk = { ...((old['risk'] as Config | undefined) ?? {}), ...(edited['risk'] as Config) };
    return { ...old, ...edited, feed, risk };
  }, [draft, old]);
  const changes = useMemo(() => {
    const list = diffConfigs(old, next);
    if (name.trim() !== snapshot.session.name)
      list.unshift({
        path: 'name',
        before: JSON.stringify(snapshot.session.name),
        after: JSON.stringify(name),
      });
    return list;
  }, [old, next, name, snapshot.session.name]);

  const save = async () => {
    setSaving(true);
    const nameChanged = name.trim() !== snapshot.session.name;
    const configChanged = changes.some((c) => c.path !== 'name');
    const ok = await useSessionStore.getState().update(api, snapshot.session.id, {
      ...(nameChanged && { name: name.trim() }),
      ...(configChanged && { config: next }),
    });
    setSaving(false);
    if (ok) onDone();
    else setReviewing(false);
  };

  return (
    <section className="ss-editor" aria-label="Edit session config">
      <h3>Edit config — saved as version {snapshot.session.version + 1}; past runs keep theirs</h3>
      {!reviewing ? (
        <div className="ss-form">
          <div className="form-row">
            <label htmlFor="ss-edit-name">Name</label>
            <input
              id="ss-edit-name"
              type="text"
              maxLength={80}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <ConfigFields draft={draft} onChange={setDraft} idPrefix="ss-edit" />
          {error && (
            <div className="error-banner" role="alert" data-testid="session-update-error">
              {error}
            </div>
          )}
          <div className="ss-form-buttons">
            <button type="button" className="mb-btn" onClick={onDone}>
              Cancel
            </button>
            <button
              type="button"
              className="mb-btn ss-btn-accent"
              disabled={!draftValid(draft, riskSchema) || name.trim() === '' || changes.length === 0}
              onClick={() => setReviewing(true)}
            >
              {changes.length === 0
                ? 'No changes'
                : `Review ${changes.length} change${changes.length > 1 ? 's' : ''}`}
            </button>
          </div>
        </div>
      ) : (
        <div>
          <table className="ss-diff" aria-label="Config changes">
            <thead>
              <tr>
                <th>Field</th>
                <th>Old</th>
                <th />
                <th>New</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c) => (
                <tr key={c.path}>
                  <th scope="row" className="mono">
                    {c.path}
                  </th>
                  <td className="mono mb-tone-down">{c.before}</td>
                  <td className="muted">→</td>
                  <td className="mono mb-tone-up">{c.after}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="ss-form-buttons">
            <button type="button" className="mb-btn" onClick={() => setReviewing(false)}>
              Back
            </button>
            <button
              type="button"
              className="mb-btn ss-btn-accent"
              disabled={saving}
              onClick={() => void save()}
            >
              {saving ? 'Saving…' : 'Save changes'}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
