// The account a run trades in, cash or margin, and what a margin account may still put into positions. One rule
// for the simulated broker, which checks it at each fill, and the order ticket, which caps a size by it beforehand.
import { z } from 'zod';

/** Alpaca's pattern-day-trader minimum: below this equity a margin account gets Reg T (2x) buying power only. */
export const DAY_TRADER_MIN_EQUITY = 25_000;
export const REG_T_MULTIPLIER = 2;

/**
 * The account the simulated broker keeps, checked at each fill as a broker would. A cash account pays for what
 * it buys (price × qty + fees ≤ cash) and cannot sell short; a margin account may hold up to `multiplier` times
 * its equity in positions (long and short alike). Orders that only close a position are always taken.
 * Not modelled: margin calls, and the end-of-day fall from 4x intraday to 2x overnight buying power.
 */
export const AccountConfigSchema = z
  .object({
    type: z
      .enum(['cash', 'margin'])
      .default('cash')
      .describe('Cash: buys need the cash, no short sales. Margin: buying power is a multiple of equity'),
    multiplier: z
      .number()
      .min(1)
      .max(4)
      .default(2)
      .describe(
        'Margin accounts: buying power as a multiple of equity; 2 = Reg T, 4 = intraday for pattern day traders (only while equity is at least $25,000)',
      ),
  })
  .strict();
export type AccountConfig = z.output<typeof AccountConfigSchema>;
export type AccountConfigInput = z.input<typeof AccountConfigSchema>;

export interface MarginBuyingPower {
  /** What may still go into new positions: multiplier × equity less the gross value already held (never below 0). */
  readonly amount: number;
  /** The multiple in force: the account's, or Reg T's 2x while equity is below the pattern-day-trader minimum. */
  readonly multiplier: number;
}

/** A margin account's buying power now, from its equity and the gross (long plus short) value of its positions. */
export function marginBuyingPower(multiplier: number, equity: number, gross: number): MarginBuyingPower {
  const inForce = equity >= DAY_TRADER_MIN_EQUITY ? multiplier : Math.min(multiplier, REG_T_MULTIPLIER);
  return { amount: Math.max(0, inForce * equity - gross), multiplier: inForce };
}
