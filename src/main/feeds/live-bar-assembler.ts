// Turns finished minute bars of several symbols into session-timeframe bars released one bar time at a time, the
// way a strategy wants them: all symbols of a bar time together, in time order, each bar time once. A bar time goes
// out as soon as every symbol has its bar, or — because a quiet symbol may have no trade in a minute, so no bar —
// a grace period after the bar's end with the symbols that have one. No I/O and no timers: the caller says what
// time it is, which is what lets tests walk it minute by minute.
import type { Bar, Timeframe } from '../../shared/domain/bars';
import type { MarketCalendar } from '../market/new-york-time';
import { BarAggregator } from './aggregate';
import { bucketEndOf } from './bar-buckets';

export interface SymbolBar extends Bar {
  readonly symbol: string;
}

/** The bars of one bar time, one per symbol that has a bar then, in the order the symbols were given. */
export interface BarGroup {
  readonly time: number;
  readonly bars: readonly SymbolBar[];
}

export interface LiveBarAssemblerOptions {
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  readonly calendar: MarketCalendar;
  /** How long after a bar's end to wait for symbols that have not sent theirs. */
  readonly graceMs: number;
}

const NONE: readonly BarGroup[] = Object.freeze([]);

export class LiveBarAssembler {
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  readonly calendar: MarketCalendar;
  readonly graceMs: number;
  /** Bars that came after their bar time had already gone out (too late to be used). */
  lateBars = 0;
  private readonly aggregators = new Map<string, BarAggregator>();
  private readonly lastMinute = new Map<string, number>();
  private readonly pending = new Map<number, Map<string, Bar>>();
  private releasedThrough = Number.NEGATIVE_INFINITY;

  constructor(options: LiveBarAssemblerOptions) {
    if (options.symbols.length === 0) throw new RangeError('a live feed needs at least one symbol');
    if (!(options.graceMs >= 0)) throw new RangeError(`graceMs must be >= 0, got ${options.graceMs}`);
    this.symbols = [...options.symbols];
    this.timeframe = options.timeframe;
    this.calendar = options.calendar;
    this.graceMs = options.graceMs;
    for (const symbol of this.symbols) {
      this.aggregators.set(symbol, new BarAggregator({ to: options.timeframe, calendar: options.calendar }));
    }
  }

  /** The open time of the last minute bar taken for `symbol`, if any. */
  lastMinuteOf(symbol: string): number | undefined {
    return this.lastMinute.get(symbol);
  }

  /** The time of the last bar group released, if any. */
  get lastReleased(): number | undefined {
    return Number.isFinite(this.releasedThrough) ? this.releasedThrough : undefined;
  }

  /**
   * Takes a finished minute bar and returns the bar groups it completes. A bar of another symbol, or not newer than
   * the symbol's last one (a stream and a backfill overlap after a reconnect), is ignored. Throws on an impossible
   * candle (BarAggregator's check).
   */
  pushMinute(symbol: string, bar: Bar): readonly BarGroup[] {
    const aggregator = this.aggregators.get(symbol);
    if (aggregator === undefined) return NONE;
    const last = this.lastMinute.get(symbol);
    if (last !== undefined && bar.time <= last) return NONE;
    const completed = aggregator.push(bar);
    this.lastMinute.set(symbol, bar.time);
    for (const done of completed) this.collect(symbol, done);
    return this.release(undefined);
  }

  /** Releases the bar times whose grace period has run out at `now`, with the symbols that have a bar. */
  tick(now: number): readonly BarGroup[] {
    for (const [symbol, aggregator] of this.aggregators) {
      for (const done of aggregator.advanceTo(now - this.graceMs)) this.collect(symbol, done);
    }
    return this.release(now);
  }

  private collect(symbol: string, bar: Bar): void {
    if (bar.time <= this.releasedThrough) {
      this.lateBars++;
      return;
    }
    let group = this.pending.get(bar.time);
    if (group === undefined) {
      group = new Map();
      this.pending.set(bar.time, group);
    }
    group.set(symbol, bar);
  }

  private release(now: number | undefined): readonly BarGroup[] {
    if (this.pending.size === 0) return NONE;
    const times = [...this.pending.keys()].sort((a, b) => a - b);
    // A complete bar time also closes every earlier one: each symbol's bars arrive in order, so an earlier bar time
    // can get nothing more once every symbol has moved past it.
    let through = Number.NEGATIVE_INFINITY;
    for (const time of times) {
      const complete = this.pending.get(time)!.size === this.symbols.length;
      const overdue =
        now !== undefined && bucketEndOf(time, this.timeframe, this.calendar) + this.graceMs <= now;
      if (complete || overdue) through = time;
    }
    if (!Number.isFinite(through)) return NONE;
    const out: BarGroup[] = [];
    for (const time of times) {
      if (time > through) break;
      const group = this.pending.get(time)!;
      this.pending.delete(time);
      const bars: SymbolBar[] = [];
      for (const symbol of this.symbols) {
        const bar = group.get(symbol);
        if (bar !== undefined) bars.push({ symbol, ...bar });
      }
      out.push({ time, bars });
    }
    this.releasedThrough = through;
    return out;
  }
}
