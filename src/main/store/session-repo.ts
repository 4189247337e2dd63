// The session ledger: sessions, their runs (with config snapshots) and everything a run did, bar by bar.
// commitBar is the unit of durability: a bar's orders, fills, position changes and account commit together or not at all.
import type { AlertRow, AlertSeverity, FillRow, OrderRow, PositionRow } from '../../shared/domain/session';
import type { Order, OrderStatus, RiskState, Side, Trade } from '../../shared/domain/trading';
import type { Db } from './database';

export type RunStatus = 'running' | 'paused' | 'stopped' | 'failed';

export interface SessionRecord {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly config: Record<string, unknown>;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewSession {
  readonly id: string;
  readonly name: string;
  readonly config: unknown;
  readonly createdAt: number;
}

export interface SessionChanges {
  readonly name?: string;
  readonly config?: unknown;
}

export interface NewRun {
  readonly id: string;
  readonly sessionId: string;
  readonly sessionVersion: number;
  readonly config: unknown;
  readonly idPrefix: string;
  readonly startedAt: number;
  readonly cash: number;
}

export interface RunRecord {
  readonly id: string;
  readonly sessionId: string;
  readonly sessionVersion: number;
  readonly config: Record<string, unknown>;
  readonly idPrefix: string;
  readonly status: RunStatus;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly endReason: string | null;
  readonly cash: number;
  readonly equity: number;
  readonly dayStartEquity: number;
  readonly riskState: RiskState;
  readonly riskReason: string | null;
  readonly lastBarTime: number | null;
  readonly bars: number;
}

export interface BarRow {
  readonly symbol: string;
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface BarColumns {
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

/** An order's current state: the shared Order plus when it last changed and, optionally, why it exists (JSON text). */
export interface OrderUpsert extends Order {
  readonly updatedAt: number;
  readonly intent?: string;
}

/** An order as stored, with everything needed to rebuild the engine's Order on recovery. */
export interface StoredOrder extends OrderRow {
  readonly trailPercent: number | null;
  readonly timeInForce: string;
  readonly parentId: string | null;
  readonly intent: string | null;
}

export interface OrderEventRecord {
  readonly seq: number;
  readonly orderId: string;
  readonly time: number;
  readonly status: string;
  readonly filledQty: number;
  readonly reason: string | null;
}

export interface PositionUpsert {
  readonly symbol: string;
  readonly qty: number;
  readonly avgPrice: number;
  readonly realizedPnl: number;
  readonly lastPrice: number;
  /** Defaults to the batch's equity time, else its account lastBarTime, else now. */
  readonly updatedAt?: number;
}

export interface EquityPoint {
  readonly time: number;
  readonly equity: number;
  readonly cash: number;
}

export interface AccountUpdate {
  readonly cash: number;
  readonly equity: number;
  readonly dayStartEquity: number;
  readonly riskState: RiskState;
  readonly riskReason: string | null;
  readonly lastBarTime: number | null;
}

export interface DailyPnlRow {
  readonly day: string;
  readonly startEquity: number;
  readonly endEquity: number;
  readonly realizedPnl: number;
  readonly fees: number;
  readonly trades: number;
}

export interface RiskEventInput {
  readonly time: number;
  readonly kind: string;
  readonly fromState?: RiskState | null;
  readonly toState?: RiskState | null;
  readonly reason: string;
}

export interface RiskEventRecord {
  readonly seq: number;
  readonly time: number;
  readonly kind: string;
  readonly fromState: RiskState | null;
  readonly toState: RiskState | null;
  readonly reason: string;
}

export interface AlertInput {
  readonly time: number;
  readonly severity: AlertSeverity;
  readonly kind: string;
  readonly message: string;
}

/** Everything one bar changed; the runtime fills it as the bar is processed. An empty batch is fine. */
export interface LedgerBatch {
  /** Stored once per (run, symbol, time); a bar seen again is ignored. */
  bars: BarRow[];
  /** Number of distinct bar times this batch closes; added to the run's `bars`. */
  barTimes: number;
  /** Upserted by (run, id); each one also appends an order event. */
  orders: OrderUpsert[];
  /** Appended; an execution id already stored is ignored and counted as a duplicate. */
  fills: FillRow[];
  /** Appended by seq; a seq already stored is ignored. */
  trades: { seq: number; trade: Trade }[];
  positions: PositionUpsert[];
  equity?: EquityPoint;
  account?: AccountUpdate;
  daily?: DailyPnlRow;
  riskEvents: RiskEventInput[];
  alerts: AlertInput[];
  /** Broker events applied in this batch (Alpaca runs), appended to the run's journal by seq. */
  brokerEvents?: BrokerJournalEntry[];
}

/** One journaled broker event: `afterBars` bar times had been processed when the run applied it. */
export interface BrokerJournalEntry {
  readonly seq: number;
  readonly afterBars: number;
  readonly kind: string;
  /** The event as JSON. */
  readonly event: string;
  readonly recordedAt: number;
}

export interface CommitResult {
  newFills: number;
  duplicateFills: number;
  /** Ids of the batch's alerts, in the batch's order. */
  alertIds: number[];
}

interface SessionDbRow {
  id: string;
  name: string;
  version: number;
  config: string;
  created_at: number;
  updated_at: number;
}

interface RunDbRow {
  id: string;
  session_id: string;
  session_version: number;
  config: string;
  id_prefix: string;
  status: RunStatus;
  started_at: number;
  ended_at: number | null;
  end_reason: string | null;
  cash: number;
  equity: number;
  day_start_equity: number;
  risk_state: RiskState;
  risk_reason: string | null;
  last_bar_time: number | null;
  bars: number;
}

interface OrderDbRow {
  id: string;
  client_order_id: string;
  symbol: string;
  side: Side;
  type: string;
  role: string;
  qty: number;
  limit_price: number | null;
  stop_price: number | null;
  trail_percent: number | null;
  time_in_force: string;
  parent_id: string | null;
  intent: string | null;
  status: string;
  filled_qty: number;
  avg_fill_price: number | null;
  status_reason: string | null;
  created_at: number;
  updated_at: number;
}

interface TradeDbRow {
  symbol: string;
  side: 'long' | 'short';
  qty: number;
  entry_time: number;
  entry_price: number;
  exit_time: number;
  exit_price: number;
  pnl: number;
  fees: number;
  bars_held: number;
  exit_reason: Trade['exitReason'];
}

interface PositionDbRow {
  symbol: string;
  qty: number;
  avg_price: number;
  realized_pnl: number;
  last_price: number;
}

interface AlertDbRow {
  id: number;
  run_id: string;
  time: number;
  severity: AlertSeverity;
  kind: string;
  message: string;
  acknowledged: number;
}

const OPEN_STATUSES: readonly OrderStatus[] = ['new', 'accepted', 'partially_filled'];

/** SQLite reads LIMIT -1 as "no limit"; Infinity (or no limit) asks for everything. */
const sqlLimit = (limit: number | undefined): number =>
  limit === undefined || !Number.isFinite(limit) ? -1 : Math.max(0, Math.floor(limit));

function sessionOf(row: SessionDbRow): SessionRecord {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    config: JSON.parse(row.config) as Record<string, unknown>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function runOf(row: RunDbRow): RunRecord {
  return {
    id: row.id,
    sessionId: row.session_id,
    sessionVersion: row.session_version,
    config: JSON.parse(row.config) as Record<string, unknown>,
    idPrefix: row.id_prefix,
    status: row.status,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    endReason: row.end_reason,
    cash: row.cash,
    equity: row.equity,
    dayStartEquity: row.day_start_equity,
    riskState: row.risk_state,
    riskReason: row.risk_reason,
    lastBarTime: row.last_bar_time,
    bars: row.bars,
  };
}

function orderRowOf(row: OrderDbRow): OrderRow {
  return {
    id: row.id,
    clientOrderId: row.client_order_id,
    symbol: row.symbol,
    side: row.side,
    type: row.type,
    role: row.role,
    qty: row.qty,
    filledQty: row.filled_qty,
    limitPrice: row.limit_price,
    stopPrice: row.stop_price,
    avgFillPrice: row.avg_fill_price,
    status: row.status,
    statusReason: row.status_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function storedOrderOf(row: OrderDbRow): StoredOrder {
  return {
    ...orderRowOf(row),
    trailPercent: row.trail_percent,
    timeInForce: row.time_in_force,
    parentId: row.parent_id,
    intent: row.intent,
  };
}

function tradeOf(row: TradeDbRow): Trade {
  return {
    symbol: row.symbol,
    side: row.side,
    qty: row.qty,
    entryTime: row.entry_time,
    entryPrice: row.entry_price,
    exitTime: row.exit_time,
    exitPrice: row.exit_price,
    pnl: row.pnl,
    fees: row.fees,
    barsHeld: row.bars_held,
    exitReason: row.exit_reason,
  };
}

function positionOf(row: PositionDbRow): PositionRow {
  return {
    symbol: row.symbol,
    qty: row.qty,
    avgPrice: row.avg_price,
    lastPrice: row.last_price,
    marketValue: row.qty * row.last_price,
    unrealizedPnl: row.qty * (row.last_price - row.avg_price),
    realizedPnl: row.realized_pnl,
  };
}

function alertOf(row: AlertDbRow): AlertRow {
  return {
    id: row.id,
    runId: row.run_id,
    time: row.time,
    severity: row.severity,
    kind: row.kind,
    message: row.message,
    acknowledged: row.acknowledged === 1,
  };
}

export function createSessionRepo(db: Db) {
  // ── sessions ──
  const insertSession = db.prepare<[string, string, string, number, number]>(
    'INSERT INTO sessions (id, name, version, config, created_at, updated_at) VALUES (?, ?, 1, ?, ?, ?)',
  );
  const updateSessionRow = db.prepare<[string | null, string | null, number, string]>(
    `UPDATE sessions SET name = coalesce(?, name), config = coalesce(?, config), version = version + 1,
       updated_at = ? WHERE id = ?`,
  );
  const selectSession = db.prepare<[string], SessionDbRow>('SELECT * FROM sessions WHERE id = ?');
  const selectSessions = db.prepare<[], SessionDbRow>(
    'SELECT * FROM sessions ORDER BY created_at DESC, rowid DESC',
  );

  // ── runs ──
  const insertRun = db.prepare<[string, string, number, string, string, number, number, number, number]>(
    `INSERT INTO session_runs (id, session_id, session_version, config, id_prefix, status, started_at,
       cash, equity, day_start_equity, risk_state)
     VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, 'ACTIVE')`,
  );
  const updateRunStatus = db.prepare<[RunStatus, number | null, string | null, string]>(
    'UPDATE session_runs SET status = ?, ended_at = ?, end_reason = ? WHERE id = ?',
  );
  const selectRun = db.prepare<[string], RunDbRow>('SELECT * FROM session_runs WHERE id = ?');
  const selectLatestRun = db.prepare<[string], RunDbRow>(
    'SELECT * FROM session_runs WHERE session_id = ? ORDER BY started_at DESC, rowid DESC LIMIT 1',
  );
  const selectRunsToRecover = db.prepare<[], RunDbRow>(
    "SELECT * FROM session_runs WHERE status IN ('running', 'paused') ORDER BY started_at, rowid",
  );

  // ── commitBar: hot path, positional parameters, no per-row allocation beyond the argument list ──
  const insertBar = db.prepare<[string, string, number, number, number, number, number, number]>(
    `INSERT INTO session_bars (run_id, symbol, time, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
  );
  const upsertOrder = db.prepare<
    [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      number,
      number | null,
      number | null,
      number | null,
      string,
      string | null,
      string | null,
      string,
      number,
      number | null,
      string | null,
      number,
      number,
    ]
  >(
    `INSERT INTO orders (run_id, id, client_order_id, symbol, side, type, role, qty, limit_price, stop_price,
       trail_percent, time_in_force, parent_id, intent, status, filled_qty, avg_fill_price, status_reason,
       created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, id) DO UPDATE SET
       symbol = excluded.symbol, side = excluded.side, type = excluded.type, role = excluded.role,
       qty = excluded.qty, limit_price = excluded.limit_price, stop_price = excluded.stop_price,
       trail_percent = excluded.trail_percent, time_in_force = excluded.time_in_force,
       parent_id = excluded.parent_id, intent = coalesce(excluded.intent, orders.intent),
       status = excluded.status, filled_qty = excluded.filled_qty, avg_fill_price = excluded.avg_fill_price,
       status_reason = excluded.status_reason, updated_at = excluded.updated_at`,
  );
  const insertOrderEvent = db.prepare<[string, string, number, string, number, string | null]>(
    'INSERT INTO order_events (run_id, order_id, time, status, filled_qty, reason) VALUES (?, ?, ?, ?, ?, ?)',
  );
  // ON CONFLICT DO NOTHING (not INSERT OR IGNORE): only a repeated execution id is ignored; a NULL or a failed
  // CHECK still aborts the batch instead of being silently dropped.
  const insertFill = db.prepare<
    [string, string, string, string, string, number, number, number, number, number | null]
  >(
    `INSERT INTO fills (execution_id, run_id, order_id, symbol, side, qty, price, fee, time, decision_price)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (execution_id) DO NOTHING`,
  );
  const insertTrade = db.prepare<
    [string, number, string, string, number, number, number, number, number, number, number, number, string]
  >(
    `INSERT INTO trades (run_id, seq, symbol, side, qty, entry_time, entry_price, exit_time, exit_price, pnl, fees,
       bars_held, exit_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, seq) DO NOTHING`,
  );
  const upsertPosition = db.prepare<[string, string, number, number, number, number, number]>(
    `INSERT INTO positions (run_id, symbol, qty, avg_price, realized_pnl, last_price, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, symbol) DO UPDATE SET qty = excluded.qty, avg_price = excluded.avg_price,
       realized_pnl = excluded.realized_pnl, last_price = excluded.last_price, updated_at = excluded.updated_at`,
  );
  const upsertEquity = db.prepare<[string, number, number, number]>(
    `INSERT INTO equity_snapshots (run_id, time, equity, cash) VALUES (?, ?, ?, ?)
     ON CONFLICT (run_id, time) DO UPDATE SET equity = excluded.equity, cash = excluded.cash`,
  );
  const updateAccount = db.prepare<
    [number, number, number, RiskState, string | null, number | null, number, string]
  >(
    `UPDATE session_runs SET cash = ?, equity = ?, day_start_equity = ?, risk_state = ?, risk_reason = ?,
       last_bar_time = ?, bars = bars + ? WHERE id = ?`,
  );
  const addBars = db.prepare<[number, string]>('UPDATE session_runs SET bars = bars + ? WHERE id = ?');
  const upsertDaily = db.prepare<[string, string, number, number, number, number, number]>(
    `INSERT INTO daily_pnl (run_id, day, start_equity, end_equity, realized_pnl, fees, trades)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, day) DO UPDATE SET start_equity = excluded.start_equity,
       end_equity = excluded.end_equity, realized_pnl = excluded.realized_pnl, fees = excluded.fees,
       trades = excluded.trades`,
  );
  const insertRiskEvent = db.prepare<[string, number, string, string | null, string | null, string]>(
    'INSERT INTO risk_events (run_id, time, kind, from_state, to_state, reason) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertAlert = db.prepare<[string, number, string, string, string]>(
    'INSERT INTO alerts (run_id, time, severity, kind, message) VALUES (?, ?, ?, ?, ?)',
  );

  // ── reads ──
  const selectBars = db.prepare<[string, string, number], BarRow>(
    `SELECT * FROM (SELECT symbol, time, open, high, low, close, volume FROM session_bars
       WHERE run_id = ? AND symbol = ? ORDER BY time DESC LIMIT ?) ORDER BY time`,
  );
  const selectAllBars = db.prepare<[string], BarRow>(
    'SELECT symbol, time, open, high, low, close, volume FROM session_bars WHERE run_id = ? ORDER BY time, symbol',
  );
  const selectOrders = db.prepare<[string, number], OrderDbRow>(
    'SELECT * FROM orders WHERE run_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
  );
  const selectOpenOrders = db.prepare<[string], OrderDbRow>(
    `SELECT * FROM orders WHERE run_id = ? AND status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})
     ORDER BY created_at DESC, rowid DESC`,
  );
  const selectAllOrders = db.prepare<[string], OrderDbRow>(
    'SELECT * FROM orders WHERE run_id = ? ORDER BY created_at, rowid',
  );
  const selectOrderEvents = db.prepare<[string], OrderEventRecord>(
    `SELECT seq, order_id AS orderId, time, status, filled_qty AS filledQty, reason FROM order_events
     WHERE run_id = ? ORDER BY seq`,
  );
  const selectFills = db.prepare<[string, number], FillRow>(
    `SELECT execution_id AS executionId, order_id AS orderId, symbol, side, qty, price, fee, time,
       decision_price AS decisionPrice FROM fills
     WHERE run_id = ? ORDER BY time DESC, rowid DESC LIMIT ?`,
  );
  const countFills = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM fills WHERE run_id = ?');
  const selectClientOrderIds = db
    .prepare<[string], string>(
      'SELECT client_order_id FROM orders WHERE run_id = ? ORDER BY created_at, rowid',
    )
    .pluck();
  const selectPositions = db.prepare<[string], PositionDbRow>(
    'SELECT symbol, qty, avg_price, realized_pnl, last_price FROM positions WHERE run_id = ? ORDER BY symbol',
  );
  const selectEquity = db.prepare<[string, number], { time: number; equity: number }>(
    `SELECT * FROM (SELECT time, equity FROM equity_snapshots WHERE run_id = ? ORDER BY time DESC LIMIT ?)
     ORDER BY time`,
  );
  const selectTrades = db.prepare<[string], TradeDbRow>('SELECT * FROM trades WHERE run_id = ? ORDER BY seq');
  const selectDaily = db.prepare<[string], DailyPnlRow>(
    `SELECT day, start_equity AS startEquity, end_equity AS endEquity, realized_pnl AS realizedPnl, fees, trades
     FROM daily_pnl WHERE run_id = ? ORDER BY day`,
  );
  const selectRiskEvents = db.prepare<[string, number], RiskEventRecord>(
    `SELECT seq, time, kind, from_state AS fromState, to_state AS toState, reason FROM risk_events
     WHERE run_id = ? ORDER BY seq DESC LIMIT ?`,
  );
  const selectAlerts = db.prepare<[string, number], AlertDbRow>(
    'SELECT * FROM alerts WHERE run_id = ? ORDER BY id DESC LIMIT ?',
  );
  const ackAlertRow = db.prepare<[number]>('UPDATE alerts SET acknowledged = 1 WHERE id = ?');

  const insertBrokerEvent = db.prepare<[string, number, number, string, string, number]>(
    'INSERT INTO broker_events (run_id, seq, after_bars, kind, event, recorded_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const selectBrokerEvents = db.prepare<[string], BrokerJournalEntry>(
    'SELECT seq, after_bars AS afterBars, kind, event, recorded_at AS recordedAt FROM broker_events WHERE run_id = ? ORDER BY seq',
  );

  const commitBar = db.transaction((runId: string, batch: LedgerBatch): CommitResult => {
    const result: CommitResult = { newFills: 0, duplicateFills: 0, alertIds: [] };
    // The journal first: an order's state is only ever stored together with the event that caused it.
    if (batch.brokerEvents !== undefined) {
      for (const e of batch.brokerEvents) {
        insertBrokerEvent.run(runId, e.seq, e.afterBars, e.kind, e.event, e.recordedAt);
      }
    }

    for (const b of batch.bars) {
      insertBar.run(runId, b.symbol, b.time, b.open, b.high, b.low, b.close, b.volume);
    }
    for (const o of batch.orders) {
      upsertOrder.run(
        runId,
        o.id,
        o.clientOrderId,
        o.symbol,
        o.side,
        o.type,
        o.role,
        o.qty,
        o.limitPrice ?? null,
        o.stopPrice ?? null,
        o.trailPercent ?? null,
        o.timeInForce,
        o.parentId ?? null,
        o.intent ?? null,
        o.status,
        o.filledQty,
        o.filledQty > 0 ? o.avgFillPrice : null,
        o.statusReason ?? null,
        o.createdAt,
        o.updatedAt,
      );
      insertOrderEvent.run(runId, o.id, o.updatedAt, o.status, o.filledQty, o.statusReason ?? null);
    }
    for (const f of batch.fills) {
      const { changes } = insertFill.run(
        f.executionId,
        runId,
        f.orderId,
        f.symbol,
        f.side,
        f.qty,
        f.price,
        f.fee,
        f.time,
        f.decisionPrice,
      );
      if (changes > 0) result.newFills++;
      else result.duplicateFills++;
    }
    for (const { seq, trade: t } of batch.trades) {
      insertTrade.run(
        runId,
        seq,
        t.symbol,
        t.side,
        t.qty,
        t.entryTime,
        t.entryPrice,
        t.exitTime,
        t.exitPrice,
        t.pnl,
        t.fees,
        t.barsHeld,
        t.exitReason,
      );
    }
    if (batch.positions.length > 0) {
      const fallbackTime = batch.equity?.time ?? batch.account?.lastBarTime ?? Date.now();
      for (const p of batch.positions) {
        upsertPosition.run(
          runId,
          p.symbol,
          p.qty,
          p.avgPrice,
          p.realizedPnl,
          p.lastPrice,
          p.updatedAt ?? fallbackTime,
        );
      }
    }
    if (batch.equity !== undefined) {
      upsertEquity.run(runId, batch.equity.time, batch.equity.equity, batch.equity.cash);
    }
    const barTimes = batch.barTimes;
    const a = batch.account;
    if (a !== undefined) {
      const { changes } = updateAccount.run(
        a.cash,
        a.equity,
        a.dayStartEquity,
        a.riskState,
        a.riskReason,
        a.lastBarTime,
        barTimes,
        runId,
      );
      if (changes === 0) throw new Error(`session run ${runId} does not exist; the batch was not stored`);
    } else if (barTimes !== 0) {
      if (addBars.run(barTimes, runId).changes === 0) {
        throw new Error(`session run ${runId} does not exist; the batch was not stored`);
      }
    }
    if (batch.daily !== undefined) {
      const d = batch.daily;
      upsertDaily.run(runId, d.day, d.startEquity, d.endEquity, d.realizedPnl, d.fees, d.trades);
    }
    for (const e of batch.riskEvents) {
      insertRiskEvent.run(runId, e.time, e.kind, e.fromState ?? null, e.toState ?? null, e.reason);
    }
    for (const al of batch.alerts) {
      result.alertIds.push(
        Number(insertAlert.run(runId, al.time, al.severity, al.kind, al.message).lastInsertRowid),
      );
    }
    return result;
  });

  return {
    // ── sessions ──
    createSession(session: NewSession): void {
      insertSession.run(
        session.id,
        session.name,
        JSON.stringify(session.config),
        session.createdAt,
        session.createdAt,
      );
    },
    /** Bumps the version; a run keeps the version and config it started with. */
    updateSession: db.transaction((id: string, changes: SessionChanges, updatedAt: number): SessionRecord => {
      const config = changes.config === undefined ? null : JSON.stringify(changes.config);
      if (updateSessionRow.run(changes.name ?? null, config, updatedAt, id).changes === 0) {
        throw new Error(`session ${id} does not exist`);
      }
      return sessionOf(selectSession.get(id)!);
    }),
    getSession(id: string): SessionRecord | undefined {
      const row = selectSession.get(id);
      return row === undefined ? undefined : sessionOf(row);
    },
    /** Newest first. */
    listSessions(): SessionRecord[] {
      return selectSessions.all().map(sessionOf);
    },

    // ── runs ──
    /** A new run: status 'running', equity and day-start equity equal to the starting cash, risk ACTIVE. */
    startRun(run: NewRun): void {
      insertRun.run(
        run.id,
        run.sessionId,
        run.sessionVersion,
        JSON.stringify(run.config),
        run.idPrefix,
        run.startedAt,
        run.cash,
        run.cash,
        run.cash,
      );
    },
    /** 'stopped' and 'failed' record when and why the run ended; 'running' and 'paused' clear both. */
    setRunStatus(runId: string, status: RunStatus, at: number, reason?: string): void {
      const ended = status === 'stopped' || status === 'failed';
      const changed = updateRunStatus.run(
        status,
        ended ? at : null,
        ended ? (reason ?? null) : null,
        runId,
      ).changes;
      if (changed === 0) throw new Error(`session run ${runId} does not exist`);
    },
    getRun(runId: string): RunRecord | undefined {
      const row = selectRun.get(runId);
      return row === undefined ? undefined : runOf(row);
    },
    latestRun(sessionId: string): RunRecord | undefined {
      const row = selectLatestRun.get(sessionId);
      return row === undefined ? undefined : runOf(row);
    },
    /** Runs the file says were running or paused: start-up is the recovery path. Oldest first. */
    runsToRecover(): RunRecord[] {
      return selectRunsToRecover.all().map(runOf);
    },

    // ── the ledger ──
    /** One transaction for the whole batch: a fill and the position change it caused commit together. */
    commitBar(runId: string, batch: LedgerBatch): CommitResult {
      return commitBar(runId, batch);
    },

    // ── reads ──
    /** One symbol's bars as columns, oldest first; the last `limit` if given. */
    bars(runId: string, symbol: string, limit?: number): BarColumns {
      const out: BarColumns = { time: [], open: [], high: [], low: [], close: [], volume: [] };
      for (const b of selectBars.iterate(runId, symbol, sqlLimit(limit))) {
        out.time.push(b.time);
        out.open.push(b.open);
        out.high.push(b.high);
        out.low.push(b.low);
        out.close.push(b.close);
        out.volume.push(b.volume);
      }
      return out;
    },
    /** The run's broker journal, in the order it was applied. */
    brokerEvents(runId: string): BrokerJournalEntry[] {
      return selectBrokerEvents.all(runId);
    },
    /** Every bar the run saw, by time then symbol: the input to replay it through the backtester. */
    allBars(runId: string): BarRow[] {
      return selectAllBars.all(runId);
    },
    /** Newest first (by creation). `limit` Infinity reads them all. */
    orders(runId: string, limit = 500): OrderRow[] {
      return selectOrders.all(runId, sqlLimit(limit)).map(orderRowOf);
    },
    /** Orders still working at the venue (new, accepted, partially filled), newest first. */
    openOrders(runId: string): OrderRow[] {
      return selectOpenOrders.all(runId).map(orderRowOf);
    },
    /** Every order with all stored fields (time in force, parent, intent …), oldest first: for recovery. */
    orderRecords(runId: string): StoredOrder[] {
      return selectAllOrders.all(runId).map(storedOrderOf);
    },
    /** Every order event of the run, in the order they were written. */
    orderEvents(runId: string): OrderEventRecord[] {
      return selectOrderEvents.all(runId);
    },
    /** Newest first. `limit` Infinity reads them all. */
    fills(runId: string, limit = 500): FillRow[] {
      return selectFills.all(runId, sqlLimit(limit));
    },
    fillCount(runId: string): number {
      return countFills.get(runId)!.n;
    },
    /** Every client order id the run has used, oldest first: never send one twice. */
    clientOrderIds(runId: string): string[] {
      return selectClientOrderIds.all(runId);
    },
    /** Every symbol the run has held, flat ones included (their realized P&L stays), by symbol. */
    positions(runId: string): PositionRow[] {
      return selectPositions.all(runId).map(positionOf);
    },
    /** The last `limit` equity snapshots, oldest first. */
    equityCurve(runId: string, limit = 5000): { time: number[]; equity: number[] } {
      const time: number[] = [];
      const equity: number[] = [];
      for (const p of selectEquity.iterate(runId, sqlLimit(limit))) {
        time.push(p.time);
        equity.push(p.equity);
      }
      return { time, equity };
    },
    /** Round trips in seq order. */
    trades(runId: string): Trade[] {
      return selectTrades.all(runId).map(tradeOf);
    },
    /** One row per day, oldest first. */
    dailyPnl(runId: string): DailyPnlRow[] {
      return selectDaily.all(runId);
    },
    /** Newest first. */
    riskEvents(runId: string, limit = 500): RiskEventRecord[] {
      return selectRiskEvents.all(runId, sqlLimit(limit));
    },
    /** Newest first. */
    alerts(runId: string, limit = 200): AlertRow[] {
      return selectAlerts.all(runId, sqlLimit(limit)).map(alertOf);
    },
    /** Marks the alert acknowledged; false if there is no such alert (acknowledging twice is still true). */
    ackAlert(id: number): boolean {
      return ackAlertRow.run(id).changes > 0;
    },
  };
}

export type SessionRepo = ReturnType<typeof createSessionRepo>;
