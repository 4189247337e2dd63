// The event-driven engine shared by backtests and paper sessions. Per bar time: the venue works pending orders
// against the new bars, the account is marked to the close, each strategy decides, the risk gateway turns
// intents into orders, and the venue receives them. Nothing is awaited and nothing is allocated per bar.
import type { BarSeries } from '../../shared/domain/bars';
import type { ExitReason, RiskState, Trade } from '../../shared/domain/trading';
import { ColumnBarView } from './bar-view';
import type { EngineEvent, LedgerSink } from './events';
import { EngineFill } from './fill-table';
import type { IdSource } from './ids';
import { OrderManager, type WorkingOrder } from './orders';
import { ClosedTrade, Portfolio } from './portfolio';
import { type RiskConfig, RiskGateway, type TradingDayEnd } from './risk-gateway';
import type { OrderIntent, Strategy, StrategyContext } from './strategy';
import type { Venue, VenueFactory, VenueReports } from './venue';

/** One traded symbol: its bars and the strategy instance that trades it. */
export interface EngineMarket {
  readonly series: BarSeries;
  readonly strategy: Strategy;
  /** Intents before this bar index are ignored (indicators still warm up on them). */
  readonly warmup: number;
}

export interface EngineOptions {
  readonly markets: readonly EngineMarket[];
  readonly cash: number;
  readonly risk: RiskConfig;
  /** Where the trading day of the daily-loss limit ends (the market's calendar); default the UTC day. */
  readonly tradingDayEnd?: TradingDayEnd;
  readonly ids: IdSource;
  readonly sink?: LedgerSink;
  /** Close open positions at each market's last close when its data ends. Default true. */
  readonly closeAtEnd?: boolean;
  /** Called every `every` bar times, e.g. for a worker's progress pushes. */
  readonly progress?: { readonly every: number; report(barTimesDone: number): void };
}

/** Equity, cash and time per bar time, as growable columns. */
export class EquityCurve {
  time: Float64Array;
  equity: Float64Array;
  cash: Float64Array;
  length = 0;

  constructor(capacity: number) {
    const size = Math.max(1, capacity);
    this.time = new Float64Array(size);
    this.equity = new Float64Array(size);
    this.cash = new Float64Array(size);
  }

  push(time: number, equity: number, cash: number): void {
    if (this.length === this.time.length) this.grow();
    const k = this.length++;
    this.time[k] = time;
    this.equity[k] = equity;
    this.cash[k] = cash;
  }

  /** push(time, equity, cash) from one-slot typed arrays, so no double is boxed per bar. */
  record(time: Float64Array, equity: Float64Array, cash: Float64Array): void {
    if (this.length === this.time.length) this.grow();
    const k = this.length++;
    this.time[k] = time[0]!;
    this.equity[k] = equity[0]!;
    this.cash[k] = cash[0]!;
  }

  /** Makes room for `more` points without growing. */
  reserve(more: number): void {
    while (this.time.length - this.length < more) this.grow();
  }

  private grow(): void {
    const size = this.time.length * 2;
    const grown = (from: Float64Array): Float64Array => {
      const to = new Float64Array(size);
      to.set(from);
      return to;
    };
    this.time = grown(this.time);
    this.equity = grown(this.equity);
    this.cash = grown(this.cash);
  }
}

/**
 * The context each strategy reads during onBar: a view onto the portfolio's own columns, so the engine stores
 * nothing into it per bar. Equity and cash are those marked at this bar time's close, before any decision.
 */
class MarketContext implements StrategyContext {
  constructor(
    readonly symbol: string,
    readonly bar: ColumnBarView,
    private readonly portfolio: Portfolio,
    private readonly symbolIndex: number,
  ) {}

  get position(): number {
    return this.portfolio.qty[this.symbolIndex]!;
  }

  get avgPrice(): number {
    return this.portfolio.avgPrice[this.symbolIndex]!;
  }

  get equity(): number {
    return this.portfolio.markedEquity[0]!;
  }

  get cash(): number {
    return this.portfolio.markedCash[0]!;
  }
}

/** Distinct bar times across the markets (their union), so the equity curve is allocated once. */
export function countBarTimes(series: readonly BarSeries[]): number {
  if (series.length === 1) return series[0]!.length;
  const cursor = new Int32Array(series.length);
  let count = 0;
  for (;;) {
    let t = Number.POSITIVE_INFINITY;
    for (let s = 0; s < series.length; s++) {
      const i = cursor[s]!;
      if (i < series[s]!.length && series[s]!.time[i]! < t) t = series[s]!.time[i]!;
    }
    if (t === Number.POSITIVE_INFINITY) return count;
    count++;
    for (let s = 0; s < series.length; s++) {
      const i = cursor[s]!;
      if (i < series[s]!.length && series[s]!.time[i] === t) cursor[s] = i + 1;
    }
  }
}

export class Engine<V extends Venue = Venue> implements VenueReports {
  readonly portfolio: Portfolio;
  readonly orders: OrderManager;
  readonly gateway: RiskGateway;
  readonly venue: V;
  readonly curve: EquityCurve;
  /** Bar times that ended with at least one open position. */
  barsInMarket = 0;
  private readonly series: readonly BarSeries[];
  private readonly strategies: readonly Strategy[];
  private readonly views: readonly ColumnBarView[];
  private readonly contexts: readonly MarketContext[];
  private readonly warmups: Int32Array;
  /** Next bar index per market. */
  private readonly cursor: Int32Array;
  /** Markets with a bar at the current time, and how many. */
  private readonly due: Int32Array;
  private stepIndex = 0;
  private fillsThisStep = false;
  private finished = false;
  private readonly sink: LedgerSink | undefined;
  private readonly orderUpdates: 'all' | 'final' | 'none';
  private readonly recordsEquity: boolean;
  /** Reused for every fill and trade reported to the sink, which copies what it keeps (see LedgerSink). */
  private readonly fillEvent = { kind: 'fill', fill: new EngineFill() } as const;
  private readonly tradeEvent: { kind: 'trade'; trade: Trade } = { kind: 'trade', trade: new ClosedTrade() };
  /** The current bar time, in a typed array so passing it around never boxes it. */
  private readonly clock = new Float64Array(1);
  private readonly ids: IdSource;
  private readonly closeAtEnd: boolean;
  private readonly progress: EngineOptions['progress'];

  /** `venue` builds where orders go: the simulator (`simVenue`) or a broker's venue. */
  constructor(options: EngineOptions, venue: VenueFactory<V>) {
    if (options.markets.length === 0) throw new Error('the engine needs at least one market');
    const symbols = options.markets.map((m) => m.series.symbol);
    const duplicate = symbols.find((symbol, k) => symbols.indexOf(symbol) !== k);
    if (duplicate !== undefined)
      throw new Error(`symbol ${duplicate} appears twice; one strategy per symbol`);
    this.series = options.markets.map((m) => m.series);
    this.strategies = options.markets.map((m) => m.strategy);
    this.views = this.series.map((s) => new ColumnBarView(s));
    this.portfolio = new Portfolio(symbols, options.cash);
    this.contexts = this.series.map((s, k) => new MarketContext(s.symbol, this.views[k]!, this.portfolio, k));
    this.warmups = Int32Array.from(options.markets, (m) => m.warmup);
    const n = symbols.length;
    this.cursor = new Int32Array(n);
    this.due = new Int32Array(n);
    this.sink = options.sink;
    this.orderUpdates = options.sink === undefined ? 'none' : (options.sink.orderUpdates ?? 'all');
    this.recordsEquity = options.sink?.recordEquity !== undefined;
    this.ids = options.ids;
    this.closeAtEnd = options.closeAtEnd ?? true;
    this.progress = options.progress;
    this.orders = new OrderManager(options.ids, n);
    this.gateway = new RiskGateway(
      options.risk,
      this.portfolio,
      this.orders.pendingQty,
      (event) => this.emit(event),
      options.tradingDayEnd,
    );
    this.venue = venue(this, symbols, this.portfolio);
    this.curve = new EquityCurve(countBarTimes(this.series));
  }

  get riskState(): RiskState {
    return this.gateway.state;
  }

  /** Bar times processed so far. */
  get steps(): number {
    return this.stepIndex;
  }

  /** Runs every remaining bar, then settles the end of data. */
  run(): void {
    if (this.series.length === 1) this.runSingleMarket();
    while (this.step()) {
      // Each call processes one bar time.
    }
    this.finish();
  }

  /**
   * step() for the common one-market backtest, with the market loop and the time alignment taken out and the
   * per-bar objects held in locals: the same sequence, about 1.5 times as fast. Tests pin the two together.
   */
  private runSingleMarket(): void {
    const bars = this.series[0]!;
    const time = bars.time;
    const close = bars.close;
    const length = bars.length;
    const venue = this.venue;
    const portfolio = this.portfolio;
    const gateway = this.gateway;
    const lastPrice = portfolio.lastPrice;
    const markedEquity = portfolio.markedEquity;
    const markedCash = portfolio.markedCash;
    const view = this.views[0]!;
    const context = this.contexts[0]!;
    const strategy = this.strategies[0]!;
    const warmup = this.warmups[0]!;
    const curve = this.curve;
    curve.reserve(length - this.cursor[0]!);
    // Room for every bar left is reserved, so the columns can be written directly.
    const curveTime = curve.time;
    const curveEquity = curve.equity;
    const curveCash = curve.cash;
    const clock = this.clock;
    const progressEvery = this.progress === undefined ? 0 : this.progress.every;
    for (let i = this.cursor[0]!; i < length; i++) {
      this.stepIndex = i;
      this.fillsThisStep = false;
      clock[0] = time[i]!;
      if (venue.hasWork(0)) venue.processBar(0, i, bars, i);
      lastPrice[0] = close[i]!;
      portfolio.markToMarket();
      gateway.onMarked(clock);
      view.moveTo(i);
      const intents = strategy.onBar(context);
      if (intents !== undefined && i >= warmup) this.submitIntents(intents, 0, view, time[i]!, i);
      if (venue.hasCloseWork(0)) venue.processClose(0, i, bars, i);
      if (this.fillsThisStep) portfolio.markToMarket();
      const k = curve.length++;
      curveTime[k] = clock[0]!;
      curveEquity[k] = markedEquity[0]!;
      curveCash[k] = markedCash[0]!;
      if (portfolio.openPositions > 0) this.barsInMarket++;
      if (this.recordsEquity) this.sink!.recordEquity!(time[i]!, markedEquity[0]!, markedCash[0]!);
      this.cursor[0] = i + 1;
      if (progressEvery > 0 && (i + 1) % progressEvery === 0) this.progress!.report(i + 1);
    }
    this.stepIndex = length;
  }

  /**
   * Processes the earliest unprocessed bar time across the markets; false when no market has a bar left.
   * A live session appends bars to its series and calls this as they arrive.
   */
  step(): boolean {
    const series = this.series;
    const n = series.length;
    const cursor = this.cursor;
    const due = this.due;
    // One pass finds the earliest next bar time and the markets that have a bar at it.
    let time = Number.POSITIVE_INFINITY;
    let dueCount = 0;
    for (let s = 0; s < n; s++) {
      const i = cursor[s]!;
      if (i >= series[s]!.length) continue;
      const t = series[s]!.time[i]!;
      if (t < time) {
        time = t;
        dueCount = 0;
        due[dueCount++] = s;
      } else if (t === time) {
        due[dueCount++] = s;
      }
    }
    if (dueCount === 0) return false;
    const step = this.stepIndex;
    this.fillsThisStep = false;

    // Orders decided earlier meet the new bars first: nothing decided at this close can fill before it.
    const venue = this.venue;
    const portfolio = this.portfolio;
    for (let k = 0; k < dueCount; k++) {
      const s = due[k]!;
      const bars = series[s]!;
      const i = cursor[s]!;
      if (venue.hasWork(s)) venue.processBar(s, step, bars, i);
      portfolio.mark(s, bars.close[i]!);
    }

    const clock = this.clock;
    clock[0] = time;
    portfolio.markToMarket();
    const markedEquity = portfolio.markedEquity;
    const markedCash = portfolio.markedCash;
    this.gateway.onMarked(clock);

    for (let k = 0; k < dueCount; k++) {
      const s = due[k]!;
      const i = cursor[s]!;
      const view = this.views[s]!;
      view.moveTo(i);
      const intents = this.strategies[s]!.onBar(this.contexts[s]!);
      if (intents !== undefined && i >= this.warmups[s]!) this.submitIntents(intents, s, view, time, step);
      if (venue.hasCloseWork(s)) venue.processClose(s, step, series[s]!, i);
    }

    if (this.fillsThisStep) portfolio.markToMarket();
    this.curve.record(clock, markedEquity, markedCash);
    if (portfolio.openPositions > 0) this.barsInMarket++;
    if (this.recordsEquity) this.sink!.recordEquity!(time, markedEquity[0]!, markedCash[0]!);
    for (let k = 0; k < dueCount; k++) cursor[due[k]!]!++;
    this.stepIndex = step + 1;
    if (this.progress !== undefined && this.stepIndex % this.progress.every === 0) {
      this.progress.report(this.stepIndex);
    }
    return true;
  }

  /**
   * The end of data: open positions are closed at their market's last close (exit reason end_of_data, with
   * fees and slippage) unless closeAtEnd is false, and every order still working is canceled.
   */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const last = this.stepIndex - 1;
    if (last < 0) return;
    for (let s = 0; s < this.series.length; s++) {
      const bars = this.series[s]!;
      const i = bars.length - 1;
      if (i < 0) continue;
      const time = bars.time[i]!;
      for (const order of this.venue.workingOrders(s)) {
        if (!order.reduceOnly) this.venue.cancel(order, 'end of data', time);
      }
      if (this.closeAtEnd && this.portfolio.qty[s] !== 0) {
        const reason = 'end of data: position closed at the last close';
        const order = this.closeOrder(s, reason, 'end_of_data', bars.close[i]!, time);
        this.venue.submitAtClose(order, last, time);
        this.venue.processClose(s, last, bars, i);
      }
      for (const order of this.venue.workingOrders(s)) this.venue.cancel(order, 'end of data', time);
    }
    const k = this.curve.length - 1;
    this.curve.equity[k] = this.portfolio.equity();
    this.curve.cash[k] = this.portfolio.cash;
  }

  /**
   * Sends a market order closing symbol `s`'s whole position now, outside any bar: a session stopping with a
   * flatten at a broker, which cannot wait for the next bar. Undefined when the symbol is flat.
   */
  closePosition(s: number, reason: string, time: number): WorkingOrder | undefined {
    if (this.portfolio.qty[s] === 0) return undefined;
    const order = this.closeOrder(s, reason, 'flatten', this.portfolio.lastPrice[s]!, time);
    this.venue.submit(order, this.stepIndex, time);
    return order;
  }

  /** A market order for the whole position of `s`, recorded; the caller hands it to the venue. */
  private closeOrder(
    s: number,
    reason: string,
    exitReason: ExitReason,
    referencePrice: number,
    time: number,
  ): WorkingOrder {
    const held = this.portfolio.qty[s]!;
    const order = this.orders.create({
      symbol: this.series[s]!.symbol,
      symbolIndex: s,
      side: held > 0 ? 'sell' : 'buy',
      type: 'market',
      role: 'exit',
      qty: Math.abs(held),
      timeInForce: 'gtc',
      reason,
      exitReason,
      referencePrice,
      time,
    });
    this.emitOrder(order, time);
    return order;
  }

  /** Intents of market `s` decided at the close of bar time `step`. */
  private submitIntents(
    intents: readonly OrderIntent[],
    s: number,
    view: ColumnBarView,
    time: number,
    step: number,
  ): void {
    const symbol = this.series[s]!.symbol;
    // Indexed: strategies hand back frozen arrays, for which for-of allocates an iterator.
    for (let k = 0; k < intents.length; k++) {
      const intent = intents[k]!;
      if (intent.symbol !== symbol) {
        this.emit({
          kind: 'order-denied',
          reason: `the strategy trading ${symbol} may not trade ${intent.symbol}`,
          intent,
          time,
        });
        continue;
      }
      const ticket = this.gateway.review(intent, s, view, time);
      if (ticket === undefined) continue;
      const order = this.orders.create(ticket);
      this.emitOrder(order, time);
      this.venue.submit(order, step, time);
    }
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
    this.protectPartialEntry(order, time);
  }

  onExpired(order: WorkingOrder, reason: string, time: number): void {
    this.orders.transition(order, 'expired', reason);
    this.emitOrder(order, time);
    this.protectPartialEntry(order, time);
  }

  onFill(order: WorkingOrder, qty: number, price: number, fee: number, time: number, atOpen: boolean): void {
    const s = order.symbolIndex;
    this.fillsThisStep = true;
    this.orders.recordFill(order, qty, price, fee);
    if (this.sink !== undefined) {
      this.fillEvent.fill.report(
        this.ids.prefix,
        this.ids.nextExecutionNumber(),
        order,
        qty,
        price,
        fee,
        time,
      );
      this.sink.record(this.fillEvent);
    }
    const trade = this.portfolio.applyFill(
      s,
      order.side,
      qty,
      price,
      fee,
      time,
      Math.min(this.cursor[s]!, this.series[s]!.length - 1),
      order.exitReason ?? 'signal',
    );
    if (trade !== undefined && this.sink !== undefined) {
      this.tradeEvent.trade = trade;
      this.sink.record(this.tradeEvent);
    }
    this.emitOrder(order, time);
    const sibling = order.sibling;
    if (sibling !== undefined && !sibling.isDone) {
      this.venue.cancel(sibling, `one-cancels-other: ${order.role.replace('_', '-')} filled`, time);
    }
    if (order.role === 'entry' && order.status === 'filled') {
      // After a fill at the open the rest of that bar happened later, so the legs may work in it already.
      this.attachLegs(order, time, atOpen ? this.stepIndex : this.stepIndex + 1);
    }
    if (this.portfolio.qty[s] === 0) this.venue.cancelExits(s, 'position closed', time);
  }

  private protectPartialEntry(order: WorkingOrder, time: number): void {
    if (order.role === 'entry' && order.filledQty > 0) this.attachLegs(order, time, this.stepIndex + 1);
  }

  private attachLegs(entry: WorkingOrder, time: number, activeFromStep: number): void {
    for (const leg of this.orders.createBracketLegs(entry, time)) {
      this.emitOrder(leg, time);
      this.venue.attach(leg, activeFromStep, time);
    }
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
