// The event and log viewer's records: a session's order, risk, broker, alert and run events, and the app log's lines,
// read a page at a time with the same filters (level, kind, text), newest first.
import { z } from 'zod';

export const EVENT_LEVELS = ['debug', 'info', 'warning', 'error'] as const;
export type EventLevel = (typeof EVENT_LEVELS)[number];

/** Where a session event comes from: an order's lifecycle, the risk gateway, the broker's journal, an alert, the run. */
export const SESSION_EVENT_KINDS = ['order', 'risk', 'broker', 'alert', 'system'] as const;
export type SessionEventKind = (typeof SESSION_EVENT_KINDS)[number];

export interface LogEvent {
  /** Unique and ordered within its source; the page cursor is (time, id). */
  readonly id: string;
  /** Epoch ms. */
  readonly time: number;
  readonly level: EventLevel;
  /** A session event's kind, or `app` for the app log. */
  readonly kind: SessionEventKind | 'app';
  /** What it is about in a word or two: an order id, a risk kind, an alert kind, a broker event kind. */
  readonly subject: string;
  readonly message: string;
  /** The run it belongs to (session events). */
  readonly runId?: string;
}

export interface LogPage {
  readonly events: readonly LogEvent[];
  /** How many events match the filters in all. */
  readonly total: number;
  /** Pass as `before` for the next (older) page; null when this is the last. */
  readonly next: LogCursor | null;
}

export const logCursorSchema = z.object({ time: z.number().int(), id: z.string().min(1).max(80) }).strict();
export type LogCursor = z.output<typeof logCursorSchema>;

/** The filters both viewers share; an empty or missing list means every level or kind. */
export const logFilterFields = {
  levels: z.array(z.enum(EVENT_LEVELS)).max(EVENT_LEVELS.length).optional(),
  text: z.string().trim().max(200).optional(),
};

export const LOG_PAGE_MAX = 1_000;
export const logPageFields = {
  before: logCursorSchema.optional(),
  limit: z.number().int().min(1).max(LOG_PAGE_MAX).default(200),
};

export const LOG_EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type LogExportFormat = (typeof LOG_EXPORT_FORMATS)[number];

/** Events as a file: CSV with a header, or one JSON object per line; oldest first, as a log is read. */
export function logEventsFile(events: readonly LogEvent[], format: LogExportFormat): string {
  const oldestFirst = [...events].reverse();
  if (format === 'jsonl') return oldestFirst.map((e) => `${JSON.stringify(e)}\n`).join('');
  const cell = (value: string): string =>
    /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  const lines = ['time,level,kind,subject,message,run_id'];
  for (const e of oldestFirst) {
    lines.push(
      [new Date(e.time).toISOString(), e.level, e.kind, cell(e.subject), cell(e.message), e.runId ?? ''].join(
        ',',
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
