// SIGKILL between persisting an order's intent and receiving Alpaca's answer: Alpaca placed the order but the
// answer never reached the app. On restart the order is found by its client order id — not sent twice — and
// the run goes on trading with the ledger equal to the account.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FakeAlpaca } from '../../../dev/fake-alpaca/server';
import { databaseFile } from '../../../src/main/paths';
import { openDatabase } from '../../../src/main/store/database';
import { tempDataDir } from '../../support/host-process';
import { eventually, fakeAccount, minutesToNextBar } from './alpaca-session-helpers';
import { startFake } from './fake-alpaca-helpers';

const CHILD = resolve(__dirname, '../../support/alpaca-session-child.ts');

interface Life {
  readonly child: ChildProcess;
  /** Client order ids pushed as new: committed to the ledger before any POST. */
  readonly intents: string[];
  bars: number;
  stderr: string;
}

let fake: FakeAlpaca;
const dataDir = tempDataDir('marketboss-alpaca-kill-');

beforeAll(async () => {
  fake = await startFake({ seed: 5, rateLimitPerMinute: 0 });
});
afterAll(async () => {
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function launch(): Life {
  const { keyId, secret } = fake.keys.paper;
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', CHILD, dataDir, fake.url, keyId, secret], {
    cwd: resolve(__dirname, '../../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const life: Life = { child, intents: [], bars: 0, stderr: '' };
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      if (line === 'BAR') life.bars++;
      const [kind, id, status] = line.split(' ');
      if (kind === 'ORDER' && status === 'new' && !life.intents.includes(id!)) life.intents.push(id!);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    life.stderr += chunk.toString();
  });
  return life;
}

async function kill(life: Life): Promise<void> {
  if (life.child.exitCode !== null || life.child.signalCode !== null) return;
  const exited = new Promise((done) => life.child.once('exit', done));
  life.child.kill('SIGKILL');
  await exited;
}

/** Moves the fake a trading minute at a time until the child has processed a new bar (it may still be reattaching). */
async function nextBar(life: Life): Promise<void> {
  const before = life.bars;
  for (let attempt = 0; attempt < 20 && life.bars === before; attempt++) {
    fake.advance(minutesToNextBar(fake.broker.now()));
    try {
      await eventually('a bar', () => life.bars > before, 1_500);
    } catch {
      // not yet: move the clock again
    }
  }
  if (life.bars === before)
    throw new Error(`no bar after 20 minutes of fake time (stderr: ${life.stderr.slice(-500)})`);
}

function ledgerOrders(): { client_order_id: string; status: string }[] {
  const db = openDatabase(databaseFile(dataDir));
  try {
    return db
      .prepare<[], { client_order_id: string; status: string }>('SELECT client_order_id, status FROM orders')
      .all();
  } finally {
    db.close();
  }
}

describe('killed between the intent and the answer', () => {
  test('the order is found at Alpaca after the restart, never sent twice', async () => {
    const first = launch();
    await eventually(
      `the first bar (stderr: ${first.stderr})`,
      () => first.bars > 0 || first.stderr !== '',
      30_000,
    );
    expect(first.stderr).toBe('');
    // From now on Alpaca places each order but holds its answer for 30 s: the app is killed while it waits.
    // The stream is silenced too, or its 'new' event would tell the app first.
    fake.addFault({ kind: 'delay', delayMs: 30_000, phase: 'after', method: 'POST', path: '/v2/orders' });
    fake.addFault({ kind: 'silent-stream' });
    let bars = 0;
    while (first.intents.length === 0 && bars++ < 200) await nextBar(first);
    const intent = first.intents[0]!;
    expect(intent).toBeDefined();
    await eventually('Alpaca to hold the order', async () =>
      (await fakeAccount(fake)).orders.some((o) => o.client_order_id === intent),
    );
    expect(ledgerOrders().find((o) => o.client_order_id === intent)?.status).toBe('new');
    await kill(first);
    fake.faults.clear();

    const second = launch();
    await eventually(
      `the restarted run to find ${intent} (stderr: ${second.stderr.slice(-500)})`,
      () => ledgerOrders().find((o) => o.client_order_id === intent)?.status !== 'new',
      30_000,
    );
    // It keeps trading after the restart.
    for (let k = 0; k < 20; k++) await nextBar(second);
    await new Promise((r) => setTimeout(r, 500));
    await kill(second);

    const account = await fakeAccount(fake);
    const atAlpaca = account.orders.map((o) => o.client_order_id).filter((id) => id.startsWith('r-'));
    expect(atAlpaca.filter((id) => id === intent)).toHaveLength(1);
    expect(new Set(atAlpaca).size).toBe(atAlpaca.length);
    const ledger = new Set(ledgerOrders().map((o) => o.client_order_id));
    for (const id of atAlpaca) expect(ledger.has(id), `${id} at Alpaca without an intent`).toBe(true);
    expect(second.stderr).toBe('');
    // The replay of bars and broker journal rebuilt exactly the state the ledger held.
    const log = readFileSync(resolve(dataDir, 'logs', 'marketboss.log'), 'utf8');
    expect(log).toContain('session run recovered on Alpaca');
    expect(log).not.toContain('recovery found differences');
  }, 180_000);
});
