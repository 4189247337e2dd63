// The window's security settings in one place, as plain data, so a unit test can read exactly what the app uses.
import type { BrowserWindowConstructorOptions } from 'electron';
import { DEFAULT_WINDOW_SIZE, MIN_WINDOW_SIZE, type Rect } from './window-state';

/** No inline or remote script; styles only from the app (element.style set by code is not affected). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/**
 * `bounds`: where the window opens (placeWindow's answer); the default size, centred by Electron, without.
 * `iconPath`: the app icon for the window and task bar (Linux and Windows; macOS takes the bundle's).
 */
export function mainWindowOptions(
  preloadPath: string,
  bounds?: Rect,
  iconPath?: string,
): BrowserWindowConstructorOptions {
  return {
    ...(bounds ?? DEFAULT_WINDOW_SIZE),
    ...(iconPath !== undefined && { icon: iconPath }),
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    backgroundColor: '#0e1116',
    title: 'MarketBoss',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/** Whether `url` is the app itself (the built file or the dev server); anything else is refused. */
export function isAppUrl(url: string, appEntry: string): boolean {
  try {
    const target = new URL(url);
    const entry = new URL(appEntry);
    if (entry.protocol === 'file:') {
      return target.protocol === 'file:' && target.host === entry.host && target.pathname === entry.pathname;
    }
    return target.origin === entry.origin;
  } catch {
    return false;
  }
}
