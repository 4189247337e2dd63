// Composes the main-process services once; the Electron shell and host mode both start here.
import { mkdirSync } from 'node:fs';
import { appHandlers } from './api/app';
import { createDispatcher, type Dispatch, type HandlerTable } from './api/dispatcher';
import { createPushBus, type PushBus } from './api/push-bus';
import { settingsHandlers } from './api/settings';
import { createFileLogger, type Logger } from './log/logger';
import { databaseFile, logDir } from './paths';
import { type Db, openDatabase } from './store/database';
import { createSettingsRepo } from './store/settings-repo';

export interface ServicesOptions {
  readonly dataDir: string;
  readonly version: string;
  readonly transport: 'electron-ipc' | 'websocket';
  readonly electronVersion: string | null;
  /** Echo warnings to stderr (host mode in a terminal). */
  readonly echoLogs?: boolean;
  readonly heartbeatMs?: number;
}

export interface Services {
  readonly dispatch: Dispatch;
  readonly pushes: PushBus;
  readonly log: Logger;
  readonly db: Db;
  close(): void;
}

export function createServices(options: ServicesOptions): Services {
  mkdirSync(options.dataDir, { recursive: true });
  const log = createFileLogger({ dir: logDir(options.dataDir), echo: options.echoLogs ?? false });
  const dbPath = databaseFile(options.dataDir);
  let db: Db;
  try {
    db = openDatabase(dbPath);
  } catch (error) {
    log.error('database refused', { path: dbPath, error });
    throw error;
  }
  const schemaVersion = db.pragma('user_version', { simple: true }) as number;
  const pushes = createPushBus();
  const startedAt = Date.now();

  const handlers: HandlerTable = {
    ...appHandlers({
      name: 'MarketBoss',
      version: options.version,
      dataDir: options.dataDir,
      logDir: logDir(options.dataDir),
      databasePath: dbPath,
      schemaVersion,
      transport: options.transport,
      electron: { present: options.electronVersion !== null, version: options.electronVersion },
    }),
    ...settingsHandlers(createSettingsRepo(db, log)),
  };
  const heartbeat = setInterval(
    () => pushes.publish('heartbeat', { time: Date.now(), uptimeMs: Date.now() - startedAt }),
    options.heartbeatMs ?? 1000,
  );
  heartbeat.unref();
  log.info('services started', { dataDir: options.dataDir, transport: options.transport, schemaVersion });

  return {
    dispatch: createDispatcher(handlers, log),
    pushes,
    log,
    db,
    close() {
      clearInterval(heartbeat);
      pushes.close();
      if (db.open) db.close();
      log.info('services stopped');
    },
  };
}
