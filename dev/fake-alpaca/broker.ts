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
// - Options (OCC symbols of the listed chain, option-chain.ts): whole contracts, day orders, market or limit, no
//   order classes or notional. They match from the next tick against the contract's quote at that tick: a buy at
//   the ask, a sell at the bid (a resting limit, once reached, at its limit), in full (no volume share). Cash moves
//   price × 100 × contracts. A position still open at its expiry's close is settled in cash at intrinsic value.
import { nextClose, nextOpen } from '../../src/main/market/calendar';
import { BrokerBook } from './broker-book';
import {
  type Account,
  AlpacaHttpError,
  forbidden,
  invalid,
  isOpen,
  MATCHING_STATUSES,
  type OrderClass,
  type OrderRecord,
  type OrderRequest,
  type OrderType,
  type ReplaceRequest,
  tickPriceValid,
} from './broker-model';
import { decimal, decimalsOf, parseAmount } from './format';
import { MINUTE_MS, roundTo, type SymbolPath, TICK_MS, TICKS_PER_BAR } from './market';
import { OptionPath } from './option-chain';

export class FakeBroker extends BrokerBook {
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
      this.settleExpiredOptions();
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
    if (this.marketOpen(this.options.underlying, t)) this.matchOptions(t);
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

  /** Positions in contracts whose expiry has closed: cash at intrinsic value (× 100 × contracts), then gone. */
  private settleExpiredOptions(): void {
    for (const account of this.accounts.values()) {
      for (const position of [...account.positions.values()]) {
        const path = position.path;
        if (!(path instanceof OptionPath) || path.active(this.clock)) continue;
        const price = path.settlementValue();
        const cash = roundTo(price * path.multiplier * position.qty, 6);
        account.cash = roundTo(account.cash + cash, 6);
        account.positions.delete(position.symbol);
        account.settlements.push({
          symbol: position.symbol,
          qty: position.qty,
          underlyingPrice: path.underlying.lastPrice(path.expiryClose),
          price,
          cash,
          time: this.clock,
        });
      }
    }
  }

  private matchOptions(t: number): void {
    for (const account of this.accounts.values()) {
      for (const order of this.sortedOrders(account)) {
        const path = order.path;
        if (!(path instanceof OptionPath) || !MATCHING_STATUSES.has(order.status) || order.submittedAt >= t)
          continue;
        const firstLook = order.ticksSeen === 0;
        order.ticksSeen++;
        const quote = path.quote(t);
        const buy = order.side === 'buy';
        const price = buy ? quote.ask : quote.bid;
        let fillPrice: number | null = null;
        if (order.type === 'market') fillPrice = price;
        else if (buy ? price <= order.limitPrice! : price >= order.limitPrice!)
          fillPrice = firstLook ? price : order.limitPrice!;
        if (fillPrice !== null) this.fill(account, order, roundTo(order.qty - order.filledQty, 9), fillPrice);
      }
    }
  }

  /** The client order id a request asks for (or a new one), refused when too long or already used. */
  private clientOrderIdOf(account: Account, req: OrderRequest): string {
    const clientOrderId = req.client_order_id ?? this.ids.uuid();
    if (clientOrderId.length > 128) throw invalid('client_order_id must be no more than 128 characters');
    if (account.byClientId.has(clientOrderId)) {
      throw new AlpacaHttpError(422, { code: 40010001, message: 'client_order_id must be unique' });
    }
    return clientOrderId;
  }

  /** Validates and accepts an order (with its legs); returns the parent. Throws AlpacaHttpError. */
  submit(account: Account, req: OrderRequest): OrderRecord {
    if (account.blocked) throw forbidden('account is not authorized to trade');
    const found = this.findTradable(req.symbol);
    if (found === undefined) throw invalid(`asset "${req.symbol}" not found`);
    if (found instanceof OptionPath) return this.submitOption(account, found, req);
    const path = found;
    const asset = path.asset;
    if (!asset.tradable || asset.status !== 'active') throw invalid(`asset ${asset.symbol} is not tradable`);
    const clientOrderId = this.clientOrderIdOf(account, req);
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

  /** An option order: Alpaca's rules for single-leg options (whole contracts, day, no classes), then the levels. */
  private submitOption(account: Account, path: OptionPath, req: OrderRequest): OrderRecord {
    if (!path.active(this.clock)) throw invalid(`asset ${path.symbol} is not tradable (expired)`);
    const clientOrderId = this.clientOrderIdOf(account, req);
    if (req.time_in_force !== 'day') {
      throw invalid('order_time_in_force provided not supported for options trading');
    }
    if (req.notional !== undefined) throw invalid('notional orders are not supported for options trading');
    const qty = parseAmount(req.qty);
    if (!(qty > 0)) throw invalid(`invalid qty ${req.qty ?? ''}`.trim());
    if (!Number.isInteger(qty)) throw invalid('qty must be integer');
    const orderClass = req.order_class ?? '';
    if (
      (orderClass !== '' && orderClass !== 'simple') ||
      req.take_profit !== undefined ||
      req.stop_loss !== undefined
    ) {
      throw invalid(
        `order_class ${orderClass || 'with take_profit/stop_loss'} is not supported for options trading`,
      );
    }
    if (req.type !== 'market' && req.type !== 'limit') {
      throw invalid(`order type ${req.type} is not supported for options by the fake (market, limit)`);
    }
    if (req.extended_hours === true)
      throw invalid('extended hours orders are not supported for options trading');
    const limitPrice = req.limit_price === undefined ? null : parseAmount(req.limit_price);
    if (req.type === 'limit' && !(limitPrice !== null && limitPrice > 0))
      throw invalid('limit_price is required');
    if (req.type === 'market' && limitPrice !== null) throw invalid('limit_price must not be set');
    if (req.limit_price !== undefined && decimalsOf(req.limit_price) > 2) {
      throw invalid(
        `invalid limit_price ${req.limit_price}. sub-penny increment does not fulfill minimum pricing criteria`,
      );
    }
    if (req.stop_price !== undefined || req.trail_price !== undefined || req.trail_percent !== undefined) {
      throw invalid('stop_price, trail_price and trail_percent are not supported for options by the fake');
    }
    const position = account.positions.get(path.symbol)?.qty ?? 0;
    if (account.optionsLevel === 0) throw forbidden('account is not approved for options trading');
    if (req.side === 'buy' && position >= 0 && account.optionsLevel < 2) {
      throw forbidden(
        `options trading level ${account.optionsLevel} does not permit buying options (level 2 needed)`,
      );
    }
    this.checkQuantity(account, path, req.side, qty, null, position, null);
    const quote = path.quote(this.clock);
    this.checkBuyingPower(account, path, req.side, qty, null, position, limitPrice ?? quote.ask, null);
    const order = this.makeOrder({
      clientOrderId,
      path,
      side: req.side,
      type: req.type,
      timeInForce: 'day',
      orderClass: '',
      qtyText: decimal(qty),
      qty,
      notional: null,
      limitPrice,
      stopPrice: null,
      trailPrice: null,
      trailPercent: null,
      extendedHours: false,
      status: this.marketOpen(path) ? 'new' : 'accepted',
      parentId: null,
    });
    this.register(account, order);
    if (order.status === 'new') this.emit(account, 'new', order, null);
    return order;
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
    if (old.path instanceof OptionPath) {
      if (tif !== 'day') throw invalid('order_time_in_force provided not supported for options trading');
      if (!Number.isInteger(qty)) throw invalid('qty must be integer');
    }
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
    account.cash = roundTo(account.cash - signed * price * order.path.multiplier, 6);
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

  // --- Positions and account ------------------------------------------------------------------------------------

  closePosition(account: Account, symbol: string, qty?: number, percentage?: number): OrderRecord {
    const path = this.findTradable(symbol);
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
}
