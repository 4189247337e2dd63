// The event and log viewer: a session's events or the app log, filtered in main by level, kind and text, read a page
// at a time (older pages on demand), newest first; live tail re-reads the newest page as pushes arrive; export
// downloads every match as CSV or JSON lines.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  EVENT_LEVELS,
  type EventLevel,
  type LogCursor,
  type LogEvent,
  type LogExportFormat,
  type LogPage,
  SESSION_EVENT_KINDS,
  type SessionEventKind,
} from '../../../../shared/domain/events';
import { useApi } from '../../api/context';
import { formatTime } from '../chart/format';
import { type Column, DataTable } from '../table/DataTable';
import './event-log.css';

export type EventSource = { readonly kind: 'session'; readonly sessionId: string } | { readonly kind: 'app' };

const PAGE = 200;
/** The least time between two re-reads while tailing: a fast session pushes far more often. */
const TAIL_MS = 400;

const LEVEL_LABELS: Readonly<Record<EventLevel, string>> = {
  debug: 'Debug',
  info: 'Info',
  warning: 'Warning',
  error: 'Error',
};

const columns: Column<LogEvent>[] = [
  {
    id: 'time',
    header: 'Time (UTC)',
    value: (e) => e.time,
    format: (v) => formatTime(v as number, { utc: true, seconds: true }),
    align: 'left',
    fit: true,
  },
  {
    id: 'level',
    header: 'Level',
    value: (e) => e.level,
    tone: (e) => (e.level === 'error' ? 'down' : e.level === 'warning' ? 'warn' : undefined),
    format: (v) => LEVEL_LABELS[v as EventLevel],
    width: 84,
  },
  { id: 'kind', header: 'Kind', value: (e) => e.kind, width: 76 },
  { id: 'subject', header: 'Subject', value: (e) => e.subject, width: '2fr' },
  { id: 'message', header: 'Message', value: (e) => e.message, width: '5fr' },
];

/** Newest first by (time, id), as main pages them; events read again are kept once. */
function merged(newer: readonly LogEvent[], older: readonly LogEvent[]): LogEvent[] {
  const seen = new Set<string>();
  const out: LogEvent[] = [];
  for (const e of [...newer, ...older]) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
  }
  return out.sort((a, b) => b.time - a.time || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

const toggled = <T,>(list: readonly T[], item: T): T[] =>
  list.includes(item) ? list.filter((x) => x !== item) : [...list, item];

export function EventLog({
  source,
  label,
  live,
}: {
  source: EventSource;
  label: string;
  /** Whether new events can arrive (a running session, the app). */
  live: boolean;
}) {
  const api = useApi();
  const [levels, setLevels] = useState<EventLevel[]>([]);
  const [kinds, setKinds] = useState<SessionEventKind[]>([]);
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [events, setEvents] = useState<LogEvent[]>([]);
  const [total, setTotal] = useState(0);
  const [next, setNext] = useState<LogCursor | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tail, setTail] = useState(true);
  const sessionId = source.kind === 'session' ? source.sessionId : null;
  const shown = useRef<readonly LogEvent[]>([]);
  shown.current = events;

  // The text filter goes to main once the user pauses typing.
  useEffect(() => {
    const timer = setTimeout(() => setQuery(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);

  const read = useCallback(
    async (before?: LogCursor): Promise<LogPage | null> => {
      const filters = {
        ...(levels.length > 0 && { levels }),
        ...(query !== '' && { text: query }),
        limit: PAGE,
        ...(before && { before }),
      };
      const result =
        sessionId === null
          ? await api.call('app:log', filters)
          : await api.call('session:events', {
              sessionId,
              ...filters,
              ...(kinds.length > 0 && { kinds }),
            });
      if (!result.ok) {
        setError(result.error.message);
        return null;
      }
      setError(null);
      return result.value;
    },
    [api, sessionId, levels, kinds, query],
  );

  // A new filter starts again from the newest page.
  const generation = useRef(0);
  useEffect(() => {
    const mine = ++generation.current;
    void read().then((page) => {
      if (page === null || mine !== generation.current) return;
      setEvents([...page.events]);
      setTotal(page.total);
      setNext(page.next);
    });
  }, [read]);

  const older = async () => {
    if (next === null) return;
    const mine = generation.current;
    const page = await read(next);
    if (page === null || mine !== generation.current) return;
    setEvents((current) => merged([], [...current, ...page.events]));
    setNext(page.next);
    setTotal(page.total);
  };

  // Live tail: the pushes that carry a session's events (or, for the app log, the heartbeat) ask for the newest page.
  useEffect(() => {
    if (!live || !tail) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let pending = false;
    let closed = false;
    const readNewest = () => {
      pending = false;
      const mine = generation.current;
      const started = performance.now();
      void read().then((page) => {
        if (closed) return;
        // A long session's query takes longer: wait four times its time before the next, so a read is at most a
        // fifth of main's time; pushes meanwhile are remembered, not lost.
        timer = setTimeout(
          () => {
            timer = null;
            if (pending) refresh();
          },
          4 * (performance.now() - started),
        );
        if (page === null || mine !== generation.current) return;
        const newest = shown.current[0];
        // More arrived than a page holds since the last read: start again from the newest page, so no gap is shown.
        const gap =
          newest !== undefined && page.next !== null && !page.events.some((e) => e.id === newest.id);
        if (gap) {
          setEvents([...page.events]);
          setNext(page.next);
        } else setEvents((current) => merged(page.events, current));
        setTotal(page.total);
      });
    };
    const refresh = () => {
      if (timer !== null) {
        pending = true;
        return;
      }
      timer = setTimeout(readNewest, TAIL_MS);
    };
    const mineOnly = (batch: readonly { readonly sessionId: string }[]) => {
      if (batch.some((p) => p.sessionId === sessionId)) refresh();
    };
    // Order changes, alerts and state changes carry a session's new events (risk events come with an alert).
    const offs =
      sessionId === null
        ? [api.subscribe('heartbeat', refresh)]
        : [
            api.subscribe('order', mineOnly),
            api.subscribe('alert', mineOnly),
            api.subscribe('session-state', mineOnly),
          ];
    return () => {
      closed = true;
      for (const off of offs) off();
      if (timer !== null) clearTimeout(timer);
    };
  }, [api, live, tail, read, sessionId]);

  const download = async (format: LogExportFormat) => {
    const filters = { ...(levels.length > 0 && { levels }), ...(query !== '' && { text: query }), format };
    const result =
      sessionId === null
        ? await api.call('app:log-export', filters)
        : await api.call('session:events-export', {
            sessionId,
            ...filters,
            ...(kinds.length > 0 && { kinds }),
          });
    if (!result.ok) return setError(result.error.message);
    const url = URL.createObjectURL(new Blob([result.value.content], { type: result.value.mimeType }));
    const link = document.createElement('a');
    link.href = url;
    link.download = result.value.fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  };

  const levelChoices = sessionId === null ? EVENT_LEVELS : EVENT_LEVELS.filter((l) => l !== 'debug');
  return (
    <section className="event-log" aria-label={label} data-testid="event-log">
      <div className="event-log-head">
        <h3>{label}</h3>
        <fieldset className="event-log-chips" aria-label="Levels">
          {levelChoices.map((level) => (
            <button
              key={level}
              type="button"
              className={`chip${levels.includes(level) ? ' active' : ''}`}
              aria-pressed={levels.includes(level)}
              onClick={() => setLevels((current) => toggled(current, level))}
            >
              {LEVEL_LABELS[level]}
            </button>
          ))}
        </fieldset>
        {sessionId !== null && (
          <fieldset className="event-log-chips" aria-label="Kinds">
            {SESSION_EVENT_KINDS.map((kind) => (
              <button
                key={kind}
                type="button"
                className={`chip${kinds.includes(kind) ? ' active' : ''}`}
                aria-pressed={kinds.includes(kind)}
                onClick={() => setKinds((current) => toggled(current, kind))}
              >
                {kind}
              </button>
            ))}
          </fieldset>
        )}
        <input
          type="search"
          className="event-log-text"
          placeholder="Search text…"
          aria-label="Search events"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <label className="event-log-tail" title="Show new events as they arrive">
          <input
            type="checkbox"
            checked={tail}
            disabled={!live}
            onChange={(e) => setTail(e.target.checked)}
          />
          Live tail
        </label>
        <span className="spacer" />
        <span className="muted" data-testid="event-count">
          {events.length === total ? '' : `${events.length} of `}
          {total} event{total === 1 ? '' : 's'}
        </span>
        <button type="button" className="chip" onClick={() => void download('csv')}>
          Export CSV
        </button>
        <button type="button" className="chip" onClick={() => void download('jsonl')}>
          Export JSONL
        </button>
      </div>
      {error && (
        <div className="error-banner" role="alert">
          {error}
        </div>
      )}
      <div className="event-log-table">
        <DataTable
          label={label}
          rows={events}
          columns={columns}
          rowKey={(e) => e.id}
          emptyText={
            query || levels.length || kinds.length ? 'No events match these filters.' : 'No events yet.'
          }
          filterable={false}
          height="100%"
        />
      </div>
      {next !== null && (
        <button type="button" className="chip event-log-older" onClick={() => void older()}>
          Load older events
        </button>
      )}
    </section>
  );
}
