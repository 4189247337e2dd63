// The session tables' rows as SQLite returns them, and their mapping to the records the ledger's users see.
import { isManualIntent } from '../../shared/domain/manual-order';
import type { AlertRow, AlertSeverity, OrderRow, PositionRow } from '../../shared/domain/session';
import type { OrderStatus, RiskState, Side, Trade } from '../../shared/domain/trading';
import type { RunRecord, RunStatus, SessionRecord, StoredOrder } from './session-records';

export interface SessionDbRow {
  id: string;
  name: string;
  version: number;
  config: string;
  created_at: number;
  updated_at: number;
}

export interface RunDbRow {
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

export interface OrderDbRow {
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

export interface TradeDbRow {
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

export interface PositionDbRow {
  symbol: string;
  qty: number;
  avg_price: number;
  realized_pnl: number;
  last_price: number;
}

export interface AlertDbRow {
  id: number;
  run_id: string;
  time: number;
  severity: AlertSeverity;
  kind: string;
  message: string;
  acknowledged: number;
}

export const OPEN_STATUSES: readonly OrderStatus[] = ['new', 'accepted', 'partially_filled'];

/** SQLite reads LIMIT -1 as "no limit"; Infinity (or no limit) asks for everything. */
export const sqlLimit = (limit: number | undefined): number =>
  limit === undefined || !Number.isFinite(limit) ? -1 : Math.max(0, Math.floor(limit));

export function sessionOf(row: SessionDbRow): SessionRecord {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    config: JSON.parse(row.config) as Record<string, unknown>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function runOf(row: RunDbRow): RunRecord {
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

export function orderRowOf(row: OrderDbRow): OrderRow {
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
    ...(isManualIntent(row.intent) && { manual: true }),
  };
}

export function storedOrderOf(row: OrderDbRow): StoredOrder {
  return {
    ...orderRowOf(row),
    trailPercent: row.trail_percent,
    timeInForce: row.time_in_force,
    parentId: row.parent_id,
    intent: row.intent,
  };
}

export function tradeOf(row: TradeDbRow): Trade {
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

export function positionOf(row: PositionDbRow): PositionRow {
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

export function alertOf(row: AlertDbRow): AlertRow {
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
