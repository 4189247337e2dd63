// What Alpaca's SDK hands back for options — contracts, snapshots (latest quote + greeks), option bars — checked
// with zod and mapped to the domain's shapes (OptionListing, OptionQuote). The SDK deserializes Alpaca's JSON into
// camelCase objects: dates become Date objects, strike and multiplier stay strings as Alpaca sends them. Only what
// MarketBoss uses is validated; a malformed answer names the contract and the field.
import { z } from 'zod';
import {
  CONTRACT_MULTIPLIER,
  type ExerciseStyle,
  type OptionListing,
  type OptionQuote,
  type OptionRight,
  parseOccSymbol,
} from '../../../shared/domain/options';
import { BrokerDataError } from './broker-shapes';

/** One listed contract as MarketBoss keeps it. */
export interface AlpacaOptionContract {
  /** OCC symbol, e.g. SPY250305P00571000. */
  readonly symbol: string;
  readonly underlying: string;
  /** YYYY-MM-DD. */
  readonly expiry: string;
  readonly right: OptionRight;
  readonly strike: number;
  readonly style: ExerciseStyle;
  readonly tradable: boolean;
  /** Shares per contract; 100 for every standard contract (an adjusted one may differ and is not traded). */
  readonly multiplier: number;
}

const decimalString = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const n = typeof value === 'number' ? value : Number(value);
  if (value === '' || !Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `not a number: ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return n;
});

/** A calendar date from the SDK (it builds `new Date("2025-03-05")`, i.e. UTC midnight) as YYYY-MM-DD. */
const isoDay = z.union([z.date(), z.string()]).transform((value, ctx) => {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: `not a date: ${JSON.stringify(String(value))}` });
    return z.NEVER;
  }
  return date.toISOString().slice(0, 10);
});

const instant = z.union([z.date(), z.string()]).transform((value, ctx) => {
  const ms = (value instanceof Date ? value : new Date(value)).getTime();
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: `not a time: ${JSON.stringify(String(value))}` });
    return z.NEVER;
  }
  return ms;
});

const SdkContractSchema = z.object({
  symbol: z.string().min(1),
  underlyingSymbol: z.string().min(1),
  expirationDate: isoDay,
  type: z.enum(['call', 'put']),
  strikePrice: decimalString.refine((n) => n > 0, 'the strike must be above zero'),
  style: z.enum(['american', 'european']),
  tradable: z.boolean(),
  status: z.string().optional(),
  multiplier: decimalString.optional(),
});

const SdkContractsPageSchema = z.object({
  optionContracts: z.array(z.unknown()).nullish(),
  nextPageToken: z.string().nullish(),
});

const price = z.number().finite().min(0);
const SdkQuoteSchema = z.object({ ap: price, bp: price, t: instant });
const greek = z.number().finite();
const SdkGreeksSchema = z.object({
  delta: greek.optional(),
  gamma: greek.optional(),
  theta: greek.optional(),
  vega: greek.optional(),
});
const SdkSnapshotSchema = z.object({
  latestQuote: z.unknown().optional(),
  greeks: SdkGreeksSchema.nullish(),
  impliedVolatility: z.number().finite().nullish(),
});
const SdkSnapshotsPageSchema = z.object({
  snapshots: z.record(z.string(), z.unknown()).nullish(),
  nextPageToken: z.string().nullish(),
});

const SdkBarSchema = z.object({
  t: instant,
  o: price,
  h: price,
  l: price,
  c: price,
  v: z.number().finite().min(0),
});
const SdkBarsPageSchema = z.object({
  bars: z.record(z.string(), z.array(z.unknown())).nullish(),
  nextPageToken: z.string().nullish(),
});

function parseWith<T>(schema: z.ZodType<T, unknown>, what: string, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new BrokerDataError(what, `${issue.path.join('.') || `(${what})`}: ${issue.message}`);
}

/** One contract from `getOptionsContracts` / `getOptionContractSymbolOrId`; its OCC symbol must agree with it. */
export function optionContractOf(raw: unknown): AlpacaOptionContract {
  const what = `option contract${symbolHint(raw)}`;
  const c = parseWith(SdkContractSchema, what, raw);
  let occ: ReturnType<typeof parseOccSymbol>;
  try {
    occ = parseOccSymbol(c.symbol);
  } catch (error) {
    throw new BrokerDataError(what, `symbol: ${(error as Error).message}`);
  }
  if (
    occ.expiry !== c.expirationDate ||
    occ.right !== c.type ||
    Math.abs(occ.strike - c.strikePrice) > 1e-6
  ) {
    throw new BrokerDataError(
      what,
      `the symbol says ${occ.right} ${occ.strike} expiring ${occ.expiry}, the fields ${c.type} ${c.strikePrice} expiring ${c.expirationDate}`,
    );
  }
  return {
    symbol: c.symbol,
    underlying: c.underlyingSymbol,
    expiry: c.expirationDate,
    right: c.type,
    strike: c.strikePrice,
    style: c.style,
    tradable: c.tradable,
    multiplier: c.multiplier ?? CONTRACT_MULTIPLIER,
  };
}

export function contractsPageOf(raw: unknown): { contracts: unknown[]; next: string | undefined } {
  const page = parseWith(SdkContractsPageSchema, 'option contracts page', raw);
  return { contracts: page.optionContracts ?? [], next: page.nextPageToken ?? undefined };
}

export function snapshotsPageOf(raw: unknown): {
  snapshots: Record<string, unknown>;
  next: string | undefined;
} {
  const page = parseWith(SdkSnapshotsPageSchema, 'option snapshots page', raw);
  return { snapshots: page.snapshots ?? {}, next: page.nextPageToken ?? undefined };
}

/**
 * A contract's snapshot as a quote, or null when it has no two-sided quote (no latest quote, or a bid or ask of
 * zero: nothing to trade against). `underlyingPrice` is the spot the caller read at the same moment.
 */
export function optionQuoteOf(symbol: string, raw: unknown, underlyingPrice: number): OptionQuote | null {
  const what = `option snapshot of ${symbol}`;
  const snapshot = parseWith(SdkSnapshotSchema, what, raw);
  if (snapshot.latestQuote == null) return null;
  const quote = parseWith(SdkQuoteSchema, `${what} (latest quote)`, snapshot.latestQuote);
  if (quote.ap <= 0 || quote.bp <= 0) return null;
  if (quote.bp > quote.ap)
    throw new BrokerDataError(what, `latestQuote: the bid ${quote.bp} is above the ask ${quote.ap}`);
  const greeks = snapshot.greeks ?? {};
  return {
    symbol,
    bid: quote.bp,
    ask: quote.ap,
    time: quote.t,
    underlyingPrice,
    ...(snapshot.impliedVolatility != null && { impliedVolatility: snapshot.impliedVolatility }),
    ...(greeks.delta !== undefined && { delta: greeks.delta }),
    ...(greeks.gamma !== undefined && { gamma: greeks.gamma }),
    ...(greeks.theta !== undefined && { theta: greeks.theta }),
    ...(greeks.vega !== undefined && { vega: greeks.vega }),
  };
}

/** An option bar (premium per share). */
export interface OptionBar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export function barsPageOf(raw: unknown): { bars: Record<string, unknown[]>; next: string | undefined } {
  const page = parseWith(SdkBarsPageSchema, 'option bars page', raw);
  return { bars: page.bars ?? {}, next: page.nextPageToken ?? undefined };
}

export function optionBarOf(symbol: string, index: number, raw: unknown): OptionBar {
  const bar = parseWith(SdkBarSchema, `option bar ${index} of ${symbol}`, raw);
  if (bar.l > Math.min(bar.o, bar.c) || bar.h < Math.max(bar.o, bar.c)) {
    throw new BrokerDataError(
      `option bar ${index} of ${symbol}`,
      `open ${bar.o} / close ${bar.c} outside low ${bar.l} – high ${bar.h}`,
    );
  }
  return { time: bar.t, open: bar.o, high: bar.h, low: bar.l, close: bar.c, volume: bar.v };
}

/** The contracts as a listing: expiries ascending, each with its strikes ascending (each strike once). */
export function listingOf(underlying: string, contracts: readonly AlpacaOptionContract[]): OptionListing {
  const byExpiry = new Map<string, Set<number>>();
  for (const c of contracts) {
    const strikes = byExpiry.get(c.expiry) ?? new Set<number>();
    strikes.add(c.strike);
    byExpiry.set(c.expiry, strikes);
  }
  return {
    underlying,
    expiries: [...byExpiry.keys()]
      .sort()
      .map((expiry) => ({ expiry, strikes: [...byExpiry.get(expiry)!].sort((a, b) => a - b) })),
  };
}

function symbolHint(raw: unknown): string {
  const symbol = (raw as { symbol?: unknown } | null)?.symbol;
  return typeof symbol === 'string' && symbol !== '' ? ` ${symbol}` : '';
}
