// Performance metrics of one equity curve and its trades: plain, JSON-serialisable data for the UI and report.json.
// How each figure is computed is written down in src/main/engine/metrics.ts (computeMetrics).
//
// Undefined figures are `null`, never NaN or ±Infinity (JSON has neither: JSON.stringify turns them into null
// silently, or a reader would crash on them). A figure is null when its formula has no meaning for the input: an
// empty curve, fewer returns than the formula needs, a zero denominator (no losses, no volatility, no drawdown).
// Currency figures are in the account currency; P&L figures keep their sign (losses are negative).

export interface PerformanceMetrics {
  /** endEquity / startEquity − 1. Null for an empty curve or a non-positive start. */
  readonly totalReturn: number | null;
  /** Compound annual growth rate. Null when the curve spans no time, the start is not positive, or it overflows. */
  readonly cagr: number | null;
  /** Sample stdev of per-period returns × √periodsPerYear. Null with fewer than 2 returns. */
  readonly annualVolatility: number | null;
  /** Annualised mean excess return / sample stdev. Null with fewer than 2 returns or zero volatility. */
  readonly sharpe: number | null;
  /** Annualised mean excess return / downside deviation. Null with no returns or no return below the risk-free rate. */
  readonly sortino: number | null;
  /** cagr / maxDrawdown. Null when either is null or there was no drawdown. */
  readonly calmar: number | null;
  /** Deepest fall below a running peak, as a positive fraction of that peak (0.1 = 10%). 0 without a drawdown. */
  readonly maxDrawdown: number;
  /** Longest drawdown in bars (periods), from its peak to recovery, or to the last bar when never recovered. */
  readonly maxDrawdownDuration: number;
  /** Longest drawdown in milliseconds, measured the same way on timestamps. Null when timestamps are missing. */
  readonly maxDrawdownDurationMs: number | null;
  /** wins / trades; a zero-P&L trade counts as a trade but neither a win nor a loss. Null with no trades. */
  readonly winRate: number | null;
  /** Gross win / |gross loss|. Null when there is no losing trade; 0 when there are losses and no wins. */
  readonly profitFactor: number | null;
  /** Mean P&L of winning trades (positive). Null with no wins. */
  readonly averageWin: number | null;
  /** Mean P&L of losing trades (negative). Null with no losses. */
  readonly averageLoss: number | null;
  /** Mean P&L per trade, all trades. Null with no trades. */
  readonly expectancy: number | null;
  /** Best trade P&L (positive). Null with no wins. */
  readonly largestWin: number | null;
  /** Worst trade P&L (negative). Null with no losses. */
  readonly largestLoss: number | null;
  /** Most consecutive wins in exit order; a zero-P&L trade ends a streak. */
  readonly longestWinStreak: number;
  /** Most consecutive losses in exit order; a zero-P&L trade ends a streak. */
  readonly longestLossStreak: number;
  /** Net profit / largest drawdown in currency. Null when there was no drawdown. */
  readonly recoveryFactor: number | null;
  /** Fraction of bars with an open position (barsInMarket / bars). Null for an empty curve. */
  readonly exposureTime: number | null;
  /** Number of round-trip trades. */
  readonly trades: number;
  /** Total fees paid (commissions), as given by the ledger. */
  readonly fees: number;
  /** First point of the equity curve. Null for an empty curve. */
  readonly startEquity: number | null;
  /** Last point of the equity curve. Null for an empty curve. */
  readonly endEquity: number | null;
  /** Number of return periods: points − 1 (0 for an empty or one-point curve). */
  readonly periods: number;
  /** Annualisation factor used (periods in a year for the timeframe and calendar). */
  readonly periodsPerYear: number;
  /**
   * Fewer returns than MIN_ANNUALISED_RETURNS: the annualised figures (ANNUALISED_METRICS) are still given, but a
   * reader should not take them as facts (a Sharpe of 148 on 13 bars is noise scaled by √periodsPerYear).
   */
  readonly sampleTooSmall: boolean;
}

/** The fewest per-period returns an annualised figure is shown for (the usual rule of thumb for a mean and stdev). */
export const MIN_ANNUALISED_RETURNS = 30;

/** The figures that scale a short sample up to a year, and so mislead on few bars. */
export const ANNUALISED_METRICS = ['cagr', 'annualVolatility', 'sharpe', 'sortino', 'calmar'] as const;
export type AnnualisedMetric = (typeof ANNUALISED_METRICS)[number];

/** The metrics that are numbers (every one but the flag), for tables that format them. */
export type NumericMetric = {
  [K in keyof PerformanceMetrics]: PerformanceMetrics[K] extends number | null ? K : never;
}[keyof PerformanceMetrics];

/**
 * Why `key` is withheld for `m` (a tooltip: "too few bars (13) …"), or null when it can be shown. Runs stored
 * before the flag existed have no `sampleTooSmall`; their period count decides.
 */
export function annualisedWithheld(m: PerformanceMetrics, key: string): string | null {
  if (!(ANNUALISED_METRICS as readonly string[]).includes(key)) return null;
  const flag = (m as Partial<PerformanceMetrics>).sampleTooSmall;
  const tooSmall = typeof flag === 'boolean' ? flag : m.periods < MIN_ANNUALISED_RETURNS;
  if (!tooSmall) return null;
  return `too few bars (${m.periods + 1}) for an annualised figure: it needs ${MIN_ANNUALISED_RETURNS} returns (${MIN_ANNUALISED_RETURNS + 1} bars)`;
}
