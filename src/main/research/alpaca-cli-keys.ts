// Alpaca keys for the command-line backtest: Alpaca's own environment variables first (APCA_API_KEY_ID,
// APCA_API_SECRET_KEY, as its SDKs and CLI read them), else the paper keys the app saved in the OS keychain for its
// data folder (read only: the CLI never writes or deletes an entry). Every failure says which variables to set.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AlpacaKeyPair } from '../secrets/credential-service';
import { createCredentialStore } from '../secrets/credential-store';
import { type Keychain, KeychainUnavailableError, osKeychain } from '../secrets/keychain';

export const ALPACA_KEY_ID_ENV = 'APCA_API_KEY_ID';
export const ALPACA_SECRET_ENV = 'APCA_API_SECRET_KEY';

/** Why Alpaca cannot be used from the command line, in words that name the fix. */
export class AlpacaAccessError extends Error {
  override readonly name = 'AlpacaAccessError';
}

/** The folder the desktop app keeps its data in (Electron's userData for productName MarketBoss). */
export function appDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'MarketBoss');
  if (platform === 'win32')
    return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'MarketBoss');
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'MarketBoss');
}

export interface CliKeysOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** The app's data folder whose keychain entry is read (default appDataDir()). */
  readonly dataDir?: string;
  readonly keychain?: Keychain;
}

export async function cliAlpacaKeys(options: CliKeysOptions = {}): Promise<AlpacaKeyPair> {
  const env = options.env ?? process.env;
  const keyId = env[ALPACA_KEY_ID_ENV]?.trim() ?? '';
  const secret = env[ALPACA_SECRET_ENV]?.trim() ?? '';
  if (keyId !== '' && secret !== '') return { keyId, secret };
  if (keyId !== '' || secret !== '') {
    const missing = keyId === '' ? ALPACA_KEY_ID_ENV : ALPACA_SECRET_ENV;
    throw new AlpacaAccessError(
      `${missing} is not set (set both ${ALPACA_KEY_ID_ENV} and ${ALPACA_SECRET_ENV})`,
    );
  }
  const dataDir = options.dataDir ?? appDataDir(env);
  const store = createCredentialStore(dataDir, options.keychain ?? osKeychain({ timeoutMs: 5_000 }));
  let stored: Awaited<ReturnType<typeof store.read>>;
  try {
    stored = await store.read();
  } catch (error) {
    if (!(error instanceof KeychainUnavailableError)) throw error;
    throw new AlpacaAccessError(
      `no Alpaca keys: set ${ALPACA_KEY_ID_ENV} and ${ALPACA_SECRET_ENV}; the OS keychain, where MarketBoss keeps saved keys, could not be read (${error.message})`,
    );
  }
  if (stored === null) {
    throw new AlpacaAccessError(
      `no Alpaca keys: set ${ALPACA_KEY_ID_ENV} and ${ALPACA_SECRET_ENV}, or save paper keys in MarketBoss (Settings → Alpaca; none saved for ${dataDir})`,
    );
  }
  return { keyId: stored.keyId, secret: stored.secret };
}
