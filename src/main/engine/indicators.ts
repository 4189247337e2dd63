// Streaming indicator kernels for the hot loop: fixed-size typed buffers, no allocation per update.
// Each reproduces its trading-signals counterpart (same formulas, same order of operations where it matters)
// and is pinned to it by tests/unit/engine/indicators.test.ts. Why they exist: trading-signals costs 2–15× more
// per update (tests/unit/engine/indicator-costs.ts), too much for an engine meant to run ~10^7 bars/s.

/**
 * What the range-based kernels read from a bar. They take the bar itself, not three numbers: V8 boxes every
 * double passed to (or returned from) a call it does not inline, and these kernels are too big to inline.
 */
export interface HighLowClose {
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/**
 * Simple moving average as a running-sum rolling mean over a ring buffer.
 *
 * Exactly, per update with value x: `sum += x`; once more than `period` values have been seen,
 * `sum -= x_old` (the value `period` updates back); then `mean = sum / period`. The bare benchmark kernel
 * reproduces this order of floating-point operations, so its SMA — and so its trades — match bit for bit.
 */
export class RollingMean {
  readonly period: number;
  private readonly window: Float64Array;
  private sum = 0;
  private slot = 0;
  /** NaN until `period` values have been seen, then `period`: the mean is NaN until then without a branch. */
  private divisor = Number.NaN;
  /** NaN until `period` values have been seen. */
  value = Number.NaN;

  constructor(period: number) {
    this.period = period;
    this.window = new Float64Array(period);
  }

  get isReady(): boolean {
    return this.divisor === this.period;
  }

  update(x: number): number {
    this.push(x);
    return this.value;
  }

  /**
   * update() without the result, for hot loops: read `value` after it. A double returned from a call V8 does not
   * inline is boxed (an allocation per call). Kept short, because V8's inlining budget is counted in bytecode and
   * the engine's single-market loop needs this inlined.
   */
  push(x: number): void {
    const window = this.window;
    let slot = this.slot;
    // Until the window is full its slots hold 0 and `s - 0` is exactly `s`, so subtracting unconditionally gives
    // bit for bit the sums of "sum += x; sum -= x_old once more than `period` values were seen".
    const sum = this.sum + x - window[slot]!;
    this.sum = sum;
    window[slot] = x;
    // A wrapping slot instead of count % period: the modulo was the largest single cost in the engine bench.
    if (++slot === this.period) {
      slot = 0;
      this.divisor = this.period;
    }
    this.slot = slot;
    this.value = sum / this.divisor;
  }
}

/**
 * Rolling mean and population standard deviation (Bollinger's σ) over the last `period` values.
 * The sum of squared deviations is slid in O(1) and recomputed exactly every `period` updates, so rounding
 * drift stays bounded over millions of bars at an amortised O(1) cost.
 */
export class RollingDeviation {
  readonly period: number;
  private readonly window: Float64Array;
  private count = 0;
  private sum = 0;
  private squaredDeviations = 0;
  /** NaN until `period` values have been seen. */
  mean = Number.NaN;
  deviation = Number.NaN;

  constructor(period: number) {
    this.period = period;
    this.window = new Float64Array(period);
  }

  get isReady(): boolean {
    return this.count >= this.period;
  }

  update(x: number): number {
    const n = this.period;
    const slot = this.count % n;
    const full = this.count >= n;
    const old = this.window[slot]!;
    this.window[slot] = x;
    this.count++;
    if (!full) {
      this.sum += x;
      if (this.count === n) this.resync();
      return this.deviation;
    }
    if (slot === n - 1) {
      this.resync();
      return this.deviation;
    }
    const oldMean = this.mean;
    this.sum += x - old;
    const newMean = this.sum / n;
    this.squaredDeviations += (x - old) * (x - newMean + old - oldMean);
    if (this.squaredDeviations < 0) this.squaredDeviations = 0;
    this.mean = newMean;
    this.deviation = Math.sqrt(this.squaredDeviations / n);
    return this.deviation;
  }

  private resync(): void {
    const n = this.period;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.window[i]!;
    const mean = sum / n;
    let squared = 0;
    for (let i = 0; i < n; i++) {
      const d = this.window[i]! - mean;
      squared += d * d;
    }
    this.sum = sum;
    this.mean = mean;
    this.squaredDeviations = squared;
    this.deviation = Math.sqrt(squared / n);
  }
}

/** Realised volatility: population σ of the last `period` close-to-close log returns (per bar, not annualised). */
export class ReturnVolatility {
  private readonly returns: RollingDeviation;
  private previousClose = Number.NaN;

  constructor(readonly period: number) {
    this.returns = new RollingDeviation(period);
  }

  /** Needs `period` returns, so `period + 1` closes. */
  get isReady(): boolean {
    return this.returns.isReady;
  }

  get value(): number {
    return this.returns.deviation;
  }

  /** Takes the bar, not the close, for the same reason as the range-based kernels. */
  update(bar: { readonly close: number }): void {
    const close = bar.close;
    const previous = this.previousClose;
    this.previousClose = close;
    if (!Number.isNaN(previous)) this.returns.update(Math.log(close / previous));
  }
}

/** EMA seeded with the first value, weight 2 / (period + 1), as trading-signals' EMA; ready after `period` values. */
export class ExponentialMean {
  readonly period: number;
  private readonly weight: number;
  private readonly keep: number;
  private count = 0;
  value = Number.NaN;

  constructor(period: number) {
    this.period = period;
    this.weight = 2 / (period + 1);
    this.keep = 1 - this.weight;
  }

  get isReady(): boolean {
    return this.count >= this.period;
  }

  update(x: number): number {
    const previous = this.count === 0 ? x : this.value;
    this.count++;
    this.value = x * this.weight + previous * this.keep;
    return this.value;
  }
}

/**
 * Wilder's smoothing (trading-signals' WSMA, a.k.a. RMA seeded with an SMA): the plain mean of the first
 * `period` values, then value += (x − value) / period.
 */
export class WilderMean {
  readonly period: number;
  private readonly factor: number;
  private count = 0;
  private sum = 0;
  value = Number.NaN;

  constructor(period: number) {
    this.period = period;
    this.factor = 1 / period;
  }

  get isReady(): boolean {
    return this.count >= this.period;
  }

  update(x: number): number {
    this.count++;
    if (this.count > this.period) {
      this.value = (x - this.value) * this.factor + this.value;
    } else {
      this.sum += x;
      if (this.count === this.period) this.value = this.sum / this.period;
    }
    return this.value;
  }
}

/** Wilder's RSI of closes (0–100): Wilder-smoothed gains over losses; 100 when there were no losses. */
export class RelativeStrength {
  readonly period: number;
  private readonly gains: WilderMean;
  private readonly losses: WilderMean;
  private previousClose = Number.NaN;
  value = Number.NaN;

  constructor(period: number) {
    this.period = period;
    this.gains = new WilderMean(period);
    this.losses = new WilderMean(period);
  }

  /** Needs `period` price changes, so `period + 1` closes. */
  get isReady(): boolean {
    return this.gains.isReady;
  }

  update(close: number): number {
    const previous = this.previousClose;
    this.previousClose = close;
    if (Number.isNaN(previous)) return this.value;
    if (close > previous) {
      this.losses.update(0);
      this.gains.update(close - previous);
    } else {
      this.losses.update(previous - close);
      this.gains.update(0);
    }
    if (!this.gains.isReady) return this.value;
    const averageLoss = this.losses.value;
    this.value = averageLoss === 0 ? 100 : 100 - 100 / (this.gains.value / averageLoss + 1);
    return this.value;
  }
}

/**
 * MACD as trading-signals computes it: EMA(fast) − EMA(slow) once `slow` closes are in, the signal line an EMA of
 * that, histogram = macd − signal. Ready once the signal EMA has `signal` values: slow + signal − 1 closes.
 */
export class MovingAverageConvergence {
  private readonly fast: ExponentialMean;
  private readonly slow: ExponentialMean;
  private readonly signalLine: ExponentialMean;
  private count = 0;
  macd = Number.NaN;
  signal = Number.NaN;
  histogram = Number.NaN;

  constructor(fastPeriod: number, slowPeriod: number, signalPeriod: number) {
    this.fast = new ExponentialMean(fastPeriod);
    this.slow = new ExponentialMean(slowPeriod);
    this.signalLine = new ExponentialMean(signalPeriod);
  }

  get isReady(): boolean {
    return this.signalLine.isReady;
  }

  update(close: number): number {
    const fast = this.fast.update(close);
    const slow = this.slow.update(close);
    this.count++;
    if (this.count < this.slow.period) return this.histogram;
    this.macd = fast - slow;
    this.signal = this.signalLine.update(this.macd);
    this.histogram = this.macd - this.signal;
    return this.histogram;
  }
}

/** Wilder's average true range; the first bar's true range is its high − low. */
export class AverageTrueRange {
  readonly period: number;
  private readonly smoothing: WilderMean;
  private previousClose = Number.NaN;
  value = Number.NaN;

  constructor(period: number) {
    this.period = period;
    this.smoothing = new WilderMean(period);
  }

  get isReady(): boolean {
    return this.smoothing.isReady;
  }

  update(bar: HighLowClose): void {
    const { high, low, close } = bar;
    const previous = this.previousClose;
    this.previousClose = close;
    const range = high - low;
    const trueRange = Number.isNaN(previous)
      ? range
      : Math.max(range, Math.abs(high - previous), Math.abs(low - previous));
    this.value = this.smoothing.update(trueRange);
  }
}

/**
 * Wilder's ADX (0–100) as trading-signals computes it, including its zero directional movement on the first bar.
 * One deliberate difference: with a zero ATR (a run of flat bars) DX is 0 here, where trading-signals turns NaN
 * for good. Ready after 2 × period − 1 bars.
 */
export class DirectionalIndex {
  readonly period: number;
  private readonly atr: AverageTrueRange;
  private readonly upMoves: WilderMean;
  private readonly downMoves: WilderMean;
  private readonly smoothing: WilderMean;
  private previousHigh = Number.NaN;
  private previousLow = Number.NaN;
  value = Number.NaN;

  constructor(period: number) {
    this.period = period;
    this.atr = new AverageTrueRange(period);
    this.upMoves = new WilderMean(period);
    this.downMoves = new WilderMean(period);
    this.smoothing = new WilderMean(period);
  }

  get isReady(): boolean {
    return this.smoothing.isReady;
  }

  update(bar: HighLowClose): void {
    const { high, low } = bar;
    let upMove = 0;
    let downMove = 0;
    if (!Number.isNaN(this.previousHigh)) {
      const higherHigh = high - this.previousHigh;
      const lowerLow = this.previousLow - low;
      upMove = higherHigh < 0 || higherHigh < lowerLow ? 0 : higherHigh;
      downMove = lowerLow < 0 || lowerLow < higherHigh ? 0 : lowerLow;
    }
    this.previousHigh = high;
    this.previousLow = low;
    this.atr.update(bar);
    const atr = this.atr.value;
    const up = this.upMoves.update(upMove);
    const down = this.downMoves.update(downMove);
    if (!this.upMoves.isReady) return;
    let dx = 0;
    if (atr !== 0) {
      const plus = up / atr;
      const minus = down / atr;
      const sum = plus + minus;
      dx = sum === 0 ? 0 : (Math.abs(plus - minus) / sum) * 100;
    }
    this.value = this.smoothing.update(dx);
  }
}

/** What VWAP reads from a bar: its range, close and traded volume. */
export interface HighLowCloseVolume extends HighLowClose {
  readonly volume: number;
}

/**
 * Session-anchored VWAP: Σ(typical price × volume) ÷ Σ volume over the bars of the current trading day, the typical
 * price being (high + low + close) ÷ 3. The caller says which day a bar belongs to (the engine knows no calendar;
 * charts pass the New York date for equities), and the sums restart when it changes. NaN until the day has traded.
 */
export class SessionVwap {
  private day = Number.NaN;
  private priceVolume = 0;
  private volume = 0;
  value = Number.NaN;

  update(bar: HighLowCloseVolume, day: number): number {
    if (day !== this.day) {
      this.day = day;
      this.priceVolume = 0;
      this.volume = 0;
    }
    const volume = bar.volume > 0 ? bar.volume : 0;
    this.priceVolume += ((bar.high + bar.low + bar.close) / 3) * volume;
    this.volume += volume;
    this.value = this.volume > 0 ? this.priceVolume / this.volume : Number.NaN;
    return this.value;
  }
}
