// A paper run on the Alpaca account: the trading stream's events journaled and applied in order, the reattach after
// a restart (every order the replay left in doubt settled by its client order id), resyncs over REST, and the check
// that the account holds what the run thinks it holds.
import type { AlertSeverity } from '../../shared/domain/session';
import {
  type BrokerListener,
  type BrokerTradeUpdate,
  positionKey,
  type StreamState,
} from '../adapters/alpaca/broker';
import type { AdoptedPosition } from '../adapters/alpaca/reconcile';
import type { AlpacaSessionLink } from '../adapters/alpaca/run-link';
import { AlpacaVenue } from '../adapters/alpaca/venue';
import type { VenueFactory } from '../engine/engine';
import type { Portfolio } from '../engine/portfolio';
import type { SymbolBar } from '../feeds/live-bar-assembler';
import type { Logger } from '../log/logger';
import type { JournalEvent } from './run-journal';

/** The run an Alpaca link serves, as the link sees it. */
export interface AlpacaRunHost {
  readonly runId: string;
  readonly log: Logger;
  readonly orderTimeoutMinutes: number;
  readonly portfolio: Portfolio;
  /** Replaying the ledger: broker events wait until it is done. */
  readonly replaying: boolean;
  readonly running: boolean;
  /** The newest bar time the run has seen (broker events carry no bar), or now before the first bar. */
  lastBarTime(): number;
  /** Commits and pushes an alert outside bar processing. */
  alertNow(severity: AlertSeverity, kind: string, message: string): void;
  /** Journals the events and applies them (through `apply`), then commits what changed, in one transaction. */
  commitJournaled(events: readonly JournalEvent[]): void;
  /** Follows the market-data feed. */
  follow(): Promise<void>;
  fail(message: string): void;
  pause(): void;
}

/** The engine's venue for an Alpaca run: orders go to the account; its broker events `wake` the run. */
export function alpacaVenueFactory(
  link: AlpacaSessionLink,
  host: Pick<AlpacaRunHost, 'runId' | 'log' | 'lastBarTime'>,
  wake: () => void,
): VenueFactory<AlpacaVenue> {
  return (reports, symbols) =>
    new AlpacaVenue(reports, symbols, link.broker, {
      wake,
      note: (level, message, fields) => host.log[level](message, { runId: host.runId, ...fields }),
      now: () => host.lastBarTime(),
    });
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class AlpacaRun implements BrokerListener {
  private draining = false;
  private resyncing: Promise<void> | undefined;
  private resyncAgain = false;
  private mismatchAlerted = '';
  private linkClosed = false;

  constructor(
    private readonly link: AlpacaSessionLink,
    readonly venue: AlpacaVenue,
    private readonly host: AlpacaRunHost,
  ) {}

  /** The link is closed: the run stopped or the app is shutting down. */
  get closed(): boolean {
    return this.linkClosed;
  }

  /** Connects the trading stream: orders go out only while it is authorized, so none of their updates is missed. */
  connect(): Promise<void> {
    return this.link.broker.connect(this);
  }

  /** The last `count` completed bar times, for the warm-up. */
  history(count: number): Promise<readonly (readonly SymbolBar[])[]> {
    return this.link.history(count);
  }

  /** Applies a journaled event: a broker event to the venue, adopted positions to the portfolio. */
  apply(event: JournalEvent): void {
    if (event.kind !== 'adopted') {
      this.venue.apply(event);
      return;
    }
    this.adopt(event.positions);
  }

  /**
   * After a restart: reconnect the stream, then settle every order the replay left in doubt — found by its client
   * order id, or sent again under that same id (Alpaca refuses a second order with it), or, when too old to send,
   * closed as lost — and read the working ones' state; then follow the feed again.
   */
  async reattach(): Promise<void> {
    const { link, venue, host } = this;
    try {
      await link.broker.connect(this);
      const timeoutMs = host.orderTimeoutMinutes * 60_000;
      for (const order of venue.markInDoubt()) {
        const found = await link.broker.orderByClientId(order.clientOrderId);
        if (found !== null) {
          venue.push({ kind: 'placed', clientOrderId: order.clientOrderId, order: found });
        } else if (order.role !== 'entry' || host.lastBarTime() - order.createdAt < timeoutMs) {
          host.log.info('order not at Alpaca after the restart; sending it again under its id', {
            runId: host.runId,
            clientOrderId: order.clientOrderId,
          });
          venue.resend(order);
        } else {
          venue.push({
            kind: 'lost',
            clientOrderId: order.clientOrderId,
            reason: 'never reached Alpaca before the app stopped, and too old to send now',
          });
        }
      }
      venue.flush();
      await this.resync('the app restarted');
      await host.follow();
    } catch (error) {
      host.log.error('could not reattach the run to Alpaca', { runId: host.runId, error });
      host.alertNow(
        'critical',
        'broker-unreachable',
        `could not reconnect to Alpaca: ${reasonOf(error)}; the run is paused`,
      );
      host.pause();
    }
  }

  async close(): Promise<void> {
    if (this.linkClosed) return;
    this.linkClosed = true;
    this.link.broker.close();
    await this.link.feed.stop().catch(() => undefined);
    await this.link.close().catch(() => undefined);
  }

  // ---- the broker's side: events journaled, then applied, then committed like a bar ----

  onTradeUpdate(update: BrokerTradeUpdate): void {
    this.venue.push({
      kind: 'update',
      order: update.order,
      ...(update.execution !== undefined && { execution: update.execution }),
      time: update.time,
    });
  }

  onStreamState(
    state: StreamState,
    detail: { readonly reconnected: boolean; readonly message: string },
  ): void {
    if (this.linkClosed) return;
    if (state === 'disconnected') this.host.alertNow('warning', 'broker-stream', detail.message);
    else if (state === 'authorized' && detail.reconnected)
      this.host.alertNow('info', 'broker-stream', detail.message);
  }

  onResyncDue(reason: string): void {
    void this.resync(reason);
  }

  /** Reads the state of every order the run still tracks by REST, and checks the account's positions. */
  resync(reason: string): Promise<void> {
    if (this.resyncing !== undefined) {
      this.resyncAgain = true;
      return this.resyncing;
    }
    const { venue, host } = this;
    const broker = this.link.broker;
    const run = async () => {
      host.log.info('resync with Alpaca', { runId: host.runId, reason });
      do {
        this.resyncAgain = false;
        // One request for every open order (legs nested); only orders that closed since are read one by one,
        // so a resync costs a few requests of the key's 200 a minute, not one per working order.
        const open = await broker.openOrders();
        const seen = new Set<string>();
        for (const order of open) {
          seen.add(order.id);
          for (const leg of order.legs) seen.add(leg.id);
          venue.push({ kind: 'update', order, time: order.updatedAt || host.lastBarTime() });
        }
        for (const order of venue.trackedOrders()) {
          if (order.isDone || this.linkClosed) continue;
          const brokerId = venue.brokerId(order);
          if (brokerId !== undefined) {
            if (seen.has(brokerId)) continue;
            const state = await broker.order(brokerId);
            venue.push({ kind: 'update', order: state, time: state.updatedAt || host.lastBarTime() });
          } else if (venue.isIdleUnknown(order)) {
            const found = await broker.orderByClientId(order.clientOrderId);
            if (found !== null)
              venue.push({ kind: 'placed', clientOrderId: order.clientOrderId, order: found });
            else venue.resend(order);
          }
        }
      } while (this.resyncAgain && !this.linkClosed);
      await this.drained();
      await this.checkPositions();
    };
    this.resyncing = run()
      .catch((error: unknown) => {
        host.log.warn('resync with Alpaca failed', { runId: host.runId, error });
      })
      .finally(() => {
        this.resyncing = undefined;
      });
    return this.resyncing;
  }

  /** Resolves once every queued broker event has been applied and committed. */
  async drained(): Promise<void> {
    while (this.venue.hasEvents || this.draining) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** The venue has broker events: they are applied together, once the current task is done. */
  wake(): void {
    if (this.draining || this.host.replaying) return;
    this.draining = true;
    queueMicrotask(() => {
      this.draining = false;
      if (this.linkClosed && !this.host.running) return;
      try {
        const events = this.venue.takeEvents();
        if (events.length === 0) return;
        this.host.commitJournaled(events);
        this.venue.flush();
      } catch (error) {
        this.host.log.error('applying broker events failed', { runId: this.host.runId, error });
        this.host.fail(`the run failed: ${reasonOf(error)}`);
      }
    });
  }

  /** Alerts when the account's position in a session symbol differs from the run's (once per difference). */
  private async checkPositions(): Promise<void> {
    if (this.venue.unresolved.length > 0) return;
    const held = new Map((await this.link.broker.positions()).map((p) => [positionKey(p.symbol), p.qty]));
    const portfolio = this.host.portfolio;
    const differences: string[] = [];
    portfolio.symbols.forEach((symbol, s) => {
      const there = held.get(positionKey(symbol)) ?? 0;
      if (Math.abs(there - portfolio.qty[s]!) > 1e-9) {
        differences.push(`${symbol}: Alpaca holds ${there}, the run ${portfolio.qty[s]}`);
      }
    });
    const text = differences.join('; ');
    if (text !== '' && text !== this.mismatchAlerted) {
      this.host.alertNow('warning', 'position-mismatch', `positions differ from the Alpaca account: ${text}`);
    }
    this.mismatchAlerted = text;
  }

  /** The account's positions taken over at the start, bought at their average entry price (equity = capital). */
  private adopt(positions: readonly AdoptedPosition[]): void {
    const portfolio = this.host.portfolio;
    for (const p of positions) {
      const s = portfolio.symbols.indexOf(p.symbol);
      if (s < 0 || p.qty === 0) continue;
      portfolio.applyFill(
        s,
        p.qty > 0 ? 'buy' : 'sell',
        Math.abs(p.qty),
        p.avgPrice,
        0,
        this.host.lastBarTime(),
        0,
        'signal',
      );
      portfolio.mark(s, p.avgPrice);
    }
    portfolio.markToMarket();
  }
}
