// The user's hand on a running session: pause (on a real market), flatten, reset a halt, cancel an order, execute a
// trade plan. Each is applied at the next bar time and recorded as a risk event, so a replay applies it at the same bar.

import type { ManualOrder, OrderChange } from '../../shared/domain/manual-order';
import type { Engine } from '../engine/engine';
import type { WorkingOrder } from '../engine/orders';
import type { OrderIntent, Strategy, StrategyContext } from '../engine/strategy';
import type { Venue } from '../engine/venue';
import type { MarketCalendar } from '../market/new-york-time';
import type { RiskEventInput } from '../store/session-repo';
import type { LiveSeries } from './run-markets';
import { holdingDeadline, type TradePlan, tradePlanIntents } from './trade-plan';

export type Control =
  | { readonly kind: 'flatten' }
  | { readonly kind: 'reset-halt' }
  | { readonly kind: 'cancel-order'; readonly orderId: string }
  | { readonly kind: 'trade-plan'; readonly plan: TradePlan }
  /** The trader's own order from the ticket; reviewed by the risk gateway like a strategy's. */
  | { readonly kind: 'manual-order'; readonly order: ManualOrder }
  /** A market order for the whole of one symbol's position. */
  | { readonly kind: 'close-position'; readonly symbol: string }
  /** Cancel a working order, then send the same order with the changed quantity or price (marked manual). */
  | { readonly kind: 'replace-order'; readonly orderId: string; readonly change: OrderChange }
  /** A pushed (real) market keeps moving while paused: the strategies still see bars but send nothing. */
  | { readonly kind: 'hold'; readonly holding: boolean };

/**
 * Wraps a strategy so the user can flatten: while flattening, the strategy still sees every bar (its indicators
 * stay current) but its intents are replaced by a close of the whole position.
 */
export class ControlledStrategy implements Strategy {
  flattening = false;
  /** Paused on a real market: indicators stay current, nothing is sent. */
  holding = false;
  /** Trade-plan intents waiting for the next bar close. */
  private injected: OrderIntent[] = [];
  /** The trader's ticket orders waiting for the next bar close: sent even while paused on a real market. */
  private manual: OrderIntent[] = [];
  /** When a trade-plan position must be closed (its expected holding time), or +∞. */
  private deadline = Number.POSITIVE_INFINITY;
  private readonly close: Record<'sell' | 'buy', readonly OrderIntent[]>;
  private readonly expired: Record<'sell' | 'buy', readonly OrderIntent[]>;

  constructor(
    private readonly inner: Strategy,
    symbol: string,
  ) {
    const reason = 'flatten requested by the user';
    this.close = {
      sell: [{ symbol, side: 'sell', purpose: 'close', reason }],
      buy: [{ symbol, side: 'buy', purpose: 'close', reason }],
    };
    const held = 'trade plan: expected holding time reached';
    this.expired = {
      sell: [{ symbol, side: 'sell', purpose: 'close', reason: held }],
      buy: [{ symbol, side: 'buy', purpose: 'close', reason: held }],
    };
  }

  inject(intents: readonly OrderIntent[], deadline: number): void {
    this.injected.push(...intents);
    this.deadline = Math.min(this.deadline, deadline);
  }

  /** Ticket orders for the next bar close. */
  injectManual(intents: readonly OrderIntent[]): void {
    this.manual.push(...intents);
  }

  onBar(ctx: StrategyContext): readonly OrderIntent[] | undefined {
    const intents = this.ownIntents(this.inner.onBar(ctx), ctx);
    const manual = this.manual;
    this.manual = [];
    return manual.length === 0 ? intents : intents === undefined ? manual : [...intents, ...manual];
  }

  private ownIntents(
    intents: readonly OrderIntent[] | undefined,
    ctx: StrategyContext,
  ): readonly OrderIntent[] | undefined {
    if (this.holding && !this.flattening) return undefined;
    if (this.flattening) {
      this.injected = [];
      // Flattening wins over the ticket's orders of the moment.
      this.manual = [];
      if (ctx.position === 0) return undefined;
      return ctx.position > 0 ? this.close.sell : this.close.buy;
    }
    if (ctx.bar.time >= this.deadline && this.injected.length === 0) {
      this.deadline = Number.POSITIVE_INFINITY;
      if (ctx.position !== 0) return ctx.position > 0 ? this.expired.sell : this.expired.buy;
    }
    if (this.injected.length === 0) return intents;
    const planned = this.injected;
    this.injected = [];
    return intents === undefined ? planned : [...intents, ...planned];
  }
}

/** A user's cancel as the ledger records it; the order id is read back from it on replay. */
const cancelReason = (orderId: string): string => `cancel of ${orderId} requested by the user`;
const CANCEL_REASON = /^cancel of (\S+) requested by the user$/;

const closeReason = (symbol: string): string => `close of the ${symbol} position requested by the user`;
const CLOSE_REASON = /^close of the (\S+) position requested by the user$/;

/** The control a recorded user event stands for (replay), or undefined for other risk events. */
export function controlOf(kind: string, reason: string): Control | undefined {
  if (kind === 'user-flatten') return { kind: 'flatten' };
  if (kind === 'user-reset-halt') return { kind: 'reset-halt' };
  if (kind === 'user-cancel-order') {
    const orderId = CANCEL_REASON.exec(reason)?.[1];
    return orderId === undefined ? undefined : { kind: 'cancel-order', orderId };
  }
  if (kind === 'user-trade-plan') return { kind: 'trade-plan', plan: JSON.parse(reason) as TradePlan };
  if (kind === 'user-order') return { kind: 'manual-order', order: JSON.parse(reason) as ManualOrder };
  if (kind === 'user-close-position') {
    const symbol = CLOSE_REASON.exec(reason)?.[1];
    return symbol === undefined ? undefined : { kind: 'close-position', symbol };
  }
  if (kind === 'user-replace-order') {
    const { orderId, change } = JSON.parse(reason) as { orderId: string; change: OrderChange };
    return { kind: 'replace-order', orderId, change };
  }
  if (kind === 'user-pause') return { kind: 'hold', holding: true };
  if (kind === 'user-resume') return { kind: 'hold', holding: false };
  return undefined;
}

/** What the controls act on. */
export interface ControlledRun {
  readonly engine: Engine<Venue>;
  /** One per symbol, in the config's order, like `series`. */
  readonly strategies: readonly ControlledStrategy[];
  readonly series: readonly LiveSeries[];
  readonly calendar: MarketCalendar;
  /** A reset halt re-arms the alerts of denied orders. */
  onHaltReset(): void;
}

export class RunControls {
  private pending: Control[] = [];

  constructor(private readonly run: ControlledRun) {}

  /** Applied at the next bar time. */
  queue(control: Control): void {
    this.pending.push(control);
  }

  /** A replayed bar time: the controls the ledger recorded at it, instead of any queued. */
  replaceWith(controls: readonly Control[]): void {
    this.pending = [...controls];
  }

  /** At a bar time, before the engine steps: every queued control, each recorded in `riskEvents`. */
  applyQueued(time: number, riskEvents: RiskEventInput[]): void {
    for (const control of this.pending.splice(0)) this.apply(control, time, riskEvents);
  }

  /** Flat again: the strategies trade on their own. */
  flattened(): void {
    for (const strategy of this.run.strategies) strategy.flattening = false;
  }

  /** The run's working order with this id, if there is one now. */
  workingOrder(orderId: string): WorkingOrder | undefined {
    const venue = this.run.engine.venue;
    for (let s = 0; s < this.run.series.length; s++) {
      const order = venue.workingOrders(s).find((o) => o.id === orderId);
      if (order) return order;
    }
    return undefined;
  }

  private symbolIndex(symbol: string): number {
    const s = this.run.series.findIndex((series) => series.symbol === symbol);
    if (s < 0) throw new Error(`${symbol} is not one of the session's symbols`);
    return s;
  }

  /**
   * A ticket order as intents: against a position it closes (up to the position) and opens the rest the other way,
   * as a broker would; otherwise it opens. The quantity is the trader's; the risk gateway may still deny or shrink it.
   */
  private manualIntents(order: ManualOrder, s: number): OrderIntent[] {
    const held = this.run.engine.portfolio.qty[s]!;
    const reducing = order.side === 'sell' ? held > 0 : held < 0;
    const base = {
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      ...(order.limitPrice !== undefined && { limitPrice: order.limitPrice }),
      ...(order.stopPrice !== undefined && { stopPrice: order.stopPrice }),
      reason: `manual ${order.type} ${order.side} from the ticket`,
      manual: true,
    } as const;
    if (!reducing) return [{ ...base, purpose: 'open', qty: order.qty }];
    const closing = Math.min(order.qty, Math.abs(held));
    const intents: OrderIntent[] = [{ ...base, purpose: 'close', qty: closing }];
    if (order.qty > closing) intents.push({ ...base, purpose: 'open', qty: order.qty - closing });
    return intents;
  }

  private apply(control: Control, time: number, riskEvents: RiskEventInput[]): void {
    const { engine, strategies } = this.run;
    switch (control.kind) {
      case 'hold':
        for (const strategy of strategies) strategy.holding = control.holding;
        riskEvents.push({
          time,
          kind: control.holding ? 'user-pause' : 'user-resume',
          reason: control.holding ? 'paused by the user' : 'resumed by the user',
        });
        return;
      case 'flatten':
        for (const strategy of strategies) strategy.flattening = true;
        // A halted account takes no orders at all; flattening asks for reducing-only instead.
        if (engine.riskState === 'HALTED') {
          engine.gateway.setState('REDUCING', 'flatten requested by the user', time);
        }
        riskEvents.push({ time, kind: 'user-flatten', reason: 'flatten requested by the user' });
        return;
      case 'cancel-order': {
        // Filled or canceled meanwhile: nothing to do, but the request is still recorded (replay sees the same).
        const order = this.workingOrder(control.orderId);
        if (order) engine.venue.cancel(order, 'canceled by the user', time);
        riskEvents.push({ time, kind: 'user-cancel-order', reason: cancelReason(control.orderId) });
        return;
      }
      case 'reset-halt':
        engine.gateway.reset(time);
        this.run.onHaltReset();
        riskEvents.push({ time, kind: 'user-reset-halt', reason: 'reset requested by the user' });
        return;
      case 'trade-plan': {
        const { plan } = control;
        for (const row of plan.rows) {
          const s = this.run.series.findIndex((series) => series.symbol === row.symbol);
          const last = this.run.series[s]!.lastClose;
          const intents = tradePlanIntents(row, last === undefined ? {} : { referencePrice: last });
          strategies[s]!.inject(intents, holdingDeadline(row, time, this.run.calendar));
        }
        // The plan itself is the event's text, so a replay after a crash executes the same rows at the same bar.
        riskEvents.push({ time, kind: 'user-trade-plan', reason: JSON.stringify(plan) });
        return;
      }
      case 'manual-order': {
        // The order itself is the event's text, so a replay sends the same order at the same bar.
        const s = this.symbolIndex(control.order.symbol);
        strategies[s]!.injectManual(this.manualIntents(control.order, s));
        riskEvents.push({ time, kind: 'user-order', reason: JSON.stringify(control.order) });
        return;
      }
      case 'close-position': {
        const s = this.symbolIndex(control.symbol);
        const held = engine.portfolio.qty[s]!;
        const reason = 'position closed by the user';
        // Flat meanwhile: nothing to send, the request is still recorded.
        if (held !== 0) {
          const side = held > 0 ? 'sell' : 'buy';
          strategies[s]!.injectManual([
            { symbol: control.symbol, side, purpose: 'close', reason, manual: true },
          ]);
        }
        riskEvents.push({ time, kind: 'user-close-position', reason: closeReason(control.symbol) });
        return;
      }
      case 'replace-order': {
        const order = this.workingOrder(control.orderId);
        if (order) {
          const { change } = control;
          engine.venue.cancel(order, 'replaced by the user', time);
          const s = order.symbolIndex;
          const type = order.type === 'limit' || order.type === 'stop' ? order.type : 'market';
          const limitPrice = change.limitPrice ?? order.limitPrice;
          const stopPrice = change.stopPrice ?? order.stopPrice;
          strategies[s]!.injectManual([
            {
              symbol: order.symbol,
              side: order.side,
              purpose: order.role === 'entry' ? 'open' : 'close',
              type,
              qty: change.qty ?? order.remainingQty,
              ...(type === 'limit' && limitPrice !== undefined && { limitPrice }),
              ...(type === 'stop' && stopPrice !== undefined && { stopPrice }),
              reason: `replaces ${order.id} (by the user)`,
              manual: true,
            },
          ]);
        }
        riskEvents.push({
          time,
          kind: 'user-replace-order',
          reason: JSON.stringify({ orderId: control.orderId, change: control.change }),
        });
        return;
      }
    }
  }
}
