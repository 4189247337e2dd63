// Live markets for paper sessions: bar time k of a market is always the same bars, released one bar time at a
// time on a wall-clock timer, `speed` times faster than real time — so a run can be replayed exactly.
//   synthetic-live: the seeded generator, without end;
//   replay: stored history (CSV files, one per symbol) from its first bar to its last.
import type { Bar, BarSeries, Timeframe } from '../../shared/domain/bars';
import { TIMEFRAME_MS } from '../../shared/domain/bars';
import { readBarsCsv } from '../feeds/csv';
import { generateMarket } from '../feeds/synthetic';
import { isTradingDay } from '../market/calendar';
import type { MarketCalendar } from '../market/new-york-time';

export interface LiveBar extends Bar {
  readonly symbol: string;
}

export interface LiveMarket {
  /** The bars of bar time k (one per symbol that has a bar then), or null after the last. */
  barsAt(k: number): LiveBar[] | null;
}

/** The synthetic market as sessions trade it: closed on NYSE holidays (equities), open every day (crypto). */
export function syntheticSessionMarket(
  seed: number,
  symbols: readonly string[],
  bars: number,
  timeframe: Timeframe,
  calendar: MarketCalendar,
): BarSeries[] {
  return generateMarket({
    seed,
    symbols,
    bars,
    timeframe,
    calendar,
    tradingDay: (day) => isTradingDay(calendar, day),
  });
}

/** Prices of one symbol multiplied by `factor` from bar index `fromIndex` on (a test drives the market with it). */
interface PriceShock {
  readonly symbolIndex: number;
  readonly factor: number;
  readonly fromIndex: number;
}

export class SyntheticMarket implements LiveMarket {
  private series: BarSeries[] = [];
  private readonly shocks: PriceShock[] = [];

  constructor(
    private readonly seed: number,
    private readonly symbols: readonly string[],
    private readonly timeframe: Timeframe,
    private readonly calendar: MarketCalendar,
  ) {}

  /** The bars of every symbol at bar index `k` (generated in growing chunks; earlier bars never change). */
  barsAt(k: number): LiveBar[] | null {
    if (this.series.length === 0 || k >= this.series[0]!.length) {
      const size = Math.max(1_024, 2 ** Math.ceil(Math.log2(k + 1)) * 2);
      this.series = syntheticSessionMarket(this.seed, this.symbols, size, this.timeframe, this.calendar);
    }
    return this.series.map((s, n) => {
      const factor = this.shockFactor(n, k);
      return {
        symbol: s.symbol,
        time: s.time[k]!,
        open: s.open[k]! * factor,
        high: s.high[k]! * factor,
        low: s.low[k]! * factor,
        close: s.close[k]! * factor,
        volume: s.volume[k]!,
      };
    });
  }

  /**
   * Multiplies `symbol`'s open, high, low and close by `factor` at every bar index ≥ `fromIndex` (volume as is);
   * shocks compound. Applied as bars are read, so chunks generated later carry them too.
   */
  shock(symbol: string, factor: number, fromIndex: number): void {
    const symbolIndex = this.symbols.indexOf(symbol);
    if (symbolIndex < 0) {
      throw new Error(`shock symbol "${symbol}" is not in this market (${this.symbols.join(', ')})`);
    }
    if (!Number.isFinite(factor) || factor <= 0) {
      throw new Error(`shock factor must be a finite number above 0, got ${factor}`);
    }
    if (!Number.isInteger(fromIndex) || fromIndex < 0) {
      throw new Error(`shock fromIndex must be a whole number ≥ 0, got ${fromIndex}`);
    }
    this.shocks.push({ symbolIndex, factor, fromIndex });
  }

  private shockFactor(symbolIndex: number, k: number): number {
    let factor = 1;
    for (const shock of this.shocks) {
      if (shock.symbolIndex === symbolIndex && k >= shock.fromIndex) factor *= shock.factor;
    }
    return factor;
  }
}

/**
 * Stored history replayed: the files are read (and validated, errors naming file, line and field) once, and the
 * symbols' bars are merged by time, so a symbol without a bar at some time simply has none then.
 */
export class ReplayMarket implements LiveMarket {
  private readonly times: number[];
  private readonly series: BarSeries[];
  private readonly cursor: number[];

  constructor(files: Readonly<Record<string, string>>, symbols: readonly string[], timeframe: Timeframe) {
    this.series = symbols.map((symbol) => {
      const path = files[symbol];
      if (path === undefined) throw new Error(`feed.files has no CSV for ${symbol}`);
      return readBarsCsv(path, { symbol, timeframe }).series;
    });
    const all = new Set<number>();
    for (const s of this.series) for (let i = 0; i < s.length; i++) all.add(s.time[i]!);
    this.times = [...all].sort((a, b) => a - b);
    this.cursor = this.series.map(() => 0);
  }

  barsAt(k: number): LiveBar[] | null {
    const time = this.times[k];
    if (time === undefined) return null;
    const bars: LiveBar[] = [];
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

export const systemTimers: TimerFunctions = {
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
