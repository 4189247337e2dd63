// The fake brokerage's model: accounts, order and position records, trade events, requests, and Alpaca's errors.
import { decimalsOf } from './format';
import { stableUuid } from './ids';
import type { SymbolPath } from './market';
import type { OptionModel, OptionPath } from './option-chain';

/** What an order or a position is in: a stock or crypto pair's price path, or a listed option contract. */
export type TradablePath = SymbolPath | OptionPath;

export interface AccountConfig {
  keyId: string;
  secret: string;
  /** Starting cash, default 100000. */
  cash?: number;
  /** Buying-power multiplier: 1 (cash account, no shorting), 2 (Reg T, default) or 4 (pattern day trader). */
  multiplier?: 1 | 2 | 4;
  /** account_blocked and trading_blocked: every order is refused with 403. */
  blocked?: boolean;
  /** Options approved and trading level: 0 none, 1 covered calls and cash-secured puts, 2 buy calls and puts, 3 spreads. Default 3 (paper). */
  optionsLevel?: OptionsLevel;
}

export type OptionsLevel = 0 | 1 | 2 | 3;

/** An option position that reached its expiry's close and was settled in cash at intrinsic value. */
export interface OptionSettlement {
  symbol: string;
  /** Contracts (negative for a short). */
  qty: number;
  /** SPY's last price at the expiry close. */
  underlyingPrice: number;
  /** Intrinsic value per share. */
  price: number;
  /** Dollars credited (price × 100 × qty). */
  cash: number;
  time: number;
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
  path: TradablePath;
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
  path: TradablePath;
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

export const notFoundOrder = () => new AlpacaHttpError(404, { code: 40410000, message: 'order not found' });
export const invalid = (message: string) => new AlpacaHttpError(422, { code: 42210000, message });
export const forbidden = (message: string, extra: Record<string, unknown> = {}) =>
  new AlpacaHttpError(403, { code: 40310000, message, ...extra });

export const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set([
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
export const MATCHING_STATUSES: ReadonlySet<OrderStatus> = new Set(['new', 'partially_filled']);

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
  optionsLevel: OptionsLevel;
  readonly settlements: OptionSettlement[] = [];
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
    this.optionsLevel = config.optionsLevel ?? 3;
    this.cash = config.cash ?? 100_000;
    this.lastEquity = this.cash;
    this.id = stableUuid(`account:${config.keyId}`);
    this.accountNumber = `${this.live ? '' : 'PA'}${stableUuid(`number:${config.keyId}`).replace(/\D/g, '').slice(0, 10).toUpperCase()}`;
    this.createdAt = createdAt;
  }
}

export interface FakeBrokerOptions {
  seed: number;
  /** The clock's start (epoch ms, floored to a tick). */
  startTime: number;
  /** How far back the price history goes, in days (default 30). */
  historyDays: number;
  accounts: AccountConfig[];
  /** Share of each bar's volume that orders may fill (default 0.05). */
  fillParticipation: number;
  /** The option chain's pricing (volatility, rate, spread); DEFAULT_OPTION_MODEL when omitted. */
  optionModel?: OptionModel;
}

export interface BrokerListeners {
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

export function tickPriceValid(price: number, text: string | undefined): boolean {
  if (text === undefined) return true;
  return price >= 1 ? decimalsOf(text) <= 2 : decimalsOf(text) <= 4;
}
