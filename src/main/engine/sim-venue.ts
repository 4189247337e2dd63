// The simulated venue: works orders against bars with explicit fill, slippage, commission and intrabar rules.
// Pure (no I/O, no clock of its own): a backtest drives it with history, a paper session with live bars.
import { z } from 'zod';
import { type AccountConfig, marginBuyingPower } from '../../shared/domain/account';
import type { BarColumns } from '../../shared/domain/bars';
import type { Random } from '../../shared/random';
import type { WorkingOrder } from './orders';
import type { AccountBook, Venue, VenueFactory, VenueReports } from './venue';

export const SimVenueConfigSchema = z
  .object({
    fill: z
      .enum(['next-open', 'same-close'])
      .default('next-open')
      .describe('Market orders decided at a close fill at the next open, or at that same close'),
    slippageBps: z
      .number()
      .min(0)
      .max(10_000)
      .default(0)
      .describe('Adverse slippage on market and stop fills'),
    slippageAmount: z.number().min(0).default(0).describe('Adverse slippage as a fixed price amount'),
    commissionPerShare: z.number().min(0).default(0),
    commissionPerOrder: z.number().min(0).default(0).describe('Charged once, on the first fill of an order'),
    commissionPercent: z.number().min(0).max(100).default(0).describe('Percent of fill notional, 0.1 = 0.1%'),
    maxVolumeShare: z
      .number()
      .positive()
      .max(1)
      .optional()
      .describe('Fills per bar are limited to this share of its volume (partial fills)'),
    lotSize: z
      .number()
      .min(0)
      .default(1)
      .describe('Partial fills are rounded down to this lot; 0 = fractional'),
    rejectProbability: z.number().min(0).max(1).default(0).describe('Chance a submitted order is rejected'),
    latencyBars: z.number().int().min(0).max(1000).default(0).describe('Bars between submission and arrival'),
  })
  .strict();
export type SimVenueConfig = z.output<typeof SimVenueConfigSchema>;
export type SimVenueConfigInput = z.input<typeof SimVenueConfigSchema>;

// The account model lives in shared/domain/account.ts (the order ticket caps sizes by the same rule); re-exported
// for the engine's callers.
export {
  type AccountConfig,
  type AccountConfigInput,
  AccountConfigSchema,
  DAY_TRADER_MIN_EQUITY,
} from '../../shared/domain/account';

/** Why the simulated broker refused orders: the keys of the report's count of rejections by reason. */
export type RejectionKind =
  | 'insufficient cash'
  | 'insufficient buying power'
  | 'short sale in a cash account'
  | 'random rejection';

/** Per-run counts for the report. */
export interface SimVenueStats {
  /** Bars where a bracket's stop and target were both inside the range: the stop was assumed first. */
  stopAndTargetSameBar: number;
  randomRejections: number;
  partialFills: number;
  /** Orders the venue refused (or whose rest it canceled after partial fills), by reason. */
  rejections: Partial<Record<RejectionKind, number>>;
}

export class SimVenue implements Venue {
  readonly stats: SimVenueStats = {
    stopAndTargetSameBar: 0,
    randomRejections: 0,
    partialFills: 0,
    rejections: {},
  };
  /** The venue's own book of positions, so reduce-only exits never flip a position. */
  readonly position: Float64Array;
  /** Orders at the venue per symbol: the first `workingCount[s]` slots (the arrays never shrink, so they never reallocate). */
  private readonly working: WorkingOrder[][];
  private readonly workingCount: Int32Array;
  private readonly closeWork: Uint8Array;
  private readonly volumeLeft: Float64Array;
  private readonly volumeStep: Float64Array;
  private readonly fee: { perShare: number; perOrder: number; rate: number };
  /** Set by matchPrice: the match was at the bar's opening price. */
  private matchedAtOpen = false;

  constructor(
    readonly config: SimVenueConfig,
    symbolCount: number,
    private readonly random: Random,
    private readonly reports: VenueReports,
    private readonly account: AccountBook,
    private readonly accountConfig: AccountConfig,
  ) {
    this.position = new Float64Array(symbolCount);
    this.working = Array.from({ length: symbolCount }, () => []);
    this.workingCount = new Int32Array(symbolCount);
    this.closeWork = new Uint8Array(symbolCount);
    this.volumeLeft = new Float64Array(symbolCount);
    this.volumeStep = new Float64Array(symbolCount).fill(-1);
    this.fee = {
      perShare: config.commissionPerShare,
      perOrder: config.commissionPerOrder,
      rate: config.commissionPercent / 100,
    };
  }

  submit(order: WorkingOrder, step: number, time: number): void {
    if (this.config.rejectProbability > 0 && this.random.next() < this.config.rejectProbability) {
      this.stats.randomRejections++;
      this.count('random rejection');
      this.reports.onRejected(order, 'rejected by the simulated venue (random rejection)', time);
      return;
    }
    const atClose = this.config.fill === 'same-close' && order.type === 'market';
    order.fillsAtClose = atClose;
    order.activeFromStep = step + this.config.latencyBars + (atClose ? 0 : 1);
    this.accept(order, time);
  }

  /** Market order filled at the close of `step`, bypassing latency and rejection (end-of-data accounting). */
  submitAtClose(order: WorkingOrder, step: number, time: number): void {
    order.fillsAtClose = true;
    order.activeFromStep = step;
    this.accept(order, time);
  }

  attach(order: WorkingOrder, activeFromStep: number, time: number): void {
    order.activeFromStep = activeFromStep;
    this.accept(order, time);
  }

  cancel(order: WorkingOrder, reason: string, time: number): void {
    if (!order.isDone) this.reports.onCanceled(order, reason, time);
  }

  cancelExits(symbolIndex: number, reason: string, time: number): void {
    const list = this.working[symbolIndex]!;
    for (let k = 0; k < this.workingCount[symbolIndex]!; k++) {
      const order = list[k]!;
      if (order.reduceOnly && !order.isDone) this.reports.onCanceled(order, reason, time);
    }
  }

  /** Every order still working, in arrival order (for end-of-run cleanup and the UI). */
  workingOrders(symbolIndex: number): readonly WorkingOrder[] {
    return this.working[symbolIndex]!.slice(0, this.workingCount[symbolIndex]).filter(
      (order) => !order.isDone,
    );
  }

  hasWork(symbolIndex: number): boolean {
    return this.workingCount[symbolIndex]! > 0;
  }

  hasCloseWork(symbolIndex: number): boolean {
    return this.closeWork[symbolIndex] === 1;
  }

  processBar(symbolIndex: number, step: number, bars: BarColumns, index: number): void {
    const list = this.working[symbolIndex]!;
    const open = bars.open[index]!;
    const high = bars.high[index]!;
    const low = bars.low[index]!;
    const time = bars.time[index]!;
    // The count is re-read: bracket legs attached by a fill in this bar are worked in the same pass.
    for (let k = 0; k < this.workingCount[symbolIndex]!; k++) {
      const order = list[k]!;
      if (order.isDone || order.activeFromStep > step || order.fillsAtClose) continue;
      if (order.timeInForce === 'day') {
        if (order.expiresAt === 0) order.expiresAt = endOfUtcDay(time);
        else if (time >= order.expiresAt) {
          this.reports.onExpired(order, 'day order not filled by the end of its day', time);
          continue;
        }
      }
      const sibling = order.sibling;
      const price =
        sibling !== undefined && !sibling.isDone && sibling.activeFromStep <= step
          ? this.bracketPrice(order, sibling, open, high, low)
          : this.matchPrice(order, open, high, low);
      if (Number.isNaN(price)) {
        advanceUnfilled(order, open, high, low);
      } else {
        this.fillOrder(order, price, symbolIndex, step, bars, index, this.matchedAtOpen);
      }
      this.afterFirstBar(order, time);
    }
    this.compact(symbolIndex);
  }

  processClose(symbolIndex: number, step: number, bars: BarColumns, index: number): void {
    const list = this.working[symbolIndex]!;
    const close = bars.close[index]!;
    const time = bars.time[index]!;
    let waiting = 0;
    for (let k = 0; k < this.workingCount[symbolIndex]!; k++) {
      const order = list[k]!;
      if (order.isDone || !order.fillsAtClose) continue;
      if (order.activeFromStep > step) {
        waiting++;
        continue;
      }
      this.fillOrder(order, this.slipped(order, close), symbolIndex, step, bars, index, false);
      if (!order.isDone) {
        // What volume did not allow at this close is worked at the next bar's open.
        order.fillsAtClose = false;
        order.activeFromStep = step + 1;
        this.afterFirstBar(order, time);
      }
    }
    this.closeWork[symbolIndex] = waiting > 0 ? 1 : 0;
    this.compact(symbolIndex);
  }

  private accept(order: WorkingOrder, time: number): void {
    this.reports.onAccepted(order, time);
    const s = order.symbolIndex;
    const list = this.working[s]!;
    const count = this.workingCount[s]!;
    if (count < list.length) list[count] = order;
    else list.push(order);
    this.workingCount[s] = count + 1;
    if (order.fillsAtClose) this.closeWork[order.symbolIndex] = 1;
  }

  /** Orders that live one bar only: IOC and FOK end after their first chance. */
  private afterFirstBar(order: WorkingOrder, time: number): void {
    if (order.isDone) return;
    if (order.timeInForce === 'ioc' || order.timeInForce === 'fok') {
      this.reports.onCanceled(order, `${order.timeInForce} order: unfilled quantity canceled`, time);
    }
  }

  private compact(symbolIndex: number): void {
    const list = this.working[symbolIndex]!;
    let kept = 0;
    const count = this.workingCount[symbolIndex]!;
    for (let k = 0; k < count; k++) {
      const order = list[k]!;
      if (!order.isDone) list[kept++] = order;
    }
    this.workingCount[symbolIndex] = kept;
  }

  /**
   * A bracket's two legs in one bar. A gap through either at the open decides it; otherwise when both are
   * inside the range we cannot know which came first, so the stop (the worse outcome) is assumed and counted.
   */
  private bracketPrice(
    order: WorkingOrder,
    sibling: WorkingOrder,
    open: number,
    high: number,
    low: number,
  ): number {
    const other = this.matchPrice(sibling, open, high, low);
    const otherAtOpen = this.matchedAtOpen;
    const own = this.matchPrice(order, open, high, low);
    if (Number.isNaN(own) || Number.isNaN(other)) return own;
    if (this.matchedAtOpen !== otherAtOpen) return this.matchedAtOpen ? own : Number.NaN;
    if (order.role !== 'stop_loss') return Number.NaN;
    this.stats.stopAndTargetSameBar++;
    return own;
  }

  /**
   * Where `order` fills in this bar, or NaN. Limits fill when the bar trades through them, at the limit or a
   * better open; stops trigger on touch and fill at the stop, or at the open after a gap through it.
   */
  private matchPrice(order: WorkingOrder, open: number, high: number, low: number): number {
    const buy = order.side === 'buy';
    this.matchedAtOpen = false;
    switch (order.type) {
      case 'market':
        this.matchedAtOpen = true;
        return this.slipped(order, open);
      case 'limit':
        return this.limitMatch(buy, order.limitPrice!, open, high, low);
      case 'stop':
        return this.stopMatch(order, buy, order.stopPrice!, open, high, low);
      case 'trailing_stop':
        return this.stopMatch(order, buy, order.trailStop, open, high, low);
      case 'stop_limit': {
        const limit = order.limitPrice!;
        if (order.triggered) return this.limitMatch(buy, limit, open, high, low);
        const triggerAt = stopTrigger(buy, order.stopPrice!, open, high, low);
        this.matchedAtOpen = triggerAt === open;
        // At the trigger the market is at `triggerAt`: inside the limit it fills there, else it rests as a limit.
        return (buy ? triggerAt <= limit : triggerAt >= limit) ? triggerAt : Number.NaN;
      }
    }
  }

  private limitMatch(buy: boolean, limit: number, open: number, high: number, low: number): number {
    if (buy ? open <= limit : open >= limit) {
      this.matchedAtOpen = true;
      return open;
    }
    return (buy ? low < limit : high > limit) ? limit : Number.NaN;
  }

  private stopMatch(
    order: WorkingOrder,
    buy: boolean,
    stop: number,
    open: number,
    high: number,
    low: number,
  ): number {
    const triggerAt = stopTrigger(buy, stop, open, high, low);
    if (Number.isNaN(triggerAt)) return Number.NaN;
    this.matchedAtOpen = triggerAt === open;
    return this.slipped(order, triggerAt);
  }

  private slipped(order: WorkingOrder, price: number): number {
    const { slippageBps, slippageAmount } = this.config;
    if (slippageBps === 0 && slippageAmount === 0) return price;
    const adverse = price * (slippageBps / 10_000) + slippageAmount;
    return order.side === 'buy' ? price + adverse : Math.max(price - adverse, Number.MIN_VALUE);
  }

  private fillOrder(
    order: WorkingOrder,
    price: number,
    symbolIndex: number,
    step: number,
    bars: BarColumns,
    index: number,
    atOpen: boolean,
  ): void {
    const time = bars.time[index]!;
    let qty = order.remainingQty;
    if (order.reduceOnly) {
      const held = this.position[symbolIndex]!;
      const reducible = order.side === 'sell' ? held : -held;
      if (!(reducible > 0)) {
        this.reports.onCanceled(order, 'nothing left to reduce: the position is already closed', time);
        return;
      }
      if (reducible < qty) qty = reducible;
    }
    const share = this.config.maxVolumeShare;
    // End-of-data closing is accounting, not a trade the market must absorb.
    const volumeLimited = share !== undefined && order.exitReason !== 'end_of_data';
    if (volumeLimited) {
      if (this.volumeStep[symbolIndex] !== step) {
        this.volumeStep[symbolIndex] = step;
        this.volumeLeft[symbolIndex] = share * bars.volume[index]!;
      }
      const available = roundDown(this.volumeLeft[symbolIndex]!, this.config.lotSize);
      if (available < qty) {
        if (order.timeInForce === 'fok') {
          this.reports.onCanceled(order, 'fill-or-kill: not enough volume in the bar', time);
          return;
        }
        qty = available;
        if (!(qty > 0)) return;
        this.stats.partialFills++;
      }
    }
    let fee = qty * this.fee.perShare + qty * price * this.fee.rate;
    if (!order.commissionCharged) fee += this.fee.perOrder;
    if (this.refusedByAccount(order, qty, price, fee, time)) return;
    order.commissionCharged = true;
    if (volumeLimited) this.volumeLeft[symbolIndex]! -= qty;
    this.position[symbolIndex]! += order.side === 'buy' ? qty : -qty;
    if (Math.abs(this.position[symbolIndex]!) < 1e-9) this.position[symbolIndex] = 0;
    this.reports.onFill(order, qty, price, fee, time, atOpen);
    if (order.reduceOnly && !order.isDone && this.position[symbolIndex] === 0) {
      this.reports.onCanceled(order, 'position closed', time);
    }
  }

  /**
   * The broker's check at the fill: true (and the order refused, or its rest canceled after partial fills) when
   * the account cannot pay for this fill. Only the part that opens or adds to a position is checked.
   */
  private refusedByAccount(
    order: WorkingOrder,
    qty: number,
    price: number,
    fee: number,
    time: number,
  ): boolean {
    const s = order.symbolIndex;
    const held = this.position[s]!;
    const buy = order.side === 'buy';
    const closable = buy ? Math.max(0, -held) : Math.max(0, held);
    const opening = qty - closable;
    if (!(opening > 1e-9)) return false;
    const account = this.account;
    let kind: RejectionKind;
    let reason: string;
    if (this.accountConfig.type === 'cash') {
      if (!buy) {
        kind = 'short sale in a cash account';
        reason = `a cash account cannot sell short (sell ${qty} with ${held} held)`;
      } else {
        const cost = qty * price + fee;
        const cash = account.cash;
        if (cost <= cash + 1e-9 * Math.max(1, Math.abs(cash))) return false;
        kind = 'insufficient cash';
        reason = `insufficient cash: buying ${qty} at ${money(price)} costs ${money(cost)} with fees, the account holds ${money(cash)}`;
      }
    } else {
      let equity = account.cash;
      let gross = 0;
      for (let k = 0; k < account.qty.length; k++) {
        const value = account.qty[k]! * account.lastPrice[k]!;
        equity += value;
        gross += Math.abs(value);
      }
      const { amount: buyingPower, multiplier } = marginBuyingPower(
        this.accountConfig.multiplier,
        equity,
        gross,
      );
      const cost = opening * price + fee;
      if (cost <= buyingPower + 1e-9 * Math.max(1, buyingPower)) return false;
      kind = 'insufficient buying power';
      reason = `insufficient buying power: ${buy ? 'buying' : 'selling short'} ${opening} at ${money(price)} needs ${money(cost)} with fees, buying power is ${money(buyingPower)} (${multiplier}x equity ${money(equity)} less ${money(gross)} in positions)`;
    }
    this.count(kind);
    if (order.filledQty > 0) this.reports.onCanceled(order, reason, time);
    else this.reports.onRejected(order, reason, time);
    return true;
  }

  private count(kind: RejectionKind): void {
    this.stats.rejections[kind] = (this.stats.rejections[kind] ?? 0) + 1;
  }
}

/** An amount as a broker's message prints it: 2 decimals, thousands separated. */
function money(amount: number): string {
  return amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** Where a stop is triggered: at the open after a gap through it, at the stop on touch, else NaN. */
function stopTrigger(buy: boolean, stop: number, open: number, high: number, low: number): number {
  if (buy ? open >= stop : open <= stop) return open;
  return (buy ? high >= stop : low <= stop) ? stop : Number.NaN;
}

/**
 * State an unfilled order carries to the next bar: a touched stop-limit now rests as a limit, and a trailing
 * stop follows the best price (after this bar's check: the conservative reading of an unknown intrabar path).
 */
function advanceUnfilled(order: WorkingOrder, open: number, high: number, low: number): void {
  const buy = order.side === 'buy';
  if (order.type === 'stop_limit' && !order.triggered) {
    order.triggered = !Number.isNaN(stopTrigger(buy, order.stopPrice!, open, high, low));
  } else if (order.type === 'trailing_stop') {
    if (buy ? low < order.trailExtreme : high > order.trailExtreme) order.trailExtreme = buy ? low : high;
  }
}

function roundDown(qty: number, lot: number): number {
  return lot > 0 ? Math.floor(qty / lot + 1e-9) * lot : qty;
}

function endOfUtcDay(time: number): number {
  return (Math.floor(time / 86_400_000) + 1) * 86_400_000;
}

/**
 * The simulator as the engine's venue: works orders against the bars with these rules and this seeded randomness,
 * for an account of this kind.
 */
export function simVenue(
  config: SimVenueConfig,
  random: Random,
  account: AccountConfig,
): VenueFactory<SimVenue> {
  return (reports, symbols, book) => new SimVenue(config, symbols.length, random, reports, book, account);
}
