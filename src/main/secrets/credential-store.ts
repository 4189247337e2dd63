// Alpaca keys in the OS keychain: one entry per Alpaca account (`alpaca-paper:<account id>`), its value the key pair
// and the account's last known status. The data dir keeps only which entry it uses (a small JSON file without any
// key material), so two data dirs — a test's and the user's — never read or delete each other's keys.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Keychain } from './keychain';

export const ENTRY_FILE = 'alpaca-keychain-entry.json';
const ENTRY_PREFIX = 'alpaca-paper:';

export interface StoredAlpacaKeys {
  readonly keyId: string;
  readonly secret: string;
  readonly accountId: string;
  readonly accountStatus: string;
  readonly checkedAt: string;
}

const storedSchema = z.object({
  v: z.literal(1),
  keyId: z.string().min(1),
  secret: z.string().min(1),
  accountId: z.string().min(1),
  accountStatus: z.string(),
  checkedAt: z.string(),
});
const entryFileSchema = z.object({ v: z.literal(1), account: z.string().startsWith(ENTRY_PREFIX) });

export interface CredentialStore {
  /** The keys this data dir uses, or null when none are stored (or their keychain entry was removed elsewhere). */
  read(): Promise<StoredAlpacaKeys | null>;
  /** Stores the keys under their account's entry and makes it this data dir's; the previous entry is removed. */
  write(keys: StoredAlpacaKeys): Promise<void>;
  /** Removes this data dir's entry; false when there was none. */
  remove(): Promise<boolean>;
  /** Fails with KeychainUnavailableError unless the keychain answers. */
  probe(): Promise<void>;
  /** Why the keychain cannot be used as far as is known without asking it (keytar not loadable), or null. */
  problem(): Promise<string | null>;
}

export function createCredentialStore(dataDir: string, keychain: Keychain): CredentialStore {
  const entryFile = join(dataDir, ENTRY_FILE);

  const currentEntry = (): string | null => {
    if (!existsSync(entryFile)) return null;
    try {
      return entryFileSchema.parse(JSON.parse(readFileSync(entryFile, 'utf8'))).account;
    } catch {
      // A damaged pointer names no entry we could trust; treat it as none rather than guess.
      return null;
    }
  };
  const pointAt = (account: string | null): void => {
    if (account === null) {
      rmSync(entryFile, { force: true });
      return;
    }
    const temp = `${entryFile}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ v: 1, account })}\n`, { mode: 0o600 });
    renameSync(temp, entryFile);
  };

  return {
    async read() {
      const account = currentEntry();
      if (account === null) return null;
      const raw = await keychain.get(account);
      if (raw === null) return null;
      const parsed = storedSchema.safeParse(safeJson(raw));
      if (!parsed.success) return null;
      const { v: _v, ...keys } = parsed.data;
      return keys;
    },
    async write(keys) {
      const account = entryName(keys.accountId);
      const previous = currentEntry();
      await keychain.set(account, JSON.stringify({ v: 1, ...keys }));
      pointAt(account);
      if (previous !== null && previous !== account) await keychain.delete(previous).catch(() => false);
    },
    async remove() {
      const account = currentEntry();
      if (account === null) return false;
      const deleted = await keychain.delete(account);
      pointAt(null);
      return deleted;
    },
    probe: () => keychain.probe(),
    problem: () => keychain.problem?.() ?? Promise.resolve(null),
  };
}

/** The keychain account name for an Alpaca account; the id comes from Alpaca, so only safe characters pass. */
export function entryName(accountId: string): string {
  const safe = accountId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 64);
  return `${ENTRY_PREFIX}${safe || 'unknown'}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
