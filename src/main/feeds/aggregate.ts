// Timeframe aggregation: open first, high max, low min, close last, volume sum; buckets never cross a session.
//
// Conventions (both the batch function and the streaming BarAggregator follow them, and a test pins them together):
// - 'us-equities': only bars of the regular session, 09:30–16:00 New York on weekdays, are used; pre- and post-market
//   bars are dropped. Intraday buckets are anchored at the 09:30 open: 5m at 09:30, 09:35, …; 1h at 09:30, 10:30, …,
//   15:30 (the last one is half an hour, 15:30–16:00). A 1D bar is one New York trading day; its time is 00:00 UTC of
//   that New York date (the same convention as a date-only CSV row and the synthetic daily bars). Exchange holidays and
//   early closes are not modelled: a day without bars has no bar, and an early close just has fewer bars in it.
// - 'crypto': buckets are UTC-aligned (5m at :00, :05, …; 1h on the hour; 1D at 00:00 UTC); nothing is dropped.
// - An output bar's time is its bucket's start (or the date, for 1D), whatever bars actually fall into it.
// - A source bar is placed by its open time alone. Sources whose bars straddle the 09:30 open (clock-aligned hourly
//   bars at 09:00, 10:00, …) therefore lose their 09:00 bar as pre-market: aggregate such data from 1m instead.
// - aggregateBars trusts its input to be a valid series (see barProblem); BarAggregator checks each pushed bar.
import {
  allocateColumns,
  type Bar,
  type BarSeries,
  barProblem,
  TIMEFRAME_MS,
  type Timeframe,
} from '../../shared/domain/bars';
import {
  DAY_MS,
  type MarketCalendar,
  newYorkOffsetMs,
  SESSION_CLOSE_MS,
  SESSION_OPEN_MS,
} from '../market/new-york-time';

export type { MarketCalendar } from '../market/new-york-time';

/** Where a bar falls: the bucket [start, end) and the time the aggregated bar is stamped with. */
class Bucketer {
  start = 0;
  end = 0;
  label = 0;
  private readonly stepMs: number;
  private readonly daily: boolean;

  constructor(
    to: Timeframe,
    private readonly calendar: MarketCalendar,
  ) {
    this.stepMs = TIMEFRAME_MS[to];
    this.daily = to === '1D';
  }

  /** Sets start, end and label for a bar at `time`; false when the calendar has no session at that time. */
  locate(time: number): boolean {
    if (this.calendar === 'crypto') {
      const step = this.daily ? DAY_MS : this.stepMs;
      this.start = Math.floor(time / step) * step;
      this.end = this.start + step;
      this.label = this.start;
      return true;
    }
    const wall = time + newYorkOffsetMs(time);
    const day = Math.floor(wall / DAY_MS);
    const weekday = (((day + 4) % 7) + 7) % 7;
    if (weekday === 0 || weekday === 6) return false;
    const ofDay = wall - day * DAY_MS;
    if (ofDay < SESSION_OPEN_MS || ofDay >= SESSION_CLOSE_MS) return false;
    // No DST change happens during a session, so wall-clock differences equal UTC differences here.
    if (this.daily) {
      this.start = time - (ofDay - SESSION_OPEN_MS);
      this.end = time + (SESSION_CLOSE_MS - ofDay);
      this.label = day * DAY_MS;
      return true;
    }
    const bucketOfDay = SESSION_OPEN_MS + Math.floor((ofDay - SESSION_OPEN_MS) / this.stepMs) * this.stepMs;
    this.start = time - (ofDay - bucketOfDay);
    this.end = this.start + Math.min(this.stepMs, SESSION_CLOSE_MS - bucketOfDay);
    this.label = this.start;
    return true;
  }
}

function checkTimeframes(from: Timeframe, to: Timeframe): void {
  if (TIMEFRAME_MS[to] < TIMEFRAME_MS[from]) {
    throw new RangeError(`cannot aggregate ${from} bars to ${to}: ${to} is finer than the source`);
  }
}

/** Aggregates `series` into `to` bars under `calendar`'s sessions (see the conventions above). */
export function aggregateBars(series: BarSeries, to: Timeframe, calendar: MarketCalendar): BarSeries {
  checkTimeframes(series.timeframe, to);
  const length = series.length;
  if (series.timeframe === '1D') {
    // Daily bars are already one per trading day; re-bucketing their date labels would mean nothing.
    return {
      symbol: series.symbol,
      timeframe: to,
      time: series.time.slice(0, length),
      open: series.open.slice(0, length),
      high: series.high.slice(0, length),
      low: series.low.slice(0, length),
      close: series.close.slice(0, length),
      volume: series.volume.slice(0, length),
      length,
    };
  }
  const { time, open, high, low, close, volume } = series;
  const out = allocateColumns(length);
  const bucketer = new Bucketer(to, calendar);
  let n = -1;
  let bucketStart = Number.NaN;
  for (let i = 0; i < length; i++) {
    const t = time[i]!;
    if (!bucketer.locate(t)) continue;
    if (bucketer.start !== bucketStart) {
      bucketStart = bucketer.start;
      n++;
      out.time[n] = bucketer.label;
      out.open[n] = open[i]!;
      out.high[n] = high[i]!;
      out.low[n] = low[i]!;
      out.close[n] = close[i]!;
      out.volume[n] = volume[i]!;
    } else {
      if (high[i]! > out.high[n]!) out.high[n] = high[i]!;
      if (low[i]! < out.low[n]!) out.low[n] = low[i]!;
      out.close[n] = close[i]!;
      out.volume[n] += volume[i]!;
    }
  }
  const count = n + 1;
  return {
    symbol: series.symbol,
    timeframe: to,
    time: out.time.slice(0, count),
    open: out.open.slice(0, count),
    high: out.high.slice(0, count),
    low: out.low.slice(0, count),
    close: out.close.slice(0, count),
    volume: out.volume.slice(0, count),
    length: count,
  };
}

export interface BarAggregatorOptions {
  readonly to: Timeframe;
  readonly calendar: MarketCalendar;
  /** Timeframe of the bars pushed; default '1m'. */
  readonly from?: Timeframe;
}

const NOTHING: readonly Bar[] = Object.freeze([]);

/**
 * Streaming aggregation for live feeds: push source bars in time order, get back the bars they complete. A bucket
 * completes as soon as a pushed bar reaches its end (the 09:34 1m bar completes the 09:30 5m bar; the 15:59 bar
 * completes the day), or when a later bucket starts. Pushing every bar and then calling flush() yields exactly
 * aggregateBars' bars.
 */
export class BarAggregator {
  readonly from: Timeframe;
  readonly to: Timeframe;
  readonly calendar: MarketCalendar;
  private readonly bucketer: Bucketer;
  private readonly fromMs: number;
  private active = false;
  private bucketStart = 0;
  private bucketEnd = 0;
  private label = 0;
  private open = 0;
  private high = 0;
  private low = 0;
  private close = 0;
  private volume = 0;
  private lastTime: number | undefined;

  constructor(options: BarAggregatorOptions) {
    this.from = options.from ?? '1m';
    this.to = options.to;
    this.calendar = options.calendar;
    checkTimeframes(this.from, this.to);
    if (this.from === '1D' && this.to === '1D') {
      throw new RangeError('streaming 1D to 1D is not aggregation: use the daily bars as they come');
    }
    this.fromMs = TIMEFRAME_MS[this.from];
    this.bucketer = new Bucketer(this.to, this.calendar);
  }

  /** The bars completed by `bar` (usually none or one). Throws on an impossible candle or a time going backwards. */
  push(bar: Bar): readonly Bar[] {
    const problem = barProblem(bar, this.lastTime);
    if (problem !== undefined) throw new RangeError(`BarAggregator: ${problem}`);
    this.lastTime = bar.time;
    const bucketer = this.bucketer;
    if (!bucketer.locate(bar.time)) return this.active && bar.time >= this.bucketEnd ? this.flush() : NOTHING;
    let completed: Bar[] | undefined;
    if (this.active && bucketer.start !== this.bucketStart) completed = [this.take()];
    if (this.active) {
      if (bar.high > this.high) this.high = bar.high;
      if (bar.low < this.low) this.low = bar.low;
      this.close = bar.close;
      this.volume += bar.volume;
    } else {
      this.active = true;
      this.bucketStart = bucketer.start;
      this.bucketEnd = bucketer.end;
      this.label = bucketer.label;
      this.open = bar.open;
      this.high = bar.high;
      this.low = bar.low;
      this.close = bar.close;
      this.volume = bar.volume;
    }
    if (bar.time + this.fromMs >= this.bucketEnd) {
      const finished = this.take();
      if (completed === undefined) return [finished];
      completed.push(finished);
    }
    return completed ?? NOTHING;
  }

  /** Completes the open bucket if the clock has reached its end (for live feeds where the last bar never comes). */
  advanceTo(nowMs: number): readonly Bar[] {
    return this.active && nowMs >= this.bucketEnd ? this.flush() : NOTHING;
  }

  /** Emits the open bucket as it is (end of data). */
  flush(): readonly Bar[] {
    return this.active ? [this.take()] : NOTHING;
  }

  /** The bar being built, not yet complete. */
  get partial(): Bar | undefined {
    return this.active ? this.current() : undefined;
  }

  private current(): Bar {
    return {
      time: this.label,
      open: this.open,
      high: this.high,
      low: this.low,
      close: this.close,
      volume: this.volume,
    };
  }

  private take(): Bar {
    this.active = false;
    return this.current();
  }
}
