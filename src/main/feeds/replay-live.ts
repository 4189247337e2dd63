// Stored history (CSV files, one per symbol, read beforehand off the main thread: see price-file.ts) replayed as a
// paper session's market, from its first bar time to its last, at a pace.
import type { BarSeries, Timeframe } from '../../shared/domain/bars';
import type { SymbolBar } from './live-bar-assembler';
import { type BarTimes, barIntervalMs, PacedFeed, type TimerFunctions } from './paced-feed';

/** The symbols' bars (read and validated once) merged by time, so a symbol without a bar at some time has none then. */
export class ReplayMarket implements BarTimes {
  private readonly times: number[];
  private readonly series: BarSeries[];
  private readonly cursor: number[];

  constructor(series: readonly BarSeries[]) {
    this.series = [...series];
    const all = new Set<number>();
    for (const s of this.series) for (let i = 0; i < s.length; i++) all.add(s.time[i]!);
    this.times = [...all].sort((a, b) => a - b);
    this.cursor = this.series.map(() => 0);
  }

  barsAt(k: number): SymbolBar[] | null {
    const time = this.times[k];
    if (time === undefined) return null;
    const bars: SymbolBar[] = [];
    this.series.forEach((s, n) => {
      // Bar times are asked for in order (live and in replay), so each symbol's cursor only moves forward.
      let i = this.cursor[n]!;
      while (i < s.length && s.time[i]! < time) i++;
      this.cursor[n] = i;
      if (i < s.length && s.time[i] === time) {
        bars.push({
          symbol: s.symbol,
          time,
          open: s.open[i]!,
          high: s.high[i]!,
          low: s.low[i]!,
          close: s.close[i]!,
          volume: s.volume[i]!,
        });
      }
    });
    return bars;
  }
}

export interface ReplayLiveOptions {
  /** Each symbol's bars, as read from its CSV. */
  readonly series: readonly BarSeries[];
  readonly timeframe: Timeframe;
  /** How many times faster than real time bars are released. */
  readonly speed: number;
  readonly timers?: TimerFunctions;
}

export function replayLiveFeed(options: ReplayLiveOptions): PacedFeed {
  return new PacedFeed(
    new ReplayMarket(options.series),
    barIntervalMs(options.timeframe, options.speed),
    options.timers,
  );
}
