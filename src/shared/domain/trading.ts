// Orders, fills, positions and round-trip trades: the vocabulary shared by the engine, venues, store and UI.

export type Side = 'buy' | 'sell';
export type OrderType = 'market' | 'limit' | 'stop' | 'stop_limit' | 'trailing_stop';
export type TimeInForce = 'day' | 'gtc' | 'ioc' | 'fok';

/** Lifecycle: new → accepted → partially_filled → filled | canceled | rejected | expired. */
export type OrderStatus =
  | 'new'
  | 'accepted'
  | 'partially_filled'
  | 'filled'
  | 'canceled'
  | 'rejected'
  | 'expired';

/** Why an order exists, in the trader's words: an entry, or an exit of a given kind. */
export type OrderRole = 'entry' | 'exit' | 'stop_loss' | 'take_profit';

export interface Order {
  readonly id: string;
  /** Deterministic, at most 48 characters; what the venue sees as client_order_id. */
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly role: OrderRole;
  readonly qty: number;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly trailPercent?: number;
  readonly timeInForce: TimeInForce;
  /** Parent order of a bracket leg; the two legs of one bracket cancel each other (OCO). */
  readonly parentId?: string;
  readonly createdAt: number;
  status: OrderStatus;
  filledQty: number;
  avgFillPrice: number;
  /** Set when rejected, canceled or expired by the engine or the venue. */
  statusReason?: string;
  /** The trader's own order from the ticket (or a bracket leg of one); absent or false: the strategy's. */
  readonly manual?: boolean;
}

export interface Fill {
  /** Unique per venue execution; the ledger deduplicates on it. */
  readonly executionId: string;
  readonly orderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  readonly fee: number;
  readonly time: number;
  /**
   * The price the order was meant to fill at: the decision bar's close for a market order, its limit for a limit
   * order, its stop (or trailing stop level) for a stop. Slippage is measured from it.
   */
  readonly decisionPrice?: number;
}

/** Slippage of a fill per unit, as a cost: positive when it filled worse than its decision price. */
export function slippagePerUnit(fill: {
  readonly side: Side;
  readonly price: number;
  readonly decisionPrice?: number | null;
}): number | null {
  if (fill.decisionPrice == null || !(fill.decisionPrice > 0)) return null;
  return fill.side === 'buy' ? fill.price - fill.decisionPrice : fill.decisionPrice - fill.price;
}

export interface Position {
  readonly symbol: string;
  /** Signed: positive long, negative short. */
  readonly qty: number;
  readonly avgPrice: number;
  readonly realizedPnl: number;
}

export type ExitReason =
  | 'signal'
  | 'stop_loss'
  | 'take_profit'
  | 'trailing_stop'
  | 'end_of_data'
  | 'flatten'
  | 'risk'
  // Options (Phase 4D): the profit target on the premium paid, the per-trade loss limit, the no-overnight exit
  // before the close, and a contract settled at its expiry.
  | 'profit_target'
  | 'max_loss'
  | 'end_of_day'
  | 'expiry';

/** A round trip: from flat to flat (or a reversal), as reported in trades.csv. */
export interface Trade {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly qty: number;
  readonly entryTime: number;
  readonly entryPrice: number;
  readonly exitTime: number;
  readonly exitPrice: number;
  /** Net of fees on both legs. */
  readonly pnl: number;
  readonly fees: number;
  readonly barsHeld: number;
  readonly exitReason: ExitReason;
}

export type RiskState = 'ACTIVE' | 'REDUCING' | 'HALTED';
