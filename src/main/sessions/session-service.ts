// Sessions: named, versioned configs; starting one creates a run (a config snapshot) driven by a SessionRuntime.
// Start-up is recovery: every run the ledger still calls running or paused is rebuilt before anything else.
import { randomBytes } from 'node:crypto';
import type {
  DailySummary,
  ExecutionMode,
  ExportFile,
  ExportKind,
  SessionComparison,
  SessionDetail,
  SessionSnapshot,
  SessionStatus,
  SessionSummary,
} from '../../shared/domain/session';
import { ApiFailure } from '../api/dispatcher';
import type { PushBus } from '../api/push-bus';
import type { Logger } from '../log/logger';
import { ConfigError } from '../research/backtest';
import type { SessionRecord, SessionRepo } from '../store/session-repo';
import { compareRun } from './paper-vs-backtest';
import { parseSessionConfig, type SessionConfig } from './session-config';
import { dailySummaries, exportRun } from './session-reports';
import { SessionRuntime } from './session-runtime';
import type { TimerFunctions } from './synthetic-live-feed';
import { parseTradePlan, TradePlanError } from './trade-plan';

export interface SessionServiceDeps {
  readonly repo: SessionRepo;
  readonly pushes: PushBus;
  readonly log: Logger;
  readonly now?: () => number;
  readonly timers?: TimerFunctions;
}

const newId = (prefix: string, now: number): string =>
  `${prefix}-${now.toString(36)}${randomBytes(2).toString('hex')}`;

/** A config error as the API reports it: the field under `config.`. */
function checkedConfig(input: unknown): SessionConfig {
  try {
    return parseSessionConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) throw new ApiFailure('bad-request', `config.${error.message}`);
    throw error;
  }
}

export function createSessionService(deps: SessionServiceDeps) {
  const { repo, pushes, log } = deps;
  const now = deps.now ?? Date.now;
  const runtimes = new Map<string, SessionRuntime>();
  const runtimeDeps = { repo, pushes, log, now, ...(deps.timers !== undefined && { timers: deps.timers }) };

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
      venue: 'simulated',
      symbols: config.symbols,
      timeframe: config.timeframe,
      strategyId: config.strategy.id,
      status,
      runId: runtime?.runId ?? run?.id ?? null,
      createdAt: session.createdAt,
      updatedAt: session.updatedAt,
      equity: runtime ? runtime.equity : (run?.equity ?? null),
      startingCash: config.cash,
    };
  };

  const detail = (session: SessionRecord): SessionDetail => ({ ...summary(session), config: session.config });

  const live = (sessionId: string): SessionRuntime => {
    record(sessionId);
    const runtime = runtimes.get(sessionId);
    if (!runtime || runtime.status === 'stopped' || runtime.status === 'failed') {
      throw new ApiFailure('conflict', `session ${sessionId} is not running; start it first`);
    }
    return runtime;
  };

  const lastRunId = (sessionId: string): string => {
    record(sessionId);
    const runId = runtimes.get(sessionId)?.runId ?? repo.latestRun(sessionId)?.id;
    if (runId === undefined) throw new ApiFailure('not-found', `session ${sessionId} has not run yet`);
    return runId;
  };

  const forget = (runtime: SessionRuntime): void => {
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

    snapshot(sessionId: string): SessionSnapshot {
      const session = record(sessionId);
      const runtime = runtimes.get(sessionId);
      const run = runtime ? repo.getRun(runtime.runId) : repo.latestRun(sessionId);
      const config = session.config as unknown as SessionConfig;
      const runId = run?.id ?? null;
      const bars: Record<string, SessionSnapshot['bars'][string]> = {};
      if (runId !== null) for (const symbol of config.symbols) bars[symbol] = repo.bars(runId, symbol, 2_000);
      return {
        session: detail(session),
        runId,
        riskState: runtime?.riskState ?? run?.riskState ?? 'ACTIVE',
        riskReason: runtime ? runtime.riskReason : (run?.riskReason ?? null),
        cash: runtime?.cash ?? run?.cash ?? config.cash,
        equity: runtime?.equity ?? run?.equity ?? config.cash,
        dayStartEquity: runtime?.currentDayStartEquity ?? run?.dayStartEquity ?? config.cash,
        positions: runtime ? runtime.positions() : runId ? repo.positions(runId) : [],
        orders: runId ? repo.orders(runId) : [],
        fills: runId ? repo.fills(runId) : [],
        alerts: runId ? repo.alerts(runId) : [],
        bars,
        equityCurve: runId ? repo.equityCurve(runId) : { time: [], equity: [] },
        reconciliation: runtime?.reconciliation ?? [],
      };
    },

    start(sessionId: string): SessionSummary {
      const session = record(sessionId);
      const running = runtimes.get(sessionId);
      if (running) throw new ApiFailure('conflict', `session ${sessionId} is already ${running.status}`);
      const config = checkedConfig(session.config);
      const runId = newId('r', now());
      const runtime = SessionRuntime.start(
        { runId, sessionId, sessionVersion: session.version, idPrefix: runId },
        config,
        { ...runtimeDeps, onChange: forget },
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

    resetHalt(sessionId: string): SessionSummary {
      const runtime = live(sessionId);
      if (runtime.riskState === 'ACTIVE')
        throw new ApiFailure('conflict', `session ${sessionId} is not halted`);
      runtime.resetHalt();
      return summary(record(sessionId));
    },

    /** Validates the whole plan against the session's symbols, then executes it from the running run's next bar. */
    importPlan(
      sessionId: string,
      fileName: string,
      csv: string,
      mode: ExecutionMode | undefined,
    ): { rows: number; mode: string } {
      const runtime = live(sessionId);
      let plan: ReturnType<typeof parseTradePlan>;
      try {
        plan = parseTradePlan(csv, fileName, {
          symbols: runtime.config.symbols,
          ...(mode !== undefined && { mode }),
        });
      } catch (error) {
        if (error instanceof TradePlanError || error instanceof RangeError)
          throw new ApiFailure('bad-request', error.message);
        throw error;
      }
      runtime.executePlan(plan);
      log.info('trade plan queued', { sessionId, rows: plan.rows.length, mode: plan.mode });
      return { rows: plan.rows.length, mode: plan.mode };
    },

    /** The current or last run beside the backtest of its own bars with its own config snapshot. */
    compare(sessionId: string): SessionComparison {
      const runId = lastRunId(sessionId);
      const run = repo.getRun(runId)!;
      return compareRun(repo, runId, checkedConfig(run.config));
    },

    /** The current or last run's records as a file the user keeps. */
    export(sessionId: string, what: ExportKind): ExportFile {
      return exportRun(repo, lastRunId(sessionId), what);
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

    ackAlert(alertId: number): boolean {
      return repo.ackAlert(alertId);
    },

    /** Rebuilds every run the ledger left running or paused; a run that cannot be rebuilt is marked failed. */
    recover(): number {
      let recovered = 0;
      for (const run of repo.runsToRecover()) {
        try {
          const config = parseSessionConfig(run.config);
          const runtime = SessionRuntime.recover(run, config, { ...runtimeDeps, onChange: forget });
          runtimes.set(run.sessionId, runtime);
          recovered++;
          log.info('session run recovered', {
            runId: run.id,
            status: runtime.status,
            differences: runtime.reconciliation.length,
          });
        } catch (error) {
          repo.setRunStatus(
            run.id,
            'failed',
            now(),
            `could not be recovered: ${error instanceof Error ? error.message : String(error)}`,
          );
          log.error('session run could not be recovered', { runId: run.id, error });
        }
      }
      return recovered;
    },

    /** Shutdown: stop the clocks; runs keep their status so the next start resumes them. */
    close(): void {
      for (const runtime of runtimes.values()) runtime.suspend();
      runtimes.clear();
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
