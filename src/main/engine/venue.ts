// How a venue plugs into the engine: the engine sends orders through a Venue and hears back through VenueReports.
// The simulator is one venue factory (sim-venue.ts); a broker's (Alpaca paper) is another.
import type { BarColumns } from '../../shared/domain/bars';
import type { WorkingOrder } from './orders';

/** What a venue reports back; the engine turns reports into status changes, ledger entries and events. */
export interface VenueReports {
  onAccepted(order: WorkingOrder, time: number): void;
  onRejected(order: WorkingOrder, reason: string, time: number): void;
  /** `atOpen`: filled at the bar's opening price, so the rest of that bar happened after the fill. */
  onFill(order: WorkingOrder, qty: number, price: number, fee: number, time: number, atOpen: boolean): void;
  onCanceled(order: WorkingOrder, reason: string, time: number): void;
  onExpired(order: WorkingOrder, reason: string, time: number): void;
}

/** The engine's view of a venue; SimVenue works orders against bars, a broker venue reports asynchronously. */
export interface Venue {
  /** Sends an order decided at `step`; it may be worked from `step + 1` (or at the close of `step`). */
  submit(order: WorkingOrder, step: number, time: number): void;
  /** A market order to fill at the close of `step` (end-of-data flattening; a broker simply sends it). */
  submitAtClose(order: WorkingOrder, step: number, time: number): void;
  /** The symbol's orders still working, in arrival order. */
  workingOrders(symbolIndex: number): readonly WorkingOrder[];
  /** Hands over a bracket leg held for an entry that has filled; it is worked from `activeFromStep`. */
  attach(order: WorkingOrder, activeFromStep: number, time: number): void;
  cancel(order: WorkingOrder, reason: string, time: number): void;
  /** Cancels the symbol's working exits (the position they protected is gone). */
  cancelExits(symbolIndex: number, reason: string, time: number): void;
  hasWork(symbolIndex: number): boolean;
  /** Works the symbol's orders against its bar `index` (open, then the range). */
  processBar(symbolIndex: number, step: number, bars: BarColumns, index: number): void;
  hasCloseWork(symbolIndex: number): boolean;
  /** Fills orders due at this bar's close (same-bar-close model, end-of-data flattening). */
  processClose(symbolIndex: number, step: number, bars: BarColumns, index: number): void;
}

/** What a venue may read of the account it trades for (the engine's portfolio): cash and positions booked so far. */
export interface AccountBook {
  readonly cash: number;
  /** Signed quantity per symbol. */
  readonly qty: Float64Array;
  /** Last known price per symbol. */
  readonly lastPrice: Float64Array;
}

/** Builds the run's venue, reporting to the engine; `account` is read at each fill (a broker's buying-power check). */
export type VenueFactory<V extends Venue> = (
  reports: VenueReports,
  symbols: readonly string[],
  account: AccountBook,
) => V;
