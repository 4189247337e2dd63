// One live run of a session: a feed's bar times stepped through the same Engine a backtest uses, every bar time's
// events committed to the SQLite ledger in one transaction, then pushed to the UI (run-ledger.ts). Crash recovery
// replays the ledger through a fresh engine (run-journal.ts) and compares the result.

import type { PushPublisher } from '../../shared/api/ports';
import type { BarSeries } from '../../shared/domain/bars';
import type { ManualOrder, OrderChange } from '../../shared/domain/manual-order';
import type { LimitBasis, PositionRow, SessionStatus } from '../../shared/domain/session';
import type { RiskState } from '../../shared/domain/trading';
import { seededRandom } from '../../shared/random';
import type { AdoptedPosition } from '../adapters/alpaca/reconcile';
import type { AlpacaSessionLink } from '../adapters/alpaca/run-link';
import type { AlpacaVenue } from '../adapters/alpaca/venue';
import { LiveIndicators } from '../charts/live-indicators';
import { Engine } from '../engine/engine';
import { sequentialIds } from '../engine/ids';
import type { WorkingOrder } from '../engine/orders';
import { simVenue } from '../engine/sim-venue';
import type { Venue } from '../engine/venue';
import type { SymbolBar } from '../feeds/live-bar-assembler';
import type { TimerFunctions } from '../feeds/paced-feed';
import type { Logger } from '../log/logger';
import type { ModelAccess } from '../research/signal-models';
import type { SessionRepo } from '../store/session-repo';
import { buildMarkets } from '../strategies/market-builder';
import { type SessionConfig, tradingDayEndFor } from '../strategies/run-config';
import { modelResources, type SignalModel } from '../strategies/signal-model';
import { AlpacaRun, alpacaVenueFactory, portfolioBook } from './alpaca-run';
import { type LineCrossing, type PriceLineBook, PriceLineWatch } from './price-lines';
import { ControlledStrategy, RunControls } from './run-controls';
import { RunFeed } from './run-feed';
import { type ReplayCounts, recoveryAlert, replayDifferences, replayLedger } from './run-journal';
import { RunLedger } from './run-ledger';
import { BAR_CAPACITY, LiveSeries } from './run-markets';
import { RunMonitor } from './run-monitor';
import { RunOutputs } from './run-outputs';
import { portfolioAccount, positionRows } from './run-recorder';
import { ShadowTwin } from './shadow-twin';
import type { TradePlan } from './trade-plan';

export type RunStatus = Extract<SessionStatus, 'running' | 'paused' | 'stopping' | 'stopped' | 'failed'>;

/** The identifiers of a new run; its ids (orders, client order ids) start with `idPrefix`. */
export interface RunIds {
  readonly runId: string;
  readonly sessionId: string;
  readonly sessionVersion: number;
  readonly idPrefix: string;
}

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
  /** Replay runs: each symbol's bars, read off the main thread before the run starts (session-service.ts). */
  readonly replayBars?: readonly BarSeries[];
  /** The stored models the config's strategies name, resolved by the service, and where their predictions go. */
  readonly models?: { readonly resolved: readonly SignalModel[]; readonly access: ModelAccess };
  /** The trader's price lines, whose crossing alerts the run raises (price-lines.ts). */
  readonly priceLines?: PriceLineBook;
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class SessionRuntime {
  status: RunStatus = 'running';
  /** Differences found by recovery, in words; empty for a clean run. */
  readonly reconciliation: string[] = [];

  private readonly engine: Engine<Venue>;
  private readonly series: LiveSeries[];
  /** An Alpaca run's simulator twin (config.shadow), in memory; rebuilt by the ledger replay after a restart. */
  readonly twin: ShadowTwin | undefined;
  private readonly warmupBars: number;
  private readonly controls: RunControls;
  private readonly ledger: RunLedger;
  private readonly monitor: RunMonitor;
  private readonly feed: RunFeed;
  /** The strategies' indicators as the chart draws them, fed every processed bar (see charts/live-indicators.ts). */
  private readonly chartIndicators: LiveIndicators;
  /** The session's price lines with alerts, checked at each live bar's close. */
  private readonly priceLineWatch: PriceLineWatch | undefined;
  /** Alpaca paper runs: the account, its trading stream and the run's journal of broker events. */
  private readonly alpaca: AlpacaRun | undefined;
  /** Bar times processed (ledger bars), the journal's clock: an event applied after N bar times replays there. */
  private barTimesDone = 0;
  private stopWhenFlat = false;
  /** Model-driven runs: the strategies' predictions and notices (run-outputs.ts). */
  private readonly outputs: RunOutputs | undefined;

  private constructor(
    readonly runId: string,
    readonly sessionId: string,
    readonly config: SessionConfig,
    idPrefix: string,
    private readonly deps: RuntimeDeps,
  ) {
    const { log, now } = deps;
    this.series = config.symbols.map((symbol) => new LiveSeries(symbol, config.timeframe));
    this.chartIndicators = new LiveIndicators(config);
    this.priceLineWatch = deps.priceLines ? new PriceLineWatch(sessionId, deps.priceLines) : undefined;
    this.ledger = new RunLedger(
      runId,
      sessionId,
      config.cash,
      {
        account: () => portfolioAccount(this.engine.portfolio),
        markToMarket: () => this.engine.portfolio.markToMarket(),
        riskState: () => this.riskState,
        riskReason: () => this.riskReason,
        limitBasis: () => this.limitBasis,
        lastBarTime: () => this.lastBarTime(),
        drift: (previousEquity, equity) => this.monitor.drift(previousEquity, equity),
        sendOrders: () => this.alpaca?.venue.flush(),
      },
      deps,
    );
    const models = deps.models;
    this.outputs =
      models === undefined || models.resolved.length === 0
        ? undefined
        : new RunOutputs(sessionId, models.access, this.ledger.recorder);
    const resource = models === undefined ? undefined : modelResources(models.resolved);
    const strategyRun = this.outputs === undefined ? undefined : { resource, outputs: this.outputs };
    const markets = buildMarkets(config, this.series, strategyRun).markets.map((market) => ({
      ...market,
      strategy: new ControlledStrategy(market.strategy, market.series.symbol),
    }));
    this.warmupBars = Math.max(0, ...markets.map((market) => market.warmup));
    const engineOptions = {
      markets,
      cash: config.cash,
      risk: config.risk,
      tradingDayEnd: tradingDayEndFor(config.calendar, config.timeframe),
      ids: sequentialIds(idPrefix),
      sink: this.ledger.recorder,
      closeAtEnd: false,
    };
    const link = deps.alpaca;
    if (config.venueKind === 'alpaca-paper') {
      if (link === undefined) throw new Error('an Alpaca paper run needs the Alpaca link (keys, feed)');
      const lastBarTime = () => this.lastBarTime();
      const venues = alpacaVenueFactory(link, { runId, log, lastBarTime }, () => this.alpaca?.wake());
      const engine = new Engine<AlpacaVenue>(engineOptions, venues);
      this.engine = engine;
      this.alpaca = new AlpacaRun(link, engine.venue, portfolioBook(engine.portfolio), this.ledger, {
        runId,
        log,
        now,
        orderTimeoutMinutes: config.orderTimeoutMinutes,
        barTimesDone: () => this.barTimesDone,
        running: () => this.status === 'running',
        lastBarTime,
        warmUp: (bars) => this.processBarTime(bars),
        follow: () => this.feed.follow(),
        fail: (message) => this.finish('failed', message),
        pause: () => this.setStatus('paused'),
        closePositions: (reason, time) => {
          for (let s = 0; s < this.series.length; s++) engine.closePosition(s, reason, time);
        },
      });
    } else {
      this.engine = new Engine(
        engineOptions,
        simVenue(config.venue, seededRandom(config.seed), config.account),
      );
      this.alpaca = undefined;
    }
    // The twin reads the same series: each bar time the run appends, the twin steps on after the run.
    this.twin =
      config.shadow && this.alpaca !== undefined
        ? new ShadowTwin(config, this.series, resource === undefined ? undefined : { resource })
        : undefined;
    this.controls = new RunControls({
      engine: this.engine,
      strategies: markets.map((market) => market.strategy),
      series: this.series,
      calendar: config.calendar,
      onHaltReset: () => this.ledger.recorder.rearmDenialAlerts(),
    });
    this.monitor = new RunMonitor(
      {
        runId,
        config,
        ...(models !== undefined && { models: models.resolved }),
        running: () => this.status === 'running',
        alertNow: (severity, kind, message) => this.ledger.alertNow(severity, kind, message),
      },
      deps,
    );
    const realMarket = this.alpaca === undefined ? undefined : link?.feed;
    this.feed = new RunFeed(
      config,
      deps.timers,
      realMarket,
      this.monitor,
      {
        onBars: (_time, bars) => this.onBars(bars),
        onStatus: (status) => this.monitor.feedStatus(status),
        onEnd: () => this.stop(false, 'the replay reached the end of its data'),
      },
      deps.replayBars,
    );
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

  /** A new run: records it, releases the warm-up history at once, then follows its paced feed. */
  static start(ids: RunIds, config: SessionConfig, deps: RuntimeDeps): SessionRuntime {
    const runtime = SessionRuntime.begin(ids, config, deps);
    // History so the strategies are warm when live bars start: they cannot trade before their warm-up anyway.
    for (const bars of runtime.feed.warmup(runtime.warmupBars)) runtime.processBarTime(bars);
    runtime.feed.resume();
    return runtime;
  }

  /** A new run on the Alpaca paper account, with the positions the user accepted to adopt (see AlpacaRun.start). */
  static async startOnAlpaca(
    ids: RunIds,
    config: SessionConfig,
    deps: RuntimeDeps,
    adopted: readonly AdoptedPosition[],
  ): Promise<SessionRuntime> {
    if (deps.alpaca === undefined) throw new Error('an Alpaca paper run needs the Alpaca link (keys, feed)');
    const runtime = SessionRuntime.begin(ids, config, deps);
    const alpaca = runtime.alpaca!;
    try {
      await alpaca.start(adopted, runtime.warmupBars);
    } catch (error) {
      runtime.finish('failed', `could not start on Alpaca: ${reasonOf(error)}`);
      await alpaca.close();
      throw error;
    }
    return runtime;
  }

  /**
   * Start-up after a stop or a crash: replay the ledger, compare the recomputed account with the stored one (the
   * differences become the reconciliation report), then continue as the run was, or wait paused.
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
    if (runtime.alpaca !== undefined) {
      if (paused) runtime.controls.queue({ kind: 'hold', holding: true });
      void runtime.alpaca.reattach();
    } else if (!paused) runtime.feed.resume();
    return runtime;
  }

  private replay(): void {
    let counts: ReplayCounts;
    this.ledger.replaying = true;
    this.alpaca?.markReplaying(true);
    try {
      counts = replayLedger(this.deps.repo, this.runId, {
        barTimesDone: () => this.barTimesDone,
        applyJournal: (entry) => this.alpaca?.replayEntry(entry),
        replayBarTime: (bars, controls) => {
          this.controls.replaceWith(controls);
          this.processBarTime(bars);
        },
      });
    } finally {
      this.ledger.replaying = false;
      this.alpaca?.markReplaying(false);
    }
    this.feed.resumeAt(this.barTimesDone);
    const { fills } = this.ledger.recorder;
    const { portfolio } = this.engine;
    this.reconciliation.push(
      ...replayDifferences(this.deps.repo, this.runId, { fills, barTimes: this.barTimesDone, portfolio }),
    );
    const alert = recoveryAlert(counts, this.reconciliation);
    this.ledger.alertNow(alert.severity, alert.kind, alert.message);
    if (this.reconciliation.length > 0) {
      this.deps.log.warn('recovery found differences', {
        runId: this.runId,
        differences: this.reconciliation,
      });
    }
  }

  // ---- the bar loop: every feed's bar times come through onBars ----

  private onBars(bars: readonly SymbolBar[]): void {
    if (this.alpaca?.closed || this.status === 'stopped' || this.status === 'failed') return;
    // A run stopping at Alpaca only follows its orders to their end; its strategies decide nothing more.
    if (this.alpaca !== undefined && this.status === 'stopping') return;
    try {
      if (this.barTimesDone >= BAR_CAPACITY) {
        const reason = `the run reached its capacity of ${BAR_CAPACITY} bars per symbol; start a new run`;
        this.stop(false, reason);
        return;
      }
      this.monitor.barArrived();
      if (bars.length > 0) this.processBarTime(bars, true);
      if (this.stopWhenFlat && this.flat) this.stopSimulated('stopped by the user after flattening');
    } catch (error) {
      this.deps.log.error('session run failed', { runId: this.runId, error });
      this.finish('failed', `the run failed: ${reasonOf(error)}`);
    }
  }

  /** One bar time; `live`: a bar from the feed as it happens (not history, a warm-up or a replay). */
  private processBarTime(bars: readonly SymbolBar[], live = false): void {
    const time = bars[0]!.time;
    const batch = this.ledger.beginBarTime();
    const riskBefore = this.engine.riskState;
    this.controls.applyQueued(time, batch.riskEvents);
    const indicatorValues: ((number | null)[] | undefined)[] = [];
    const crossings: LineCrossing[] = [];
    for (const bar of bars) {
      this.series[this.config.symbols.indexOf(bar.symbol)]!.append(bar);
      batch.bars.push({ ...bar });
      indicatorValues.push(this.chartIndicators.step(bar.symbol, bar));
      if (this.priceLineWatch)
        crossings.push(...this.priceLineWatch.observe(bar, live && !this.ledger.replaying));
    }
    for (const { line, message } of crossings) {
      // Through the run's alerts (committed with the bar, pushed, listed with the session's events).
      this.ledger.recorder.alert(time, 'warning', 'price-line', message);
      this.deps.priceLines?.crossed(line, time);
    }
    batch.barTimes = 1;
    this.barTimesDone++;
    while (this.engine.step()) {
      // one bar time per call; the loop drains what was appended
    }
    this.twin?.step();
    this.cancelStaleEntries(time);
    if (this.flat) this.controls.flattened();
    this.ledger.closeBarTime(batch, time, bars, indicatorValues);
    // After the bar's commit; a replay stores again only what a crash kept from being stored.
    this.outputs?.storePredictions();
    if (!this.ledger.replaying && this.engine.riskState !== riskBefore) this.setStatus(this.status);
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

  /** The newest bar time the run has seen (broker events carry no bar), or now before the first bar. */
  private lastBarTime(): number {
    const latest = Math.max(0, ...this.series.map((series) => series.lastTime));
    return latest > 0 ? latest : this.deps.now();
  }

  get riskState(): RiskState {
    return this.engine.riskState;
  }

  get riskReason(): string | null {
    return this.engine.gateway.stateReason === '' ? null : this.engine.gateway.stateReason;
  }

  /** What the gateway judges its loss limits against now (after a reset: the equity at the reset). */
  get limitBasis(): LimitBasis {
    return this.engine.gateway.limitBasis;
  }

  get equity(): number {
    return this.engine.portfolio.markedEquity[0]!;
  }

  get cash(): number {
    return this.engine.portfolio.cash;
  }

  get currentDayStartEquity(): number {
    return this.ledger.dayStartEquity;
  }

  get barTimes(): number {
    return this.barTimesDone;
  }

  positions(): PositionRow[] {
    return positionRows(this.engine.portfolio);
  }

  private get flat(): boolean {
    return this.engine.portfolio.openPositions === 0;
  }

  // ---- user controls: applied at the next bar time, and recorded so a replay applies them at the same bar ----

  pause(): void {
    if (this.status !== 'running') return;
    // A real market does not pause: bars keep coming, the strategies stop sending orders.
    if (this.feed.waits) this.feed.halt();
    else this.controls.queue({ kind: 'hold', holding: true });
    this.setStatus('paused');
  }

  resume(): void {
    if (this.status !== 'paused') return;
    this.setStatus('running');
    if (this.feed.waits) this.feed.resume();
    else this.controls.queue({ kind: 'hold', holding: false });
  }

  flatten(): void {
    this.controls.queue({ kind: 'flatten' });
  }

  resetHalt(): void {
    this.controls.queue({ kind: 'reset-halt' });
  }

  /** The run's working order with this id, if there is one now. */
  workingOrder(orderId: string): WorkingOrder | undefined {
    return this.controls.workingOrder(orderId);
  }

  /** Cancels a working order at the next bar time (like every user action, so a replay cancels it there too). */
  cancelOrder(orderId: string): void {
    this.controls.queue({ kind: 'cancel-order', orderId });
  }

  /** The trader's order from the ticket, reviewed by the risk gateway at the next bar time like a strategy's. */
  placeOrder(order: ManualOrder): void {
    this.controls.queue({ kind: 'manual-order', order });
  }

  /** A market order for the whole of `symbol`'s position at the next bar time. */
  closePosition(symbol: string): void {
    this.controls.queue({ kind: 'close-position', symbol });
  }

  /** Cancel then a new order with the change, at the next bar time (the simulator and Alpaca alike). */
  replaceOrder(orderId: string, change: OrderChange): void {
    this.controls.queue({ kind: 'replace-order', orderId, change });
  }

  /** Signed quantity held in `symbol` now. */
  position(symbol: string): number {
    return this.engine.portfolio.qty[this.config.symbols.indexOf(symbol)] ?? 0;
  }

  /** Each symbol's last close, where it has a bar yet (what a trade plan's market entries are valued at). */
  lastPrices(): Record<string, number> {
    const prices: Record<string, number> = {};
    for (const s of this.series) if (s.lastClose !== undefined) prices[s.symbol] = s.lastClose;
    return prices;
  }

  /** Executes a validated trade plan from the next bar: its entries, stops and targets, and its holding times. */
  executePlan(plan: TradePlan): void {
    this.controls.queue({ kind: 'trade-plan', plan });
  }

  /**
   * Test hook: multiplies `symbol`'s prices by `factor` from the next bar not yet released (synthetic runs only).
   * Not journaled: the shocked bars are in the ledger, but a run recovered after a restart ticks on unshocked.
   */
  shockMarket(symbol: string, factor: number): void {
    this.feed.shock(symbol, factor);
  }

  /**
   * Stop leaves no order working behind. On Alpaca: every order the run placed is canceled and followed until
   * Alpaca confirms its end (fills before the cancel recorded), then with `flatten` the positions are closed with
   * market orders, followed the same way (see AlpacaRun.closeOut); the status is `stopping` meanwhile. Simulated:
   * the working orders are canceled now; with `flatten` at the next bar, and the positions closed at the bars after.
   */
  stop(flatten: boolean, reason = 'stopped by the user'): void {
    if (this.alpaca !== undefined) {
      void this.stopOnAlpaca(this.alpaca, flatten, reason);
      return;
    }
    if (flatten && !this.flat) {
      this.stopWhenFlat = true;
      // Queued like the user's cancels, so a replay after a crash cancels them at the same bar.
      for (let s = 0; s < this.series.length; s++) {
        for (const order of this.engine.venue.workingOrders(s)) {
          this.controls.queue({ kind: 'cancel-order', orderId: order.id });
        }
      }
      this.flatten();
      this.setStatus('stopping');
      if (this.feed.waits) this.feed.resume();
      else this.controls.queue({ kind: 'hold', holding: false });
      return;
    }
    this.stopSimulated(reason);
  }

  /** The simulated venue's orders still working are canceled with the run: none stays `accepted` forever. */
  private stopSimulated(reason: string): void {
    const venue = this.engine.venue;
    const working = this.series.flatMap((_, s) => venue.workingOrders(s));
    if (working.length > 0) {
      const time = this.lastBarTime();
      this.ledger.commitOutsideBar(() => {
        for (const order of working) venue.cancel(order, 'the session stopped', time);
      });
    }
    this.finish('stopped', reason);
  }

  private async stopOnAlpaca(alpaca: AlpacaRun, flatten: boolean, reason: string): Promise<void> {
    this.setStatus(
      'stopping',
      flatten ? 'canceling orders and closing positions at Alpaca' : 'canceling orders at Alpaca',
    );
    try {
      const { stillWorking } = await alpaca.closeOut(flatten);
      // The app shut down meanwhile: the run keeps its status, and the next start settles with Alpaca.
      if (alpaca.closed) return;
      if (stillWorking.length === 0) {
        this.finish('stopped', flatten ? 'stopped by the user after flattening' : reason);
        return;
      }
      const n = stillWorking.length;
      const what = `${n} ${n === 1 ? 'order' : 'orders'} still working at Alpaca`;
      const ids = stillWorking.map(
        (order) => `${order.symbol} ${order.side} ${order.qty} (${order.clientOrderId})`,
      );
      this.ledger.alertNow(
        'critical',
        'orders-still-working',
        `${what} after the stop: ${ids.join(', ')}; the session no longer follows them — cancel them at Alpaca`,
      );
      this.finish('stopped', `${reason}; ${what}`);
    } catch (error) {
      this.deps.log.error('stopping at Alpaca failed', { runId: this.runId, error });
      if (alpaca.closed) return;
      const message = `could not confirm the orders' end at Alpaca: ${reasonOf(error)}`;
      this.ledger.alertNow('critical', 'orders-still-working', message);
      this.finish('stopped', `${reason}; ${message}`);
    }
  }

  /** App shutdown: stop the clock, keep the run's status, so the next start resumes it (crash-only design). */
  suspend(): void {
    this.feed.halt();
    void this.alpaca?.close();
  }

  private finish(status: 'stopped' | 'failed', reason: string): void {
    this.suspend();
    this.deps.repo.setRunStatus(this.runId, status, this.deps.now(), reason);
    this.setStatus(status, reason);
  }

  private setStatus(status: RunStatus, message?: string): void {
    this.status = status;
    this.ledger.status(status, message);
    this.deps.onChange?.(this);
  }
}
