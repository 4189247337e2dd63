// keytar is an optional, native dependency: where it is missing or was never built, the keychain says so — what is
// wrong and what to install — instead of the app failing to install or start.
import { describe, expect, test } from 'vitest';
import { KeychainUnavailableError, type Keytar, osKeychain } from '../../../src/main/secrets/keychain';

const NOT_FOUND = new Error("Cannot find module 'keytar'\nRequire stack:\n- /app/out/main/host.js");

describe('the keychain when keytar cannot be loaded', () => {
  test('problem() names the cause and, on Linux, the packages to install and the rebuild', async () => {
    const keychain = osKeychain({ loadKeytar: () => Promise.reject(NOT_FOUND) });

    const problem = await keychain.problem?.();

    expect(problem).toBe(
      process.platform === 'linux'
        ? "The OS keychain is not available: keytar could not be loaded (Cannot find module 'keytar'). On Debian/Ubuntu: sudo apt-get install libsecret-1-dev gnome-keyring, then npm rebuild keytar"
        : "The OS keychain is not available: keytar could not be loaded (Cannot find module 'keytar'). Reinstall MarketBoss (from source: npm rebuild keytar)",
    );
  });

  test('every operation fails with that KeychainUnavailableError, never anything else', async () => {
    const keychain = osKeychain({ loadKeytar: () => Promise.reject(NOT_FOUND) });
    const problem = await keychain.problem?.();

    for (const operation of [
      () => keychain.get('a'),
      () => keychain.set('a', 'secret value'),
      () => keychain.delete('a'),
      () => keychain.probe(),
    ]) {
      const error = await operation().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(KeychainUnavailableError);
      expect((error as Error).message).toBe(problem);
    }
  });

  test('a native module built for another runtime gives its own words, on one line', () => {
    const error = KeychainUnavailableError.keytarNotLoaded(
      "The module 'keytar.node' was compiled against a different Node.js version",
      'linux',
    );

    expect(error.message).toMatch(
      /^The OS keychain is not available: keytar could not be loaded \(The module/,
    );
    expect(error.message).toContain(
      'sudo apt-get install libsecret-1-dev gnome-keyring, then npm rebuild keytar',
    );
    expect(error.message).not.toContain('\n');
  });

  test('a failed load is tried again: after `npm rebuild keytar` the keychain works without a restart', async () => {
    const entries = new Map<string, string>();
    const rebuilt: Keytar = {
      getPassword: async (_service, account) => entries.get(account) ?? null,
      setPassword: async (_service, account, password) => {
        entries.set(account, password);
      },
      deletePassword: async (_service, account) => entries.delete(account),
    };
    let built = false;
    const keychain = osKeychain({
      loadKeytar: () => (built ? Promise.resolve(rebuilt) : Promise.reject(NOT_FOUND)),
    });
    expect(await keychain.problem?.()).toMatch(/keytar could not be loaded/);

    built = true;

    expect(await keychain.problem?.()).toBeNull();
    await keychain.set('a', 'b');
    expect(await keychain.get('a')).toBe('b');
  });

  test('a keytar that loads reports no problem without asking the keychain anything', async () => {
    let asked = 0;
    const keytar: Keytar = {
      getPassword: async () => {
        asked++;
        return null;
      },
      setPassword: async () => {
        asked++;
      },
      deletePassword: async () => {
        asked++;
        return false;
      },
    };

    expect(await osKeychain({ loadKeytar: async () => keytar }).problem?.()).toBeNull();
    expect(asked).toBe(0);
  });
});
