// An in-memory stand-in for the OS keychain, for tests whose subject is not the keychain (the real keytar
// against gnome-keyring has its own suite in tests/integration/secrets).
import type { Keychain } from '../../src/main/secrets/keychain';

export function memoryKeychain(): Keychain {
  const entries = new Map<string, string>();
  return {
    get: async (account) => entries.get(account) ?? null,
    set: async (account, value) => {
      entries.set(account, value);
    },
    delete: async (account) => entries.delete(account),
    probe: async () => {},
  };
}
