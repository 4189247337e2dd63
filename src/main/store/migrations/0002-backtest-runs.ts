import type { Migration } from './types';

export const backtestRuns: Migration = {
  version: 2,
  name: '0002-backtest-runs',
  up: (db) => {
    db.exec(`
      CREATE TABLE backtest_runs (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'canceled')),
        created_at INTEGER NOT NULL,
        finished_at INTEGER,
        duration_ms INTEGER,
        data_spec TEXT NOT NULL,        -- JSON BacktestDataSpec
        config TEXT NOT NULL,           -- JSON, the parsed config with every default filled in
        strategy_id TEXT NOT NULL,
        engine_version TEXT,
        metrics TEXT,                   -- JSON PerformanceMetrics
        benchmark_metrics TEXT,
        stats TEXT,
        notes TEXT,                     -- JSON string[]
        error TEXT
      ) STRICT;
      CREATE INDEX backtest_runs_created ON backtest_runs (created_at DESC);
      -- Curves as little-endian Float64 blobs: a million points is 8 MB, not 20 MB of JSON text.
      CREATE TABLE backtest_results (
        run_id TEXT PRIMARY KEY REFERENCES backtest_runs (id) ON DELETE CASCADE,
        equity_time BLOB NOT NULL,
        equity BLOB NOT NULL,
        drawdown BLOB NOT NULL,
        benchmark_time BLOB NOT NULL,
        benchmark BLOB NOT NULL,
        trades TEXT NOT NULL,           -- JSON BacktestTradeRow[]
        fills TEXT NOT NULL             -- JSON BacktestFillRow[]
      ) STRICT;
    `);
  },
};
