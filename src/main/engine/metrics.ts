// Performance metrics of a backtest or session: computed once per run from the equity curve and the round trips.
//
// Definitions (the report and the UI show exactly these):
// - Returns are simple per-period returns of the equity curve, r_i = (E_i − E_{i−1}) / E_{i−1}, i = 1..N−1. A period
//   that starts at zero or negative equity has no defined simple return and is left out (n counts the rest).
// - periodsPerYear (ppy), by timeframe and calendar: us-equities has 252 sessions of 390 minutes (6.5 h), so
//   1m = 98,280, 5m = 19,656, 15m = 6,552, 1h = 1,638, 1D = 252; crypto trades 365 × 24 h, so 1m = 525,600,
//   5m = 105,120, 15m = 35,040, 1h = 8,760, 1D = 365. Default calendar: us-equities.
// - Risk-free rate: annual, 0 by default; per period rf = riskFreeRate / ppy; excess x_i = r_i − rf.
// - Annual volatility = stdev(r, sample, n − 1) × √ppy.
// - Sharpe = mean(x) / stdev(x, sample, n − 1) × √ppy.
// - Sortino = mean(x) / DD × √ppy, with per-period downside deviation DD = √(Σ min(0, x_i)² / n) over all n returns.
// - Total return = E_last / E_first − 1.
// - CAGR = (E_last / E_first)^(1 / years) − 1, years = (t_last − t_first) / 365.25 days; when timestamps are missing
//   (not finite, or t_last ≤ t_first) years = periods / ppy. A non-positive end means everything was lost: −1.
// - Drawdown at a point = (running peak − E) / running peak (a positive fraction; 0 at a new peak; only measured
//   while the peak is positive). Max drawdown = the deepest one.
// - Drawdown duration = periods from the peak to the first point back at or above it (recovery), or to the last
//   point when it never recovers. 100, 110, 99, 120 is a 2-bar drawdown (peak at 1, recovered at 3; 1 bar under
//   water). maxDrawdownDuration is the longest such episode (not necessarily the deepest); the ms figure is the
//   longest episode by timestamps, time[recovery] − time[peak].
// - Calmar = CAGR / maxDrawdown. Recovery factor = (E_last − E_first) / largest drawdown in currency (peak − E).
// - Trades, in exit order (input order among equal exit times): a win has P&L > 0, a loss P&L < 0; a zero-P&L trade
//   counts in `trades` (so in win rate's denominator and expectancy) but is neither, and ends both streaks.
//   Win rate = wins / trades; profit factor = gross win / |gross loss|; expectancy = mean trade P&L;
//   average win / loss = mean P&L of wins / losses (a loss stays negative); largest win / loss likewise signed.
// - Exposure time = barsInMarket / points.
// - sampleTooSmall: fewer than MIN_ANNUALISED_RETURNS returns (n); the annualised figures are still computed, and
//   the flag tells a reader (the UI shows "—") not to take them as facts.
// Undefined figures are null (see PerformanceMetrics), so the result is valid JSON.
import type { BarSeries, Timeframe } from '../../shared/domain/bars';
import { MIN_ANNUALISED_RETURNS, type PerformanceMetrics } from '../../shared/domain/metrics';
import type { Trade } from '../../shared/domain/trading';

export type MetricsCalendar = 'us-equities' | 'crypto';

export interface MetricsInput {
  /** Epoch ms per point (the bar's time); all zeros or NaN when unknown (CAGR then falls back to periods / ppy). */
  time: Float64Array;
  /** Marked-to-market equity per point, one point per bar. */
  equity: Float64Array;
  /** Points used; the arrays may be longer (capacity). */
  length: number;
  /** Closed round trips, in any order (sorted by exit time here). */
  trades: readonly Trade[];
  /** Total fees paid over the run. */
  fees: number;
  /** Bars during which a position was open. */
  barsInMarket: number;
  timeframe: Timeframe;
  /** Default 'us-equities'. */
  calendar?: MetricsCalendar;
  /** Annual risk-free rate as a fraction (0.04 = 4%); default 0. */
  riskFreeRate?: number;
}

const MS_PER_YEAR = 365.25 * 86_400_000;

const PERIODS_PER_YEAR: Readonly<Record<MetricsCalendar, Readonly<Record<Timeframe, number>>>> = {
  // 252 sessions × 390 minutes.
  'us-equities': { '1m': 98_280, '5m': 19_656, '15m': 6_552, '1h': 1_638, '1D': 252 },
  // 365 days × 24 hours.
  crypto: { '1m': 525_600, '5m': 105_120, '15m': 35_040, '1h': 8_760, '1D': 365 },
};

/** Periods of `timeframe` in one year of `calendar`: the annualisation factor. */
export function periodsPerYear(timeframe: Timeframe, calendar: MetricsCalendar): number {
  const byTimeframe = PERIODS_PER_YEAR[calendar];
  const ppy = byTimeframe?.[timeframe];
  if (ppy === undefined) throw new RangeError(`no annualisation factor for ${calendar} ${timeframe}`);
  return ppy;
}

/** A finite number, or null (JSON has no NaN or Infinity). */
function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function checkLength(length: number, arrays: readonly Float64Array[], what: string): void {
  if (!Number.isInteger(length) || length < 0)
    throw new RangeError(`${what}: length ${length} is not a count`);
  for (const array of arrays) {
    if (array.length < length) {
      throw new RangeError(`${what}: length ${length} exceeds an array of ${array.length}`);
    }
  }
}

/**
 * All metrics of one run in one pass over the curve (no per-point allocation) plus one pass over the trades.
 * Throws RangeError on a length beyond the arrays or a non-finite equity point or trade P&L: those are engine bugs,
 * and a silent NaN would turn into null in report.json.
 */
export function computeMetrics(input: MetricsInput): PerformanceMetrics {
  const { time, equity, length } = input;
  checkLength(length, [time, equity], 'computeMetrics');
  const ppy = periodsPerYear(input.timeframe, input.calendar ?? 'us-equities');
  const riskFreeRate = input.riskFreeRate ?? 0;
  if (!Number.isFinite(riskFreeRate)) throw new RangeError(`riskFreeRate ${riskFreeRate} is not finite`);
  const rf = riskFreeRate / ppy;
  const periods = Math.max(0, length - 1);
  const hasTime =
    length >= 2 &&
    Number.isFinite(time[0]) &&
    Number.isFinite(time[length - 1]) &&
    time[length - 1] > time[0];

  // Return moments (Welford, numerically stable in one pass) and the downside sum.
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let downsideSq = 0;
  // Drawdown state.
  let peak = length > 0 ? equity[0] : 0;
  let peakIndex = 0;
  let underwater = false;
  let maxDrawdown = 0;
  let maxDrawdownCash = 0;
  let longestBars = 0;
  let longestMs = 0;

  if (length > 0 && !Number.isFinite(peak)) throw new RangeError('equity[0] is not finite');
  let previous = peak;
  for (let i = 1; i < length; i++) {
    const e = equity[i];
    if (!Number.isFinite(e)) throw new RangeError(`equity[${i}] is not finite (${e})`);
    if (previous > 0) {
      const x = (e - previous) / previous - rf;
      n++;
      const delta = x - mean;
      mean += delta / n;
      m2 += delta * (x - mean);
      if (x < 0) downsideSq += x * x;
    }
    previous = e;
    if (e >= peak) {
      // A new peak, or back at the old one: a drawdown episode (if any) ends here.
      if (underwater) {
        const bars = i - peakIndex;
        if (bars > longestBars) longestBars = bars;
        const ms = time[i] - time[peakIndex];
        if (ms > longestMs) longestMs = ms;
        underwater = false;
      }
      peak = e;
      peakIndex = i;
    } else {
      underwater = true;
      const cash = peak - e;
      if (cash > maxDrawdownCash) maxDrawdownCash = cash;
      if (peak > 0 && cash / peak > maxDrawdown) maxDrawdown = cash / peak;
    }
  }
  if (underwater) {
    // Never recovered: the episode runs to the last point.
    const bars = length - 1 - peakIndex;
    if (bars > longestBars) longestBars = bars;
    const ms = time[length - 1] - time[peakIndex];
    if (ms > longestMs) longestMs = ms;
  }

  const startEquity = length > 0 ? equity[0] : null;
  const endEquity = length > 0 ? equity[length - 1] : null;
  const totalReturn =
    startEquity !== null && endEquity !== null && startEquity > 0 ? endEquity / startEquity - 1 : null;

  let cagr: number | null = null;
  if (totalReturn !== null && periods > 0) {
    const years = hasTime ? (time[length - 1] - time[0]) / MS_PER_YEAR : periods / ppy;
    const growth = totalReturn + 1;
    cagr = growth <= 0 ? -1 : finiteOrNull(growth ** (1 / years) - 1);
  }

  const stdev = n >= 2 ? Math.sqrt(m2 / (n - 1)) : null;
  const sqrtPpy = Math.sqrt(ppy);
  const annualVolatility = stdev === null ? null : stdev * sqrtPpy;
  // Rounding leaves a tiny stdev on constant returns (e.g. 1% every bar); that is zero volatility, not a huge Sharpe.
  const sharpe =
    stdev === null || stdev <= 1e-12 * Math.abs(mean) ? null : finiteOrNull((mean / stdev) * sqrtPpy);
  const downside = n > 0 ? Math.sqrt(downsideSq / n) : 0;
  const sortino = downside > 0 ? finiteOrNull((mean / downside) * sqrtPpy) : null;
  const calmar = cagr !== null && maxDrawdown > 0 ? finiteOrNull(cagr / maxDrawdown) : null;
  const recoveryFactor =
    startEquity !== null && endEquity !== null && maxDrawdownCash > 0
      ? (endEquity - startEquity) / maxDrawdownCash
      : null;

  return {
    totalReturn,
    cagr,
    annualVolatility,
    sharpe,
    sortino,
    calmar,
    maxDrawdown,
    maxDrawdownDuration: longestBars,
    maxDrawdownDurationMs: hasTime ? longestMs : null,
    ...tradeMetrics(input.trades),
    recoveryFactor,
    exposureTime: length > 0 ? input.barsInMarket / length : null,
    trades: input.trades.length,
    fees: input.fees,
    startEquity,
    endEquity,
    periods,
    periodsPerYear: ppy,
    sampleTooSmall: n < MIN_ANNUALISED_RETURNS,
  };
}

type TradeFigures = Pick<
  PerformanceMetrics,
  | 'winRate'
  | 'profitFactor'
  | 'averageWin'
  | 'averageLoss'
  | 'expectancy'
  | 'largestWin'
  | 'largestLoss'
  | 'longestWinStreak'
  | 'longestLossStreak'
>;

/** Trades in exit order; the input is used as is when already sorted (the ledger appends at exit). */
function inExitOrder(trades: readonly Trade[]): readonly Trade[] {
  for (let i = 1; i < trades.length; i++) {
    if (trades[i].exitTime < trades[i - 1].exitTime) {
      // Array.prototype.sort is stable: equal exit times keep their input order.
      return [...trades].sort((a, b) => a.exitTime - b.exitTime);
    }
  }
  return trades;
}

function tradeMetrics(unordered: readonly Trade[]): TradeFigures {
  const trades = inExitOrder(unordered);
  let wins = 0;
  let losses = 0;
  let grossWin = 0;
  let grossLoss = 0;
  let total = 0;
  let largestWin = 0;
  let largestLoss = 0;
  let winStreak = 0;
  let lossStreak = 0;
  let longestWinStreak = 0;
  let longestLossStreak = 0;
  for (let i = 0; i < trades.length; i++) {
    const pnl = trades[i].pnl;
    if (!Number.isFinite(pnl)) throw new RangeError(`trade ${i} P&L is not finite (${pnl})`);
    total += pnl;
    if (pnl > 0) {
      wins++;
      grossWin += pnl;
      if (pnl > largestWin) largestWin = pnl;
      winStreak++;
      lossStreak = 0;
      if (winStreak > longestWinStreak) longestWinStreak = winStreak;
    } else if (pnl < 0) {
      losses++;
      grossLoss += pnl;
      if (pnl < largestLoss) largestLoss = pnl;
      lossStreak++;
      winStreak = 0;
      if (lossStreak > longestLossStreak) longestLossStreak = lossStreak;
    } else {
      winStreak = 0;
      lossStreak = 0;
    }
  }
  const count = trades.length;
  return {
    winRate: count > 0 ? wins / count : null,
    profitFactor: losses > 0 ? grossWin / -grossLoss : null,
    averageWin: wins > 0 ? grossWin / wins : null,
    averageLoss: losses > 0 ? grossLoss / losses : null,
    expectancy: count > 0 ? total / count : null,
    largestWin: wins > 0 ? largestWin : null,
    largestLoss: losses > 0 ? largestLoss : null,
    longestWinStreak,
    longestLossStreak,
  };
}

/**
 * Fraction below the running peak at each point: (peak − E) / peak, 0 at a peak (and while the peak is not
 * positive). The same definition as maxDrawdown; for equity.csv and the UI.
 */
export function drawdownCurve(equity: Float64Array, length: number): Float64Array {
  checkLength(length, [equity], 'drawdownCurve');
  const out = new Float64Array(length);
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < length; i++) {
    const e = equity[i];
    if (e >= peak) peak = e;
    else if (peak > 0) out[i] = (peak - e) / peak;
  }
  return out;
}

/**
 * The buy-and-hold benchmark: `cash` split equally among the symbols that have bars, each bought at its first bar's
 * open (fractional quantity, no fees) and marked at every close. Points are the union of all series' times; a symbol
 * without a bar at a time carries its last close forward, and a symbol whose history starts later holds its share
 * as cash until its first bar. Series with no bars are left out; with none at all the curve is empty.
 * Each series' times must be strictly increasing.
 */
export function buyAndHoldEquity(
  series: readonly BarSeries[],
  cash: number,
): { time: Float64Array; equity: Float64Array; length: number } {
  if (!Number.isFinite(cash)) throw new RangeError(`cash ${cash} is not finite`);
  const held = series.filter((s) => s.length > 0);
  for (const s of held) {
    checkLength(s.length, [s.time, s.open, s.close], `buyAndHoldEquity ${s.symbol}`);
    if (!(s.open[0] > 0 && Number.isFinite(s.open[0]))) {
      throw new RangeError(`buyAndHoldEquity ${s.symbol}: first open ${s.open[0]} is not a positive price`);
    }
  }
  const k = held.length;
  const share = k > 0 ? cash / k : 0;
  const qty = held.map((s) => share / s.open[0]);
  if (k === 1) {
    // One symbol: its own times, no merge (the usual backtest, and a million bars, so worth the shortcut).
    const only = held[0]!;
    const equity = new Float64Array(only.length);
    for (let j = 0; j < only.length; j++) equity[j] = qty[0]! * only.close[j]!;
    return { time: only.time.slice(0, only.length), equity, length: only.length };
  }
  const cursor = new Array<number>(k).fill(0);

  // First pass counts the union of times, so the output is allocated once at its exact size.
  let length = 0;
  for (;;) {
    const t = nextTime(held, cursor);
    if (t === Number.POSITIVE_INFINITY) break;
    length++;
    advance(held, cursor, t);
  }

  const time = new Float64Array(length);
  const equity = new Float64Array(length);
  const value = new Array<number>(k).fill(share);
  cursor.fill(0);
  for (let j = 0; j < length; j++) {
    const t = nextTime(held, cursor);
    let total = 0;
    for (let s = 0; s < k; s++) {
      const c = cursor[s];
      const columns = held[s];
      if (c < columns.length && columns.time[c] === t) value[s] = qty[s] * columns.close[c];
      total += value[s];
    }
    time[j] = t;
    equity[j] = total;
    advance(held, cursor, t);
  }
  return { time, equity, length };
}

/** Earliest time not yet consumed across the series; +Infinity when all are consumed. */
function nextTime(series: readonly BarSeries[], cursor: readonly number[]): number {
  let t = Number.POSITIVE_INFINITY;
  for (let s = 0; s < series.length; s++) {
    const c = cursor[s];
    if (c < series[s].length && series[s].time[c] < t) t = series[s].time[c];
  }
  return t;
}

/** Moves every series that has a bar at `t` past it. */
function advance(series: readonly BarSeries[], cursor: number[], t: number): void {
  for (let s = 0; s < series.length; s++) {
    if (cursor[s] < series[s].length && series[s].time[cursor[s]] === t) cursor[s]++;
  }
}
