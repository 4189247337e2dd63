// The research lab in the app: runs optimisation, walk-forward and Monte Carlo requests on an executor, reports
// progress as `research-progress` pushes, and keeps every run and its result in SQLite like backtest runs.
// A request is checked whole first (strategy, parameters, windows against the loaded data); only then is a run
// recorded and its id returned, and the work goes on in the background.
import { randomBytes } from 'node:crypto';
import { ApiFailure, badFields, type PushPublisher } from '../../shared/api/ports';
import type { BacktestDataRequest, BacktestDataSpec } from '../../shared/domain/backtest';
import type { BarSeries } from '../../shared/domain/bars';
import {
  type MonteCarloResult,
  type MonteCarloSettings,
  type MonteCarloSource,
  type ResearchDetail,
  type ResearchKind,
  type ResearchProgress,
  type ResearchRequest,
  type ResearchResult,
  type ResearchStatus,
  type ResearchSummary,
  researchRequestSchema,
} from '../../shared/domain/research';
import type { Logger } from '../log/logger';
import type { BacktestRepo } from '../store/backtest-repo';
import type { ResearchRepo } from '../store/research-repo';
import type { SessionRepo } from '../store/session-repo';
import { checkStrategies } from '../strategies/market-builder';
import { ConfigError, configErrorOf } from '../strategies/run-config';
import { datasetId, timelineOf } from './cell';
import { type Dataset, ResearchCanceled, type ResearchExecutor } from './executor';
import { checkSearch, optimize, paramsText, searchCellCount } from './optimize';
import { checkWindows, walkForward } from './walk-forward';

export interface ResearchService {
  /** Checks the request whole (parameters known to the strategy, windows inside the data …) before any work starts. */
  run(request: ResearchRequest): Promise<{ readonly id: string }>;
  cancel(id: string): { readonly canceled: boolean };
  list(): readonly ResearchSummary[];
  get(id: string): ResearchDetail;
  delete(id: string): { readonly deleted: boolean };
  close(): Promise<void>;
}

/** A request's data with its bars: what backtest-data.ts loadBacktestData gives. */
export interface LoadedData {
  readonly spec: BacktestDataSpec;
  readonly series: readonly BarSeries[];
  readonly notes: readonly string[];
}

/** The trades a Monte Carlo resamples: each round trip's P&L in exit order, and the equity the run started with. */
export interface SourceTrades {
  readonly pnl: readonly number[];
  readonly startEquity: number;
}

export type RunMonteCarlo = (
  pnl: readonly number[] | Float64Array,
  startEquity: number,
  settings: MonteCarloSettings,
) => MonteCarloResult | Promise<MonteCarloResult>;

export interface ResearchServiceDeps {
  readonly repo: ResearchRepo;
  readonly pushes: PushPublisher;
  readonly log: Logger;
  readonly executor: ResearchExecutor;
  /** Resolves a request's data into bars; the user's mistakes are ApiFailures in their words. */
  readonly loadDataset: (data: BacktestDataRequest) => Promise<LoadedData>;
  /** A backtest's or session's trades; an unknown run is an ApiFailure('not-found'). */
  readonly backtestTrades: (source: MonteCarloSource) => SourceTrades;
  /** research/monte-carlo.ts's monteCarlo, plugged in where it is built; without it Monte Carlo is refused. */
  readonly runMonteCarlo?: RunMonteCarlo;
  readonly now?: () => number;
  /** Fewest milliseconds between two progress pushes of a run (the last one always goes). */
  readonly progressEveryMs?: number;
  /** TPE batch size; default 8 on every machine, since the proposals (and so the result) must not depend on it. */
  readonly batchSize?: number;
}

/**
 * A Monte Carlo source's trades from the stores: a finished backtest's round trips and starting cash, or a paper
 * session's latest run's round trips and the cash its config started with.
 */
export function tradesFromStore(
  backtests: BacktestRepo,
  sessions: SessionRepo,
): (source: MonteCarloSource) => SourceTrades {
  return (source) => {
    if (source.kind === 'backtest') {
      const run = backtests.get(source.runId);
      if (!run) throw new ApiFailure('not-found', `no backtest run ${source.runId}`);
      const results = backtests.results(source.runId);
      if (run.status !== 'done' || !results) {
        throw new ApiFailure(
          'conflict',
          `${run.name} is ${run.status}; only a finished backtest has trades to resample`,
        );
      }
      return { pnl: results.trades.map((t) => t.pnl), startEquity: Number(run.config['cash']) };
    }
    const session = sessions.getSession(source.sessionId);
    if (!session) throw new ApiFailure('not-found', `no session ${source.sessionId}`);
    const run = sessions.latestRun(source.sessionId);
    if (!run) throw new ApiFailure('conflict', `session ${source.sessionId} has not run yet`);
    return { pnl: sessions.trades(run.id).map((t) => t.pnl), startEquity: Number(run.config['cash']) };
  };
}

export function newResearchId(now: number): string {
  return `rs-${now.toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A config or search mistake as the form marks it: search and window fields as named, settings under config. */
function refusal(error: ConfigError): ApiFailure {
  const top = error.field.split('.')[0]!;
  const path = ['search', 'windows', 'data', 'source', 'settings'].includes(top)
    ? error.field
    : `config.${error.field}`;
  return badFields([{ path, message: error.detail }]);
}

function figure(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}

/** The result in one line, for the runs list. */
export function headlineOf(result: ResearchResult): string {
  switch (result.kind) {
    case 'optimize': {
      const count = `${result.cells.length} cell${result.cells.length === 1 ? '' : 's'}`;
      if (result.best === null) return `no admissible cell (${count})`;
      const best = result.cells[result.best]!;
      return `best ${result.objective} ${figure(best.objective!)} at ${paramsText(best.params)} (${count})`;
    }
    case 'walk-forward': {
      const folds = `${result.folds.length} fold${result.folds.length === 1 ? '' : 's'}`;
      const oos = result.oosMetrics?.totalReturn;
      const tail = oos === null || oos === undefined ? '' : `, OOS return ${(oos * 100).toFixed(1)}%`;
      return result.efficiency === null
        ? `WFE undefined over ${folds}${tail}`
        : `WFE ${result.efficiency.toFixed(2)} over ${folds}${tail}`;
    }
    case 'monte-carlo':
      return `ruin probability ${(result.ruinProbability * 100).toFixed(1)}% over ${result.settings.runs.toLocaleString('en-US')} runs of ${result.trades} trades`;
  }
}

interface ActiveRun {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

/** What a checked request runs: the work itself, given its signal and a progress callback. */
type Work = (signal: AbortSignal, progress: (done: number, total: number) => void) => Promise<ResearchResult>;

export function createResearchService(deps: ResearchServiceDeps): ResearchService {
  const { repo, pushes, log, executor } = deps;
  const now = deps.now ?? Date.now;
  const progressEveryMs = deps.progressEveryMs ?? 250;
  const active = new Map<string, ActiveRun>();

  const push = (progress: ResearchProgress): void => pushes.publish('research-progress', progress);

  const stored = (id: string): ResearchDetail => {
    const run = repo.get(id);
    if (!run) throw new ApiFailure('not-found', `no research run ${id}`);
    return run;
  };

  /** Everything checked and loaded, nothing recorded yet: the work to run and its job count. */
  async function prepare(request: ResearchRequest): Promise<{ total: number; work: Work }> {
    try {
      if (request.kind === 'monte-carlo') return prepareMonteCarlo(request);
      const base = checkSearch(request.config, request.search);
      const loaded = await deps.loadDataset(request.data);
      checkStrategies(base, loaded.spec.symbols);
      const dataset: Dataset = { id: datasetId(loaded.series), series: loaded.series };
      const common = {
        data: loaded.spec,
        ...(deps.batchSize !== undefined && { batchSize: deps.batchSize }),
      };
      const cells = searchCellCount(request.search);
      if (request.kind === 'optimize') {
        return {
          total: cells,
          work: async (signal, onProgress) => {
            const result = await optimize(request, dataset, executor, { ...common, signal, onProgress });
            return { ...result, notes: [...loaded.notes, ...result.notes] };
          },
        };
      }
      const folds = checkWindows(
        timelineOf(dataset.series),
        request.windows,
        dataset.series[0]!.timeframe,
        base.calendar,
      );
      return {
        total: folds * cells + folds,
        work: async (signal, onProgress) => {
          const result = await walkForward(request, dataset, executor, { ...common, signal, onProgress });
          return { ...result, notes: [...loaded.notes, ...result.notes] };
        },
      };
    } catch (error) {
      if (error instanceof ConfigError) throw refusal(error);
      throw error;
    }
  }

  // ---- Monte Carlo: the one place a monte-carlo request is handled. The mc area's monteCarlo (research/
  // monte-carlo.ts) arrives as deps.runMonteCarlo; the source run's trades come from deps.backtestTrades. ----
  function prepareMonteCarlo(request: Extract<ResearchRequest, { kind: 'monte-carlo' }>): {
    total: number;
    work: Work;
  } {
    const runMonteCarlo = deps.runMonteCarlo;
    if (runMonteCarlo === undefined) {
      throw new ApiFailure('unavailable', 'Monte Carlo is not available in this build');
    }
    const { pnl, startEquity } = deps.backtestTrades(request.source);
    if (pnl.length === 0) {
      const what = request.source.kind === 'backtest' ? request.source.runId : request.source.sessionId;
      throw badFields([{ path: 'source', message: `${what} has no closed trades to resample` }]);
    }
    return {
      total: 1,
      work: async (signal, onProgress) => {
        if (signal.aborted) throw new ResearchCanceled();
        const result = await runMonteCarlo(pnl, startEquity, request.settings);
        onProgress(1, 1);
        return result;
      },
    };
  }

  function start(id: string, kind: ResearchKind, total: number, work: Work): void {
    const controller = new AbortController();
    const startedAt = now();
    let lastPush = Number.NEGATIVE_INFINITY;
    const report = (status: ResearchStatus, done: number, all: number, message?: string): void =>
      push({
        id,
        kind,
        status,
        done,
        total: all,
        etaMs:
          status === 'running' && done > 0 ? Math.round(((now() - startedAt) / done) * (all - done)) : null,
        ...(message !== undefined && { message }),
      });
    const onProgress = (done: number, all: number): void => {
      const at = now();
      // At most a few pushes a second: a grid of small cells finishes thousands a second.
      if (at - lastPush < progressEveryMs && done < all) return;
      lastPush = at;
      report('running', done, all);
    };
    report('running', 0, total);
    const done = (async () => {
      try {
        const result = await work(controller.signal, onProgress);
        const headline = headlineOf(result);
        if (repo.finish(id, result, headline, now())) {
          report('done', total, total, headline);
          log.info('research run finished', { id, kind, ms: now() - startedAt, headline });
        }
      } catch (error) {
        if (error instanceof ResearchCanceled || controller.signal.aborted) return; // recorded by cancel/close
        const message = error instanceof Error ? error.message : String(error);
        repo.end(id, 'failed', message, now());
        report('failed', 0, total, message);
        log.error('research run failed', { id, kind, error });
      } finally {
        active.delete(id);
      }
    })();
    active.set(id, { controller, done });
  }

  return {
    async run(input) {
      // The API parsed it already; the parse fills defaults for callers inside main (tests, the CLI's reuse).
      const parsed = researchRequestSchema.safeParse(input);
      if (!parsed.success) throw refusal(configErrorOf(parsed.error));
      const request = parsed.data;
      const { total, work } = await prepare(request);
      const createdAt = now();
      const id = newResearchId(createdAt);
      repo.start({ id, kind: request.kind, name: request.name ?? defaultName(request), createdAt, request });
      start(id, request.kind, total, work);
      return { id };
    },

    cancel(id) {
      stored(id);
      const run = active.get(id);
      if (run === undefined) return { canceled: false };
      run.controller.abort();
      active.delete(id);
      repo.end(id, 'canceled', 'canceled by the user', now());
      push({ id, kind: stored(id).kind, status: 'canceled', done: 0, total: 0, etaMs: null });
      return { canceled: true };
    },

    list() {
      return repo.list();
    },

    get(id) {
      return stored(id);
    },

    delete(id) {
      stored(id);
      if (active.has(id))
        throw new ApiFailure('conflict', `research run ${id} is still running; cancel it first`);
      return { deleted: repo.delete(id) };
    },

    /** Shutdown: running runs are recorded as canceled, not left 'running', and their work is stopped. */
    async close() {
      const runs = [...active.entries()];
      for (const [id, run] of runs) {
        run.controller.abort();
        repo.end(id, 'canceled', 'MarketBoss was closed during the run', now());
      }
      await Promise.all(runs.map(([, run]) => run.done));
    },
  };
}

function defaultName(request: ResearchRequest): string {
  if (request.kind === 'monte-carlo') {
    const source = request.source.kind === 'backtest' ? request.source.runId : request.source.sessionId;
    return `Monte Carlo (${request.settings.method}) of ${source}`;
  }
  const strategy = (request.config['strategy'] as { id?: unknown } | undefined)?.id;
  const names = request.search.dimensions.map((d) => d.name).join(', ');
  const what = request.kind === 'optimize' ? 'optimise' : 'walk-forward';
  return `${what} ${typeof strategy === 'string' ? strategy : 'sma-crossover'} over ${names}`;
}
