// What the engine tells the outside world: order updates, fills, trades, denials, risk-state changes.
import type { Order, RiskState, Trade } from '../../shared/domain/trading';
import { type EngineFill, FillTableBuilder } from './fill-table';
import { isTerminal } from './orders';
import type { OrderIntent } from './strategy';
import { TradeTableBuilder } from './trade-table';

export interface OrderDenied {
  readonly kind: 'order-denied';
  readonly reason: string;
  readonly intent: OrderIntent;
  readonly time: number;
}

export interface RiskStateChanged {
  readonly kind: 'risk-state';
  readonly from: RiskState;
  readonly to: RiskState;
  readonly reason: string;
  readonly time: number;
  /** The loss limit that caused the change, when one did: a daily-loss halt ends with the trading day. */
  readonly limit?: 'daily-loss' | 'drawdown';
}

export type EngineEvent =
  | { readonly kind: 'order'; readonly order: Order; readonly time: number }
  | { readonly kind: 'fill'; readonly fill: EngineFill }
  | { readonly kind: 'trade'; readonly trade: Trade }
  | OrderDenied
  | RiskStateChanged;

/**
 * Where the engine's events go, in the order they happen: an in-memory collector in backtests, the SQLite ledger
 * in paper sessions (it must persist an order event before the venue acts on it, so `record` is synchronous).
 * Fill and trade events, and the fill and trade in them, are reused by the engine for the next one (a long
 * backtest makes hundreds of thousands): read or copy them during `record`, never keep them. Order snapshots,
 * denials and risk-state events are fresh objects and may be kept.
 */
export interface LedgerSink {
  /** 'final': only an order's last status is wanted; 'none': no order events. Default 'all'. */
  readonly orderUpdates?: 'all' | 'final' | 'none';
  record(event: EngineEvent): void;
  /** Once per bar time, after the account is marked to the close; optional because backtests keep columns. */
  recordEquity?(time: number, equity: number, cash: number): void;
}

export interface CollectorOptions {
  /** 'all': every status change; 'final': each order once, finished; 'none': no orders. Default 'all'. */
  readonly orders?: 'all' | 'final' | 'none';
}

/** Keeps events in memory, split by kind; what a backtest returns. */
export class EventCollector implements LedgerSink {
  readonly orderEvents: { readonly order: Order; readonly time: number }[] = [];
  /** Each order once, in its final state, in the order orders finished (unless orders: 'none'). */
  readonly finalOrders: Order[] = [];
  readonly fills = new FillTableBuilder();
  /** Round trips as columns; `tradeList(collector.trades.table())` gives objects. */
  readonly trades = new TradeTableBuilder();
  readonly denials: OrderDenied[] = [];
  readonly riskStates: RiskStateChanged[] = [];

  readonly orderUpdates: 'all' | 'final' | 'none';

  constructor(options: CollectorOptions = {}) {
    this.orderUpdates = options.orders ?? 'all';
  }

  record(event: EngineEvent): void {
    switch (event.kind) {
      case 'order':
        if (this.orderUpdates === 'all') this.orderEvents.push({ order: event.order, time: event.time });
        if (isTerminal(event.order.status)) this.finalOrders.push(event.order);
        break;
      case 'fill':
        this.fills.push(event.fill);
        break;
      case 'trade':
        this.trades.push(event.trade);
        break;
      case 'order-denied':
        this.denials.push(event);
        break;
      case 'risk-state':
        this.riskStates.push(event);
        break;
    }
  }
}
