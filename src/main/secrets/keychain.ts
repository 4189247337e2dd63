// The OS keychain through keytar (macOS Keychain, Windows Credential Manager, the Secret Service on Linux). There is
// no fallback: where no keychain answers, every operation fails with KeychainUnavailableError.

/** The service name every MarketBoss entry is filed under. */
export const KEYCHAIN_SERVICE = 'MarketBoss';

/** One keychain service's entries, by account name. */
export interface Keychain {
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  /** Fails unless the keychain answers; reads no secret. */
  probe(): Promise<void>;
}

export class KeychainUnavailableError extends Error {
  constructor(cause: string) {
    super(
      `No OS keychain is available: ${cause}. MarketBoss keeps Alpaca keys only in the OS keychain, so they cannot be stored on this machine until one is (on Linux: a Secret Service such as gnome-keyring or KeePassXC, unlocked, on the session D-Bus).`,
    );
    this.name = 'KeychainUnavailableError';
  }
}

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

let keytarModule: Promise<Keytar> | undefined;

// Loaded on first use, so a missing or mis-built native module costs the keychain, not the app's start.
function loadKeytar(): Promise<Keytar> {
  // Node's import() of a CommonJS module: `default` is module.exports; the named exports Node guesses from the
  // source are incomplete for keytar (setPassword is missing), so they are never used.
  keytarModule ??= import('keytar').then((mod) => {
    const namespace = mod as unknown as Keytar & { default?: Keytar };
    return namespace.default ?? namespace;
  });
  return keytarModule;
}

export interface OsKeychainOptions {
  readonly service?: string;
  /** A Secret Service that never answers must not hang a call for D-Bus's 25 s. */
  readonly timeoutMs?: number;
}

export function osKeychain(options: OsKeychainOptions = {}): Keychain {
  const service = options.service ?? KEYCHAIN_SERVICE;
  const timeoutMs = options.timeoutMs ?? 10_000;

  const attempt = async <T>(run: (keytar: Keytar) => Promise<T>): Promise<T> => {
    let keytar: Keytar;
    try {
      keytar = await loadKeytar();
    } catch (error) {
      keytarModule = undefined;
      throw new KeychainUnavailableError(`the keytar module cannot be loaded (${describe(error)})`);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new KeychainUnavailableError(`the keychain did not answer within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([run(keytar), timeout]);
    } catch (error) {
      if (error instanceof KeychainUnavailableError) throw error;
      throw new KeychainUnavailableError(describe(error));
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    get: (account) => attempt((k) => k.getPassword(service, account)),
    set: (account, value) => attempt((k) => k.setPassword(service, account, value)),
    delete: (account) => attempt((k) => k.deletePassword(service, account)),
    probe: () => attempt((k) => k.getPassword(service, 'marketboss-probe')).then(() => undefined),
  };
}

// keytar's errors carry the platform's words ("Cannot autolaunch D-Bus without X11 $DISPLAY"); they never carry
// the value being stored.
const describe = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).replace(/\.$/, '') || 'unknown error';
