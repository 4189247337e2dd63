// One backtest job from an API request: build the bars its data spec names, run, and shape the outcome for storage.
// Runs inside a worker thread (backtest-worker.ts); plain data in and out.
import type { BacktestDataSpec, BacktestFillRow } from '../../shared/domain/backtest';
import type { BarSeries } from '../../shared/domain/bars';
import { fillList } from '../engine/fill-table';
import { generateMarket } from '../feeds/synthetic';
import type { BacktestOutcome } from '../store/backtest-repo';
import { type BacktestConfig, runBacktest } from './backtest';

export interface BacktestJobRequest {
  readonly data: BacktestDataSpec;
  /** Already parsed by parseBacktestConfig in main, so a bad field is refused before a worker starts. */
  readonly config: BacktestConfig;
}

export type BacktestJobOutcome = Omit<BacktestOutcome, 'finishedAt' | 'durationMs'>;

export function loadBacktestData(spec: BacktestDataSpec): BarSeries[] {
  switch (spec.source) {
    case 'synthetic':
      return generateMarket({
        seed: spec.seed,
        symbols: spec.symbols,
        bars: spec.bars,
        timeframe: spec.timeframe,
      });
  }
}

export function executeBacktestJob(
  request: BacktestJobRequest,
  onProgress: (done: number, total: number) => void,
): BacktestJobOutcome {
  const data = loadBacktestData(request.data);
  const barTimes = data.reduce((most, series) => Math.max(most, series.length), 0);
  const result = runBacktest(request.config, data, {
    progress: { every: Math.max(1_000, Math.floor(barTimes / 100)), report: onProgress },
  });
  const fills: BacktestFillRow[] = fillList(result.fills).map((fill) => ({
    time: fill.time,
    symbol: fill.symbol,
    side: fill.side,
    qty: fill.qty,
    price: fill.price,
    fee: fill.fee,
    orderId: fill.orderId,
  }));
  return {
    engineVersion: result.engineVersion,
    metrics: result.metrics,
    benchmarkMetrics: result.benchmarkMetrics,
    stats: { ...result.stats },
    notes: result.notes,
    equityTime: result.equity.time.slice(),
    equity: result.equity.equity.slice(),
    drawdown: result.equity.drawdown.slice(),
    benchmarkTime: result.benchmark.time.slice(0, result.benchmark.length),
    benchmark: result.benchmark.equity.slice(0, result.benchmark.length),
    trades: result.trades.map((trade) => ({ ...trade })),
    fills,
  };
}
