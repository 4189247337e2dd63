// The backtest of a session's own bars with its own config: what the paper run should have done. The same engine
// and the same seed make the two agree fill for fill on the simulator; any difference is something to explain.
import type { BarSeries } from '../../shared/domain/bars';
import { BacktestConfigSchema, type BacktestResult, runBacktest } from '../research/backtest';
import type { BarColumns } from '../store/session-repo';
import type { SessionConfig } from './session-config';

const BACKTEST_KEYS = new Set(Object.keys(BacktestConfigSchema.shape));

/** The backtest part of a session config; the run's positions stay open at the end, as the session's do. */
export function backtestConfigOf(config: SessionConfig): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) if (BACKTEST_KEYS.has(key)) picked[key] = value;
  return { ...picked, closeAtEnd: false };
}

export function backtestSessionBars(
  config: SessionConfig,
  barsBySymbol: Readonly<Record<string, BarColumns>>,
): BacktestResult {
  const series: BarSeries[] = config.symbols.map((symbol) => {
    const bars = barsBySymbol[symbol];
    if (!bars) throw new Error(`the session has no bars for ${symbol}`);
    return {
      symbol,
      timeframe: config.timeframe,
      time: Float64Array.from(bars.time),
      open: Float64Array.from(bars.open),
      high: Float64Array.from(bars.high),
      low: Float64Array.from(bars.low),
      close: Float64Array.from(bars.close),
      volume: Float64Array.from(bars.volume),
      length: bars.time.length,
    };
  });
  return runBacktest(backtestConfigOf(config), series);
}
