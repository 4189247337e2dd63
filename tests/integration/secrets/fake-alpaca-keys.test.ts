// The same credentials flow against the shared fake Alpaca (dev/fake-alpaca) instead of the test's own
// GET /v2/account responder: the SDK pointed there through createAlpacaClient's URL-rewriting fetch.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FakeAlpaca, startFakeAlpaca } from '../../../dev/fake-alpaca/server';
import { createServices, type Services } from '../../../src/main/services';
import { tempDataDir } from '../../support/host-process';
import { randomPaperKeyId, randomSecret } from './account-responder';
import { keychainProblem, keychainSkipReason } from './keychain-probe';

describe.skipIf(keychainProblem !== null)(
  keychainProblem === null
    ? 'Alpaca keys checked against the fake Alpaca'
    : `Alpaca keys checked against the fake Alpaca (${keychainSkipReason})`,
  () => {
    const paper = { keyId: randomPaperKeyId(), secret: randomSecret() };
    const blocked = { keyId: randomPaperKeyId(), secret: randomSecret() };
    let fake: FakeAlpaca;
    let services: Services;
    let dataDir: string;

    beforeAll(async () => {
      fake = await startFakeAlpaca({ accounts: [paper, { ...blocked, blocked: true }] });
      dataDir = tempDataDir('marketboss-keys-fake-');
      services = createServices({
        dataDir,
        version: '0.0.0-test',
        transport: 'websocket',
        electronVersion: null,
        heartbeatMs: 1e9,
        alpacaBaseUrls: { trading: fake.url, data: fake.url },
      });
    });
    afterAll(async () => {
      await services?.dispatch('credentials:delete', {});
      await services?.close();
      await fake?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('a paper key pair is checked with the fake and stored; test re-checks; a blocked account and a wrong secret are refused', async () => {
      const wrong = await services.dispatch('credentials:save', {
        keyId: paper.keyId,
        secret: randomSecret(),
      });
      expect(wrong).toMatchObject({ ok: false, error: { code: 'bad-request' } });
      expect(!wrong.ok && wrong.error.message).toMatch(/^Alpaca refused these keys/);

      const refused = await services.dispatch('credentials:save', blocked);
      expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect(!refused.ok && refused.error.message).toContain('account_blocked');

      const hint = `PK…${paper.keyId.slice(-4)}`;
      const status = { present: true, keyIdHint: hint, paper: true, accountStatus: 'ACTIVE' };
      expect(await services.dispatch('credentials:save', paper)).toEqual({ ok: true, value: status });
      expect(await services.dispatch('credentials:test', {})).toEqual({ ok: true, value: status });
      expect(await services.credentials.keys()).toEqual(paper);
      expect(await services.dispatch('credentials:delete', {})).toEqual({
        ok: true,
        value: { deleted: true },
      });
    });
  },
);
