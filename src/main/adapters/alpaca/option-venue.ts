// The options run's venue on an Alpaca paper account. It is the equity venue (venue.ts) with one slot for every
// option order: the same outbox sent after the bar's ledger transaction, the same client order ids from the
// WorkingOrder (a resend after a timeout finds the order by its id instead of placing it twice), the same broker
// events journaled and applied in order from the trading stream and REST resyncs, the same reports (accepted,
// fill, canceled, rejected, expired). What differs is in the order itself: an OCC symbol, whole contracts, a day
// order (Alpaca takes no other time in force for options), prices per share in cents, and a limit unless the
// strategy asked for a market order.
//
// Alpaca has no bracket or OCO orders for options: the profit target and the stop are not resting at Alpaca.
// The strategy watches the quotes and sends its own closing orders (a market sell), which go out like any other.
import { isOccSymbol } from '../../../shared/domain/options';
import type { OptionVenue, OptionVenueFactory } from '../../engine/option-desk';
import type { WorkingOrder } from '../../engine/orders';
import type { VenueReports } from '../../engine/venue';
import type { AlpacaBroker } from './broker';
import { AlpacaVenue, type AlpacaVenueHooks } from './venue';

/** The one slot every option order is tracked under (the OptionsEngine reports them all as symbolIndex 0). */
const OPTION_SLOT = ['options'];

export class AlpacaOptionVenue implements OptionVenue {
  /**
   * The journaled order machinery the run drives between bars, exactly as for an equity run: `flush` after the
   * bar is committed, `takeEvents` / `apply` for broker events, `markInDoubt` / `resend` after a restart,
   * `closeOut` when the run stops.
   */
  readonly orders: AlpacaVenue;

  constructor(
    private readonly reports: VenueReports,
    broker: AlpacaBroker,
    hooks: AlpacaVenueHooks,
  ) {
    this.orders = new AlpacaVenue(reports, OPTION_SLOT, broker, hooks);
  }

  /** Queues the order for the next flush; one that is not an option order is refused here, never sent. */
  submit(order: WorkingOrder, time: number, _underlyingPrice: number): void {
    const problem = refusalOf(order);
    if (problem !== undefined) {
      this.reports.onRejected(order, problem, time);
      return;
    }
    this.orders.submit(order, 0, time);
  }

  /**
   * Orders are working at Alpaca: the engine counts them for the strategy (no entry while one works). There is
   * nothing to work per bar or at the close — Alpaca fills the orders and expires the day's at its close, and
   * their reports come from the stream or a resync.
   */
  hasWork(): boolean {
    return this.orders.workingOrders(0).length > 0;
  }
  processBar(): void {}
  endOfDay(_time: number): void {}

  cancel(order: WorkingOrder, reason: string, time: number): void {
    this.orders.cancel(order, reason, time);
  }

  workingOrders(): readonly WorkingOrder[] {
    return this.orders.workingOrders(0);
  }
}

/**
 * What MarketBoss refuses before Alpaca sees it: a symbol that is not an OCC option symbol, a stop or trailing
 * order (Alpaca takes market and limit for options), a limit without its price. Fractional contracts and other
 * times in force are left to Alpaca, whose own reason then reaches the run as the rejection.
 */
function refusalOf(order: WorkingOrder): string | undefined {
  if (!isOccSymbol(order.symbol)) return `"${order.symbol}" is not an option (OCC) symbol`;
  if (order.type !== 'market' && order.type !== 'limit')
    return `Alpaca takes market and limit orders for options, not ${order.type}`;
  if (order.type === 'limit' && !((order.limitPrice ?? 0) > 0))
    return `a limit order for ${order.symbol} needs a limit price above zero`;
  return undefined;
}

/** The options engine's venue for an Alpaca paper run: orders go to the account; broker events `wake` the run. */
export function alpacaOptionVenueFactory(
  broker: AlpacaBroker,
  hooks: AlpacaVenueHooks,
): OptionVenueFactory<AlpacaOptionVenue> {
  return (reports) => new AlpacaOptionVenue(reports, broker, hooks);
}
