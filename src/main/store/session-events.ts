// A session's events in one list: order events, risk events, alerts, the broker journal and its runs' starts and
// ends, read from the tables that already record them, filtered and paged in SQL (a long session has many).
import type { EventLevel, LogCursor, LogEvent, LogPage, SessionEventKind } from '../../shared/domain/events';
import type { Db } from './database';

export interface SessionEventQuery {
  readonly sessionId: string;
  readonly levels?: readonly EventLevel[];
  readonly kinds?: readonly SessionEventKind[];
  readonly text?: string;
  readonly before?: LogCursor;
  /** Infinity reads every matching event (an export). */
  readonly limit: number;
}

interface EventDbRow {
  id: string;
  time: number;
  level: EventLevel;
  kind: SessionEventKind;
  subject: string;
  message: string;
  run_id: string;
}

// Ids sort within a kind by the row's own sequence (zero-padded), so (time, id) is a total order for the cursor.
const EVENTS = `
  WITH runs AS (SELECT id FROM session_runs WHERE session_id = @sessionId),
  events AS (
    SELECT 'o' || printf('%012d', e.seq) AS id, e.time, e.run_id,
      CASE WHEN e.status = 'rejected' THEN 'warning' ELSE 'info' END AS level,
      'order' AS kind, e.order_id AS subject,
      coalesce(o.side || ' ' || printf('%g', o.qty) || ' ' || o.symbol || ' ' || o.type || ' (' || o.role || '): ', '')
        || e.status
        || CASE WHEN e.filled_qty > 0 AND e.status <> 'filled' THEN ', ' || printf('%g', e.filled_qty) || ' filled'
             ELSE '' END
        || coalesce(' — ' || e.reason, '') AS message
    FROM order_events e LEFT JOIN orders o ON o.run_id = e.run_id AND o.id = e.order_id
    WHERE e.run_id IN runs
    UNION ALL
    SELECT 'r' || printf('%012d', seq), time, run_id,
      CASE WHEN to_state = 'HALTED' THEN 'error' WHEN kind LIKE 'user-%' THEN 'info' ELSE 'warning' END,
      'risk', kind,
      -- A user's trade plan is stored whole as its event's text (for replay): the viewer names it instead.
      CASE WHEN kind = 'user-trade-plan' AND json_valid(reason)
        THEN 'trade plan ' || json_extract(reason, '$.source') || ': ' || json_array_length(reason, '$.rows')
          || ' rows, ' || json_extract(reason, '$.mode') || ' mode'
        ELSE coalesce(from_state || ' → ' || to_state || ': ', '') || reason END
    FROM risk_events WHERE run_id IN runs
    UNION ALL
    SELECT 'a' || printf('%012d', id), time, run_id,
      CASE severity WHEN 'critical' THEN 'error' WHEN 'warning' THEN 'warning' ELSE 'info' END,
      'alert', kind, message
    FROM alerts WHERE run_id IN runs
    UNION ALL
    SELECT 'b' || printf('%012d', seq) || run_id, recorded_at, run_id, 'info', 'broker', kind,
      'after bar ' || after_bars || ': ' || substr(event, 1, 400)
    FROM broker_events WHERE run_id IN runs
    UNION ALL
    -- A run's start and end on the clock of its bars (a synthetic or replayed market runs on its own clock), so
    -- they sit among the run's other events; the wall clock until the run has a bar.
    SELECT 's0' || r.id,
      coalesce((SELECT min(b.time) FROM session_bars b WHERE b.run_id = r.id), r.started_at), r.id, 'info',
      'system', 'run started', 'run ' || r.id || ' started'
    FROM session_runs r WHERE r.session_id = @sessionId
    UNION ALL
    SELECT 's1' || id, coalesce(last_bar_time, ended_at), id, CASE status WHEN 'failed' THEN 'error' ELSE 'info' END, 'system',
      'run ' || status, 'run ' || id || ' ' || status || coalesce(': ' || end_reason, '')
    FROM session_runs WHERE session_id = @sessionId AND ended_at IS NOT NULL
  )
  SELECT * FROM events
  WHERE (@levels IS NULL OR level IN (SELECT value FROM json_each(@levels)))
    AND (@kinds IS NULL OR kind IN (SELECT value FROM json_each(@kinds)))
    AND (@text IS NULL OR instr(lower(subject || ' ' || message), lower(@text)) > 0)`;

interface Params {
  sessionId: string;
  levels: string | null;
  kinds: string | null;
  text: string | null;
}

const listOrNull = (list: readonly string[] | undefined): string | null =>
  list === undefined || list.length === 0 ? null : JSON.stringify(list);

/** One page of a session's events, newest first after the cursor (exported so a test can read its query plan). */
export const SESSION_EVENTS_PAGE = `${EVENTS}
      AND (@beforeTime IS NULL OR time < @beforeTime OR (time = @beforeTime AND id < @beforeId))
    ORDER BY time DESC, id DESC LIMIT @limit`;

export function createSessionEvents(db: Db) {
  const page = db.prepare<
    [Params & { beforeTime: number | null; beforeId: string; limit: number }],
    EventDbRow
  >(SESSION_EVENTS_PAGE);
  const count = db.prepare<[Params], { n: number }>(`SELECT count(*) AS n FROM (${EVENTS})`);

  /** Newest first; `next` continues after the last event of this page. */
  return function sessionEvents(query: SessionEventQuery): LogPage {
    const params: Params = {
      sessionId: query.sessionId,
      levels: listOrNull(query.levels),
      kinds: listOrNull(query.kinds),
      text: query.text === undefined || query.text === '' ? null : query.text,
    };
    const limit = Number.isFinite(query.limit) ? Math.max(1, Math.floor(query.limit)) : -1;
    const rows = page.all({
      ...params,
      beforeTime: query.before?.time ?? null,
      beforeId: query.before?.id ?? '',
      limit,
    });
    const events: LogEvent[] = rows.map((r) => ({
      id: r.id,
      time: r.time,
      level: r.level,
      kind: r.kind,
      subject: r.subject,
      message: r.message,
      runId: r.run_id,
    }));
    const last = events.at(-1);
    return {
      events,
      total: count.get(params)!.n,
      next: limit > 0 && events.length === limit && last ? { time: last.time, id: last.id } : null,
    };
  };
}

export type SessionEvents = ReturnType<typeof createSessionEvents>;
