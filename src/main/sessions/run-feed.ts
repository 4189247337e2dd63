// The feed a run follows, and what pausing means for it. A market the app makes (synthetic, stored history) is
// paced: it waits while the run is paused, and the monitor expects its bars on time. A real market's feed (an Alpaca
// run's) moves on whatever the run does: pausing only holds the strategies (see run-controls.ts).
import type { BarSeries } from '../../shared/domain/bars';
import type { SymbolBar } from '../feeds/live-bar-assembler';
import type { LiveFeed, LiveFeedHandlers } from '../feeds/live-feed';
import type { PacedFeed, TimerFunctions } from '../feeds/paced-feed';
import { replayLiveFeed } from '../feeds/replay-live';
import { SyntheticLiveFeed } from '../feeds/synthetic-live';
import type { SessionConfig } from '../strategies/run-config';
import type { RunMonitor } from './run-monitor';

/** The feed of a market the app makes; null for a real market's. A replay's bars are read before the run starts. */
function pacedFeedFor(
  config: SessionConfig,
  timers: TimerFunctions | undefined,
  replayBars: readonly BarSeries[] | undefined,
): PacedFeed | null {
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
      if (replayBars === undefined) throw new Error('a replay run needs its files read before it starts');
      return replayLiveFeed({ series: replayBars, timeframe, speed: feed.speed, timers });
    case 'alpaca':
      return null;
  }
}

export class RunFeed {
  private readonly paced: PacedFeed | null;
  private readonly feed: LiveFeed | undefined;

  constructor(
    private readonly config: SessionConfig,
    timers: TimerFunctions | undefined,
    /** A real market's feed (an Alpaca run's link); undefined when the app makes the market or there is no link. */
    realMarket: LiveFeed | undefined,
    private readonly monitor: RunMonitor,
    private readonly handlers: LiveFeedHandlers,
    /** A replay's bars, one series per symbol in the config's order. */
    replayBars?: readonly BarSeries[],
  ) {
    this.paced = pacedFeedFor(config, timers, replayBars);
    this.feed = this.paced ?? realMarket;
  }

  /** The market waits while the run is paused (a paced one); a real one does not. */
  get waits(): boolean {
    return this.paced !== null;
  }

  /** A paced market's next bar times at once, for the warm-up (a real market's history comes from its link). */
  warmup(count: number): SymbolBar[][] {
    return this.paced?.warmup(count) ?? [];
  }

  /** After a recovery replayed `barTimes` bar times from the ledger, a paced market goes on from there. */
  resumeAt(barTimes: number): void {
    this.paced?.resumeAt(barTimes);
  }

  /** Bars go to the handlers from now on. */
  follow(): Promise<void> {
    this.monitor.expectBars(this.paced?.intervalMs);
    return this.feed?.start(this.handlers) ?? Promise.resolve();
  }

  /** A paced market ticks again (a real market's feed runs as long as its link). */
  resume(): void {
    if (this.paced !== null) void this.follow();
  }

  /** A paced market waits; a real market's feed is stopped with its link. */
  halt(): void {
    this.monitor.stopWatchdog();
    void this.paced?.stop();
  }

  /** Test hook: `symbol`'s prices times `factor` from the next bar time not yet released (synthetic only). */
  shock(symbol: string, factor: number): void {
    if (!(this.paced instanceof SyntheticLiveFeed)) {
      throw new Error(`only a synthetic market can be shocked; this run's feed is ${this.config.feed.kind}`);
    }
    this.paced.shock(symbol, factor);
  }
}
