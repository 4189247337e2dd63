// A keychain stand-in kept in a JSON file, for child processes in tests whose subject is not the keychain and
// that must find their keys again after a SIGKILL (the real keytar has its own suite in tests/integration/secrets).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Keychain } from '../../src/main/secrets/keychain';

export function fileKeychain(path: string): Keychain {
  const read = (): Record<string, string> =>
    existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>) : {};
  const write = (entries: Record<string, string>) => {
    writeFileSync(`${path}.tmp`, JSON.stringify(entries));
    renameSync(`${path}.tmp`, path);
  };
  return {
    get: async (account) => read()[account] ?? null,
    set: async (account, value) => write({ ...read(), [account]: value }),
    delete: async (account) => {
      const entries = read();
      const had = account in entries;
      delete entries[account];
      write(entries);
      return had;
    },
    probe: async () => {},
  };
}
