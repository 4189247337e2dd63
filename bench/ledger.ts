// Paper-session persistence and pushes, measured against their floors in the same run:
// (a) the session ledger's per-bar commit (fill, equity snapshot, position, account, daily P&L in one
//     transaction, WAL + synchronous=FULL) as a share of a raw better-sqlite3 loop inserting the same fill and
//     equity rows per transaction on an identical database;
// (b) the push path's added latency at 1,000 bars a second: publish → coalesced delivery to a subscriber.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPushBus } from '../src/main/api/push-bus';
import { openDatabase } from '../src/main/store/database';
import { createSessionRepo, type LedgerBatch } from '../src/main/store/session-repo';
import type { BenchFigures, BenchModule } from './registry';

const BARS = 5_000;

function ledgerRowsPerSecond(prefix: string): number {
  const db = openDatabase(`${prefix}-ledger.db`);
  const repo = createSessionRepo(db);
  const at = Date.UTC(2025, 0, 2, 14, 30);
  repo.createSession({ id: 's-bench', name: 'bench', config: {}, createdAt: at });
  repo.startRun({
    id: 'r-bench',
    sessionId: 's-bench',
    sessionVersion: 1,
    config: {},
    idPrefix: 'r-bench',
    startedAt: at,
    cash: 100_000,
  });
  const started = performance.now();
  for (let i = 0; i < BARS; i++) {
    const time = at + i * 60_000;
    const price = 100 + (i % 50) / 10;
    const batch: LedgerBatch = {
      bars: [],
      barTimes: 1,
      orders: [],
      fills: [
        {
          executionId: `r-bench-x${i}`,
          orderId: `r-bench-o${i}`,
          symbol: 'ACME',
          side: i % 2 ? 'sell' : 'buy',
          qty: 10,
          price,
          fee: 0.5,
          time,
          decisionPrice: price,
        },
      ],
      trades: [],
      positions: [{ symbol: 'ACME', qty: i % 2 ? 0 : 10, avgPrice: price, realizedPnl: 0, lastPrice: price }],
      equity: { time, equity: 100_000 + i, cash: 99_000 + i },
      account: {
        cash: 99_000 + i,
        equity: 100_000 + i,
        dayStartEquity: 100_000,
        riskState: 'ACTIVE',
        riskReason: null,
        lastBarTime: time,
      },
      daily: {
        day: '2025-01-02',
        startEquity: 100_000,
        endEquity: 100_000 + i,
        realizedPnl: 0,
        fees: i * 0.5,
        trades: 0,
      },
      riskEvents: [],
      alerts: [],
    };
    repo.commitBar('r-bench', batch);
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return (2 * BARS) / seconds; // a fill and an equity snapshot per bar
}

function rawRowsPerSecond(prefix: string): number {
  // The same pragmas as the ledger (openDatabase), two bare tables, the same two rows per transaction.
  const db = openDatabase(`${prefix}-raw.db`);
  db.exec(`CREATE TABLE raw_fills (execution_id TEXT PRIMARY KEY, run_id TEXT, order_id TEXT, symbol TEXT, side TEXT,
             qty REAL, price REAL, fee REAL, time INTEGER, decision_price REAL);
           CREATE TABLE raw_equity (run_id TEXT, time INTEGER, equity REAL, cash REAL, PRIMARY KEY (run_id, time))`);
  const fill = db.prepare('INSERT INTO raw_fills VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const equity = db.prepare('INSERT INTO raw_equity VALUES (?, ?, ?, ?)');
  const perBar = db.transaction((i: number, time: number, price: number) => {
    fill.run(
      `r-bench-x${i}`,
      'r-bench',
      `r-bench-o${i}`,
      'ACME',
      i % 2 ? 'sell' : 'buy',
      10,
      price,
      0.5,
      time,
      price,
    );
    equity.run('r-bench', time, 100_000 + i, 99_000 + i);
  });
  const at = Date.UTC(2025, 0, 2, 14, 30);
  const started = performance.now();
  for (let i = 0; i < BARS; i++) perBar(i, at + i * 60_000, 100 + (i % 50) / 10);
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return (2 * BARS) / seconds;
}

async function pushLatency(): Promise<{
  p50: number;
  p99: number;
  max: number;
  batches: number;
  delivered: number;
}> {
  const bus = createPushBus();
  const latencies: number[] = [];
  let batches = 0;
  bus.subscribe((_topic, batch) => {
    batches++;
    const now = performance.now();
    for (const push of batch as { sent: number }[]) latencies.push(now - push.sent);
  });
  // 1,000 bars a second for 3 seconds, paced by the clock rather than by timers (which cannot tick every 1 ms).
  const total = 3_000;
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.floor(performance.now() - start);
    while (sent < Math.min(due, total)) {
      bus.publish('bar', { sent: performance.now() } as never);
      sent++;
    }
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 50));
  bus.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return {
    p50: at(0.5),
    p99: at(0.99),
    max: latencies[latencies.length - 1]!,
    batches,
    delivered: latencies.length,
  };
}

export const ledgerBench: BenchModule = {
  name: 'ledger',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'marketboss-bench-'));
    try {
      // Interleave to share the machine's noise; keep the best of each.
      let ledger = 0;
      let raw = 0;
      for (let round = 0; round < 3; round++) {
        raw = Math.max(raw, rawRowsPerSecond(join(dir, `r${round}`)));
        ledger = Math.max(ledger, ledgerRowsPerSecond(join(dir, `r${round}`)));
      }
      const ratio = ledger / raw;
      console.log(
        `ledger commits       ${Math.round(ledger).toLocaleString('en-US')} rows/s (fill + equity per bar, one transaction each)`,
      );
      console.log(
        `raw insert loop      ${Math.round(raw).toLocaleString('en-US')} rows/s (same rows, same pragmas)`,
      );
      console.log(`ledger / raw         ${(ratio * 100).toFixed(1)}% (target ≥ 50%)`);
      const push = await pushLatency();
      console.log(
        `push latency         p50 ${push.p50.toFixed(1)} ms, p99 ${push.p99.toFixed(1)} ms, max ${push.max.toFixed(1)} ms at 1,000 bars/s (target p99 ≤ 50 ms); ${push.delivered} delivered in ${push.batches} batches`,
      );
      const figures: BenchFigures = {
        ledgerRowsPerSecond: Math.round(ledger),
        rawRowsPerSecond: Math.round(raw),
        ratio: Math.round(ratio * 1000) / 1000,
        ratioTarget: 0.5,
        pushP50Ms: Math.round(push.p50 * 10) / 10,
        pushP99Ms: Math.round(push.p99 * 10) / 10,
        pushMaxMs: Math.round(push.max * 10) / 10,
        pushBatches: push.batches,
        pushDelivered: push.delivered,
      };
      return { ledger: figures };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
