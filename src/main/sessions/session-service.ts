// Sessions: named, versioned configs; starting one creates a run (a config snapshot) driven by a SessionRuntime.
// Start-up is recovery: every run the ledger still calls running or paused is rebuilt before anything else.
import { randomBytes } from 'node:crypto';
import type { PushPublisher } from '../../shared/api/ports';
import { ApiFailure } from '../../shared/api/ports';
import { type BarSeries, TIMEFRAME_MS, type Timeframe } from '../../shared/domain/bars';
import type { ChartIndicator, ChartIndicatorLines, PriceLine } from '../../shared/domain/chart-tools';
import { type LogExportFormat, type LogPage, logEventsFile } from '../../shared/domain/events';
import type { ManualOrder, OrderChange } from '../../shared/domain/manual-order';
import type { OptionPositionRow, OptionsMonitor } from '../../shared/domain/options';
import type { PlanOutcome, PlanPreview } from '../../shared/domain/plan';
import type { ParityReport, PnlByPeriod } from '../../shared/domain/research';
import type {
  DailySummary,
  ExecutionMode,
  ExportFile,
  ExportKind,
  SessionChartBars,
  SessionComparison,
  SessionDetail,
  SessionSnapshot,
  SessionStatus,
  SessionSummary,
} from '../../shared/domain/session';
import type { ShadowView } from '../../shared/domain/shadow';
import {
  type PreparedStart,
  prepareAlpacaOptionStart,
  prepareAlpacaStart,
} from '../adapters/alpaca/reconcile';
import type { AlpacaSessionLink } from '../adapters/alpaca/run-link';
import { indicatorWarmupBars, strategyIndicatorSpecs } from '../charts/indicator-lines';
import { atTimeframe, chartSource, newestWindow, seriesOfColumns } from '../charts/run-chart';
import { userIndicatorLines, userIndicatorSpec } from '../charts/user-indicators';
import { aggregateBars } from '../feeds/aggregate';
import { DataFileError } from '../feeds/errors';
import type { TimerFunctions } from '../feeds/paced-feed';
import type { ReadPriceFile } from '../feeds/price-file';
import type { Logger } from '../log/logger';
import { newYorkDay } from '../market/new-york-time';
import { isoDate } from '../market/nyse-holidays';
import { NO_PERIODS, runPnlByPeriod } from '../research/pnl-periods';
import { type ModelAccess, resolveModels } from '../research/signal-models';
import type { PriceLineRepo } from '../store/price-line-repo';
import type { SessionEventQuery } from '../store/session-events';
import type { SessionRecord, SessionRepo } from '../store/session-repo';
import { ConfigError, configFailure, parseSessionConfig, type SessionConfig } from '../strategies/run-config';
import type { SignalModel } from '../strategies/signal-model';
import { type OptionAlpacaLink, OptionRun, type OptionRunDeps } from './option-run';
import { phase4dParamsOf } from './option-run-parts';
import { optionRunMonitor, storedOptionPosition } from './option-run-records';
import { OptionRunRegistry, type OptionRunView } from './option-run-registry';
import { readVolatility } from './option-validate';
import { compareRun } from './paper-vs-backtest';
import { planOutcomes, planRowView } from './plan-outcomes';
import { createPriceLineBook } from './price-lines';
import { replayParity } from './replay-parity';
import { dailySummaries, exportBaseName, exportRun } from './session-reports';
import { type RuntimeDeps, SessionRuntime } from './session-runtime';
import { shadowView } from './shadow-twin';
import {
  DEFAULT_EXECUTION_MODE,
  type ParseTradePlan,
  type PlanLimits,
  type TradePlan,
  TradePlanError,
} from './trade-plan';

export interface SessionServiceDeps {
  readonly repo: SessionRepo;
  readonly pushes: PushPublisher;
  readonly log: Logger;
  readonly now?: () => number;
  readonly timers?: TimerFunctions;
  /**
   * Connects an Alpaca paper run to the account (keys from the keychain) and its market data. Throws an
   * ApiFailure-worthy Error with the reason when there are no keys or Alpaca cannot be reached.
   */
  readonly alpacaLink?: (config: SessionConfig) => Promise<AlpacaSessionLink>;
  /** Reads a replay's price files off the main thread (the file worker). */
  readonly readPriceFile: ReadPriceFile;
  /** The trader's price lines on session charts (migration 0011). */
  readonly priceLines: PriceLineRepo;
  /** Parses an imported trade plan off the main thread (the file worker). */
  readonly parseTradePlan: ParseTradePlan;
  /** The model registry: ml-signal's models come from it, its predictions go to it. */
  readonly models?: ModelAccess;
  /** Connects an Alpaca paper options run: the account, SPY's bars and the live option quotes (keys from the keychain). */
  readonly alpacaOptionsLink?: (config: SessionConfig) => Promise<OptionAlpacaLink>;
  /** The data dir: options runs write their daily JSON reports under it. */
  readonly dataDir?: string;
  /** The options runs' monitors and positions by run id (the service makes its own when none is given). */
  readonly optionRuns?: OptionRunRegistry;
}

/** A session's live run: an equity run (SessionRuntime) or an options run (option-run.ts). */
export type LiveRun = SessionRuntime | OptionRun;

/** Bars of each symbol a session snapshot gives the chart. */
const CHART_BARS = 2_000;
/** The most of a run's own bars read for a coarser chart. */
const MAX_FINE_BARS = 250_000;
const NO_BARS = { time: [], open: [], high: [], low: [], close: [], volume: [] };

const newId = (prefix: string, now: number): string =>
  `${prefix}-${now.toString(36)}${randomBytes(2).toString('hex')}`;

/** A config error as the API reports it: the field under `config.`. An options run's params by its strategy's schema. */
function checkedConfig(input: unknown): SessionConfig {
  try {
    const config = parseSessionConfig(input);
    if (config.options !== undefined) phase4dParamsOf(config.options);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) throw configFailure(error);
    throw error;
  }
}

/** What a running session lets a plan row size to: its risk config's limits at its equity now. */
function planLimits(runtime: SessionRuntime): PlanLimits {
  const { risk } = runtime.config;
  const equity = Math.round(runtime.equity);
  const byPosition =
    risk.maxPositionFraction !== undefined && risk.maxPositionFraction < risk.maxGrossExposure;
  const fraction = byPosition ? risk.maxPositionFraction! : risk.maxGrossExposure;
  return {
    quantityStep: risk.quantityStep,
    ...(risk.maxPositionQty !== undefined && { maxPositionQty: risk.maxPositionQty }),
    maxNotional: Math.floor(equity * fraction),
    maxNotionalReason: `${byPosition ? 'risk.maxPositionFraction' : 'risk.maxGrossExposure'} ${fraction} × equity ${equity}`,
    lastPrices: runtime.lastPrices(),
  };
}

export function createSessionService(deps: SessionServiceDeps) {
  const { repo, pushes, log } = deps;
  const now = deps.now ?? Date.now;
  const runtimes = new Map<string, LiveRun>();
  const priceLines = createPriceLineBook(deps.priceLines, now);
  const runtimeDeps = {
    repo,
    pushes,
    log,
    now,
    priceLines,
    ...(deps.timers !== undefined && { timers: deps.timers }),
  };
  let closed = false;
  /** Sessions whose replay run is being rebuilt (its files are being read): not to be started meanwhile. */
  const recovering = new Set<string>();
  const optionRuns = deps.optionRuns ?? new OptionRunRegistry();
  /** What a run that is not an options run is, for the refusal: its session and strategy. */
  const describeRun = (runId: string): string | undefined => {
    const run = repo.getRun(runId);
    if (!run) return undefined;
    const config = run.config as unknown as Partial<SessionConfig>;
    return `session ${run.sessionId}, strategy ${config.strategy?.id ?? 'unknown'}`;
  };

  /**
   * A replay's files, read and validated off the main thread before its run is recorded, one series per symbol in
   * the config's order; a file that is no price file is the user's input, refused naming the field and the file.
   */
  const readReplay = async (config: SessionConfig): Promise<{ replayBars?: readonly BarSeries[] }> => {
    const { feed, timeframe } = config;
    if (feed.kind !== 'replay') return {};
    const replayBars = await Promise.all(
      config.symbols.map(async (symbol) => {
        try {
          return (await deps.readPriceFile(feed.files[symbol]!, { symbol, timeframe })).series;
        } catch (error) {
          if (error instanceof DataFileError) {
            throw new ApiFailure('bad-request', `config.feed.files.${symbol}: ${error.message}`);
          }
          throw error;
        }
      }),
    );
    return { replayBars };
  };

  /** The models the config names, resolved before a run is recorded; a missing one is refused naming its field. */
  const modelsFor = (config: SessionConfig): Pick<RuntimeDeps, 'models'> => {
    let resolved: SignalModel[];
    try {
      resolved = resolveModels(config, deps.models);
    } catch (error) {
      if (error instanceof ConfigError) throw configFailure(error);
      throw error;
    }
    return resolved.length === 0 || deps.models === undefined
      ? {}
      : { models: { resolved, access: deps.models } };
  };

  const failRecovery = (runId: string, error: unknown): void => {
    repo.setRunStatus(
      runId,
      'failed',
      now(),
      `could not be recovered: ${error instanceof Error ? error.message : String(error)}`,
    );
    log.error('session run could not be recovered', { runId, error });
  };

  const record = (sessionId: string): SessionRecord => {
    const session = repo.getSession(sessionId);
    if (!session) throw new ApiFailure('not-found', `no session ${sessionId}`);
    return session;
  };

  const summary = (session: SessionRecord): SessionSummary => {
    const config = session.config as unknown as SessionConfig;
    const runtime = runtimes.get(session.id);
    const run = runtime ? undefined : repo.latestRun(session.id);
    const status: SessionStatus = runtime ? runtime.status : run ? run.status : 'idle';
    return {
      id: session.id,
      name: session.name,
      version: session.version,
      venue: config.venueKind ?? 'simulated',
      symbols: config.symbols,
      timeframe: config.timeframe,
      // An options session trades by its options strategy; its equity strategy field is unused.
      strategyId: config.options?.strategy ?? config.strategy.id,
      status,
      runId: runtime?.runId ?? run?.id ?? null,
      createdAt: session.createdAt,
      updatedAt: session.updatedAt,
      equity: runtime ? runtime.equity : (run?.equity ?? null),
      startingCash: config.cash,
    };
  };

  const detail = (session: SessionRecord): SessionDetail => ({ ...summary(session), config: session.config });

  const live = (sessionId: string): LiveRun => {
    record(sessionId);
    const runtime = runtimes.get(sessionId);
    if (!runtime || runtime.status === 'stopped' || runtime.status === 'failed') {
      throw new ApiFailure('conflict', `session ${sessionId} is not running; start it first`);
    }
    return runtime;
  };

  /** An equity run; an options run answers that `what` (the ticket, plans …) is not for it. */
  const liveEquity = (sessionId: string, what: string): SessionRuntime => {
    const runtime = live(sessionId);
    if (runtime instanceof OptionRun) throw notForOptions(sessionId, what);
    return runtime;
  };

  const notForOptions = (sessionId: string, what: string): ApiFailure =>
    new ApiFailure(
      'conflict',
      `session ${sessionId} trades Phase 4D SPY puts (an options run): ${what} is for equity sessions`,
    );

  /** Refuses an equity-only view of a session whose config is an options run. */
  const equityOnly = (sessionId: string, config: SessionConfig, what: string): void => {
    if (config.options !== undefined) throw notForOptions(sessionId, what);
  };

  const optionRunDeps = (): Omit<OptionRunDeps, 'volatility' | 'alpaca'> => ({
    ...runtimeDeps,
    dataDir: deps.dataDir ?? '.',
    onChange: forget,
  });

  const lastRunId = (sessionId: string): string => {
    record(sessionId);
    const runId = runtimes.get(sessionId)?.runId ?? repo.latestRun(sessionId)?.id;
    if (runId === undefined) throw new ApiFailure('not-found', `session ${sessionId} has not run yet`);
    return runId;
  };

  const connect = async (config: SessionConfig): Promise<AlpacaSessionLink> => {
    if (deps.alpacaLink === undefined) {
      throw new ApiFailure('unavailable', 'Alpaca paper trading is not available in this build');
    }
    try {
      return await deps.alpacaLink(config);
    } catch (error) {
      if (error instanceof ApiFailure) throw error;
      throw new ApiFailure('unavailable', error instanceof Error ? error.message : String(error));
    }
  };

  /**
   * The account's reconciliation as a start needs it: nothing blocking, any difference accepted by the user, the
   * foreign open orders in the session's symbols canceled.
   */
  const acceptPrepared = async (
    prepared: PreparedStart,
    accept: boolean,
    broker: AlpacaSessionLink['broker'],
  ): Promise<void> => {
    const { report } = prepared;
    if (!report.canStart) {
      throw new ApiFailure(
        'conflict',
        `cannot start on Alpaca: ${report.items
          .filter((i) => i.blocking)
          .map((i) => i.message)
          .join('; ')}`,
      );
    }
    if (report.needsAcceptance && !accept) {
      throw new ApiFailure(
        'conflict',
        `the Alpaca account differs from the session; review and accept the reconciliation first: ${report.items
          .filter((i) => !i.blocking && i.kind !== 'info')
          .map((i) => i.message)
          .join('; ')}`,
      );
    }
    for (const orderId of prepared.cancelOrderIds) {
      const canceled = await broker.cancel(orderId);
      if (!canceled.ok)
        throw new ApiFailure('conflict', `could not cancel open order ${orderId}: ${canceled.reason}`);
    }
  };

  /** Reconciles with the account (the user must have accepted any difference), then starts the run. */
  const startOnAlpaca = async (
    session: SessionRecord,
    config: SessionConfig,
    accept: boolean,
  ): Promise<SessionSummary> => {
    const link = await connect(config);
    let runtime: SessionRuntime;
    try {
      const prepared = await prepareAlpacaStart(link.broker, {
        symbols: config.symbols,
        capital: config.cash,
      });
      await acceptPrepared(prepared, accept, link.broker);
      if (runtimes.has(session.id))
        throw new ApiFailure('conflict', `session ${session.id} is already starting`);
      const runId = newId('r', now());
      runtime = await SessionRuntime.startOnAlpaca(
        { runId, sessionId: session.id, sessionVersion: session.version, idPrefix: runId },
        config,
        { ...runtimeDeps, onChange: forget, alpaca: link, ...modelsFor(config) },
        prepared.adopt,
      );
    } catch (error) {
      await link.close().catch(() => undefined);
      link.broker.close();
      throw error;
    }
    runtimes.set(session.id, runtime);
    log.info('session started on Alpaca paper', { sessionId: session.id, runId: runtime.runId });
    return summary(session);
  };

  /** Alpaca runs recover in the background: the keys come from the keychain, the account over the network. */
  const pendingRecoveries: Promise<void>[] = [];
  const recoverOnAlpaca = (
    run: { id: string; sessionId: string; idPrefix: string; status: string; cash: number; equity: number },
    config: SessionConfig,
  ) => {
    pendingRecoveries.push(
      (async () => {
        try {
          const link = await connect(config);
          const runtime = SessionRuntime.recover(run, config, {
            ...runtimeDeps,
            onChange: forget,
            alpaca: link,
            ...modelsFor(config),
          });
          runtimes.set(run.sessionId, runtime);
          log.info('session run recovered on Alpaca', {
            runId: run.id,
            differences: runtime.reconciliation.length,
          });
        } catch (error) {
          // Not failed: the run resumes at the next start once Alpaca is reachable (the keys are there).
          log.error('Alpaca run not recovered this time', { runId: run.id, error });
        }
      })(),
    );
  };

  /** Replay runs recover once their files are read again, off the main thread; a file gone since fails the run. */
  const recoverReplay = (run: Parameters<typeof SessionRuntime.recover>[0], config: SessionConfig) => {
    recovering.add(run.sessionId);
    pendingRecoveries.push(
      (async () => {
        try {
          const replay = await readReplay(config);
          if (closed) return;
          const runtime = SessionRuntime.recover(run, config, {
            ...runtimeDeps,
            onChange: forget,
            ...replay,
            ...modelsFor(config),
          });
          runtimes.set(run.sessionId, runtime);
          log.info('session run recovered', { runId: run.id, status: runtime.status });
        } catch (error) {
          if (!closed) failRecovery(run.id, error);
        } finally {
          recovering.delete(run.sessionId);
        }
      })(),
    );
  };

  /** A price line of this session (another session's id is not found, as a missing one). */
  const ownLine = (sessionId: string, lineId: number): PriceLine => {
    record(sessionId);
    const line = priceLines.list(sessionId).find((l) => l.id === lineId);
    if (!line) throw new ApiFailure('not-found', `no price line ${lineId} on session ${sessionId}`);
    return line;
  };

  /**
   * The run whose bars a session's chart of `symbol` at `timeframe` shows (the running one, else the latest) and its
   * config; undefined before any run. Refuses a symbol the session does not trade and a timeframe finer than its own.
   */
  const chartRun = (
    sessionId: string,
    symbol: string,
    timeframe: Timeframe | undefined,
  ): { runId: string; config: SessionConfig } | undefined => {
    const config = record(sessionId).config as unknown as SessionConfig;
    if (!config.symbols.includes(symbol))
      throw new ApiFailure(
        'not-found',
        `${symbol} is not one of this session's symbols (${config.symbols.join(', ')})`,
      );
    if (timeframe !== undefined && TIMEFRAME_MS[timeframe] < TIMEFRAME_MS[config.timeframe]) {
      throw new ApiFailure(
        'bad-request',
        `this session trades ${config.timeframe} bars; it cannot be shown as ${timeframe} (finer than its bars)`,
      );
    }
    const runtime = runtimes.get(sessionId);
    const run = runtime ? repo.getRun(runtime.runId) : repo.latestRun(sessionId);
    return run ? { runId: run.id, config: (runtime?.config ?? run.config) as SessionConfig } : undefined;
  };

  /**
   * A symbol's chart from its run's stored bars: the newest CHART_BARS (at `coarser`, the run's bars aggregated),
   * with the lines of the run's own strategies (the session's config may have changed since it started).
   */
  const runChart = (
    runId: string,
    runConfig: SessionConfig,
    symbol: string,
    coarser?: Timeframe,
  ): SessionChartBars => {
    // An options run draws no equity strategy's lines over its underlying.
    const specs = runConfig.options === undefined ? strategyIndicatorSpecs(runConfig, symbol) : [];
    const warmup = indicatorWarmupBars(specs);
    // A coarse bar needs many of the run's own (390 one-minute bars a day): as many as that takes, up to a cap.
    const factor = coarser ? Math.ceil(TIMEFRAME_MS[coarser] / TIMEFRAME_MS[runConfig.timeframe]) : 1;
    const history = repo.bars(runId, symbol, Math.min(MAX_FINE_BARS, CHART_BARS * factor + warmup));
    const source = chartSource(
      seriesOfColumns(symbol, runConfig.timeframe, history),
      specs,
      runConfig.calendar,
    );
    const chart = newestWindow(atTimeframe(source, coarser, runConfig.calendar), CHART_BARS);
    const n = history.time.length;
    return { ...chart, through: n > 0 ? history.time[n - 1]! : null };
  };

  /** A plan read off the main thread against the running session's symbols and sizing limits. */
  const readPlan = (
    runtime: SessionRuntime,
    fileName: string,
    csv: string,
    mode: ExecutionMode | undefined,
  ): Promise<TradePlan> =>
    deps.parseTradePlan(csv, fileName, {
      symbols: runtime.config.symbols,
      limits: planLimits(runtime),
      ...(mode !== undefined && { mode }),
    });

  /** A csv volatility source read before the run is recorded; a bad file is refused naming the field and line. */
  const volatilityFor = (config: SessionConfig): Pick<OptionRunDeps, 'volatility'> => {
    if (config.options === undefined) return {};
    try {
      const volatility = readVolatility(config.options);
      return volatility === undefined ? {} : { volatility };
    } catch (error) {
      if (error instanceof DataFileError)
        throw new ApiFailure('bad-request', `config.options.volSource: ${error.message}`);
      throw error;
    }
  };

  /** The page asks an options run for its monitor and positions by run id (option-run-registry.ts). */
  const registerOptionRun = (run: OptionRun): void => {
    optionRuns.add(run.runId, { monitor: () => run.monitorOf(), positions: () => run.optionPositions() });
  };

  /** A stopped options run of an earlier start: its monitor and positions from the ledger alone. */
  const storedOptionView = (runId: string): OptionRunView | undefined => {
    const run = repo.getRun(runId);
    const options = run === undefined ? undefined : checkedConfig(run.config).options;
    if (run === undefined || options === undefined) return undefined;
    return {
      monitor: () => {
        const last = run.lastBarTime ?? run.startedAt;
        return optionRunMonitor(repo, runId, options, undefined, { day: isoDate(newYorkDay(last)) });
      },
      positions: () =>
        repo
          .positions(runId)
          .filter((p) => p.qty > 0)
          .map(storedOptionPosition),
    };
  };

  /** An options run (Phase 4D SPY puts) on the simulator; Alpaca paper options come with the Alpaca options link. */
  const startOptions = async (
    session: SessionRecord,
    config: SessionConfig,
    accept: boolean,
  ): Promise<SessionSummary> => {
    const volatility = volatilityFor(config);
    if (config.venueKind === 'alpaca-paper') return startOptionsOnAlpaca(session, config, accept, volatility);
    if (runtimes.has(session.id))
      throw new ApiFailure('conflict', `session ${session.id} is already starting`);
    const runId = newId('r', now());
    const run = OptionRun.start(
      { runId, sessionId: session.id, sessionVersion: session.version, idPrefix: runId },
      config,
      { ...optionRunDeps(), ...volatility },
    );
    runtimes.set(session.id, run);
    registerOptionRun(run);
    log.info('options session started', { sessionId: session.id, runId });
    return summary(session);
  };

  const connectOptions = async (config: SessionConfig): Promise<OptionAlpacaLink> => {
    if (config.options?.volSource === 'alpaca') {
      throw new ApiFailure(
        'unavailable',
        'config.options.volSource: the run does not read Alpaca’s VIX in this build; use a VIX_History.csv file or "synthetic"',
      );
    }
    if (deps.alpacaOptionsLink === undefined) {
      throw new ApiFailure('unavailable', 'Alpaca paper options are not available in this build');
    }
    try {
      return await deps.alpacaOptionsLink(config);
    } catch (error) {
      if (error instanceof ApiFailure) throw error;
      throw new ApiFailure('unavailable', error instanceof Error ? error.message : String(error));
    }
  };

  /** Reconciles the account's option positions on SPY (the user must have accepted them), then starts the run. */
  const startOptionsOnAlpaca = async (
    session: SessionRecord,
    config: SessionConfig,
    accept: boolean,
    volatility: Pick<OptionRunDeps, 'volatility'>,
  ): Promise<SessionSummary> => {
    const alpaca = await connectOptions(config);
    const { broker } = alpaca.link;
    let run: OptionRun;
    try {
      const prepared = await prepareAlpacaOptionStart(broker, {
        underlying: config.symbols[0]!,
        capital: config.cash,
      });
      await acceptPrepared(prepared, accept, broker);
      if (runtimes.has(session.id))
        throw new ApiFailure('conflict', `session ${session.id} is already starting`);
      const runId = newId('r', now());
      run = await OptionRun.startOnAlpaca(
        { runId, sessionId: session.id, sessionVersion: session.version, idPrefix: runId },
        config,
        { ...optionRunDeps(), ...volatility, alpaca },
        prepared.adoptOptions.map((p) => ({ symbol: p.symbol, qty: p.contracts, avgPrice: p.avgPremium })),
      );
    } catch (error) {
      await alpaca.link.close().catch(() => undefined);
      broker.close();
      throw error;
    }
    runtimes.set(session.id, run);
    registerOptionRun(run);
    log.info('options session started on Alpaca paper', { sessionId: session.id, runId: run.runId });
    return summary(session);
  };

  const recoverOptions = (run: Parameters<typeof OptionRun.recover>[0], config: SessionConfig): void => {
    if (config.venueKind === 'alpaca-paper') {
      pendingRecoveries.push(
        (async () => {
          try {
            const alpaca = await connectOptions(config);
            const optionRun = OptionRun.recover(run, config, {
              ...optionRunDeps(),
              ...volatilityFor(config),
              alpaca,
            });
            runtimes.set(run.sessionId, optionRun);
            registerOptionRun(optionRun);
            log.info('options run recovered on Alpaca', { runId: run.id });
          } catch (error) {
            // Not failed: the run resumes at the next start once Alpaca is reachable.
            log.error('Alpaca options run not recovered this time', { runId: run.id, error });
          }
        })(),
      );
      return;
    }
    const optionRun = OptionRun.recover(run, config, { ...optionRunDeps(), ...volatilityFor(config) });
    runtimes.set(run.sessionId, optionRun);
    registerOptionRun(optionRun);
    log.info('options session run recovered', {
      runId: run.id,
      status: optionRun.status,
      differences: optionRun.reconciliation.length,
    });
  };

  const forget = (runtime: LiveRun): void => {
    if (runtime.status === 'stopped' || runtime.status === 'failed') runtimes.delete(runtime.sessionId);
  };

  return {
    create(name: string, configInput: unknown): SessionDetail {
      const config = checkedConfig(configInput);
      const createdAt = now();
      const id = newId('s', createdAt);
      repo.createSession({ id, name, config, createdAt });
      log.info('session created', { sessionId: id });
      return detail(record(id));
    },

    update(sessionId: string, change: { name?: string; config?: unknown }): SessionDetail {
      record(sessionId);
      const runtime = runtimes.get(sessionId);
      if (runtime && change.config !== undefined) {
        throw new ApiFailure(
          'conflict',
          `session ${sessionId} is ${runtime.status}; stop it before changing its config`,
        );
      }
      const config = change.config === undefined ? undefined : checkedConfig(change.config);
      return detail(
        repo.updateSession(
          sessionId,
          {
            ...(change.name !== undefined && { name: change.name }),
            ...(config !== undefined && { config }),
          },
          now(),
        ),
      );
    },

    list(): SessionSummary[] {
      return repo.listSessions().map(summary);
    },

    /** A symbol's chart at a timeframe coarser than the session's: its run's bars aggregated, lines sampled. */
    chartBars(sessionId: string, symbol: string, timeframe: Timeframe): SessionChartBars {
      const chart = chartRun(sessionId, symbol, timeframe);
      if (!chart) {
        const own = (record(sessionId).config as unknown as SessionConfig).timeframe;
        const none = chartSource(seriesOfColumns(symbol, own, NO_BARS), []);
        return { ...newestWindow(none, 0), through: null };
      }
      return runChart(chart.runId, chart.config, symbol, timeframe);
    },

    /**
     * The user's own indicators on a session's chart (its own timeframe, or a coarser one): over the newest bars
     * the chart holds, computed from enough earlier bars of the run to be warm there.
     */
    userIndicators(
      sessionId: string,
      symbol: string,
      timeframe: Timeframe | undefined,
      indicators: readonly ChartIndicator[],
    ): ChartIndicatorLines {
      const chart = chartRun(sessionId, symbol, timeframe);
      const config = record(sessionId).config as unknown as SessionConfig;
      const coarser = timeframe === undefined || timeframe === config.timeframe ? undefined : timeframe;
      const runConfig = chart?.config ?? config;
      const factor = coarser ? Math.ceil(TIMEFRAME_MS[coarser] / TIMEFRAME_MS[runConfig.timeframe]) : 1;
      const warmup = indicatorWarmupBars(indicators.map(userIndicatorSpec));
      const history = chart
        ? repo.bars(chart.runId, symbol, Math.min(MAX_FINE_BARS, (CHART_BARS + warmup) * factor))
        : NO_BARS;
      const series = seriesOfColumns(symbol, runConfig.timeframe, history);
      const shown = coarser ? aggregateBars(series, coarser, runConfig.calendar) : series;
      return userIndicatorLines(
        indicators,
        shown,
        runConfig.calendar,
        Math.max(0, shown.length - CHART_BARS),
        shown.length,
      );
    },

    /** The trader's price lines on a session's charts, oldest first. */
    priceLines(sessionId: string): readonly PriceLine[] {
      record(sessionId);
      return [...priceLines.list(sessionId)]; // a copy: the book's own list changes with every edit
    },

    /** A new price line on one of the session's symbols; its alert, if on, watches the next live bars. */
    addPriceLine(sessionId: string, input: { symbol: string; price: number; alert: boolean }): PriceLine {
      const config = record(sessionId).config as unknown as SessionConfig;
      if (!config.symbols.includes(input.symbol))
        throw new ApiFailure(
          'bad-request',
          `${input.symbol} is not one of this session's symbols (${config.symbols.join(', ')})`,
        );
      return priceLines.add({ sessionId, ...input });
    },

    /** A line moved (dragged or typed) or its alert turned on or off. */
    updatePriceLine(
      sessionId: string,
      lineId: number,
      change: { price?: number; alert?: boolean },
    ): PriceLine {
      return priceLines.update(ownLine(sessionId, lineId), change);
    },

    deletePriceLine(sessionId: string, lineId: number): { readonly deleted: boolean } {
      priceLines.remove(ownLine(sessionId, lineId));
      return { deleted: true };
    },

    snapshot(sessionId: string): SessionSnapshot {
      const session = record(sessionId);
      const runtime = runtimes.get(sessionId);
      const run = runtime ? repo.getRun(runtime.runId) : repo.latestRun(sessionId);
      const config = session.config as unknown as SessionConfig;
      const runId = run?.id ?? null;
      const bars: Record<string, SessionSnapshot['bars'][string]> = {};
      if (runId !== null) {
        const runConfig = (runtime?.config ?? run?.config ?? config) as SessionConfig;
        for (const symbol of config.symbols) bars[symbol] = runChart(runId, runConfig, symbol);
      }
      return {
        session: detail(session),
        runId,
        riskState: runtime?.riskState ?? run?.riskState ?? 'ACTIVE',
        riskReason: runtime ? runtime.riskReason : (run?.riskReason ?? null),
        cash: runtime?.cash ?? run?.cash ?? config.cash,
        equity: runtime?.equity ?? run?.equity ?? config.cash,
        dayStartEquity: runtime?.currentDayStartEquity ?? run?.dayStartEquity ?? config.cash,
        ...(runtime && { limitBasis: runtime.limitBasis }),
        positions: runtime ? runtime.positions() : runId ? repo.positions(runId) : [],
        orders: runId ? repo.orders(runId) : [],
        fills: runId ? repo.fills(runId) : [],
        alerts: runId ? repo.alerts(runId) : [],
        bars,
        equityCurve: runId ? repo.equityCurve(runId) : { time: [], equity: [] },
        reconciliation: runtime?.reconciliation ?? [],
      };
    },

    /** Alpaca paper sessions: the account against the session, as a report (empty for simulated sessions). */
    async prepare(sessionId: string): Promise<PreparedStart['report']> {
      const config = checkedConfig(record(sessionId).config);
      if (config.venueKind !== 'alpaca-paper') {
        return { account: null, items: [], canStart: true, needsAcceptance: false };
      }
      if (config.options !== undefined) {
        const alpaca = await connectOptions(config);
        try {
          return (
            await prepareAlpacaOptionStart(alpaca.link.broker, {
              underlying: config.symbols[0]!,
              capital: config.cash,
            })
          ).report;
        } finally {
          await alpaca.link.close();
          alpaca.link.broker.close();
        }
      }
      const link = await connect(config);
      try {
        return (await prepareAlpacaStart(link.broker, { symbols: config.symbols, capital: config.cash }))
          .report;
      } finally {
        await link.close();
      }
    },

    async start(sessionId: string, accept = false): Promise<SessionSummary> {
      const session = record(sessionId);
      const running = runtimes.get(sessionId);
      if (running) throw new ApiFailure('conflict', `session ${sessionId} is already ${running.status}`);
      if (recovering.has(sessionId)) {
        throw new ApiFailure('conflict', `session ${sessionId} is being recovered; try again in a moment`);
      }
      const config = checkedConfig(session.config);
      if (config.options !== undefined) return startOptions(session, config, accept);
      if (config.venueKind === 'alpaca-paper') return startOnAlpaca(session, config, accept);
      const models = modelsFor(config);
      // Only a replay waits (for its files): other starts stay synchronous up to the run.
      const replay = config.feed.kind === 'replay' ? await readReplay(config) : {};
      if (runtimes.has(sessionId))
        throw new ApiFailure('conflict', `session ${sessionId} is already starting`);
      const runId = newId('r', now());
      const runtime = SessionRuntime.start(
        { runId, sessionId, sessionVersion: session.version, idPrefix: runId },
        config,
        { ...runtimeDeps, onChange: forget, ...replay, ...models },
      );
      runtimes.set(sessionId, runtime);
      log.info('session started', { sessionId, runId });
      return summary(session);
    },

    pause(sessionId: string): SessionSummary {
      const runtime = live(sessionId);
      if (runtime.status !== 'running')
        throw new ApiFailure('conflict', `session ${sessionId} is ${runtime.status}, not running`);
      runtime.pause();
      repo.setRunStatus(runtime.runId, 'paused', now());
      return summary(record(sessionId));
    },

    resume(sessionId: string): SessionSummary {
      const runtime = live(sessionId);
      if (runtime.status !== 'paused')
        throw new ApiFailure('conflict', `session ${sessionId} is ${runtime.status}, not paused`);
      runtime.resume();
      repo.setRunStatus(runtime.runId, 'running', now());
      return summary(record(sessionId));
    },

    stop(sessionId: string, flatten: boolean): SessionSummary {
      const runtime = live(sessionId);
      if (runtime.status === 'stopping')
        throw new ApiFailure('conflict', `session ${sessionId} is already stopping`);
      runtime.stop(flatten);
      return summary(record(sessionId));
    },

    flatten(sessionId: string): SessionSummary {
      live(sessionId).flatten();
      return summary(record(sessionId));
    },

    /** A working order of the running session, canceled at its next bar. */
    cancelOrder(sessionId: string, orderId: string): SessionSummary {
      const runtime = liveEquity(sessionId, 'canceling an order from the orders table');
      if (!runtime.workingOrder(orderId)) {
        throw new ApiFailure(
          'conflict',
          `order ${orderId} is not working in session ${sessionId}; nothing to cancel`,
        );
      }
      runtime.cancelOrder(orderId);
      return summary(record(sessionId));
    },

    /** The trader's order from the ticket: checked against the session here, reviewed by the risk gateway at its next bar. */
    placeOrder(sessionId: string, order: ManualOrder): SessionSummary {
      const runtime = liveEquity(sessionId, 'the order ticket');
      if (!runtime.config.symbols.includes(order.symbol)) {
        throw new ApiFailure(
          'bad-request',
          `order.symbol: ${order.symbol} is not traded by this session (${runtime.config.symbols.join(', ')})`,
        );
      }
      runtime.placeOrder(order);
      return summary(record(sessionId));
    },

    /** Closes one symbol's whole position with a market order at the next bar. */
    closePosition(sessionId: string, symbol: string): SessionSummary {
      const runtime = liveEquity(sessionId, 'closing a position from the positions table');
      if (!runtime.config.symbols.includes(symbol) || runtime.position(symbol) === 0) {
        throw new ApiFailure('conflict', `session ${sessionId} holds no ${symbol} position to close`);
      }
      runtime.closePosition(symbol);
      return summary(record(sessionId));
    },

    /** Replace = cancel the working order, then send it again with the changed quantity or price. */
    replaceOrder(sessionId: string, orderId: string, change: OrderChange): SessionSummary {
      const runtime = liveEquity(sessionId, 'replacing an order');
      const order = runtime.workingOrder(orderId);
      if (!order) {
        throw new ApiFailure(
          'conflict',
          `order ${orderId} is not working in session ${sessionId}; nothing to replace`,
        );
      }
      if (order.role !== 'entry' && order.role !== 'exit') {
        throw new ApiFailure(
          'conflict',
          `order ${orderId} is a bracket leg; cancel it instead of replacing it`,
        );
      }
      if (change.limitPrice !== undefined && order.type !== 'limit') {
        throw new ApiFailure(
          'bad-request',
          `change.limitPrice: order ${orderId} is a ${order.type} order, not a limit`,
        );
      }
      if (change.stopPrice !== undefined && order.type !== 'stop') {
        throw new ApiFailure(
          'bad-request',
          `change.stopPrice: order ${orderId} is a ${order.type} order, not a stop`,
        );
      }
      if (change.qty === undefined && change.limitPrice === undefined && change.stopPrice === undefined) {
        throw new ApiFailure('bad-request', 'change: give a new qty, limitPrice or stopPrice');
      }
      runtime.replaceOrder(orderId, change);
      return summary(record(sessionId));
    },

    resetHalt(sessionId: string): SessionSummary {
      const runtime = liveEquity(sessionId, 'resetting a risk halt');
      if (runtime.riskState === 'ACTIVE')
        throw new ApiFailure('conflict', `session ${sessionId} is not halted`);
      runtime.resetHalt();
      return summary(record(sessionId));
    },

    /** Test hook (host mode with --test-hooks): moves a running synthetic market's prices from its next bar. */
    shockMarket(sessionId: string, symbol: string, factor: number): { fromBar: number } {
      const runtime = liveEquity(sessionId, 'the market shock test hook');
      const fromBar = runtime.barTimes;
      try {
        runtime.shockMarket(symbol, factor);
      } catch (error) {
        throw new ApiFailure('bad-request', error instanceof Error ? error.message : String(error));
      }
      log.warn('test hook: market shocked', { sessionId, symbol, factor, fromBar });
      return { fromBar };
    },

    /**
     * Validates the whole plan (off the main thread) against the session's symbols and sizing limits, then executes
     * it from the running run's next bar. A bad plan is refused whole, every problem named by line and field.
     */
    async importPlan(
      sessionId: string,
      fileName: string,
      csv: string,
      mode: ExecutionMode | undefined,
    ): Promise<{ rows: number; mode: string }> {
      const runtime = liveEquity(sessionId, 'a trade plan');
      const plan = await readPlan(runtime, fileName, csv, mode).catch((error: unknown) => {
        if (error instanceof DataFileError) throw new ApiFailure('bad-request', error.message);
        throw error;
      });
      if (live(sessionId) !== runtime) {
        throw new ApiFailure(
          'conflict',
          `session ${sessionId} restarted while the plan was read; import it again`,
        );
      }
      runtime.executePlan(plan);
      log.info('trade plan queued', { sessionId, rows: plan.rows.length, mode: plan.mode });
      return { rows: plan.rows.length, mode: plan.mode };
    },

    /**
     * The plan checked exactly as importPlan checks it, nothing stored or sent: its rows with the deadline each gets
     * if the plan runs at the next bar, or every refusal by line and field.
     */
    async previewPlan(
      sessionId: string,
      fileName: string,
      csv: string,
      mode: ExecutionMode | undefined,
    ): Promise<PlanPreview> {
      const runtime = liveEquity(sessionId, 'a trade plan');
      try {
        const plan = await readPlan(runtime, fileName, csv, mode);
        const run = repo.getRun(runtime.runId);
        const step = TIMEFRAME_MS[runtime.config.timeframe];
        const from = run?.lastBarTime != null ? run.lastBarTime + step : now();
        return {
          fileName,
          mode: plan.mode,
          rows: plan.rows.map((row) => planRowView(row, from, runtime.config.calendar)),
          problems: [],
        };
      } catch (error) {
        if (!(error instanceof TradePlanError)) {
          if (error instanceof DataFileError) throw new ApiFailure('bad-request', error.message);
          throw error;
        }
        return {
          fileName,
          mode: mode ?? DEFAULT_EXECUTION_MODE,
          rows: [],
          problems: error.problems.map((p) => ({
            line: p.line ?? null,
            field: p.field ?? null,
            detail: p.detail,
          })),
        };
      }
    },

    /** Every row of the plans the current or last run executed, with what became of it. */
    planOutcomes(sessionId: string): PlanOutcome[] {
      record(sessionId);
      const runId = runtimes.get(sessionId)?.runId ?? repo.latestRun(sessionId)?.id;
      if (runId === undefined) return [];
      return planOutcomes(repo, runId, checkedConfig(repo.getRun(runId)!.config).calendar);
    },

    /** The current or last run beside the backtest of its own bars with its own config snapshot. */
    compare(sessionId: string): SessionComparison {
      const runId = lastRunId(sessionId);
      const run = repo.getRun(runId)!;
      const config = checkedConfig(run.config);
      equityOnly(sessionId, config, 'the paper-versus-backtest comparison');
      return compareRun(repo, runId, config, modelsFor(config).models?.resolved);
    },

    /**
     * The last run replayed through the backtester on its own bars and config, fill by fill; a running run must
     * stop first (its ledger is still growing).
     */
    replayParity(sessionId: string): ParityReport {
      const runId = lastRunId(sessionId);
      const runtime = runtimes.get(sessionId);
      if (
        runtime !== undefined &&
        runtime.runId === runId &&
        runtime.status !== 'stopped' &&
        runtime.status !== 'failed'
      ) {
        throw new ApiFailure('conflict', `session ${sessionId} is ${runtime.status}; stop it to replay it`);
      }
      const run = repo.getRun(runId)!;
      const config = checkedConfig(run.config);
      equityOnly(sessionId, config, 'the replay through the backtester');
      return replayParity(repo, sessionId, runId, config, modelsFor(config).models?.resolved);
    },

    /**
     * An Alpaca run with a simulator twin beside it: both equity curves and per-fill attribution. The live twin
     * while the run is in memory; otherwise the twin rebuilt from the bars the run's ledger stored.
     */
    shadow(sessionId: string): ShadowView {
      const runId = lastRunId(sessionId);
      const config = checkedConfig(repo.getRun(runId)!.config);
      if (!config.shadow) {
        throw new ApiFailure(
          'conflict',
          `session ${sessionId}'s last run has no simulator twin; turn on "Simulator twin" in its Alpaca settings and start a new run`,
        );
      }
      const runtime = runtimes.get(sessionId);
      const live = runtime?.runId === runId && runtime instanceof SessionRuntime ? runtime.twin : undefined;
      return shadowView(repo, { sessionId, runId }, config, live);
    },

    /** The current or last run's records as a file the user keeps. */
    export(sessionId: string, what: ExportKind): ExportFile {
      return exportRun(repo, lastRunId(sessionId), what);
    },

    /** The session's events (every run's), newest first, a page at a time. */
    events(query: SessionEventQuery): LogPage {
      record(query.sessionId);
      return repo.events(query);
    },

    /** Every event matching the viewer's filters, as a file the user keeps. */
    exportEvents(query: Omit<SessionEventQuery, 'limit' | 'before'>, format: LogExportFormat): ExportFile {
      const session = record(query.sessionId);
      const { events } = repo.events({ ...query, limit: Number.POSITIVE_INFINITY });
      const startedAt = repo.latestRun(session.id)?.startedAt ?? session.createdAt;
      return {
        fileName: `${exportBaseName(session.name, startedAt)}-events.${format}`,
        mimeType: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
        content: logEventsFile(events, format),
      };
    },

    /** P&L by day, week, month and year of the current or last run (nothing before the first run). */
    periods(sessionId: string): PnlByPeriod {
      record(sessionId);
      const runId = runtimes.get(sessionId)?.runId ?? repo.latestRun(sessionId)?.id;
      if (runId === undefined) return NO_PERIODS;
      const config = checkedConfig(repo.getRun(runId)!.config);
      return runPnlByPeriod(
        config,
        config.timeframe,
        repo.equityCurve(runId, Number.POSITIVE_INFINITY),
        repo.trades(runId),
      );
    },

    summary(sessionId: string): DailySummary[] {
      const runId = lastRunId(sessionId);
      const all = Number.POSITIVE_INFINITY;
      return dailySummaries(
        repo.dailyPnl(runId),
        repo.trades(runId),
        repo.equityCurve(runId, all),
        repo.riskEvents(runId, all),
      );
    },

    /** An options session's config, for its validate-only launch; another session is refused by name. */
    optionsConfig(sessionId: string): SessionConfig {
      const config = checkedConfig(record(sessionId).config);
      if (config.options === undefined) {
        throw new ApiFailure(
          'conflict',
          `session ${sessionId} is not an options session; validate an Alpaca session's account with Validate on its page`,
        );
      }
      return config;
    },

    /** The options runs' views: an options run registers its monitor and positions here. */
    optionRuns,

    /** An options run's monitor: its figures against the preset's target, with bands. */
    optionsMonitor(runId: string): OptionsMonitor {
      return (
        optionRuns.get(runId) ??
        storedOptionView(runId) ??
        optionRuns.view(runId, describeRun)
      ).monitor();
    },

    /** An options run's open option positions, as the page's table shows them. */
    optionPositions(runId: string): readonly OptionPositionRow[] {
      return (
        optionRuns.get(runId) ??
        storedOptionView(runId) ??
        optionRuns.view(runId, describeRun)
      ).positions();
    },

    ackAlert(alertId: number): boolean {
      return repo.ackAlert(alertId);
    },

    /** Rebuilds every run the ledger left running or paused; a run that cannot be rebuilt is marked failed. */
    recover(): number {
      let recovered = 0;
      for (const run of repo.runsToRecover()) {
        try {
          const config = parseSessionConfig(run.config);
          if (config.options !== undefined) {
            recoverOptions(run, config);
            recovered++;
            continue;
          }
          if (config.venueKind === 'alpaca-paper') {
            recoverOnAlpaca(run, config);
            recovered++;
            continue;
          }
          if (config.feed.kind === 'replay') {
            recoverReplay(run, config);
            recovered++;
            continue;
          }
          const runtime = SessionRuntime.recover(run, config, {
            ...runtimeDeps,
            onChange: forget,
            ...modelsFor(config),
          });
          runtimes.set(run.sessionId, runtime);
          recovered++;
          log.info('session run recovered', {
            runId: run.id,
            status: runtime.status,
            differences: runtime.reconciliation.length,
          });
        } catch (error) {
          failRecovery(run.id, error);
        }
      }
      return recovered;
    },

    /** Resolves once the Alpaca runs found at start-up are reattached (or have failed to). */
    async recovered(): Promise<void> {
      await Promise.all(pendingRecoveries);
    },

    /** The running runtime of a session (tests, the service's own users). */
    runtime(sessionId: string): LiveRun | undefined {
      return runtimes.get(sessionId);
    },

    /** Shutdown: stop the clocks; runs keep their status so the next start resumes them. */
    close(): void {
      closed = true;
      for (const runtime of runtimes.values()) runtime.suspend();
      runtimes.clear();
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
