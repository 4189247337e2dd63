// One live options run of a session (Phase 4D SPY puts): the underlying's live bars from the same feeds an equity
// run follows, appended to a LiveSeries and stepped through the OptionsEngine a backtest uses; every bar time's
// events (orders, fills, trades with OCC symbols), account and day decisions committed to the session ledger in one
// transaction, then pushed. Recovery replays the ledger's bars through a fresh engine (the simulator and the
// synthetic quotes are deterministic) and holds the rebuilt book against the position the ledger's fills add up to.
import type { PushPublisher } from '../../shared/api/ports';
import type { BarSeries } from '../../shared/domain/bars';
import { TIMEFRAME_MS } from '../../shared/domain/bars';
import {
  CONTRACT_MULTIPLIER,
  isOccSymbol,
  type OptionDayDecision,
  type OptionPositionRow,
  type OptionsMonitor,
  parseOccSymbol,
} from '../../shared/domain/options';
import { type FillRow, isWorkingOrder, type LimitBasis, type PositionRow } from '../../shared/domain/session';
import type { RiskState } from '../../shared/domain/trading';
import { type AlpacaOptionVenue, alpacaOptionVenueFactory } from '../adapters/alpaca/option-venue';
import type { AdoptedPosition } from '../adapters/alpaca/reconcile';
import type { AlpacaSessionLink } from '../adapters/alpaca/run-link';
import type { EngineEvent, LedgerSink } from '../engine/events';
import { sequentialIds } from '../engine/ids';
import { optionPositionRow } from '../engine/option-book';
import type {
  OptionQuoteSource,
  OptionStrategy,
  OptionVenue,
  OptionVenueFactory,
} from '../engine/option-desk';
import { OptionsEngine } from '../engine/option-engine';
import { optionSimVenue } from '../engine/option-sim-venue';
import type { SymbolBar } from '../feeds/live-bar-assembler';
import type { TimerFunctions } from '../feeds/paced-feed';
import type { Logger } from '../log/logger';
import { sessionFor } from '../market/calendar';
import type { BarRow, SessionRepo } from '../store/session-repo';
import { phase4dSessionClock } from '../strategies/phase4d';
import type { OptionsConfig, SessionConfig } from '../strategies/run-config';
import { AlpacaRun, type AlpacaRunBook } from './alpaca-run';
import { type OptionRunParts, optionRunParts } from './option-run-parts';
import { contractsFromFills, optionRunMonitor } from './option-run-records';
import { writeDailyReport } from './options-daily-report';
import type { Control } from './run-controls';
import { RunFeed } from './run-feed';
import { recoveryAlert, replayLedger } from './run-journal';
import { type RunAccount, RunLedger } from './run-ledger';
import { BAR_CAPACITY, LiveSeries } from './run-markets';
import { RunMonitor } from './run-monitor';
import type { RunIds, RunStatus } from './session-runtime';

/** A live quote source that must be refreshed (Alpaca's snapshots) before each bar is decided on. */
export interface RefreshedQuotes extends OptionQuoteSource {
  /** The chain around `spot` on trading day `day`, and the quotes of `symbols` (held or worked) wherever they are. */
  refresh(underlying: string, day: string, spot: number, symbols?: readonly string[]): Promise<void>;
}

/** An Alpaca paper options run's link: the account, the underlying's bars and history, the live option quotes. */
export interface OptionAlpacaLink {
  readonly link: AlpacaSessionLink;
  readonly quotes: RefreshedQuotes;
}

export interface OptionRunDeps {
  readonly repo: SessionRepo;
  readonly pushes: PushPublisher;
  readonly log: Logger;
  readonly now: () => number;
  readonly timers?: TimerFunctions;
  /** Where the daily JSON reports go (the data dir). */
  readonly dataDir: string;
  /** Told whenever the run's status changes (the service keeps its list current). */
  readonly onChange?: (run: OptionRun) => void;
  /** A csv volatility source, read before the run starts. */
  readonly volatility?: OptionRunParts['volatility'];
  /** Alpaca paper runs. */
  readonly alpaca?: OptionAlpacaLink;
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const fee = (fill: FillRow): number => fill.fee;
const FLATTEN_REASON = 'flatten requested by the user';

export class OptionRun {
  status: RunStatus = 'running';
  readonly reconciliation: string[] = [];
  readonly options: OptionsConfig;
  private readonly series: LiveSeries;
  private readonly engine: OptionsEngine<OptionVenue>;
  private readonly quotes: OptionQuoteSource;
  private readonly ledger: RunLedger;
  private readonly monitor: RunMonitor;
  private readonly feed: RunFeed;
  private readonly strategy: HeldStrategy;
  /** Bar times before the run trades: the volatility source's and the filters' history. */
  readonly warmupBarTimes: number;
  private barTimesDone = 0;
  private decisionsSeen = 0;
  /** Realized P&L per OCC symbol (from the run's trades), for the ledger's position rows. */
  private readonly realizedBySymbol = new Map<string, number>();
  /** Symbols held at the last settle: a position closed since is written flat. */
  private lastHeld = new Set<string>();
  private readonly queued: Control[] = [];
  private stopWhenFlat = false;
  /** Alpaca paper runs: the account, its trading stream and the run's journal of broker events. */
  private readonly alpacaRun: AlpacaRun | undefined;
  /** Alpaca runs: bars wait for the quotes' refresh one after another. */
  private chain: Promise<void> = Promise.resolve();
  private lastReportDay = '';

  private constructor(
    readonly runId: string,
    readonly sessionId: string,
    readonly config: SessionConfig,
    idPrefix: string,
    private readonly deps: OptionRunDeps,
    /** Order numbers already used (a run rebuilt from its fills goes on after them). */
    firstOrderNumber = 0,
  ) {
    if (config.options === undefined) throw new Error('an options run needs config.options');
    this.options = config.options;
    const symbol = config.symbols[0]!;
    this.series = new LiveSeries(symbol, config.timeframe);
    const parts = optionRunParts(config, this.options, this.series, deps.volatility);
    this.warmupBarTimes = parts.warmupBarTimes;
    this.quotes = deps.alpaca?.quotes ?? parts.quotes;
    this.strategy = new HeldStrategy(parts.strategy);
    this.ledger = new RunLedger(
      runId,
      sessionId,
      config.cash,
      {
        account: () => this.account(),
        markToMarket: () => this.engine.book.markToMarket(),
        riskState: () => this.riskState,
        riskReason: () => null,
        limitBasis: () => this.limitBasis,
        lastBarTime: () => this.lastBarTime(),
        drift: () => undefined,
        sendOrders: () => this.alpacaRun?.venue.flush(),
      },
      deps,
    );
    const { settings } = parts;
    const alpaca = deps.alpaca;
    const lastBarTime = () => this.lastBarTime();
    const venue: OptionVenueFactory =
      alpaca === undefined
        ? optionSimVenue({
            slippage: settings.slippage,
            commissionPerContract: settings.commissionPerContract,
          })
        : alpacaOptionVenueFactory(alpaca.link.broker, {
            wake: () => this.alpacaRun?.wake(),
            note: (level, message, fields) => deps.log[level](message, { runId, ...fields }),
            now: lastBarTime,
          });
    this.engine = new OptionsEngine(
      {
        underlying: this.series as BarSeries,
        strategy: this.strategy,
        quotes: this.quotes,
        sessionOf: phase4dSessionClock,
        cash: config.cash,
        ids: sequentialIds(idPrefix, firstOrderNumber),
        sink: this.sinkFor(this.ledger.recorder),
        limits: { maxDailyLoss: settings.maxDailyLoss },
        timeframeMs: TIMEFRAME_MS[config.timeframe],
        closeAtEnd: false,
      },
      venue,
    );
    this.alpacaRun =
      alpaca === undefined
        ? undefined
        : new AlpacaRun(
            alpaca.link,
            (this.engine.venue as AlpacaOptionVenue).orders,
            this.alpacaBook(),
            this.ledger,
            {
              runId,
              log: deps.log,
              now: deps.now,
              orderTimeoutMinutes: config.orderTimeoutMinutes,
              barTimesDone: () => this.barTimesDone,
              running: () => this.status === 'running',
              lastBarTime,
              warmUp: (bars) => this.processBarTime(bars),
              follow: () => this.feed.follow(),
              fail: (message) => this.finish('failed', message),
              pause: () => this.setStatus('paused'),
              closePositions: (reason, time) => this.engine.flatten(reason, time),
            },
          );
    this.monitor = new RunMonitor(
      {
        runId,
        config,
        running: () => this.status === 'running',
        alertNow: (severity, kind, message) => this.ledger.alertNow(severity, kind, message),
      },
      deps,
    );
    this.feed = new RunFeed(config, deps.timers, alpaca?.link.feed, this.monitor, {
      onBars: (_time, bars) => this.onBars(bars),
      onStatus: (status) => this.monitor.feedStatus(status),
      onEnd: () => this.stop(false, 'the replay reached the end of its data'),
    });
  }

  /** The engine's events go to the ledger's recorder; the run keeps each symbol's realized P&L beside. */
  private sinkFor(recorder: LedgerSink): LedgerSink {
    return {
      orderUpdates: 'all',
      record: (event: EngineEvent) => {
        if (event.kind === 'trade') {
          const { symbol, pnl } = event.trade;
          this.realizedBySymbol.set(symbol, (this.realizedBySymbol.get(symbol) ?? 0) + pnl);
        }
        recorder.record(event);
      },
    };
  }

  private static begin(ids: RunIds, config: SessionConfig, deps: OptionRunDeps): OptionRun {
    deps.repo.startRun({
      id: ids.runId,
      sessionId: ids.sessionId,
      sessionVersion: ids.sessionVersion,
      config,
      idPrefix: ids.idPrefix,
      startedAt: deps.now(),
      cash: config.cash,
    });
    return new OptionRun(ids.runId, ids.sessionId, config, ids.idPrefix, deps);
  }

  /** A new simulated run: the warm-up history at once (the strategy held), then the paced feed. */
  static start(ids: RunIds, config: SessionConfig, deps: OptionRunDeps): OptionRun {
    const run = OptionRun.begin(ids, config, deps);
    deps.repo.atomically(() => {
      for (const bars of run.feed.warmup(run.warmupBarTimes)) run.processBarTime(bars);
    });
    run.feed.resume();
    return run;
  }

  /**
   * A new run on the Alpaca paper account with the option positions the user accepted to adopt: the trading stream
   * connected, the warm-up from Alpaca's history (one transaction), then its live bars.
   */
  static async startOnAlpaca(
    ids: RunIds,
    config: SessionConfig,
    deps: OptionRunDeps,
    adopted: readonly AdoptedPosition[],
  ): Promise<OptionRun> {
    if (deps.alpaca === undefined) throw new Error('an Alpaca paper options run needs the Alpaca link');
    const run = OptionRun.begin(ids, config, deps);
    const alpaca = run.alpacaRun!;
    try {
      await alpaca.start(adopted, run.warmupBarTimes);
    } catch (error) {
      run.finish('failed', `could not start on Alpaca: ${reasonOf(error)}`);
      await alpaca.close();
      throw error;
    }
    return run;
  }

  /**
   * Start-up after a stop or a crash: the ledger's bars replayed through a fresh engine, the rebuilt book held
   * against the ledger's fills and account (differences reported, never silently fixed), then on as it was.
   */
  static recover(
    run: { id: string; sessionId: string; idPrefix: string; status: string },
    config: SessionConfig,
    deps: OptionRunDeps,
  ): OptionRun {
    if (deps.alpaca !== undefined) return OptionRun.recoverOnAlpaca(run, config, deps);
    const optionRun = new OptionRun(run.id, run.sessionId, config, run.idPrefix, deps);
    optionRun.replay();
    const paused = run.status === 'paused' || config.resume === 'ask';
    optionRun.status = paused ? 'paused' : 'running';
    deps.repo.setRunStatus(run.id, optionRun.status, deps.now());
    if (optionRun.alpacaRun !== undefined) {
      optionRun.strategy.holding = paused;
      void optionRun.alpacaRun.reattach();
    } else if (!paused) optionRun.feed.resume();
    return optionRun;
  }

  /**
   * An Alpaca run after a restart: its option book rebuilt from the ledger's fills (Alpaca's quotes of the past
   * cannot be replayed, so neither can the strategy's orders). The stored bars still go through the engine as
   * history, so the strategy knows the day it is in; orders the ledger left working are settled with Alpaca by
   * their client order ids (a fill they got meanwhile shows as a position difference in the recovery alert and at
   * the next resync, never silently booked); new orders are numbered after the stored ones.
   */
  private static recoverOnAlpaca(
    run: { id: string; sessionId: string; idPrefix: string; status: string },
    config: SessionConfig,
    deps: OptionRunDeps,
  ): OptionRun {
    const { repo } = deps;
    const orders = repo.orderRecords(run.id);
    const used = Math.max(0, ...orders.map((o) => Number(/-o(\d+)$/.exec(o.id)?.[1] ?? 0)));
    const optionRun = new OptionRun(run.id, run.sessionId, config, run.idPrefix, deps, used);
    optionRun.rebuildFromFills(orders);
    const paused = run.status === 'paused' || config.resume === 'ask';
    optionRun.status = paused ? 'paused' : 'running';
    repo.setRunStatus(run.id, optionRun.status, deps.now());
    optionRun.strategy.holding = paused;
    void optionRun.alpacaRun!.reattach();
    return optionRun;
  }

  private rebuildFromFills(orders: ReturnType<SessionRepo['orderRecords']>): void {
    const { repo } = this.deps;
    const alpaca = this.alpacaRun!;
    this.ledger.replaying = true;
    alpaca.markReplaying(true);
    let counts: ReturnType<typeof replayLedger>;
    try {
      counts = replayLedger(repo, this.runId, {
        barTimesDone: () => this.barTimesDone,
        applyJournal: (entry) => alpaca.skipEntry(entry),
        replayBarTime: (bars: readonly BarRow[]) => {
          this.strategy.replaying = true;
          this.processBarTime(bars);
        },
      });
      this.strategy.replaying = false;
      const exitReasons = new Map(
        repo.trades(this.runId).map((t) => [`${t.symbol}@${t.exitTime}`, t.exitReason]),
      );
      const fills = repo.fills(this.runId, Number.POSITIVE_INFINITY).reverse();
      for (const fill of fills) {
        const reason = exitReasons.get(`${fill.symbol}@${fill.time}`) ?? 'signal';
        const trade = this.engine.book.applyFill(
          fill.symbol,
          fill.side,
          fill.qty,
          fill.price,
          fee(fill),
          fill.time,
          0,
          reason,
        );
        if (trade !== undefined)
          this.realizedBySymbol.set(trade.symbol, (this.realizedBySymbol.get(trade.symbol) ?? 0) + trade.pnl);
      }
      this.ledger.recorder.fills = fills.length;
      this.ledger.recorder.trades = repo.trades(this.runId).length;
      this.lastHeld = new Set(this.engine.book.holdings().map((h) => h.symbol));
      this.engine.book.markToMarket();
    } finally {
      this.ledger.replaying = false;
      alpaca.markReplaying(false);
    }
    // What still worked when the app stopped is settled with Alpaca; the run follows what it holds.
    const working = orders.filter((o) => isWorkingOrder(o));
    if (working.length > 0) {
      this.ledger.alertNow(
        'warning',
        'orders-left-working',
        `${working.length} option order(s) were working when the app stopped (${working.map((o) => o.clientOrderId).join(', ')}); cancel them at Alpaca if they still work — a fill they got shows as a position difference`,
      );
    }
    this.reconciliation.push(...this.differences());
    const alert = recoveryAlert(counts, this.reconciliation);
    this.ledger.alertNow(alert.severity, alert.kind, alert.message);
  }

  private replay(): void {
    this.ledger.replaying = true;
    this.alpacaRun?.markReplaying(true);
    let counts: ReturnType<typeof replayLedger>;
    try {
      counts = replayLedger(this.deps.repo, this.runId, {
        barTimesDone: () => this.barTimesDone,
        applyJournal: (entry) => this.alpacaRun?.replayEntry(entry),
        replayBarTime: (bars: readonly BarRow[], controls: readonly Control[]) => {
          this.queued.push(...controls);
          this.processBarTime(bars);
        },
      });
    } finally {
      this.ledger.replaying = false;
      this.alpacaRun?.markReplaying(false);
    }
    this.feed.resumeAt(this.barTimesDone);
    this.reconciliation.push(...this.differences());
    const alert = recoveryAlert(counts, this.reconciliation);
    this.ledger.alertNow(alert.severity, alert.kind, alert.message);
    if (this.reconciliation.length > 0)
      this.deps.log.warn('options run recovery found differences', {
        runId: this.runId,
        differences: this.reconciliation,
      });
  }

  /** The rebuilt book against what the ledger stored: the fills' position per contract, the fill count, cash. */
  private differences(): string[] {
    const { repo } = this.deps;
    const differences: string[] = [];
    const fills = repo.fills(this.runId, Number.POSITIVE_INFINITY);
    if (fills.length !== this.ledger.recorder.fills) {
      differences.push(
        `the ledger holds ${fills.length} fills; replaying its ${this.barTimesDone} bars gives ${this.ledger.recorder.fills}`,
      );
    }
    const fromFills = contractsFromFills(fills);
    const book = new Map(this.engine.book.holdings().map((h) => [h.symbol, h.contracts]));
    for (const symbol of new Set([...fromFills.keys(), ...book.keys()])) {
      const ledger = fromFills.get(symbol) ?? 0;
      const rebuilt = book.get(symbol) ?? 0;
      if (ledger !== rebuilt)
        differences.push(`${symbol}: the ledger's fills hold ${ledger} contracts, the replay ${rebuilt}`);
    }
    const stored = repo.getRun(this.runId);
    if (stored && Math.abs(stored.cash - this.engine.book.cash) > 1e-6) {
      differences.push(
        `cash: the ledger says ${stored.cash.toFixed(2)}, the replay ${this.engine.book.cash.toFixed(2)}`,
      );
    }
    return differences;
  }

  // ---- the bar loop ----

  private onBars(bars: readonly SymbolBar[]): void {
    if (this.status === 'stopped' || this.status === 'failed') return;
    const alpaca = this.deps.alpaca;
    if (alpaca === undefined || this.alpacaRun === undefined) {
      this.safely(() => this.liveBarTime(bars));
      return;
    }
    const run = this.alpacaRun;
    // A run stopping at Alpaca only follows its orders to their end.
    if (run.closed || this.status === 'stopping') return;
    // Alpaca's quotes are refreshed before each bar is decided on; bars wait for one another.
    this.chain = this.chain.then(async () => {
      if (run.closed || this.status === 'stopped' || this.status === 'failed') return;
      const bar = bars.find((b) => b.symbol === this.series.symbol);
      if (bar === undefined) return;
      const held = [
        ...this.engine.book.holdings().map((h) => h.symbol),
        ...this.engine.venue.workingOrders().map((o) => o.symbol),
      ];
      try {
        const day = phase4dSessionClock(bar.time).day;
        await alpaca.quotes.refresh(this.series.symbol, day, bar.close, held);
      } catch (error) {
        if (!run.closed)
          this.ledger.alertNow('warning', 'option-quotes', `option quotes not refreshed: ${reasonOf(error)}`);
      }
      // The app shut down (or the run stopped) while the quotes were read: nothing more is written.
      if (run.closed || this.ended) return;
      this.safely(() => this.liveBarTime(bars));
    });
  }

  /** Stopped or failed: nothing more is decided or written. */
  private get ended(): boolean {
    return this.status === 'stopped' || this.status === 'failed';
  }

  private safely(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.deps.log.error('options run failed', { runId: this.runId, error });
      this.finish('failed', `the run failed: ${reasonOf(error)}`);
    }
  }

  private liveBarTime(bars: readonly SymbolBar[]): void {
    if (this.barTimesDone >= BAR_CAPACITY) {
      this.stop(false, `the run reached its capacity of ${BAR_CAPACITY} bars; start a new run`);
      return;
    }
    this.monitor.barArrived();
    if (bars.length > 0) this.processBarTime(bars);
    if (this.stopWhenFlat && this.engine.book.holdings().length === 0 && !this.engine.venue.hasWork())
      this.stopNow('stopped by the user after flattening');
  }

  /** One bar time of the underlying: appended, stepped through the engine, committed with the day decisions. */
  private processBarTime(bars: readonly (SymbolBar | BarRow)[]): void {
    const bar = bars.find((b) => b.symbol === this.series.symbol);
    if (bar === undefined) return;
    const batch = this.ledger.beginBarTime();
    this.series.append(bar);
    batch.bars.push({ ...bar });
    batch.barTimes = 1;
    this.barTimesDone++;
    this.strategy.observe(bar.time, this.barTimesDone <= this.warmupBarTimes);
    while (this.engine.step()) {
      // one underlying bar per call
    }
    const closeTime = bar.time + TIMEFRAME_MS[this.config.timeframe];
    this.applyControls(closeTime, batch.riskEvents);
    const days = this.newDecisions();
    if (days.length > 0) batch.optionDays = days;
    this.ledger.closeBarTime(batch, bar.time, [{ ...bar }], []);
    if (!this.ledger.replaying) this.reportAtClose(closeTime);
  }

  /** The user's flatten, applied after the bar and recorded at it so a replay flattens at the same bar. */
  private applyControls(time: number, riskEvents: { time: number; kind: string; reason: string }[]): void {
    const controls = this.queued.splice(0);
    for (const control of controls) {
      if (control.kind !== 'flatten') continue;
      this.engine.flatten(FLATTEN_REASON, time);
      riskEvents.push({ time: this.series.lastTime, kind: 'user-flatten', reason: FLATTEN_REASON });
    }
  }

  private newDecisions(): OptionDayDecision[] {
    const all = this.engine.decisions;
    const fresh = all.slice(this.decisionsSeen);
    this.decisionsSeen = all.length;
    return fresh;
  }

  /** At a session's last bar: the monitor of the run so far, written as that day's JSON report. */
  private reportAtClose(closeTime: number): void {
    const session = sessionFor(this.config.calendar, this.series.lastTime);
    if (session === null || closeTime < session.close || this.lastReportDay === session.date) return;
    if (this.barTimesDone <= this.warmupBarTimes) return;
    this.lastReportDay = session.date;
    try {
      writeDailyReport(this.deps.dataDir, this.monitorOf(session.date));
    } catch (error) {
      this.ledger.alertNow(
        'warning',
        'options-report',
        `the daily report was not written: ${reasonOf(error)}`,
      );
    }
  }

  /** The options monitor from the ledger (decisions, trades, fills), for `day` (default: the latest decided). */
  monitorOf(day?: string): OptionsMonitor {
    return optionRunMonitor(this.deps.repo, this.runId, this.options, this.quotes, {
      day: day ?? this.latestDay(),
      underlyingAt: (time) => this.underlyingAt(time),
    });
  }

  private latestDay(): string {
    const session = sessionFor(this.config.calendar, this.lastBarTime());
    return session?.date ?? new Date(this.lastBarTime()).toISOString().slice(0, 10);
  }

  /** The underlying's close of the bar that closed at or before `time` (the price a quote at `time` goes with). */
  private underlyingAt(time: number): number | undefined {
    const step = TIMEFRAME_MS[this.config.timeframe];
    let lo = 0;
    let hi = this.series.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.series.time[mid]! + step <= time) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? undefined : this.series.close[found];
  }

  /** The option book as the Alpaca run compares it with the account (option positions on the underlying) and adopts. */
  private alpacaBook(): AlpacaRunBook {
    const root = this.series.symbol;
    return {
      differences: (account) => {
        const ours = new Map(this.engine.book.holdings().map((h) => [h.symbol, h.contracts]));
        const theirs = [...account].filter(
          ([symbol]) => isOccSymbol(symbol) && parseOccSymbol(symbol).root === root,
        );
        const differences: string[] = [];
        for (const symbol of new Set([...ours.keys(), ...theirs.map(([symbol]) => symbol)])) {
          const there = account.get(symbol) ?? 0;
          const here = ours.get(symbol) ?? 0;
          if (there !== here) differences.push(`${symbol}: Alpaca holds ${there} contracts, the run ${here}`);
        }
        return differences;
      },
      adopt: (positions, time) => {
        for (const p of positions) {
          if (!(p.qty > 0) || !isOccSymbol(p.symbol)) continue;
          this.engine.book.applyFill(p.symbol, 'buy', p.qty, p.avgPrice, 0, time, 0, 'signal');
          this.engine.book.mark(p.symbol, p.avgPrice);
        }
        this.engine.book.markToMarket();
      },
    };
  }

  // ---- the account as the ledger and the UI see it ----

  private account(): RunAccount {
    const book = this.engine.book;
    return {
      cash: book.cash,
      equity: book.markToMarket(),
      realizedNet: book.realized,
      fees: book.fees,
      positions: () => this.positionRows(),
    };
  }

  /** The held contracts, and those closed since the last settle (written flat, their realized P&L kept). */
  private positionRows(): PositionRow[] {
    const rows = this.positions();
    const held = new Set(rows.map((row) => row.symbol));
    for (const symbol of this.lastHeld) {
      if (held.has(symbol)) continue;
      rows.push({
        symbol,
        qty: 0,
        avgPrice: 0,
        lastPrice: 0,
        marketValue: 0,
        unrealizedPnl: 0,
        realizedPnl: this.realizedBySymbol.get(symbol) ?? 0,
      });
    }
    this.lastHeld = held;
    return rows;
  }

  /** The contracts held now, as position rows: qty in contracts, prices per share, dollars × 100. */
  positions(): PositionRow[] {
    return this.engine.book.holdings().map((h) => {
      const bid = Number.isNaN(h.bid) ? h.avgPremium : h.bid;
      return {
        symbol: h.symbol,
        qty: h.contracts,
        avgPrice: h.avgPremium,
        lastPrice: bid,
        marketValue: h.contracts * bid * CONTRACT_MULTIPLIER,
        unrealizedPnl: (bid - h.avgPremium) * CONTRACT_MULTIPLIER * h.contracts - h.openingFees,
        realizedPnl: this.realizedBySymbol.get(h.symbol) ?? 0,
      };
    });
  }

  /** The option positions as the Options panel shows them, quoted now. */
  optionPositions(): OptionPositionRow[] {
    const time = this.lastBarTime() + TIMEFRAME_MS[this.config.timeframe];
    const spot = this.series.lastClose ?? 0;
    return this.engine.book
      .holdings()
      .map((h) => optionPositionRow(h, spot > 0 ? this.quotes.quote(h.symbol, time, spot) : undefined));
  }

  get riskState(): RiskState {
    return 'ACTIVE';
  }

  get riskReason(): string | null {
    return null;
  }

  get limitBasis(): LimitBasis {
    return { dayStartEquity: this.ledger.dayStartEquity, peakEquity: this.ledger.dayStartEquity };
  }

  get equity(): number {
    return this.engine.book.equity;
  }

  get cash(): number {
    return this.engine.book.cash;
  }

  get currentDayStartEquity(): number {
    return this.ledger.dayStartEquity;
  }

  get barTimes(): number {
    return this.barTimesDone;
  }

  private lastBarTime(): number {
    return this.series.lastTime > 0 ? this.series.lastTime : this.deps.now();
  }

  // ---- the user's controls ----

  pause(): void {
    if (this.status !== 'running') return;
    if (this.feed.waits) this.feed.halt();
    else this.strategy.holding = true;
    this.setStatus('paused');
  }

  resume(): void {
    if (this.status !== 'paused') return;
    this.setStatus('running');
    if (this.feed.waits) this.feed.resume();
    else this.strategy.holding = false;
  }

  /** Sells every option held at the next bar (market orders), canceling what works. */
  flatten(): void {
    this.queued.push({ kind: 'flatten' });
  }

  /**
   * Stop leaves no order working: the working orders are canceled now; with `flatten` the positions are sold at
   * the next bar first (the run is `stopping` meanwhile, its strategy held).
   */
  stop(flatten: boolean, reason = 'stopped by the user'): void {
    if (this.alpacaRun !== undefined) {
      void this.stopOnAlpaca(this.alpacaRun, flatten, reason);
      return;
    }
    const open = this.engine.book.holdings().length > 0;
    if (flatten && open) {
      this.stopWhenFlat = true;
      this.strategy.holding = true;
      this.flatten();
      this.setStatus('stopping');
      if (this.feed.waits) this.feed.resume();
      return;
    }
    this.stopNow(reason);
  }

  private stopNow(reason: string): void {
    const venue = this.engine.venue;
    const working = [...venue.workingOrders()];
    if (working.length > 0) {
      const time = this.lastBarTime();
      this.ledger.commitOutsideBar(() => {
        for (const order of working) venue.cancel(order, 'the session stopped', time);
      });
    }
    this.finish('stopped', reason);
  }

  /** Alpaca: every order canceled and followed to its end, then with `flatten` the puts sold (AlpacaRun.closeOut). */
  private async stopOnAlpaca(alpaca: AlpacaRun, flatten: boolean, reason: string): Promise<void> {
    this.strategy.holding = true;
    this.setStatus(
      'stopping',
      flatten ? 'canceling orders and selling the options at Alpaca' : 'canceling orders at Alpaca',
    );
    try {
      const { stillWorking } = await alpaca.closeOut(flatten);
      if (alpaca.closed) return;
      if (stillWorking.length === 0) {
        this.finish('stopped', flatten ? 'stopped by the user after flattening' : reason);
        return;
      }
      const ids = stillWorking.map((o) => `${o.symbol} ${o.side} ${o.qty} (${o.clientOrderId})`).join(', ');
      this.ledger.alertNow(
        'critical',
        'orders-still-working',
        `${stillWorking.length} option order(s) still working at Alpaca after the stop: ${ids}; cancel them at Alpaca`,
      );
      this.finish('stopped', `${reason}; orders still working at Alpaca`);
    } catch (error) {
      this.deps.log.error('stopping the options run at Alpaca failed', { runId: this.runId, error });
      if (alpaca.closed) return;
      const message = `could not confirm the orders' end at Alpaca: ${reasonOf(error)}`;
      this.ledger.alertNow('critical', 'orders-still-working', message);
      this.finish('stopped', `${reason}; ${message}`);
    }
  }

  /** App shutdown: the clock stops, the run keeps its status so the next start resumes it. */
  suspend(): void {
    this.feed.halt();
    void this.alpacaRun?.close();
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

/**
 * The strategy as the run drives it. Through the warm-up (history) it sees every bar, so it knows the previous
 * session's range, but nothing it asks for is sent and nothing it decides is recorded; from the first live bar its
 * decisions count, for that bar's trading day onwards (a warm-up ending mid-session, as an Alpaca run's does, leaves
 * the day tradable until its entry time). Held (paused on a real market, or stopping) it is not asked at all.
 */
class HeldStrategy implements OptionStrategy {
  holding = false;
  /** An Alpaca run's bars replayed after a restart: history again (its decisions are in the ledger already). */
  replaying = false;
  private warmingUp = true;
  /** The trading day of the first live bar: decisions about earlier days are history. */
  private firstLiveDay = '';

  constructor(private readonly inner: OptionStrategy) {}

  /** Each bar before the engine steps it: inside the warm-up, or live. */
  observe(barTime: number, inWarmup: boolean): void {
    this.warmingUp = inWarmup;
    if (!inWarmup && this.firstLiveDay === '') this.firstLiveDay = phase4dSessionClock(barTime).day;
  }

  onBar(ctx: Parameters<OptionStrategy['onBar']>[0]): ReturnType<OptionStrategy['onBar']> {
    const history = this.warmingUp || this.replaying;
    if (this.holding && !history) return undefined;
    const intents = this.inner.onBar(ctx);
    return history ? undefined : intents;
  }

  takeDecisions(): readonly OptionDayDecision[] {
    const decisions = this.inner.takeDecisions();
    if (this.warmingUp || this.replaying) return [];
    return decisions.filter((decision) => decision.day >= this.firstLiveDay);
  }
}
