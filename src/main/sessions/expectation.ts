// What a session's returns should look like: its own config backtested on a synthetic market it will not trade
// (the next seed), summarised as the mean and spread of per-bar returns. The drift alert compares against it.
import { syntheticSessionMarket } from '../feeds/synthetic-live';
import { runBacktest } from '../research/backtest';
import type { SessionConfig } from '../strategies/run-config';
import type { SignalModel } from '../strategies/signal-model';
import { backtestConfigOf } from './paper-vs-backtest';

export interface ReturnExpectation {
  /** Mean and standard deviation of the per-bar simple return of equity. */
  readonly mean: number;
  readonly stdev: number;
  readonly bars: number;
}

const EXPECTATION_BARS = 2_000;

/** `models`: the stored models the config's strategies name (ml-signal), resolved by the service. */
export function expectedBarReturn(
  config: SessionConfig,
  models: readonly SignalModel[] = [],
): ReturnExpectation | null {
  if (config.feed.kind !== 'synthetic-live') return null;
  // An options run is held against its own backtest's promise by the options monitor, not an equity backtest.
  if (config.options !== undefined) return null;
  const data = syntheticSessionMarket(
    config.feed.seed + 1,
    config.symbols,
    EXPECTATION_BARS,
    config.timeframe,
    config.calendar,
  );
  const { equity } = runBacktest(backtestConfigOf(config), data, models.length > 0 ? { models } : {});
  let sum = 0;
  let sumSq = 0;
  const n = equity.length - 1;
  for (let k = 1; k <= n; k++) {
    const r = equity.equity[k]! / equity.equity[k - 1]! - 1;
    sum += r;
    sumSq += r * r;
  }
  if (n < 2) return null;
  const mean = sum / n;
  const stdev = Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1)));
  return stdev > 0 ? { mean, stdev, bars: n } : null;
}

/** How many σ the run's summed per-bar return over `bars` bars lies from the expectation (√n scaling). */
export function driftScore(expectation: ReturnExpectation, summedReturn: number, bars: number): number {
  return (summedReturn - bars * expectation.mean) / (expectation.stdev * Math.sqrt(bars));
}
