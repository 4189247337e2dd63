// Paper-trading sessions as the UI sees them: a named, versioned config, its runs, and the live account.
import type { ChartBars, Timeframe } from './bars';
import type { PerformanceMetrics } from './metrics';
import type { RiskState, Side } from './trading';

export type SessionStatus = 'idle' | 'starting' | 'running' | 'paused' | 'stopping' | 'stopped' | 'failed';

/** Where a session's orders go. */
export type SessionVenue = 'simulated' | 'alpaca-paper';

/** What the Alpaca account holds that an Alpaca paper run must take into account before it starts. */
export interface StartReconciliation {
  /** null for a simulated session: nothing to reconcile. */
  readonly account: {
    readonly status: string;
    readonly cash: number;
    readonly equity: number;
    readonly buyingPower: number;
  } | null;
  readonly items: readonly {
    /** account/cash problems block the start; positions and orders need the user's acceptance; info does not. */
    readonly kind: 'account' | 'cash' | 'position' | 'order' | 'info';
    readonly symbol?: string;
    readonly blocking: boolean;
    readonly message: string;
  }[];
  /** No blocking item. */
  readonly canStart: boolean;
  /** Positions or orders to adopt or cancel: start only with `accept: true`. */
  readonly needsAcceptance: boolean;
}

export interface SessionSummary {
  readonly id: string;
  readonly name: string;
  /** Bumped by every session:update; a run keeps the version it started with. */
  readonly version: number;
  readonly venue: SessionVenue;
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  readonly strategyId: string;
  readonly status: SessionStatus;
  /** The current or last run. */
  readonly runId: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly equity: number | null;
  readonly startingCash: number;
}

export interface SessionDetail extends SessionSummary {
  /** The config with every default filled in (what session:update edits). */
  readonly config: Readonly<Record<string, unknown>>;
}

export interface PositionRow {
  readonly symbol: string;
  readonly qty: number;
  readonly avgPrice: number;
  readonly lastPrice: number;
  readonly marketValue: number;
  readonly unrealizedPnl: number;
  readonly realizedPnl: number;
}

export interface OrderRow {
  readonly id: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: string;
  readonly role: string;
  readonly qty: number;
  readonly filledQty: number;
  readonly limitPrice: number | null;
  readonly stopPrice: number | null;
  readonly avgFillPrice: number | null;
  readonly status: string;
  readonly statusReason: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The trader's own order from the ticket (see manual-order.ts); absent: the strategy's. */
  readonly manual?: boolean;
}

/** An order still working at the venue (it may fill, and the user may cancel it). */
export function isWorkingOrder(order: Pick<OrderRow, 'status'>): boolean {
  return order.status === 'new' || order.status === 'accepted' || order.status === 'partially_filled';
}

export interface FillRow {
  readonly executionId: string;
  readonly orderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  readonly fee: number;
  readonly time: number;
  /** What the order was meant to fill at (see Fill.decisionPrice); null for fills recorded before it was kept. */
  readonly decisionPrice: number | null;
}

export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface AlertRow {
  readonly id: number;
  readonly runId: string;
  readonly time: number;
  readonly severity: AlertSeverity;
  readonly kind: string;
  readonly message: string;
  readonly acknowledged: boolean;
}

/**
 * The levels the risk gateway judges its loss limits against now: the day-start equity of the daily-loss limit (its
 * trading day: the New York session day for US equities) and the peak of the drawdown limit. A reset re-arms both
 * from the equity at the reset, so the gauges read these rather than the day's P&L figures.
 */
export interface LimitBasis {
  readonly dayStartEquity: number;
  readonly peakEquity: number;
}

/** Everything a session page shows at once; pushes keep it current afterwards. */
export interface SessionSnapshot {
  readonly session: SessionDetail;
  readonly runId: string | null;
  readonly riskState: RiskState;
  readonly riskReason: string | null;
  readonly cash: number;
  readonly equity: number;
  readonly dayStartEquity: number;
  /** What the risk gateway judges its loss limits against now; absent without a live run. */
  readonly limitBasis?: LimitBasis;
  readonly positions: readonly PositionRow[];
  readonly orders: readonly OrderRow[];
  readonly fills: readonly FillRow[];
  readonly alerts: readonly AlertRow[];
  /** The last bars per symbol (for the chart), oldest first, with the strategy's indicators over them. */
  readonly bars: Readonly<Record<string, ChartBars>>;
  readonly equityCurve: { readonly time: number[]; readonly equity: number[] };
  /** Differences found when the run was recovered after a crash; shown, never silently fixed. */
  readonly reconciliation: readonly string[];
}

/** A session symbol's chart at a coarser timeframe (session:bars). */
export interface SessionChartBars extends ChartBars {
  /** Open time of the newest of the run's own bars in it (null: none yet): live bars after it are folded in. */
  readonly through: number | null;
}

/** Push payloads: each carries its session and run. */
export interface SessionStatePush {
  readonly sessionId: string;
  readonly runId: string | null;
  readonly status: SessionStatus;
  readonly riskState: RiskState;
  readonly message?: string;
}
export interface BarPush {
  readonly sessionId: string;
  readonly symbol: string;
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /**
   * The strategy's indicators at this bar: one value per line of the snapshot's `bars[symbol].indicators`, set by
   * set and line by line; null while an indicator warms up.
   */
  readonly indicators?: readonly (number | null)[];
}
export interface OrderPush {
  readonly sessionId: string;
  readonly order: OrderRow;
}
export interface FillPush {
  readonly sessionId: string;
  readonly fill: FillRow;
}
export interface EquityPush {
  readonly sessionId: string;
  readonly time: number;
  /** Main's wall clock when the bar's results were published (epoch ms): how far the screen is behind the engine. */
  readonly sentAt?: number;
  readonly equity: number;
  readonly cash: number;
  readonly positions: readonly PositionRow[];
  readonly limitBasis?: LimitBasis;
}
export interface AlertPush {
  readonly sessionId: string;
  readonly alert: AlertRow;
}

export const EXPORT_KINDS = ['orders', 'fills', 'trades', 'equity', 'daily-summary'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export interface ExportFile {
  readonly fileName: string;
  readonly mimeType: string;
  readonly content: string;
}

/** One trading day of a run, as the daily report shows it. */
export interface DailySummary {
  readonly day: string;
  readonly trades: number;
  readonly wins: number;
  readonly winRate: number | null;
  readonly realizedPnl: number;
  readonly fees: number;
  readonly startEquity: number;
  readonly endEquity: number;
  readonly returnFraction: number;
  /** Deepest fall below the day's running peak of the bar-by-bar equity, as a fraction. */
  readonly maxDrawdown: number;
  readonly riskEvents: readonly string[];
}

/** Trade-plan execution modes; each bounds the expected holding time (2, 3.5, 6, 10 trading days). */
export const EXECUTION_MODES = ['intraday', 'fast', 'balanced', 'conservative'] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

/** A session's paper run beside the backtest of its own bars with its own config: what differs and why. */
export interface SessionComparison {
  readonly runId: string;
  readonly barTimes: number;
  readonly paper: {
    readonly metrics: PerformanceMetrics;
    readonly time: number[];
    readonly equity: number[];
  };
  readonly backtest: {
    readonly metrics: PerformanceMetrics;
    readonly time: number[];
    readonly equity: number[];
  };
  readonly fills: {
    readonly paper: number;
    readonly backtest: number;
    /** Same symbol, side and quantity at the same bar time. */
    readonly matched: number;
    readonly onlyPaper: number;
    readonly onlyBacktest: number;
    /** Matched fills whose price differs: Σ (paper − backtest) × qty, signed so a positive number cost the paper run. */
    readonly slippageCost: number;
  };
  readonly fees: { readonly paper: number; readonly backtest: number };
  readonly paperRejected: number;
  readonly paperCanceled: number;
  /** The difference in words, largest first. */
  readonly explanation: readonly string[];
}
