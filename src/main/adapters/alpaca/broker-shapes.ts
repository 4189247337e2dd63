// What Alpaca's SDK hands back (orders, positions, the account, trade updates), parsed with zod into the venue's
// shapes with numbers as numbers, and the venue's order request written the way Alpaca wants it.
import type { trading } from '@alpacahq/alpaca-trade-api';
import { z } from 'zod';
import { CONTRACT_MULTIPLIER, isOccSymbol } from '../../../shared/domain/options';

// ---- Orders as the venue sees them: parsed from the SDK's objects, numbers as numbers ----

export type BrokerOrderType = 'market' | 'limit' | 'stop' | 'stop_limit' | 'trailing_stop';
export type BrokerTimeInForce = 'day' | 'gtc' | 'ioc' | 'fok';

export interface BrokerOrderRequest {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: BrokerOrderType;
  readonly qty: number;
  readonly timeInForce: BrokerTimeInForce;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly trailPercent?: number;
  /** bracket: entry with both exits; oco: the two exits of a position (limit take-profit + stop-loss). */
  readonly orderClass?: 'simple' | 'bracket' | 'oco' | 'oto';
  readonly takeProfit?: { readonly limitPrice: number };
  readonly stopLoss?: { readonly stopPrice: number; readonly limitPrice?: number };
}

export interface BrokerOrder {
  readonly id: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: string;
  readonly orderClass: string;
  readonly qty: number;
  readonly filledQty: number;
  readonly filledAvgPrice: number | null;
  /** Alpaca's status: new, accepted, pending_new, partially_filled, filled, canceled, expired, rejected, replaced … */
  readonly status: string;
  readonly limitPrice: number | null;
  readonly stopPrice: number | null;
  readonly replacedBy: string | null;
  /** Epoch ms of the order's last change at Alpaca. */
  readonly updatedAt: number;
  readonly legs: readonly BrokerOrder[];
}

const decimal = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `not a number: ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return n;
});
const timeMs = z
  .union([z.date(), z.string()])
  .nullish()
  .transform((value) => (value == null ? null : new Date(value).getTime()));

interface SdkOrderShape {
  id: string;
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  type?: string;
  orderType?: string;
  orderClass?: string;
  qty?: number | null;
  filledQty: number;
  filledAvgPrice?: number | null;
  status: string;
  limitPrice?: number | null;
  stopPrice?: number | null;
  replacedBy?: string | null;
  updatedAt: number | null;
  submittedAt: number | null;
  createdAt: number | null;
  legs?: SdkOrderShape[] | null;
}

// The SDK types every field optional and amounts as strings; what enters the venue is checked here.
const SdkOrderSchema: z.ZodType<SdkOrderShape, unknown> = z.lazy(() =>
  z.object({
    id: z.string().min(1),
    clientOrderId: z.string(),
    symbol: z.string().min(1),
    side: z.enum(['buy', 'sell']),
    type: z.string().optional(),
    orderType: z.string().optional(),
    orderClass: z.string().optional(),
    qty: decimal.nullish(),
    filledQty: decimal,
    filledAvgPrice: decimal.nullish(),
    status: z.string().min(1),
    limitPrice: decimal.nullish(),
    stopPrice: decimal.nullish(),
    replacedBy: z.string().nullish(),
    updatedAt: timeMs,
    submittedAt: timeMs,
    createdAt: timeMs,
    legs: z.array(SdkOrderSchema).nullish(),
  }),
) as unknown as z.ZodType<SdkOrderShape, unknown>;

export class BrokerDataError extends Error {
  constructor(what: string, problem: string) {
    super(`Alpaca sent an unreadable ${what}: ${problem}`);
    this.name = 'BrokerDataError';
  }
}

/** Parses an SDK order into the venue's shape; a malformed one names the field. */
export function brokerOrderOf(order: unknown): BrokerOrder {
  const parsed = SdkOrderSchema.safeParse(order);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BrokerDataError('order', `${issue.path.join('.') || '(order)'}: ${issue.message}`);
  }
  return normalize(parsed.data);
}

function normalize(o: SdkOrderShape): BrokerOrder {
  return {
    id: o.id,
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type ?? o.orderType ?? 'market',
    orderClass: o.orderClass ?? 'simple',
    qty: o.qty ?? 0,
    filledQty: o.filledQty,
    filledAvgPrice: o.filledAvgPrice ?? null,
    status: o.status,
    limitPrice: o.limitPrice ?? null,
    stopPrice: o.stopPrice ?? null,
    replacedBy: o.replacedBy ?? null,
    updatedAt: o.updatedAt ?? o.submittedAt ?? o.createdAt ?? 0,
    legs: (o.legs ?? []).map(normalize),
  };
}

/** How Alpaca keys positions: crypto pairs without the slash (BTC/USD is held as BTCUSD); compare through this. */
export const positionKey = (symbol: string): string => symbol.replace('/', '');

export interface BrokerPosition {
  readonly symbol: string;
  /** Signed: negative for a short. Shares, coins, or whole contracts for an option. */
  readonly qty: number;
  /** Per share (an option's premium per share: the position cost avgEntryPrice × multiplier × qty). */
  readonly avgEntryPrice: number;
  readonly marketValue: number;
  /** Alpaca's asset class: us_equity, crypto, us_option … */
  readonly assetClass: string;
  /** Shares one unit of qty stands for: 100 for an option contract, 1 otherwise. */
  readonly multiplier: number;
}

const SdkPositionSchema = z.object({
  symbol: z.string().min(1),
  qty: decimal,
  side: z.string().optional(),
  avgEntryPrice: decimal,
  marketValue: decimal.nullish(),
  assetClass: z.string().nullish(),
});

export interface BrokerAccount {
  readonly status: string;
  readonly cash: number;
  readonly equity: number;
  readonly buyingPower: number;
  readonly tradingBlocked: boolean;
  readonly accountBlocked: boolean;
  /** Options: the level the account trades at (0 none, 1 covered, 2 buy calls and puts, 3 spreads); null if absent. */
  readonly optionsTradingLevel: number | null;
  readonly optionsApprovedLevel: number | null;
  /** What options may be bought with (no margin on long premium); null when Alpaca does not say. */
  readonly optionsBuyingPower: number | null;
}

const optionsLevel = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    ctx.addIssue({ code: 'custom', message: `not an options level: ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return n;
});

const SdkAccountSchema = z.object({
  status: z.string(),
  cash: decimal,
  equity: decimal,
  buyingPower: decimal,
  tradingBlocked: z.boolean().optional(),
  accountBlocked: z.boolean().optional(),
  optionsTradingLevel: optionsLevel.nullish(),
  optionsApprovedLevel: optionsLevel.nullish(),
  optionsBuyingPower: decimal.nullish(),
});

function parseWith<T>(schema: z.ZodType<T, unknown>, what: string, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new BrokerDataError(what, `${issue.path.join('.') || `(${what})`}: ${issue.message}`);
}

export function brokerPositionOf(position: unknown): BrokerPosition {
  const parsed = parseWith(SdkPositionSchema, 'position', position);
  const short = parsed.side === 'short' && parsed.qty > 0;
  const assetClass = parsed.assetClass ?? (isOccSymbol(parsed.symbol) ? 'us_option' : 'us_equity');
  return {
    symbol: parsed.symbol,
    qty: short ? -parsed.qty : parsed.qty,
    avgEntryPrice: parsed.avgEntryPrice,
    marketValue: parsed.marketValue ?? 0,
    assetClass,
    multiplier: assetClass === 'us_option' ? CONTRACT_MULTIPLIER : 1,
  };
}

export function brokerAccountOf(account: unknown): BrokerAccount {
  const raw = parseWith(SdkAccountSchema, 'account', account);
  return {
    status: raw.status,
    cash: raw.cash,
    equity: raw.equity,
    buyingPower: raw.buyingPower,
    tradingBlocked: raw.tradingBlocked ?? false,
    accountBlocked: raw.accountBlocked ?? false,
    optionsTradingLevel: raw.optionsTradingLevel ?? null,
    optionsApprovedLevel: raw.optionsApprovedLevel ?? null,
    optionsBuyingPower: raw.optionsBuyingPower ?? null,
  };
}

// ---- Outcomes and updates ----

export type SubmitOutcome =
  /** Alpaca holds the order: from the POST's answer, or found by its client order id after an unclear answer. */
  | { readonly kind: 'placed'; readonly order: BrokerOrder; readonly via: 'response' | 'lookup' }
  /** Alpaca refused the order (4xx); nothing was placed. */
  | { readonly kind: 'refused'; readonly status: number; readonly reason: string }
  /** Neither the POST nor the look-ups could tell; the order is UNKNOWN until a resync finds it or not. */
  | { readonly kind: 'unknown'; readonly reason: string };

/** One trade update from the stream, in the venue's shape. */
export interface BrokerTradeUpdate {
  readonly event: string;
  readonly order: BrokerOrder;
  /** Fill events: this execution's id, quantity and price. */
  readonly execution?: { readonly id: string; readonly qty: number; readonly price: number };
  readonly time: number;
}

const SdkTradeUpdateSchema = z.object({
  event: z.string().min(1),
  timestamp: timeMs,
  order: z.unknown(),
  executionId: z.string().nullish(),
  price: decimal.nullish(),
  qty: decimal.nullish(),
});

export function tradeUpdateOf(update: unknown): BrokerTradeUpdate {
  const u = parseWith(SdkTradeUpdateSchema, 'trade update', update);
  const order = brokerOrderOf(u.order);
  const hasExecution = u.executionId != null && u.price != null && u.qty != null;
  return {
    event: u.event,
    order,
    ...(hasExecution && { execution: { id: u.executionId!, qty: u.qty!, price: u.price! } }),
    time: u.timestamp ?? order.updatedAt,
  };
}

/**
 * A price as Alpaca wants it: at most 2 decimals at $1 and above, 4 below — except option premiums (`option`),
 * which Alpaca takes in whole cents at any price.
 */
export function toDecimal(value: number | undefined, option = false): string | undefined {
  if (value === undefined) return undefined;
  return option || Math.abs(value) >= 1 ? value.toFixed(2) : value.toFixed(4);
}

export function postOrderRequestOf(request: BrokerOrderRequest): trading.PostOrderRequest {
  // An OCC symbol is an option: premiums in cents; qty in contracts (whole; Alpaca refuses fractions itself).
  const option = isOccSymbol(request.symbol);
  const price = (value: number | undefined) => toDecimal(value, option);
  return {
    clientOrderId: request.clientOrderId,
    symbol: request.symbol,
    side: request.side,
    type: request.type,
    qty: String(request.qty),
    timeInForce: request.timeInForce,
    ...(request.limitPrice !== undefined && { limitPrice: price(request.limitPrice) }),
    ...(request.stopPrice !== undefined && { stopPrice: price(request.stopPrice) }),
    ...(request.trailPercent !== undefined && { trailPercent: String(request.trailPercent) }),
    ...(request.orderClass !== undefined && { orderClass: request.orderClass }),
    ...(request.takeProfit && { takeProfit: { limitPrice: price(request.takeProfit.limitPrice)! } }),
    ...(request.stopLoss && {
      stopLoss: {
        stopPrice: price(request.stopLoss.stopPrice)!,
        ...(request.stopLoss.limitPrice !== undefined && {
          limitPrice: price(request.stopLoss.limitPrice)!,
        }),
      },
    }),
  } as trading.PostOrderRequest;
}
