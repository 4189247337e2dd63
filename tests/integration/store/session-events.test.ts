// The event viewer's query on a real SQLite session: order, risk, alert, broker and run events of every run of one
// session, filtered by level, kind and text in SQL, paged newest first without gaps or repeats.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createDispatcher } from '../../../src/main/api/dispatcher';
import { type Db, openDatabase } from '../../../src/main/store/database';
import { createSessionRepo, type LedgerBatch, type SessionRepo } from '../../../src/main/store/session-repo';
import type { LogEvent } from '../../../src/shared/domain/events';
import { logEventsFile } from '../../../src/shared/domain/events';
import { handlerTable } from '../../support/handler-table';
import { type TempFolder, tempFolder } from './store-helpers';

let folder: TempFolder;
let db: Db | undefined;
beforeEach(() => {
  folder = tempFolder();
});
afterEach(() => {
  if (db?.open) db.close();
  db = undefined;
  folder.remove();
});

const CONFIG = { symbols: ['ACME'], timeframe: '1m', cash: 100_000 };
const MIN = 60_000;

const batch = (parts: Partial<LedgerBatch>): LedgerBatch => ({
  bars: [],
  barTimes: 1,
  orders: [],
  fills: [],
  trades: [],
  positions: [],
  riskEvents: [],
  alerts: [],
  ...parts,
});

const order = (id: string, time: number, status: 'new' | 'filled' | 'rejected', reason?: string) => ({
  id,
  clientOrderId: `${id}-c`,
  symbol: 'ACME',
  side: 'buy' as const,
  type: 'market' as const,
  role: 'entry' as const,
  qty: 10,
  timeInForce: 'day' as const,
  createdAt: time,
  updatedAt: time,
  status,
  filledQty: status === 'filled' ? 10 : 0,
  avgFillPrice: status === 'filled' ? 100 : 0,
  ...(reason !== undefined && { statusReason: reason }),
});

/**
 * Session s-1: a first run r-1 (ended, failed) with 40 bars of filled orders, a rejection, a halt and a critical
 * alert; a second run r-2 (running) with a broker event. Session s-2 has events of its own that must never show.
 */
function seed(): SessionRepo {
  db = openDatabase(folder.file());
  const repo = createSessionRepo(db);
  for (const id of ['s-1', 's-2']) repo.createSession({ id, name: id, config: CONFIG, createdAt: 0 });
  const run = (id: string, sessionId: string, startedAt: number) =>
    repo.startRun({
      id,
      sessionId,
      sessionVersion: 1,
      config: CONFIG,
      idPrefix: id,
      startedAt,
      cash: 100_000,
    });
  run('r-1', 's-1', 1_000);
  for (let i = 1; i <= 40; i++) {
    repo.commitBar(
      'r-1',
      batch({ orders: [order(`o-${i}`, i * MIN, 'new'), order(`o-${i}`, i * MIN, 'filled')] }),
    );
  }
  repo.commitBar(
    'r-1',
    batch({
      orders: [order('o-bad', 41 * MIN, 'rejected', 'insufficient cash')],
      riskEvents: [
        { time: 41 * MIN, kind: 'order-denied', reason: 'gross exposure cap' },
        {
          time: 42 * MIN,
          kind: 'risk-state',
          fromState: 'ACTIVE',
          toState: 'HALTED',
          reason: 'daily loss 3%',
        },
      ],
      alerts: [{ time: 42 * MIN, severity: 'critical', kind: 'halt', message: 'trading halted: daily loss' }],
    }),
  );
  repo.setRunStatus('r-1', 'failed', 43 * MIN, 'feed lost');
  run('r-2', 's-1', 50 * MIN);
  repo.commitBar(
    'r-2',
    batch({
      brokerEvents: [
        {
          seq: 1,
          afterBars: 0,
          kind: 'trade-update',
          event: '{"kind":"trade-update","id":"B-7"}',
          recordedAt: 51 * MIN,
        },
      ],
      alerts: [{ time: 52 * MIN, severity: 'info', kind: 'note', message: 'ACME resumed' }],
    }),
  );
  run('r-3', 's-2', 1_000);
  repo.commitBar('r-3', batch({ orders: [order('o-other', 5 * MIN, 'rejected', 'insufficient cash')] }));
  return repo;
}

/** Every page of a query, following `next`. */
function allPages(repo: SessionRepo, query: Parameters<SessionRepo['events']>[0]): LogEvent[][] {
  const pages: LogEvent[][] = [];
  let before = query.before;
  for (;;) {
    const page = repo.events({ ...query, ...(before && { before }) });
    pages.push([...page.events]);
    if (page.next === null) return pages;
    before = page.next;
  }
}

describe('session events', () => {
  test('one session only, every source, newest first', () => {
    const repo = seed();
    const page = repo.events({ sessionId: 's-1', limit: 1_000 });
    // 80 order events, the rejection, 2 risk events, 2 alerts, 1 broker event, 2 run starts, 1 run end.
    expect(page.total).toBe(89);
    expect(page.events).toHaveLength(89);
    expect(page.next).toBeNull();
    expect(new Set(page.events.map((e) => e.kind))).toEqual(
      new Set(['order', 'risk', 'alert', 'broker', 'system']),
    );
    expect(page.events.some((e) => e.subject === 'o-other')).toBe(false);
    const times = page.events.map((e) => e.time);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(page.events[0]).toMatchObject({ kind: 'alert', message: 'ACME resumed', runId: 'r-2' });
    expect(page.events.find((e) => e.kind === 'broker')).toMatchObject({
      subject: 'trade-update',
      time: 51 * MIN,
      level: 'info',
    });
    expect(page.events.find((e) => e.subject === 'o-bad')).toMatchObject({
      level: 'warning',
      message: 'buy 10 ACME market (entry): rejected — insufficient cash',
    });
    expect(page.events.find((e) => e.subject === 'run failed')).toMatchObject({
      level: 'error',
      message: 'run r-1 failed: feed lost',
    });
  });

  test('level, kind and text filters narrow in SQL and count what matches', () => {
    const repo = seed();
    const errors = repo.events({ sessionId: 's-1', levels: ['error'], limit: 100 });
    expect(errors.events.map((e) => e.subject).sort()).toEqual(['halt', 'risk-state', 'run failed']);
    expect(errors.total).toBe(3);

    const risk = repo.events({ sessionId: 's-1', kinds: ['risk'], limit: 100 });
    expect(risk.events.map((e) => e.message)).toEqual([
      'ACTIVE → HALTED: daily loss 3%',
      'gross exposure cap',
    ]);

    const both = repo.events({
      sessionId: 's-1',
      kinds: ['order', 'alert'],
      levels: ['warning', 'error'],
      limit: 100,
    });
    expect(both.events.map((e) => e.subject)).toEqual(['halt', 'o-bad']);

    // Case-insensitive, over subject and message; a % or _ is plain text, not a wildcard.
    expect(repo.events({ sessionId: 's-1', text: 'INSUFFICIENT', limit: 100 }).total).toBe(1);
    expect(repo.events({ sessionId: 's-1', text: 'o-17', limit: 100 }).events.map((e) => e.subject)).toEqual([
      'o-17',
      'o-17',
    ]);
    expect(repo.events({ sessionId: 's-1', text: 'loss 3%', limit: 100 }).total).toBe(1);
    expect(repo.events({ sessionId: 's-1', text: 'loss _%', limit: 100 }).total).toBe(0);
    expect(repo.events({ sessionId: 's-1', kinds: ['broker'], text: 'B-7', limit: 100 }).total).toBe(1);
  });

  test('paging walks every event once, in order, also across events of the same time', () => {
    const repo = seed();
    const whole = repo.events({ sessionId: 's-1', limit: 1_000 }).events;
    // Seven is coprime with the per-bar pairs, so pages split two events of one time.
    const pages = allPages(repo, { sessionId: 's-1', limit: 7 });
    expect(pages.slice(0, -1).every((p) => p.length === 7)).toBe(true);
    expect(pages.flat().map((e) => e.id)).toEqual(whole.map((e) => e.id));
    expect(new Set(whole.map((e) => e.id)).size).toBe(whole.length);

    const filtered = allPages(repo, { sessionId: 's-1', kinds: ['order'], text: 'filled', limit: 9 }).flat();
    expect(filtered).toHaveLength(40);
    expect(filtered.every((e) => e.kind === 'order' && e.message.includes('filled'))).toBe(true);
  });

  test('a newer event does not shift an older page (the cursor is the last event, not an offset)', () => {
    const repo = seed();
    const first = repo.events({ sessionId: 's-1', limit: 10 });
    repo.commitBar(
      'r-2',
      batch({ alerts: [{ time: 60 * MIN, severity: 'warning', kind: 'feed', message: 'late bar' }] }),
    );
    const second = repo.events({ sessionId: 's-1', limit: 10, before: first.next! });
    const fresh = repo.events({ sessionId: 's-1', limit: 30 });
    expect(fresh.events[0]?.message).toBe('late bar');
    expect(second.events.map((e) => e.id)).toEqual(fresh.events.slice(11, 21).map((e) => e.id));
  });

  test('the export is every match, oldest first, as CSV or JSON lines', () => {
    const repo = seed();
    const { events } = repo.events({ sessionId: 's-1', kinds: ['risk'], limit: Number.POSITIVE_INFINITY });
    const csv = logEventsFile(events, 'csv').trim().split('\n');
    expect(csv[0]).toBe('time,level,kind,subject,message,run_id');
    expect(csv.slice(1)).toEqual([
      `${new Date(41 * MIN).toISOString()},warning,risk,order-denied,gross exposure cap,r-1`,
      `${new Date(42 * MIN).toISOString()},error,risk,risk-state,ACTIVE → HALTED: daily loss 3%,r-1`,
    ]);
    const lines = logEventsFile(events, 'jsonl').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as LogEvent).subject)).toEqual(['order-denied', 'risk-state']);
  });

  test('the API call is validated: an unknown kind or a page too large is a bad request naming the field', async () => {
    const log = { debug() {}, info() {}, warn() {}, error() {}, child: () => log };
    const dispatch = createDispatcher(
      handlerTable({ 'session:events': () => ({ events: [], total: 0, next: null }) }),
      log,
    );
    const badKind = await dispatch('session:events', { sessionId: 's-1', kinds: ['trade'] });
    expect(badKind).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(JSON.stringify(badKind)).toMatch(/kinds/i);
    const tooMany = await dispatch('session:events', { sessionId: 's-1', limit: 5_000 });
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await dispatch('session:events', { sessionId: 's-1' })).toMatchObject({ ok: true });
  });
});
