// Research runs and their results. A run row exists from the moment it starts, so a crash leaves a trace.
import type {
  ResearchDetail,
  ResearchKind,
  ResearchRequest,
  ResearchResult,
  ResearchStatus,
  ResearchSummary,
} from '../../shared/domain/research';
import type { Db } from './database';

export interface NewResearchRun {
  readonly id: string;
  readonly kind: ResearchKind;
  readonly name: string;
  readonly createdAt: number;
  readonly request: ResearchRequest;
}

interface RunRow {
  id: string;
  kind: ResearchKind;
  name: string;
  status: ResearchStatus;
  created_at: number;
  finished_at: number | null;
  duration_ms: number | null;
  request: string;
  result: string | null;
  headline: string | null;
  error: string | null;
}

const SUMMARY_COLUMNS = 'id, kind, name, status, created_at, finished_at, duration_ms, headline, error';

function summaryOf(row: Omit<RunRow, 'request' | 'result'>): ResearchSummary {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    status: row.status,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
    headline: row.headline,
    error: row.error,
  };
}

export function createResearchRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO research_runs (id, kind, name, status, created_at, request)
     VALUES (@id, @kind, @name, 'running', @createdAt, @request)`,
  );
  const finishRun = db.prepare(
    `UPDATE research_runs SET status = 'done', finished_at = @finishedAt, duration_ms = @finishedAt - created_at,
       result = @result, headline = @headline WHERE id = @id AND status = 'running'`,
  );
  const endRun = db.prepare(
    `UPDATE research_runs SET status = @status, finished_at = @finishedAt, duration_ms = @finishedAt - created_at,
       error = @error WHERE id = @id AND status = 'running'`,
  );
  const selectAll = db.prepare<[], Omit<RunRow, 'request' | 'result'>>(
    `SELECT ${SUMMARY_COLUMNS} FROM research_runs ORDER BY created_at DESC, id DESC`,
  );
  const selectOne = db.prepare<[string], RunRow>('SELECT * FROM research_runs WHERE id = ?');
  const deleteOne = db.prepare<[string]>("DELETE FROM research_runs WHERE id = ? AND status != 'running'");
  const interruptAll = db.prepare<[{ now: number }]>(
    `UPDATE research_runs SET status = 'failed', finished_at = @now, duration_ms = @now - created_at,
       error = 'interrupted: MarketBoss stopped during the run' WHERE status = 'running'`,
  );

  return {
    start(run: NewResearchRun): void {
      insert.run({ ...run, request: JSON.stringify(run.request) });
    },
    /** The result and the 'done' status together; false when the run was canceled or deleted meanwhile. */
    finish(id: string, result: ResearchResult, headline: string, finishedAt: number): boolean {
      return finishRun.run({ id, result: JSON.stringify(result), headline, finishedAt }).changes > 0;
    },
    end(id: string, status: 'failed' | 'canceled', error: string | null, finishedAt: number): boolean {
      return endRun.run({ id, status, error, finishedAt }).changes > 0;
    },
    list(): ResearchSummary[] {
      return selectAll.all().map(summaryOf);
    },
    get(id: string): ResearchDetail | undefined {
      const row = selectOne.get(id);
      if (!row) return undefined;
      return {
        ...summaryOf(row),
        request: JSON.parse(row.request) as ResearchRequest,
        result: row.result === null ? null : (JSON.parse(row.result) as ResearchResult),
      };
    },
    /** Deletes a finished run; a running one stays (cancel it first). */
    delete(id: string): boolean {
      return deleteOne.run(id).changes > 0;
    },
    /** Start-up is recovery: a run still 'running' in the file was cut short by a shutdown, a crash or a kill. */
    markInterrupted(now: number): number {
      return interruptAll.run({ now }).changes;
    },
  };
}

export type ResearchRepo = ReturnType<typeof createResearchRepo>;
