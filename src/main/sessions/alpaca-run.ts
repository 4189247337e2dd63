// A paper run on the Alpaca account: the trading stream's events journaled and applied in order, the reattach after
// a restart (every order the replay left in doubt settled by its client order id), resyncs over REST, and the check
// that the account holds what the run thinks it holds.
import type { BrokerListener, StreamState } from '../adapters/alpaca/broker';
import { type BrokerOrder, type BrokerTradeUpdate, positionKey } from '../adapters/alpaca/broker-shapes';
import type { AdoptedPosition } from '../adapters/alpaca/reconcile';
import type { AlpacaSessionLink } from '../adapters/alpaca/run-link';
import { AlpacaVenue } from '../adapters/alpaca/venue';
import type { WorkingOrder } from '../engine/orders';
import type { Portfolio } from '../engine/portfolio';
import type { VenueFactory } from '../engine/venue';
import type { SymbolBar } from '../feeds/live-bar-assembler';
import type { Logger } from '../log/logger';
import type { BrokerJournalEntry } from '../store/session-repo';
import { type JournalEvent, RunJournal } from './run-journal';
import type { RunLedger } from './run-ledger';

/** What an Alpaca run writes through: its alerts, and the broker events it journals outside bars. */
export type AlpacaRunLedger = Pick<RunLedger, 'alertNow' | 'commitOutsideBar' | 'replaying'>;

/** The run an Alpaca link serves, as the link sees it. */
export interface AlpacaRunHost {
  readonly runId: string;
  readonly log: Logger;
  readonly now: () => number;
  readonly orderTimeoutMinutes: number;
  /** Bar times processed: the journal's clock. */
  barTimesDone(): number;
  running(): boolean;
  /** The newest bar time the run has seen (broker events carry no bar), or now before the first bar. */
  lastBarTime(): number;
  /** Processes a bar time of the warm-up history. */
  warmUp(bars: readonly SymbolBar[]): void;
  /** Bars from the market-data feed from now on. */
  follow(): Promise<void>;
  fail(message: string): void;
  pause(): void;
  /** Sends a market order closing each open position now (a stop that flattens). */
  closePositions(reason: string, time: number): void;
}

/** How a stop at Alpaca ended: the orders Alpaca still works after the wait (none when it all settled). */
export interface CloseOutResult {
  readonly stillWorking: readonly WorkingOrder[];
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

/** What the run holds, as the Alpaca run compares it with the account and adopts into it (equities or options). */
export interface AlpacaRunBook {
  /** Each difference between the account's positions (quantity by positionKey) and the run's, in words. */
  differences(account: ReadonlyMap<string, number>): string[];
  /** The positions the user accepted to adopt, bought at the account's average price at `time`. */
  adopt(positions: readonly AdoptedPosition[], time: number): void;
}

/** An equity run's portfolio as its Alpaca run sees it: the session's symbols, signed shares. */
export function portfolioBook(portfolio: Portfolio): AlpacaRunBook {
  return {
    differences(account) {
      const differences: string[] = [];
      portfolio.symbols.forEach((symbol, s) => {
        const there = account.get(positionKey(symbol)) ?? 0;
        if (Math.abs(there - portfolio.qty[s]!) > 1e-9) {
          differences.push(`${symbol}: Alpaca holds ${there}, the run ${portfolio.qty[s]}`);
        }
      });
      return differences;
    },
    adopt(positions, time) {
      // Bought at the account's average entry price, so the run's equity starts at its capital.
      for (const p of positions) {
        const s = portfolio.symbols.indexOf(p.symbol);
        if (s < 0 || p.qty === 0) continue;
        portfolio.applyFill(s, p.qty > 0 ? 'buy' : 'sell', Math.abs(p.qty), p.avgPrice, 0, time, 0, 'signal');
        portfolio.mark(s, p.avgPrice);
      }
      portfolio.markToMarket();
    },
  };
}

export class AlpacaRun implements BrokerListener {
  private draining = false;
  private resyncing: Promise<void> | undefined;
  private resyncAgain = false;
  private mismatchAlerted = '';
  private linkClosed = false;
  private readonly journal: RunJournal;

  constructor(
    private readonly link: AlpacaSessionLink,
    readonly venue: AlpacaVenue,
    private readonly book: AlpacaRunBook,
    private readonly ledger: AlpacaRunLedger,
    private readonly host: AlpacaRunHost,
  ) {
    this.journal = new RunJournal(host.now);
  }

  /** The link is closed: the run stopped or the app is shutting down. */
  get closed(): boolean {
    return this.linkClosed;
  }

  /**
   * A new run: connects the trading stream (orders only go out while it is authorized, so none of their updates is
   * missed), adopts the positions the user accepted, warms the strategies up on recent history, follows the feed.
   */
  async start(adopted: readonly AdoptedPosition[], warmupBars: number): Promise<void> {
    await this.link.broker.connect(this);
    if (adopted.length > 0) this.commit([{ kind: 'adopted', positions: adopted }]);
    for (const group of await this.link.history(warmupBars)) {
      if (group.length > 0) this.host.warmUp(group);
    }
    await this.host.follow();
  }

  /** While a recovery replays the ledger nothing is sent: the broker already has what it has. */
  markReplaying(replaying: boolean): void {
    this.venue.replaying = replaying;
  }

  /**
   * A run rebuilt from its fills rather than by replaying its orders (an options run's quotes cannot be replayed):
   * the journal's numbering goes on after `entry`, which is not applied again.
   */
  skipEntry(entry: BrokerJournalEntry): void {
    this.journal.replayed(entry);
  }

  /** Replay: a journaled event applied as it was live (numbering goes on after it). */
  replayEntry(entry: BrokerJournalEntry): void {
    this.apply(this.journal.replayed(entry));
    this.venue.flush();
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
      this.ledger.alertNow(
        'critical',
        'broker-unreachable',
        `could not reconnect to Alpaca: ${reasonOf(error)}; the run is paused`,
      );
      host.pause();
    }
  }

  /**
   * Stop: nothing new goes to Alpaca, every order the run placed is canceled, and each is followed until Alpaca
   * says it is done (canceled, filled, expired, rejected) — by the stream, and by REST reads meanwhile in case the
   * stream is silent — for a bounded wait. A fill that landed before its cancel is recorded like any other, so the
   * run's positions stay the account's. With `flatten`, each position is then closed with a market order, followed
   * the same way. Whatever is still working after the wait is returned, for the run to say so.
   */
  async closeOut(flatten: boolean): Promise<CloseOutResult> {
    const { venue, host } = this;
    const reason = 'the session stopped';
    const { waitMs, pollMs } = this.link.broker.stopWait;
    await this.drained();
    this.ledger.commitOutsideBar(() => venue.closeOut(reason, host.lastBarTime()));
    venue.flush();
    let stillWorking = await this.settle(waitMs, pollMs);
    if (flatten) {
      this.ledger.commitOutsideBar(() => {
        venue.sendWhileClosing(true, reason);
        try {
          host.closePositions('the session stopped and flattened', host.lastBarTime());
        } finally {
          venue.sendWhileClosing(false, reason);
        }
      });
      venue.flush();
      stillWorking = await this.settle(waitMs, pollMs);
    }
    await this.checkPositions().catch((error: unknown) => {
      host.log.warn('could not compare positions with Alpaca after the stop', { runId: host.runId, error });
    });
    return { stillWorking };
  }

  /** Waits until none of the run's orders is working, reading their states by REST every `pollMs`. */
  private async settle(waitMs: number, pollMs: number): Promise<WorkingOrder[]> {
    const deadline = Date.now() + waitMs;
    let nextRead = Date.now() + pollMs;
    for (;;) {
      await this.drained();
      const working = this.venue.notDone();
      if (working.length === 0 || this.linkClosed) return working;
      if (Date.now() >= deadline) return working;
      if (Date.now() >= nextRead) {
        await this.readStates(working).catch((error: unknown) => {
          this.host.log.warn('reading order states from Alpaca failed', { runId: this.host.runId, error });
        });
        nextRead = Date.now() + pollMs;
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /**
   * The states of `orders` at Alpaca, by REST: one read of the open orders, then each order that is not among
   * them by its id (or its client order id when Alpaca never answered with one). An order Alpaca does not have,
   * and no send still trying, never reached it: closed as such.
   */
  private async readStates(orders: readonly WorkingOrder[]): Promise<void> {
    const { venue, host } = this;
    const broker = this.link.broker;
    const open = new Map<string, BrokerOrder>();
    for (const order of await broker.openOrders()) {
      open.set(order.id, order);
      for (const leg of order.legs) open.set(leg.id, leg);
    }
    for (const order of orders) {
      if (order.isDone || this.linkClosed) continue;
      const brokerId = venue.brokerId(order);
      const time = host.lastBarTime();
      if (brokerId !== undefined) {
        const state = open.get(brokerId) ?? (await broker.order(brokerId));
        venue.push({ kind: 'update', order: state, time: state.updatedAt || time });
        continue;
      }
      const found = await broker.orderByClientId(order.clientOrderId);
      if (found !== null) venue.push({ kind: 'placed', clientOrderId: order.clientOrderId, order: found });
      else if (!venue.isSending(order)) {
        venue.push({ kind: 'lost', clientOrderId: order.clientOrderId, reason: 'never reached Alpaca' });
      }
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
    if (state === 'disconnected') this.ledger.alertNow('warning', 'broker-stream', detail.message);
    else if (state === 'authorized' && detail.reconnected)
      this.ledger.alertNow('info', 'broker-stream', detail.message);
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
            else if (!venue.isClosing) venue.resend(order); // a stopping run sends nothing new
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
    if (this.draining || this.ledger.replaying) return;
    this.draining = true;
    queueMicrotask(() => {
      this.draining = false;
      // Stopped or shutting down: nothing more is written (the database may be closing); a restart settles with
      // Alpaca what arrived after this, as after a crash.
      if (this.linkClosed) return;
      try {
        const events = this.venue.takeEvents();
        if (events.length === 0) return;
        this.commit(events);
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
    const differences = this.book.differences(held);
    const text = differences.join('; ');
    if (text !== '' && text !== this.mismatchAlerted) {
      this.ledger.alertNow(
        'warning',
        'position-mismatch',
        `positions differ from the Alpaca account: ${text}`,
      );
    }
    this.mismatchAlerted = text;
  }

  /** One transaction: the journal entries, the order changes and fills they cause, positions and equity. */
  private commit(events: readonly JournalEvent[]): void {
    this.ledger.commitOutsideBar((batch) => {
      batch.brokerEvents = [];
      for (const event of events) {
        batch.brokerEvents.push(this.journal.entry(event, this.host.barTimesDone()));
        this.apply(event);
      }
    });
  }

  private apply(event: JournalEvent): void {
    if (event.kind !== 'adopted') {
      this.venue.apply(event);
      return;
    }
    this.book.adopt(event.positions, this.host.lastBarTime());
  }
}
