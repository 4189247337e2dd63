// Where MarketBoss keeps its data: the same folder Electron's app.getPath('userData') gives, so host mode and the
// desktop app share one database by default.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'MarketBoss';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}

export const databaseFile = (dataDir: string): string => join(dataDir, 'marketboss.db');
export const logDir = (dataDir: string): string => join(dataDir, 'logs');
