// The ledger writer: one bar's batch (its broker journal, bars, orders and their events, fills, trades, positions,
// equity, account, daily P&L, risk events and alerts) committed in one transaction, or not at all.
import type { RiskState } from '../../shared/domain/trading';
import { type Db, preparedOnFirstUse } from './database';
import type { CommitResult, LedgerBatch } from './session-records';

/**
 * commitBar(runId, batch): the unit of durability of a session run. A hot path: positional parameters, no per-row
 * allocation beyond the argument list.
 */
export function createLedgerWriter(db: Db): (runId: string, batch: LedgerBatch) => CommitResult {
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
  const insertBrokerEvent = db.prepare<[string, number, number, string, string, number]>(
    'INSERT INTO broker_events (run_id, seq, after_bars, kind, event, recorded_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  // option_days comes with migration 0013 (see preparedOnFirstUse).
  const upsertOptionDay = preparedOnFirstUse<[string, string, string, string | null, string]>(
    db,
    `INSERT INTO option_days (run_id, day, decision, reason, inputs) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (run_id, day) DO UPDATE SET decision = excluded.decision, reason = excluded.reason,
       inputs = excluded.inputs`,
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
    if (batch.optionDays !== undefined) {
      for (const d of batch.optionDays) {
        upsertOptionDay().run(runId, d.day, d.decision, d.reason ?? null, JSON.stringify(d.inputs));
      }
    }
    for (const al of batch.alerts) {
      result.alertIds.push(
        Number(insertAlert.run(runId, al.time, al.severity, al.kind, al.message).lastInsertRowid),
      );
    }
    return result;
  });
  return commitBar;
}
