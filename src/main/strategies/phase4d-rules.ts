// The Phase 4D Balanced SPY put strategy's rules, as pure functions: which days it skips and why, which contract it
// buys, when it exits, and its two presets. The strategy, its backtest and its paper run all decide through these,
// so a skipped day or a chosen strike is the same wherever it is computed.
import { z } from 'zod';

/** Why a day is not traded, recorded per day (execution rate = days traded ÷ trading days). */
export type SkipReason = 'high_vix' | 'extreme_volatility' | 'moderate_volatility';

export const phase4dFiltersSchema = z
  .object({
    /** Skip when the previous session's VIX close is above this. */
    maxVix: z.number().positive().default(25),
    /** Skip when the previous session's SPY range (high − low, dollars) is above this: extreme volatility. */
    extremeRange: z.number().positive().default(8),
    /** Skip when it is above this (and not above extremeRange): moderate volatility. */
    moderateRange: z.number().positive().default(5),
  })
  .strict();
export type Phase4dFilters = z.output<typeof phase4dFiltersSchema>;

/** The first rule that skips the day, in the order the strategy states them; null = trade it. */
export function skipReason(
  previous: { readonly vixClose: number; readonly range: number },
  filters: Phase4dFilters,
): SkipReason | null {
  if (previous.vixClose > filters.maxVix) return 'high_vix';
  if (previous.range > filters.extremeRange) return 'extreme_volatility';
  if (previous.range > filters.moderateRange) return 'moderate_volatility';
  return null;
}

/** How far above SPY the put's strike aims (in the money): 0.5 above 500, 0.3 above 400, else 0. */
export function strikeBuffer(spot: number): number {
  if (spot > 500) return 0.5;
  if (spot > 400) return 0.3;
  return 0;
}

/** The listed strike nearest SPY + buffer; a tie goes to the higher strike (deeper in the money for a put). */
export function chooseStrike(spot: number, listed: readonly number[]): number {
  if (listed.length === 0) throw new Error(`no strikes are listed to choose from (SPY at ${spot})`);
  const target = spot + strikeBuffer(spot);
  let best = listed[0] as number;
  for (const strike of listed) {
    const distance = Math.abs(strike - target);
    const bestDistance = Math.abs(best - target);
    // Strikes are cents apart at most: compare distances to a tenth of a cent so float noise cannot break a tie.
    if (distance < bestDistance - 1e-4 || (Math.abs(distance - bestDistance) <= 1e-4 && strike > best))
      best = strike;
  }
  return best;
}

/** The nearest expiry on or after the entry day at least `minDaysToExpiry` calendar days away (0 = same-day). */
export function chooseExpiry(entryDay: string, listed: readonly string[], minDaysToExpiry = 0): string {
  const earliest = addDays(entryDay, minDaysToExpiry);
  let best: string | undefined;
  for (const expiry of listed) if (expiry >= earliest && (best === undefined || expiry < best)) best = expiry;
  if (best === undefined) {
    throw new Error(
      `no expiry listed on or after ${earliest} (entry ${entryDay}, at least ${minDaysToExpiry} days)`,
    );
  }
  return best;
}

function addDays(isoDay: string, days: number): string {
  const time = Date.parse(`${isoDay}T00:00:00Z`);
  if (Number.isNaN(time)) throw new Error(`"${isoDay}" is not a date YYYY-MM-DD`);
  return new Date(time + days * 86_400_000).toISOString().slice(0, 10);
}

export type ExitReason = 'profit_target' | 'max_loss' | 'end_of_day';

/**
 * Whether to close now, and why: at a profit of `profitTarget` × the net premium paid, at a loss beyond the
 * per-trade maximum (dollars), or `minutesBeforeClose` before the close (no overnight holding). Premiums are per
 * share; P&L is in dollars for the whole position (× 100 × contracts).
 */
export function exitReason(position: {
  readonly contracts: number;
  /** Net premium paid per share, costs included. */
  readonly entryPremium: number;
  /** What the position would sell for now, per share (the bid, less costs). */
  readonly exitPremium: number;
  readonly profitTarget: number;
  readonly maxLossPerTrade: number;
  readonly minutesToClose: number;
  readonly minutesBeforeClose: number;
}): ExitReason | null {
  const paid = position.entryPremium * 100 * position.contracts;
  const pnl = (position.exitPremium - position.entryPremium) * 100 * position.contracts;
  if (pnl >= position.profitTarget * paid) return 'profit_target';
  if (pnl < -position.maxLossPerTrade) return 'max_loss';
  if (position.minutesToClose <= position.minutesBeforeClose) return 'end_of_day';
  return null;
}

export interface Phase4dPreset {
  readonly id: '2k' | '25k';
  readonly contracts: number;
  readonly maxDailyLoss: number;
  readonly maxLossPerTrade: number;
  /** Bid–ask spread as a fraction of the premium, paid half on each side. */
  readonly spread: number;
  /** Slippage as a fraction of the premium, on each fill. */
  readonly slippage: number;
  /** Dollars per contract, each side. */
  readonly commissionPerContract: number;
  /** The daily P&L the backtest promised, for the paper run's monitor. */
  readonly targetDailyPnl: number;
}

export const PHASE4D_PRESETS: Readonly<Record<'2k' | '25k', Phase4dPreset>> = {
  '2k': {
    id: '2k',
    contracts: 2,
    maxDailyLoss: 500,
    maxLossPerTrade: 200,
    spread: 0.03,
    slippage: 0.005,
    commissionPerContract: 0.65,
    targetDailyPnl: 34.38,
  },
  '25k': {
    id: '25k',
    contracts: 25,
    maxDailyLoss: 1500,
    maxLossPerTrade: 1000,
    spread: 0.035,
    slippage: 0.008,
    commissionPerContract: 0.65,
    targetDailyPnl: 341.77,
  },
};
