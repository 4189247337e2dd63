// The simulated options venue: fills day orders against the run's option quotes. An option is quoted
// continuously, so an order fills at the quote of the moment it arrives: a buy at ask × (1 + slippage), a sell at
// bid × (1 − slippage), a limit only at its limit or better (otherwise it rests and is checked at each later bar's
// close), with a commission per contract on every fill. Whole contracts only; every order expires at the close.
import { parseOccSymbol } from '../../shared/domain/options';
import type { OptionQuoteSource, OptionVenue, OptionVenueCosts, OptionVenueFactory } from './option-desk';
import type { WorkingOrder } from './orders';
import type { VenueReports } from './venue';

export interface OptionSimVenueConfig {
  /** Fraction of the premium lost on each fill, e.g. 0.005. */
  readonly slippage: number;
  /** Dollars per contract on each side, e.g. 0.65. */
  readonly commissionPerContract: number;
}

/** Per-run counts for the report. */
export interface OptionSimVenueStats {
  /** Orders refused at submission (fractional, not an option symbol, not listed). */
  rejected: number;
  /** Orders that found no usable quote when they arrived and rested for a later one. */
  restedWithoutQuote: number;
  /** Day orders still working at a session's close. */
  expired: number;
}

// What an attempt to fill came to (numbers, so the per-bar pass allocates nothing).
const FILLED = 0;
const NO_QUOTE = 1;
const NOT_REACHED = 2;

export class OptionSimVenue implements OptionVenue {
  readonly stats: OptionSimVenueStats = { rejected: 0, restedWithoutQuote: 0, expired: 0 };
  readonly costs: OptionVenueCosts;
  /** Orders at the venue; done ones are dropped at the next pass, so the list stays as short as what works. */
  private readonly working: WorkingOrder[] = [];

  constructor(
    config: OptionSimVenueConfig,
    private readonly reports: VenueReports,
    private readonly quotes: OptionQuoteSource,
  ) {
    if (!(config.slippage >= 0 && config.slippage < 1)) {
      throw new Error(`option slippage ${config.slippage} must be a fraction of the premium in [0, 1)`);
    }
    if (!(config.commissionPerContract >= 0) || !Number.isFinite(config.commissionPerContract)) {
      throw new Error(`commission per contract ${config.commissionPerContract} must be a dollar amount ≥ 0`);
    }
    this.costs = { slippage: config.slippage, commissionPerContract: config.commissionPerContract };
  }

  submit(order: WorkingOrder, time: number, underlyingPrice: number): void {
    const refusal = this.refusal(order, time);
    if (refusal !== undefined) {
      this.stats.rejected++;
      this.reports.onRejected(order, refusal, time);
      return;
    }
    this.reports.onAccepted(order, time);
    const outcome = this.tryFill(order, time, underlyingPrice);
    if (outcome === FILLED) return;
    if (outcome === NO_QUOTE) this.stats.restedWithoutQuote++;
    this.working.push(order);
  }

  processBar(time: number, underlyingPrice: number): void {
    const working = this.working;
    let kept = 0;
    for (let k = 0; k < working.length; k++) {
      const order = working[k]!;
      if (order.isDone) continue;
      if (this.tryFill(order, time, underlyingPrice) !== FILLED) working[kept++] = order;
    }
    working.length = kept;
  }

  cancel(order: WorkingOrder, reason: string, time: number): void {
    if (!order.isDone) this.reports.onCanceled(order, reason, time);
  }

  endOfDay(time: number): void {
    const working = this.working;
    for (let k = 0; k < working.length; k++) {
      const order = working[k]!;
      if (order.isDone) continue;
      this.stats.expired++;
      this.reports.onExpired(order, 'day order: not filled by the close', time);
    }
    working.length = 0;
  }

  workingOrders(): readonly WorkingOrder[] {
    return this.working.filter((order) => !order.isDone);
  }

  hasWork(): boolean {
    return this.working.length > 0;
  }

  /** Why the venue refuses the order outright, or undefined to take it. */
  private refusal(order: WorkingOrder, time: number): string | undefined {
    if (!Number.isInteger(order.qty) || order.qty <= 0) {
      return `${order.qty} contracts of ${order.symbol}: options trade in whole contracts only`;
    }
    if (order.type !== 'market' && order.type !== 'limit') {
      return `${order.type} orders are not taken for options: market or limit only`;
    }
    let contract: ReturnType<typeof parseOccSymbol>;
    try {
      contract = parseOccSymbol(order.symbol);
    } catch (error) {
      return (error as Error).message;
    }
    // A chain the source does not know cannot refuse the contract: the order rests until a quote says more.
    const listing = this.quotes.listed(contract.root, time);
    if (listing === undefined) return undefined;
    const expiry = listing.expiries.find((e) => e.expiry === contract.expiry);
    if (expiry === undefined) {
      return `${order.symbol} is not listed: no ${contract.root} options expire on ${contract.expiry}`;
    }
    if (!expiry.strikes.some((strike) => Math.abs(strike - contract.strike) < 5e-4)) {
      return `${order.symbol} is not listed: no ${contract.strike} strike for the ${contract.expiry} expiry`;
    }
    return undefined;
  }

  /** Fills the whole order at the quote of `time` when the quote allows it; otherwise it keeps working. */
  private tryFill(order: WorkingOrder, time: number, underlyingPrice: number): number {
    const quote = this.quotes.quote(order.symbol, time, underlyingPrice);
    const slippage = this.costs.slippage;
    let price: number;
    if (order.side === 'buy') {
      // No ask (or a broken one) is no seller: the order waits for a quote.
      if (quote === undefined || !(quote.ask > 0) || !Number.isFinite(quote.ask)) return NO_QUOTE;
      price = quote.ask * (1 + slippage);
      if (order.type === 'limit' && price > order.limitPrice!) return NOT_REACHED;
    } else {
      // No bid is no buyer (a worthless contract): a sell waits, and expiry settles what is still held.
      if (quote === undefined || !(quote.bid > 0) || !Number.isFinite(quote.bid)) return NO_QUOTE;
      price = quote.bid * (1 - slippage);
      if (order.type === 'limit' && price < order.limitPrice!) return NOT_REACHED;
    }
    const contracts = order.remainingQty;
    this.reports.onFill(order, contracts, price, this.costs.commissionPerContract * contracts, time, false);
    return FILLED;
  }
}

/** The simulator as the OptionsEngine's venue factory. */
export function optionSimVenue(config: OptionSimVenueConfig): OptionVenueFactory<OptionSimVenue> {
  return (reports, quotes) => new OptionSimVenue(config, reports, quotes);
}
