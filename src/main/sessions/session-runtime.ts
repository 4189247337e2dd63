// One live run of a session: a feed's bar times stepped through the same Engine a backtest uses, every bar time's
// events committed to the SQLite ledger in one transaction, then pushed to the UI. Crash recovery replays the ledger
// through a fresh engine (see run-journal.ts) and compares the result.

import type { PushPublisher } from '../../shared/api/ports';
import type { AlertSeverity, PositionRow, SessionStatus } from '../../shared/domain/session';
import type { RiskState } from '../../shared/domain/trading';
import { seededRandom } from '../../shared/random';
import type { AdoptedPosition } from '../adapters/alpaca/reconcile';
import type { AlpacaSessionLink } from '../adapters/alpaca/run-link';
import type { AlpacaVenue } from '../adapters/alpaca/venue';
import { Engine } from '../engine/engine';
import { sequentialIds } from '../engine/ids';
import type { WorkingOrder } from '../engine/orders';
import type { SimVenue, Venue } from '../engine/sim-venue';
import type { SymbolBar } from '../feeds/live-bar-assembler';
import type { LiveFeed, LiveFeedHandlers } from '../feeds/live-feed';
import type { PacedFeed, TimerFunctions } from '../feeds/paced-feed';
import { replayLiveFeed } from '../feeds/replay-live';
import { SyntheticLiveFeed } from '../feeds/synthetic-live';
import type { Logger } from '../log/logger';
import type { LedgerBatch, SessionRepo } from '../store/session-repo';
import { AlpacaRun, type AlpacaRunHost, alpacaVenueFactory } from './alpaca-run';
import { DayLedger } from './day-ledger';
import { LiveIndicators } from './live-indicators';
import { ControlledStrategy, RunControls } from './run-controls';
import { type JournalEvent, RunJournal, replayDifferences, replayLedger } from './run-journal';
import { BAR_CAPACITY, LiveSeries, sessionMarkets } from './run-markets';
import { RunMonitor } from './run-monitor';
import { RunPublisher } from './run-publisher';
import { emptyBatch, positionRows, RunRecorder } from './run-recorder';
import type { SessionConfig } from './session-config';
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
}

/** The market a config names when the app makes it (synthetic, stored history); null for a real market's feed. */
function pacedFeedOf(config: SessionConfig, timers: TimerFunctions | undefined): PacedFeed | null {
  const { feed, symbols, timeframe, calendar } = config;
  switch (feed.kind) {
    case 'synthetic-live':
      return new SyntheticLiveFeed({
        seed: feed.seed,
        symbols,
        timeframe,
        calendar,
        speed: feed.speed,
        timers,
      });
    case 'replay':
      return replayLiveFeed({ files: feed.files, symbols, timeframe, speed: feed.speed, timers });
    case 'alpaca':
      return null;
  }
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class SessionRuntime {
  status: RunStatus = 'running';
  /** Differences found by recovery, in words; empty for a clean run. */
  readonly reconciliation: string[] = [];

  private readonly engine: Engine<Venue>;
  private readonly series: LiveSeries[];
  private readonly warmupBars: number;
  private readonly controls: RunControls;
  private readonly recorder = new RunRecorder();
  private readonly journal: RunJournal;
  private readonly day: DayLedger;
  private readonly monitor: RunMonitor;
  private readonly publisher: RunPublisher;
  /** The strategies' indicators as the chart draws them, fed every processed bar (see live-indicators.ts). */
  private readonly chartIndicators: LiveIndicators;
  /** A market the app makes waits while the run is paused; a real market (null here) moves on. */
  private readonly paced: PacedFeed | null;
  private readonly feed: LiveFeed | undefined;
  private readonly feedHandlers: LiveFeedHandlers;
  /** Alpaca paper runs: the account, its trading stream and the run's journal of broker events. */
  private readonly alpaca: AlpacaRun | undefined;
  /** Bar times processed (ledger bars), the journal's clock: an event applied after N bar times replays there. */
  private barTimesDone = 0;
  /** True while replaying the ledger after a crash: events are recomputed, not written again. */
  private replaying = false;
  private stopWhenFlat = false;

  private constructor(
    readonly runId: string,
    readonly sessionId: string,
    readonly config: SessionConfig,
    idPrefix: string,
    private readonly deps: RuntimeDeps,
  ) {
    this.series = config.symbols.map((symbol) => new LiveSeries(symbol, config.timeframe));
    this.chartIndicators = new LiveIndicators(config);
    const markets = sessionMarkets(config, this.series).map((market) => ({
      ...market,
      strategy: new ControlledStrategy(market.strategy, market.series.symbol),
    }));
    this.warmupBars = Math.max(0, ...markets.map((market) => market.warmup));
    const engineOptions = {
      markets,
      cash: config.cash,
      risk: config.risk,
      venue: config.venue,
      ids: sequentialIds(idPrefix),
      random: seededRandom(config.seed),
      sink: this.recorder,
      closeAtEnd: false,
    };
    const link = deps.alpaca;
    if (config.venueKind === 'alpaca-paper') {
      if (link === undefined) throw new Error('an Alpaca paper run needs the Alpaca link (keys, feed)');
      const host = this.alpacaHost();
      const engine = new Engine<AlpacaVenue>(
        engineOptions,
        alpacaVenueFactory(link, host, () => this.alpaca?.wake()),
      );
      this.engine = engine;
      this.alpaca = new AlpacaRun(link, engine.venue, host);
    } else {
      this.engine = new Engine<SimVenue>(engineOptions);
      this.alpaca = undefined;
    }
    this.controls = new RunControls({
      engine: this.engine,
      strategies: markets.map((market) => market.strategy),
      series: this.series,
      calendar: config.calendar,
      onHaltReset: () => this.recorder.rearmDenialAlerts(),
    });
    this.day = new DayLedger(config.cash);
    this.journal = new RunJournal(deps.now);
    this.publisher = new RunPublisher(deps.pushes, sessionId, runId);
    const run = this;
    this.monitor = new RunMonitor(
      {
        runId,
        config,
        get running() {
          return run.status === 'running';
        },
        alertNow: (severity, kind, message) => this.alertNow(severity, kind, message),
      },
      deps,
    );
    this.paced = pacedFeedOf(config, deps.timers);
    this.feed = this.paced ?? (this.alpaca === undefined ? undefined : link?.feed);
    this.feedHandlers = {
      onBars: (_time, bars) => this.onBars(bars),
      onStatus: (status) => this.monitor.feedStatus(status),
      onEnd: () => this.finish('stopped', 'the replay reached the end of its data'),
    };
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
    for (const bars of runtime.paced?.warmup(runtime.warmupBars) ?? []) runtime.processBarTime(bars);
    runtime.resumePaced();
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
    if (deps.alpaca === undefined) throw new Error('an Alpaca paper run needs the Alpaca link (keys, feed)');
    const runtime = SessionRuntime.begin(ids, config, deps);
    const alpaca = runtime.alpaca!;
    try {
      await alpaca.connect();
      if (adopted.length > 0) runtime.commitJournaled([{ kind: 'adopted', positions: adopted }]);
      for (const group of await alpaca.history(runtime.warmupBars)) {
        if (group.length > 0) runtime.processBarTime(group);
      }
      await runtime.follow();
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
    } else if (!paused) runtime.resumePaced();
    return runtime;
  }

  private replay(): void {
    const venue = this.alpaca?.venue;
    this.replaying = true;
    if (venue !== undefined) venue.replaying = true;
    const run = this;
    try {
      replayLedger(this.deps.repo, this.runId, this.journal, {
        get barTimesDone() {
          return run.barTimesDone;
        },
        applyJournal: (event) => {
          this.alpaca?.apply(event);
          venue?.flush();
        },
        replayBarTime: (bars, controls) => {
          this.controls.replaceWith(controls);
          this.processBarTime(bars);
        },
      });
    } finally {
      this.replaying = false;
      if (venue !== undefined) venue.replaying = false;
    }
    this.paced?.resumeAt(this.barTimesDone);
    this.reconciliation.push(
      ...replayDifferences(this.deps.repo, this.runId, {
        fills: this.recorder.fills,
        barTimes: this.barTimesDone,
        portfolio: this.engine.portfolio,
      }),
    );
    if (this.reconciliation.length > 0) {
      this.deps.log.warn('recovery found differences', {
        runId: this.runId,
        differences: this.reconciliation,
      });
    }
  }

  // ---- the bar loop: every feed's bar times come through onBars ----

  /** Bars from the feed, through onBars, from now on. */
  private follow(): Promise<void> {
    this.monitor.expectBars(this.paced?.intervalMs);
    return this.feed?.start(this.feedHandlers) ?? Promise.resolve();
  }

  /** A paced market ticks again (a real market's feed is never stopped while the run lives). */
  private resumePaced(): void {
    if (this.paced !== null) void this.follow();
  }

  private onBars(bars: readonly SymbolBar[]): void {
    if (this.alpaca?.closed || this.status === 'stopped' || this.status === 'failed') return;
    try {
      if (this.barTimesDone >= BAR_CAPACITY) {
        this.finish(
          'stopped',
          `the run reached its capacity of ${BAR_CAPACITY} bars per symbol; start a new run`,
        );
        return;
      }
      this.monitor.barArrived();
      if (bars.length > 0) this.processBarTime(bars);
      if (this.stopWhenFlat && this.flat) this.finish('stopped', 'stopped by the user after flattening');
    } catch (error) {
      this.deps.log.error('session run failed', { runId: this.runId, error });
      this.finish('failed', `the run failed: ${reasonOf(error)}`);
    }
  }

  private processBarTime(bars: readonly SymbolBar[]): void {
    const time = bars[0]!.time;
    const batch = this.recorder.begin();
    const riskBefore = this.engine.riskState;
    this.controls.applyQueued(time, batch.riskEvents);
    const indicatorValues: ((number | null)[] | undefined)[] = [];
    for (const bar of bars) {
      this.series[this.config.symbols.indexOf(bar.symbol)]!.append(bar);
      batch.bars.push({ ...bar });
      indicatorValues.push(this.chartIndicators.step(bar.symbol, bar));
    }
    batch.barTimes = 1;
    this.barTimesDone++;
    while (this.engine.step()) {
      // one bar time per call; the loop drains what was appended
    }
    this.cancelStaleEntries(time);
    if (this.flat) this.controls.flattened();
    this.day.roll(time, this.totals());
    const equity = this.equity;
    const positions = this.positions();
    batch.positions.push(...positions);
    batch.equity = { time, equity, cash: this.cash };
    batch.account = this.account(time, equity);
    const drift = this.monitor.drift(this.day.previousEquity, equity);
    if (drift !== undefined) this.recorder.alert(time, 'warning', 'drift', drift);
    batch.daily = this.day.close(equity, this.totals());
    if (this.replaying) {
      this.alpaca?.venue.flush();
      return;
    }
    const committed = this.deps.repo.commitBar(this.runId, batch);
    // Only now, with their intents and client order ids durable, do the bar's orders go to the broker.
    this.alpaca?.venue.flush();
    const view = { time, equity, cash: this.cash, positions };
    this.publisher.committed(batch, committed.alertIds, bars, indicatorValues, view);
    if (this.engine.riskState !== riskBefore) this.setStatus(this.status);
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

  private totals() {
    const { realizedNet, fees } = this.engine.portfolio;
    return { realizedNet, fees, trades: this.recorder.trades };
  }

  private account(time: number, equity: number): NonNullable<LedgerBatch['account']> {
    return {
      cash: this.cash,
      equity,
      dayStartEquity: this.day.dayStartEquity,
      riskState: this.riskState,
      riskReason: this.riskReason,
      lastBarTime: time,
    };
  }

  /** One transaction outside a bar: the journal entries, what applying them changed, positions and equity. */
  private commitJournaled(events: readonly JournalEvent[]): void {
    const batch = this.recorder.begin();
    batch.brokerEvents = [];
    for (const event of events) {
      batch.brokerEvents.push(this.journal.entry(event, this.barTimesDone));
      this.alpaca!.apply(event);
    }
    const portfolio = this.engine.portfolio;
    portfolio.markToMarket();
    const time = this.lastBarTime();
    const equity = this.equity;
    const positions = this.positions();
    batch.positions.push(...positions);
    batch.account = this.account(time, equity);
    if (this.replaying) return;
    const committed = this.deps.repo.commitBar(this.runId, batch);
    this.publisher.committed(batch, committed.alertIds, [], [], { time, equity, cash: this.cash, positions });
  }

  /** An alert outside bar processing (the watchdog, the broker): committed and pushed on its own. */
  private alertNow(severity: AlertSeverity, kind: string, message: string): void {
    const batch = emptyBatch();
    const alert = { time: this.deps.now(), severity, kind, message };
    batch.alerts.push(alert);
    const [id] = this.deps.repo.commitBar(this.runId, batch).alertIds;
    if (id !== undefined) this.publisher.alert(alert, id);
  }

  /** The newest bar time the run has seen (broker events carry no bar), or now before the first bar. */
  private lastBarTime(): number {
    const latest = Math.max(0, ...this.series.map((series) => series.lastTime));
    return latest > 0 ? latest : this.deps.now();
  }

  private alpacaHost(): AlpacaRunHost {
    const run = this;
    return {
      runId: this.runId,
      log: this.deps.log,
      orderTimeoutMinutes: this.config.orderTimeoutMinutes,
      get portfolio() {
        return run.engine.portfolio;
      },
      get replaying() {
        return run.replaying;
      },
      get running() {
        return run.status === 'running';
      },
      lastBarTime: () => this.lastBarTime(),
      alertNow: (severity, kind, message) => this.alertNow(severity, kind, message),
      commitJournaled: (events) => this.commitJournaled(events),
      follow: () => this.follow(),
      fail: (message) => this.finish('failed', message),
      pause: () => this.setStatus('paused'),
    };
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
    return this.day.dayStartEquity;
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
    if (this.paced === null) {
      // A real market does not pause: bars keep coming, the strategies stop sending orders.
      this.controls.queue({ kind: 'hold', holding: true });
      this.setStatus('paused');
      return;
    }
    void this.paced.stop();
    this.monitor.stopWatchdog();
    this.setStatus('paused');
  }

  resume(): void {
    if (this.status !== 'paused') return;
    this.setStatus('running');
    if (this.paced === null) {
      this.controls.queue({ kind: 'hold', holding: false });
      return;
    }
    this.resumePaced();
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

  /** Executes a validated trade plan from the next bar: its entries, stops and targets, and its holding times. */
  executePlan(plan: TradePlan): void {
    this.controls.queue({ kind: 'trade-plan', plan });
  }

  /**
   * Test hook: multiplies `symbol`'s prices by `factor` from the next bar not yet released (synthetic runs only).
   * Not journaled: the shocked bars are in the ledger, but a run recovered after a restart ticks on unshocked.
   */
  shockMarket(symbol: string, factor: number): void {
    if (!(this.paced instanceof SyntheticLiveFeed)) {
      throw new Error(`only a synthetic market can be shocked; this run's feed is ${this.config.feed.kind}`);
    }
    this.paced.shock(symbol, factor);
  }

  /** Stops now, or (with flatten) once the positions are closed at the next bars. */
  stop(flatten: boolean, reason = 'stopped by the user'): void {
    if (flatten && !this.flat) {
      this.stopWhenFlat = true;
      this.flatten();
      this.setStatus('stopping');
      if (this.paced === null) this.controls.queue({ kind: 'hold', holding: false });
      else this.resumePaced();
      return;
    }
    this.finish('stopped', reason);
  }

  /** App shutdown: stop the clock, keep the run's status, so the next start resumes it (crash-only design). */
  suspend(): void {
    this.stopFeed();
  }

  private stopFeed(): void {
    this.monitor.stopWatchdog();
    // An Alpaca run's feed stops with its link.
    if (this.alpaca !== undefined) void this.alpaca.close();
    else void this.paced?.stop();
  }

  private finish(status: 'stopped' | 'failed', reason: string): void {
    this.stopFeed();
    this.deps.repo.setRunStatus(this.runId, status, this.deps.now(), reason);
    this.setStatus(status, reason);
  }

  private setStatus(status: RunStatus, message?: string): void {
    this.status = status;
    this.publisher.status(status, this.riskState, message);
    this.deps.onChange?.(this);
  }
}
