// The app without keytar (an optional dependency that may fail to build): it starts, every call but storing keys
// works, and credentials:status tells Settings what to install.
import { rmSync } from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import { osKeychain } from '../../../src/main/secrets/keychain';
import { createServices, type Services } from '../../../src/main/services';
import type { AppInfo, Settings } from '../../../src/shared/api/contract';
import type { CredentialsStatus } from '../../../src/shared/domain/credentials';
import { tempDataDir } from '../../support/host-process';
import { expectFailure, expectOk } from '../../unit/api/expect-result';

const open: { services: Services; dataDir: string }[] = [];
afterEach(async () => {
  for (const { services, dataDir } of open.splice(0)) {
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('keytar cannot be loaded: status reports the keychain unavailable with what to install; the rest of the API works', async () => {
  const dataDir = tempDataDir('marketboss-no-keytar-');
  const keychain = osKeychain({
    loadKeytar: () =>
      Promise.reject(
        new Error('libsecret-1.so.0: cannot open shared object file: No such file or directory'),
      ),
  });
  const services = createServices({
    dataDir,
    version: '0.0.0-test',
    transport: 'websocket',
    electronVersion: null,
    heartbeatMs: 1e9,
    keychain,
  });
  open.push({ services, dataDir });
  const expected =
    'The OS keychain is not available: keytar could not be loaded (libsecret-1.so.0: cannot open shared object file: No such file or directory).';

  const status = expectOk<CredentialsStatus>(await services.dispatch('credentials:status', {}));
  const save = await services.dispatch('credentials:save', {
    keyId: 'PKTESTTESTTESTTEST12',
    secret: 'abcdefghijklmnopqrstuvwxyz0123456789ABCD',
  });

  expect(status.present).toBe(false);
  expect(status.keychainProblem?.startsWith(expected)).toBe(true);
  expect(status.keychainProblem).toContain('npm rebuild keytar');
  expect(expectFailure(save, 'unavailable')).toBe(status.keychainProblem);
  // Everything that needs no keychain: app info, settings, backtests, sessions.
  expect(expectOk<AppInfo>(await services.dispatch('app:info', {})).dataDir).toBe(dataDir);
  const settings = expectOk<Settings>(await services.dispatch('settings:set', { patch: { theme: 'light' } }));
  expect(settings.theme).toBe('light');
  expectOk(await services.dispatch('backtest:list', {}));
  expectOk(await services.dispatch('session:list', {}));
});
