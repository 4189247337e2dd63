// The options engine shared by options backtests and paper runs: it steps the underlying's bars and, at each bar's
// close, works resting orders against that moment's quotes, marks the holdings at their bids, lets the strategy
// decide, checks its intents and sends them as day orders. At a session's close day orders expire and contracts
// expiring that day are cash-settled at intrinsic value. Events go to the LedgerSink in the equity engine's shapes.
import type { BarSeries } from '../../shared/domain/bars';
import {
  CONTRACT_MULTIPLIER,
  type OptionContract,
  type OptionDayDecision,
  parseOccSymbol,
} from '../../shared/domain/options';
import type { ExitReason, Trade } from '../../shared/domain/trading';
import { ColumnBarView, closeAt } from './bar-view';
import { EquityCurve } from './engine';
import type { EngineEvent, LedgerSink } from './events';
import { EngineFill } from './fill-table';
import type { IdSource } from './ids';
import { OptionBook } from './option-book';
import type {
  OptionHolding,
  OptionIntent,
  OptionQuoteSource,
  OptionRiskLimits,
  OptionStrategy,
  OptionStrategyContext,
  OptionVenue,
  OptionVenueFactory,
  SessionClock,
} from './option-desk';
import { OrderManager, OrderTicket, type WorkingOrder } from './orders';
import { ClosedTrade } from './portfolio';
import type { BarView, OrderIntent } from './strategy';
import type { VenueReports } from './venue';

export interface OptionsEngineOptions {
  /** The underlying's bars (a live run appends to it, then calls step()). */
  readonly underlying: BarSeries;
  readonly strategy: OptionStrategy;
  readonly quotes: OptionQuoteSource;
  /** The market calendar's session of a bar (the caller supplies the calendar). */
  readonly sessionOf: (time: number) => SessionClock;
  readonly cash: number;
  readonly ids: IdSource;
  /** Same events as the equity engine: order, fill, trade, order-denied. */
  readonly sink?: LedgerSink;
  readonly limits?: OptionRiskLimits;
  /** Bar length: a bar's decision time is its close = time + timeframeMs. */
  readonly timeframeMs: number;
  /** Default true: the end of data sells open positions at the bid (end_of_data). */
  readonly closeAtEnd?: boolean;
}

/** The strategy's view, refreshed in place at each bar's close. */
class Context implements OptionStrategyContext {
  time = 0;
  workingOrders = 0;
  cash = 0;
  equity = 0;
  dayPnl = 0;
  declare session: SessionClock;

  constructor(
    readonly underlying: string,
    readonly bar: BarView,
    readonly quotes: OptionQuoteSource,
    private readonly book: OptionBook,
  ) {}

  get holdings(): readonly OptionHolding[] {
    return this.book.holdings();
  }
}

export class OptionsEngine<V extends OptionVenue = OptionVenue> implements VenueReports {
  readonly venue: V;
  readonly book: OptionBook;
  /** One point per underlying bar: its time, cash + holdings at the bid, cash. */
  readonly curve: EquityCurve;
  /** The strategy's day decisions, gathered after each bar. */
  readonly decisions: OptionDayDecision[] = [];
  readonly orders: OrderManager;
  private readonly series: BarSeries;
  private readonly strategy: OptionStrategy;
  private readonly quotes: OptionQuoteSource;
  private readonly sessionOf: (time: number) => SessionClock;
  private readonly ids: IdSource;
  private readonly sink: LedgerSink | undefined;
  private readonly orderUpdates: 'all' | 'final' | 'none';
  private readonly limits: OptionRiskLimits;
  private readonly timeframeMs: number;
  private readonly closeAtEnd: boolean;
  private readonly view: ColumnBarView;
  private readonly context: Context;
  private readonly ticket = new OrderTicket();
  /** Reused for every fill and trade reported to the sink, which copies what it keeps (see LedgerSink). */
  private readonly fillEvent = { kind: 'fill', fill: new EngineFill() } as const;
  private readonly tradeEvent: { kind: 'trade'; trade: Trade } = { kind: 'trade', trade: new ClosedTrade() };
  /** Next underlying bar. */
  private cursor = 0;
  /** The session of the last bar, and whether its close was worked (expiries, day orders). */
  private session: SessionClock | undefined = undefined;
  private sessionClosed = false;
  /** The underlying's last close: the price orders sent between bars (flatten) are decided against. */
  private lastUnderlying = Number.NaN;
  private lastTime = Number.NaN;
  private finished = false;

  constructor(options: OptionsEngineOptions, venue: OptionVenueFactory<V>) {
    if (!(options.timeframeMs > 0)) throw new Error(`bar length ${options.timeframeMs} ms must be > 0`);
    const maxDailyLoss = options.limits?.maxDailyLoss;
    if (maxDailyLoss !== undefined && !(maxDailyLoss > 0))
      throw new Error(`max daily loss ${maxDailyLoss} must be a positive dollar amount`);
    const maxContracts = options.limits?.maxContracts;
    if (maxContracts !== undefined && !(Number.isInteger(maxContracts) && maxContracts > 0))
      throw new Error(`max contracts ${maxContracts} must be a whole number > 0`);
    this.series = options.underlying;
    this.strategy = options.strategy;
    this.quotes = options.quotes;
    this.sessionOf = options.sessionOf;
    this.ids = options.ids;
    this.sink = options.sink;
    this.orderUpdates = options.sink === undefined ? 'none' : (options.sink.orderUpdates ?? 'all');
    this.limits = options.limits ?? {};
    this.timeframeMs = options.timeframeMs;
    this.closeAtEnd = options.closeAtEnd ?? true;
    this.book = new OptionBook(options.cash);
    this.orders = new OrderManager(options.ids, 1);
    this.view = new ColumnBarView(this.series);
    this.context = new Context(this.series.symbol, this.view, this.quotes, this.book);
    this.curve = new EquityCurve(this.series.length);
    this.venue = venue(this, this.quotes);
  }

  /** Underlying bars processed so far. */
  get steps(): number {
    return this.cursor;
  }

  holdings(): readonly OptionHolding[] {
    return this.book.holdings();
  }

  /**
   * The underlying's price at decision time `time`: the close of the last bar that closed by then (what an order
   * decided or filled at `time` saw), e.g. the underlying at a trade's entry; undefined before the first bar.
   */
  underlyingPriceAt(time: number): number | undefined {
    return closeAt(this.series, this.timeframeMs, time);
  }

  /** Every remaining bar, then the end of data. */
  run(): void {
    while (this.step()) {
      // Each call processes one underlying bar.
    }
    this.finish();
  }

  /** Processes the next underlying bar; false when none is left (a live run appends bars and calls again). */
  step(): boolean {
    const i = this.cursor;
    const bars = this.series;
    if (i >= bars.length) return false;
    const barTime = bars.time[i]!;
    const time = barTime + this.timeframeMs;
    const price = bars.close[i]!;
    const session = this.sessionAt(barTime);
    // A session whose closing bar is missing from the data still closes before the next one starts.
    const previous = this.session;
    if (previous !== undefined && previous.day !== session.day) {
      if (!this.sessionClosed) this.closeSession(previous, previous.closeTime, this.lastUnderlying);
      this.sessionClosed = false;
    }
    this.session = session;
    this.book.startDay(session.day);

    // Orders resting from earlier bars meet this close's quotes before anything new is decided.
    const venue = this.venue;
    if (venue.hasWork()) venue.processBar(time, price);
    this.markHoldings(time, price);

    const context = this.context;
    this.view.moveTo(i);
    context.time = time;
    context.session = session;
    context.workingOrders = venue.hasWork() ? venue.workingOrders().length : 0;
    context.cash = this.book.cash;
    context.equity = this.book.equity;
    context.dayPnl = this.book.dayPnl;
    this.cursor = i + 1;
    this.lastUnderlying = price;
    this.lastTime = time;
    const intents = this.strategy.onBar(context);
    if (intents !== undefined) {
      for (let k = 0; k < intents.length; k++) this.submitIntent(intents[k]!, session, time, price);
      // What was just bought is worth its bid, not what was paid for it.
      this.markHoldings(time, price);
    }

    if (!this.sessionClosed && time >= session.closeTime) this.closeSession(session, time, price);
    const equity = this.book.markToMarket();
    this.curve.push(barTime, equity, this.book.cash);
    this.sink?.recordEquity?.(barTime, equity, this.book.cash);
    const decisions = this.strategy.takeDecisions();
    for (let k = 0; k < decisions.length; k++) this.decisions.push(decisions[k]!);
    return true;
  }

  /**
   * The end of data: what is still held is sold at the bid (exit reason end_of_data, with slippage and
   * commission) unless closeAtEnd is false, and every order still working is canceled.
   */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.cursor === 0) return;
    const time = this.lastTime;
    for (const order of this.venue.workingOrders()) this.venue.cancel(order, 'end of data', time);
    if (this.closeAtEnd) {
      this.sellAll('end of data: position sold at the last bid', 'end_of_data', time);
    }
    for (const order of this.venue.workingOrders()) {
      this.venue.cancel(order, 'end of data: no bid to sell at', time);
    }
    const k = this.curve.length - 1;
    this.curve.equity[k] = this.book.markToMarket();
    this.curve.cash[k] = this.book.cash;
  }

  /** Cancels what works and market-sells every holding now (a session stopping, outside any bar). */
  flatten(reason: string, time: number): void {
    for (const order of this.venue.workingOrders()) this.venue.cancel(order, reason, time);
    this.sellAll(reason, 'flatten', time);
  }

  // ---- Session edges ----

  /** The session of a bar, asking the calendar only when the bar is outside the one already known. */
  private sessionAt(barTime: number): SessionClock {
    const known = this.session;
    if (known !== undefined && barTime >= known.openTime && barTime < known.closeTime) return known;
    return this.sessionOf(barTime);
  }

  /**
   * The close of `session`: day orders expire, then what expires today is cash-settled at intrinsic value with no
   * commission (the simulator's rule), booked as a filled market sell so the ledger has its order, fill and trade.
   */
  private closeSession(session: SessionClock, time: number, underlyingPrice: number): void {
    this.sessionClosed = true;
    if (this.venue.hasWork()) this.venue.endOfDay(time);
    if (this.book.holdings().length === 0 || !(underlyingPrice > 0)) return;
    for (const { holding, price } of this.book.expiring(session.day, underlyingPrice)) {
      const { strike, right } = holding.contract;
      const ticket = this.exitTicket(
        holding.symbol,
        holding.contracts,
        `expiry: cash-settled at intrinsic value ${price.toFixed(2)} (strike ${strike} ${right}, ${this.series.symbol} ${underlyingPrice}); the simulator's rule, no commission`,
        'expiry',
        price,
        time,
      );
      const order = this.orders.create(ticket);
      this.emitOrder(order, time);
      this.onAccepted(order, time);
      this.onFill(order, order.qty, price, 0, time, false);
    }
  }

  private markHoldings(time: number, underlyingPrice: number): void {
    const holdings = this.book.holdings();
    for (let k = 0; k < holdings.length; k++) {
      const symbol = holdings[k]!.symbol;
      const quote = this.quotes.quote(symbol, time, underlyingPrice);
      if (quote !== undefined) this.book.mark(symbol, quote.bid);
    }
    this.book.markToMarket();
  }

  // ---- Intents → orders ----

  private submitIntent(
    intent: OptionIntent,
    session: SessionClock,
    time: number,
    underlyingPrice: number,
  ): void {
    const refusal = this.check(intent, session, time, underlyingPrice);
    if (refusal !== undefined) {
      this.deny(intent, refusal, time);
      return;
    }
    const closing = intent.purpose === 'close';
    const ticket = this.ticket;
    ticket.symbol = intent.symbol;
    ticket.symbolIndex = 0;
    ticket.side = intent.side;
    ticket.type = intent.type;
    ticket.role = closing ? 'exit' : 'entry';
    ticket.qty = closing ? this.closableQty(intent) : intent.contracts;
    ticket.limitPrice = intent.type === 'limit' ? intent.limitPrice : undefined;
    ticket.timeInForce = 'day';
    ticket.reason = intent.reason;
    ticket.exitReason = closing ? (intent.exitReason ?? 'signal') : undefined;
    ticket.referencePrice = this.expectedPrice(intent, time, underlyingPrice);
    ticket.time = time;
    const order = this.orders.create(ticket);
    this.emitOrder(order, time);
    this.venue.submit(order, time, underlyingPrice);
  }

  /** Why the intent is refused, in the trader's words, or undefined to send it. */
  private check(
    intent: OptionIntent,
    session: SessionClock,
    time: number,
    underlyingPrice: number,
  ): string | undefined {
    let contract: OptionContract;
    try {
      contract = parseOccSymbol(intent.symbol);
    } catch (error) {
      return (error as Error).message;
    }
    const underlying = this.series.symbol;
    if (contract.root !== underlying) {
      return `${intent.symbol} is an option on ${contract.root}; this run trades ${underlying} options`;
    }
    const contracts = intent.contracts;
    if (!(Number.isInteger(contracts) && contracts > 0)) {
      return `${contracts} contracts: options are bought and sold in whole contracts (1 or more)`;
    }
    if (intent.type === 'limit' && !(intent.limitPrice! > 0 && Number.isFinite(intent.limitPrice))) {
      return `a limit order needs a positive limit price per share (got ${intent.limitPrice})`;
    }
    if (time <= session.openTime || time > session.closeTime) {
      return `options trade in the regular session only (the ${session.day} session)`;
    }

    if (intent.purpose === 'close') {
      if (intent.side !== 'sell')
        return `closing ${intent.symbol} is a sell (the run holds long options only)`;
      const held = this.book.contractsOf(intent.symbol);
      if (held === 0) return `no open position in ${intent.symbol} to close`;
      if (this.closableQty(intent) <= 0) {
        return `the ${held} contracts of ${intent.symbol} are already being sold by a working order`;
      }
      return undefined;
    }

    if (intent.side !== 'buy') {
      return `selling ${intent.symbol} to open (writing options) is not supported: the run buys to open`;
    }
    if (contract.expiry < session.day) return `${intent.symbol} expired on ${contract.expiry}`;
    const { maxDailyLoss, maxContracts } = this.limits;
    if (maxDailyLoss !== undefined && this.book.dayPnl <= -maxDailyLoss) {
      return `max daily loss: the day's realized P&L ${dollars(this.book.dayPnl)} reached the ${dollars(-maxDailyLoss)} limit; no new entries today`;
    }
    if (maxContracts !== undefined) {
      const committed = this.book.openContracts + this.workingEntryContracts();
      if (committed + contracts > maxContracts) {
        return `max contracts: ${committed} held or working + ${contracts} would exceed the limit of ${maxContracts}`;
      }
    }
    const price =
      intent.type === 'limit' ? intent.limitPrice! : this.expectedPrice(intent, time, underlyingPrice);
    if (!(price > 0)) {
      return `no ask for ${intent.symbol} to price a market buy: send a limit order or wait for a quote`;
    }
    const commission = this.venue.costs?.commissionPerContract ?? 0;
    const cost = price * CONTRACT_MULTIPLIER * contracts + commission * contracts;
    const available = this.book.cash - this.reservedForBuys();
    if (cost > available + 1e-9) {
      return `not enough cash: ${contracts} × ${intent.symbol} at ${price.toFixed(4)} × ${CONTRACT_MULTIPLIER} + ${dollars(commission * contracts)} commission = ${dollars(cost)}, cash available ${dollars(available)}`;
    }
    return undefined;
  }

  /**
   * The price per share the order is expected to fill at now: ask × (1 + slippage) for a buy, bid × (1 − slippage)
   * for a sell, or the limit; 0 when there is no quote. It becomes the order's decision price (fills vs expected).
   */
  private expectedPrice(intent: OptionIntent, time: number, underlyingPrice: number): number {
    if (intent.type === 'limit' && intent.limitPrice !== undefined) return intent.limitPrice;
    const quote = this.quotes.quote(intent.symbol, time, underlyingPrice);
    if (quote === undefined) return 0;
    const slippage = this.venue.costs?.slippage ?? 0;
    const price = intent.side === 'buy' ? quote.ask * (1 + slippage) : quote.bid * (1 - slippage);
    return Number.isFinite(price) && price > 0 ? price : 0;
  }

  /** Contracts of the intent's symbol that a sell may still close: held, less what working sells already cover. */
  private closableQty(intent: OptionIntent): number {
    let selling = 0;
    for (const order of this.venue.workingOrders()) {
      if (order.symbol === intent.symbol && order.side === 'sell') selling += order.remainingQty;
    }
    return Math.min(intent.contracts, this.book.contractsOf(intent.symbol) - selling);
  }

  private workingEntryContracts(): number {
    let contracts = 0;
    for (const order of this.venue.workingOrders())
      if (order.role === 'entry') contracts += order.remainingQty;
    return contracts;
  }

  /** Cash working buys may still take: each at its limit (or expected price) with its commission. */
  private reservedForBuys(): number {
    const commission = this.venue.costs?.commissionPerContract ?? 0;
    let reserved = 0;
    for (const order of this.venue.workingOrders()) {
      if (order.side !== 'buy') continue;
      reserved += (order.decisionPrice * CONTRACT_MULTIPLIER + commission) * order.remainingQty;
    }
    return reserved;
  }

  /** Market sells of every holding not already being sold, sent now at the last underlying price. */
  private sellAll(reason: string, exitReason: ExitReason, time: number): void {
    const underlyingPrice = this.lastUnderlying;
    for (const holding of this.book.holdings().slice()) {
      const intent: OptionIntent = {
        symbol: holding.symbol,
        side: 'sell',
        purpose: 'close',
        contracts: holding.contracts,
        type: 'market',
        exitReason,
        reason,
      };
      const contracts = this.closableQty(intent);
      if (contracts <= 0) continue;
      const expected = this.expectedPrice(intent, time, underlyingPrice);
      const order = this.orders.create(
        this.exitTicket(holding.symbol, contracts, reason, exitReason, expected, time),
      );
      this.emitOrder(order, time);
      this.venue.submit(order, time, underlyingPrice);
    }
  }

  /** The reused ticket as a market sell closing `contracts` of `symbol`. */
  private exitTicket(
    symbol: string,
    contracts: number,
    reason: string,
    exitReason: ExitReason,
    referencePrice: number,
    time: number,
  ): OrderTicket {
    const ticket = this.ticket;
    ticket.symbol = symbol;
    ticket.symbolIndex = 0;
    ticket.side = 'sell';
    ticket.type = 'market';
    ticket.role = 'exit';
    ticket.qty = contracts;
    ticket.limitPrice = undefined;
    ticket.timeInForce = 'day';
    ticket.reason = reason;
    ticket.exitReason = exitReason;
    ticket.referencePrice = referencePrice;
    ticket.time = time;
    return ticket;
  }

  private deny(intent: OptionIntent, reason: string, time: number): void {
    if (this.sink === undefined) return;
    // The equity engine's denial shape, so the ledger and the reports take it unchanged (qty = contracts).
    const asOrderIntent: OrderIntent = {
      symbol: intent.symbol,
      side: intent.side,
      purpose: intent.purpose,
      type: intent.type,
      qty: intent.contracts,
      ...(intent.limitPrice !== undefined && { limitPrice: intent.limitPrice }),
      timeInForce: 'day',
      reason: intent.reason,
    };
    this.emit({ kind: 'order-denied', reason, intent: asOrderIntent, time });
  }

  // ---- Venue reports: every status change goes through the order manager's state machine. ----

  onAccepted(order: WorkingOrder, time: number): void {
    this.orders.transition(order, 'accepted');
    this.emitOrder(order, time);
  }

  onRejected(order: WorkingOrder, reason: string, time: number): void {
    this.orders.transition(order, 'rejected', reason);
    this.emitOrder(order, time);
  }

  onCanceled(order: WorkingOrder, reason: string, time: number): void {
    this.orders.transition(order, 'canceled', reason);
    this.emitOrder(order, time);
  }

  onExpired(order: WorkingOrder, reason: string, time: number): void {
    this.orders.transition(order, 'expired', reason);
    this.emitOrder(order, time);
  }

  onFill(order: WorkingOrder, qty: number, price: number, fee: number, time: number, _atOpen: boolean): void {
    this.orders.recordFill(order, qty, price, fee);
    const sink = this.sink;
    if (sink !== undefined) {
      this.fillEvent.fill.report(
        this.ids.prefix,
        this.ids.nextExecutionNumber(),
        order,
        qty,
        price,
        fee,
        time,
      );
      sink.record(this.fillEvent);
    }
    const bar = Math.max(0, this.cursor - 1);
    const trade = this.book.applyFill(
      order.symbol,
      order.side,
      qty,
      price,
      fee,
      time,
      bar,
      order.exitReason ?? 'signal',
    );
    if (trade !== undefined && sink !== undefined) {
      this.tradeEvent.trade = trade;
      sink.record(this.tradeEvent);
    }
    this.emitOrder(order, time);
  }

  private emitOrder(order: WorkingOrder, time: number): void {
    const updates = this.orderUpdates;
    if (updates === 'none' || (updates === 'final' && !order.isDone)) return;
    this.sink!.record({ kind: 'order', order: order.toOrder(), time });
  }

  private emit(event: EngineEvent): void {
    if (this.sink !== undefined) this.sink.record(event);
  }
}

function dollars(amount: number): string {
  return `${amount < 0 ? '−' : ''}$${Math.abs(amount).toFixed(2)}`;
}
