// One live run of a session: the synthetic market ticking into the same Engine a backtest uses, every bar's
// events committed to the SQLite ledger in one transaction, then pushed to the UI. Crash recovery replays the
// bars the ledger holds through a fresh engine (deterministic ids and randomness) and compares the result.

import type { PushPublisher } from '../../shared/api/ports';
import type { Bar, BarSeries, Timeframe } from '../../shared/domain/bars';
import type { AlertSeverity, OrderRow, PositionRow, SessionStatus } from '../../shared/domain/session';
import type { Order, RiskState } from '../../shared/domain/trading';
import { seededRandom } from '../../shared/random';
import {
  type BrokerListener,
  type BrokerTradeUpdate,
  positionKey,
  type StreamState,
} from '../adapters/alpaca/broker';
import type { AdoptedPosition } from '../adapters/alpaca/reconcile';
import type { AlpacaSessionLink } from '../adapters/alpaca/run-link';
import { AlpacaVenue, type BrokerEvent } from '../adapters/alpaca/venue';
import { LiveIndicators } from '../charts/live-indicators';
import { Engine } from '../engine/engine';
import type { EngineEvent, LedgerSink } from '../engine/events';
import { sequentialIds } from '../engine/ids';
import type { WorkingOrder } from '../engine/orders';
import { simVenue } from '../engine/sim-venue';
import type { OrderIntent, Strategy, StrategyContext } from '../engine/strategy';
import type { Venue } from '../engine/venue';
import type { Logger } from '../log/logger';
import type { LedgerBatch, SessionRepo } from '../store/session-repo';
import { getStrategy } from '../strategies';
import type { SessionConfig } from '../strategies/run-config';
import { driftScore, expectedBarReturn, type ReturnExpectation } from './expectation';
import {
  barIntervalMs,
  createTicker,
  type LiveMarket,
  ReplayMarket,
  SyntheticMarket,
  systemTimers,
  type Ticker,
  type TimerFunctions,
} from './synthetic-live-feed';
import { holdingDeadline, type TradePlan, tradePlanIntents } from './trade-plan';

/** Bars a run can hold per symbol; a longer run is stopped with a message rather than growing without bound. */
export const BAR_CAPACITY = 200_000;

export type RunStatus = Extract<SessionStatus, 'running' | 'paused' | 'stopping' | 'stopped' | 'failed'>;
/** A user action, applied at the next bar time and recorded so a replay applies it at the same bar. */
type Control =
  | { readonly kind: 'flatten' }
  | { readonly kind: 'reset-halt' }
  | { readonly kind: 'cancel-order'; readonly orderId: string }
  | { readonly kind: 'trade-plan'; readonly plan: TradePlan }
  /** A pushed (real) market keeps moving while paused: the strategies still see bars but send nothing. */
  | { readonly kind: 'hold'; readonly holding: boolean };

/** The identifiers of a new run; its ids (orders, client order ids) start with `idPrefix`. */
export interface RunIds {
  readonly runId: string;
  readonly sessionId: string;
  readonly sessionVersion: number;
  readonly idPrefix: string;
}

/** Journal entries that are not broker events: the positions a run adopted at its start. */
type JournalEvent =
  | BrokerEvent
  | { readonly kind: 'adopted'; readonly positions: readonly AdoptedPosition[] };

export interface RuntimeDeps {
  readonly repo: SessionRepo;
  readonly pushes: PushPublisher;
  readonly log: Logger;
  readonly now: () => number;
  readonly timers?: TimerFunctions;
  /** Told whenever the run's status or risk state changes (the service keeps its list current). */
  readonly onChange?: (runtime: SessionRuntime) => void;
  /** Alpaca paper runs: the broker, the feed and the warm-up history. */
  readonly alpaca?: AlpacaSessionLink;
}

/** Bar columns that grow in place up to a fixed capacity: the engine's bar views keep pointing at them. */
class LiveSeries implements BarSeries {
  readonly time = new Float64Array(BAR_CAPACITY);
  readonly open = new Float64Array(BAR_CAPACITY);
  readonly high = new Float64Array(BAR_CAPACITY);
  readonly low = new Float64Array(BAR_CAPACITY);
  readonly close = new Float64Array(BAR_CAPACITY);
  readonly volume = new Float64Array(BAR_CAPACITY);
  length = 0;

  constructor(
    readonly symbol: string,
    readonly timeframe: Timeframe,
  ) {}

  append(bar: Bar): void {
    const k = this.length;
    this.time[k] = bar.time;
    this.open[k] = bar.open;
    this.high[k] = bar.high;
    this.low[k] = bar.low;
    this.close[k] = bar.close;
    this.volume[k] = bar.volume;
    this.length = k + 1;
  }
}

/**
 * Wraps a strategy so the user can flatten: while flattening, the strategy still sees every bar (its indicators
 * stay current) but its intents are replaced by a close of the whole position.
 */
class ControlledStrategy implements Strategy {
  flattening = false;
  /** Paused on a real market: indicators stay current, nothing is sent. */
  holding = false;
  /** Trade-plan intents waiting for the next bar close. */
  private injected: OrderIntent[] = [];
  /** When a trade-plan position must be closed (its expected holding time), or +∞. */
  private deadline = Number.POSITIVE_INFINITY;
  private readonly close: Record<'sell' | 'buy', readonly OrderIntent[]>;
  private readonly expired: Record<'sell' | 'buy', readonly OrderIntent[]>;

  constructor(
    private readonly inner: Strategy,
    symbol: string,
  ) {
    const reason = 'flatten requested by the user';
    this.close = {
      sell: [{ symbol, side: 'sell', purpose: 'close', reason }],
      buy: [{ symbol, side: 'buy', purpose: 'close', reason }],
    };
    const held = 'trade plan: expected holding time reached';
    this.expired = {
      sell: [{ symbol, side: 'sell', purpose: 'close', reason: held }],
      buy: [{ symbol, side: 'buy', purpose: 'close', reason: held }],
    };
  }

  inject(intents: readonly OrderIntent[], deadline: number): void {
    this.injected.push(...intents);
    this.deadline = Math.min(this.deadline, deadline);
  }

  onBar(ctx: StrategyContext): readonly OrderIntent[] | undefined {
    const intents = this.inner.onBar(ctx);
    if (this.holding && !this.flattening) return undefined;
    if (this.flattening) {
      this.injected = [];
      if (ctx.position === 0) return undefined;
      return ctx.position > 0 ? this.close.sell : this.close.buy;
    }
    if (ctx.bar.time >= this.deadline && this.injected.length === 0) {
      this.deadline = Number.POSITIVE_INFINITY;
      if (ctx.position !== 0) return ctx.position > 0 ? this.expired.sell : this.expired.buy;
    }
    if (this.injected.length === 0) return intents;
    const planned = this.injected;
    this.injected = [];
    return intents === undefined ? planned : [...intents, ...planned];
  }
}

/** A user's cancel as the ledger records it; the order id is read back from it on replay. */
const cancelReason = (orderId: string): string => `cancel of ${orderId} requested by the user`;
const CANCEL_REASON = /^cancel of (\S+) requested by the user$/;

/** The control a recorded user event stands for (replay), or undefined for other risk events. */
function controlOf(kind: string, reason: string): Control | undefined {
  if (kind === 'user-flatten') return { kind: 'flatten' };
  if (kind === 'user-reset-halt') return { kind: 'reset-halt' };
  if (kind === 'user-cancel-order') {
    const orderId = CANCEL_REASON.exec(reason)?.[1];
    return orderId === undefined ? undefined : { kind: 'cancel-order', orderId };
  }
  if (kind === 'user-trade-plan') return { kind: 'trade-plan', plan: JSON.parse(reason) as TradePlan };
  if (kind === 'user-pause') return { kind: 'hold', holding: true };
  if (kind === 'user-resume') return { kind: 'hold', holding: false };
  return undefined;
}

export function orderRow(order: Order, updatedAt: number): OrderRow {
  return {
    id: order.id,
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    role: order.role,
    qty: order.qty,
    filledQty: order.filledQty,
    limitPrice: order.limitPrice ?? null,
    stopPrice: order.stopPrice ?? null,
    avgFillPrice: order.filledQty > 0 ? order.avgFillPrice : null,
    status: order.status,
    statusReason: order.statusReason ?? null,
    createdAt: order.createdAt,
    updatedAt,
  };
}

function emptyBatch(): LedgerBatch {
  return {
    bars: [],
    barTimes: 0,
    orders: [],
    fills: [],
    trades: [],
    positions: [],
    riskEvents: [],
    alerts: [],
  };
}

const utcDay = (time: number): string => new Date(time).toISOString().slice(0, 10);

export class SessionRuntime implements LedgerSink, BrokerListener {
  status: RunStatus = 'running';
  /** Differences found by recovery, in words; empty for a clean run. */
  readonly reconciliation: string[] = [];
  readonly orderUpdates = 'all' as const;

  private readonly engine: Engine<Venue>;
  private readonly series: LiveSeries[];
  private readonly controlled: ControlledStrategy[];
  /** The synthetic and replay markets tick; an Alpaca feed pushes (then market is null). */
  private readonly market: LiveMarket | null;
  private readonly intervalMs: number;
  private readonly ticker: Ticker;
  /** Alpaca paper runs: the venue that sends orders to the account, and its link. */
  private readonly alpacaVenue: AlpacaVenue | undefined;
  private readonly link: AlpacaSessionLink | undefined;
  /** Bar times processed (ledger bars), the journal's clock: an event applied after N bar times replays there. */
  private barTimesDone = 0;
  private journalSeq = 0;
  private draining = false;
  private resyncing: Promise<void> | undefined;
  private resyncAgain = false;
  private mismatchAlerted = '';
  private closed = false;
  /** The market-data feed dropped after it had worked (cleared when it is back). */
  private feedLost = false;
  private readonly warmupBars: number;
  /** The strategies' indicators as the chart draws them, fed every processed bar (see live-indicators.ts). */
  private readonly chartIndicators: LiveIndicators;
  private nextIndex = 0;
  private batch: LedgerBatch = emptyBatch();
  /** True while replaying the ledger after a crash: events are recomputed, not written again. */
  private replaying = false;
  private tradeSeq = 0;
  private pendingControls: Control[] = [];
  private stopWhenFlat = false;
  /** Denial reasons already alerted since the last reset: an alert fires once per trip, not once per bar. */
  private readonly alertedDenials = new Set<string>();
  private day = '';
  private dayStartEquity: number;
  private dayStartRealized = 0;
  private dayStartFees = 0;
  private dayStartTrades = 0;
  /** Equity at the close of the previous bar time: the day-start equity when a new day begins. */
  private previousEquity: number;
  private onReplayEvent: ((event: EngineEvent) => void) | undefined;
  /** The backtest expectation of per-bar returns the drift alert measures against (synthetic feeds only). */
  private readonly expectation: ReturnExpectation | null;
  private summedReturn = 0;
  private returnBars = 0;
  private driftAlerted = false;
  /** Wall-clock time of the last bar released, for the stalled-feed watchdog. */
  private lastBarAt = 0;
  private stallAlerted = false;
  private watchdog: unknown;

  private constructor(
    readonly runId: string,
    readonly sessionId: string,
    readonly config: SessionConfig,
    idPrefix: string,
    private readonly deps: RuntimeDeps,
  ) {
    this.series = config.symbols.map((symbol) => new LiveSeries(symbol, config.timeframe));
    this.chartIndicators = new LiveIndicators(config);
    let warmup = 0;
    const markets = this.series.map((series) => {
      const choice = config.strategies[series.symbol] ?? config.strategy;
      const definition = getStrategy(choice.id);
      const params = definition.params.parse(choice.params);
      const strategy = new ControlledStrategy(
        definition.create(params as never, series.symbol),
        series.symbol,
      );
      const bars = definition.warmup(params as never);
      warmup = Math.max(warmup, bars);
      return { series, strategy, warmup: bars };
    });
    this.controlled = markets.map((m) => m.strategy);
    this.warmupBars = warmup;
    const engineOptions = {
      markets,
      cash: config.cash,
      risk: config.risk,
      ids: sequentialIds(idPrefix),
      sink: this,
      closeAtEnd: false,
    };
    const link = deps.alpaca;
    if (config.venueKind === 'alpaca-paper') {
      if (link === undefined) throw new Error('an Alpaca paper run needs the Alpaca link (keys, feed)');
      const hooks = {
        wake: () => this.scheduleDrain(),
        note: (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) =>
          deps.log[level](message, { runId: this.runId, ...fields }),
        now: () => this.lastBarTime(),
      };
      const engine = new Engine<AlpacaVenue>(
        engineOptions,
        (reports, symbols) => new AlpacaVenue(reports, symbols, link.broker, hooks),
      );
      this.engine = engine;
      this.alpacaVenue = engine.venue;
      this.link = link;
    } else {
      this.engine = new Engine(engineOptions, simVenue(config.venue, seededRandom(config.seed)));
      this.alpacaVenue = undefined;
      this.link = undefined;
    }
    this.dayStartEquity = config.cash;
    this.previousEquity = config.cash;
    const feed = config.feed;
    this.market =
      feed.kind === 'synthetic-live'
        ? new SyntheticMarket(feed.seed, config.symbols, config.timeframe, config.calendar)
        : feed.kind === 'replay'
          ? new ReplayMarket(feed.files, config.symbols, config.timeframe)
          : null;
    this.intervalMs = barIntervalMs(config.timeframe, feed.kind === 'alpaca' ? 1 : feed.speed);
    this.ticker = createTicker(this.intervalMs, deps.timers);
    this.expectation = feed.kind === 'synthetic-live' ? expectedBarReturn(config) : null;
  }

  /** Records a new run (its config snapshot) and builds its runtime. */
  private static begin(ids: RunIds, config: SessionConfig, deps: RuntimeDeps): SessionRuntime {
    deps.repo.startRun({
      id: ids.runId,
      sessionId: ids.sessionId,
      sessionVersion: ids.sessionVersion,
      config,
      idPrefix: ids.idPrefix,
      startedAt: deps.now(),
      cash: config.cash,
    });
    return new SessionRuntime(ids.runId, ids.sessionId, config, ids.idPrefix, deps);
  }

  /** A new run: records it, releases the warm-up history at once, then ticks. */
  static start(ids: RunIds, config: SessionConfig, deps: RuntimeDeps): SessionRuntime {
    const runtime = SessionRuntime.begin(ids, config, deps);
    // History so the strategies are warm when live bars start: they cannot trade before their warm-up anyway.
    for (let k = 0; k < runtime.warmupBars; k++) runtime.tick();
    runtime.resumeTicking();
    return runtime;
  }

  /**
   * A new run on the Alpaca paper account: adopts the positions the user accepted, connects the trading stream
   * (orders only go out while it is authorized), warms the strategies up on recent history, then follows the feed.
   */
  static async startOnAlpaca(
    ids: RunIds,
    config: SessionConfig,
    deps: RuntimeDeps,
    adopted: readonly AdoptedPosition[],
  ): Promise<SessionRuntime> {
    const link = deps.alpaca;
    if (link === undefined) throw new Error('an Alpaca paper run needs the Alpaca link (keys, feed)');
    const runtime = SessionRuntime.begin(ids, config, deps);
    try {
      // Orders go out only while the stream is authorized, so none of their updates can be missed.
      await link.broker.connect(runtime);
      if (adopted.length > 0) runtime.journalNow({ kind: 'adopted', positions: adopted });
      for (const group of await link.history(runtime.warmupBars)) {
        if (group.length > 0) runtime.processBarTime(group);
      }
      await runtime.followFeed();
    } catch (error) {
      runtime.finish(
        'failed',
        `could not start on Alpaca: ${error instanceof Error ? error.message : String(error)}`,
      );
      await runtime.closeLink();
      throw error;
    }
    return runtime;
  }

  /**
   * Start-up after a stop or a crash: replay the bars the ledger holds, compare the recomputed account with the
   * stored one (differences become the reconciliation report), then continue as the run was, or wait paused.
   */
  static recover(
    run: { id: string; sessionId: string; idPrefix: string; status: string; cash: number; equity: number },
    config: SessionConfig,
    deps: RuntimeDeps,
  ): SessionRuntime {
    const runtime = new SessionRuntime(run.id, run.sessionId, config, run.idPrefix, deps);
    runtime.replay();
    const paused = run.status === 'paused' || config.resume === 'ask';
    runtime.status = paused ? 'paused' : 'running';
    deps.repo.setRunStatus(run.id, paused ? 'paused' : 'running', deps.now());
    if (runtime.alpacaVenue !== undefined) {
      if (paused) runtime.pendingControls.push({ kind: 'hold', holding: true });
      void runtime.reattach();
    } else if (!paused) runtime.resumeTicking();
    return runtime;
  }

  /**
   * After a restart on Alpaca: reconnect the stream, then settle every order the replay left in doubt — found by
   * its client order id, or sent again under that same id (Alpaca refuses a second order with it), or, when too
   * old to send, closed as lost — and read the working ones' state; then follow the feed again.
   */
  private async reattach(): Promise<void> {
    const link = this.link!;
    const venue = this.alpacaVenue!;
    try {
      await link.broker.connect(this);
      const timeoutMs = this.config.orderTimeoutMinutes * 60_000;
      for (const order of venue.markInDoubt()) {
        const found = await link.broker.orderByClientId(order.clientOrderId);
        if (found !== null) {
          venue.push({ kind: 'placed', clientOrderId: order.clientOrderId, order: found });
        } else if (order.role !== 'entry' || this.lastBarTime() - order.createdAt < timeoutMs) {
          this.deps.log.info('order not at Alpaca after the restart; sending it again under its id', {
            runId: this.runId,
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
      await this.followFeed();
    } catch (error) {
      this.deps.log.error('could not reattach the run to Alpaca', { runId: this.runId, error });
      this.alertNow(
        'critical',
        'broker-unreachable',
        `could not reconnect to Alpaca: ${error instanceof Error ? error.message : String(error)}; the run is paused`,
      );
      this.setStatus('paused');
    }
  }

  /** Subscribes to the pushed feed; bars arrive as groups per bar time. */
  private async followFeed(): Promise<void> {
    const link = this.link!;
    let feedWasConnected = false;
    this.lastBarAt = this.deps.now();
    await link.feed.start({
      onBars: (_time, bars) => {
        if (this.closed || this.status === 'stopped' || this.status === 'failed') return;
        try {
          this.lastBarAt = this.deps.now();
          if (bars.length > 0) this.processBarTime(bars);
          if (this.stopWhenFlat && this.flat) this.finish('stopped', 'stopped by the user after flattening');
        } catch (error) {
          this.deps.log.error('session run failed', { runId: this.runId, error });
          this.finish('failed', `the run failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
      onStatus: (status) => {
        this.deps.log[status.connected ? 'info' : 'warn']('market data', {
          runId: this.runId,
          message: status.message,
        });
        // Connecting at the start is not news; losing a connection that worked is, once, until it is back.
        if (!status.connected && feedWasConnected && !this.feedLost) {
          this.feedLost = true;
          this.alertNow('warning', 'feed-disconnected', status.message);
        } else if (status.connected && this.feedLost) {
          this.feedLost = false;
          this.alertNow('info', 'feed-resumed', status.message);
        }
        if (status.connected) feedWasConnected = true;
      },
    });
  }

  /** The newest bar time the run has seen (broker events carry no bar), or now before the first bar. */
  private lastBarTime(): number {
    let latest = 0;
    for (const series of this.series) {
      if (series.length > 0) latest = Math.max(latest, series.time[series.length - 1]!);
    }
    return latest > 0 ? latest : this.deps.now();
  }

  private async closeLink(): Promise<void> {
    if (this.link === undefined || this.closed) return;
    this.closed = true;
    this.link.broker.close();
    await this.link.feed.stop().catch(() => undefined);
    await this.link.close().catch(() => undefined);
  }

  // ---- the broker's side: events journaled, then applied, then committed like a bar ----

  onTradeUpdate(update: BrokerTradeUpdate): void {
    this.alpacaVenue?.push({
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
    if (this.closed) return;
    if (state === 'disconnected') this.alertNow('warning', 'broker-stream', detail.message);
    else if (state === 'authorized' && detail.reconnected)
      this.alertNow('info', 'broker-stream', detail.message);
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
    const run = async () => {
      const venue = this.alpacaVenue;
      const broker = this.link?.broker;
      if (venue === undefined || broker === undefined) return;
      this.deps.log.info('resync with Alpaca', { runId: this.runId, reason });
      do {
        this.resyncAgain = false;
        // One request for every open order (legs nested); only orders that closed since are read one by one,
        // so a resync costs a few requests of the key's 200 a minute, not one per working order.
        const open = await broker.openOrders();
        const seen = new Set<string>();
        for (const order of open) {
          seen.add(order.id);
          for (const leg of order.legs) seen.add(leg.id);
          venue.push({ kind: 'update', order, time: order.updatedAt || this.lastBarTime() });
        }
        for (const order of venue.trackedOrders()) {
          if (order.isDone || this.closed) continue;
          const brokerId = venue.brokerId(order);
          if (brokerId !== undefined) {
            if (seen.has(brokerId)) continue;
            const state = await broker.order(brokerId);
            venue.push({ kind: 'update', order: state, time: state.updatedAt || this.lastBarTime() });
          } else if (venue.isIdleUnknown(order)) {
            const found = await broker.orderByClientId(order.clientOrderId);
            if (found !== null)
              venue.push({ kind: 'placed', clientOrderId: order.clientOrderId, order: found });
            else venue.resend(order);
          }
        }
      } while (this.resyncAgain && !this.closed);
      await this.drained();
      await this.checkPositions();
    };
    this.resyncing = run()
      .catch((error: unknown) => {
        this.deps.log.warn('resync with Alpaca failed', { runId: this.runId, error });
      })
      .finally(() => {
        this.resyncing = undefined;
      });
    return this.resyncing;
  }

  /** Alerts when the account's position in a session symbol differs from the run's (once per difference). */
  private async checkPositions(): Promise<void> {
    const broker = this.link?.broker;
    const venue = this.alpacaVenue;
    if (broker === undefined || venue === undefined || venue.unresolved.length > 0) return;
    const held = new Map((await broker.positions()).map((p) => [positionKey(p.symbol), p.qty]));
    const portfolio = this.engine.portfolio;
    const differences: string[] = [];
    portfolio.symbols.forEach((symbol, s) => {
      const there = held.get(positionKey(symbol)) ?? 0;
      if (Math.abs(there - portfolio.qty[s]!) > 1e-9) {
        differences.push(`${symbol}: Alpaca holds ${there}, the run ${portfolio.qty[s]}`);
      }
    });
    const text = differences.join('; ');
    if (text !== '' && text !== this.mismatchAlerted) {
      this.alertNow('warning', 'position-mismatch', `positions differ from the Alpaca account: ${text}`);
    }
    this.mismatchAlerted = text;
  }

  /** Resolves once every queued broker event has been applied and committed. */
  async drained(): Promise<void> {
    while (this.alpacaVenue?.hasEvents || this.draining) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private scheduleDrain(): void {
    if (this.draining || this.replaying) return;
    this.draining = true;
    queueMicrotask(() => {
      this.draining = false;
      if (this.closed && this.status !== 'running') return;
      try {
        this.drainBrokerEvents();
      } catch (error) {
        this.deps.log.error('applying broker events failed', { runId: this.runId, error });
        this.finish('failed', `the run failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }

  /** One transaction: the journal entries, the order changes and fills they cause, positions and equity. */
  private drainBrokerEvents(): void {
    const venue = this.alpacaVenue;
    if (venue === undefined) return;
    const events = venue.takeEvents();
    if (events.length === 0) return;
    const batch = emptyBatch();
    this.batch = batch;
    batch.brokerEvents = [];
    for (const event of events) {
      batch.brokerEvents.push(this.journalEntry(event));
      venue.apply(event);
    }
    this.commitOutsideBar(batch);
    venue.flush();
  }

  /** Journals and applies one event at once (the positions adopted at the start). */
  private journalNow(event: JournalEvent): void {
    const batch = emptyBatch();
    this.batch = batch;
    batch.brokerEvents = [this.journalEntry(event)];
    this.applyJournal(event);
    this.commitOutsideBar(batch);
  }

  private journalEntry(event: JournalEvent) {
    return {
      seq: ++this.journalSeq,
      afterBars: this.barTimesDone,
      kind: event.kind,
      event: JSON.stringify(event),
      recordedAt: this.deps.now(),
    };
  }

  private applyJournal(event: JournalEvent): void {
    if (event.kind === 'adopted') {
      const portfolio = this.engine.portfolio;
      for (const p of event.positions) {
        const s = portfolio.symbols.indexOf(p.symbol);
        if (s < 0 || p.qty === 0) continue;
        // Bought at the account's average entry price, so the run's equity starts at its capital.
        portfolio.applyFill(
          s,
          p.qty > 0 ? 'buy' : 'sell',
          Math.abs(p.qty),
          p.avgPrice,
          0,
          this.lastBarTime(),
          0,
          'signal',
        );
        portfolio.mark(s, p.avgPrice);
      }
      portfolio.markToMarket();
      return;
    }
    this.alpacaVenue?.apply(event);
  }

  /** Commits a batch that closes no bar (broker events, adopted positions) and pushes what changed. */
  private commitOutsideBar(batch: LedgerBatch): void {
    const portfolio = this.engine.portfolio;
    portfolio.markToMarket();
    const time = this.lastBarTime();
    const equity = this.equity;
    const positions = this.positions();
    batch.positions.push(...positions);
    batch.account = {
      cash: portfolio.cash,
      equity,
      dayStartEquity: this.dayStartEquity,
      riskState: this.riskState,
      riskReason: this.riskReason,
      lastBarTime: time,
    };
    if (this.replaying) return;
    const committed = this.deps.repo.commitBar(this.runId, batch);
    this.publishBatch(batch, committed.alertIds, [], [], time, equity, positions);
  }

  private replay(): void {
    const { repo } = this.deps;
    const controls = new Map<number, Control[]>();
    // riskEvents reads newest first; controls must be replayed in the order the user gave them.
    for (const event of repo.riskEvents(this.runId, Number.POSITIVE_INFINITY).reverse()) {
      const control = controlOf(event.kind, event.reason);
      if (control === undefined) continue;
      const list = controls.get(event.time) ?? [];
      list.push(control);
      controls.set(event.time, list);
    }
    const rows = repo.allBars(this.runId);
    const journal = repo.brokerEvents(this.runId);
    let next = 0;
    const applyJournalUpTo = (afterBars: number) => {
      while (next < journal.length && journal[next]!.afterBars <= afterBars) {
        const entry = journal[next++]!;
        this.journalSeq = entry.seq;
        this.applyJournal(JSON.parse(entry.event) as JournalEvent);
        this.alpacaVenue?.flush();
      }
    };
    this.replaying = true;
    if (this.alpacaVenue !== undefined) this.alpacaVenue.replaying = true;
    let replayedFills = 0;
    const countFills = (event: EngineEvent) => {
      if (event.kind === 'fill') replayedFills++;
    };
    this.onReplayEvent = countFills;
    try {
      for (let start = 0; start < rows.length; ) {
        const time = rows[start]!.time;
        let end = start;
        while (end < rows.length && rows[end]!.time === time) end++;
        applyJournalUpTo(this.barTimesDone);
        this.pendingControls = controls.get(time) ?? [];
        this.processBarTime(rows.slice(start, end));
        this.nextIndex++;
        start = end;
      }
      applyJournalUpTo(Number.POSITIVE_INFINITY);
    } finally {
      this.replaying = false;
      if (this.alpacaVenue !== undefined) this.alpacaVenue.replaying = false;
      this.onReplayEvent = undefined;
    }
    const storedFills = repo.fillCount(this.runId);
    if (storedFills !== replayedFills) {
      this.reconciliation.push(
        `the ledger holds ${storedFills} fills; replaying its ${this.nextIndex} bars gives ${replayedFills}`,
      );
    }
    const stored = repo.getRun(this.runId);
    const portfolio = this.engine.portfolio;
    if (stored && Math.abs(stored.cash - portfolio.cash) > 1e-6) {
      this.reconciliation.push(
        `cash: the ledger says ${stored.cash.toFixed(2)}, the replay ${portfolio.cash.toFixed(2)}`,
      );
    }
    const storedPositions = new Map(repo.positions(this.runId).map((p) => [p.symbol, p.qty]));
    portfolio.symbols.forEach((symbol, s) => {
      const was = storedPositions.get(symbol) ?? 0;
      if (Math.abs(was - portfolio.qty[s]!) > 1e-9) {
        this.reconciliation.push(`${symbol}: the ledger holds ${was}, the replay ${portfolio.qty[s]}`);
      }
    });
    if (this.reconciliation.length > 0) {
      this.deps.log.warn('recovery found differences', {
        runId: this.runId,
        differences: this.reconciliation,
      });
    }
  }

  get riskState(): RiskState {
    return this.engine.riskState;
  }

  get riskReason(): string | null {
    return this.engine.gateway.stateReason === '' ? null : this.engine.gateway.stateReason;
  }

  get equity(): number {
    return this.engine.portfolio.markedEquity[0]!;
  }

  get cash(): number {
    return this.engine.portfolio.cash;
  }

  get currentDayStartEquity(): number {
    return this.dayStartEquity;
  }

  get barTimes(): number {
    return this.nextIndex;
  }

  positions(): PositionRow[] {
    const p = this.engine.portfolio;
    return p.symbols.map((symbol, s) => {
      const qty = p.qty[s]!;
      const last = p.lastPrice[s]!;
      return {
        symbol,
        qty,
        avgPrice: p.avgPrice[s]!,
        lastPrice: last,
        marketValue: qty * last,
        unrealizedPnl: qty * (last - p.avgPrice[s]!),
        realizedPnl: p.realizedGross[s]!,
      };
    });
  }

  private get flat(): boolean {
    return this.engine.portfolio.openPositions === 0;
  }

  // ---- user controls: applied at the next bar time, and recorded so a replay applies them at the same bar ----

  pause(): void {
    if (this.status !== 'running') return;
    if (this.market === null) {
      // A real market does not pause: bars keep coming, the strategies stop sending orders.
      this.pendingControls.push({ kind: 'hold', holding: true });
      this.setStatus('paused');
      return;
    }
    this.ticker.stop();
    this.stopWatchdog();
    this.setStatus('paused');
  }

  resume(): void {
    if (this.status !== 'paused') return;
    this.setStatus('running');
    if (this.market === null) {
      this.pendingControls.push({ kind: 'hold', holding: false });
      return;
    }
    this.resumeTicking();
  }

  flatten(): void {
    this.pendingControls.push({ kind: 'flatten' });
  }

  resetHalt(): void {
    this.pendingControls.push({ kind: 'reset-halt' });
  }

  /** The run's working order with this id, if there is one now. */
  workingOrder(orderId: string): WorkingOrder | undefined {
    const venue = this.engine.venue;
    for (let s = 0; s < this.series.length; s++) {
      const order = venue.workingOrders(s).find((o) => o.id === orderId);
      if (order) return order;
    }
    return undefined;
  }

  /** Cancels a working order at the next bar time (like every user action, so a replay cancels it there too). */
  cancelOrder(orderId: string): void {
    this.pendingControls.push({ kind: 'cancel-order', orderId });
  }

  /** Executes a validated trade plan from the next bar: its entries, stops and targets, and its holding times. */
  executePlan(plan: TradePlan): void {
    this.pendingControls.push({ kind: 'trade-plan', plan });
  }

  /** Stops now, or (with flatten) once the positions are closed at the next bars. */
  stop(flatten: boolean, reason = 'stopped by the user'): void {
    if (flatten && !this.flat) {
      this.stopWhenFlat = true;
      this.flatten();
      this.setStatus('stopping');
      if (this.market === null) this.pendingControls.push({ kind: 'hold', holding: false });
      else this.resumeTicking();
      return;
    }
    this.finish('stopped', reason);
  }

  /** App shutdown: stop the clock, keep the run's status, so the next start resumes it (crash-only design). */
  suspend(): void {
    this.ticker.stop();
    this.stopWatchdog();
    void this.closeLink();
  }

  private finish(status: 'stopped' | 'failed', reason: string): void {
    this.ticker.stop();
    this.stopWatchdog();
    void this.closeLink();
    this.deps.repo.setRunStatus(this.runId, status, this.deps.now(), reason);
    this.setStatus(status, reason);
  }

  private resumeTicking(): void {
    if (this.market === null) return;
    this.lastBarAt = this.deps.now();
    this.startWatchdog();
    this.ticker.start(() => {
      try {
        this.tick();
      } catch (error) {
        this.deps.log.error('session run failed', { runId: this.runId, error });
        this.finish('failed', `the run failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }

  private setStatus(status: RunStatus, message?: string): void {
    this.status = status;
    this.deps.pushes.publish('session-state', {
      sessionId: this.sessionId,
      runId: this.runId,
      status,
      riskState: this.riskState,
      ...(message !== undefined && { message }),
    });
    this.deps.onChange?.(this);
  }

  /** Warns once when the feed goes quiet for `stallAlertBars` bar intervals while the run is running. */
  private startWatchdog(): void {
    if (this.watchdog !== undefined) return;
    const timers = this.deps.timers ?? systemTimers;
    this.watchdog = timers.setInterval(
      () => {
        const quietMs = this.deps.now() - this.lastBarAt;
        if (
          this.status !== 'running' ||
          this.stallAlerted ||
          quietMs <= this.config.stallAlertBars * this.intervalMs
        )
          return;
        this.stallAlerted = true;
        this.alertNow(
          'warning',
          'feed-stalled',
          `no bar for ${Math.round(quietMs / 1000)} s (expected one every ${Math.round(this.intervalMs)} ms)`,
        );
      },
      Math.max(this.intervalMs, 250),
    );
  }

  private stopWatchdog(): void {
    if (this.watchdog === undefined) return;
    const timers = this.deps.timers ?? systemTimers;
    timers.clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  /** An alert outside bar processing (the watchdog): committed and pushed on its own. */
  private alertNow(severity: AlertSeverity, kind: string, message: string): void {
    const batch = emptyBatch();
    const alert = { time: this.deps.now(), severity, kind, message };
    batch.alerts.push(alert);
    const [id] = this.deps.repo.commitBar(this.runId, batch).alertIds;
    if (id !== undefined) {
      this.deps.pushes.publish('alert', {
        sessionId: this.sessionId,
        alert: { id, runId: this.runId, acknowledged: false, ...alert },
      });
    }
  }

  /** Releases the next bar time of the synthetic market. */
  tick(): void {
    if (this.nextIndex >= BAR_CAPACITY) {
      this.finish(
        'stopped',
        `the run reached its capacity of ${BAR_CAPACITY} bars per symbol; start a new run`,
      );
      return;
    }
    if (this.market === null) return;
    const bars = this.market.barsAt(this.nextIndex);
    if (bars === null) {
      this.finish('stopped', 'the replay reached the end of its data');
      return;
    }
    this.lastBarAt = this.deps.now();
    if (this.stallAlerted) {
      this.stallAlerted = false;
      this.alertNow('info', 'feed-resumed', 'bars are arriving again');
    }
    if (bars.length === 0) {
      this.nextIndex++;
      return;
    }
    this.processBarTime(bars);
    this.nextIndex++;
    if (this.stopWhenFlat && this.flat) this.finish('stopped', 'stopped by the user after flattening');
  }

  /**
   * Test hook: multiplies `symbol`'s prices by `factor` from the next bar not yet released (synthetic runs only).
   * Not journaled: the shocked bars are in the ledger, but a run recovered after a restart ticks on unshocked.
   */
  shockMarket(symbol: string, factor: number): void {
    if (!(this.market instanceof SyntheticMarket)) {
      throw new Error(`only a synthetic market can be shocked; this run's feed is ${this.config.feed.kind}`);
    }
    this.market.shock(symbol, factor, this.nextIndex);
  }

  private processBarTime(bars: readonly (Bar & { symbol: string })[]): void {
    const time = bars[0]!.time;
    const batch = emptyBatch();
    this.batch = batch;
    const riskBefore = this.engine.riskState;
    for (const control of this.pendingControls.splice(0)) this.applyControl(control, time);
    const indicatorValues: ((number | null)[] | undefined)[] = [];
    for (const bar of bars) {
      const s = this.config.symbols.indexOf(bar.symbol);
      this.series[s]!.append(bar);
      batch.bars.push({ ...bar });
      indicatorValues.push(this.chartIndicators.step(bar.symbol, bar));
    }
    batch.barTimes = 1;
    this.barTimesDone++;
    while (this.engine.step()) {
      // one bar time per call; the loop drains what was appended
    }
    this.cancelStaleEntries(time);
    const portfolio = this.engine.portfolio;
    if (this.flat) for (const strategy of this.controlled) strategy.flattening = false;
    this.rollDay(time);
    const equity = this.equity;
    const positions = this.positions();
    batch.positions.push(...positions);
    batch.equity = { time, equity, cash: portfolio.cash };
    batch.account = {
      cash: portfolio.cash,
      equity,
      dayStartEquity: this.dayStartEquity,
      riskState: this.riskState,
      riskReason: this.riskReason,
      lastBarTime: time,
    };
    this.checkDrift(time, equity);
    this.previousEquity = equity;
    batch.daily = {
      day: this.day,
      startEquity: this.dayStartEquity,
      endEquity: equity,
      realizedPnl: portfolio.realizedNet - this.dayStartRealized,
      fees: portfolio.fees - this.dayStartFees,
      trades: this.tradeSeq - this.dayStartTrades,
    };
    if (this.replaying) {
      this.alpacaVenue?.flush();
      return;
    }

    const committed = this.deps.repo.commitBar(this.runId, batch);
    // Only now, with their intents and client order ids durable, do the bar's orders go to the broker.
    this.alpacaVenue?.flush();
    this.publishBatch(batch, committed.alertIds, bars, indicatorValues, time, equity, positions);
    if (this.engine.riskState !== riskBefore) this.setStatus(this.status);
  }

  private publishBatch(
    batch: LedgerBatch,
    alertIds: readonly number[],
    bars: readonly (Bar & { symbol: string })[],
    indicatorValues: readonly ((number | null)[] | undefined)[],
    time: number,
    equity: number,
    positions: PositionRow[],
  ): void {
    const { pushes } = this.deps;
    const sessionId = this.sessionId;
    bars.forEach((bar, k) => {
      const indicators = indicatorValues[k];
      pushes.publish('bar', { sessionId, ...bar, ...(indicators && { indicators }) });
    });
    for (const order of batch.orders)
      pushes.publish('order', { sessionId, order: orderRow(order, order.updatedAt) });
    for (const fill of batch.fills) pushes.publish('fill', { sessionId, fill });
    // Wall clock, not the run's clock: it measures the way to the screen, not market time.
    const sentAt = Date.now();
    pushes.publish('equity', {
      sessionId,
      time,
      equity,
      cash: this.engine.portfolio.cash,
      positions,
      sentAt,
    });
    batch.alerts.forEach((alert, k) => {
      const id = alertIds[k];
      if (id !== undefined) {
        pushes.publish('alert', {
          sessionId,
          alert: { id, runId: this.runId, acknowledged: false, ...alert },
        });
      }
    });
  }

  /** The simulated broker's timeout: an entry still unfilled `orderTimeoutMinutes` after it was sent is canceled. */
  private cancelStaleEntries(time: number): void {
    const timeoutMs = this.config.orderTimeoutMinutes * 60_000;
    const venue = this.engine.venue;
    for (let s = 0; s < this.series.length; s++) {
      for (const order of venue.workingOrders(s)) {
        if (order.role === 'entry' && time - order.createdAt >= timeoutMs) {
          venue.cancel(order, `unfilled ${this.config.orderTimeoutMinutes} min after it was sent`, time);
        }
      }
    }
  }

  /** Alerts once when the run's summed per-bar return leaves the expectation's band; re-arms inside it. */
  private checkDrift(time: number, equity: number): void {
    if (this.expectation === null || !(this.previousEquity > 0)) return;
    this.summedReturn += equity / this.previousEquity - 1;
    this.returnBars++;
    if (this.returnBars < 50) return;
    const z = driftScore(this.expectation, this.summedReturn, this.returnBars);
    const outside = Math.abs(z) > this.config.driftAlert;
    if (outside && !this.driftAlerted) {
      this.alert(
        time,
        'warning',
        'drift',
        `returns drift ${z.toFixed(1)}σ from the backtest expectation over ${this.returnBars} bars (band ±${this.config.driftAlert}σ)`,
      );
    }
    this.driftAlerted = outside;
  }

  private applyControl(control: Control, time: number): void {
    switch (control.kind) {
      case 'hold':
        for (const strategy of this.controlled) strategy.holding = control.holding;
        this.batch.riskEvents.push({
          time,
          kind: control.holding ? 'user-pause' : 'user-resume',
          reason: control.holding ? 'paused by the user' : 'resumed by the user',
        });
        return;
      case 'flatten':
        for (const strategy of this.controlled) strategy.flattening = true;
        // A halted account takes no orders at all; flattening asks for reducing-only instead.
        if (this.engine.riskState === 'HALTED') {
          this.engine.gateway.setState('REDUCING', 'flatten requested by the user', time);
        }
        this.batch.riskEvents.push({ time, kind: 'user-flatten', reason: 'flatten requested by the user' });
        return;
      case 'cancel-order': {
        // Filled or canceled meanwhile: nothing to do, but the request is still recorded (replay sees the same).
        const order = this.workingOrder(control.orderId);
        if (order) this.engine.venue.cancel(order, 'canceled by the user', time);
        this.batch.riskEvents.push({
          time,
          kind: 'user-cancel-order',
          reason: cancelReason(control.orderId),
        });
        return;
      }
      case 'reset-halt':
        this.engine.gateway.reset(time);
        this.alertedDenials.clear();
        this.batch.riskEvents.push({ time, kind: 'user-reset-halt', reason: 'reset requested by the user' });
        return;
      case 'trade-plan': {
        const { plan } = control;
        for (const row of plan.rows) {
          const s = this.config.symbols.indexOf(row.symbol);
          const series = this.series[s]!;
          const last = series.length > 0 ? series.close[series.length - 1]! : undefined;
          const intents = tradePlanIntents(row, last === undefined ? {} : { referencePrice: last });
          this.controlled[s]!.inject(intents, holdingDeadline(row, time, this.config.calendar));
        }
        // The plan itself is the event's text, so a replay after a crash executes the same rows at the same bar.
        this.batch.riskEvents.push({ time, kind: 'user-trade-plan', reason: JSON.stringify(plan) });
        return;
      }
    }
  }

  /** Day-start equity for the daily figures: the last equity of the previous UTC day, as the risk gateway counts. */
  private rollDay(time: number): void {
    const day = utcDay(time);
    if (day === this.day) return;
    const portfolio = this.engine.portfolio;
    if (this.day !== '') this.dayStartEquity = this.previousEquity;
    this.day = day;
    this.dayStartRealized = portfolio.realizedNet;
    this.dayStartFees = portfolio.fees;
    this.dayStartTrades = this.tradeSeq;
  }

  // ---- LedgerSink: the engine's events for this bar time, gathered into the bar's batch ----

  record(event: EngineEvent): void {
    this.onReplayEvent?.(event);
    const batch = this.batch;
    switch (event.kind) {
      case 'order': {
        batch.orders.push({ ...event.order, updatedAt: event.time });
        if (event.order.status === 'rejected') {
          this.alert(
            event.time,
            'warning',
            'order-rejected',
            `${event.order.symbol} ${event.order.side} ${event.order.qty} rejected: ${event.order.statusReason ?? 'no reason given'}`,
          );
        }
        return;
      }
      case 'fill': {
        const f = event.fill;
        batch.fills.push({
          executionId: f.executionId,
          orderId: f.orderId,
          symbol: f.symbol,
          side: f.side,
          qty: f.qty,
          price: f.price,
          fee: f.fee,
          time: f.time,
          decisionPrice: f.decisionPrice > 0 ? f.decisionPrice : null,
        });
        return;
      }
      case 'trade': {
        const t = event.trade;
        this.tradeSeq++;
        batch.trades.push({
          seq: this.tradeSeq,
          trade: {
            symbol: t.symbol,
            side: t.side,
            qty: t.qty,
            entryTime: t.entryTime,
            entryPrice: t.entryPrice,
            exitTime: t.exitTime,
            exitPrice: t.exitPrice,
            pnl: t.pnl,
            fees: t.fees,
            barsHeld: t.barsHeld,
            exitReason: t.exitReason,
          },
        });
        return;
      }
      case 'order-denied': {
        batch.riskEvents.push({ time: event.time, kind: 'order-denied', reason: event.reason });
        const kind = event.reason.split(':')[0]!;
        if (!this.alertedDenials.has(kind)) {
          this.alertedDenials.add(kind);
          this.alert(event.time, 'warning', 'order-denied', `${event.intent.symbol}: ${event.reason}`);
        }
        return;
      }
      case 'risk-state': {
        batch.riskEvents.push({
          time: event.time,
          kind: 'risk-state',
          fromState: event.from,
          toState: event.to,
          reason: event.reason,
        });
        const severity: AlertSeverity =
          event.to === 'HALTED' ? 'critical' : event.to === 'REDUCING' ? 'warning' : 'info';
        this.alert(
          event.time,
          severity,
          `risk-${event.to.toLowerCase()}`,
          `${event.from} → ${event.to}: ${event.reason}`,
        );
        return;
      }
    }
  }

  private alert(time: number, severity: AlertSeverity, kind: string, message: string): void {
    this.batch.alerts.push({ time, severity, kind, message });
  }
}
