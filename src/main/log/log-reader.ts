// The app log read back for the viewer: the JSON lines the file logger wrote (rotated files first, oldest to newest),
// filtered by level and text and paged newest first like a session's events.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EventLevel, LogCursor, LogEvent, LogPage } from '../../shared/domain/events';

export interface AppLogQuery {
  readonly levels?: readonly EventLevel[];
  readonly text?: string;
  readonly before?: LogCursor;
  /** Infinity reads every matching line (an export). */
  readonly limit: number;
}

const LEVELS: Readonly<Record<string, EventLevel>> = {
  debug: 'debug',
  info: 'info',
  warn: 'warning',
  error: 'error',
};

/** The viewer's reader of the log files in `dir` (the logger's `fileName` and its rotated `.1` … `.keep`). */
export function createAppLogReader(dir: string, fileName = 'marketboss.log', keep = 3) {
  const files = (): string[] => {
    const base = join(dir, fileName);
    const rotated = Array.from({ length: keep }, (_, i) => `${base}.${keep - i}`);
    return [...rotated, base].filter((path) => existsSync(path));
  };

  // A file's lines parsed once until it changes: live tail asks again every heartbeat, and rotated files never change.
  const parsed = new Map<string, { readonly stamp: string; readonly lines: readonly string[] }>();
  const linesOf = (path: string): readonly string[] => {
    const stat = statSync(path);
    const stamp = `${stat.size}:${stat.mtimeMs}`;
    const cached = parsed.get(path);
    if (cached?.stamp === stamp) return cached.lines;
    const lines = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    parsed.set(path, { stamp, lines });
    return lines;
  };

  /** Every line as an event, oldest first; a line that is not the logger's JSON is shown as it is. */
  const readAll = (): LogEvent[] => {
    const events: LogEvent[] = [];
    let lastTime = 0;
    for (const path of files()) {
      for (const line of linesOf(path)) {
        const id = String(events.length).padStart(10, '0');
        events.push(eventOf(line, id, lastTime));
        lastTime = events.at(-1)!.time;
      }
    }
    return events;
  };

  return function appLog(query: AppLogQuery): LogPage {
    const levels = query.levels === undefined || query.levels.length === 0 ? null : new Set(query.levels);
    const text = query.text ? query.text.toLowerCase() : null;
    const matching = readAll().filter(
      (e) =>
        (levels === null || levels.has(e.level)) &&
        (text === null || `${e.subject} ${e.message}`.toLowerCase().includes(text)),
    );
    matching.reverse();
    const { before } = query;
    const start =
      before === undefined
        ? 0
        : matching.findIndex((e) => e.time < before.time || (e.time === before.time && e.id < before.id));
    const from = start < 0 ? matching.length : start;
    const limit = Number.isFinite(query.limit) ? Math.max(1, Math.floor(query.limit)) : matching.length;
    const events = matching.slice(from, from + limit);
    const last = events.at(-1);
    return {
      events,
      total: matching.length,
      next: from + limit < matching.length && last ? { time: last.time, id: last.id } : null,
    };
  };
}

function eventOf(line: string, id: string, previousTime: number): LogEvent {
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    const { time, level, message, sessionId, runId, ...context } = parsed;
    const at = typeof time === 'string' ? Date.parse(time) : Number.NaN;
    const rest = Object.keys(context).length === 0 ? '' : ` ${JSON.stringify(context)}`;
    return {
      id,
      time: Number.isFinite(at) ? at : previousTime,
      level: (typeof level === 'string' && LEVELS[level]) || 'info',
      kind: 'app',
      subject: [sessionId, runId].filter((v) => typeof v === 'string').join(' ') || '',
      message: `${typeof message === 'string' ? message : ''}${rest}`,
      ...(typeof runId === 'string' && { runId }),
    };
  } catch {
    // Not the logger's JSON (a line cut by a crash): shown as written, at the time of the line before it.
    return { id, time: previousTime, level: 'info', kind: 'app', subject: '', message: line };
  }
}

export type AppLogReader = ReturnType<typeof createAppLogReader>;
