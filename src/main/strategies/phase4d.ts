// Phase 4D Balanced: buy an in-the-money SPY put 30 minutes after the open, at most once a day, and sell it at 50% of
// the premium paid, at the per-trade loss limit, or 10 minutes before the close. Days after a high VIX close or a
// wide SPY range are skipped. The rules themselves are phase4d-rules.ts; this is the OptionStrategy that applies
// them bar by bar and records what it decided about each day (traded, skipped and why, or not entered and why).
import { z } from 'zod';
import { type OptionDayDecision, occSymbol } from '../../shared/domain/options';
import type {
  OptionHolding,
  OptionIntent,
  OptionStrategy,
  OptionStrategyContext,
  SessionClock,
} from '../engine/option-desk';
import { centsUp } from '../feeds/synthetic-options';
import { closeOn, type VolatilityHistory } from '../feeds/vix-history';
import { calendarDay, sessionOnDay } from '../market/calendar';
import { dayFromIsoDate, isoDate } from '../market/nyse-holidays';
import {
  chooseExpiry,
  chooseStrike,
  exitReason,
  PHASE4D_PRESETS,
  type Phase4dPreset,
  phase4dFiltersSchema,
  skipReason,
  strikeBuffer,
} from './phase4d-rules';

const presetOverride = (what: string) =>
  z.number().positive().optional().describe(`${what}; empty = the preset's`);
const presetFraction = (what: string) =>
  z.number().min(0).max(0.5).optional().describe(`${what}; empty = the preset's`);

export const Phase4dParamsSchema = z
  .object({
    preset: z
      .enum(['2k', '25k'])
      .default('2k')
      .describe(
        'Account preset: 2K (2 contracts, $500 daily / $200 trade loss limits) or 25K (25 contracts, $1,500 / $1,000)',
      ),
    contracts: z
      .number()
      .int()
      .positive()
      .max(1000)
      .optional()
      .describe("Contracts per entry; empty = the preset's (2 or 25)"),
    entryDelayMinutes: z
      .number()
      .int()
      .min(0)
      .max(390)
      .default(30)
      .describe('Enter at the first bar starting this many minutes after the open'),
    minDaysToExpiry: z
      .number()
      .int()
      .min(0)
      .max(30)
      .default(0)
      .describe('Nearest expiry at least this many calendar days after the entry day (0 = same-day expiry)'),
    filters: phase4dFiltersSchema
      .default({ maxVix: 25, extremeRange: 8, moderateRange: 5 })
      .describe(
        "Skip the day when the previous session's VIX close is above maxVix, or its SPY range (high − low, dollars) is above extremeRange or moderateRange",
      ),
    profitTarget: z
      .number()
      .positive()
      .max(10)
      .default(0.5)
      .describe('Take profit at this fraction of the net premium paid (0.5 = 50%)'),
    minutesBeforeClose: z
      .number()
      .min(0)
      .max(390)
      .default(10)
      .describe('Sell what is held at the first bar closing this many minutes or less before the close'),
    rate: z
      .number()
      .min(-0.05)
      .max(0.5)
      .default(0.045)
      .describe('Risk-free rate for synthetic option prices (0.045 = 4.5% a year)'),
    strikeRange: z
      .number()
      .positive()
      .max(500)
      .default(20)
      .describe('Synthetic chains list strikes this many dollars either side of SPY, at $1 steps'),
    maxLossPerTrade: presetOverride('Sell when a trade has lost more than this many dollars'),
    maxDailyLoss: presetOverride('No new entry once the day has lost this many dollars'),
    spread: presetFraction('Synthetic bid–ask spread as a fraction of the premium (0.03 = 3%)'),
    slippage: presetFraction('Slippage as a fraction of the premium on each fill (0.005 = 0.5%)'),
    commissionPerContract: z
      .number()
      .min(0)
      .optional()
      .describe("Commission in dollars per contract on each side; empty = the preset's ($0.65)"),
  })
  .strict();

export type Phase4dParams = z.output<typeof Phase4dParamsSchema>;

/** The figures a Phase 4D run trades with: the preset's, with the params' overrides. */
export interface Phase4dSettings extends Phase4dPreset {
  readonly entryDelayMinutes: number;
  readonly minDaysToExpiry: number;
  readonly filters: Phase4dParams['filters'];
  readonly profitTarget: number;
  readonly minutesBeforeClose: number;
  readonly rate: number;
  readonly strikeRange: number;
}

/** The preset with the params' overrides: what the strategy, the venue (slippage, commission) and the quotes use. */
export function phase4dSettings(params: Phase4dParams): Phase4dSettings {
  const preset = PHASE4D_PRESETS[params.preset];
  return {
    ...preset,
    contracts: params.contracts ?? preset.contracts,
    maxLossPerTrade: params.maxLossPerTrade ?? preset.maxLossPerTrade,
    maxDailyLoss: params.maxDailyLoss ?? preset.maxDailyLoss,
    spread: params.spread ?? preset.spread,
    slippage: params.slippage ?? preset.slippage,
    commissionPerContract: params.commissionPerContract ?? preset.commissionPerContract,
    entryDelayMinutes: params.entryDelayMinutes,
    minDaysToExpiry: params.minDaysToExpiry,
    filters: params.filters,
    profitTarget: params.profitTarget,
    minutesBeforeClose: params.minutesBeforeClose,
    rate: params.rate,
    strikeRange: params.strikeRange,
  };
}

/** The us-equities session of a bar, as the OptionsEngine's `sessionOf` wants it; refuses a bar on a closed day. */
export function phase4dSessionClock(time: number): SessionClock {
  const day = calendarDay('us-equities', time);
  // Bars come in time order: one calendar lookup per day.
  if (day === lastClockDay) return lastClock;
  const session = sessionOnDay('us-equities', day);
  if (session === null) {
    throw new Error(
      `a bar at ${new Date(time).toISOString()} falls on ${isoDate(day)}, when US equities do not trade (weekend or NYSE holiday)`,
    );
  }
  lastClock = { day: session.date, openTime: session.open, closeTime: session.close };
  lastClockDay = day;
  return lastClock;
}

let lastClockDay = Number.NaN;
let lastClock: SessionClock = { day: '', openTime: Number.NaN, closeTime: Number.NaN };

const MINUTE_MS = 60_000;

/** The day being traded: its session, its range so far, and where its entry stands. */
interface DayState {
  readonly clock: SessionClock;
  high: number;
  low: number;
  /** The figures the day's decision is made on (previous VIX close and range, then the entry's). */
  inputs: Record<string, number>;
  /**
   * waiting: for the entry bar; entering: the entry order was sent (traded once it fills); done: decided.
   * warm-up: no previous session, nothing is decided.
   */
  stage: 'warm-up' | 'waiting' | 'entering' | 'done';
  entrySymbol?: string;
}

class Phase4d implements OptionStrategy {
  private readonly settings: Phase4dSettings;
  private readonly underlying: string;
  private day: DayState | undefined;
  /** The last session seen before the current one: its day and range. */
  private previous: { readonly day: string; readonly range: number } | undefined;
  private decisions: OptionDayDecision[] = [];
  /** Symbols whose exit order was sent and may still be working. */
  private readonly exiting = new Set<string>();

  constructor(
    params: Phase4dParams,
    private readonly volatility: VolatilityHistory,
    symbol: string,
  ) {
    this.settings = phase4dSettings(params);
    this.underlying = symbol.trim().toUpperCase();
  }

  takeDecisions(): readonly OptionDayDecision[] {
    if (this.decisions.length === 0) return NO_DECISIONS;
    const taken = this.decisions;
    this.decisions = [];
    return taken;
  }

  onBar(ctx: OptionStrategyContext): readonly OptionIntent[] | undefined {
    const day = this.dayOf(ctx);
    const bar = ctx.bar;
    // The range counts regular-hours bars only (extended-hours prints are not the session's range).
    if (bar.time >= day.clock.openTime && bar.time < day.clock.closeTime) {
      if (bar.high > day.high) day.high = bar.high;
      if (bar.low < day.low) day.low = bar.low;
    }
    if (day.stage === 'entering') this.settleEntry(ctx, day);
    const exits = this.exits(ctx);
    if (exits !== undefined) return exits;
    if (
      day.stage === 'waiting' &&
      bar.time >= day.clock.openTime + this.settings.entryDelayMinutes * MINUTE_MS
    )
      return this.enter(ctx, day);
    return undefined;
  }

  /** The day of this bar; a new session rolls the last one into `previous` and checks the filters. */
  private dayOf(ctx: OptionStrategyContext): DayState {
    const current = this.day;
    if (current !== undefined && current.clock.day === ctx.session.day) return current;
    if (current !== undefined) {
      this.closeDay(current, ctx);
      if (current.high >= current.low)
        this.previous = { day: current.clock.day, range: current.high - current.low };
    }
    const next: DayState = {
      clock: ctx.session,
      high: Number.NEGATIVE_INFINITY,
      low: Number.POSITIVE_INFINITY,
      inputs: {},
      stage: 'warm-up',
    };
    this.day = next;
    const previous = this.previous;
    if (previous === undefined) return next;
    const previousDay = dayFromIsoDate(previous.day);
    const vixClose = closeOn(this.volatility, previousDay);
    // Before the volatility history begins (a realised VIX's first 20 sessions) the day is warm-up too.
    const historyStart = this.volatility.days[0];
    if (vixClose === undefined && (historyStart === undefined || previousDay < historyStart)) return next;
    next.inputs = { previousRange: round4(previous.range) };
    next.stage = 'waiting';
    if (vixClose === undefined) {
      const reason = `no VIX close for ${previous.day} (the previous session) in ${this.volatility.source}`;
      this.decide(next, 'no_entry', reason);
      return next;
    }
    next.inputs.vixClose = vixClose;
    const skip = skipReason({ vixClose, range: previous.range }, this.settings.filters);
    if (skip !== null) this.decide(next, 'skipped', skip);
    return next;
  }

  /** A day that ends with its entry still unsettled: the order expired at the close or was denied. */
  private closeDay(day: DayState, ctx: OptionStrategyContext): void {
    if (day.stage === 'entering') this.settleEntry(ctx, day, true);
    if (day.stage === 'waiting') this.decide(day, 'no_entry', 'no bar at the entry time');
  }

  private settleEntry(ctx: OptionStrategyContext, day: DayState, dayOver = false): void {
    const symbol = day.entrySymbol as string;
    if (ctx.holdings.some((h) => h.symbol === symbol)) {
      this.decide(day, 'traded');
    } else if (dayOver || ctx.workingOrders === 0) {
      this.decide(
        day,
        'no_entry',
        `the entry order for ${symbol} did not fill (denied, or its limit was not reached by the close)`,
      );
    }
  }

  private enter(ctx: OptionStrategyContext, day: DayState): readonly OptionIntent[] | undefined {
    const s = this.settings;
    const spot = ctx.bar.close;
    const inputs = day.inputs;
    inputs.spot = spot;
    const noEntry = (reason: string): undefined => {
      this.decide(day, 'no_entry', reason);
      return undefined;
    };
    const minutesToClose = (day.clock.closeTime - ctx.time) / MINUTE_MS;
    if (minutesToClose <= s.minutesBeforeClose)
      return noEntry(
        `the entry bar closes ${minutesToClose} minutes before the close, inside the exit window`,
      );
    if (ctx.holdings.length > 0) return noEntry(`a position is still open (${ctx.holdings[0]?.symbol})`);
    if (ctx.workingOrders > 0) return noEntry(`${ctx.workingOrders} option order(s) still working`);
    if (ctx.dayPnl <= -s.maxDailyLoss)
      return noEntry(
        `daily loss limit: the day has lost $${(-ctx.dayPnl).toFixed(2)} (limit $${s.maxDailyLoss})`,
      );
    const listing = ctx.quotes.listed(this.underlying, ctx.time);
    if (listing === undefined || listing.expiries.length === 0)
      return noEntry(`no option chain listed for ${this.underlying} on ${day.clock.day}`);
    let expiry: string;
    try {
      expiry = chooseExpiry(
        day.clock.day,
        listing.expiries.map((e) => e.expiry),
        s.minDaysToExpiry,
      );
    } catch (error) {
      return noEntry((error as Error).message);
    }
    const strikes = listing.expiries.find((e) => e.expiry === expiry)?.strikes ?? [];
    if (strikes.length === 0) return noEntry(`no strikes listed for ${this.underlying} expiring ${expiry}`);
    const strike = chooseStrike(spot, strikes);
    const symbol = occSymbol({ root: this.underlying, expiry, right: 'put', strike });
    inputs.strike = strike;
    const quote = ctx.quotes.quote(symbol, ctx.time, spot);
    if (quote === undefined || !(quote.ask > 0))
      return noEntry(`no quote for ${symbol} at ${new Date(ctx.time).toISOString()}`);
    const limitPrice = centsUp(quote.ask * (1 + s.slippage));
    inputs.ask = quote.ask;
    inputs.limitPrice = limitPrice;
    inputs.contracts = s.contracts;
    day.stage = 'entering';
    day.entrySymbol = symbol;
    return [
      {
        symbol,
        side: 'buy',
        purpose: 'open',
        contracts: s.contracts,
        type: 'limit',
        limitPrice,
        reason: `Phase 4D entry: ${this.underlying} ${spot.toFixed(2)}, the ${strike} put (nearest ${(spot + strikeBuffer(spot)).toFixed(2)}) expiring ${expiry}, ask ${quote.ask.toFixed(2)}`,
      },
    ];
  }

  /** Market sells for what has hit its target, its loss limit, or the end of the day. */
  private exits(ctx: OptionStrategyContext): readonly OptionIntent[] | undefined {
    if (ctx.holdings.length === 0) return undefined;
    // An exit still working is not sent twice; one that was refused is sent again.
    if (ctx.workingOrders === 0) this.exiting.clear();
    let intents: OptionIntent[] | undefined;
    for (const holding of ctx.holdings) {
      if (this.exiting.has(holding.symbol)) continue;
      const reason = this.exitReasonOf(holding, ctx);
      if (reason === null) continue;
      this.exiting.add(holding.symbol);
      if (intents === undefined) intents = [];
      intents.push({
        symbol: holding.symbol,
        side: 'sell',
        purpose: 'close',
        contracts: holding.contracts,
        type: 'market',
        exitReason: reason,
        reason: `Phase 4D exit (${reason.replace(/_/g, ' ')}): bid ${Number.isNaN(holding.bid) ? 'none' : holding.bid.toFixed(2)}, paid ${holding.avgPremium.toFixed(2)}`,
      });
    }
    return intents;
  }

  private exitReasonOf(holding: OptionHolding, ctx: OptionStrategyContext) {
    const s = this.settings;
    const minutesToClose = (ctx.session.closeTime - ctx.time) / MINUTE_MS;
    const bid = Number.isNaN(holding.bid)
      ? (ctx.quotes.quote(holding.symbol, ctx.time, ctx.bar.close)?.bid ?? Number.NaN)
      : holding.bid;
    // Without a bid there is no P&L to judge; the clock still sends it out before the close.
    if (Number.isNaN(bid)) return minutesToClose <= s.minutesBeforeClose ? ('end_of_day' as const) : null;
    const commission = s.commissionPerContract / 100;
    return exitReason({
      contracts: holding.contracts,
      entryPremium: holding.avgPremium + holding.openingFees / (100 * holding.contracts),
      exitPremium: bid * (1 - s.slippage) - commission,
      profitTarget: s.profitTarget,
      maxLossPerTrade: s.maxLossPerTrade,
      minutesToClose,
      minutesBeforeClose: s.minutesBeforeClose,
    });
  }

  private decide(day: DayState, decision: OptionDayDecision['decision'], reason?: string): void {
    day.stage = 'done';
    const inputs = day.inputs;
    this.decisions.push(
      reason === undefined
        ? { day: day.clock.day, decision, inputs: { ...inputs } }
        : { day: day.clock.day, decision, reason, inputs: { ...inputs } },
    );
  }
}

const NO_DECISIONS: readonly OptionDayDecision[] = Object.freeze([]);

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** The Phase 4D strategy on `symbol`, skipping days by the previous session's close in `volatility`. */
export function createPhase4d(
  params: Phase4dParams,
  run: { readonly volatility: VolatilityHistory; readonly symbol: string },
): OptionStrategy {
  return new Phase4d(params, run.volatility, run.symbol);
}
