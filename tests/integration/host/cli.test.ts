// The built host (out/main/host.js) as a real process: the API through it, and start-up failures that must end in
// one readable line and exit code 1, never a stack trace. Needs `npx electron-vite build` first.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { latestVersion } from '../../../src/main/store/database';
import type { AppInfo } from '../../../src/shared/api/contract';
import {
  HOST_ENTRY,
  type RunningHost,
  shockMarket,
  startHostProcess,
  tempDataDir,
} from '../../support/host-process';
import { expectOk } from '../../unit/api/expect-result';
import { folderHash } from '../store/store-helpers';
import { ApiSocket, httpRequest, refusedStatus } from './host-helpers';

const STACK_LINE = /^\s+at .+[(:]/m;

interface Exited {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built host CLI expecting it to exit by itself (a start-up failure) within 15 s. */
function runHostCli(args: readonly string[]): Promise<Exited> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [HOST_ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`host did not exit within 15 s; stdout: ${stdout}\nstderr: ${stderr}`));
    }, 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

const stderrLines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

beforeAll(() => {
  if (!existsSync(HOST_ENTRY))
    throw new Error(`${HOST_ENTRY} is missing: run \`npx electron-vite build\` first`);
});

describe('the built host process', () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHostProcess();
  });
  afterAll(async () => {
    await host?.stop();
  });

  test('prints a loopback URL with a token; app:info over its WebSocket reports websocket and its data dir', async () => {
    const url = new URL(host.url);
    expect(url.hostname).toBe('127.0.0.1');
    const token = url.searchParams.get('token');
    expect(token).toMatch(/^[0-9a-f]{48}$/);

    const socket = await ApiSocket.open(`ws://${url.host}/api?token=${token}`, host.origin);
    const info = expectOk<AppInfo>((await socket.call('app:info', {})).result);
    await socket.close();

    expect(info.transport).toBe('websocket');
    expect(info.dataDir).toBe(host.dataDir);
    expect(info.databasePath).toBe(join(host.dataDir, 'marketboss.db'));
    expect(info.electron.present).toBe(false);
    expect(info.schemaVersion).toBe(latestVersion());
  });

  test('refuses a wrong token (401) and a foreign Origin (403)', async () => {
    const url = new URL(host.url);

    expect(await refusedStatus(`ws://${url.host}/api?token=nope`, host.origin)).toBe(401);
    expect(await refusedStatus(`ws://${url.host}/api${url.search}`, 'https://evil.example')).toBe(403);
  });

  test('a malformed percent-encoding in a URL (GET /%) is answered (400/404) and does not kill the host', async () => {
    const port = Number(new URL(host.url).port);

    const answer = await httpRequest(port, '/%').catch((error: Error) => ({
      status: -1,
      body: error.message,
    }));
    const after = await httpRequest(port, '/no-such-file').catch((error: Error) => ({
      status: -1,
      body: error.message,
    }));

    expect([400, 404]).toContain(answer.status);
    expect(after.status).toBe(404);
    expect(host.process.exitCode).toBeNull();
    expect(host.output()).not.toMatch(STACK_LINE);
  });
});

describe('test hooks', () => {
  let plain: RunningHost;
  let hooked: RunningHost;
  beforeAll(async () => {
    [plain, hooked] = await Promise.all([startHostProcess(), startHostProcess({ testHooks: true })]);
  });
  afterAll(async () => {
    await Promise.all([plain?.stop(), hooked?.stop()]);
  });

  test('--test-hooks: a warning at start-up and a live shock endpoint; without it, none', async () => {
    const shock = { sessionId: 's-nope', symbol: 'ACME', factor: 0.7 };

    await expect(shockMarket(hooked, shock)).rejects.toThrow(
      'market shock refused (HTTP 404): no session s-nope',
    );
    await expect(shockMarket(plain, shock)).rejects.toThrow(
      'market shock refused (HTTP 404): no test hook at /__test/market-shock',
    );
    expect(hooked.output()).toContain('[warn] test hooks are on (POST /__test/market-shock)');
    expect(plain.output()).not.toContain('test hooks');
  });

  test('--help documents the flag', async () => {
    const run = await runHostCli(['--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--test-hooks +for end-to-end tests only/);
  });
});

describe('one host per data folder', () => {
  test('a second host on the same folder exits 1 with one line naming the folder and the first one’s pid; the first keeps serving', async () => {
    const dataDir = tempDataDir();
    const first = await startHostProcess({ dataDir });
    try {
      const second = await runHostCli(['--port', '0', '--data-dir', dataDir]);

      expect(second.code).toBe(1);
      expect(stderrLines(second.stderr)).toEqual([
        `marketboss: the data folder ${dataDir} is in use by another MarketBoss (pid ${first.process.pid}); close that one first, or use another data folder`,
      ]);
      expect(second.stdout).not.toContain('Open:');
      expect(first.process.exitCode).toBeNull();
      const port = Number(new URL(first.url).port);
      expect((await httpRequest(port, '/no-such-file')).status).toBe(404);
    } finally {
      await first.stop();
    }

    // Stopped, the first one gave the folder back.
    const third = await startHostProcess({ dataDir });
    await third.stop();
  });

  test('a host killed with SIGKILL leaves the folder free for the next start', async () => {
    const dataDir = tempDataDir();
    const crashed = await startHostProcess({ dataDir });
    const exited = new Promise((done) => crashed.process.once('exit', done));
    crashed.process.kill('SIGKILL');
    await exited;

    const next = await startHostProcess({ dataDir });

    expect(next.output()).toContain(`data in ${dataDir}`);
    await next.stop();
  });
});

describe('the host CLI on bad starts', () => {
  let blocker: Server;
  let busyPort: number;
  beforeAll(async () => {
    blocker = createServer();
    busyPort = await new Promise<number>((done) =>
      blocker.listen(0, '127.0.0.1', () => done((blocker.address() as { port: number }).port)),
    );
  });
  afterAll(async () => {
    await new Promise((done) => blocker.close(done));
  });

  test('a port already in use: one clear line naming the port, exit 1, no stack trace', async () => {
    const dataDir = tempDataDir();

    const run = await runHostCli(['--port', String(busyPort), '--data-dir', dataDir]);

    expect(run.code).toBe(1);
    expect(stderrLines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`^marketboss: port ${busyPort} .*already in use`));
    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(run.stdout).not.toContain('Open:');
  });

  test('a database from a newer version: exit 1 naming the file and both versions, no stack, file byte-identical', async () => {
    const dataDir = tempDataDir();
    const file = join(dataDir, 'marketboss.db');
    const future = latestVersion() + 1;
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE from_the_future (x TEXT)');
    db.prepare('INSERT INTO from_the_future VALUES (?)').run('keep me');
    db.pragma(`user_version = ${future}`);
    db.close();
    const before = readFileSync(file);
    const filesBefore = folderHash(dataDir);

    const run = await runHostCli(['--port', '0', '--data-dir', dataDir]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`marketboss: ${file} was written by a newer MarketBoss`);
    expect(run.stderr).toContain(`schema version ${future}`);
    expect(run.stderr).toContain(`knows up to ${latestVersion()}`);
    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(run.stdout).not.toContain('Open:');
    expect(readFileSync(file).equals(before)).toBe(true);
    // the only new things in the folder are the log, which says what happened, and the (released) folder lock
    const filesAfter = folderHash(dataDir);
    expect(filesAfter['marketboss.db']).toBe(filesBefore['marketboss.db']);
    expect(Object.keys(filesAfter).sort()).toEqual(['lock.sqlite', 'logs', 'marketboss.db']);
  });

  test('a file that is not a database: exit 1 naming it, no stack, unchanged', async () => {
    const dataDir = tempDataDir();
    const file = join(dataDir, 'marketboss.db');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'this is my shopping list\n'.repeat(100));
    const before = readFileSync(file);

    const run = await runHostCli(['--port', '0', '--data-dir', dataDir]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${file} is not a MarketBoss database`);
    expect(run.stderr).not.toMatch(STACK_LINE);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  test.each([
    [['--port', 'eighty'], /--port must be a whole number/],
    [['--port', '70000'], /--port must be a whole number/],
    [['--colour', 'red'], /Unknown option '--colour'[\s\S]*Usage: marketboss-host/],
  ])('bad arguments %j: exit 1 with the problem, no stack', async (args, expected) => {
    const run = await runHostCli([...args, '--data-dir', tempDataDir()]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(expected);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });
});
