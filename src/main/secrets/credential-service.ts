// Saving, checking and removing the Alpaca paper keys. Keys are checked with the broker before anything is stored
// (an injected account check, the Alpaca adapter's GET /v2/account, so this module stays a leaf); what leaves it is a
// CredentialsStatus or a CredentialError whose message has been scrubbed of the key id and the secret.
import {
  type CredentialsSaveInput,
  type CredentialsStatus,
  keyIdHint,
  NO_CREDENTIALS,
} from '../../shared/domain/credentials';
import type { Logger } from '../log/logger';
import type { CredentialStore, StoredAlpacaKeys } from './credential-store';
import { KeychainUnavailableError } from './keychain';

export type CredentialErrorKind = 'refused' | 'blocked' | 'unreachable' | 'keychain';

/** A failure the user can act on; its message names the cause and never quotes a key. */
export class CredentialError extends Error {
  constructor(
    readonly kind: CredentialErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'CredentialError';
  }
}

export interface AlpacaKeyPair {
  readonly keyId: string;
  readonly secret: string;
}

export interface CredentialService {
  status(): Promise<CredentialsStatus>;
  /** Checks the keys with Alpaca, then stores them; nothing is stored when the check fails. */
  save(input: CredentialsSaveInput): Promise<CredentialsStatus>;
  /** Checks the stored keys with Alpaca again and records the account's status. */
  test(): Promise<CredentialsStatus>;
  remove(): Promise<{ deleted: boolean }>;
  /** For main-process consumers (the Alpaca venue and feeds) only: never return this over the API. */
  keys(): Promise<AlpacaKeyPair | null>;
}

export type AccountCheck = (keys: AlpacaKeyPair, stored: boolean) => Promise<{ id: string; status: string }>;

export interface CredentialServiceOptions {
  readonly store: CredentialStore;
  readonly log: Logger;
  /**
   * Asks the broker whether these keys open a tradeable account (the Alpaca adapter's GET /v2/account): the
   * account's id and status, or a CredentialError saying why not. `stored` words the message for keys already saved.
   */
  readonly checkAccount: AccountCheck;
  readonly now?: () => Date;
}

export function createCredentialService(options: CredentialServiceOptions): CredentialService {
  const { store, log } = options;
  const now = options.now ?? (() => new Date());
  const { checkAccount } = options;
  // One keychain operation at a time: a save racing a delete must not leave a half-written state.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(run: () => Promise<T>): Promise<T> => {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };

  const statusOf = (keys: StoredAlpacaKeys | null): CredentialsStatus =>
    keys === null
      ? NO_CREDENTIALS
      : { present: true, keyIdHint: keyIdHint(keys.keyId), paper: true, accountStatus: keys.accountStatus };

  /** Every error leaves as a CredentialError with the key id and secret cut out of its message. */
  const guarded = async <T>(keys: readonly string[], run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      const safe =
        error instanceof CredentialError
          ? error
          : error instanceof KeychainUnavailableError
            ? new CredentialError('keychain', error.message)
            : new CredentialError(
                'unreachable',
                `The keys could not be handled: ${error instanceof Error ? error.message : String(error)}`,
              );
      throw new CredentialError(safe.kind, scrub(safe.message, keys));
    }
  };

  return {
    // Without a usable keychain the form cannot work; Settings shows why (and what to install) instead of failing.
    status: () =>
      serial(() =>
        guarded([], async () => {
          const keychainProblem = await store.problem();
          if (keychainProblem !== null) return { ...NO_CREDENTIALS, keychainProblem };
          return statusOf(await store.read());
        }),
      ),

    save: (input) =>
      serial(async () => {
        const keys = { keyId: input.keyId, secret: input.secret };
        try {
          return await guarded([keys.keyId, keys.secret], async () => {
            // The keychain first: a machine without one should not send the keys to Alpaca for nothing.
            await store.probe();
            const account = await checkAccount(keys, false);
            const stored: StoredAlpacaKeys = {
              ...keys,
              accountId: account.id,
              accountStatus: account.status,
              checkedAt: now().toISOString(),
            };
            await store.write(stored);
            log.info('alpaca paper keys stored in the OS keychain', {
              hint: keyIdHint(keys.keyId),
              accountStatus: account.status,
            });
            return statusOf(stored);
          });
        } catch (error) {
          const failure = error as CredentialError;
          log.warn('alpaca paper keys not stored', { kind: failure.kind, problem: failure.message });
          throw failure;
        }
      }),

    test: () =>
      serial(async () => {
        const stored = await guarded([], () => store.read());
        if (stored === null) return NO_CREDENTIALS;
        return guarded([stored.keyId, stored.secret], async () => {
          const account = await checkAccount(stored, true);
          const updated = { ...stored, accountStatus: account.status, checkedAt: now().toISOString() };
          await store.write(updated);
          log.info('alpaca paper keys checked', {
            hint: keyIdHint(stored.keyId),
            accountStatus: account.status,
          });
          return statusOf(updated);
        });
      }),

    remove: () =>
      serial(() =>
        guarded([], async () => {
          const deleted = await store.remove();
          if (deleted) log.info('alpaca paper keys removed from the OS keychain');
          return { deleted };
        }),
      ),

    keys: () =>
      serial(async () => {
        const stored = await guarded([], () => store.read());
        return stored && { keyId: stored.keyId, secret: stored.secret };
      }),
  };
}

/** Cuts every occurrence of the given values out of text (an SDK or server message could echo one). */
export function scrub(text: string, values: readonly string[]): string {
  let out = text;
  for (const value of values) if (value.length >= 8) out = out.split(value).join('[redacted]');
  return out;
}
