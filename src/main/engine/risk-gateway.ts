// The risk gateway: the only path from a strategy's intents to orders. It sizes, attaches stops and targets,
// enforces limits, and answers a failed check with an order-denied event, never an exception.
import { z } from 'zod';
import type { RiskState } from '../../shared/domain/trading';
import type { OrderDenied, RiskStateChanged } from './events';
import { type BracketSpec, OrderTicket } from './orders';
import type { Portfolio } from './portfolio';
import type { BarView, OrderIntent } from './strategy';

const DAY_MS = 86_400_000;

// Which limit shrank an entry; numbers so the check builds no message unless it denies.
const LIMIT_NONE = 0;
const LIMIT_POSITION_QTY = 1;
const LIMIT_POSITION_FRACTION = 2;
const LIMIT_GROSS_EXPOSURE = 3;
const LIMIT_LOSS_PER_TRADE = 4;

export const SizingSchema = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('fixed-qty'),
    qty: z.number().positive().describe('Shares (or units) per entry'),
  }),
  z.object({
    mode: z.literal('fixed-notional'),
    notional: z.number().positive().describe('Currency per entry'),
  }),
  z.object({
    mode: z.literal('percent-equity'),
    fraction: z.number().positive().max(10).describe('Entry notional as a fraction of equity, 0.1 = 10%'),
  }),
  z
    .object({ mode: z.literal('risk-based') })
    .describe('Risk `riskPerTrade` of equity between entry and stop'),
  z.object({
    mode: z.literal('atr'),
    period: z.number().int().min(1).max(1000).default(14).describe('ATR length in bars'),
    multiple: z.number().positive().default(2).describe('Risk distance in ATRs'),
  }),
]);
export type Sizing = z.output<typeof SizingSchema>;

export const RiskConfigSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('false (--no-risk): size the intents and send them, no stops, targets or limits'),
    sizing: SizingSchema.default({ mode: 'risk-based' }),
    riskPerTrade: z.number().positive().max(1).default(0.02).describe('Fraction of equity risked per entry'),
    stopLoss: z.number().min(0).lt(1).default(0.05).describe('Stop distance from the entry fill; 0 = none'),
    takeProfit: z.number().min(0).default(0.1).describe('Target distance from the entry fill; 0 = none'),
    trailingStop: z
      .number()
      .min(0)
      .lt(1)
      .default(0)
      .describe('When > 0 the stop-loss trails the best price by this fraction'),
    maxPositionQty: z.number().positive().optional().describe('Largest absolute position per symbol'),
    maxPositionFraction: z
      .number()
      .positive()
      .optional()
      .describe('Largest position notional per symbol as a fraction of equity'),
    maxOpenPositions: z.number().int().min(1).default(3),
    maxDailyLoss: z
      .number()
      .positive()
      .max(1)
      .default(0.05)
      .describe('Loss from the day-start equity that halts trading'),
    reduceAtDailyLoss: z
      .number()
      .positive()
      .max(1)
      .optional()
      .describe('Loss from the day-start equity that allows only reducing orders until the next day'),
    maxDrawdown: z
      .number()
      .positive()
      .max(1)
      .optional()
      .describe('Fall from the equity peak that halts trading'),
    maxGrossExposure: z
      .number()
      .positive()
      .default(1)
      .describe('Gross exposure cap as a multiple of equity, 1 = 100%'),
    maxLossPerTrade: z
      .number()
      .positive()
      .optional()
      .describe('Largest loss at the stop per entry, in currency'),
    quantityStep: z
      .number()
      .min(0)
      .default(1)
      .describe('Sizes are rounded down to this step; 0 = fractional'),
  })
  .strict();
export type RiskConfig = z.output<typeof RiskConfigSchema>;
export type RiskConfigInput = z.input<typeof RiskConfigSchema>;

/**
 * When the trading day that contains `time` ends (epoch ms, after `time`): the daily-loss limit's day. The engine
 * knows no calendar (engine/ imports no market/), so the runner passes its market's: for US equities the New York
 * session day (market/calendar.ts tradingDayEnd), for crypto the UTC day; on daily bars each bar is a day of its own.
 */
export type TradingDayEnd = (time: number) => number;

/** The end of the UTC day that contains `time`: the trading day when none is given. */
export function endOfUtcDay(time: number): number {
  return (Math.floor(time / DAY_MS) + 1) * DAY_MS;
}

/** Simple average true range over the last `period` bars (true range needs the bar before each). */
export function averageTrueRange(bar: BarView, period: number): number {
  if (bar.index < period) return Number.NaN;
  let sum = 0;
  for (let back = 0; back < period; back++) {
    const high = bar.ago('high', back);
    const low = bar.ago('low', back);
    const previousClose = bar.ago('close', back + 1);
    sum += Math.max(high - low, Math.abs(high - previousClose), Math.abs(low - previousClose));
  }
  return sum / period;
}

export class RiskGateway {
  state: RiskState = 'ACTIVE';
  /** Why the gateway is not ACTIVE. */
  stateReason = '';
  // The levels the per-bar check works with. Plain fields: optimized code stores a double into a number field in
  // place (no boxing), and a field costs less bytecode than an index into an array under a module constant, which
  // matters because onMarked and startDay must fit V8's inlining budget in the engine's loop.
  /** End of the current day (epoch ms). */
  private dayEnd = Number.NEGATIVE_INFINITY;
  private dayStartEquity = 0;
  /** Equity at the last bar time marked. */
  private lastEquity = Number.NaN;
  private peakEquity = 0;
  /** Equity at or below which a loss limit may have been reached. */
  private alarmEquity = Number.NEGATIVE_INFINITY;
  private reducingForTheDay = false;
  /** HALTED by the daily-loss limit: ends with the trading day (a drawdown halt lasts until reset). */
  private haltedForTheDay = false;
  /** False until the first bar time was marked. */
  private started = false;
  private readonly ticket = new OrderTicket();
  /** Alarm level as a multiple of the day-start equity and of the peak equity. */
  private readonly dayAlarmFactor: number;
  private readonly drawdownAlarmFactor: number;
  /** The stop and target every entry gets unless its intent names prices. */
  private readonly configuredBracket: BracketSpec;
  /** Working size and the limit that last shrank it, during one review. */
  private sized = 0;
  private limitedBy = LIMIT_NONE;

  constructor(
    readonly config: RiskConfig,
    private readonly portfolio: Portfolio,
    /** Signed quantity pending in working entries and exits per symbol (from the order manager). */
    private readonly pendingQty: Float64Array,
    private readonly emit: (event: OrderDenied | RiskStateChanged) => void,
    private readonly tradingDayEnd: TradingDayEnd = endOfUtcDay,
  ) {
    const { enabled, maxDailyLoss, reduceAtDailyLoss, maxDrawdown } = config;
    // Without limits the alarm can never sound: factors of −∞ keep it below any equity.
    this.dayAlarmFactor = enabled
      ? 1 - Math.min(maxDailyLoss, reduceAtDailyLoss ?? maxDailyLoss)
      : Number.NEGATIVE_INFINITY;
    this.drawdownAlarmFactor =
      enabled && maxDrawdown !== undefined ? 1 - maxDrawdown : Number.NEGATIVE_INFINITY;
    this.configuredBracket = {
      ...(config.stopLoss > 0 && { stopLossFraction: config.stopLoss }),
      ...(config.takeProfit > 0 && { takeProfitFraction: config.takeProfit }),
      ...(config.trailingStop > 0 && { trailFraction: config.trailingStop }),
    };
  }

  /** The user's reset after a halt (or a manual REDUCING): back to ACTIVE, limits re-armed from now. */
  reset(time: number): void {
    this.dayStartEquity = this.started ? this.lastEquity : this.portfolio.equity();
    this.peakEquity = this.dayStartEquity;
    this.reducingForTheDay = false;
    this.haltedForTheDay = false;
    this.setState('ACTIVE', 'reset by the user', time);
    this.updateAlarm();
  }

  /** A manual change of state, e.g. the user asks for REDUCING. */
  setState(to: RiskState, reason: string, time: number, limit?: RiskStateChanged['limit']): void {
    if (to === this.state) return;
    const from = this.state;
    this.state = to;
    this.stateReason = reason;
    this.updateAlarm();
    this.emit({ kind: 'risk-state', from, to, reason, time, ...(limit !== undefined && { limit }) });
  }

  /**
   * Called once per bar time after the portfolio was marked to market (its `marked` equity): day rollover
   * and the loss limits. Takes the time as an index-free read of `clock[0]` rather than an argument, because
   * a call V8 does not inline boxes a double argument on every bar.
   */
  onMarked(clock: Float64Array): void {
    // The new day is a method of its own, so this one stays small: V8 inlines calls into the engine's loop only
    // up to a budget counted in bytecode, and the strategy's onBar needs its share.
    if (clock[0]! >= this.dayEnd) this.startDay(clock);
    const equity = this.portfolio.markedEquity[0]!;
    this.lastEquity = equity;
    if (equity > this.peakEquity) {
      this.peakEquity = equity;
      if (this.drawdownAlarmFactor > 0) this.updateAlarm();
    }
    if (equity <= this.alarmEquity) this.checkLimits(clock);
  }

  /** Day rollover, before this bar time's equity is recorded as the last one (every bar on daily data). */
  private startDay(clock: Float64Array): void {
    const time = clock[0]!;
    // The previous day's last equity is this day's start; the very first bar starts from itself.
    this.dayStartEquity = this.started ? this.lastEquity : this.portfolio.markedEquity[0]!;
    this.started = true;
    this.dayEnd = this.tradingDayEnd(time);
    if (this.reducingForTheDay || this.haltedForTheDay) this.endLimitedDay(clock);
    this.updateAlarm();
  }

  /** A new trading day lifts what the daily-loss limits imposed for the day (REDUCING, or HALTED by day loss). */
  private endLimitedDay(clock: Float64Array): void {
    const halted = this.haltedForTheDay;
    this.reducingForTheDay = false;
    this.haltedForTheDay = false;
    if (this.state === 'REDUCING' || (halted && this.state === 'HALTED')) {
      this.setState('ACTIVE', 'new trading day', clock[0]!);
    }
  }

  /** The levels the loss limits are judged against now: the day-start equity and the peak (both re-armed by reset). */
  get limitBasis(): { readonly dayStartEquity: number; readonly peakEquity: number } {
    return { dayStartEquity: this.dayStartEquity, peakEquity: this.peakEquity };
  }

  /** Whether the current halt is the daily-loss limit's, which ends with the trading day. */
  get haltedForTheDayOnly(): boolean {
    return this.state === 'HALTED' && this.haltedForTheDay;
  }

  private updateAlarm(): void {
    if (this.state === 'HALTED') {
      this.alarmEquity = Number.NEGATIVE_INFINITY;
      return;
    }
    let alarm = this.dayStartEquity * this.dayAlarmFactor;
    const drawdownAlarm = this.peakEquity * this.drawdownAlarmFactor;
    if (drawdownAlarm > alarm) alarm = drawdownAlarm;
    // A hair above, so rounding in the products never hides a breach from checkLimits.
    this.alarmEquity = alarm + Math.abs(alarm) * 1e-12;
  }

  private checkLimits(clock: Float64Array): void {
    if (!this.config.enabled || this.state === 'HALTED') return;
    const time = clock[0]!;
    const equity = this.portfolio.markedEquity[0]!;
    const dayLoss = 1 - equity / this.dayStartEquity;
    if (dayLoss >= this.config.maxDailyLoss) {
      this.haltedForTheDay = true;
      this.setState(
        'HALTED',
        `daily loss ${(dayLoss * 100).toFixed(2)}% reached the ${this.config.maxDailyLoss * 100}% limit`,
        time,
        'daily-loss',
      );
      return;
    }
    const { maxDrawdown, reduceAtDailyLoss } = this.config;
    if (maxDrawdown !== undefined && 1 - equity / this.peakEquity >= maxDrawdown) {
      this.haltedForTheDay = false;
      this.setState('HALTED', `drawdown reached the ${maxDrawdown * 100}% limit`, time, 'drawdown');
      return;
    }
    if (reduceAtDailyLoss !== undefined && this.state === 'ACTIVE' && dayLoss >= reduceAtDailyLoss) {
      this.reducingForTheDay = true;
      this.setState(
        'REDUCING',
        `daily loss ${(dayLoss * 100).toFixed(2)}% reached ${reduceAtDailyLoss * 100}%: reducing only`,
        time,
        'daily-loss',
      );
    }
  }

  /**
   * Turns an intent into an order to send, or records why not. `bar` is the symbol's bar at the decision:
   * its close is the reference price for sizing and its history feeds ATR sizing. The returned ticket is
   * reused by the next review: hand it to the order manager before reviewing another intent.
   */
  review(intent: OrderIntent, symbolIndex: number, bar: BarView, time: number): OrderTicket | undefined {
    if (this.state === 'HALTED') return this.deny(intent, `trading halted: ${this.stateReason}`, time);
    const position = this.portfolio.qty[symbolIndex]! + this.pendingQty[symbolIndex]!;
    const type = intent.type ?? 'market';

    if (intent.purpose === 'close') {
      const closable = intent.side === 'sell' ? position : -position;
      if (!(closable > 0)) {
        return this.deny(
          intent,
          `no open ${intent.side === 'sell' ? 'long' : 'short'} position to close`,
          time,
        );
      }
      const qty = intent.qty === undefined ? closable : Math.min(intent.qty, closable);
      return this.fillTicket(intent, symbolIndex, bar, time, 'exit', qty, undefined);
    }

    if (this.state === 'REDUCING') {
      return this.deny(intent, `REDUCING: only orders that reduce exposure (${this.stateReason})`, time);
    }
    const long = intent.side === 'buy';
    if (position !== 0 && position > 0 !== long) {
      return this.deny(
        intent,
        `would reverse the open ${position > 0 ? 'long' : 'short'} position; close it first`,
        time,
      );
    }
    const { config } = this;
    if (config.enabled && position === 0 && this.openPositionCount() >= config.maxOpenPositions) {
      return this.deny(intent, `max open positions (${config.maxOpenPositions}) reached`, time);
    }

    const price =
      type === 'limit'
        ? intent.limitPrice
        : type === 'stop' || type === 'stop_limit'
          ? intent.stopPrice
          : bar.close;
    if (price === undefined || !(price > 0)) {
      return this.deny(
        intent,
        `${type} order needs a positive ${type === 'limit' ? 'limit' : 'stop'} price`,
        time,
      );
    }
    const equity = this.portfolio.equity();
    const stopPrice =
      intent.stopLoss ??
      (config.stopLoss > 0 ? price * (long ? 1 - config.stopLoss : 1 + config.stopLoss) : undefined);
    const stopDistance = stopPrice === undefined ? Number.NaN : Math.abs(price - stopPrice);

    let qty: number;
    if (intent.qty !== undefined) {
      qty = intent.qty;
    } else {
      const sizing = config.sizing;
      switch (sizing.mode) {
        case 'fixed-qty':
          qty = sizing.qty;
          break;
        case 'fixed-notional':
          qty = sizing.notional / price;
          break;
        case 'percent-equity':
          qty = (equity * sizing.fraction) / price;
          break;
        case 'risk-based':
          if (!(stopDistance > 0))
            return this.deny(intent, 'risk-based sizing needs a stop-loss distance', time);
          qty = (equity * config.riskPerTrade) / stopDistance;
          break;
        case 'atr': {
          const atr = averageTrueRange(bar, sizing.period);
          if (!(atr > 0)) {
            return this.deny(
              intent,
              `ATR sizing needs ${sizing.period + 1} bars of history and a non-zero range`,
              time,
            );
          }
          qty = (equity * config.riskPerTrade) / (sizing.multiple * atr);
          break;
        }
      }
    }
    qty = this.roundDown(qty);
    if (!(qty > 0))
      return this.deny(intent, `sized to zero (equity ${equity.toFixed(2)}, price ${price})`, time);
    if (!config.enabled) return this.fillTicket(intent, symbolIndex, bar, time, 'entry', qty, undefined);

    // Limits shrink the size to what fits; a size that shrinks to nothing is a denial naming the limit.
    this.sized = qty;
    this.limitedBy = LIMIT_NONE;
    const held = Math.abs(position);
    if (config.maxPositionQty !== undefined) this.clip(config.maxPositionQty - held, LIMIT_POSITION_QTY);
    if (config.maxPositionFraction !== undefined) {
      this.clip((config.maxPositionFraction * equity) / price - held, LIMIT_POSITION_FRACTION);
    }
    this.clip(
      (config.maxGrossExposure * equity - this.grossExposureWithPending()) / price,
      LIMIT_GROSS_EXPOSURE,
    );
    if (config.maxLossPerTrade !== undefined && stopDistance > 0) {
      this.clip(config.maxLossPerTrade / stopDistance, LIMIT_LOSS_PER_TRADE);
    }
    if (!(this.sized > 0)) return this.deny(intent, `${this.limitName(this.limitedBy)} leaves no room`, time);
    const bracket =
      intent.stopLoss === undefined && intent.takeProfit === undefined
        ? this.configuredBracket
        : {
            ...this.configuredBracket,
            ...(intent.stopLoss !== undefined && { stopLossPrice: intent.stopLoss }),
            ...(intent.takeProfit !== undefined && { takeProfitPrice: intent.takeProfit }),
          };
    return this.fillTicket(intent, symbolIndex, bar, time, 'entry', this.sized, bracket);
  }

  private fillTicket(
    intent: OrderIntent,
    symbolIndex: number,
    bar: BarView,
    time: number,
    role: 'entry' | 'exit',
    qty: number,
    bracket: BracketSpec | undefined,
  ): OrderTicket {
    const ticket = this.ticket;
    ticket.symbol = intent.symbol;
    ticket.symbolIndex = symbolIndex;
    ticket.side = intent.side;
    ticket.type = intent.type ?? 'market';
    ticket.role = role;
    ticket.qty = qty;
    ticket.limitPrice = intent.limitPrice;
    ticket.stopPrice = intent.stopPrice;
    ticket.trailPercent = intent.trailPercent;
    ticket.timeInForce = intent.timeInForce ?? 'gtc';
    ticket.reason = intent.reason;
    ticket.exitReason = role === 'exit' ? 'signal' : undefined;
    ticket.bracket = bracket;
    ticket.parent = undefined;
    ticket.referencePrice = bar.close;
    ticket.time = time;
    ticket.manual = intent.manual === true;
    return ticket;
  }

  private clip(allowed: number, limit: number): void {
    const rounded = this.roundDown(Math.max(0, allowed));
    if (rounded < this.sized) {
      this.sized = rounded;
      this.limitedBy = limit;
    }
  }

  private limitName(limit: number): string {
    const { config } = this;
    switch (limit) {
      case LIMIT_POSITION_QTY:
        return `max position size (${config.maxPositionQty})`;
      case LIMIT_POSITION_FRACTION:
        return `max position ${(config.maxPositionFraction ?? 0) * 100}% of equity`;
      case LIMIT_GROSS_EXPOSURE:
        return `gross exposure cap (${config.maxGrossExposure * 100}% of equity)`;
      case LIMIT_LOSS_PER_TRADE:
        return `per-trade max loss (${config.maxLossPerTrade})`;
      default:
        return 'a limit';
    }
  }

  private roundDown(qty: number): number {
    const step = this.config.quantityStep;
    if (!Number.isFinite(qty)) return 0;
    // The epsilon keeps 2.9999999999 (a rounding artefact of 3) from becoming 2.
    return step > 0 ? Math.floor(qty / step + 1e-9) * step : qty;
  }

  private openPositionCount(): number {
    let count = 0;
    for (let s = 0; s < this.pendingQty.length; s++) {
      if (this.portfolio.qty[s] !== 0 || this.pendingQty[s] !== 0) count++;
    }
    return count;
  }

  private grossExposureWithPending(): number {
    let gross = 0;
    const { qty, lastPrice } = this.portfolio;
    for (let s = 0; s < qty.length; s++) gross += Math.abs((qty[s]! + this.pendingQty[s]!) * lastPrice[s]!);
    return gross;
  }

  private deny(intent: OrderIntent, reason: string, time: number): undefined {
    this.emit({ kind: 'order-denied', reason, intent, time });
    return undefined;
  }
}
