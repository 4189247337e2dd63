// Crash-only design, tested: SIGKILL a running session at random moments 50 times, restarting each time; the
// ledger must keep every fill it acknowledged, hold no duplicate order, and agree with an uninterrupted run.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { fillList } from '../../../src/main/engine/fill-table';
import { databaseFile } from '../../../src/main/paths';
import { backtestSessionBars } from '../../../src/main/sessions/paper-vs-backtest';
import { openDatabase } from '../../../src/main/store/database';
import { createSessionRepo } from '../../../src/main/store/session-repo';
import { parseSessionConfig } from '../../../src/main/strategies/run-config';
import { seededRandom } from '../../../src/shared/random';
import { tempDataDir } from '../../support/host-process';

const CHILD = resolve(__dirname, '../../support/session-child.ts');
const KILLS = 50;
const dataDir = tempDataDir('marketboss-crash-');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Life {
  readonly child: ChildProcess;
  readonly acknowledged: string[];
  ready: Promise<void>;
}

function launch(): Life {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', CHILD, dataDir], {
    cwd: resolve(__dirname, '../../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acknowledged: string[] = [];
  let output = '';
  let stderr = '';
  const ready = new Promise<void>((resolveReady, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const lines = output.split('\n');
      output = lines.pop()!;
      for (const line of lines) {
        if (line === 'READY') resolveReady();
        else if (line.startsWith('FILL ')) acknowledged.push(line.slice(5));
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL')
        reject(new Error(`the session process exited (${code ?? signal}) before READY:\n${stderr}`));
    });
  });
  return { child, acknowledged, ready };
}

async function kill(life: Life): Promise<void> {
  if (life.child.exitCode !== null || life.child.signalCode !== null) return;
  const exited = new Promise((done) => life.child.once('exit', done));
  life.child.kill('SIGKILL');
  await exited;
}

describe('a paper session killed with SIGKILL again and again', () => {
  test(`${KILLS} kills at random moments lose no acknowledged fill, duplicate no order, and match an uninterrupted run`, async () => {
    const random = seededRandom(42);
    const acknowledged = new Set<string>();
    for (let k = 0; k < KILLS; k++) {
      const life = launch();
      // One kill in five lands during start-up and recovery; the rest while bars are flowing, however slow the
      // machine is to start the process.
      if (random.next() < 0.2) {
        await new Promise((r) => setTimeout(r, random.next() * 300));
      } else {
        await life.ready;
        await new Promise((r) => setTimeout(r, 50 + random.next() * 350));
      }
      await kill(life);
      for (const id of life.acknowledged) acknowledged.add(id);
    }
    // A last life that ends cleanly enough to read: it recovers and runs a little more before the final kill.
    const last = launch();
    await last.ready;
    await new Promise((r) => setTimeout(r, 500));
    await kill(last);
    for (const id of last.acknowledged) acknowledged.add(id);

    const db = openDatabase(databaseFile(dataDir));
    const repo = createSessionRepo(db);
    const [run] = db.prepare<[], { id: string; config: string }>('SELECT id, config FROM session_runs').all();
    expect(run, 'one run across every restart').toBeDefined();
    expect(db.prepare('SELECT count(*) AS n FROM session_runs').get()).toEqual({ n: 1 });

    // No acknowledged fill is lost.
    const stored = new Set(
      db
        .prepare<[], { execution_id: string }>('SELECT execution_id FROM fills')
        .all()
        .map((r) => r.execution_id),
    );
    const lost = [...acknowledged].filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    expect(acknowledged.size).toBeGreaterThan(KILLS / 2);

    // No duplicate order: client order ids are unique by construction and by constraint; check both.
    const { orders, uniq } = db
      .prepare<[], { orders: number; uniq: number }>(
        'SELECT count(*) AS orders, count(DISTINCT client_order_id) AS uniq FROM orders',
      )
      .get()!;
    expect(uniq).toBe(orders);

    // The interrupted run equals an uninterrupted one: a backtest of the same bars and config, fill for fill.
    const config = parseSessionConfig(JSON.parse(run!.config));
    const bars = Object.fromEntries(config.symbols.map((s) => [s, repo.bars(run!.id, s)]));
    const replay = backtestSessionBars(config, bars);
    const ledgerFills = db
      .prepare<[], { time: number; symbol: string; side: string; qty: number; price: number }>(
        'SELECT time, symbol, side, qty, price FROM fills ORDER BY rowid',
      )
      .all();
    const expected = fillList(replay.fills).map((f) => ({
      time: f.time,
      symbol: f.symbol,
      side: f.side,
      qty: f.qty,
      price: f.price,
    }));
    const key = (f: { time: number; symbol: string; side: string; qty: number; price: number }) =>
      `${f.time} ${f.symbol} ${f.side} ${f.qty} ${f.price}`;
    expect(ledgerFills.map(key).sort()).toEqual(expected.map(key).sort());
    const positions = new Map(repo.positions(run!.id).map((p) => [p.symbol, p.qty]));
    const finalRun = repo.getRun(run!.id)!;
    expect(finalRun.cash).toBeCloseTo(replay.equity.cash[replay.equity.length - 1]!, 6);
    for (const symbol of config.symbols) {
      const held = fillList(replay.fills)
        .filter((f) => f.symbol === symbol)
        .reduce((q, f) => q + (f.side === 'buy' ? f.qty : -f.qty), 0);
      expect(positions.get(symbol) ?? 0).toBeCloseTo(held, 9);
    }
    db.close();
  }, 240_000);
});
