// Labels: what a model learns to predict at each bar, from the bars after it (see labelSpecSchema). A row whose label
// cannot be known — its horizon runs past the data, or a forward return within the threshold — is NaN and is left
// out of training and of the fold metrics. Because a label reads up to `horizon` bars ahead, walk-forward folds purge
// that many bars between training and test rows (folds.ts).
import type { BarColumns } from '../../shared/domain/bars';
import type { BoosterObjective, LabelSpec } from '../../shared/domain/ml';

/**
 * Forward simple return over `horizon` bars: close[i + horizon] ÷ close[i] − 1; NaN for the last `horizon` bars.
 */
export function forwardReturns(bars: BarColumns, horizon: number): Float64Array {
  const n = bars.length;
  const out = new Float64Array(n).fill(Number.NaN);
  for (let i = 0; i + horizon < n; i++) out[i] = bars.close[i + horizon]! / bars.close[i]! - 1;
  return out;
}

/** 1 when the forward return is above +threshold, 0 when below −threshold, NaN in between (dropped). */
export function forwardReturnLabels(bars: BarColumns, horizon: number, threshold: number): Float32Array {
  const returns = forwardReturns(bars, horizon);
  const out = new Float32Array(bars.length).fill(Number.NaN);
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i]!;
    if (r > threshold) out[i] = 1;
    else if (r < -threshold) out[i] = 0;
  }
  return out;
}

/**
 * Triple barrier: from bar i's close, 1 when a later bar's high reaches close × (1 + target) before a bar's low
 * reaches close × (1 − stop), within `horizon` bars; 0 when the stop comes first, when one bar touches both (the
 * worst case: which came first inside the bar is unknown) or when neither is reached in time. NaN for the last
 * `horizon` bars, whose time barrier lies past the data.
 */
export function tripleBarrierLabels(
  bars: BarColumns,
  horizon: number,
  target: number,
  stop: number,
): Float32Array {
  const n = bars.length;
  const out = new Float32Array(n).fill(Number.NaN);
  for (let i = 0; i + horizon < n; i++) {
    const entry = bars.close[i]!;
    const up = entry * (1 + target);
    const down = entry * (1 - stop);
    let label = 0;
    for (let j = i + 1; j <= i + horizon; j++) {
      if (bars.low[j]! <= down) break;
      if (bars.high[j]! >= up) {
        label = 1;
        break;
      }
    }
    out[i] = label;
  }
  return out;
}

/**
 * Each bar's label for training under `objective`: binary:logistic takes the spec's 0/1 labels; reg:squarederror
 * learns the forward return itself (a triple barrier's 0/1 outcome stays as it is).
 */
export function labelsOf(bars: BarColumns, spec: LabelSpec, objective: BoosterObjective): Float32Array {
  if (spec.kind === 'triple-barrier') return tripleBarrierLabels(bars, spec.horizon, spec.target, spec.stop);
  if (objective === 'reg:squarederror') return Float32Array.from(forwardReturns(bars, spec.horizon));
  return forwardReturnLabels(bars, spec.horizon, spec.threshold);
}
