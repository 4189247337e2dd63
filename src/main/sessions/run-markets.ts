// What a session's engine trades: one growing bar series per symbol (the strategies come from the market builder).
import type { Bar, BarSeries, Timeframe } from '../../shared/domain/bars';

/** Bars a run can hold per symbol; a longer run is stopped with a message rather than growing without bound. */
export const BAR_CAPACITY = 200_000;

/** Bar columns that grow in place up to a fixed capacity: the engine's bar views keep pointing at them. */
export class LiveSeries implements BarSeries {
  readonly time = new Float64Array(BAR_CAPACITY);
  readonly open = new Float64Array(BAR_CAPACITY);
  readonly high = new Float64Array(BAR_CAPACITY);
  readonly low = new Float64Array(BAR_CAPACITY);
  readonly close = new Float64Array(BAR_CAPACITY);
  readonly volume = new Float64Array(BAR_CAPACITY);
  length = 0;

  constructor(
    readonly symbol: string,
    readonly timeframe: Timeframe,
  ) {}

  append(bar: Bar): void {
    const k = this.length;
    this.time[k] = bar.time;
    this.open[k] = bar.open;
    this.high[k] = bar.high;
    this.low[k] = bar.low;
    this.close[k] = bar.close;
    this.volume[k] = bar.volume;
    this.length = k + 1;
  }

  /** The newest close, if there is a bar yet. */
  get lastClose(): number | undefined {
    return this.length > 0 ? this.close[this.length - 1] : undefined;
  }

  /** The newest bar time, or 0 before the first bar. */
  get lastTime(): number {
    return this.length > 0 ? this.time[this.length - 1]! : 0;
  }
}
