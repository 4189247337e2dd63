// The Alpaca paper account as MarketBoss talks to it, through the official SDK only: orders sent at most once
// per client order id, answers we could not read resolved by looking the id up, trade updates from the stream
// (reconnected with backoff, watched for silence, followed by a REST resync), every request inside one budget.
import { type Alpaca, ApiError, NotFoundError, type streaming } from '@alpacahq/alpaca-trade-api';
import {
  type BrokerAccount,
  BrokerDataError,
  type BrokerOrder,
  type BrokerOrderRequest,
  type BrokerPosition,
  type BrokerTradeUpdate,
  brokerAccountOf,
  brokerOrderOf,
  brokerPositionOf,
  positionKey,
  postOrderRequestOf,
  type SubmitOutcome,
  toDecimal,
  tradeUpdateOf,
} from './broker-shapes';
import { RequestBudget } from './request-budget';

export type StreamState = 'connecting' | 'authorized' | 'disconnected';

export interface BrokerListener {
  onTradeUpdate(update: BrokerTradeUpdate): void;
  /** The stream's state; `reconnected` when authorization came back after a loss (a resync follows). */
  onStreamState(
    state: StreamState,
    detail: { readonly reconnected: boolean; readonly message: string },
  ): void;
  /** A resync is due: after a reconnect, or when the stream has been silent while orders were working. */
  onResyncDue(reason: string): void;
}

export interface AlpacaBrokerOptions {
  readonly alpaca: Alpaca;
  /** The trading stream's URL (a fake's); undefined for Alpaca's paper stream. */
  readonly streamUrl?: string;
  readonly budget?: RequestBudget;
  /** Look-ups by client order id after an unclear POST answer. Default 5. */
  readonly lookupAttempts?: number;
  /** Pause between look-ups, doubled each time. Default 250 ms. */
  readonly lookupDelayMs?: number;
  /** A stream quiet this long while orders work prompts a REST resync. Default 30 s. */
  readonly silenceMs?: number;
  /** Reconnect backoff of the trading stream. */
  readonly reconnect?: { readonly initialMs?: number; readonly maxMs?: number };
  /** New orders wait this long for the stream to be (re)authorized before going out anyway. Default 10 s. */
  readonly streamWaitMs?: number;
  /** A stopping run follows its canceled orders this long before it says which are still working. Default 10 s. */
  readonly stopWaitMs?: number;
  /** While a stopping run waits, it reads its orders' states by REST this often. Default 1 s. */
  readonly stopPollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const UNIQUE_CLIENT_ID = /client_order_id must be unique/i;

/** HTTP status of an SDK error, or undefined for a network failure or timeout (no answer at all). */
function statusOf(error: unknown): number | undefined {
  return error instanceof ApiError ? error.status : undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message || `HTTP ${error.status}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A 4xx other than timeouts and rate limits: Alpaca read the request and said no. */
function isRefusal(status: number | undefined): status is number {
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/**
 * The order found under our client order id is ours only if it is the one we asked for: a different symbol or
 * side (an id reused after a restart that lost its counts) is refused, never taken for our order's fills.
 */
function placedByLookup(request: BrokerOrderRequest, order: BrokerOrder): SubmitOutcome {
  const same =
    positionKey(order.symbol) === positionKey(request.symbol) &&
    order.side === request.side &&
    order.qty === request.qty;
  if (same) return { kind: 'placed', order, via: 'lookup' };
  return {
    kind: 'refused',
    status: 422,
    reason: `client order id ${request.clientOrderId} is already used at Alpaca by another order (${order.side} ${order.qty} ${order.symbol}, ${order.status})`,
  };
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class AlpacaBroker {
  readonly budget: RequestBudget;
  private readonly alpaca: Alpaca;
  private readonly options: AlpacaBrokerOptions;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private stream: streaming.TradingStream | undefined;
  private listener: BrokerListener | undefined;
  private state: StreamState = 'disconnected';
  private everAuthorized = false;
  private readyWaiters: Array<() => void> = [];
  private lastEventAt = 0;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private silentChecks = 0;
  /** The venue says whether orders are working (the watchdog only cares then). */
  hasWorkingOrders: () => boolean = () => false;
  /** Counts for tests and the session log. */
  readonly stats = { posts: 0, lookups: 0, resubmits: 0, reconnects: 0, silentResyncs: 0 };

  constructor(options: AlpacaBrokerOptions) {
    this.alpaca = options.alpaca;
    this.options = options;
    this.budget = options.budget ?? new RequestBudget();
    this.sleep = options.sleep ?? sleepFor;
    this.now = options.now ?? Date.now;
  }

  /** How long a stopping run follows its orders, and how often it asks Alpaca meanwhile (see the options). */
  get stopWait(): { readonly waitMs: number; readonly pollMs: number } {
    return { waitMs: this.options.stopWaitMs ?? 10_000, pollMs: this.options.stopPollMs ?? 1_000 };
  }

  // ---- orders ----

  /**
   * Sends an order whose intent and client order id the caller has already persisted. The POST is never
   * repeated blindly: an unclear answer (timeout, dropped connection, 5xx) is resolved by looking the client order
   * id up; only when Alpaca says it has no such order is it sent again under the same id, which Alpaca refuses
   * to place twice (422 "client_order_id must be unique" → look it up).
   */
  async submit(request: BrokerOrderRequest): Promise<SubmitOutcome> {
    await this.whenStreamReady();
    const body = postOrderRequestOf(request);
    let lastProblem = '';
    const attempts = this.options.lookupAttempts ?? 5;
    let delay = this.options.lookupDelayMs ?? 250;
    for (let send = 0; send < 3; send++) {
      if (send > 0) this.stats.resubmits++;
      this.stats.posts++;
      try {
        const placed = await this.budget.run(() =>
          this.alpaca.trading.orders.postOrder({ postOrderRequest: body }),
        );
        return { kind: 'placed', order: brokerOrderOf(placed), via: 'response' };
      } catch (error) {
        const status = statusOf(error);
        if (status === 422 && UNIQUE_CLIENT_ID.test(messageOf(error))) {
          // Alpaca already holds an order under this id: one of our earlier sends got through.
          const found = await this.resolve(request.clientOrderId, attempts, delay);
          if (found.kind === 'found') return placedByLookup(request, found.order);
          return { kind: 'unknown', reason: 'Alpaca says the client order id is taken but cannot find it' };
        }
        if (isRefusal(status)) return { kind: 'refused', status, reason: messageOf(error) };
        lastProblem = status === undefined ? messageOf(error) : `HTTP ${status}: ${messageOf(error)}`;
      }
      // The answer is unclear: the order may or may not exist. Ask, never guess.
      const resolved = await this.resolve(request.clientOrderId, attempts, delay);
      if (resolved.kind === 'found') return placedByLookup(request, resolved.order);
      if (resolved.kind === 'unreachable') {
        return { kind: 'unknown', reason: `${lastProblem}; the look-ups failed too (${resolved.problem})` };
      }
      delay *= 2;
    }
    return { kind: 'unknown', reason: `${lastProblem}; three sends under the same id went unanswered` };
  }

  /** The order Alpaca holds under a client order id, or null when it has none. */
  async orderByClientId(clientOrderId: string): Promise<BrokerOrder | null> {
    this.stats.lookups++;
    try {
      const order = await this.budget.run(() =>
        this.alpaca.trading.orders.getOrderByClientOrderId({ clientOrderId }),
      );
      return brokerOrderOf(order);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /** Looks a client order id up until Alpaca answers (found or not found) or the attempts run out. */
  private async resolve(
    clientOrderId: string,
    attempts: number,
    firstDelayMs: number,
  ): Promise<
    { kind: 'found'; order: BrokerOrder } | { kind: 'absent' } | { kind: 'unreachable'; problem: string }
  > {
    let delay = firstDelayMs;
    let problem = '';
    for (let k = 0; k < attempts; k++) {
      try {
        const order = await this.orderByClientId(clientOrderId);
        return order === null ? { kind: 'absent' } : { kind: 'found', order };
      } catch (error) {
        problem = messageOf(error);
        await this.sleep(delay);
        delay = Math.min(delay * 2, 5_000);
      }
    }
    return { kind: 'unreachable', problem };
  }

  /** Asks Alpaca to cancel; true when it accepted the request (the stream reports the cancel itself). */
  async cancel(orderId: string): Promise<{ ok: true } | { ok: false; status?: number; reason: string }> {
    try {
      await this.withRetries(() => this.alpaca.trading.orders.deleteOrderByOrderID({ orderId }));
      return { ok: true };
    } catch (error) {
      const status = statusOf(error);
      return { ok: false, ...(status !== undefined && { status }), reason: messageOf(error) };
    }
  }

  /** Replaces an open order's quantity or prices; Alpaca answers with the new order (the old one is `replaced`). */
  async replace(
    orderId: string,
    changes: {
      qty?: number;
      limitPrice?: number;
      stopPrice?: number;
      trail?: number;
      clientOrderId?: string;
    },
  ): Promise<BrokerOrder> {
    const patched = await this.budget.run(() =>
      this.alpaca.trading.orders.patchOrderByOrderId({
        orderId,
        patchOrderRequest: {
          ...(changes.qty !== undefined && { qty: String(changes.qty) }),
          ...(changes.limitPrice !== undefined && { limitPrice: toDecimal(changes.limitPrice) }),
          ...(changes.stopPrice !== undefined && { stopPrice: toDecimal(changes.stopPrice) }),
          ...(changes.trail !== undefined && { trail: String(changes.trail) }),
          ...(changes.clientOrderId !== undefined && { clientOrderId: changes.clientOrderId }),
        },
      }),
    );
    return brokerOrderOf(patched);
  }

  async order(orderId: string): Promise<BrokerOrder> {
    return brokerOrderOf(
      await this.withRetries(() => this.alpaca.trading.orders.getOrderByOrderID({ orderId, nested: true })),
    );
  }

  /** Orders changed since `afterMs` (all statuses, legs nested), oldest first, following pages. */
  async ordersSince(afterMs: number, symbols?: readonly string[]): Promise<BrokerOrder[]> {
    const result: BrokerOrder[] = [];
    const seen = new Set<string>();
    let after = new Date(afterMs - 1).toISOString();
    for (;;) {
      const page = await this.withRetries(() =>
        this.alpaca.trading.orders.getAllOrders({
          status: 'all',
          after,
          direction: 'asc',
          nested: true,
          limit: 500,
          ...(symbols !== undefined && symbols.length > 0 && { symbols: [...symbols] }),
        }),
      );
      let added = 0;
      let latest = '';
      for (const raw of page) {
        const order = brokerOrderOf(raw);
        const submitted = (raw as { submittedAt?: Date | null }).submittedAt;
        if (submitted) latest = submitted.toISOString();
        if (seen.has(order.id)) continue;
        seen.add(order.id);
        result.push(order);
        added++;
      }
      if (page.length < 500 || added === 0 || latest === '' || latest === after) return result;
      after = latest;
    }
  }

  async openOrders(): Promise<BrokerOrder[]> {
    const open = await this.withRetries(() =>
      this.alpaca.trading.orders.getAllOrders({ status: 'open', nested: true, limit: 500 }),
    );
    return open.map(brokerOrderOf);
  }

  async positions(): Promise<BrokerPosition[]> {
    const raw = await this.withRetries(() => this.alpaca.trading.positions.getAllOpenPositions());
    return raw.map(brokerPositionOf);
  }

  async account(): Promise<BrokerAccount> {
    return brokerAccountOf(await this.withRetries(() => this.alpaca.trading.account.getAccount()));
  }

  async clock(): Promise<{ isOpen: boolean; time: number; nextOpen: number; nextClose: number }> {
    const clock = await this.withRetries(() => this.alpaca.trading.clock.legacyClock());
    const c = clock as unknown as { isOpen?: boolean; timestamp?: Date; nextOpen?: Date; nextClose?: Date };
    return {
      isOpen: c.isOpen === true,
      time: c.timestamp ? new Date(c.timestamp).getTime() : this.now(),
      nextOpen: c.nextOpen ? new Date(c.nextOpen).getTime() : Number.NaN,
      nextClose: c.nextClose ? new Date(c.nextClose).getTime() : Number.NaN,
    };
  }

  /** Reads (safe to repeat) go again after a 5xx or a lost connection, a few times, backing off. */
  private async withRetries<T>(read: () => Promise<T>): Promise<T> {
    let delay = this.options.lookupDelayMs ?? 250;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.budget.run(read);
      } catch (error) {
        const status = statusOf(error);
        const transient =
          status === undefined ? !(error instanceof BrokerDataError) : status >= 500 || status === 408;
        if (!transient || attempt >= 4) throw error;
        await this.sleep(delay);
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  // ---- the trading stream ----

  /** Connects the trading stream; resolves once authorized (or rejects when Alpaca refuses the keys). */
  async connect(listener: BrokerListener): Promise<void> {
    if (this.stream !== undefined) throw new Error('the trading stream is already connected');
    this.listener = listener;
    const reconnect = this.options.reconnect ?? {};
    const stream = this.alpaca.trading.stream({
      ...(this.options.streamUrl !== undefined && { url: this.options.streamUrl }),
      initialReconnectMs: reconnect.initialMs ?? 1_000,
      maxReconnectMs: reconnect.maxMs ?? 30_000,
      backoff: true,
      maxReconnectAttempts: -1,
    });
    this.stream = stream;
    stream.onTradeUpdate((raw) => {
      this.lastEventAt = this.now();
      this.silentChecks = 0;
      let update: BrokerTradeUpdate;
      try {
        update = tradeUpdateOf(raw);
      } catch (error) {
        // An unreadable update is not applied; the next resync reads the order by REST instead.
        this.listener?.onResyncDue(messageOf(error));
        return;
      }
      this.listener?.onTradeUpdate(update);
    });
    // Ready means authenticated and listening to trade updates: the SDK's 'connect' fires before authentication.
    stream.on('subscription', () => this.authorized());
    // After a reconnect the SDK restores the subscription itself and says so here.
    stream.onReconnected(() => this.authorized());
    stream.onReconnecting((attempt) => {
      this.setState('connecting', false, `reconnecting to the trading stream (attempt ${attempt})`);
    });
    stream.onDisconnect(() => {
      if (this.stream === stream) this.setState('disconnected', false, 'the trading stream disconnected');
    });
    this.setState('connecting', false, 'connecting to the trading stream');
    const authorized = stream.waitForAuthenticationResult();
    stream.subscribeTradeUpdates();
    stream.connect();
    const result = await authorized;
    if (!result.authenticated) {
      this.close();
      throw new Error(`the trading stream did not authorize: ${result.message}`);
    }
    // Authenticated is not yet listening: return once trade updates are subscribed.
    await this.whenStreamReady();
    this.startWatchdog();
  }

  private authorized(): void {
    if (this.state === 'authorized') return;
    const reconnected = this.everAuthorized;
    if (reconnected) this.stats.reconnects++;
    this.everAuthorized = true;
    this.lastEventAt = this.now();
    this.setState(
      'authorized',
      reconnected,
      reconnected ? 'trading stream reconnected' : 'trading stream authorized',
    );
    for (const waiter of this.readyWaiters.splice(0)) waiter();
    // Updates sent while we were away are lost: read the orders' state by REST.
    if (reconnected) this.listener?.onResyncDue('the trading stream reconnected');
  }

  private setState(state: StreamState, reconnected: boolean, message: string): void {
    if (this.state === state && state !== 'authorized') return;
    this.state = state;
    this.listener?.onStreamState(state, { reconnected, message });
  }

  get streamState(): StreamState {
    return this.state;
  }

  /** New orders go out only while the stream is authorized, so their updates cannot be missed. */
  private async whenStreamReady(): Promise<void> {
    if (this.stream === undefined || this.state === 'authorized') return;
    const waitMs = this.options.streamWaitMs ?? 10_000;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((w) => w !== done);
        resolve();
      }, waitMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.readyWaiters.push(done);
    });
  }

  /** Silence while orders work: resync by REST; silence that persists: reconnect the stream as well. */
  private startWatchdog(): void {
    const silenceMs = this.options.silenceMs ?? 30_000;
    this.watchdog = setInterval(
      () => {
        if (!this.hasWorkingOrders()) {
          this.lastEventAt = this.now();
          return;
        }
        const quiet = this.now() - this.lastEventAt;
        if (quiet < silenceMs) return;
        this.lastEventAt = this.now();
        this.silentChecks++;
        this.stats.silentResyncs++;
        this.listener?.onResyncDue(
          `no trade update for ${Math.round(quiet / 1000)} s while orders are working`,
        );
        if (this.silentChecks >= 3 && this.stream !== undefined && this.state === 'authorized') {
          this.silentChecks = 0;
          // The SDK reconnects by itself after a drop; a silent but open socket has to be cycled by hand.
          this.stream.disconnect();
          this.setState('disconnected', false, 'the trading stream stayed silent; reconnecting');
          this.stream.connect();
        }
      },
      Math.max(50, Math.min(silenceMs / 2, 5_000)),
    );
    this.watchdog.unref?.();
  }

  close(): void {
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    this.watchdog = undefined;
    const stream = this.stream;
    this.stream = undefined;
    stream?.removeAllListeners();
    stream?.disconnect();
    for (const waiter of this.readyWaiters.splice(0)) waiter();
    this.state = 'disconnected';
  }
}
