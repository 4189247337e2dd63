// The session ledger on a real SQLite file: sessions, runs, and the per-bar batches a running session commits.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type Db, openDatabase } from '../../../src/main/store/database';
import {
  createSessionRepo,
  type LedgerBatch,
  type OrderUpsert,
  type SessionRepo,
} from '../../../src/main/store/session-repo';
import type { FillRow } from '../../../src/shared/domain/session';
import type { Trade } from '../../../src/shared/domain/trading';
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

function open(): { repo: SessionRepo; db: Db } {
  db = openDatabase(folder.file());
  return { repo: createSessionRepo(db), db };
}

const CONFIG = { symbols: ['AAPL', 'MSFT'], timeframe: '1m', strategyId: 'sma-crossover', cash: 100_000 };

/** A session 's-1' with a running run 'r-1' (cash 100,000, id prefix 'r1'). */
function withRun(): { repo: SessionRepo; db: Db } {
  const opened = open();
  opened.repo.createSession({ id: 's-1', name: 'Daily', config: CONFIG, createdAt: 1_000 });
  opened.repo.startRun({
    id: 'r-1',
    sessionId: 's-1',
    sessionVersion: 1,
    config: CONFIG,
    idPrefix: 'r1',
    startedAt: 2_000,
    cash: 100_000,
  });
  return opened;
}

const batch = (parts: Partial<LedgerBatch> = {}): LedgerBatch => ({
  bars: [],
  barTimes: 0,
  orders: [],
  fills: [],
  trades: [],
  positions: [],
  riskEvents: [],
  alerts: [],
  ...parts,
});

const order = (id: string, changes: Partial<OrderUpsert> = {}): OrderUpsert => ({
  id,
  clientOrderId: `r1-${id}`,
  symbol: 'AAPL',
  side: 'buy',
  type: 'market',
  role: 'entry',
  qty: 10,
  timeInForce: 'day',
  createdAt: 10_000,
  updatedAt: 10_000,
  status: 'new',
  filledQty: 0,
  avgFillPrice: 0,
  ...changes,
});

const fill = (executionId: string, changes: Partial<FillRow> = {}): FillRow => ({
  executionId,
  orderId: 'o-1',
  symbol: 'AAPL',
  side: 'buy',
  qty: 10,
  price: 150,
  fee: 1,
  time: 10_000,
  decisionPrice: 149.9,
  ...changes,
});

const trade = (changes: Partial<Trade> = {}): Trade => ({
  symbol: 'AAPL',
  side: 'long',
  qty: 10,
  entryTime: 10_000,
  entryPrice: 150,
  exitTime: 70_000,
  exitPrice: 155,
  pnl: 48,
  fees: 2,
  barsHeld: 1,
  exitReason: 'signal',
  ...changes,
});

const bar = (symbol: string, time: number, close: number) => ({
  symbol,
  time,
  open: close - 1,
  high: close + 1,
  low: close - 2,
  close,
  volume: 1_000,
});

/** One bar where an order is placed, accepted and filled, with everything that follows from the fill. */
function fullBatch(): LedgerBatch {
  return batch({
    bars: [bar('AAPL', 60_000, 150), bar('MSFT', 60_000, 300)],
    barTimes: 1,
    orders: [
      order('o-1', { intent: '{"signal":"cross-up"}' }),
      order('o-1', { status: 'accepted', updatedAt: 60_000 }),
      order('o-1', { status: 'filled', filledQty: 10, avgFillPrice: 150, updatedAt: 60_000 }),
    ],
    fills: [fill('x-1', { time: 60_000 })],
    positions: [{ symbol: 'AAPL', qty: 10, avgPrice: 150, realizedPnl: 0, lastPrice: 150 }],
    equity: { time: 60_000, equity: 99_999, cash: 98_499 },
    account: {
      cash: 98_499,
      equity: 99_999,
      dayStartEquity: 100_000,
      riskState: 'ACTIVE',
      riskReason: null,
      lastBarTime: 60_000,
    },
    daily: { day: '2024-03-01', startEquity: 100_000, endEquity: 99_999, realizedPnl: 0, fees: 1, trades: 0 },
    riskEvents: [{ time: 60_000, kind: 'order-denied', reason: 'exposure cap' }],
    alerts: [{ time: 60_000, severity: 'warning', kind: 'order-rejected', message: 'o-2 rejected' }],
  });
}

const RUN_TABLES = [
  'session_bars',
  'orders',
  'order_events',
  'fills',
  'trades',
  'positions',
  'equity_snapshots',
  'daily_pnl',
  'risk_events',
  'alerts',
] as const;

const counts = (d: Db): Record<string, number> =>
  Object.fromEntries(
    RUN_TABLES.map((t) => [t, (d.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]),
  );

describe('sessions', () => {
  test('a new session is version 1 with its config; each update bumps the version and keeps what it did not change', () => {
    const { repo } = open();
    repo.createSession({ id: 's-1', name: 'Daily', config: CONFIG, createdAt: 1_000 });

    expect(repo.getSession('s-1')).toEqual({
      id: 's-1',
      name: 'Daily',
      version: 1,
      config: CONFIG,
      createdAt: 1_000,
      updatedAt: 1_000,
    });

    const renamed = repo.updateSession('s-1', { name: 'Morning' }, 2_000);
    expect(renamed).toEqual({
      id: 's-1',
      name: 'Morning',
      version: 2,
      config: CONFIG,
      createdAt: 1_000,
      updatedAt: 2_000,
    });

    const reconfigured = repo.updateSession('s-1', { config: { ...CONFIG, timeframe: '5m' } }, 3_000);
    expect(reconfigured).toMatchObject({
      name: 'Morning',
      version: 3,
      config: { timeframe: '5m' },
      updatedAt: 3_000,
    });
    expect(repo.getSession('s-1')).toEqual(reconfigured);
  });

  test('updating or reading a session that does not exist: update throws naming the id, get gives undefined', () => {
    const { repo } = open();

    expect(() => repo.updateSession('s-missing', { name: 'x' }, 1)).toThrow(/s-missing/);
    expect(repo.getSession('s-missing')).toBeUndefined();
  });

  test('sessions are listed newest first; a duplicate id is refused', () => {
    const { repo } = open();
    repo.createSession({ id: 's-a', name: 'A', config: {}, createdAt: 1 });
    repo.createSession({ id: 's-c', name: 'C', config: {}, createdAt: 3 });
    repo.createSession({ id: 's-b', name: 'B', config: {}, createdAt: 2 });

    expect(repo.listSessions().map((s) => s.id)).toEqual(['s-c', 's-b', 's-a']);
    expect(() => repo.createSession({ id: 's-a', name: 'again', config: {}, createdAt: 4 })).toThrow(
      /UNIQUE|PRIMARY KEY/,
    );
  });
});

describe('runs', () => {
  test('a run starts running with equity and day-start equity equal to its cash, risk ACTIVE, no bars', () => {
    const { repo } = withRun();

    expect(repo.getRun('r-1')).toEqual({
      id: 'r-1',
      sessionId: 's-1',
      sessionVersion: 1,
      config: CONFIG,
      idPrefix: 'r1',
      status: 'running',
      startedAt: 2_000,
      endedAt: null,
      endReason: null,
      cash: 100_000,
      equity: 100_000,
      dayStartEquity: 100_000,
      riskState: 'ACTIVE',
      riskReason: null,
      lastBarTime: null,
      bars: 0,
    });
    expect(repo.getRun('r-missing')).toBeUndefined();
  });

  test('a run keeps its config snapshot and version when the session is edited afterwards', () => {
    const { repo } = withRun();

    repo.updateSession('s-1', { config: { ...CONFIG, symbols: ['TSLA'] } }, 5_000);

    expect(repo.getSession('s-1')).toMatchObject({ version: 2, config: { symbols: ['TSLA'] } });
    expect(repo.getRun('r-1')).toMatchObject({ sessionVersion: 1, config: CONFIG });
  });

  test('a run of a session that does not exist is refused by the foreign key', () => {
    const { repo } = open();

    expect(() =>
      repo.startRun({
        id: 'r-x',
        sessionId: 's-missing',
        sessionVersion: 1,
        config: {},
        idPrefix: 'rx',
        startedAt: 1,
        cash: 1,
      }),
    ).toThrow(/FOREIGN KEY/);
  });

  test('stopped and failed runs record when and why they ended; only running and paused runs are recovered', () => {
    const { repo } = withRun();
    const start = (id: string, startedAt: number) =>
      repo.startRun({
        id,
        sessionId: 's-1',
        sessionVersion: 1,
        config: CONFIG,
        idPrefix: id,
        startedAt,
        cash: 1_000,
      });
    start('r-2', 3_000);
    start('r-3', 4_000);
    start('r-4', 5_000);

    repo.setRunStatus('r-2', 'paused', 6_000);
    repo.setRunStatus('r-3', 'stopped', 7_000, 'stopped by the user');
    repo.setRunStatus('r-4', 'failed', 8_000, 'feed died');

    expect(repo.getRun('r-2')).toMatchObject({ status: 'paused', endedAt: null, endReason: null });
    expect(repo.getRun('r-3')).toMatchObject({
      status: 'stopped',
      endedAt: 7_000,
      endReason: 'stopped by the user',
    });
    expect(repo.getRun('r-4')).toMatchObject({ status: 'failed', endedAt: 8_000, endReason: 'feed died' });
    expect(repo.runsToRecover().map((r) => [r.id, r.status])).toEqual([
      ['r-1', 'running'],
      ['r-2', 'paused'],
    ]);
    expect(repo.latestRun('s-1')?.id).toBe('r-4');
    expect(repo.latestRun('s-other')).toBeUndefined();
    expect(() => repo.setRunStatus('r-missing', 'stopped', 1)).toThrow(/r-missing/);
  });
});

describe('commitBar', () => {
  test('one bar writes bars, orders and their events, fills, position, equity, account, daily P&L, risk events and alerts', () => {
    const { repo, db } = withRun();

    const result = repo.commitBar('r-1', fullBatch());

    expect(result).toEqual({ newFills: 1, duplicateFills: 0, alertIds: [expect.any(Number)] });
    expect(counts(db)).toEqual({
      session_bars: 2,
      orders: 1,
      order_events: 3,
      fills: 1,
      trades: 0,
      positions: 1,
      equity_snapshots: 1,
      daily_pnl: 1,
      risk_events: 1,
      alerts: 1,
    });
    expect(repo.getRun('r-1')).toMatchObject({
      cash: 98_499,
      equity: 99_999,
      dayStartEquity: 100_000,
      riskState: 'ACTIVE',
      lastBarTime: 60_000,
      bars: 1,
    });
    expect(repo.alerts('r-1')).toEqual([
      {
        id: result.alertIds[0],
        runId: 'r-1',
        time: 60_000,
        severity: 'warning',
        kind: 'order-rejected',
        message: 'o-2 rejected',
        acknowledged: false,
      },
    ]);
  });

  test('an empty batch changes nothing', () => {
    const { repo, db } = withRun();

    expect(repo.commitBar('r-1', batch())).toEqual({ newFills: 0, duplicateFills: 0, alertIds: [] });
    expect(Object.values(counts(db)).every((n) => n === 0)).toBe(true);
    expect(repo.getRun('r-1')?.bars).toBe(0);
  });

  test('a client order id over 48 characters fails the batch and nothing of it is stored, not even the earlier rows', () => {
    const { repo, db } = withRun();
    const bad = fullBatch();
    bad.orders.push(order('o-2', { clientOrderId: 'x'.repeat(49) }));

    expect(() => repo.commitBar('r-1', bad)).toThrow(/CHECK/);

    expect(Object.values(counts(db)).every((n) => n === 0)).toBe(true);
    expect(repo.getRun('r-1')).toMatchObject({ cash: 100_000, equity: 100_000, lastBarTime: null, bars: 0 });
  });

  test('a failure in the very last row (an alert of unknown severity) rolls back the fill and its position change', () => {
    const { repo, db } = withRun();
    const bad = fullBatch();
    bad.alerts.push({ time: 60_000, severity: 'fatal' as 'critical', kind: 'x', message: 'x' });

    expect(() => repo.commitBar('r-1', bad)).toThrow(/CHECK/);

    expect(Object.values(counts(db)).every((n) => n === 0)).toBe(true);
    expect(repo.getRun('r-1')?.cash).toBe(100_000);
    // The same batch without the bad alert then commits whole.
    expect(repo.commitBar('r-1', fullBatch()).newFills).toBe(1);
  });

  test('a batch for a run that does not exist is refused and stores nothing', () => {
    const { repo, db } = withRun();

    expect(() => repo.commitBar('r-missing', fullBatch())).toThrow(/FOREIGN KEY|r-missing/);
    expect(() => repo.commitBar('r-missing', batch({ account: fullBatch().account }))).toThrow(/r-missing/);
    expect(() => repo.commitBar('r-missing', batch({ barTimes: 1 }))).toThrow(/r-missing/);
    expect(Object.values(counts(db)).every((n) => n === 0)).toBe(true);
  });

  test('a fill delivered again, in the same batch or a later one, is ignored and counted as a duplicate', () => {
    const { repo } = withRun();

    expect(repo.commitBar('r-1', batch({ fills: [fill('x-1'), fill('x-2'), fill('x-1')] }))).toMatchObject({
      newFills: 2,
      duplicateFills: 1,
    });
    expect(
      repo.commitBar('r-1', batch({ fills: [fill('x-2', { price: 999 }), fill('x-3', { time: 20_000 })] })),
    ).toMatchObject({ newFills: 1, duplicateFills: 1 });

    expect(repo.fillCount('r-1')).toBe(3);
    // The first delivery wins: the re-delivered x-2 at 999 changed nothing.
    expect(repo.fills('r-1').find((f) => f.executionId === 'x-2')?.price).toBe(150);
  });

  test('a client order id is never stored twice, even by another run', () => {
    const { repo } = withRun();
    repo.startRun({
      id: 'r-2',
      sessionId: 's-1',
      sessionVersion: 1,
      config: CONFIG,
      idPrefix: 'r2',
      startedAt: 3_000,
      cash: 1,
    });
    repo.commitBar('r-1', batch({ orders: [order('o-1')] }));

    expect(() =>
      repo.commitBar('r-2', batch({ orders: [order('o-9', { clientOrderId: 'r1-o-1' })] })),
    ).toThrow(/UNIQUE/);
    expect(repo.clientOrderIds('r-2')).toEqual([]);
  });

  test('barTimes adds to the run bar count, with or without an account update', () => {
    const { repo } = withRun();

    repo.commitBar('r-1', batch({ barTimes: 1 }));
    repo.commitBar('r-1', fullBatch());
    repo.commitBar('r-1', batch({ barTimes: 3 }));

    expect(repo.getRun('r-1')?.bars).toBe(5);
  });

  test('a bar or a trade seen again is ignored, the first copy kept', () => {
    const { repo } = withRun();

    repo.commitBar('r-1', batch({ bars: [bar('AAPL', 60_000, 150)], trades: [{ seq: 1, trade: trade() }] }));
    repo.commitBar(
      'r-1',
      batch({ bars: [bar('AAPL', 60_000, 999)], trades: [{ seq: 1, trade: trade({ pnl: -1 }) }] }),
    );

    expect(repo.bars('r-1', 'AAPL').close).toEqual([150]);
    expect(repo.trades('r-1').map((t) => t.pnl)).toEqual([48]);
  });
});

describe('append-only history', () => {
  test.each([
    ['fills', 'UPDATE fills SET price = 1', 'DELETE FROM fills'],
    ['order_events', "UPDATE order_events SET status = 'canceled'", 'DELETE FROM order_events'],
    ['trades', 'UPDATE trades SET pnl = 0', 'DELETE FROM trades'],
    ['risk_events', "UPDATE risk_events SET reason = ''", 'DELETE FROM risk_events'],
  ])('%s refuse UPDATE and DELETE with a message naming the table', (table, update, remove) => {
    const { repo, db } = withRun();
    repo.commitBar('r-1', { ...fullBatch(), trades: [{ seq: 1, trade: trade() }] });
    const before = counts(db);

    expect(() => db.prepare(update).run()).toThrow(`${table} are append-only`);
    expect(() => db.prepare(remove).run()).toThrow(`${table} are append-only`);
    expect(counts(db)).toEqual(before);
  });
});

describe('orders', () => {
  test('each upsert keeps the latest state and appends one order event, in order; the intent survives later upserts', () => {
    const { repo } = withRun();

    repo.commitBar(
      'r-1',
      batch({ orders: [order('o-1', { intent: '{"signal":"cross-up"}', limitPrice: 149, type: 'limit' })] }),
    );
    repo.commitBar(
      'r-1',
      batch({
        orders: [order('o-1', { type: 'limit', limitPrice: 149, status: 'accepted', updatedAt: 11_000 })],
      }),
    );
    repo.commitBar(
      'r-1',
      batch({
        orders: [
          order('o-1', {
            type: 'limit',
            limitPrice: 149,
            status: 'partially_filled',
            filledQty: 4,
            avgFillPrice: 149,
            updatedAt: 12_000,
          }),
          order('o-1', {
            type: 'limit',
            limitPrice: 149,
            status: 'canceled',
            filledQty: 4,
            avgFillPrice: 149,
            statusReason: 'timeout',
            updatedAt: 13_000,
          }),
        ],
      }),
    );

    expect(repo.orderEvents('r-1')).toEqual([
      { seq: expect.any(Number), orderId: 'o-1', time: 10_000, status: 'new', filledQty: 0, reason: null },
      {
        seq: expect.any(Number),
        orderId: 'o-1',
        time: 11_000,
        status: 'accepted',
        filledQty: 0,
        reason: null,
      },
      {
        seq: expect.any(Number),
        orderId: 'o-1',
        time: 12_000,
        status: 'partially_filled',
        filledQty: 4,
        reason: null,
      },
      {
        seq: expect.any(Number),
        orderId: 'o-1',
        time: 13_000,
        status: 'canceled',
        filledQty: 4,
        reason: 'timeout',
      },
    ]);
    const seqs = repo.orderEvents('r-1').map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(repo.orders('r-1')).toEqual([
      {
        id: 'o-1',
        clientOrderId: 'r1-o-1',
        symbol: 'AAPL',
        side: 'buy',
        type: 'limit',
        role: 'entry',
        qty: 10,
        filledQty: 4,
        limitPrice: 149,
        stopPrice: null,
        avgFillPrice: 149,
        status: 'canceled',
        statusReason: 'timeout',
        createdAt: 10_000,
        updatedAt: 13_000,
      },
    ]);
    expect(repo.orderRecords('r-1')[0]).toMatchObject({
      timeInForce: 'day',
      parentId: null,
      trailPercent: null,
      intent: '{"signal":"cross-up"}',
    });
  });

  test('an unfilled order reads with a null average fill price; open orders are new, accepted or partially filled', () => {
    const { repo } = withRun();
    repo.commitBar(
      'r-1',
      batch({
        orders: [
          order('o-1', { createdAt: 1 }),
          order('o-2', { createdAt: 2, status: 'accepted' }),
          order('o-3', { createdAt: 3, status: 'partially_filled', filledQty: 5, avgFillPrice: 150 }),
          order('o-4', { createdAt: 4, status: 'filled', filledQty: 10, avgFillPrice: 150 }),
          order('o-5', { createdAt: 5, status: 'rejected', statusReason: 'buying power' }),
          order('o-6', { createdAt: 6, status: 'expired' }),
        ],
      }),
    );

    expect(repo.openOrders('r-1').map((o) => o.id)).toEqual(['o-3', 'o-2', 'o-1']);
    expect(repo.orders('r-1').map((o) => [o.id, o.avgFillPrice])).toEqual([
      ['o-6', null],
      ['o-5', null],
      ['o-4', 150],
      ['o-3', 150],
      ['o-2', null],
      ['o-1', null],
    ]);
    expect(repo.orders('r-1', 2).map((o) => o.id)).toEqual(['o-6', 'o-5']);
    expect(repo.clientOrderIds('r-1')).toEqual(['r1-o-1', 'r1-o-2', 'r1-o-3', 'r1-o-4', 'r1-o-5', 'r1-o-6']);
  });

  test('a bracket leg keeps its parent, trail percent and time in force', () => {
    const { repo } = withRun();
    repo.commitBar(
      'r-1',
      batch({
        orders: [
          order('o-1'),
          order('o-2', {
            side: 'sell',
            type: 'trailing_stop',
            role: 'stop_loss',
            trailPercent: 2,
            timeInForce: 'gtc',
            parentId: 'o-1',
          }),
        ],
      }),
    );

    expect(
      repo.orderRecords('r-1').map((o) => [o.id, o.parentId, o.trailPercent, o.timeInForce, o.intent]),
    ).toEqual([
      ['o-1', null, null, 'day', null],
      ['o-2', 'o-1', 2, 'gtc', null],
    ]);
  });
});

describe('positions, equity and daily P&L', () => {
  test('a later batch replaces the position, the equity point of the same time and the same day', () => {
    const { repo } = withRun();
    repo.commitBar('r-1', fullBatch());

    repo.commitBar(
      'r-1',
      batch({
        positions: [
          { symbol: 'AAPL', qty: -5, avgPrice: 152, realizedPnl: 12.5, lastPrice: 150, updatedAt: 120_000 },
          { symbol: 'MSFT', qty: 3, avgPrice: 300, realizedPnl: 0, lastPrice: 310 },
        ],
        equity: { time: 60_000, equity: 100_050, cash: 98_000 },
        daily: {
          day: '2024-03-01',
          startEquity: 100_000,
          endEquity: 100_050,
          realizedPnl: 12.5,
          fees: 2,
          trades: 1,
        },
      }),
    );
    repo.commitBar('r-1', batch({ equity: { time: 120_000, equity: 100_100, cash: 98_000 } }));

    expect(repo.positions('r-1')).toEqual([
      {
        symbol: 'AAPL',
        qty: -5,
        avgPrice: 152,
        lastPrice: 150,
        marketValue: -750,
        unrealizedPnl: 10,
        realizedPnl: 12.5,
      },
      {
        symbol: 'MSFT',
        qty: 3,
        avgPrice: 300,
        lastPrice: 310,
        marketValue: 930,
        unrealizedPnl: 30,
        realizedPnl: 0,
      },
    ]);
    expect(repo.equityCurve('r-1')).toEqual({ time: [60_000, 120_000], equity: [100_050, 100_100] });
    expect(repo.dailyPnl('r-1')).toEqual([
      { day: '2024-03-01', startEquity: 100_000, endEquity: 100_050, realizedPnl: 12.5, fees: 2, trades: 1 },
    ]);
  });

  test('a day that is not YYYY-MM-DD is refused', () => {
    const { repo } = withRun();

    expect(() =>
      repo.commitBar(
        'r-1',
        batch({
          daily: { day: '1/3/2024', startEquity: 1, endEquity: 1, realizedPnl: 0, fees: 0, trades: 0 },
        }),
      ),
    ).toThrow(/CHECK/);
  });
});

describe('reads', () => {
  /** Three minutes of two symbols, one fill, risk event and alert per minute, a trade at the end. */
  function threeBars(repo: SessionRepo): void {
    for (let k = 1; k <= 3; k++) {
      const time = k * 60_000;
      repo.commitBar(
        'r-1',
        batch({
          bars: [bar('MSFT', time, 300 + k), bar('AAPL', time, 150 + k)],
          barTimes: 1,
          fills: [fill(`x-${k}`, { time })],
          equity: { time, equity: 100_000 + k, cash: 100_000 },
          riskEvents: [
            { time, kind: 'risk-state', fromState: 'ACTIVE', toState: 'REDUCING', reason: `r${k}` },
          ],
          alerts: [{ time, severity: k === 3 ? 'critical' : 'info', kind: 'k', message: `m${k}` }],
          trades:
            k === 3
              ? [
                  { seq: 2, trade: trade({ pnl: 2 }) },
                  { seq: 1, trade: trade({ pnl: 1 }) },
                ]
              : [],
        }),
      );
    }
  }

  test('bars come as columns oldest first, the last N when limited; all bars by time then symbol for replay', () => {
    const { repo } = withRun();
    threeBars(repo);

    expect(repo.bars('r-1', 'AAPL')).toEqual({
      time: [60_000, 120_000, 180_000],
      open: [150, 151, 152],
      high: [152, 153, 154],
      low: [149, 150, 151],
      close: [151, 152, 153],
      volume: [1_000, 1_000, 1_000],
    });
    expect(repo.bars('r-1', 'AAPL', 2).time).toEqual([120_000, 180_000]);
    expect(repo.bars('r-1', 'TSLA')).toEqual({
      time: [],
      open: [],
      high: [],
      low: [],
      close: [],
      volume: [],
    });
    expect(repo.allBars('r-1').map((b) => [b.time, b.symbol])).toEqual([
      [60_000, 'AAPL'],
      [60_000, 'MSFT'],
      [120_000, 'AAPL'],
      [120_000, 'MSFT'],
      [180_000, 'AAPL'],
      [180_000, 'MSFT'],
    ]);
    expect(repo.allBars('r-1')[0]).toEqual(bar('AAPL', 60_000, 151));
  });

  test('fills, alerts and risk events come newest first and honour their limits; the equity curve oldest first', () => {
    const { repo } = withRun();
    threeBars(repo);

    expect(repo.fills('r-1').map((f) => f.executionId)).toEqual(['x-3', 'x-2', 'x-1']);
    expect(repo.fills('r-1', 1)).toEqual([fill('x-3', { time: 180_000 })]);
    expect(repo.fills('r-1', Number.POSITIVE_INFINITY)).toHaveLength(3);
    expect(repo.fillCount('r-1')).toBe(3);
    expect(repo.alerts('r-1').map((a) => a.message)).toEqual(['m3', 'm2', 'm1']);
    expect(repo.alerts('r-1', 1)[0]).toMatchObject({ severity: 'critical', message: 'm3' });
    expect(repo.riskEvents('r-1', 2)).toEqual([
      {
        seq: expect.any(Number),
        time: 180_000,
        kind: 'risk-state',
        fromState: 'ACTIVE',
        toState: 'REDUCING',
        reason: 'r3',
      },
      {
        seq: expect.any(Number),
        time: 120_000,
        kind: 'risk-state',
        fromState: 'ACTIVE',
        toState: 'REDUCING',
        reason: 'r2',
      },
    ]);
    expect(repo.equityCurve('r-1')).toEqual({
      time: [60_000, 120_000, 180_000],
      equity: [100_001, 100_002, 100_003],
    });
    expect(repo.equityCurve('r-1', 2)).toEqual({ time: [120_000, 180_000], equity: [100_002, 100_003] });
    expect(repo.trades('r-1')).toEqual([trade({ pnl: 1 }), trade({ pnl: 2 })]);
  });

  test('an alert is acknowledged once asked; an unknown id gives false', () => {
    const { repo } = withRun();
    const { alertIds } = repo.commitBar('r-1', fullBatch());

    expect(repo.ackAlert(alertIds[0]!)).toBe(true);
    expect(repo.alerts('r-1')[0]?.acknowledged).toBe(true);
    expect(repo.ackAlert(alertIds[0]!)).toBe(true);
    expect(repo.ackAlert(9_999)).toBe(false);
  });

  test("one run's ledger never shows in another's reads", () => {
    const { repo } = withRun();
    repo.startRun({
      id: 'r-2',
      sessionId: 's-1',
      sessionVersion: 1,
      config: CONFIG,
      idPrefix: 'r2',
      startedAt: 3_000,
      cash: 1,
    });
    repo.commitBar('r-1', fullBatch());

    expect(repo.orders('r-2')).toEqual([]);
    expect(repo.fills('r-2')).toEqual([]);
    expect(repo.fillCount('r-2')).toBe(0);
    expect(repo.positions('r-2')).toEqual([]);
    expect(repo.alerts('r-2')).toEqual([]);
    expect(repo.allBars('r-2')).toEqual([]);
    expect(repo.equityCurve('r-2')).toEqual({ time: [], equity: [] });
  });
});

test('closing and reopening the file gives back every session, run and ledger row', () => {
  const first = withRun();
  const result = first.repo.commitBar('r-1', { ...fullBatch(), trades: [{ seq: 1, trade: trade() }] });
  first.repo.setRunStatus('r-1', 'paused', 70_000);
  const read = (repo: SessionRepo) => ({
    sessions: repo.listSessions(),
    run: repo.getRun('r-1'),
    recover: repo.runsToRecover(),
    bars: repo.allBars('r-1'),
    orders: repo.orderRecords('r-1'),
    events: repo.orderEvents('r-1'),
    fills: repo.fills('r-1'),
    trades: repo.trades('r-1'),
    positions: repo.positions('r-1'),
    equity: repo.equityCurve('r-1'),
    daily: repo.dailyPnl('r-1'),
    risk: repo.riskEvents('r-1'),
    alerts: repo.alerts('r-1'),
  });
  const before = read(first.repo);
  first.db.close();

  const again = open();

  expect(read(again.repo)).toEqual(before);
  expect(before.fills).toHaveLength(1);
  expect(before.alerts.map((a) => a.id)).toEqual(result.alertIds);
  expect(before.recover.map((r) => r.id)).toEqual(['r-1']);
});

test('property: any sequence of batches with repeated fills stores exactly the distinct execution ids, and the counts add up', () => {
  const { repo, db } = withRun();
  let runNo = 0;
  const ids = (runId: string) =>
    db
      .prepare<[string], string>('SELECT execution_id FROM fills WHERE run_id = ? ORDER BY execution_id')
      .pluck()
      .all(runId);

  fc.assert(
    fc.property(
      fc.array(fc.array(fc.integer({ min: 0, max: 15 }), { maxLength: 12 }), { maxLength: 10 }),
      (batches) => {
        const runId = `p-${runNo++}`;
        repo.startRun({
          id: runId,
          sessionId: 's-1',
          sessionVersion: 1,
          config: {},
          idPrefix: runId,
          startedAt: runNo,
          cash: 1,
        });
        let newFills = 0;
        let duplicateFills = 0;
        batches.forEach((picks, b) => {
          const result = repo.commitBar(
            runId,
            batch({ fills: picks.map((k) => fill(`${runId}-x${k}`, { time: b * 1_000 + k })) }),
          );
          newFills += result.newFills;
          duplicateFills += result.duplicateFills;
        });

        const distinct = [...new Set(batches.flat().map((k) => `${runId}-x${k}`))].sort();
        expect(ids(runId)).toEqual(distinct);
        expect(newFills).toBe(distinct.length);
        expect(newFills + duplicateFills).toBe(batches.flat().length);
        expect(repo.fillCount(runId)).toBe(distinct.length);
      },
    ),
    { numRuns: 100 },
  );
});
