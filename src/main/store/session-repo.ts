// The session ledger: sessions, their runs (with config snapshots) and everything a run did, bar by bar.
// commitBar is the unit of durability: a bar's orders, fills, position changes and account commit together or not at all.
import type { OptionDayDecision } from '../../shared/domain/options';
import type { AlertRow, FillRow, OrderRow, PositionRow } from '../../shared/domain/session';
import type { Trade } from '../../shared/domain/trading';
import { type Db, preparedOnFirstUse } from './database';
import { createLedgerWriter } from './ledger-writer';
import { createSessionEvents } from './session-events';
import type {
  BarColumns,
  BarRow,
  BrokerJournalEntry,
  DailyPnlRow,
  NewRun,
  NewSession,
  OrderEventRecord,
  RiskEventRecord,
  RunRecord,
  RunStatus,
  SessionChanges,
  SessionRecord,
  StoredOrder,
} from './session-records';
import {
  type AlertDbRow,
  alertOf,
  OPEN_STATUSES,
  type OrderDbRow,
  orderRowOf,
  type PositionDbRow,
  positionOf,
  type RunDbRow,
  runOf,
  type SessionDbRow,
  sessionOf,
  sqlLimit,
  storedOrderOf,
  type TradeDbRow,
  tradeOf,
} from './session-rows';

export type {
  AccountUpdate,
  AlertInput,
  BarColumns,
  BarRow,
  BrokerJournalEntry,
  CommitResult,
  DailyPnlRow,
  EquityPoint,
  LedgerBatch,
  NewRun,
  NewSession,
  OrderEventRecord,
  OrderUpsert,
  PositionUpsert,
  RiskEventInput,
  RiskEventRecord,
  RunRecord,
  RunStatus,
  SessionChanges,
  SessionRecord,
  StoredOrder,
} from './session-records';

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
  // option_days comes with migration 0013 (see preparedOnFirstUse).
  const selectOptionDays = preparedOnFirstUse<
    [string],
    { day: string; decision: OptionDayDecision['decision']; reason: string | null; inputs: string }
  >(db, 'SELECT day, decision, reason, inputs FROM option_days WHERE run_id = ? ORDER BY day');
  const ackAlertRow = db.prepare<[number]>('UPDATE alerts SET acknowledged = 1 WHERE id = ?');

  const selectBrokerEvents = db.prepare<[string], BrokerJournalEntry>(
    'SELECT seq, after_bars AS afterBars, kind, event, recorded_at AS recordedAt FROM broker_events WHERE run_id = ? ORDER BY seq',
  );

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
    /** One bar's batch in one transaction (ledger-writer.ts). */
    commitBar: createLedgerWriter(db),
    /**
     * `work`'s batches in one transaction (commitBar nests as a savepoint): a run's warm-up history of thousands of
     * bars is written with one sync to disk instead of one per bar, and all of it or none.
     */
    atomically<T>(work: () => T): T {
      return db.transaction(work)();
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
    /** An options run's day decisions, oldest first (migration 0013). */
    optionDays(runId: string): OptionDayDecision[] {
      return selectOptionDays()
        .all(runId)
        .map((row) => ({
          day: row.day,
          decision: row.decision,
          ...(row.reason !== null && { reason: row.reason }),
          inputs: JSON.parse(row.inputs) as Record<string, number>,
        }));
    },
    /** The session's order, risk, broker, alert and run events, filtered and paged (session-events.ts). */
    events: createSessionEvents(db),
    /** Marks the alert acknowledged; false if there is no such alert (acknowledging twice is still true). */
    ackAlert(id: number): boolean {
      return ackAlertRow.run(id).changes > 0;
    },
  };
}

export type SessionRepo = ReturnType<typeof createSessionRepo>;
