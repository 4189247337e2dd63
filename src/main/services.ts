// Composes the main-process services once; the Electron shell and host mode both start here.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { alpacaAccountCheck } from './adapters/alpaca/account-check';
import { createAlpacaBacktestData } from './adapters/alpaca/backtest-data';
import { type AlpacaBaseUrls, alpacaBaseUrlsFromEnv, createAlpacaClient } from './adapters/alpaca/client';
import { AlpacaOptionQuotes } from './adapters/alpaca/option-quotes';
import { AlpacaOptionData } from './adapters/alpaca/options';
import { RequestBudget } from './adapters/alpaca/request-budget';
import { type AlpacaLinkOptions, alpacaClientFor, createAlpacaLink } from './adapters/alpaca/run-link';
import { alpacaHandlers } from './api/alpaca';
import { appHandlers } from './api/app';
import { appLogHandlers } from './api/app-log';
import { backtestHandlers } from './api/backtests';
import { chartHandlers } from './api/charts';
import { credentialHandlers } from './api/credentials';
import { createDispatcher, type Dispatch, type HandlerTable } from './api/dispatcher';
import { mlHandlers } from './api/ml';
import { createPushBus, type PushBus } from './api/push-bus';
import { researchHandlers } from './api/research';
import { sessionHandlers } from './api/sessions';
import { settingsHandlers } from './api/settings';
import { symbolHandlers } from './api/symbols';
import { priceFileReader } from './feeds/price-file';
import { createAppLogReader } from './log/log-reader';
import { createFileLogger, type Logger } from './log/logger';
import { marketStatus } from './market/calendar';
import { databaseFile, logDir } from './paths';
import { loadBacktestData } from './research/backtest-data';
import { createBacktestJobs } from './research/backtest-jobs';
import { createBacktestService } from './research/backtest-service';
import { createLocalExecutor, type LocalExecutor } from './research/local-executor';
import { createModelService } from './research/model-service';
import { createResearchService, tradesFromStore } from './research/research-service';
import { registryModels } from './research/signal-models';
import { type CredentialService, createCredentialService } from './secrets/credential-service';
import { createCredentialStore } from './secrets/credential-store';
import { type Keychain, osKeychain } from './secrets/keychain';
import { createSessionService, type SessionService } from './sessions/session-service';
import { type AlpacaAccess, createSymbolDirectory } from './sessions/symbol-directory';
import { tradePlanParser } from './sessions/trade-plan';
import { createBacktestRepo } from './store/backtest-repo';
import { createBarCacheRepo } from './store/bar-cache-repo';
import { type Db, openDatabase } from './store/database';
import { createModelRepo } from './store/model-repo';
import { createPriceLineRepo } from './store/price-line-repo';
import { createResearchRepo } from './store/research-repo';
import { createSessionRepo } from './store/session-repo';
import { createSettingsRepo, type SettingsRepo } from './store/settings-repo';
import { createSymbolRepo } from './store/symbol-repo';

export interface ServicesOptions {
  readonly dataDir: string;
  readonly version: string;
  readonly transport: 'electron-ipc' | 'websocket';
  readonly electronVersion: string | null;
  /** Echo warnings to stderr (host mode in a terminal). */
  readonly echoLogs?: boolean;
  readonly heartbeatMs?: number;
  /** The backtest worker entry; entry points pass the built file beside them. Default: the TypeScript source via tsx. */
  readonly backtestWorker?: { readonly script: string };
  /** The file worker entry (reads and parses price files and trade plans); same defaults as backtestWorker. */
  readonly fileWorker?: { readonly script: string };
  /**
   * The research worker entry (research cells on the local executor's worker threads; the lab hands it to
   * createExecutor). Default: the TypeScript source via tsx (defaultResearchWorkerScript).
   */
  readonly researchWorker?: { readonly script: string };
  /**
   * Where Alpaca REST calls go: a loopback fake (tests, `npm run fake-alpaca`). Default: the env vars
   * MARKETBOSS_ALPACA_TRADING_URL / MARKETBOSS_ALPACA_DATA_URL (loopback only; either alone serves both), else Alpaca.
   */
  readonly alpacaBaseUrls?: AlpacaBaseUrls;
  /** Shorter broker and feed waits (tests against the fake). */
  readonly alpacaTuning?: Pick<AlpacaLinkOptions, 'broker' | 'timeoutMs' | 'feed' | 'requestsPerMinute'>;
  /** The keychain holding the Alpaca keys. Default: the OS keychain through keytar, service `MarketBoss`. */
  readonly keychain?: Keychain;
}

const SOURCE_WORKER = { script: join(__dirname, 'research', 'backtest-worker.ts') };
const SOURCE_FILE_WORKER = { script: join(__dirname, 'sessions', 'file-worker.ts') };

export interface Services {
  readonly dispatch: Dispatch;
  readonly pushes: PushBus;
  readonly log: Logger;
  readonly db: Db;
  readonly settings: SettingsRepo;
  /** The Alpaca paper keys (main process only; the API sees a masked status). */
  readonly credentials: CredentialService;
  /** The paper sessions (host mode's test hooks reach a running one; the API goes through dispatch). */
  readonly sessions: SessionService;
  close(): Promise<void>;
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
  const backtests = createBacktestRepo(db);
  const interrupted = backtests.markInterrupted(Date.now());
  if (interrupted > 0)
    log.warn('backtests cut short by the last shutdown were marked failed', { count: interrupted });
  const pushes = createPushBus({
    onListenerError: (error, topic) => log.error('push delivery failed', { topic, error }),
  });
  const startedAt = Date.now();

  const settings = createSettingsRepo(db, log);
  const worker = options.backtestWorker ?? SOURCE_WORKER;
  const modelRepo = createModelRepo(db);
  // ml-signal's models come from the registry and its predictions go back there (research/signal-models.ts).
  const signalModels = registryModels(modelRepo);
  const jobs = createBacktestJobs({
    repo: backtests,
    pushes,
    log: log.child({ component: 'backtests' }),
    workerScript: worker.script,
    models: signalModels,
  });
  // The user's files are read and parsed here, never on the main thread (a FIFO or a 50 MB CSV would hold it).
  const fileWorker = (options.fileWorker ?? SOURCE_FILE_WORKER).script;
  // Parsed columns of the user's price files, kept beside the database (a copy only: deleting it loses nothing).
  const readPriceFile = priceFileReader(fileWorker, {
    dir: join(options.dataDir, 'bar-cache'),
    warn: (message) => log.warn('parsed-data cache entry rebuilt', { problem: message }),
  });
  const alpacaBaseUrls = options.alpacaBaseUrls ?? alpacaBaseUrlsFromEnv();
  const credentials = createCredentialService({
    store: createCredentialStore(options.dataDir, options.keychain ?? osKeychain()),
    log: log.child({ component: 'credentials' }),
    checkAccount: alpacaAccountCheck(alpacaBaseUrls !== undefined ? { baseUrls: alpacaBaseUrls } : {}),
  });
  const barCache = createBarCacheRepo(db);
  const sessionRepo = createSessionRepo(db);
  /** The stored keys and the Alpaca the app talks to; no keys is said in the user's words. */
  const alpacaLinkOptions = async (): Promise<AlpacaLinkOptions> => {
    const keys = await credentials.keys();
    if (keys === null) throw new Error('no Alpaca paper keys saved; add them in Settings → Alpaca');
    return {
      keys,
      ...(alpacaBaseUrls !== undefined && { baseUrls: alpacaBaseUrls }),
      cache: barCache,
      ...options.alpacaTuning,
    };
  };
  const sessions = createSessionService({
    repo: sessionRepo,
    dataDir: options.dataDir,
    pushes,
    log: log.child({ component: 'sessions' }),
    readPriceFile,
    priceLines: createPriceLineRepo(db),
    parseTradePlan: tradePlanParser(fileWorker),
    models: signalModels,
    alpacaLink: async (config) => createAlpacaLink(config, await alpacaLinkOptions()),
    // An options run: the same link for SPY's bars and the account, and SPY's puts quoted from chain snapshots.
    alpacaOptionsLink: async (config) => {
      const linkOptions = await alpacaLinkOptions();
      const data = new AlpacaOptionData({
        alpaca: alpacaClientFor(linkOptions),
        budget: new RequestBudget({ perMinute: linkOptions.requestsPerMinute ?? 190 }),
      });
      return {
        link: createAlpacaLink(config, linkOptions),
        quotes: new AlpacaOptionQuotes({ data, right: 'put' }),
      };
    },
  });
  const recovered = sessions.recover();
  if (recovered > 0) log.info('session runs recovered at start-up', { count: recovered });
  const researchRepo = createResearchRepo(db);
  const researchInterrupted = researchRepo.markInterrupted(Date.now());
  if (researchInterrupted > 0) {
    log.warn('research runs cut short by the last shutdown were marked failed', {
      count: researchInterrupted,
    });
  }
  const alpacaData = createAlpacaBacktestData({
    keys: () => credentials.keys(),
    cache: barCache,
    ...(alpacaBaseUrls !== undefined && { baseUrls: alpacaBaseUrls }),
    ...(options.alpacaTuning?.requestsPerMinute !== undefined && {
      requestsPerMinute: options.alpacaTuning.requestsPerMinute,
    }),
  });
  // Research cells and Monte Carlo run on worker threads (cores − 1), never on this thread, where API calls and live
  // sessions run; the pool starts with the first research run.
  let pool: LocalExecutor | undefined;
  const researchPool = (): LocalExecutor => {
    pool ??= createLocalExecutor(
      options.researchWorker !== undefined ? { workerScript: options.researchWorker.script } : {},
    );
    return pool;
  };
  const research = createResearchService({
    repo: researchRepo,
    pushes,
    log: log.child({ component: 'research' }),
    executor: {
      get description() {
        return researchPool().description;
      },
      run: (dataset, jobs, runOptions) => researchPool().run(dataset, jobs, runOptions),
      close: async () => pool?.close(),
    },
    loadDataset: (data) => loadBacktestData(data, { readPriceFile, alpacaData }),
    backtestTrades: tradesFromStore(backtests, sessionRepo),
    runMonteCarlo: (pnl, startEquity, settings) => researchPool().monteCarlo(pnl, startEquity, settings),
  });
  const modelsInterrupted = modelRepo.markInterrupted();
  if (modelsInterrupted > 0) {
    log.warn('model trainings cut short by the last shutdown were marked failed', {
      count: modelsInterrupted,
    });
  }
  // Training runs on the research pool's threads too: one pool, one core left to the app and its sessions.
  const models = createModelService({
    repo: modelRepo,
    pushes,
    log: log.child({ component: 'models' }),
    train: (series, request, trainOptions) => researchPool().trainModel(series, request, trainOptions),
    readModel: (request) => researchPool().readModel(request),
    loadDataset: (data) => loadBacktestData(data, { readPriceFile, alpacaData }),
  });
  // One client per saved key; its own small budget keeps symbol look-ups from crowding out a session's requests.
  let symbolAccess: { keyId: string; access: AlpacaAccess } | null = null;
  const symbols = createSymbolDirectory({
    repo: createSymbolRepo(db),
    log: log.child({ component: 'symbols' }),
    alpaca: async () => {
      let keys: Awaited<ReturnType<CredentialService['keys']>>;
      try {
        keys = await credentials.keys();
      } catch (error) {
        log.warn('alpaca keys unreadable; symbols from the synthetic market only', { error });
        return null;
      }
      if (keys === null) return null;
      if (symbolAccess?.keyId !== keys.keyId) {
        const alpaca = createAlpacaClient({
          ...keys,
          ...(alpacaBaseUrls !== undefined && { baseUrls: alpacaBaseUrls }),
          options: { timeoutMs: 30_000, retry: { maxRetries: 1 } },
        });
        symbolAccess = {
          keyId: keys.keyId,
          access: { alpaca, budget: new RequestBudget({ perMinute: 20 }) },
        };
      }
      return symbolAccess.access;
    },
  });
  const backtestService = createBacktestService({ repo: backtests, jobs, readPriceFile, alpacaData });
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
    ...appLogHandlers(createAppLogReader(logDir(options.dataDir))),
    ...settingsHandlers(settings),
    ...backtestHandlers(backtestService),
    ...researchHandlers(research),
    ...sessionHandlers(sessions),
    ...chartHandlers(backtestService, sessions),
    ...credentialHandlers(credentials),
    ...alpacaHandlers({
      credentials,
      sessions,
      baseUrls: alpacaBaseUrls,
      log: log.child({ component: 'alpaca' }),
    }),
    ...symbolHandlers(symbols),
    ...mlHandlers(models),
  };
  const heartbeat = setInterval(() => {
    const now = Date.now();
    const { state, label } = marketStatus('us-equities', now);
    pushes.publish('heartbeat', { time: now, uptimeMs: now - startedAt, usMarket: { state, label } });
  }, options.heartbeatMs ?? 1000);
  heartbeat.unref();
  log.info('services started', { dataDir: options.dataDir, transport: options.transport, schemaVersion });

  return {
    dispatch: createDispatcher(handlers, log),
    pushes,
    log,
    db,
    settings,
    credentials,
    sessions,
    async close() {
      clearInterval(heartbeat);
      sessions.close();
      await symbols.close();
      await research.close();
      await models.close();
      await pool?.close();
      await jobs.close();
      pushes.close();
      if (db.open) db.close();
      log.info('services stopped');
    },
  };
}
