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
  /**
   * Why the keychain cannot be used, as far as can be told without asking it (keytar missing or not built for this
   * runtime); null when nothing is known to be wrong. Cheap: Settings asks it every time it shows the keys.
   */
  problem?(): Promise<string | null>;
}

export class KeychainUnavailableError extends Error {
  override readonly name = 'KeychainUnavailableError';

  private constructor(message: string) {
    super(message);
  }

  /** A keytar that loads but finds no Secret Service (or a locked one, or one that never answers). */
  static noSecretService(cause: string): KeychainUnavailableError {
    return new KeychainUnavailableError(
      `No OS keychain is available: ${cause}. MarketBoss keeps Alpaca keys only in the OS keychain, so they cannot be stored on this machine until one is (on Linux: a Secret Service such as gnome-keyring or KeePassXC, unlocked, on the session D-Bus).`,
    );
  }

  /** keytar itself is missing or was never built (an optional dependency: the app installs and runs without it). */
  static keytarNotLoaded(
    cause: string,
    platform: NodeJS.Platform = process.platform,
  ): KeychainUnavailableError {
    const fix =
      platform === 'linux'
        ? 'On Debian/Ubuntu: sudo apt-get install libsecret-1-dev gnome-keyring, then npm rebuild keytar'
        : 'Reinstall MarketBoss (from source: npm rebuild keytar)';
    return new KeychainUnavailableError(
      `The OS keychain is not available: keytar could not be loaded (${cause}). ${fix}`,
    );
  }
}

export interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

// Loaded on first use, so a missing or mis-built native module costs the keychain, not the app's start.
function importKeytar(): Promise<Keytar> {
  // Node's import() of a CommonJS module: `default` is module.exports; the named exports Node guesses from the
  // source are incomplete for keytar (setPassword is missing), so they are never used.
  return import('keytar').then((mod) => {
    const namespace = mod as unknown as Keytar & { default?: Keytar };
    return namespace.default ?? namespace;
  });
}

export interface OsKeychainOptions {
  readonly service?: string;
  /** A Secret Service that never answers must not hang a call for D-Bus's 25 s. */
  readonly timeoutMs?: number;
  /** How keytar is loaded (default: import('keytar')); tests hand in one that fails. */
  readonly loadKeytar?: () => Promise<Keytar>;
}

export function osKeychain(options: OsKeychainOptions = {}): Keychain {
  const service = options.service ?? KEYCHAIN_SERVICE;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const load = options.loadKeytar ?? importKeytar;
  // A failed load is tried again next time: `npm rebuild keytar` while the app runs makes it work without a restart.
  let loading: Promise<Keytar> | undefined;
  const keytar = (): Promise<Keytar> => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      // A failed require's message goes on with its require stack; the first line says what is missing.
      throw KeychainUnavailableError.keytarNotLoaded(describe(error).split('\n')[0]!);
    });
    return loading;
  };

  const attempt = async <T>(run: (keytar: Keytar) => Promise<T>): Promise<T> => {
    const loaded = await keytar();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            KeychainUnavailableError.noSecretService(
              `the keychain did not answer within ${timeoutMs / 1000} s`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([run(loaded), timeout]);
    } catch (error) {
      if (error instanceof KeychainUnavailableError) throw error;
      throw KeychainUnavailableError.noSecretService(describe(error));
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    get: (account) => attempt((k) => k.getPassword(service, account)),
    set: (account, value) => attempt((k) => k.setPassword(service, account, value)),
    delete: (account) => attempt((k) => k.deletePassword(service, account)),
    probe: () => attempt((k) => k.getPassword(service, 'marketboss-probe')).then(() => undefined),
    problem: () =>
      keytar().then(
        () => null,
        (error: Error) => error.message,
      ),
  };
}

// keytar's errors carry the platform's words ("Cannot autolaunch D-Bus without X11 $DISPLAY"); they never carry
// the value being stored.
const describe = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).replace(/\.$/, '') || 'unknown error';
