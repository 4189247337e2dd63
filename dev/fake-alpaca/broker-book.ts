// The fake brokerage's book: its accounts and clock, what they are worth (equity, buying power) and how Alpaca shows
// them (the account, position and order JSON). The broker (broker.ts) works orders on it.
import { isMarketOpen, nextClose, nextOpen } from '../../src/main/market/calendar';
import {
  Account,
  type AccountConfig,
  type BrokerListeners,
  type FakeBrokerOptions,
  type FillInfo,
  forbidden,
  isOpen,
  notFoundOrder,
  type OrderQuery,
  type OrderRecord,
  type OrderStatus,
  type PositionRecord,
  type Side,
  type TradablePath,
  type TradeEvent,
} from './broker-model';
import { decimal, isoTime, money } from './format';
import { IdSource } from './ids';
import { Market, roundTo, TICK_MS } from './market';
import { DEFAULT_OPTION_MODEL, OptionChain, OptionPath } from './option-chain';

/** What a request decides about a new order; makeOrder fills in the rest. */
type NewOrderFields = Pick<
  OrderRecord,
  | 'clientOrderId'
  | 'path'
  | 'side'
  | 'type'
  | 'timeInForce'
  | 'orderClass'
  | 'qtyText'
  | 'qty'
  | 'notional'
  | 'limitPrice'
  | 'stopPrice'
  | 'trailPrice'
  | 'trailPercent'
  | 'extendedHours'
  | 'status'
  | 'parentId'
>;

export class BrokerBook {
  readonly market: Market;
  /** The listed option contracts (SPY), priced off the market's SPY path at this book's clock. */
  readonly options: OptionChain;
  readonly accounts = new Map<string, Account>();
  fillParticipation: number;
  protected clock: number;
  protected seq = 0;
  protected readonly ids: IdSource;
  protected listeners: BrokerListeners[] = [];
  protected capacity = new Map<string, { bar: number; left: number }>();
  protected nextCloseAt: number;
  protected nextOpenAt: number;

  constructor(options: FakeBrokerOptions) {
    this.clock = Math.floor(options.startTime / TICK_MS) * TICK_MS;
    this.market = new Market(options.seed, this.clock - options.historyDays * 86_400_000);
    this.ids = new IdSource(options.seed);
    this.fillParticipation = options.fillParticipation;
    this.options = new OptionChain(
      this.market.find('SPY')!,
      options.optionModel ?? DEFAULT_OPTION_MODEL,
      () => this.clock,
    );
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

  listen(listener: BrokerListeners): () => void {
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

  marketOpen(path: TradablePath, at = this.clock): boolean {
    return isMarketOpen(path.calendar, at);
  }

  /** A stock, crypto pair or listed option contract (OCC symbol) by symbol. */
  findTradable(symbol: string): TradablePath | undefined {
    return this.market.find(symbol) ?? this.options.find(symbol.trim().toUpperCase());
  }

  // --- Orders ---------------------------------------------------------------------------------------------------

  /** The account's orders in submission order (a Map keeps insertion order, and orders are registered as created). */
  sortedOrders(account: Account): OrderRecord[] {
    return [...account.orders.values()];
  }

  protected reservedQty(
    account: Account,
    path: TradablePath,
    side: Side,
    ignore: OrderRecord | null,
  ): number {
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

  /** Value of open orders that would open or add to positions (they hold buying power). */
  protected openOrderCost(account: Account, ignore: OrderRecord | null): number {
    let cost = 0;
    for (const o of account.orders.values()) {
      if (o === ignore || !isOpen(o.status) || o.status === 'held') continue;
      const position = account.positions.get(o.path.asset.symbol)?.qty ?? 0;
      const closing = o.side === 'sell' ? position > 0 : position < 0;
      if (closing) continue;
      const price = o.limitPrice ?? o.stopPrice ?? o.path.lastPrice(this.clock);
      cost +=
        o.notional !== null
          ? o.notional - o.filledValue
          : Math.max(0, o.qty - o.filledQty) * price * o.path.multiplier;
    }
    return cost;
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

  marketValue(position: PositionRecord): number {
    return position.qty * position.path.lastPrice(this.clock) * position.path.multiplier;
  }

  equity(account: Account): number {
    let value = account.cash;
    for (const p of account.positions.values()) value += this.marketValue(p);
    return value;
  }

  protected gross(account: Account): { long: number; short: number } {
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
      options_approved_level: account.optionsLevel,
      options_trading_level: account.optionsLevel,
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
    // Options: qty in contracts, prices per share, dollars × 100.
    const units = qty * path.multiplier;
    const marketValue = units * price;
    const costBasis = units * position.avgEntryPrice;
    const unrealized = marketValue - costBasis;
    const intraday = units * (price - lastday);
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

  protected reservedQtyForPosition(position: PositionRecord): number {
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

  protected newOrderId(): string {
    return this.ids.uuid();
  }

  protected initTrailing(order: OrderRecord, last: number): void {
    order.hwm = last;
    order.stopPrice = this.trailingStop(order);
  }

  protected trailingStop(order: OrderRecord): number {
    const hwm = order.hwm!;
    const offset = order.trailPrice ?? (hwm * order.trailPercent!) / 100;
    return roundTo(order.side === 'sell' ? hwm - offset : hwm + offset, 2);
  }

  /** Refuses orders that would sell more than is held (or cover more than is short) while reserved by other orders. */
  protected checkQuantity(
    account: Account,
    path: TradablePath,
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
      if (path instanceof OptionPath)
        throw forbidden('account not eligible to trade uncovered option contracts');
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

  protected checkBuyingPower(
    account: Account,
    path: TradablePath,
    side: Side,
    qty: number,
    notional: number | null,
    position: number,
    price: number,
    ignore: OrderRecord | null,
  ): void {
    const closing = side === 'sell' ? position > 0 : position < 0;
    if (closing) return;
    const cost = notional ?? qty * price * path.multiplier;
    const available = this.buyingPower(account, ignore);
    if (path instanceof OptionPath) {
      // Options are paid in full from cash: options_buying_power.
      const optionsBuyingPower = this.nonMarginableBuyingPower(account, ignore);
      if (cost > optionsBuyingPower + 1e-9) {
        throw forbidden('insufficient options buying power', {
          options_buying_power: money(optionsBuyingPower),
          cost_basis: money(cost),
        });
      }
      return;
    }
    const crypto = path.calendar === 'crypto';
    const limit = crypto ? Math.min(available, this.nonMarginableBuyingPower(account, ignore)) : available;
    if (cost > limit + 1e-9) {
      throw forbidden('insufficient buying power', { buying_power: money(limit), cost_basis: money(cost) });
    }
  }

  /** A new order record: what the request decided, plus the bookkeeping every order starts with. */
  protected makeOrder(fields: NewOrderFields): OrderRecord {
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

  protected register(account: Account, order: OrderRecord): void {
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

  protected setStatus(account: Account, order: OrderRecord, status: OrderStatus, event: TradeEvent): void {
    order.status = status;
    order.updatedAt = this.clock;
    if (status === 'accepted') return;
    this.emit(account, event, order, null);
  }

  protected emit(account: Account, event: TradeEvent, order: OrderRecord, fill: FillInfo | null): void {
    for (const l of this.listeners) l.tradeUpdate(account, event, order, fill);
  }
}
