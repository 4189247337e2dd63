// The engine's venue for an Alpaca paper account. The engine decides synchronously; Alpaca answers later. So the
// venue keeps two queues: orders to send (sent only after the bar's ledger transaction holds their intent and
// client order id) and broker events to apply. The run journals each event before applying it, and applying is
// deterministic, so replaying the journal after a crash rebuilds exactly the state the engine had.
import { isOccSymbol } from '../../../shared/domain/options';
import type { Side } from '../../../shared/domain/trading';
import type { WorkingOrder } from '../../engine/orders';
import type { Venue, VenueReports } from '../../engine/venue';
import type { AlpacaBroker } from './broker';
import type { BrokerOrder, BrokerOrderRequest, BrokerTimeInForce } from './broker-shapes';
import { isCryptoSymbol } from './history';

/** What happened at Alpaca, in the order the run applied it; journaled so a replay applies the same. */
export type BrokerEvent =
  /** Alpaca holds the order (answer to our POST, or found by its client order id). */
  | { readonly kind: 'placed'; readonly clientOrderId: string; readonly order: BrokerOrder }
  /** Alpaca refused the order: nothing was placed. */
  | { readonly kind: 'refused'; readonly clientOrderId: string; readonly reason: string }
  /** An order's state from the stream or a REST resync; a fill is the rise of its filled quantity. */
  | {
      readonly kind: 'update';
      readonly order: BrokerOrder;
      readonly execution?: { readonly id: string; readonly qty: number; readonly price: number };
      readonly time: number;
    }
  /** After a restart, an order that never reached Alpaca and is too old to send now. */
  | { readonly kind: 'lost'; readonly clientOrderId: string; readonly reason: string };

export interface AlpacaVenueHooks {
  /** Broker events are waiting in `takeEvents()`; the run should journal and apply them. */
  wake(): void;
  /** Something the session log should show (unclear answers, failed cancels). */
  note(level: 'info' | 'warn', message: string, fields?: Record<string, unknown>): void;
  /** Bar time now, for events that carry no time of their own. */
  now(): number;
}

const TERMINAL = new Set(['filled', 'canceled', 'expired', 'rejected', 'replaced', 'done_for_day']);
const EPSILON = 1e-9;

/** A take-profit limit and a (fixed) stop-loss: what Alpaca's OCO class takes. Trailing stops cannot join one. */
function isOcoPair(a: WorkingOrder, b: WorkingOrder): boolean {
  const types = [a.type, b.type];
  return types.includes('limit') && (types.includes('stop') || types.includes('stop_limit'));
}

/** A stop-loss or take-profit of a bracket (as opposed to an entry or a signal exit). */
function isLeg(order: WorkingOrder): boolean {
  return order.role === 'stop_loss' || order.role === 'take_profit';
}

export class AlpacaVenue implements Venue {
  /** Orders the engine gave us that are not done, per symbol, in arrival order. */
  private readonly working: WorkingOrder[][];
  private readonly byClientId = new Map<string, WorkingOrder>();
  private readonly byBrokerId = new Map<string, WorkingOrder>();
  private readonly brokerIdOf = new Map<WorkingOrder, string>();
  /** Orders decided at this bar, sent once the bar is committed. */
  private outbox: WorkingOrder[] = [];
  /** Bracket legs waiting for their sibling, so both go out as one OCO order. */
  private readonly heldLegs = new Set<WorkingOrder>();
  /** Client order ids sent and not yet answered (UNKNOWN until placed, refused or lost). */
  private readonly inFlight = new Set<string>();
  private readonly cancelWanted = new Set<WorkingOrder>();
  /** Client order ids whose submit is still running (its own look-ups included). */
  private readonly sending = new Set<string>();
  private events: BrokerEvent[] = [];
  /** While replaying the journal nothing is sent: the broker already has what it has. */
  replaying = false;
  /** The run is stopping: new orders are canceled here, never sent (why, in words), or undefined. */
  private closing: string | undefined;

  constructor(
    private readonly reports: VenueReports,
    symbols: readonly string[],
    private readonly broker: AlpacaBroker,
    private readonly hooks: AlpacaVenueHooks,
  ) {
    this.working = symbols.map(() => []);
    broker.hasWorkingOrders = () => this.working.some((list) => list.length > 0);
  }

  // ---- Venue: called by the engine during a step ----

  submit(order: WorkingOrder, _step: number, time: number): void {
    if (this.refuseWhileClosing(order, time)) return;
    this.track(order);
    this.outbox.push(order);
  }

  submitAtClose(order: WorkingOrder, step: number, time: number): void {
    this.submit(order, step, time);
  }

  attach(order: WorkingOrder, _activeFromStep: number, time: number): void {
    if (this.refuseWhileClosing(order, time)) return;
    this.track(order);
    const sibling = order.sibling;
    // The engine attaches both legs of a bracket in one go; Alpaca must get them as one OCO order, since a
    // second plain exit for the same shares would be refused as "insufficient qty available".
    if (sibling === undefined || !isOcoPair(order, sibling)) {
      this.outbox.push(order);
      return;
    }
    if (!this.heldLegs.has(sibling)) {
      this.heldLegs.add(order);
      return;
    }
    this.heldLegs.delete(sibling);
    this.outbox.push(order.type === 'limit' ? order : sibling);
  }

  cancel(order: WorkingOrder, reason: string, time: number): void {
    if (order.isDone) return;
    const queued = this.outbox.indexOf(order);
    if (queued >= 0 || this.heldLegs.has(order)) {
      // Never left MarketBoss (queued, or a leg waiting for its partner): cancel it here.
      if (queued >= 0) this.outbox.splice(queued, 1);
      this.heldLegs.delete(order);
      this.reports.onCanceled(order, reason, time);
      this.untrack(order);
      return;
    }
    const sibling = order.sibling;
    if (sibling !== undefined && sibling.status === 'filled') return; // Alpaca cancels the other OCO leg itself.
    this.cancelWanted.add(order);
  }

  cancelExits(symbolIndex: number, reason: string, time: number): void {
    for (const order of [...this.working[symbolIndex]!]) {
      if (order.reduceOnly && !order.isDone) this.cancel(order, reason, time);
    }
  }

  workingOrders(symbolIndex: number): readonly WorkingOrder[] {
    return this.working[symbolIndex]!.filter((order) => !order.isDone);
  }

  // Alpaca works the orders; there is nothing to do per bar.
  hasWork(): boolean {
    return false;
  }
  processBar(): void {}
  hasCloseWork(): boolean {
    return false;
  }
  processClose(): void {}

  // ---- outside the engine's step ----

  /**
   * The run stops: from now on new orders (a bracket's legs after a late fill, say) are canceled here instead of
   * sent, and every order working is canceled — here if it never left, at Alpaca otherwise (sent by `flush`).
   */
  closeOut(reason: string, time: number): void {
    this.closing = reason;
    for (const order of this.working.flat()) this.cancel(order, reason, time);
  }

  /** While stopping: lets the orders the run decides now go out (a flatten's closes), or holds them again. */
  sendWhileClosing(sending: boolean, reason: string): void {
    this.closing = sending ? undefined : reason;
  }

  /** The run is stopping (see closeOut). */
  get isClosing(): boolean {
    return this.closing !== undefined;
  }

  /** Orders not done yet: sent and not final at Alpaca, or not yet answered. */
  notDone(): WorkingOrder[] {
    return this.working.flat().filter((order) => !order.isDone);
  }

  /** Whether a send of this order is still under way (its POST or its look-ups). */
  isSending(order: WorkingOrder): boolean {
    return this.sending.has(order.clientOrderId);
  }

  /** Broker events wait to be applied. */
  get hasEvents(): boolean {
    return this.events.length > 0;
  }

  /** An order sent without a clear answer and no send still trying: a resync must look it up. */
  isIdleUnknown(order: WorkingOrder): boolean {
    return this.inFlight.has(order.clientOrderId) && !this.sending.has(order.clientOrderId);
  }

  /** Orders sent, not answered: the run must not believe they are gone, nor send them again. */
  get unresolved(): readonly string[] {
    return [...this.inFlight];
  }

  /** Sends the orders and cancels decided at the bar just committed. */
  flush(): void {
    const outbox = this.outbox;
    this.outbox = [];
    // Replaying: these were sent before the restart; their answers are in the journal.
    if (this.replaying) return;
    for (const order of outbox) {
      if (order.isDone) continue;
      void this.send(order);
    }
    for (const order of [...this.cancelWanted]) {
      const brokerId = this.brokerIdOf.get(order);
      if (brokerId === undefined || order.isDone) continue; // sent, not answered yet: cancelled once placed
      this.cancelWanted.delete(order);
      void this.requestCancel(order, brokerId);
    }
  }

  /** The events collected since the last call, for the run to journal and apply in this order. */
  takeEvents(): BrokerEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  /** Broker events from outside (stream updates, resyncs, recovery), queued behind the others. */
  push(event: BrokerEvent): void {
    this.events.push(event);
    this.hooks.wake();
  }

  /** Applies one journaled event to the engine's orders. Deterministic: the same events give the same state. */
  apply(event: BrokerEvent): void {
    switch (event.kind) {
      case 'placed': {
        this.inFlight.delete(event.clientOrderId);
        const order = this.byClientId.get(event.clientOrderId);
        if (order === undefined) return;
        this.bind(order, event.order);
        this.sync(order, event.order, undefined, event.order.updatedAt || this.hooks.now());
        return;
      }
      case 'refused': {
        this.inFlight.delete(event.clientOrderId);
        const order = this.byClientId.get(event.clientOrderId);
        if (order === undefined || order.isDone) return;
        const reason = `Alpaca refused the order: ${event.reason}`;
        const time = this.hooks.now();
        if (order.filledQty === 0) this.reports.onRejected(order, reason, time);
        else this.reports.onCanceled(order, reason, time);
        this.refuseSibling(order, time);
        this.untrack(order);
        return;
      }
      case 'lost': {
        this.inFlight.delete(event.clientOrderId);
        const order = this.byClientId.get(event.clientOrderId);
        if (order === undefined || order.isDone) return;
        this.reports.onRejected(order, event.reason, this.hooks.now());
        this.refuseSibling(order, this.hooks.now());
        this.untrack(order);
        return;
      }
      case 'update': {
        const order = this.byBrokerId.get(event.order.id) ?? this.byClientId.get(event.order.clientOrderId);
        if (order === undefined) return; // not ours (another app, the dashboard)
        this.inFlight.delete(order.clientOrderId);
        this.bind(order, event.order);
        this.sync(order, event.order, event.execution, event.time);
        return;
      }
    }
  }

  /** The client order ids of the orders this venue tracks (for a resync: what to ask Alpaca about). */
  trackedOrders(): readonly WorkingOrder[] {
    return this.working.flat();
  }

  brokerId(order: WorkingOrder): string | undefined {
    return this.brokerIdOf.get(order);
  }

  /** Orders in the outbox at a crash were persisted, maybe sent: after a replay they are in doubt, not new. */
  markInDoubt(): WorkingOrder[] {
    const doubtful = [...this.outbox, ...this.heldLegs].filter((order) => !order.isDone);
    for (const order of this.working.flat()) {
      if (!order.isDone && !this.brokerIdOf.has(order) && !doubtful.includes(order)) doubtful.push(order);
    }
    this.outbox = [];
    this.heldLegs.clear();
    for (const order of doubtful) this.inFlight.add(order.clientOrderId);
    return doubtful;
  }

  /** After a restart: sends an order that Alpaca has never seen, under its same client order id. */
  resend(order: WorkingOrder): void {
    this.inFlight.delete(order.clientOrderId);
    if (order.isDone) return;
    const sibling = order.sibling;
    if (sibling !== undefined && isOcoPair(order, sibling) && order.type !== 'limit') return; // goes with its take-profit
    void this.send(order);
  }

  // ---- internals ----

  private refuseWhileClosing(order: WorkingOrder, time: number): boolean {
    if (this.closing === undefined) return false;
    this.reports.onCanceled(order, `not sent: ${this.closing}`, time);
    return true;
  }

  private track(order: WorkingOrder): void {
    if (this.byClientId.has(order.clientOrderId)) return;
    this.byClientId.set(order.clientOrderId, order);
    this.working[order.symbolIndex]!.push(order);
  }

  private untrack(order: WorkingOrder): void {
    const list = this.working[order.symbolIndex]!;
    const k = list.indexOf(order);
    if (k >= 0) list.splice(k, 1);
    this.cancelWanted.delete(order);
  }

  private bind(order: WorkingOrder, broker: BrokerOrder): void {
    if (!this.brokerIdOf.has(order)) {
      this.brokerIdOf.set(order, broker.id);
      this.byBrokerId.set(broker.id, order);
    }
    // An OCO answer carries its stop-loss leg; bind it to our stop leg so its updates find it.
    const sibling = order.sibling;
    if (sibling !== undefined && broker.legs.length > 0 && !this.brokerIdOf.has(sibling)) {
      const leg = broker.legs[0]!;
      this.brokerIdOf.set(sibling, leg.id);
      this.byBrokerId.set(leg.id, sibling);
      this.inFlight.delete(sibling.clientOrderId);
    }
  }

  /** Moves our order to Alpaca's state: accepted, the new part of its fills, then a final status. */
  private sync(
    order: WorkingOrder,
    broker: BrokerOrder,
    execution: { id: string; qty: number; price: number } | undefined,
    time: number,
  ): void {
    if (order.isDone) return;
    const status = broker.status;
    if (status === 'rejected') {
      const reason = 'rejected by Alpaca';
      // Alpaca may reject an order it had accepted (e.g. buying power): a rejection, unless part of it filled.
      if (order.filledQty === 0) this.reports.onRejected(order, reason, time);
      else this.reports.onCanceled(order, reason, time);
      this.untrack(order);
      return;
    }
    if (order.status === 'new' && status !== 'pending_new') this.reports.onAccepted(order, time);
    const filledBefore = order.filledQty;
    const delta = Math.min(broker.filledQty, order.qty) - filledBefore;
    if (delta > EPSILON) {
      if (order.status === 'new') this.reports.onAccepted(order, time);
      this.reports.onFill(
        order,
        delta,
        fillPrice(broker, filledBefore, delta, execution, order.avgFillPrice),
        0,
        time,
        false,
      );
    }
    if (order.isDone) {
      this.untrack(order);
      if (this.cancelWanted.has(order)) this.cancelWanted.delete(order);
      return;
    }
    if (TERMINAL.has(status)) {
      if (status === 'expired' || status === 'done_for_day')
        this.reports.onExpired(order, 'expired at Alpaca', time);
      else if (status === 'replaced')
        this.reports.onCanceled(order, `replaced at Alpaca by order ${broker.replacedBy ?? '?'}`, time);
      else if (status === 'filled') {
        // Filled at Alpaca for less than we asked (qty changed outside MarketBoss): close it as canceled.
        this.reports.onCanceled(order, `filled at Alpaca for ${broker.filledQty} of ${order.qty}`, time);
      } else this.reports.onCanceled(order, 'canceled at Alpaca', time);
      this.untrack(order);
      return;
    }
    for (const leg of broker.legs) {
      const ours = this.byBrokerId.get(leg.id);
      if (ours !== undefined && ours !== order) this.sync(ours, leg, undefined, time);
    }
    if (this.cancelWanted.has(order) && !this.replaying) {
      this.cancelWanted.delete(order);
      void this.requestCancel(order, broker.id);
    }
  }

  /** An OCO refused as a whole takes its held stop leg with it. */
  private refuseSibling(order: WorkingOrder, time: number): void {
    const sibling = order.sibling;
    if (sibling === undefined || sibling.isDone || this.brokerIdOf.has(sibling)) return;
    if (!this.inFlight.has(sibling.clientOrderId) && !this.byClientId.has(sibling.clientOrderId)) return;
    this.inFlight.delete(sibling.clientOrderId);
    this.reports.onCanceled(sibling, 'its one-cancels-other partner was refused', time);
    this.untrack(sibling);
  }

  private async send(order: WorkingOrder): Promise<void> {
    if (!isLeg(order)) await this.freeSharesFor(order);
    if (order.isDone) return;
    const request = this.requestOf(order);
    this.inFlight.add(order.clientOrderId);
    if (order.sibling !== undefined && request.orderClass === 'oco')
      this.inFlight.add(order.sibling.clientOrderId);
    let event: BrokerEvent;
    this.sending.add(order.clientOrderId);
    try {
      const outcome = await this.broker
        .submit(request)
        .finally(() => this.sending.delete(order.clientOrderId));
      if (outcome.kind === 'placed') {
        event = { kind: 'placed', clientOrderId: order.clientOrderId, order: outcome.order };
        if (outcome.via === 'lookup') {
          this.hooks.note(
            'info',
            `order ${order.clientOrderId}: the answer was lost; found at Alpaca by its client order id`,
          );
        }
      } else if (outcome.kind === 'refused') {
        event = { kind: 'refused', clientOrderId: order.clientOrderId, reason: outcome.reason };
      } else {
        // UNKNOWN: stays in flight; the next resync finds it or proves it absent.
        this.hooks.note('warn', `order ${order.clientOrderId} is UNKNOWN: ${outcome.reason}`);
        return;
      }
    } catch (error) {
      this.hooks.note('warn', `order ${order.clientOrderId} is UNKNOWN: ${String(error)}`);
      return;
    }
    this.push(event);
  }

  /**
   * Alpaca holds a position's shares for its working OCO exits, so a signal exit (or a flatten) would be refused
   * as "insufficient qty available": cancel the bracket legs on the other side first and wait until Alpaca says
   * they are gone (the stream or, failing that, a read of the order).
   */
  private async freeSharesFor(order: WorkingOrder): Promise<void> {
    const pending = (leg: WorkingOrder) => isLeg(leg) && leg.side === order.side && !leg.isDone;
    // Legs still on their way to Alpaca are waited for first: cancelling needs their ids.
    const waitUntil = Date.now() + 5_000;
    while (
      this.working[order.symbolIndex]!.some(
        (leg) => pending(leg) && !this.brokerIdOf.has(leg) && this.inFlight.has(leg.clientOrderId),
      ) &&
      Date.now() < waitUntil
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const legs = this.working[order.symbolIndex]!.filter((leg) => pending(leg) && this.brokerIdOf.has(leg));
    if (legs.length === 0) return;
    const parents = new Set<string>();
    for (const leg of legs) {
      // Canceling an OCO's parent (the take-profit) cancels its stop too.
      const primary =
        leg.sibling !== undefined && isOcoPair(leg, leg.sibling) && leg.type !== 'limit' ? leg.sibling : leg;
      const id = this.brokerIdOf.get(primary);
      if (id !== undefined) parents.add(id);
    }
    for (const id of parents) {
      const result = await this.broker.cancel(id);
      if (!result.ok) this.hooks.note('info', `cancel of bracket order ${id} not done: ${result.reason}`);
    }
    const deadline = Date.now() + 5_000;
    let reread = false;
    while (legs.some((leg) => !leg.isDone) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (!reread && Date.now() > deadline - 4_000) {
        // The stream has not told us yet: ask.
        reread = true;
        for (const id of parents) {
          const state = await this.broker.order(id).catch(() => undefined);
          if (state !== undefined) this.push({ kind: 'update', order: state, time: this.hooks.now() });
        }
      }
    }
  }

  private async requestCancel(order: WorkingOrder, brokerId: string): Promise<void> {
    const result = await this.broker.cancel(brokerId);
    if (!result.ok) {
      // 422: no longer cancelable (it filled or was canceled meanwhile); the stream or a resync tells which.
      this.hooks.note('info', `cancel of ${order.clientOrderId} not done: ${result.reason}`);
    }
  }

  private requestOf(order: WorkingOrder): BrokerOrderRequest {
    // Crypto trades around the clock and takes no day orders; options take nothing but day orders (Alpaca refuses
    // any other time in force for an OCC symbol), so an option order is a day order whatever the engine wrote.
    const crypto = isCryptoSymbol(order.symbol);
    const timeInForce: BrokerTimeInForce = isOccSymbol(order.symbol)
      ? 'day'
      : crypto && order.timeInForce === 'day'
        ? 'gtc'
        : order.timeInForce;
    const base = {
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side as Side,
      qty: order.qty,
      timeInForce,
    };
    const sibling = order.sibling;
    if (sibling !== undefined && isOcoPair(order, sibling) && order.type === 'limit') {
      return {
        ...base,
        type: 'limit',
        orderClass: 'oco',
        takeProfit: { limitPrice: order.limitPrice! },
        stopLoss: {
          stopPrice: sibling.stopPrice!,
          ...(sibling.limitPrice !== undefined && { limitPrice: sibling.limitPrice }),
        },
      };
    }
    return {
      ...base,
      type: order.type,
      ...(order.limitPrice !== undefined && { limitPrice: order.limitPrice }),
      ...(order.stopPrice !== undefined && { stopPrice: order.stopPrice }),
      ...(order.trailPercent !== undefined && { trailPercent: order.trailPercent }),
    };
  }
}

/** The price of the new part of a fill: the execution's when it is exactly that part, else from the averages. */
function fillPrice(
  broker: BrokerOrder,
  filledBefore: number,
  delta: number,
  execution: { qty: number; price: number } | undefined,
  avgBefore: number,
): number {
  if (execution !== undefined && Math.abs(execution.qty - delta) < EPSILON) return execution.price;
  const avg = broker.filledAvgPrice;
  if (avg === null) return execution?.price ?? avgBefore;
  const filled = filledBefore + delta;
  const price = (avg * filled - avgBefore * filledBefore) / delta;
  return Number.isFinite(price) && price > 0 ? price : avg;
}
