// The options run's contracts: where option prices come from, what an options strategy sees and asks for, and the
// venue its orders go to. The OptionsEngine (option-engine.ts) steps the underlying's bars and joins these; a
// backtest plugs in a synthetic quote source and the simulator, a paper run Alpaca's quotes and venue.
import type {
  OptionContract,
  OptionDayDecision,
  OptionListing,
  OptionQuote,
} from '../../shared/domain/options';
import type { ExitReason, Side } from '../../shared/domain/trading';
import type { WorkingOrder } from './orders';
import type { BarView } from './strategy';
import type { VenueReports } from './venue';

/** Where option prices come from: a model over the underlying's bars (backtests) or a broker's quotes (paper). */
export interface OptionQuoteSource {
  /** Where the prices come from, in words, for every report, e.g. "synthetic option prices: CRR American puts, …". */
  readonly label: string;
  /** Prices are modelled, not quoted by a market. */
  readonly synthetic: boolean;
  /** The contracts listed for `underlying` on the trading day of `time`; undefined when the chain is unknown. */
  listed(underlying: string, time: number): OptionListing | undefined;
  /**
   * The quote of OCC `symbol` at `time` with the underlying at `underlyingPrice` (a model prices from it, a broker's
   * source may ignore it); undefined when there is no quote (not listed, no market, no data yet).
   */
  quote(symbol: string, time: number, underlyingPrice: number): OptionQuote | undefined;
}

/** The regular session a bar belongs to, as the market calendar says (the caller supplies the calendar). */
export interface SessionClock {
  /** The trading day, YYYY-MM-DD (New York): the day an option expiring "today" settles. */
  readonly day: string;
  /** The session's open and close (epoch ms); the close is where day orders expire and expiries settle. */
  readonly openTime: number;
  readonly closeTime: number;
}

/** A long option position: whole contracts of one OCC symbol. */
export interface OptionHolding {
  readonly symbol: string;
  readonly contract: OptionContract;
  /** Whole contracts, positive. */
  readonly contracts: number;
  /** Average premium paid per share, commissions excluded. */
  readonly avgPremium: number;
  /** Dollars of commission paid to open (what is still held of it, after partial closes). */
  readonly openingFees: number;
  /** Time of the first opening fill (ms). */
  readonly openedAt: number;
  /** The last bid it was marked at, per share; NaN until a quote was seen. */
  readonly bid: number;
}

/** What an options strategy reads at a bar's close; the engine reuses one instance, so read it, do not keep it. */
export interface OptionStrategyContext {
  /** The underlying's root, e.g. SPY. */
  readonly underlying: string;
  /** The underlying's bar being decided on (and the ones before it). */
  readonly bar: BarView;
  /** The decision time: the bar's close (its time + the bar length). */
  readonly time: number;
  /** The session of the bar. */
  readonly session: SessionClock;
  readonly quotes: OptionQuoteSource;
  /** Open option positions, marked at this close's bids. */
  readonly holdings: readonly OptionHolding[];
  /** Option orders still working at the venue. */
  readonly workingOrders: number;
  readonly cash: number;
  /** Cash + holdings at the bid × 100. */
  readonly equity: number;
  /** Realized P&L of the trading day so far, dollars after commissions. */
  readonly dayPnl: number;
}

/** What an options strategy asks for: whole contracts of one OCC symbol. */
export interface OptionIntent {
  /** OCC symbol; its root must be the run's underlying. */
  readonly symbol: string;
  readonly side: Side;
  /** 'open' buys to open (needs the cash), 'close' sells what is held. */
  readonly purpose: 'open' | 'close';
  /** Whole contracts, > 0. */
  readonly contracts: number;
  readonly type: 'market' | 'limit';
  /** Per share; required for a limit. */
  readonly limitPrice?: number;
  /** For a close: what the trades report says (profit_target, max_loss, end_of_day…); default signal. */
  readonly exitReason?: ExitReason;
  /** Why, in words; goes to the order and the report. */
  readonly reason: string;
}

export interface OptionStrategy {
  /** Called at every underlying bar's close; undefined when there is nothing to do. */
  onBar(ctx: OptionStrategyContext): readonly OptionIntent[] | undefined;
  /** The day decisions made since the last call (traded, skipped, no entry); the engine gathers them per bar. */
  takeDecisions(): readonly OptionDayDecision[];
}

/**
 * Where option orders go. Orders are day orders for one contract each (symbolIndex 0 in every report); the
 * venue fills against quotes (the simulator) or a broker, and reports through VenueReports.
 */
export interface OptionVenue {
  /** An order decided at `time` with the underlying at `underlyingPrice`; the simulator fills it at that quote. */
  submit(order: WorkingOrder, time: number, underlyingPrice: number): void;
  /** A bar's close: resting orders are checked against the quotes at `time`. */
  processBar(time: number, underlyingPrice: number): void;
  cancel(order: WorkingOrder, reason: string, time: number): void;
  /** The session's close: every order still working expires (all option orders are day orders). */
  endOfDay(time: number): void;
  /** Orders still working, in arrival order. */
  workingOrders(): readonly WorkingOrder[];
  hasWork(): boolean;
  /** What a fill costs beyond the quote, for the engine's cash check before it sends a buy; absent: none. */
  readonly costs?: OptionVenueCosts;
}

export interface OptionVenueCosts {
  /** Fraction of the premium lost on each fill (a buy pays ask × (1 + slippage)). */
  readonly slippage: number;
  /** Dollars per contract on each side. */
  readonly commissionPerContract: number;
}

/** Builds the run's option venue, reporting to the engine and pricing with the run's quotes. */
export type OptionVenueFactory<V extends OptionVenue = OptionVenue> = (
  reports: VenueReports,
  quotes: OptionQuoteSource,
) => V;

/** The options run's limits, in dollars and contracts. */
export interface OptionRiskLimits {
  /** New entries are denied once the trading day's realized P&L is at or below −this (dollars). */
  readonly maxDailyLoss?: number;
  /** Contracts held plus those working in entries may not exceed this. */
  readonly maxContracts?: number;
}
