// The trader's own orders from the session page's ticket: what the ticket sends (validated at the API) and the
// position-size calculator it shows before sending. Both sides use this file, so the shares the ticket shows are the
// shares the arithmetic gives.
import { z } from 'zod';
import { AccountConfigSchema, marginBuyingPower } from './account';

const price = z.number().finite().positive();

/** A manual order as `session:order` takes it; the session turns it into an intent the risk gateway reviews. */
export const manualOrderSchema = z
  .object({
    symbol: z.string().trim().toUpperCase().min(1).max(15),
    side: z.enum(['buy', 'sell']),
    type: z.enum(['market', 'limit', 'stop']),
    qty: z.number().finite().positive(),
    limitPrice: price.optional(),
    stopPrice: price.optional(),
  })
  .strict()
  .superRefine((order, ctx) => {
    if (order.type === 'limit' && order.limitPrice === undefined) {
      ctx.addIssue({ code: 'custom', path: ['limitPrice'], message: 'a limit order needs a limit price' });
    }
    if (order.type === 'stop' && order.stopPrice === undefined) {
      ctx.addIssue({ code: 'custom', path: ['stopPrice'], message: 'a stop order needs a stop price' });
    }
  });
export type ManualOrder = z.output<typeof manualOrderSchema>;

/** A working order's new quantity and/or price (replace = cancel it, then send the changed order). */
export const orderChangeSchema = z
  .object({
    qty: z.number().finite().positive().optional(),
    limitPrice: price.optional(),
    stopPrice: price.optional(),
  })
  .strict();
export type OrderChange = z.output<typeof orderChangeSchema>;

/** Recorded on an order (the ledger's `intent` column) so reports, replays and the screen tell manual orders apart. */
export const MANUAL_INTENT = '{"source":"manual"}';

export function isManualIntent(intent: string | null | undefined): boolean {
  return intent === MANUAL_INTENT;
}

/** The alert text of a denied ticket order; the ticket finds its denials by it. */
export const manualDenial = (symbol: string, reason: string): string =>
  `${symbol}: manual order denied: ${reason}`;
export const MANUAL_DENIAL = /^(\S+): manual order denied: (.*)$/;

// ---- Position-size calculator ----

/** What the run's account may put into a new position now, and its name in the sizing words. */
export interface Spendable {
  readonly spendable: number;
  readonly spendableName: string;
}

/**
 * A session's spendable amount by its account: the simulated cash account's cash, the simulated margin account's
 * buying power (the simulated broker's own rule, so a size the ticket shows is one the broker takes). An Alpaca
 * session spends from its own capital; the Alpaca account's buying power is Alpaca's to judge at the order.
 */
export function spendableFor(
  config: Readonly<Record<string, unknown>>,
  account: {
    readonly cash: number;
    readonly equity: number;
    readonly positions: readonly { marketValue: number }[];
  },
): Spendable {
  const parsed = AccountConfigSchema.safeParse(config['account'] ?? {});
  if (config['venueKind'] === 'alpaca-paper' || !parsed.success || parsed.data.type === 'cash') {
    return { spendable: account.cash, spendableName: 'cash' };
  }
  const gross = account.positions.reduce((sum, p) => sum + Math.abs(p.marketValue), 0);
  const power = marginBuyingPower(parsed.data.multiplier, account.equity, gross);
  return { spendable: power.amount, spendableName: `buying power (${power.multiplier}x equity)` };
}

export type RiskBasis =
  | { readonly kind: 'percent'; readonly percent: number }
  | { readonly kind: 'dollars'; readonly dollars: number };

export interface SizingInput {
  readonly side: 'buy' | 'sell';
  readonly risk: RiskBasis;
  readonly equity: number;
  readonly entry: number;
  readonly stop: number;
  /** What the account may spend on the position: cash (cash account) or buying power (margin). */
  readonly spendable: number;
  /** 'cash' or 'buying power', for the words. */
  readonly spendableName: string;
  /** Fractional quantities allowed (step 0 = whole shares). */
  readonly step?: number;
}

export type SizingResult =
  | {
      readonly ok: true;
      readonly shares: number;
      readonly riskDollars: number;
      readonly perShare: number;
      /** true when the spendable cap, not the risk, set the size. */
      readonly capped: boolean;
      /** The arithmetic in words, shown before sending. */
      readonly words: string;
    }
  | { readonly ok: false; readonly problem: string };

const money = (n: number): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Rounds down to the step (whole shares by default): a size never risks more than asked. */
function floorTo(qty: number, step: number): number {
  const unit = step > 0 ? step : 1;
  return Math.floor(qty / unit + 1e-9) * unit;
}

/** shares = floor(risk$ / |entry − stop|), capped by what the account can spend; a problem in words otherwise. */
export function positionSize(input: SizingInput): SizingResult {
  const { side, risk, equity, entry, stop, spendable, spendableName } = input;
  const step = input.step ?? 0;
  if (!(entry > 0) || !Number.isFinite(entry)) return { ok: false, problem: 'entry price must be above 0' };
  if (!(stop > 0) || !Number.isFinite(stop)) return { ok: false, problem: 'stop price must be above 0' };
  if (side === 'buy' && stop >= entry) {
    return {
      ok: false,
      problem: `a buy's stop must be below the entry (stop ${money(stop)} ≥ entry ${money(entry)})`,
    };
  }
  if (side === 'sell' && stop <= entry) {
    return {
      ok: false,
      problem: `a short's stop must be above the entry (stop ${money(stop)} ≤ entry ${money(entry)})`,
    };
  }
  let riskDollars: number;
  let riskWords: string;
  if (risk.kind === 'percent') {
    if (!(risk.percent > 0) || risk.percent > 100)
      return { ok: false, problem: 'risk % must be above 0 and at most 100' };
    if (!(equity > 0)) return { ok: false, problem: 'no equity to risk a percentage of' };
    riskDollars = (equity * risk.percent) / 100;
    riskWords = `${risk.percent}% of equity $${money(equity)} = $${money(riskDollars)}`;
  } else {
    if (!(risk.dollars > 0) || !Number.isFinite(risk.dollars))
      return { ok: false, problem: 'risk $ must be above 0' };
    riskDollars = risk.dollars;
    riskWords = `risk $${money(riskDollars)}`;
  }
  const perShare = Math.abs(entry - stop);
  const byRisk = floorTo(riskDollars / perShare, step);
  const byCash = floorTo(Math.max(0, spendable) / entry, step);
  const capped = byCash < byRisk;
  const shares = capped ? byCash : byRisk;
  let words = `${riskWords}; ÷ $${money(perShare)} a share (entry ${money(entry)} − stop ${money(stop)}) = ${byRisk} shares (rounded down)`;
  if (capped) words += `; capped at ${byCash} by ${spendableName} $${money(spendable)} ÷ ${money(entry)}`;
  if (!(shares > 0)) {
    return {
      ok: false,
      problem: capped
        ? `${spendableName} $${money(spendable)} buys no share at ${money(entry)}`
        : `risk $${money(riskDollars)} is less than one share's risk $${money(perShare)}`,
    };
  }
  return { ok: true, shares, riskDollars, perShare, capped, words: `${words}.` };
}
