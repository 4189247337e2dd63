import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appDataDir, cliAlpacaKeys } from '../../../src/main/research/alpaca-cli-keys';
import { createCredentialStore } from '../../../src/main/secrets/credential-store';
import { type Keychain, osKeychain } from '../../../src/main/secrets/keychain';
import { memoryKeychain } from '../../support/memory-keychain';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'marketboss-cli-keys-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the backtest CLI's Alpaca keys", () => {
  it("takes Alpaca's own environment variables first", async () => {
    const env = { APCA_API_KEY_ID: ' PKENV ', APCA_API_SECRET_KEY: 'secret' };
    expect(await cliAlpacaKeys({ env, dataDir: dataDir(), keychain: memoryKeychain() })).toEqual({
      keyId: 'PKENV',
      secret: 'secret',
    });
  });

  it('reads the paper keys the app saved for its data folder, without writing anything', async () => {
    const dir = dataDir();
    const keychain = memoryKeychain();
    await createCredentialStore(dir, keychain).write({
      keyId: 'PKSAVED',
      secret: 's3',
      accountId: 'acct-1',
      accountStatus: 'ACTIVE',
      checkedAt: '2026-01-01T00:00:00Z',
    });
    const writes: string[] = [];
    const watched: Keychain = {
      ...keychain,
      set: async (account) => {
        writes.push(account);
      },
      delete: async (account) => {
        writes.push(account);
        return false;
      },
    };
    expect(await cliAlpacaKeys({ env: {}, dataDir: dir, keychain: watched })).toEqual({
      keyId: 'PKSAVED',
      secret: 's3',
    });
    expect(writes).toEqual([]);
  });

  it('a keychain that cannot be reached is said so, with the variables to set instead', async () => {
    const dir = dataDir();
    // An entry pointer, so the keychain is asked; keytar fails to load.
    await createCredentialStore(dir, memoryKeychain()).write({
      keyId: 'PK',
      secret: 's',
      accountId: 'acct-2',
      accountStatus: 'ACTIVE',
      checkedAt: '2026-01-01T00:00:00Z',
    });
    const broken = osKeychain({ loadKeytar: () => Promise.reject(new Error('Cannot find module keytar')) });
    await expect(cliAlpacaKeys({ env: {}, dataDir: dir, keychain: broken })).rejects.toThrow(
      /^no Alpaca keys: set APCA_API_KEY_ID and APCA_API_SECRET_KEY; the OS keychain, where MarketBoss keeps saved keys, could not be read \(The OS keychain is not available: keytar could not be loaded \(Cannot find module keytar\)/,
    );
  });

  it("finds the desktop app's data folder as Electron names it", () => {
    expect(appDataDir({ XDG_CONFIG_HOME: '/x/config' }, 'linux')).toBe('/x/config/MarketBoss');
    expect(appDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toMatch(/MarketBoss$/);
  });
});
