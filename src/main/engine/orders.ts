// Orders as the engine tracks them, their lifecycle state machine, and the order manager that creates them.
import type {
  ExitReason,
  Order,
  OrderRole,
  OrderStatus,
  OrderType,
  Side,
  TimeInForce,
} from '../../shared/domain/trading';
import { clientOrderIdOf, type IdSource, orderIdOf } from './ids';

// Lifecycle: new → accepted | rejected | canceled; accepted → partially_filled | filled | canceled | expired;
// partially_filled → partially_filled | filled | canceled | expired; filled, canceled, rejected and expired are
// final. Anything else is a bug in the engine or a venue, so it throws.

export class IllegalOrderTransition extends Error {
  constructor(
    readonly orderId: string,
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super(`order ${orderId}: illegal status change ${from} → ${to}`);
    this.name = 'IllegalOrderTransition';
  }
}

export function isTerminal(status: OrderStatus): boolean {
  return status === 'filled' || status === 'canceled' || status === 'rejected' || status === 'expired';
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  switch (from) {
    case 'new':
      return to === 'accepted' || to === 'rejected' || to === 'canceled';
    case 'accepted':
      // A broker may still refuse an accepted order before any fill (buying power at the fill, Alpaca's own checks).
      return (
        to === 'partially_filled' ||
        to === 'filled' ||
        to === 'canceled' ||
        to === 'expired' ||
        to === 'rejected'
      );
    case 'partially_filled':
      return to === 'partially_filled' || to === 'filled' || to === 'canceled' || to === 'expired';
    default:
      return false;
  }
}

const NO_LEGS: readonly WorkingOrder[] = Object.freeze([]);

/** Moves an order to `to` or throws IllegalOrderTransition. */
export function transition(order: { readonly id: string; status: OrderStatus }, to: OrderStatus): void {
  if (!canTransition(order.status, to)) throw new IllegalOrderTransition(order.id, order.status, to);
  order.status = to;
}

/** Stop-loss and take-profit to attach to an entry once it has filled (prices win over fractions). */
export interface BracketSpec {
  readonly stopLossPrice?: number;
  /** Fraction of the entry's average fill price, e.g. 0.05. */
  readonly stopLossFraction?: number;
  readonly takeProfitPrice?: number;
  readonly takeProfitFraction?: number;
  /** When set, the stop-loss is a trailing stop this fraction behind the best price since entry. */
  readonly trailFraction?: number;
}

export interface NewOrder {
  readonly symbol: string;
  readonly symbolIndex: number;
  readonly side: Side;
  readonly type: OrderType;
  readonly role: OrderRole;
  readonly qty: number;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly trailPercent?: number;
  readonly timeInForce: TimeInForce;
  readonly reason: string;
  /** For exits: what the trades report says when this order closes a position. */
  readonly exitReason?: ExitReason;
  readonly bracket?: BracketSpec;
  readonly parent?: WorkingOrder;
  /** Price the order was decided at: the trailing stop's starting point. */
  readonly referencePrice: number;
  readonly time: number;
  /** The trader's own order (the ticket), or a leg of one. */
  readonly manual?: boolean;
}

/**
 * A reusable, fixed-shape NewOrder: the risk gateway fills one in per approved intent, so approving an intent
 * allocates nothing but the order itself.
 */
export class OrderTicket implements NewOrder {
  symbol = '';
  symbolIndex = 0;
  side: Side = 'buy';
  type: OrderType = 'market';
  role: OrderRole = 'entry';
  qty = 0;
  limitPrice: number | undefined = undefined;
  stopPrice: number | undefined = undefined;
  trailPercent: number | undefined = undefined;
  timeInForce: TimeInForce = 'gtc';
  reason = '';
  exitReason: ExitReason | undefined = undefined;
  bracket: BracketSpec | undefined = undefined;
  parent: WorkingOrder | undefined = undefined;
  referencePrice = 0;
  time = 0;
  manual = false;
}

/** An order plus what the engine needs to work it; `toOrder` gives the plain shared shape. */
export class WorkingOrder implements Order {
  // Fields set in the constructor are `declare`d: a field declared without a value would first be defined as
  // undefined, and V8 would then box every number later stored in it.
  /** The id's number under `idPrefix`; the id strings are built on first read. */
  declare readonly number: number;
  declare readonly idPrefix: string;
  private idText: string | undefined = undefined;
  declare readonly symbol: string;
  declare readonly symbolIndex: number;
  declare readonly side: Side;
  declare readonly type: OrderType;
  declare readonly role: OrderRole;
  declare readonly qty: number;
  declare readonly limitPrice: number | undefined;
  declare readonly stopPrice: number | undefined;
  declare readonly trailPercent: number | undefined;
  declare readonly timeInForce: TimeInForce;
  declare readonly parent: WorkingOrder | undefined;
  declare readonly createdAt: number;
  status: OrderStatus = 'new';
  filledQty = 0;
  avgFillPrice = 0;
  statusReason: string | undefined = undefined;

  declare readonly reason: string;
  declare readonly exitReason: ExitReason | undefined;
  /** Exits never add to or flip a position. */
  declare readonly reduceOnly: boolean;
  declare readonly bracket: BracketSpec | undefined;
  /** First step (bar time index) at which the venue may work the order; latency pushes it later. */
  activeFromStep = 0;
  /** Same-bar-close fill model: a market order fills at the close of `activeFromStep`. */
  fillsAtClose = false;
  /** Day orders expire at the end of the UTC day of their first working bar; 0 until that bar. */
  expiresAt = 0;
  /** A stop-limit whose stop was touched now works as a limit. */
  triggered = false;
  /** Trailing stops: the best price since the stop started (high for a sell, low for a buy). */
  declare trailExtreme: number;
  /** The close of the bar the order was decided at (a bracket leg: its entry's fill price). */
  declare readonly referencePrice: number;
  declare readonly manual: boolean;
  /** The other leg of a bracket: when one fills, the other is canceled (OCO). */
  sibling: WorkingOrder | undefined = undefined;
  /** Commission per order is charged on the first fill only. */
  commissionCharged = false;
  fees = 0;

  constructor(idPrefix: string, orderNumber: number, spec: NewOrder) {
    this.idPrefix = idPrefix;
    this.number = orderNumber;
    this.symbol = spec.symbol;
    this.symbolIndex = spec.symbolIndex;
    this.side = spec.side;
    this.type = spec.type;
    this.role = spec.role;
    this.qty = spec.qty;
    this.limitPrice = spec.limitPrice;
    this.stopPrice = spec.stopPrice;
    this.trailPercent = spec.trailPercent;
    this.timeInForce = spec.timeInForce;
    this.parent = spec.parent;
    this.createdAt = spec.time;
    this.reason = spec.reason;
    this.exitReason = spec.exitReason;
    this.reduceOnly = spec.role !== 'entry';
    this.bracket = spec.bracket;
    this.trailExtreme = spec.type === 'trailing_stop' ? spec.referencePrice : 0;
    this.referencePrice = spec.referencePrice;
    this.manual = spec.manual === true;
  }

  /** The price this order was meant to fill at (see Fill.decisionPrice). */
  get decisionPrice(): number {
    switch (this.type) {
      case 'limit':
        return this.limitPrice ?? this.referencePrice;
      case 'stop':
      case 'stop_limit':
        return this.stopPrice ?? this.referencePrice;
      case 'trailing_stop':
        return this.trailStop;
      default:
        return this.referencePrice;
    }
  }

  get id(): string {
    if (this.idText === undefined) this.idText = orderIdOf(this.idPrefix, this.number);
    return this.idText;
  }

  get clientOrderId(): string {
    return clientOrderIdOf(this.idPrefix, this.symbol, this.number);
  }

  get parentId(): string | undefined {
    return this.parent?.id;
  }

  /** Filled, canceled, rejected or expired. A method, not the imported isTerminal, for the hot loop's sake. */
  get isDone(): boolean {
    const status = this.status;
    return status === 'filled' || status === 'canceled' || status === 'rejected' || status === 'expired';
  }

  get remainingQty(): number {
    return this.qty - this.filledQty;
  }

  /** The trailing stop's current trigger price. */
  get trailStop(): number {
    const fraction = (this.trailPercent ?? 0) / 100;
    return this.side === 'sell' ? this.trailExtreme * (1 - fraction) : this.trailExtreme * (1 + fraction);
  }

  /** A plain snapshot; optional fields are present as undefined so every snapshot has one shape. */
  toOrder(): Order {
    return {
      id: this.id,
      clientOrderId: this.clientOrderId,
      symbol: this.symbol,
      side: this.side,
      type: this.type,
      role: this.role,
      qty: this.qty,
      limitPrice: this.limitPrice,
      stopPrice: this.stopPrice,
      trailPercent: this.trailPercent,
      timeInForce: this.timeInForce,
      parentId: this.parentId,
      createdAt: this.createdAt,
      status: this.status,
      filledQty: this.filledQty,
      avgFillPrice: this.avgFillPrice,
      statusReason: this.statusReason,
      manual: this.manual ? true : undefined,
    };
  }
}

function isPrice(value: number | undefined): boolean {
  return value !== undefined && value > 0 && value < Number.POSITIVE_INFINITY;
}

/** Fails fast on a quantity or price the venue could not work (NaN, infinite, missing, non-positive). */
function checkOrder(spec: NewOrder): void {
  const type = spec.type;
  let problem: string | undefined;
  if (!isPrice(spec.qty)) problem = `qty ${spec.qty} must be > 0`;
  else if ((type === 'limit' || type === 'stop_limit') && !isPrice(spec.limitPrice)) {
    problem = `limitPrice ${spec.limitPrice} must be a positive price`;
  } else if ((type === 'stop' || type === 'stop_limit') && !isPrice(spec.stopPrice)) {
    problem = `stopPrice ${spec.stopPrice} must be a positive price`;
  } else if (type === 'trailing_stop' && !(spec.trailPercent! > 0 && spec.trailPercent! < 100)) {
    problem = `trailPercent ${spec.trailPercent} must be in (0, 100)`;
  }
  if (problem !== undefined) throw new Error(`${spec.side} ${type} order for ${spec.symbol}: ${problem}`);
}

/**
 * Creates orders with deterministic ids and moves them through the state machine, tracking per symbol the signed
 * quantity still pending in entries and plain exits (the risk gateway's view of where positions are heading). It
 * keeps no list of orders: the venue holds the working ones and the ledger sink the history, so a long run's
 * memory does not grow with its orders.
 */
export class OrderManager {
  /** Orders created so far. */
  created = 0;
  /** Orders created and not yet filled, canceled, rejected or expired. */
  liveCount = 0;
  /** Signed remaining quantity of working entry and exit orders per symbol (bracket legs excluded). */
  readonly pendingQty: Float64Array;

  constructor(
    private readonly ids: IdSource,
    symbolCount: number,
  ) {
    this.pendingQty = new Float64Array(symbolCount);
  }

  create(spec: NewOrder): WorkingOrder {
    checkOrder(spec);
    const order = new WorkingOrder(this.ids.prefix, this.ids.nextOrderNumber(), spec);
    this.created++;
    this.liveCount++;
    if (this.countsAsPending(order)) this.pendingQty[order.symbolIndex]! += this.signed(order, order.qty);
    return order;
  }

  /** The bracket legs of a filled entry (stop-loss and/or take-profit), linked one-cancels-other. */
  createBracketLegs(entry: WorkingOrder, time: number): readonly WorkingOrder[] {
    const spec = entry.bracket;
    if (spec === undefined || entry.filledQty <= 0) return NO_LEGS;
    const long = entry.side === 'buy';
    const price = entry.avgFillPrice;
    const trail = spec.trailFraction;
    // Risk configs without stops and targets give every entry an empty spec: answer it without allocating.
    if (
      trail === undefined &&
      spec.stopLossPrice === undefined &&
      spec.stopLossFraction === undefined &&
      spec.takeProfitPrice === undefined &&
      spec.takeProfitFraction === undefined
    ) {
      return NO_LEGS;
    }
    const legs: WorkingOrder[] = [];
    if (trail !== undefined && trail > 0) {
      legs.push(this.createLeg(entry, time, 'trailing_stop', 'stop_loss', price, trail * 100));
    } else {
      const fraction = spec.stopLossFraction;
      const stop =
        spec.stopLossPrice ??
        (fraction !== undefined && fraction > 0 ? price * (long ? 1 - fraction : 1 + fraction) : undefined);
      if (stop !== undefined) legs.push(this.createLeg(entry, time, 'stop', 'stop_loss', stop, undefined));
    }
    const fraction = spec.takeProfitFraction;
    const target =
      spec.takeProfitPrice ??
      (fraction !== undefined && fraction > 0 ? price * (long ? 1 + fraction : 1 - fraction) : undefined);
    if (target !== undefined)
      legs.push(this.createLeg(entry, time, 'limit', 'take_profit', target, undefined));
    if (legs.length === 2) {
      legs[0]!.sibling = legs[1];
      legs[1]!.sibling = legs[0];
    }
    return legs;
  }

  private createLeg(
    entry: WorkingOrder,
    time: number,
    type: 'stop' | 'limit' | 'trailing_stop',
    role: 'stop_loss' | 'take_profit',
    price: number,
    trailPercent: number | undefined,
  ): WorkingOrder {
    const leg = new OrderTicket();
    leg.symbol = entry.symbol;
    leg.symbolIndex = entry.symbolIndex;
    leg.side = entry.side === 'buy' ? 'sell' : 'buy';
    leg.type = type;
    leg.role = role;
    leg.qty = entry.filledQty;
    leg.timeInForce = 'gtc';
    leg.parent = entry;
    leg.referencePrice = entry.avgFillPrice;
    leg.time = time;
    leg.manual = entry.manual;
    if (type === 'limit') leg.limitPrice = price;
    if (type === 'stop') leg.stopPrice = price;
    leg.trailPercent = trailPercent;
    leg.exitReason = type === 'trailing_stop' ? 'trailing_stop' : role;
    leg.reason =
      type === 'trailing_stop'
        ? `trailing stop ${trailPercent}% behind the best price`
        : role === 'stop_loss'
          ? 'stop-loss of the bracket'
          : 'take-profit of the bracket';
    return this.create(leg);
  }

  transition(order: WorkingOrder, to: OrderStatus, reason?: string): void {
    transition(order, to);
    if (reason !== undefined) order.statusReason = reason;
    if (!isTerminal(to)) return;
    this.liveCount--;
    if (this.countsAsPending(order))
      this.pendingQty[order.symbolIndex]! -= this.signed(order, order.remainingQty);
  }

  /** Books a fill on the order: quantity, average price, status. */
  recordFill(order: WorkingOrder, qty: number, price: number, fee: number): void {
    const filled = order.filledQty + qty;
    if (filled > order.qty * (1 + 1e-12)) {
      throw new Error(`order ${order.id}: fill of ${qty} exceeds the remaining ${order.remainingQty}`);
    }
    order.avgFillPrice = (order.avgFillPrice * order.filledQty + price * qty) / filled;
    order.filledQty = filled;
    order.fees += fee;
    if (this.countsAsPending(order)) this.pendingQty[order.symbolIndex]! -= this.signed(order, qty);
    transition(order, filled >= order.qty ? 'filled' : 'partially_filled');
    if (order.status === 'filled') this.liveCount--;
  }

  private countsAsPending(order: WorkingOrder): boolean {
    return order.role === 'entry' || order.role === 'exit';
  }

  private signed(order: WorkingOrder, qty: number): number {
    return order.side === 'buy' ? qty : -qty;
  }
}
