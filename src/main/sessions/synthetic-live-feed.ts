// The synthetic market, live: the seeded generator's bars released one bar time at a time on a wall-clock
// timer, `speed` times faster than real time. Bar k is always the same bar, so a run can be replayed exactly.
import type { Bar, BarSeries, Timeframe } from '../../shared/domain/bars';
import { TIMEFRAME_MS } from '../../shared/domain/bars';
import { generateMarket } from '../feeds/synthetic';

export interface LiveBar extends Bar {
  readonly symbol: string;
}

export class SyntheticMarket {
  private series: BarSeries[] = [];

  constructor(
    private readonly seed: number,
    private readonly symbols: readonly string[],
    private readonly timeframe: Timeframe,
  ) {}

  /** The bars of every symbol at bar index `k` (generated in growing chunks; earlier bars never change). */
  barsAt(k: number): LiveBar[] {
    if (this.series.length === 0 || k >= this.series[0]!.length) {
      const size = Math.max(1_024, 2 ** Math.ceil(Math.log2(k + 1)) * 2);
      this.series = generateMarket({
        seed: this.seed,
        symbols: this.symbols,
        bars: size,
        timeframe: this.timeframe,
      });
    }
    return this.series.map((s) => ({
      symbol: s.symbol,
      time: s.time[k]!,
      open: s.open[k]!,
      high: s.high[k]!,
      low: s.low[k]!,
      close: s.close[k]!,
      volume: s.volume[k]!,
    }));
  }
}

export interface Ticker {
  /** Starts releasing bars every `intervalMs`; `onTick` gets the next bar index. */
  start(onTick: () => void): void;
  stop(): void;
  readonly running: boolean;
}

export interface TimerFunctions {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const systemTimers: TimerFunctions = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/** Wall-clock interval between bars: the timeframe divided by the speed factor (never below 5 ms). */
export function barIntervalMs(timeframe: Timeframe, speed: number): number {
  return Math.max(5, TIMEFRAME_MS[timeframe] / speed);
}

export function createTicker(intervalMs: number, timers: TimerFunctions = systemTimers): Ticker {
  let handle: unknown;
  return {
    start(onTick) {
      if (handle !== undefined) return;
      handle = timers.setInterval(onTick, intervalMs);
    },
    stop() {
      if (handle === undefined) return;
      timers.clearInterval(handle);
      handle = undefined;
    },
    get running() {
      return handle !== undefined;
    },
  };
}
