// Alpaca keys in the real OS keychain: real keytar against the gnome-keyring that `npm test` starts on a private D-Bus
// (scripts/test.mjs), account checks through the real SDK against a loopback GET /v2/account.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ENTRY_FILE, entryName } from '../../../src/main/secrets/credential-store';
import { KEYCHAIN_SERVICE } from '../../../src/main/secrets/keychain';
import { createServices, type Services } from '../../../src/main/services';
import type { ApiResult } from '../../../src/shared/api/result';
import type { BacktestProgress } from '../../../src/shared/domain/backtest';
import type { CredentialsStatus } from '../../../src/shared/domain/credentials';
import { tempDataDir } from '../../support/host-process';
import {
  type AccountResponder,
  randomChars,
  randomPaperKeyId,
  startAccountResponder,
} from './account-responder';
import { keychainProblem, keychainSkipReason, testKeychain } from './keychain-probe';

const CHILD = resolve(__dirname, 'no-keychain-child.ts');
const keychain = testKeychain;
const expected = process.env.MARKETBOSS_KEYRING === '1';

test.runIf(expected)('npm test provides a working keychain for these tests', () => {
  expect(keychainProblem).toBeNull();
});

let responder: AccountResponder;
const open: { services: Services; dataDir: string }[] = [];

beforeAll(async () => {
  responder = await startAccountResponder();
});
afterAll(async () => {
  await responder?.close();
});
afterEach(async () => {
  for (const { services, dataDir } of open.splice(0)) {
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

function start(dataDir = tempDataDir('marketboss-keys-'), heartbeatMs = 1e9): Services {
  const services = createServices({
    dataDir,
    version: '0.0.0-test',
    transport: 'websocket',
    electronVersion: null,
    heartbeatMs,
    alpacaBaseUrls: { trading: responder.url, data: responder.url },
  });
  open.push({ services, dataDir });
  return services;
}

async function value<T>(services: Services, name: string, arg: unknown): Promise<T> {
  const result = await services.dispatch(name, arg);
  if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

async function failure(services: Services, name: string, arg: unknown) {
  const result = await services.dispatch(name, arg);
  if (result.ok) throw new Error(`${name} should have failed, answered ${JSON.stringify(result.value)}`);
  return result.error;
}

const storedEntry = (accountId: string) => keychain.get(entryName(accountId));

const hintOf = (keyId: string) => `PK…${keyId.slice(-4)}`;

describe.skipIf(keychainProblem !== null)(
  keychainProblem === null
    ? 'Alpaca keys in the OS keychain'
    : `Alpaca keys in the OS keychain (${keychainSkipReason})`,
  () => {
    test('save, status, test and delete: only the masked status comes back; the keys live in the keychain', async () => {
      const services = start();
      const keys = responder.addKeys();
      expect(await value(services, 'credentials:status', {})).toEqual({
        present: false,
        keyIdHint: null,
        paper: true,
        accountStatus: null,
      });

      const saved = await value<CredentialsStatus>(services, 'credentials:save', {
        keyId: keys.keyId,
        secret: keys.secret,
      });

      const expectedStatus = {
        present: true,
        keyIdHint: hintOf(keys.keyId),
        paper: true,
        accountStatus: 'ACTIVE',
      };
      expect(saved).toEqual(expectedStatus);
      expect(JSON.parse((await storedEntry(keys.accountId))!)).toMatchObject({
        keyId: keys.keyId,
        secret: keys.secret,
        accountId: keys.accountId,
      });
      expect(await value(services, 'credentials:status', {})).toEqual(expectedStatus);
      const asked = responder.requests.filter((r) => r.keyId === keys.keyId).length;
      expect(await value(services, 'credentials:test', {})).toEqual(expectedStatus);
      expect(responder.requests.filter((r) => r.keyId === keys.keyId)).toHaveLength(asked + 1);
      expect(await services.credentials.keys()).toEqual({ keyId: keys.keyId, secret: keys.secret });

      // A restart finds the keys again: the data dir knows which entry, the keychain holds it.
      const dataDir = open[0]!.dataDir;
      await services.close();
      open.splice(0, 1);
      const again = start(dataDir);
      expect(await value(again, 'credentials:status', {})).toEqual(expectedStatus);

      expect(await value(again, 'credentials:delete', {})).toEqual({ deleted: true });
      expect(await storedEntry(keys.accountId)).toBeNull();
      expect(await value(again, 'credentials:status', {})).toMatchObject({ present: false, keyIdHint: null });
      expect(await value(again, 'credentials:delete', {})).toEqual({ deleted: false });
      expect(await value(again, 'credentials:test', {})).toMatchObject({ present: false });
    });

    test('keys for another account replace the stored ones; the old keychain entry goes', async () => {
      const services = start();
      const first = responder.addKeys();
      const second = responder.addKeys();
      await value(services, 'credentials:save', { keyId: first.keyId, secret: first.secret });
      const status = await value<CredentialsStatus>(services, 'credentials:save', {
        keyId: second.keyId,
        secret: second.secret,
      });
      expect(status.keyIdHint).toBe(hintOf(second.keyId));
      expect(await storedEntry(first.accountId)).toBeNull();
      expect(await storedEntry(second.accountId)).not.toBeNull();
      await value(services, 'credentials:delete', {});
      expect(await storedEntry(second.accountId)).toBeNull();
    });

    test('wrong keys: "Alpaca refused these keys", and nothing is stored', async () => {
      const services = start();
      const keys = responder.addKeys();
      const wrongSecret = await failure(services, 'credentials:save', {
        keyId: keys.keyId,
        secret: `${keys.secret.slice(0, -1)}${keys.secret.endsWith('x') ? 'y' : 'x'}`,
      });
      expect(wrongSecret.code).toBe('bad-request');
      expect(wrongSecret.message).toMatch(/^Alpaca refused these keys \(HTTP 401: unauthorized\.\)/);
      const unknownKey = await failure(services, 'credentials:save', {
        keyId: randomPaperKeyId(),
        secret: keys.secret,
      });
      expect(unknownKey.message).toMatch(/^Alpaca refused these keys/);
      expect(wrongSecret.message).not.toContain(keys.secret.slice(0, 12));

      expect(await storedEntry(keys.accountId)).toBeNull();
      expect(existsSync(join(open[0]!.dataDir, ENTRY_FILE))).toBe(false);
      expect(await value(services, 'credentials:status', {})).toMatchObject({ present: false });
    });

    test('a live-trading key (AK…) is refused before any request leaves the machine', async () => {
      const services = start();
      const seen = responder.requests.length;
      const live = await failure(services, 'credentials:save', {
        keyId: `AK${randomChars('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 18)}`,
        secret: randomChars('abcdefghijklmnopqrstuvwxyz0123456789', 40),
      });
      expect(live.code).toBe('bad-request');
      expect(live.message).toContain('live-trading key');
      expect(live.message).toContain('paper accounts only');
      expect(responder.requests.length).toBe(seen);
      expect(existsSync(join(open[0]!.dataDir, ENTRY_FILE))).toBe(false);
    });

    test('a blocked account is refused with the block named, and nothing is stored', async () => {
      const services = start();
      const blocked = responder.addKeys({ account: { account_blocked: true } });
      const tradingBlocked = responder.addKeys({ account: { trading_blocked: true } });
      const closed = responder.addKeys({ account: { status: 'ACCOUNT_CLOSED' } });

      const a = await failure(services, 'credentials:save', { keyId: blocked.keyId, secret: blocked.secret });
      const b = await failure(services, 'credentials:save', {
        keyId: tradingBlocked.keyId,
        secret: tradingBlocked.secret,
      });
      const c = await failure(services, 'credentials:save', { keyId: closed.keyId, secret: closed.secret });

      expect(a.code).toBe('conflict');
      expect(a.message).toContain('the account is blocked (account_blocked)');
      expect(b.message).toContain('trading is blocked (trading_blocked)');
      expect(c.message).toContain('its status is ACCOUNT_CLOSED, not ACTIVE');
      for (const keys of [blocked, tradingBlocked, closed])
        expect(await storedEntry(keys.accountId)).toBeNull();
      expect(await value(services, 'credentials:status', {})).toMatchObject({ present: false });
    });

    test('Alpaca unreachable: a clear "cannot reach" message, nothing stored', async () => {
      const dataDir = tempDataDir('marketboss-keys-');
      const closed = await closedPort();
      const services = createServices({
        dataDir,
        version: '0.0.0-test',
        transport: 'websocket',
        electronVersion: null,
        heartbeatMs: 1e9,
        alpacaBaseUrls: { trading: `http://127.0.0.1:${closed}`, data: `http://127.0.0.1:${closed}` },
      });
      open.push({ services, dataDir });
      const keys = responder.addKeys();
      const error = await failure(services, 'credentials:save', { keyId: keys.keyId, secret: keys.secret });
      expect(error.code).toBe('unavailable');
      expect(error.message).toMatch(
        new RegExp(`^Cannot reach Alpaca at http://127\\.0\\.0\\.1:${closed}: .*ECONNREFUSED`),
      );
      expect(await storedEntry(keys.accountId)).toBeNull();
    });

    test('a canary secret appears nowhere after a whole session of API use: not in the data dir, logs, answers or pushes', async () => {
      const canary = `CANARY${randomChars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 34)}`;
      const keys = responder.addKeys({ secret: canary });
      const services = start(undefined, 25);
      const dataDir = open[0]!.dataDir;
      const answers: string[] = [];
      const pushes: string[] = [];
      const progress: BacktestProgress[] = [];
      services.pushes.subscribe((topic, batch) => {
        pushes.push(JSON.stringify({ topic, batch }));
        if (topic === 'progress') progress.push(...(batch as BacktestProgress[]));
      });
      const call = async (name: string, arg: unknown): Promise<ApiResult<unknown>> => {
        const result = await services.dispatch(name, arg);
        answers.push(JSON.stringify(result));
        return result;
      };

      // Act: a session as a user would have it — keys saved, checked, refused variants, settings, a backtest.
      await call('app:info', {});
      await call('credentials:status', {});
      expect((await call('credentials:save', { keyId: keys.keyId, secret: canary })).ok).toBe(true);
      await call('credentials:status', {});
      await call('credentials:test', {});
      // Refusals that carry the canary in their payload: by Alpaca, by the schema, by an unknown field.
      await call('credentials:save', { keyId: randomPaperKeyId(), secret: canary });
      await call('credentials:save', { keyId: canary, secret: canary });
      await call('credentials:save', { keyId: `AK${canary.slice(6, 24).toUpperCase()}`, secret: canary });
      await call('credentials:save', { keyId: keys.keyId, secret: canary, note: canary });
      await call('credentials:save', { keyId: keys.keyId, secret: `${canary} ${canary}` });
      await call('credentials:status', { secret: canary });
      await call('settings:get', {});
      await call('settings:set', { patch: { theme: 'light' } });
      await call('strategy:list', {});
      const run = await call('backtest:run', {
        name: 'canary run',
        data: { source: 'synthetic', symbols: ['ACME'], timeframe: '1D', bars: 300, seed: 11 },
        config: { strategy: { id: 'sma-crossover', params: { fast: 5, slow: 20 } } },
      });
      const runId = (run as { ok: true; value: { runId: string } }).value.runId;
      await expect
        .poll(() => progress.some((p) => p.runId === runId && p.status === 'done'), { timeout: 20_000 })
        .toBe(true);
      await call('backtest:list', {});
      await call('backtest:get', { runId });
      await call('credentials:test', {});
      await call('credentials:status', {});
      services.pushes.flush();

      // Assert: the keychain really holds it (so its absence elsewhere means something) …
      expect(await services.credentials.keys()).toEqual({ keyId: keys.keyId, secret: canary });
      const whileOpen = scan(dataDir, [canary, keys.keyId]);
      await services.close();
      open.splice(0, 1);
      const afterClose = scan(dataDir, [canary, keys.keyId]);

      // … the scanner finds it where it is (a control file outside the data dir) …
      const control = tempDataDir('marketboss-canary-control-');
      writeFileSync(join(control, 'x.log'), Buffer.from(`{"s":"${canary}"}`, 'utf16le'));
      expect(scan(control, [canary]).hits).toEqual([
        expect.stringMatching(new RegExp(`^x\\.log \\(${canary.slice(0, 8)}… as utf16le\\)`)),
      ]);
      rmSync(control, { recursive: true, force: true });

      // … and finds it nowhere the app writes or answers.
      expect(whileOpen.files).toEqual(expect.arrayContaining(['marketboss.db', 'logs/marketboss.log']));
      expect(afterClose.files.length).toBeGreaterThanOrEqual(2);
      expect(whileOpen.hits).toEqual([]);
      expect(afterClose.hits).toEqual([]);
      expect(answers.length).toBeGreaterThan(15);
      expect(pushes.length).toBeGreaterThan(0);
      for (const text of [...answers, ...pushes]) {
        expect(text).not.toContain(canary);
        expect(text).not.toContain(keys.keyId);
      }
      // The hint is what the renderer gets instead.
      expect(answers.join('\n')).toContain(hintOf(keys.keyId));

      const cleanup = start(dataDir);
      await value(cleanup, 'credentials:delete', {});
      expect(await storedEntry(keys.accountId)).toBeNull();
    }, 30_000);
  },
);

// No Secret Service at all: keytar in a child process whose DBUS_SESSION_BUS_ADDRESS names a socket that does not
// exist, so libsecret cannot connect — the machine without a keychain, whatever this machine has.
const linux = process.platform === 'linux';
describe.runIf(linux)(
  linux ? 'no OS keychain' : 'no OS keychain (skipped: simulated by hiding D-Bus, which only Linux uses)',
  () => {
    test('saving fails with "No OS keychain is available: …", no plaintext fallback, and nothing is stored', async () => {
      const dataDir = tempDataDir('marketboss-nokeychain-');
      const keys = responder.addKeys();
      const output = await new Promise<string>((done, fail) => {
        const child = spawn(process.execPath, ['--require', 'tsx/cjs', CHILD, dataDir, responder.url], {
          env: {
            ...process.env,
            DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dataDir, 'no-such-bus')}`,
            MB_TEST_KEY_ID: keys.keyId,
            MB_TEST_SECRET: keys.secret,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
        });
        child.stderr.on('data', (c: Buffer) => {
          out += c.toString();
        });
        child.once('exit', (code) =>
          code === 0 ? done(out) : fail(new Error(`child exited ${code}:\n${out}`)),
        );
      });
      const { save, status } = JSON.parse(output.trim().split('\n').at(-1)!) as {
        save: ApiResult<unknown>;
        status: ApiResult<unknown>;
      };

      expect(save.ok).toBe(false);
      if (save.ok) return;
      expect(save.error.code).toBe('unavailable');
      expect(save.error.message).toMatch(/^No OS keychain is available: /);
      expect(save.error.message).not.toContain(keys.secret);
      expect(status).toEqual({
        ok: true,
        value: { present: false, keyIdHint: null, paper: true, accountStatus: null },
      });
      // The keychain is asked first, so the keys never went to Alpaca, and no file in the data dir holds them.
      expect(responder.requests.filter((r) => r.keyId === keys.keyId)).toEqual([]);
      expect(existsSync(join(dataDir, ENTRY_FILE))).toBe(false);
      expect(scan(dataDir, [keys.secret]).hits).toEqual([]);
      if (keychainProblem === null) expect(await storedEntry(keys.accountId)).toBeNull();
      expect(KEYCHAIN_SERVICE).toBe('MarketBoss');
      rmSync(dataDir, { recursive: true, force: true });
    });
  },
);

/** A loopback port that was free a moment ago and has nobody listening now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** Every file under `dir`, read as bytes, searched for each needle as UTF-8, UTF-16LE and base64. */
function scan(dir: string, needles: readonly string[]): { files: string[]; hits: string[] } {
  const files: string[] = [];
  const walk = (at: string, rel: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      const relPath = rel ? `${rel}/${name}` : name;
      if (statSync(path).isDirectory()) walk(path, relPath);
      else files.push(relPath);
    }
  };
  walk(dir, '');
  const hits: string[] = [];
  for (const file of files) {
    const bytes = readFileSync(join(dir, file));
    for (const needle of needles) {
      for (const encoding of ['utf8', 'utf16le', 'base64'] as const) {
        const pattern = encoding === 'base64' ? Buffer.from(needle).toString('base64').slice(0, 24) : needle;
        const probe = encoding === 'base64' ? Buffer.from(pattern) : Buffer.from(pattern, encoding);
        const at = bytes.indexOf(probe);
        if (at < 0) continue;
        // Where it leaked, with the needle itself masked, so a failure says which line to fix.
        const around = bytes
          .subarray(Math.max(0, at - 120), at + probe.length + 40)
          .toString('latin1')
          .replaceAll(probe.toString('latin1'), '<NEEDLE>');
        hits.push(`${file} (${needle.slice(0, 8)}… as ${encoding}): …${around}…`);
      }
    }
  }
  return { files: files.sort(), hits };
}
