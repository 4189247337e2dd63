// Backtest runs and their results. A run row exists from the moment it starts, so a crash leaves a trace.
import type {
  BacktestDataSpec,
  BacktestFillRow,
  BacktestStatsView,
  BacktestStatus,
  BacktestSummary,
  BacktestTradeRow,
  RunLabels,
} from '../../shared/domain/backtest';
import type { PerformanceMetrics } from '../../shared/domain/metrics';
import type { Db } from './database';

export interface NewBacktestRun {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly data: BacktestDataSpec;
  readonly config: unknown;
  readonly strategyId: string;
}

export interface BacktestOutcome {
  readonly finishedAt: number;
  readonly durationMs: number;
  readonly engineVersion: string;
  readonly metrics: PerformanceMetrics;
  readonly benchmarkMetrics: PerformanceMetrics;
  readonly stats: BacktestStatsView;
  readonly notes: readonly string[];
  readonly equityTime: Float64Array;
  readonly equity: Float64Array;
  readonly drawdown: Float64Array;
  readonly benchmarkTime: Float64Array;
  readonly benchmark: Float64Array;
  readonly trades: readonly BacktestTradeRow[];
  readonly fills: readonly BacktestFillRow[];
}

export interface StoredBacktest extends BacktestSummary {
  readonly config: Readonly<Record<string, unknown>>;
  readonly engineVersion: string | null;
  readonly notes: readonly string[];
  readonly stats: BacktestStatsView | null;
}

export interface StoredBacktestResults {
  readonly equityTime: Float64Array;
  readonly equity: Float64Array;
  readonly drawdown: Float64Array;
  readonly benchmarkTime: Float64Array;
  readonly benchmark: Float64Array;
  readonly trades: readonly BacktestTradeRow[];
  readonly fills: readonly BacktestFillRow[];
}

interface RunRow {
  id: string;
  name: string;
  status: BacktestStatus;
  created_at: number;
  finished_at: number | null;
  duration_ms: number | null;
  data_spec: string;
  config: string;
  strategy_id: string;
  engine_version: string | null;
  metrics: string | null;
  benchmark_metrics: string | null;
  stats: string | null;
  notes: string | null;
  error: string | null;
  note: string;
  tags: string;
  pinned: number;
}

interface ResultRow {
  equity_time: Buffer;
  equity: Buffer;
  drawdown: Buffer;
  benchmark_time: Buffer;
  benchmark: Buffer;
  trades: string;
  fills: string;
}

const toBlob = (values: Float64Array): Buffer =>
  Buffer.from(values.buffer, values.byteOffset, values.byteLength);
// Copy out of the row's buffer: Float64Array needs 8-byte alignment, which SQLite's blob need not have.
const fromBlob = (blob: Buffer): Float64Array => new Float64Array(new Uint8Array(blob).buffer);
const parseOrNull = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function summaryOf(row: RunRow): BacktestSummary {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    data: JSON.parse(row.data_spec) as BacktestDataSpec,
    strategyId: row.strategy_id,
    metrics: parseOrNull<PerformanceMetrics>(row.metrics),
    benchmarkMetrics: parseOrNull<PerformanceMetrics>(row.benchmark_metrics),
    error: row.error,
    note: row.note,
    tags: JSON.parse(row.tags) as string[],
    pinned: row.pinned === 1,
  };
}

export function createBacktestRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO backtest_runs (id, name, status, created_at, data_spec, config, strategy_id)
     VALUES (@id, @name, 'running', @createdAt, @data, @config, @strategyId)`,
  );
  const finishRun = db.prepare(
    `UPDATE backtest_runs SET status = 'done', finished_at = @finishedAt, duration_ms = @durationMs,
       engine_version = @engineVersion, metrics = @metrics, benchmark_metrics = @benchmarkMetrics,
       stats = @stats, notes = @notes
     WHERE id = @id AND status = 'running'`,
  );
  const insertResults = db.prepare(
    `INSERT INTO backtest_results (run_id, equity_time, equity, drawdown, benchmark_time, benchmark, trades, fills)
     VALUES (@id, @equityTime, @equity, @drawdown, @benchmarkTime, @benchmark, @trades, @fills)`,
  );
  const endRun = db.prepare(
    `UPDATE backtest_runs SET status = @status, finished_at = @finishedAt, duration_ms = @finishedAt - created_at,
       error = @error WHERE id = @id AND status = 'running'`,
  );
  const selectAll = db.prepare<[], RunRow>(
    'SELECT * FROM backtest_runs ORDER BY pinned DESC, created_at DESC, id DESC',
  );
  // Each label only when given: COALESCE keeps what is stored for a field the caller left out.
  const relabel = db.prepare(
    `UPDATE backtest_runs SET name = COALESCE(@name, name), note = COALESCE(@note, note),
       tags = COALESCE(@tags, tags), pinned = COALESCE(@pinned, pinned) WHERE id = @id`,
  );
  const selectOne = db.prepare<[string], RunRow>('SELECT * FROM backtest_runs WHERE id = ?');
  const selectResults = db.prepare<[string], ResultRow>('SELECT * FROM backtest_results WHERE run_id = ?');
  const deleteOne = db.prepare<[string]>("DELETE FROM backtest_runs WHERE id = ? AND status != 'running'");
  const interruptAll = db.prepare<[{ now: number }]>(
    `UPDATE backtest_runs SET status = 'failed', finished_at = @now, duration_ms = @now - created_at,
       error = 'interrupted: MarketBoss stopped during the run' WHERE status = 'running'`,
  );

  return {
    start(run: NewBacktestRun): void {
      insert.run({ ...run, data: JSON.stringify(run.data), config: JSON.stringify(run.config) });
    },
    /** Results and the run's new status in one transaction: a crash never leaves a 'done' run without results. */
    finish: db.transaction((id: string, outcome: BacktestOutcome): void => {
      const changed = finishRun.run({
        id,
        finishedAt: outcome.finishedAt,
        durationMs: outcome.durationMs,
        engineVersion: outcome.engineVersion,
        metrics: JSON.stringify(outcome.metrics),
        benchmarkMetrics: JSON.stringify(outcome.benchmarkMetrics),
        stats: JSON.stringify(outcome.stats),
        notes: JSON.stringify(outcome.notes),
      }).changes;
      if (changed === 0) return; // canceled or deleted meanwhile
      insertResults.run({
        id,
        equityTime: toBlob(outcome.equityTime),
        equity: toBlob(outcome.equity),
        drawdown: toBlob(outcome.drawdown),
        benchmarkTime: toBlob(outcome.benchmarkTime),
        benchmark: toBlob(outcome.benchmark),
        trades: JSON.stringify(outcome.trades),
        fills: JSON.stringify(outcome.fills),
      });
    }),
    end(id: string, status: 'failed' | 'canceled', error: string | null, finishedAt: number): void {
      endRun.run({ id, status, error, finishedAt });
    },
    list(): BacktestSummary[] {
      return selectAll.all().map(summaryOf);
    },
    get(id: string): StoredBacktest | undefined {
      const row = selectOne.get(id);
      if (!row) return undefined;
      return {
        ...summaryOf(row),
        config: JSON.parse(row.config) as Record<string, unknown>,
        engineVersion: row.engine_version,
        notes: parseOrNull<string[]>(row.notes) ?? [],
        stats: parseOrNull<BacktestStatsView>(row.stats),
      };
    },
    results(id: string): StoredBacktestResults | undefined {
      const row = selectResults.get(id);
      if (!row) return undefined;
      return {
        equityTime: fromBlob(row.equity_time),
        equity: fromBlob(row.equity),
        drawdown: fromBlob(row.drawdown),
        benchmarkTime: fromBlob(row.benchmark_time),
        benchmark: fromBlob(row.benchmark),
        trades: JSON.parse(row.trades) as BacktestTradeRow[],
        fills: JSON.parse(row.fills) as BacktestFillRow[],
      };
    },
    /** The trader's name, note, tags or pin; false when there is no such run. */
    relabel(id: string, labels: RunLabels): boolean {
      return (
        relabel.run({
          id,
          name: labels.name ?? null,
          note: labels.note ?? null,
          tags: labels.tags === undefined ? null : JSON.stringify(labels.tags),
          pinned: labels.pinned === undefined ? null : labels.pinned ? 1 : 0,
        }).changes > 0
      );
    },
    delete(id: string): boolean {
      return deleteOne.run(id).changes > 0;
    },
    /** Start-up is recovery: a run still 'running' in the file was cut short by a crash or a kill. */
    markInterrupted(now: number): number {
      return interruptAll.run({ now }).changes;
    },
  };
}

export type BacktestRepo = ReturnType<typeof createBacktestRepo>;
