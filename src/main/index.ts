// Electron bootstrap only: lifecycle, one hardened window, the menu and the IPC transport. Logic lives elsewhere.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  type MenuItemConstructorOptions,
  Notification,
  screen,
  session,
  shell,
} from 'electron';
import { version } from '../../package.json';
import { attachIpcTransport } from './api/ipc-transport';
import { createServices, type Services } from './services';
import { CONTENT_SECURITY_POLICY, isAppUrl, mainWindowOptions } from './shell/window';
import { debouncedSaver, placeWindow, windowStateOf } from './shell/window-state';
import { type DataDirLock, lockDataDir } from './store/data-dir-lock';

let services: Services | undefined;
let dataDirLock: DataDirLock | undefined;
let mainWindow: BrowserWindow | undefined;

const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const rendererFile = join(__dirname, '../renderer/index.html');
// The renderer's public icon (scripts/icons.mjs), copied into out/renderer by the build and packed with it.
const iconFile = join(__dirname, '../renderer/icon.png');
const appEntry = devServerUrl ?? pathToFileURL(rendererFile).href;
const isOurs = (url: string): boolean => isAppUrl(url, appEntry);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.whenReady().then(start, (error: unknown) => fatal(error));
}

function start(): void {
  const dataDir = app.getPath('userData');
  try {
    // The single-instance lock above only knows other desktop apps; host mode may share this folder, and two
    // processes on one folder would both trade its running sessions.
    dataDirLock = lockDataDir(dataDir);
    services = createServices({
      dataDir,
      version,
      transport: 'electron-ipc',
      electronVersion: process.versions.electron ?? null,
      backtestWorker: { script: join(__dirname, 'backtest-worker.js') },
      fileWorker: { script: join(__dirname, 'file-worker.js') },
      researchWorker: { script: join(__dirname, 'research-worker.js') },
    });
  } catch (error) {
    fatal(error);
    return;
  }
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, permission, grant) =>
    grant(permission === 'notifications'),
  );
  attachIpcTransport({
    ipcMain,
    dispatch: services.dispatch,
    pushes: services.pushes,
    log: services.log.child({ transport: 'electron-ipc' }),
    window: () => mainWindow?.webContents,
    isAppUrl: isOurs,
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate()));
  notifyAlerts(services);
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

function createWindow(): void {
  const settings = services?.settings;
  const placement = placeWindow(
    settings?.get().window ?? null,
    screen.getAllDisplays().map((display) => display.workArea),
    screen.getPrimaryDisplay().workArea,
  );
  const preload = join(__dirname, '../preload/index.js');
  const window = new BrowserWindow(mainWindowOptions(preload, placement.bounds, iconFile));
  mainWindow = window;
  window.once('ready-to-show', () => {
    if (placement.maximized) window.maximize();
    window.show();
  });
  // The window's place is saved a moment after it stops moving, and at once when it closes.
  const saver = debouncedSaver(() => {
    if (window.isDestroyed() || window.isMinimized() || window.isFullScreen()) return;
    try {
      settings?.set({ window: windowStateOf(window.getNormalBounds(), window.isMaximized()) });
    } catch (error) {
      services?.log.warn('window position not saved', { error });
    }
  }, 500);
  window.on('move', saver.schedule);
  window.on('resize', saver.schedule);
  window.on('maximize', saver.schedule);
  window.on('unmaximize', saver.schedule);
  window.on('close', () => saver.flush());
  window.on('closed', () => {
    saver.cancel();
    mainWindow = undefined;
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isOurs(url)) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  // Links to the outside world open in the user's browser, never inside the app.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  if (devServerUrl) void window.loadURL(devServerUrl);
  else void window.loadFile(rendererFile);
}

/** Warnings and critical alerts as native notifications, unless the user turned them off in Settings. */
function notifyAlerts(running: Services): void {
  running.pushes.subscribe((topic, batch) => {
    if (topic !== 'alert' || !Notification.isSupported() || !running.settings.get().notifications) return;
    for (const { alert } of batch as { alert: { severity: string; message: string } }[]) {
      if (alert.severity === 'info') continue;
      new Notification({ title: `MarketBoss — ${alert.severity} alert`, body: alert.message }).show();
    }
  });
}

function menuTemplate(): MenuItemConstructorOptions[] {
  const mac = process.platform === 'darwin';
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: `MarketBoss ${version}`, enabled: false }] },
  ];
}

function fatal(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`marketboss: ${message}\n`);
  dialog.showErrorBox('MarketBoss cannot start', message);
  app.exit(1);
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
let quitting = false;
app.on('will-quit', (event) => {
  if (!services || quitting) return;
  // Hold the quit until running backtests are recorded as canceled and the database is closed.
  event.preventDefault();
  quitting = true;
  void services.close().finally(() => {
    dataDirLock?.release();
    app.quit();
  });
});
