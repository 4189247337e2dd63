// Migration 0012: the event viewer's page finds a session's order and risk events through an index on run_id rather
// than scanning every session's. Its own file so it merges beside other branches' migration tests.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type Db, openDatabase } from '../../../src/main/store/database';
import { orderEventsRunIndex } from '../../../src/main/store/migrations/0012-order-events-run-index';
import { SESSION_EVENTS_PAGE } from '../../../src/main/store/session-events';
import { createSessionRepo } from '../../../src/main/store/session-repo';
import { migrateAcross, type TempFolder, tempFolder } from './store-helpers';

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

const BEFORE = orderEventsRunIndex.version - 1;
const CONFIG = { symbols: ['ACME'], timeframe: '1m', cash: 100_000 };

/** The query plan of one page of session s-1's events, one line per step. */
const planOf = (db: Db): string[] =>
  db
    .prepare<[Record<string, unknown>], { detail: string }>(`EXPLAIN QUERY PLAN ${SESSION_EVENTS_PAGE}`)
    .all({
      sessionId: 's-1',
      levels: null,
      kinds: null,
      text: null,
      beforeTime: null,
      beforeId: '',
      limit: 200,
    })
    .map((step) => step.detail);

/** Two sessions, a run each, with order and risk events. */
function seed(db: Db): void {
  const repo = createSessionRepo(db);
  for (const id of ['s-1', 's-2']) {
    repo.createSession({ id, name: id, config: CONFIG, createdAt: 0 });
    repo.startRun({
      id: `r-${id}`,
      sessionId: id,
      sessionVersion: 1,
      config: CONFIG,
      idPrefix: id,
      startedAt: 0,
      cash: 1,
    });
    for (let i = 1; i <= 20; i++) {
      const time = i * 60_000;
      repo.commitBar(`r-${id}`, {
        bars: [],
        barTimes: 1,
        orders: [
          {
            id: `${id}-o-${i}`,
            clientOrderId: `${id}-c-${i}`,
            symbol: 'ACME',
            side: 'buy',
            type: 'market',
            role: 'entry',
            qty: 10,
            timeInForce: 'day',
            createdAt: time,
            updatedAt: time,
            status: 'filled',
            filledQty: 10,
            avgFillPrice: 100,
          },
        ],
        fills: [],
        trades: [],
        positions: [],
        riskEvents: [{ time, kind: 'order-denied', reason: `cap ${i}` }],
        alerts: [],
      });
    }
  }
}

describe(orderEventsRunIndex.name, () => {
  test('before it a page of events scans every order and risk event; after it, both are searched by run', () => {
    const path = folder.file();
    db = openDatabase(path, { targetVersion: BEFORE });
    seed(db);
    const before = planOf(db);
    expect(before).toContain('SCAN e'); // order_events, aliased e in the query
    expect(before).toContain('SCAN risk_events');
    db.close();

    db = openDatabase(path, { targetVersion: orderEventsRunIndex.version });

    const after = planOf(db);
    expect(after).toContain('SEARCH e USING INDEX order_events_run (run_id=?)');
    expect(after).toContain('SEARCH risk_events USING INDEX risk_events_run (run_id=?)');
    expect(after.filter((step) => /^SCAN (e|risk_events)\b/.test(step))).toEqual([]);
  });

  test('the rows are kept and a page reads the same events, in the same order, with the index', () => {
    let was: ReturnType<ReturnType<typeof createSessionRepo>['events']> | undefined;
    const step = migrateAcross(folder, orderEventsRunIndex.version, (old) => {
      seed(old);
      was = createSessionRepo(old).events({ sessionId: 's-1', limit: 1_000 });
    });
    db = step.db;

    expect(createSessionRepo(db).events({ sessionId: 's-1', limit: 1_000 })).toEqual(was);
    expect(was!.events.filter((e) => e.kind === 'order')).toHaveLength(20); // s-2's never show
  });
});
