// What the session ledger stores and answers, as its users see it: sessions, runs, a bar's ledger batch, and the
// rows read back for the UI, exports and crash recovery.

import type { OptionDayDecision } from '../../shared/domain/options';
import type { AlertSeverity, FillRow, OrderRow } from '../../shared/domain/session';
import type { Order, RiskState, Trade } from '../../shared/domain/trading';

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
  /** Options runs: the day decisions made in this batch, upserted by (run, day). */
  optionDays?: OptionDayDecision[];
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
