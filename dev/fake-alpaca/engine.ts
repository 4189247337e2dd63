// The fake's brokerage: accounts, orders, matching against the market's ticks, positions, and the simulated clock.
//
// Paper semantics (see README.md in this folder for the full list):
// - The clock moves in 15 s ticks (advance(), or a timer at `minuteMs` real ms per simulated minute). An order is
//   matched from the first tick strictly after it was accepted: a market order fills at that tick's price; a limit
//   when the tick trades at or through it (at the tick's price on the open tick or when marketable on arrival, else at
//   the limit); stops trigger when the tick reaches the stop, then act as market (stop) or limit (stop_limit);
//   trailing stops track the high (sell) or low (buy) water mark from the price at acceptance.
// - Each bar can fill at most `fillParticipation` of its volume per symbol (at least one share or 0.0001 coin), shared
//   by orders first come first served: a larger order fills over several ticks (partial_fill events, then fill).
// - Orders accepted while the market is closed are `accepted` and become `new` at the next open; day orders still
//   open at the close expire. Brackets and OTO hold their legs until the entry fills completely (or is cancelled or
//   expires after a partial fill: the legs then cover the filled quantity); the first fill of one leg cancels the other.
// - Every status change emits a trade update; every fill has a unique execution_id.
import { isMarketOpen, nextClose, nextOpen } from '../../src/main/market/calendar';
import { decimal, decimalsOf, isoTime, money, parseAmount } from './format';
import { IdSource, stableUuid } from './ids';
import { Market, MINUTE_MS, roundTo, type SymbolPath, TICK_MS, TICKS_PER_BAR } from './market';

export interface AccountConfig {
  keyId: string;
  secret: string;
  /** Starting cash, default 100000. */
  cash?: number;
  /** Buying-power multiplier: 1 (cash account, no shorting), 2 (Reg T, default) or 4 (pattern day trader). */
  multiplier?: 1 | 2 | 4;
  /** account_blocked and trading_blocked: every order is refused with 403. */
  blocked?: boolean;
}

export type OrderStatus =
  | 'new'
  | 'partially_filled'
  | 'filled'
  | 'done_for_day'
  | 'canceled'
  | 'expired'
  | 'replaced'
  | 'pending_cancel'
  | 'pending_replace'
  | 'accepted'
  | 'pending_new'
  | 'accepted_for_bidding'
  | 'stopped'
  | 'rejected'
  | 'suspended'
  | 'calculated'
  | 'held';

export type OrderType = 'market' | 'limit' | 'stop' | 'stop_limit' | 'trailing_stop';
export type OrderClass = '' | 'simple' | 'bracket' | 'oco' | 'oto';
export type TimeInForce = 'day' | 'gtc' | 'ioc' | 'fok';
export type Side = 'buy' | 'sell';

export interface OrderRecord {
  id: string;
  seq: number;
  clientOrderId: string;
  symbol: string;
  path: SymbolPath;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  orderClass: OrderClass;
  /** Quantity as sent (string) or null for notional orders. */
  qtyText: string | null;
  qty: number;
  notional: number | null;
  limitPrice: number | null;
  stopPrice: number | null;
  trailPrice: number | null;
  trailPercent: number | null;
  hwm: number | null;
  extendedHours: boolean;
  positionIntent: string;
  status: OrderStatus;
  filledQty: number;
  filledValue: number;
  createdAt: number;
  updatedAt: number;
  submittedAt: number;
  filledAt: number | null;
  expiredAt: number | null;
  canceledAt: number | null;
  failedAt: number | null;
  replacedAt: number | null;
  replacedBy: string | null;
  replaces: string | null;
  expiresAt: number | null;
  parentId: string | null;
  legIds: string[];
  triggered: boolean;
  ticksSeen: number;
}

export interface PositionRecord {
  symbol: string;
  path: SymbolPath;
  qty: number;
  avgEntryPrice: number;
}

export interface FillInfo {
  executionId: string;
  price: number;
  qty: number;
  positionQty: number;
}

export type TradeEvent =
  | 'new'
  | 'fill'
  | 'partial_fill'
  | 'canceled'
  | 'expired'
  | 'done_for_day'
  | 'replaced'
  | 'rejected'
  | 'pending_new'
  | 'stopped'
  | 'pending_cancel'
  | 'pending_replace'
  | 'calculated'
  | 'suspended'
  | 'order_replace_rejected'
  | 'order_cancel_rejected';

/** An HTTP answer with Alpaca's error body. */
export class AlpacaHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body['message'] ?? status));
  }
}

const notFoundOrder = () => new AlpacaHttpError(404, { code: 40410000, message: 'order not found' });
const invalid = (message: string) => new AlpacaHttpError(422, { code: 42210000, message });
const forbidden = (message: string, extra: Record<string, unknown> = {}) =>
  new AlpacaHttpError(403, { code: 40310000, message, ...extra });

const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'new',
  'partially_filled',
  'accepted',
  'pending_new',
  'held',
  'pending_cancel',
  'pending_replace',
  'accepted_for_bidding',
  'calculated',
  'stopped',
  'suspended',
  'done_for_day',
]);
const MATCHING_STATUSES: ReadonlySet<OrderStatus> = new Set(['new', 'partially_filled']);

export function isOpen(status: OrderStatus): boolean {
  return OPEN_STATUSES.has(status);
}

export class Account {
  readonly id: string;
  readonly accountNumber: string;
  readonly keyId: string;
  readonly secret: string;
  readonly live: boolean;
  readonly blocked: boolean;
  readonly multiplier: number;
  readonly createdAt: number;
  cash: number;
  lastEquity: number;
  readonly orders = new Map<string, OrderRecord>();
  readonly byClientId = new Map<string, OrderRecord>();
  readonly positions = new Map<string, PositionRecord>();

  constructor(config: AccountConfig, createdAt: number) {
    this.keyId = config.keyId;
    this.secret = config.secret;
    this.live = config.keyId.startsWith('AK');
    this.blocked = config.blocked ?? false;
    this.multiplier = config.multiplier ?? 2;
    this.cash = config.cash ?? 100_000;
    this.lastEquity = this.cash;
    this.id = stableUuid(`account:${config.keyId}`);
    this.accountNumber = `${this.live ? '' : 'PA'}${stableUuid(`number:${config.keyId}`).replace(/\D/g, '').slice(0, 10).toUpperCase()}`;
    this.createdAt = createdAt;
  }
}

export interface EngineOptions {
  seed: number;
  /** The clock's start (epoch ms, floored to a tick). */
  startTime: number;
  /** How far back the price history goes, in days (default 30). */
  historyDays: number;
  accounts: AccountConfig[];
  /** Share of each bar's volume that orders may fill (default 0.05). */
  fillParticipation: number;
}

export interface EngineListeners {
  tradeUpdate(account: Account, event: TradeEvent, order: OrderRecord, fill: FillInfo | null): void;
  /** A tick traded: one trade print and the quote around it. */
  tick(path: SymbolPath, price: number, size: number, time: number): void;
  /** A minute bar completed. */
  bar(path: SymbolPath, index: number): void;
}

export interface OrderRequest {
  symbol: string;
  qty?: string | undefined;
  notional?: string | undefined;
  side: Side;
  type: OrderType;
  time_in_force: string;
  limit_price?: string | undefined;
  stop_price?: string | undefined;
  trail_price?: string | undefined;
  trail_percent?: string | undefined;
  extended_hours?: boolean | undefined;
  client_order_id?: string | undefined;
  order_class?: string | undefined;
  take_profit?: { limit_price: string } | undefined;
  stop_loss?: { stop_price: string; limit_price?: string | undefined } | undefined;
}

export interface ReplaceRequest {
  qty?: string | undefined;
  time_in_force?: string | undefined;
  limit_price?: string | undefined;
  stop_price?: string | undefined;
  trail?: string | undefined;
  client_order_id?: string | undefined;
}

export interface OrderQuery {
  status: 'open' | 'closed' | 'all';
  limit: number;
  after?: number;
  until?: number;
  direction: 'asc' | 'desc';
  nested: boolean;
  symbols?: string[];
  side?: Side;
}

function tickPriceValid(price: number, text: string | undefined): boolean {
  if (text === undefined) return true;
  return price >= 1 ? decimalsOf(text) <= 2 : decimalsOf(text) <= 4;
}

export class Engine {
  readonly market: Market;
  readonly accounts = new Map<string, Account>();
  fillParticipation: number;
  private clock: number;
  private seq = 0;
  private readonly ids: IdSource;
  private listeners: EngineListeners[] = [];
  private capacity = new Map<string, { bar: number; left: number }>();
  private nextCloseAt: number;
  private nextOpenAt: number;

  constructor(options: EngineOptions) {
    this.clock = Math.floor(options.startTime / TICK_MS) * TICK_MS;
    this.market = new Market(options.seed, this.clock - options.historyDays * 86_400_000);
    this.ids = new IdSource(options.seed);
    this.fillParticipation = options.fillParticipation;
    for (const config of options.accounts) this.addAccount(config);
    this.nextCloseAt = nextClose('us-equities', this.clock);
    this.nextOpenAt = nextOpen('us-equities', this.clock);
    for (const path of this.market.paths.values()) path.ensure(this.clock);
  }

  addAccount(config: AccountConfig): Account {
    const account = new Account(config, this.clock - 30 * 86_400_000);
    this.accounts.set(config.keyId, account);
    return account;
  }

  listen(listener: EngineListeners): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  now(): number {
    return this.clock;
  }

  authenticate(keyId: string | undefined, secret: string | undefined): Account | null {
    if (keyId === undefined || secret === undefined) return null;
    const account = this.accounts.get(keyId);
    return account !== undefined && account.secret === secret ? account : null;
  }

  marketOpen(path: SymbolPath, at = this.clock): boolean {
    return isMarketOpen(path.calendar, at);
  }

  // --- The clock ------------------------------------------------------------------------------------------------

  /** Moves the clock forward to `target` (ms), tick by tick, matching orders and publishing ticks and bars. */
  advanceTo(target: number): { ticks: number; from: number; to: number } {
    const from = this.clock;
    let ticks = 0;
    for (let t = this.clock + TICK_MS; t <= target; t += TICK_MS) {
      this.step(t);
      ticks++;
    }
    return { ticks, from, to: this.clock };
  }

  advanceMinutes(minutes: number): { ticks: number; from: number; to: number } {
    return this.advanceTo(this.clock + Math.round(minutes * MINUTE_MS));
  }

  private step(t: number): void {
    // Session boundaries (equities) happen before the tick at that instant.
    if (t >= this.nextCloseAt) {
      this.clock = this.nextCloseAt;
      this.expireDayOrders();
      this.nextCloseAt = nextClose('us-equities', this.nextCloseAt);
    }
    if (t >= this.nextOpenAt) {
      this.clock = this.nextOpenAt;
      this.openSession();
      this.nextOpenAt = nextOpen('us-equities', this.nextOpenAt);
    }
    this.clock = t;
    const barStart = Math.floor(t / MINUTE_MS) * MINUTE_MS;
    const k = (t - barStart) / TICK_MS;
    for (const path of this.market.paths.values()) {
      if (k === 0) {
        const previous = path.barAt(barStart - MINUTE_MS);
        if (previous >= 0) for (const l of this.listeners) l.bar(path, previous);
      }
      const i = path.barAt(barStart);
      if (i < 0) continue;
      const price = path.tickPrice(i, k);
      const bar = path.bar(i);
      const size =
        path.calendar === 'crypto'
          ? roundTo(bar.volume / TICKS_PER_BAR, 6)
          : Math.max(1, Math.round(bar.volume / 400));
      for (const l of this.listeners) l.tick(path, price, size, t);
      this.matchSymbol(path, i, k, price, t);
    }
    if (k === 0 && this.isNewUtcDay(t)) {
      for (const account of this.accounts.values()) account.lastEquity = this.equity(account);
    }
  }

  private isNewUtcDay(t: number): boolean {
    return t % 86_400_000 === 0;
  }

  private openSession(): void {
    for (const account of this.accounts.values()) {
      for (const order of this.sortedOrders(account)) {
        if (order.status === 'accepted' && order.path.calendar === 'us-equities') {
          this.setStatus(account, order, 'new', 'new');
        }
      }
    }
  }

  private expireDayOrders(): void {
    for (const account of this.accounts.values()) {
      for (const order of this.sortedOrders(account)) {
        if (order.path.calendar !== 'us-equities' || order.timeInForce !== 'day') continue;
        if (!isOpen(order.status) || order.status === 'held') continue;
        order.expiredAt = this.clock;
        this.setStatus(account, order, 'expired', 'expired');
        this.afterParentEnded(account, order);
      }
    }
  }

  // --- Orders ---------------------------------------------------------------------------------------------------

  /** The account's orders in submission order (a Map keeps insertion order, and orders are registered as created). */
  sortedOrders(account: Account): OrderRecord[] {
    return [...account.orders.values()];
  }

  private newOrderId(): string {
    return this.ids.uuid();
  }

  /** Validates and accepts an order (with its legs); returns the parent. Throws AlpacaHttpError. */
  submit(account: Account, req: OrderRequest): OrderRecord {
    if (account.blocked) throw forbidden('account is not authorized to trade');
    const path = this.market.find(req.symbol);
    if (path === undefined) throw invalid(`asset "${req.symbol}" not found`);
    const asset = path.asset;
    if (!asset.tradable || asset.status !== 'active') throw invalid(`asset ${asset.symbol} is not tradable`);
    const clientOrderId = req.client_order_id ?? this.ids.uuid();
    if (clientOrderId.length > 128) throw invalid('client_order_id must be no more than 128 characters');
    if (account.byClientId.has(clientOrderId)) {
      throw new AlpacaHttpError(422, { code: 40010001, message: 'client_order_id must be unique' });
    }
    const crypto = path.calendar === 'crypto';
    const tif = req.time_in_force;
    if (tif !== 'day' && tif !== 'gtc' && tif !== 'ioc' && tif !== 'fok') {
      throw invalid(`time_in_force ${tif} is not supported by the fake (day, gtc, ioc, fok)`);
    }
    if (crypto && tif !== 'gtc' && tif !== 'ioc') throw invalid('invalid crypto time_in_force');
    const hasQty = req.qty !== undefined;
    const hasNotional = req.notional !== undefined;
    if (hasQty === hasNotional) throw invalid('qty or notional is required (exactly one)');
    const qty = hasQty ? parseAmount(req.qty) : 0;
    const notional = hasNotional ? parseAmount(req.notional) : null;
    if (hasQty && !(qty > 0)) throw invalid(`invalid qty ${req.qty}`);
    if (notional !== null && !(notional > 0)) throw invalid(`invalid notional ${req.notional}`);
    const fractional = notional !== null || !Number.isInteger(qty);
    if (fractional && !crypto) {
      if (!asset.fractionable) throw invalid(`asset ${asset.symbol} is not fractionable`);
      if (tif !== 'day') throw invalid('fractional orders must be DAY orders');
      if (req.type !== 'market' && req.type !== 'limit')
        throw invalid('fractional orders must be market or limit');
    }
    if (notional !== null && req.type !== 'market')
      throw invalid('notional is only supported for market orders');
    const limitPrice = req.limit_price === undefined ? null : parseAmount(req.limit_price);
    const stopPrice = req.stop_price === undefined ? null : parseAmount(req.stop_price);
    const needsLimit = req.type === 'limit' || req.type === 'stop_limit';
    const needsStop = req.type === 'stop' || req.type === 'stop_limit';
    const orderClass = (req.order_class ?? '') as OrderClass;
    if (!['', 'simple', 'bracket', 'oco', 'oto'].includes(orderClass)) {
      throw invalid(`invalid order_class ${req.order_class}`);
    }
    // OCO: the parent is the take-profit limit order; its price comes from take_profit (the SDK sends no limit_price).
    const ocoLimit = orderClass === 'oco' && req.take_profit !== undefined && limitPrice === null;
    if (needsLimit && !ocoLimit && !(limitPrice !== null && limitPrice > 0))
      throw invalid('limit_price is required');
    if (!needsLimit && limitPrice !== null && orderClass !== 'oco')
      throw invalid('limit_price must not be set');
    if (needsStop && !(stopPrice !== null && stopPrice > 0)) throw invalid('stop_price is required');
    if (!needsStop && stopPrice !== null) throw invalid('stop_price must not be set');
    for (const [name, value, text] of [
      ['limit_price', limitPrice, req.limit_price],
      ['stop_price', stopPrice, req.stop_price],
    ] as const) {
      if (value !== null && !crypto && !tickPriceValid(value, text)) {
        throw invalid(
          `invalid ${name} ${text}. sub-penny increment does not fulfill minimum pricing criteria`,
        );
      }
    }
    let trailPrice: number | null = null;
    let trailPercent: number | null = null;
    if (req.type === 'trailing_stop') {
      if ((req.trail_price === undefined) === (req.trail_percent === undefined)) {
        throw invalid('trailing_stop orders need exactly one of trail_price or trail_percent');
      }
      trailPrice = req.trail_price === undefined ? null : parseAmount(req.trail_price);
      trailPercent = req.trail_percent === undefined ? null : parseAmount(req.trail_percent);
      if (trailPrice !== null && !(trailPrice > 0)) throw invalid('invalid trail_price');
      if (trailPercent !== null && !(trailPercent > 0 && trailPercent < 100))
        throw invalid('invalid trail_percent');
    } else if (req.trail_price !== undefined || req.trail_percent !== undefined) {
      throw invalid('trail_price and trail_percent are for trailing_stop orders');
    }

    const last = path.lastPrice(this.clock);
    const position = account.positions.get(path.asset.symbol)?.qty ?? 0;

    // Order classes.
    let legs: Array<{ type: OrderType; limit: number | null; stop: number | null }> = [];
    if (orderClass === 'bracket' || orderClass === 'oco' || orderClass === 'oto') {
      if (crypto) throw invalid(`crypto orders do not support order_class ${orderClass}`);
      if (tif !== 'day' && tif !== 'gtc') throw invalid(`${orderClass} orders must be day or gtc`);
      if (fractional) throw invalid(`fractional orders cannot be ${orderClass} orders`);
      const tp = req.take_profit === undefined ? null : parseAmount(req.take_profit.limit_price);
      const sl = req.stop_loss === undefined ? null : parseAmount(req.stop_loss.stop_price);
      const sll = req.stop_loss?.limit_price === undefined ? null : parseAmount(req.stop_loss.limit_price);
      if (orderClass !== 'oto' && (tp === null || sl === null)) {
        throw invalid(`${orderClass} orders require take_profit and stop_loss`);
      }
      if (orderClass === 'oto' && (tp === null) === (sl === null)) {
        throw invalid('oto orders require exactly one of take_profit or stop_loss');
      }
      if ((tp !== null && !(tp > 0)) || (sl !== null && !(sl > 0)) || (sll !== null && !(sll > 0))) {
        throw invalid('invalid take_profit or stop_loss price');
      }
      if (orderClass === 'oco') {
        if (req.type !== 'limit') throw invalid('oco orders must be limit orders');
        const sell = req.side === 'sell';
        if (sell && (tp! <= last || sl! >= last)) {
          throw invalid(
            'oco sell orders need take_profit.limit_price above and stop_loss.stop_price below the market',
          );
        }
        if (!sell && (tp! >= last || sl! <= last)) {
          throw invalid(
            'oco buy orders need take_profit.limit_price below and stop_loss.stop_price above the market',
          );
        }
      } else {
        if (req.type !== 'market' && req.type !== 'limit') {
          throw invalid(`${orderClass} entry orders must be market or limit`);
        }
        const base = limitPrice ?? last;
        const up = req.side === 'buy' ? 1 : -1;
        if (tp !== null && up * (tp - base) < 0.01 - 1e-9) {
          throw invalid(
            `take_profit.limit_price must be ${up > 0 ? '>=' : '<='} base_price ${up > 0 ? '+' : '-'} 0.01`,
          );
        }
        if (sl !== null && up * (base - sl) < 0.01 - 1e-9) {
          throw invalid(
            `stop_loss.stop_price must be ${up > 0 ? '<=' : '>='} base_price ${up > 0 ? '-' : '+'} 0.01`,
          );
        }
      }
      if (orderClass === 'oco') {
        legs = [{ type: sll === null ? 'stop' : 'stop_limit', limit: sll, stop: sl }];
      } else {
        if (tp !== null) legs.push({ type: 'limit', limit: tp, stop: null });
        if (sl !== null) legs.push({ type: sll === null ? 'stop' : 'stop_limit', limit: sll, stop: sl });
      }
    } else if (req.take_profit !== undefined || req.stop_loss !== undefined) {
      throw invalid('take_profit and stop_loss need order_class bracket, oco or oto');
    }

    // Quantity available and shorting.
    const parentLimit = orderClass === 'oco' ? parseAmount(req.take_profit!.limit_price) : limitPrice;
    this.checkQuantity(account, path, req.side, qty, notional, position, null);
    this.checkBuyingPower(
      account,
      path,
      req.side,
      qty,
      notional,
      position,
      parentLimit ?? stopPrice ?? last,
      null,
    );

    const open = this.marketOpen(path);
    const order = this.makeOrder({
      clientOrderId,
      path,
      side: req.side,
      type: req.type,
      timeInForce: tif,
      orderClass,
      qtyText: hasQty ? decimal(qty) : null,
      qty,
      notional,
      limitPrice: parentLimit,
      stopPrice,
      trailPrice,
      trailPercent,
      extendedHours: req.extended_hours ?? false,
      status: open ? 'new' : 'accepted',
      parentId: null,
    });
    if (req.type === 'trailing_stop') this.initTrailing(order, last);
    this.register(account, order);
    for (const leg of legs) {
      const child = this.makeOrder({
        clientOrderId: this.ids.uuid(),
        path,
        // Bracket/OTO legs exit the entry (opposite side); an OCO's stop leg exits alongside its take-profit parent.
        side: orderClass === 'oco' ? req.side : req.side === 'buy' ? 'sell' : 'buy',
        type: leg.type,
        timeInForce: tif,
        orderClass,
        qtyText: decimal(qty),
        qty,
        notional: null,
        limitPrice: leg.limit,
        stopPrice: leg.stop,
        trailPrice: null,
        trailPercent: null,
        extendedHours: false,
        status: orderClass === 'oco' ? order.status : 'held',
        parentId: order.id,
      });
      child.positionIntent = child.side === 'sell' ? 'sell_to_close' : 'buy_to_close';
      order.legIds.push(child.id);
      this.register(account, child);
    }
    if (order.status === 'new') {
      this.emit(account, 'new', order, null);
      if (orderClass === 'oco')
        for (const id of order.legIds) this.emit(account, 'new', account.orders.get(id)!, null);
    }
    return order;
  }

  private initTrailing(order: OrderRecord, last: number): void {
    order.hwm = last;
    order.stopPrice = this.trailingStop(order);
  }

  private trailingStop(order: OrderRecord): number {
    const hwm = order.hwm!;
    const offset = order.trailPrice ?? (hwm * order.trailPercent!) / 100;
    return roundTo(order.side === 'sell' ? hwm - offset : hwm + offset, 2);
  }

  /** Refuses orders that would sell more than is held (or cover more than is short) while reserved by other orders. */
  private checkQuantity(
    account: Account,
    path: SymbolPath,
    side: Side,
    qty: number,
    notional: number | null,
    position: number,
    ignore: OrderRecord | null,
  ): void {
    const crypto = path.calendar === 'crypto';
    const reserved = this.reservedQty(account, path, side, ignore);
    const closing = side === 'sell' ? position > 0 : position < 0;
    const estimate = notional !== null ? notional / path.lastPrice(this.clock) : qty;
    if (closing) {
      const available = Math.abs(position) - reserved;
      if (estimate > available + 1e-9) {
        throw forbidden(
          `insufficient qty available for order (requested: ${decimal(estimate)}, available: ${decimal(Math.max(0, available))})`,
          {
            symbol: path.asset.symbol,
            requested: decimal(estimate),
            available: decimal(Math.max(0, available)),
          },
        );
      }
      return;
    }
    if (side === 'sell') {
      if (crypto) {
        throw forbidden(
          `insufficient balance for ${path.asset.symbol.split('/')[0]} (requested: ${decimal(estimate)}, available: 0)`,
        );
      }
      if (!path.asset.shortable) throw forbidden(`asset "${path.asset.symbol}" cannot be sold short`);
      if (account.multiplier < 2) throw forbidden('account is not allowed to short');
      if (notional !== null || !Number.isInteger(qty))
        throw forbidden('fractional orders cannot be sold short');
    }
  }

  private reservedQty(account: Account, path: SymbolPath, side: Side, ignore: OrderRecord | null): number {
    let reserved = 0;
    for (const o of account.orders.values()) {
      if (o === ignore || o.path !== path || o.side !== side || !isOpen(o.status) || o.status === 'held')
        continue;
      if (o.parentId !== null && o.orderClass !== 'oco') {
        // Active bracket legs both reserve the same shares: count each parent's legs once.
        const parent = account.orders.get(o.parentId);
        if (parent !== undefined && parent.legIds[0] !== o.id) continue;
      }
      if (o.orderClass === 'oco' && o.parentId !== null) continue;
      reserved += Math.max(0, o.qty - o.filledQty);
    }
    return reserved;
  }

  private checkBuyingPower(
    account: Account,
    path: SymbolPath,
    side: Side,
    qty: number,
    notional: number | null,
    position: number,
    price: number,
    ignore: OrderRecord | null,
  ): void {
    const closing = side === 'sell' ? position > 0 : position < 0;
    if (closing) return;
    const cost = notional ?? qty * price;
    const available = this.buyingPower(account, ignore);
    const crypto = path.calendar === 'crypto';
    const limit = crypto ? Math.min(available, this.nonMarginableBuyingPower(account, ignore)) : available;
    if (cost > limit + 1e-9) {
      throw forbidden('insufficient buying power', { buying_power: money(limit), cost_basis: money(cost) });
    }
  }

  /** Value of open orders that would open or add to positions (they hold buying power). */
  private openOrderCost(account: Account, ignore: OrderRecord | null): number {
    let cost = 0;
    for (const o of account.orders.values()) {
      if (o === ignore || !isOpen(o.status) || o.status === 'held') continue;
      const position = account.positions.get(o.path.asset.symbol)?.qty ?? 0;
      const closing = o.side === 'sell' ? position > 0 : position < 0;
      if (closing) continue;
      const price = o.limitPrice ?? o.stopPrice ?? o.path.lastPrice(this.clock);
      cost += o.notional !== null ? o.notional - o.filledValue : Math.max(0, o.qty - o.filledQty) * price;
    }
    return cost;
  }

  private makeOrder(fields: {
    clientOrderId: string;
    path: SymbolPath;
    side: Side;
    type: OrderType;
    timeInForce: TimeInForce;
    orderClass: OrderClass;
    qtyText: string | null;
    qty: number;
    notional: number | null;
    limitPrice: number | null;
    stopPrice: number | null;
    trailPrice: number | null;
    trailPercent: number | null;
    extendedHours: boolean;
    status: OrderStatus;
    parentId: string | null;
  }): OrderRecord {
    const now = this.clock;
    return {
      id: this.newOrderId(),
      seq: ++this.seq,
      symbol: fields.path.asset.symbol,
      hwm: null,
      positionIntent: '',
      filledQty: 0,
      filledValue: 0,
      createdAt: now,
      updatedAt: now,
      submittedAt: now,
      filledAt: null,
      expiredAt: null,
      canceledAt: null,
      failedAt: null,
      replacedAt: null,
      replacedBy: null,
      replaces: null,
      expiresAt:
        fields.timeInForce === 'day' && fields.path.calendar === 'us-equities'
          ? nextClose('us-equities', now)
          : fields.timeInForce === 'gtc'
            ? now + 90 * 86_400_000
            : null,
      legIds: [],
      triggered: false,
      ticksSeen: 0,
      ...fields,
    };
  }

  private register(account: Account, order: OrderRecord): void {
    if (order.positionIntent === '') {
      const position = account.positions.get(order.symbol)?.qty ?? 0;
      order.positionIntent =
        order.side === 'buy'
          ? position < 0
            ? 'buy_to_close'
            : 'buy_to_open'
          : position > 0
            ? 'sell_to_close'
            : 'sell_to_open';
    }
    account.orders.set(order.id, order);
    account.byClientId.set(order.clientOrderId, order);
  }

  getOrder(account: Account, id: string): OrderRecord {
    const order = account.orders.get(id);
    if (order === undefined) throw notFoundOrder();
    return order;
  }

  getByClientId(account: Account, clientOrderId: string): OrderRecord {
    const order = account.byClientId.get(clientOrderId);
    if (order === undefined) throw notFoundOrder();
    return order;
  }

  listOrders(account: Account, query: OrderQuery): OrderRecord[] {
    let orders = this.sortedOrders(account).filter((o) => {
      if (query.status === 'open' && !isOpen(o.status)) return false;
      if (query.status === 'closed' && isOpen(o.status)) return false;
      if (query.after !== undefined && !(o.submittedAt > query.after)) return false;
      if (query.until !== undefined && !(o.submittedAt < query.until)) return false;
      if (query.symbols !== undefined && !query.symbols.includes(o.symbol)) return false;
      if (query.side !== undefined && o.side !== query.side) return false;
      if (query.nested && o.parentId !== null) return false;
      return true;
    });
    if (query.direction === 'desc') orders = orders.reverse();
    return orders.slice(0, query.limit);
  }

  cancel(account: Account, id: string): OrderRecord {
    const order = this.getOrder(account, id);
    if (!isOpen(order.status)) {
      throw new AlpacaHttpError(422, {
        code: 42210000,
        message: `order is not cancelable (status: ${order.status})`,
      });
    }
    this.cancelOrder(account, order);
    return order;
  }

  private cancelOrder(account: Account, order: OrderRecord): void {
    order.canceledAt = this.clock;
    this.setStatus(account, order, 'canceled', 'canceled');
    if (order.parentId === null) this.afterParentEnded(account, order);
  }

  cancelAll(account: Account): OrderRecord[] {
    const out: OrderRecord[] = [];
    for (const order of this.sortedOrders(account)) {
      if (order.parentId !== null || !isOpen(order.status)) continue;
      this.cancelOrder(account, order);
      out.push(order);
    }
    return out;
  }

  /** PATCH /v2/orders/{id}: a new order replaces the old one (which becomes `replaced`). */
  replace(account: Account, id: string, req: ReplaceRequest): OrderRecord {
    const old = this.getOrder(account, id);
    if (!isOpen(old.status) || old.status === 'held') {
      throw new AlpacaHttpError(422, {
        code: 42210000,
        message: `order is not replaceable (status: ${old.status})`,
      });
    }
    if (old.type === 'market') throw invalid('market orders cannot be replaced');
    if (old.filledQty > 0) throw invalid('partially filled orders cannot be replaced');
    if (old.notional !== null) throw invalid('notional orders cannot be replaced');
    const qty = req.qty === undefined ? old.qty : parseAmount(req.qty);
    if (!(qty > 0)) throw invalid(`invalid qty ${req.qty}`);
    const tif = req.time_in_force ?? old.timeInForce;
    if (tif !== 'day' && tif !== 'gtc' && tif !== 'ioc' && tif !== 'fok')
      throw invalid(`invalid time_in_force ${tif}`);
    const limitPrice = req.limit_price === undefined ? old.limitPrice : parseAmount(req.limit_price);
    const stopPrice = req.stop_price === undefined ? old.stopPrice : parseAmount(req.stop_price);
    if (req.limit_price !== undefined && (old.limitPrice === null || !(limitPrice! > 0))) {
      throw invalid('limit_price can only be changed on limit and stop_limit orders');
    }
    if (
      req.stop_price !== undefined &&
      (old.type === 'limit' || old.type === 'trailing_stop' || !(stopPrice! > 0))
    ) {
      throw invalid('stop_price can only be changed on stop and stop_limit orders');
    }
    const clientOrderId = req.client_order_id ?? this.ids.uuid();
    if (account.byClientId.has(clientOrderId)) {
      throw new AlpacaHttpError(422, { code: 40010001, message: 'client_order_id must be unique' });
    }
    const position = account.positions.get(old.symbol)?.qty ?? 0;
    if (old.parentId === null) {
      this.checkQuantity(account, old.path, old.side, qty, null, position, old);
      this.checkBuyingPower(
        account,
        old.path,
        old.side,
        qty,
        null,
        position,
        limitPrice ?? stopPrice ?? old.path.lastPrice(this.clock),
        old,
      );
    }
    const next = this.makeOrder({
      clientOrderId,
      path: old.path,
      side: old.side,
      type: old.type,
      timeInForce: tif,
      orderClass: old.orderClass,
      qtyText: decimal(qty),
      qty,
      notional: null,
      limitPrice,
      stopPrice,
      trailPrice:
        old.type === 'trailing_stop' && req.trail !== undefined && old.trailPrice !== null
          ? parseAmount(req.trail)
          : old.trailPrice,
      trailPercent:
        old.type === 'trailing_stop' && req.trail !== undefined && old.trailPercent !== null
          ? parseAmount(req.trail)
          : old.trailPercent,
      extendedHours: old.extendedHours,
      status: old.status === 'accepted' ? 'accepted' : 'new',
      parentId: old.parentId,
    });
    next.replaces = old.id;
    next.positionIntent = old.positionIntent;
    next.legIds = old.legIds;
    if (next.type === 'trailing_stop') this.initTrailing(next, old.hwm ?? old.path.lastPrice(this.clock));
    old.replacedBy = next.id;
    old.replacedAt = this.clock;
    this.register(account, next);
    if (old.parentId !== null) {
      const parent = account.orders.get(old.parentId);
      if (parent !== undefined)
        parent.legIds = parent.legIds.map((legId) => (legId === old.id ? next.id : legId));
    }
    for (const legId of next.legIds) {
      const leg = account.orders.get(legId);
      if (leg !== undefined) leg.parentId = next.id;
    }
    this.setStatus(account, old, 'replaced', 'replaced');
    if (next.status === 'new') this.emit(account, 'new', next, null);
    return next;
  }

  // --- Matching -------------------------------------------------------------------------------------------------

  private capacityFor(path: SymbolPath, barIndex: number): { bar: number; left: number } {
    let cap = this.capacity.get(path.asset.symbol);
    if (cap === undefined || cap.bar !== barIndex) {
      const volume = path.bar(barIndex).volume;
      const crypto = path.calendar === 'crypto';
      const raw = volume * this.fillParticipation;
      cap = {
        bar: barIndex,
        left: crypto ? Math.max(0.0001, roundTo(raw, 9)) : Math.max(1, Math.floor(raw)),
      };
      this.capacity.set(path.asset.symbol, cap);
    }
    return cap;
  }

  private matchSymbol(path: SymbolPath, barIndex: number, k: number, price: number, t: number): void {
    const cap = this.capacityFor(path, barIndex);
    for (const account of this.accounts.values()) {
      for (const order of this.sortedOrders(account)) {
        if (order.path !== path || !MATCHING_STATUSES.has(order.status) || order.submittedAt >= t) continue;
        this.matchOrder(account, order, k, price, cap);
      }
    }
  }

  private matchOrder(
    account: Account,
    order: OrderRecord,
    k: number,
    price: number,
    cap: { left: number },
  ): void {
    const firstLook = order.ticksSeen === 0;
    order.ticksSeen++;
    let fillPrice: number | null = null;
    const buy = order.side === 'buy';
    const limitMet = (limit: number) => (buy ? price <= limit : price >= limit);
    const limitFillPrice = (limit: number) => (k === 0 || firstLook ? price : limit);
    switch (order.type) {
      case 'market':
        fillPrice = price;
        break;
      case 'limit':
        if (limitMet(order.limitPrice!)) fillPrice = limitFillPrice(order.limitPrice!);
        break;
      case 'stop':
        if (order.triggered || (buy ? price >= order.stopPrice! : price <= order.stopPrice!)) {
          order.triggered = true;
          fillPrice = price;
        }
        break;
      case 'stop_limit':
        if (!order.triggered && (buy ? price >= order.stopPrice! : price <= order.stopPrice!))
          order.triggered = true;
        if (order.triggered && limitMet(order.limitPrice!)) fillPrice = limitFillPrice(order.limitPrice!);
        break;
      case 'trailing_stop': {
        const stop = order.stopPrice!;
        if (order.triggered || (buy ? price >= stop : price <= stop)) {
          order.triggered = true;
          fillPrice = price;
        } else {
          order.hwm = buy ? Math.min(order.hwm!, price) : Math.max(order.hwm!, price);
          order.stopPrice = this.trailingStop(order);
        }
        break;
      }
    }
    const crypto = order.path.calendar === 'crypto';
    const remaining =
      order.notional !== null
        ? roundTo((order.notional - order.filledValue) / (fillPrice ?? price), 9)
        : roundTo(order.qty - order.filledQty, 9);
    if (order.timeInForce === 'fok' && (fillPrice === null || cap.left + 1e-12 < remaining)) {
      this.cancelOrder(account, order);
      return;
    }
    if (fillPrice !== null && cap.left > 0) {
      let qty = Math.min(remaining, cap.left);
      if (!crypto && order.notional === null) qty = Math.floor(qty + 1e-9) || Math.min(remaining, cap.left);
      qty = roundTo(qty, 9);
      if (qty > 0) {
        cap.left = roundTo(cap.left - qty, 9);
        this.fill(account, order, qty, roundTo(fillPrice, crypto ? 6 : 4));
      }
    }
    if (order.timeInForce === 'ioc' && isOpen(order.status)) this.cancelOrder(account, order);
  }

  private fill(account: Account, order: OrderRecord, qty: number, price: number): void {
    const now = this.clock;
    order.filledQty = roundTo(order.filledQty + qty, 9);
    order.filledValue = roundTo(order.filledValue + qty * price, 9);
    order.updatedAt = now;
    const done =
      order.notional !== null
        ? order.notional - order.filledValue < 0.01
        : order.filledQty >= order.qty - 1e-9;
    if (order.notional !== null && done) order.qty = order.filledQty;
    const symbol = order.symbol;
    let position = account.positions.get(symbol);
    const signed = order.side === 'buy' ? qty : -qty;
    account.cash = roundTo(account.cash - signed * price, 6);
    if (position === undefined) {
      position = { symbol, path: order.path, qty: 0, avgEntryPrice: 0 };
      account.positions.set(symbol, position);
    }
    const before = position.qty;
    const after = roundTo(before + signed, 9);
    if (before === 0 || Math.sign(before) === Math.sign(signed)) {
      position.avgEntryPrice = (Math.abs(before) * position.avgEntryPrice + qty * price) / Math.abs(after);
    } else if (after !== 0 && Math.sign(after) !== Math.sign(before)) {
      position.avgEntryPrice = price;
    }
    position.qty = after;
    if (after === 0) account.positions.delete(symbol);
    const executionId = this.ids.uuid();
    if (done) {
      order.filledAt = now;
      order.status = 'filled';
    } else {
      order.status = 'partially_filled';
    }
    this.emit(account, done ? 'fill' : 'partial_fill', order, {
      executionId,
      price,
      qty,
      positionQty: after,
    });
    // Order classes.
    if (order.parentId !== null) {
      const parent = account.orders.get(order.parentId);
      if (parent !== undefined) {
        const siblings = [parent, ...parent.legIds.map((id) => account.orders.get(id)!)].filter(
          (o) => o !== order && o.side === order.side && isOpen(o.status),
        );
        for (const sibling of siblings) this.cancelOrder(account, sibling);
      }
    } else if (order.orderClass === 'oco' && order.legIds.length > 0) {
      for (const id of order.legIds) {
        const leg = account.orders.get(id)!;
        if (isOpen(leg.status)) this.cancelOrder(account, leg);
      }
    } else if (done && order.legIds.length > 0) {
      this.activateLegs(account, order, order.filledQty);
    }
  }

  /** A bracket/OTO entry has ended (filled, or cancelled/expired): its held legs go live for the filled quantity. */
  private afterParentEnded(account: Account, order: OrderRecord): void {
    if (order.legIds.length === 0 || order.orderClass === 'oco') {
      if (order.orderClass === 'oco') {
        for (const id of order.legIds) {
          const leg = account.orders.get(id)!;
          if (isOpen(leg.status)) {
            leg.canceledAt = this.clock;
            this.setStatus(account, leg, 'canceled', 'canceled');
          }
        }
      }
      return;
    }
    if (order.filledQty > 0) {
      this.activateLegs(account, order, order.filledQty);
      return;
    }
    for (const id of order.legIds) {
      const leg = account.orders.get(id)!;
      if (!isOpen(leg.status)) continue;
      leg.canceledAt = this.clock;
      this.setStatus(account, leg, 'canceled', 'canceled');
    }
  }

  private activateLegs(account: Account, parent: OrderRecord, qty: number): void {
    for (const id of parent.legIds) {
      const leg = account.orders.get(id)!;
      if (leg.status !== 'held') continue;
      leg.qty = qty;
      leg.qtyText = decimal(qty);
      leg.submittedAt = this.clock;
      this.setStatus(account, leg, this.marketOpen(leg.path) ? 'new' : 'accepted', 'new');
    }
  }

  private setStatus(account: Account, order: OrderRecord, status: OrderStatus, event: TradeEvent): void {
    order.status = status;
    order.updatedAt = this.clock;
    if (status === 'accepted') return;
    this.emit(account, event, order, null);
  }

  private emit(account: Account, event: TradeEvent, order: OrderRecord, fill: FillInfo | null): void {
    for (const l of this.listeners) l.tradeUpdate(account, event, order, fill);
  }

  // --- Positions and account ------------------------------------------------------------------------------------

  closePosition(account: Account, symbol: string, qty?: number, percentage?: number): OrderRecord {
    const path = this.market.find(symbol);
    const position = path === undefined ? undefined : account.positions.get(path.asset.symbol);
    if (path === undefined || position === undefined) {
      throw new AlpacaHttpError(404, { code: 40410000, message: 'position does not exist' });
    }
    let amount = Math.abs(position.qty);
    if (qty !== undefined) amount = Math.min(amount, qty);
    else if (percentage !== undefined) amount = roundTo((amount * percentage) / 100, 9);
    if (path.calendar !== 'crypto' && !path.asset.fractionable) amount = Math.floor(amount);
    return this.submit(account, {
      symbol: path.asset.symbol,
      qty: decimal(amount),
      side: position.qty > 0 ? 'sell' : 'buy',
      type: 'market',
      time_in_force: path.calendar === 'crypto' ? 'gtc' : 'day',
    });
  }

  marketValue(position: PositionRecord): number {
    return position.qty * position.path.lastPrice(this.clock);
  }

  equity(account: Account): number {
    let value = account.cash;
    for (const p of account.positions.values()) value += this.marketValue(p);
    return value;
  }

  private gross(account: Account): { long: number; short: number } {
    let long = 0;
    let short = 0;
    for (const p of account.positions.values()) {
      const v = this.marketValue(p);
      if (v >= 0) long += v;
      else short += v;
    }
    return { long, short };
  }

  buyingPower(account: Account, ignore: OrderRecord | null = null): number {
    const { long, short } = this.gross(account);
    const equity = this.equity(account);
    return Math.max(0, account.multiplier * equity - (long - short) - this.openOrderCost(account, ignore));
  }

  nonMarginableBuyingPower(account: Account, ignore: OrderRecord | null = null): number {
    return Math.max(0, account.cash - this.openOrderCost(account, ignore));
  }

  accountJson(account: Account): Record<string, unknown> {
    const { long, short } = this.gross(account);
    const equity = this.equity(account);
    const initialMargin = (long - short) / account.multiplier;
    const maintenance = (long - short) * 0.3;
    const buyingPower = this.buyingPower(account);
    return {
      id: account.id,
      admin_configurations: {},
      user_configurations: null,
      account_number: account.accountNumber,
      status: 'ACTIVE',
      crypto_status: 'ACTIVE',
      options_approved_level: 0,
      options_trading_level: 0,
      currency: 'USD',
      buying_power: money(buyingPower),
      regt_buying_power: money(Math.min(buyingPower, Math.max(0, 2 * equity - (long - short)))),
      daytrading_buying_power: money(account.multiplier === 4 ? buyingPower : 0),
      effective_buying_power: money(buyingPower),
      non_marginable_buying_power: money(this.nonMarginableBuyingPower(account)),
      options_buying_power: money(this.nonMarginableBuyingPower(account)),
      bod_dtbp: '0',
      cash: money(account.cash),
      accrued_fees: '0',
      pending_transfer_in: '0',
      portfolio_value: money(equity),
      pattern_day_trader: false,
      trading_blocked: account.blocked,
      transfers_blocked: account.blocked,
      account_blocked: account.blocked,
      created_at: isoTime(account.createdAt),
      trade_suspended_by_user: false,
      multiplier: String(account.multiplier),
      shorting_enabled: account.multiplier >= 2,
      equity: money(equity),
      last_equity: money(account.lastEquity),
      long_market_value: money(long),
      short_market_value: money(short),
      position_market_value: money(long - short),
      initial_margin: money(initialMargin),
      maintenance_margin: money(maintenance),
      last_maintenance_margin: money(maintenance),
      sma: money(equity),
      daytrade_count: 0,
      balance_asof: isoTime(this.clock).slice(0, 10),
      crypto_tier: 1,
      intraday_adjustments: '0',
      pending_reg_taf_fees: '0',
    };
  }

  positionJson(position: PositionRecord): Record<string, unknown> {
    const path = position.path;
    const price = path.lastPrice(this.clock);
    const lastday = path.previousDayClose(this.clock);
    const qty = position.qty;
    const marketValue = qty * price;
    const costBasis = qty * position.avgEntryPrice;
    const unrealized = marketValue - costBasis;
    const intraday = qty * (price - lastday);
    const crypto = path.calendar === 'crypto';
    const heldBy = this.reservedQtyForPosition(position);
    return {
      asset_id: path.assetId,
      symbol: crypto ? path.asset.symbol.replace('/', '') : path.asset.symbol,
      exchange: path.asset.exchange,
      asset_class: path.asset.assetClass,
      asset_marginable: path.asset.marginable,
      qty: decimal(qty),
      qty_available: decimal(Math.sign(qty) * Math.max(0, Math.abs(qty) - heldBy)),
      avg_entry_price: decimal(position.avgEntryPrice, crypto ? 9 : 6),
      side: qty >= 0 ? 'long' : 'short',
      market_value: money(marketValue),
      cost_basis: money(costBasis),
      unrealized_pl: money(unrealized),
      unrealized_plpc: decimal(costBasis === 0 ? 0 : unrealized / Math.abs(costBasis), 10),
      unrealized_intraday_pl: money(intraday),
      unrealized_intraday_plpc: decimal(lastday === 0 ? 0 : (price - lastday) / lastday, 10),
      current_price: decimal(price, crypto ? 6 : 4),
      lastday_price: decimal(lastday, crypto ? 6 : 4),
      change_today: decimal(lastday === 0 ? 0 : (price - lastday) / lastday, 10),
    };
  }

  private reservedQtyForPosition(position: PositionRecord): number {
    for (const account of this.accounts.values()) {
      if (account.positions.get(position.symbol) === position) {
        return this.reservedQty(account, position.path, position.qty > 0 ? 'sell' : 'buy', null);
      }
    }
    return 0;
  }

  orderJson(account: Account, order: OrderRecord, nested: boolean): Record<string, unknown> {
    const legs =
      nested || order.parentId === null
        ? order.legIds.length > 0
          ? order.legIds.map((id) => this.orderJson(account, account.orders.get(id)!, false))
          : null
        : null;
    const crypto = order.path.calendar === 'crypto';
    const time = (ms: number | null) => (ms === null ? null : isoTime(ms));
    return {
      id: order.id,
      client_order_id: order.clientOrderId,
      created_at: isoTime(order.createdAt),
      updated_at: isoTime(order.updatedAt),
      submitted_at: isoTime(order.submittedAt),
      filled_at: time(order.filledAt),
      expired_at: time(order.expiredAt),
      expires_at: time(order.expiresAt),
      canceled_at: time(order.canceledAt),
      failed_at: time(order.failedAt),
      replaced_at: time(order.replacedAt),
      replaced_by: order.replacedBy,
      replaces: order.replaces,
      asset_id: order.path.assetId,
      symbol: order.symbol,
      asset_class: order.path.asset.assetClass,
      notional: order.notional === null ? null : money(order.notional),
      qty:
        order.notional !== null && order.status !== 'filled' ? null : (order.qtyText ?? decimal(order.qty)),
      filled_qty: decimal(order.filledQty),
      filled_avg_price:
        order.filledQty > 0 ? decimal(order.filledValue / order.filledQty, crypto ? 9 : 6) : null,
      order_class: order.orderClass,
      order_type: order.type,
      type: order.type,
      side: order.side,
      position_intent: order.positionIntent,
      time_in_force: order.timeInForce,
      limit_price: order.limitPrice === null ? null : decimal(order.limitPrice),
      stop_price: order.stopPrice === null ? null : decimal(order.stopPrice),
      status: order.status,
      extended_hours: order.extendedHours,
      legs,
      trail_percent: order.trailPercent === null ? null : decimal(order.trailPercent),
      trail_price: order.trailPrice === null ? null : decimal(order.trailPrice),
      hwm: order.hwm === null ? null : decimal(order.hwm),
      subtag: null,
      source: null,
    };
  }

  lastPrice(symbol: string): number | null {
    return this.market.find(symbol)?.lastPrice(this.clock) ?? null;
  }
}
