// A market the app makes itself (synthetic, stored history), released one bar time at a time on a wall-clock
// timer, `speed` times faster than real time. Bar time k is always the same bars, so a run can be replayed exactly.
import { TIMEFRAME_MS, type Timeframe } from '../../shared/domain/bars';
import type { SymbolBar } from './live-bar-assembler';
import type { LiveFeed, LiveFeedHandlers } from './live-feed';

/** A market addressed by bar time: the bars of bar time k (one per symbol that has a bar then), null after the last. */
export interface BarTimes {
  barsAt(k: number): SymbolBar[] | null;
}

/** Interval timers, injectable so tests decide when a bar is released. */
export interface TimerFunctions {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemTimers: TimerFunctions = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/** Wall-clock interval between bars: the timeframe divided by the speed factor (never below 5 ms). */
export function barIntervalMs(timeframe: Timeframe, speed: number): number {
  return Math.max(5, TIMEFRAME_MS[timeframe] / speed);
}

/**
 * Unlike a real market, a paced one waits: stopped, then started again, it goes on from the bar time it stopped at
 * (a paused run). Starting it while it runs changes nothing.
 */
export class PacedFeed implements LiveFeed {
  private next = 0;
  private handle: unknown;
  private handlers: LiveFeedHandlers | undefined;

  constructor(
    private readonly market: BarTimes,
    /** Wall-clock ms between bar times. */
    readonly intervalMs: number,
    private readonly timers: TimerFunctions = systemTimers,
  ) {}

  /** Bar times released so far: the index of the next one. */
  get released(): number {
    return this.next;
  }

  /** The next `count` bar times at once, without waiting: the history the strategies warm up on at a start. */
  warmup(count: number): SymbolBar[][] {
    const groups: SymbolBar[][] = [];
    for (let k = 0; k < count; k++) {
      const bars = this.market.barsAt(this.next);
      if (bars === null) break;
      this.next++;
      if (bars.length > 0) groups.push(bars);
    }
    return groups;
  }

  /** Goes on after the bar times a recovered run replayed from its ledger. */
  resumeAt(index: number): void {
    this.next = index;
  }

  start(handlers: LiveFeedHandlers): Promise<void> {
    this.handlers = handlers;
    if (this.handle === undefined)
      this.handle = this.timers.setInterval(() => this.release(), this.intervalMs);
    return Promise.resolve();
  }

  stop(): Promise<void> {
    if (this.handle !== undefined) {
      this.timers.clearInterval(this.handle);
      this.handle = undefined;
    }
    return Promise.resolve();
  }

  private release(): void {
    const handlers = this.handlers;
    if (handlers === undefined) return;
    const bars = this.market.barsAt(this.next);
    if (bars === null) {
      void this.stop();
      handlers.onEnd?.();
      return;
    }
    this.next++;
    // A bar time no symbol has a bar at is nothing to trade on.
    if (bars.length > 0) handlers.onBars(bars[0]!.time, bars);
  }
}
