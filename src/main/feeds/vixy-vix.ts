// VIXY (an ETF holding short-term VIX futures) as a labelled stand-in for the VIX when the index itself cannot be had.
// VIXY's price is not a VIX level: it loses value month after month to the futures' roll, so scaling its closes onto
// a starting VIX level would drift to nonsense within a year. What VIXY does carry is *when* volatility jumps. So
// each session's VIX is read as
//
//     VIX ≈ base × VIXY close ÷ (mean VIXY close over the 20 sessions up to and including that one)
//
// with base = 20 (the VIX's long-run average is about 19–20): a calm stretch reads about 20, a VIXY spike of 30% above
// its month reads 26 (over the strategy's 25 filter). Only closes up to the session itself are used (no look-ahead);
// the first 19 sessions have no value. Every report names it as the approximation it is.
import type { VolatilityHistory } from './vix-history';

/** The approximation's base VIX level and averaging window, as the label states them. */
export const VIXY_BASE_LEVEL = 20;
export const VIXY_WINDOW = 20;

export const VIXY_LABEL = `VIXY (an ETF on VIX futures) as an approximation of VIX — not the index: VIX ≈ ${VIXY_BASE_LEVEL} × VIXY close ÷ its mean close over ${VIXY_WINDOW} sessions`;

/** Daily VIXY closes (by day number, ascending) → the approximate VIX history the label describes. */
export function vixyAsVix(
  days: ArrayLike<number>,
  closes: ArrayLike<number>,
  base: number = VIXY_BASE_LEVEL,
  window: number = VIXY_WINDOW,
): VolatilityHistory {
  if (days.length !== closes.length) throw new Error('VIXY: days and closes differ in length');
  const outDays: number[] = [];
  const outCloses: number[] = [];
  let sum = 0;
  for (let i = 0; i < closes.length; i++) {
    const close = closes[i]!;
    if (!(close > 0) || !Number.isFinite(close))
      throw new Error(`VIXY: close ${close} is not a positive price`);
    sum += close;
    if (i >= window) sum -= closes[i - window]!;
    if (i >= window - 1) {
      outDays.push(days[i]!);
      outCloses.push((base * close) / (sum / window));
    }
  }
  return { source: VIXY_LABEL, days: Int32Array.from(outDays), closes: Float64Array.from(outCloses) };
}
