// Optimisation: a parameter search run as research cells on an executor. Each cell is the base backtest config with
// the cell's parameters laid over `strategy.params`; its metrics give the objective, the filters say whether it may
// win, and the best admissible cell's resolved parameters are what "open as backtest" uses. The same search driver
// runs one search (optimise) or one per walk-forward fold, all folds' cells in the same executor batches.
import type { z } from 'zod';
import type { BacktestDataSpec } from '../../shared/domain/backtest';
import type { PerformanceMetrics } from '../../shared/domain/metrics';
import type {
  OptimizeResult,
  optimizeRequestSchema,
  ParamSet,
  ResearchCell,
  SearchSpec,
} from '../../shared/domain/research';
import { type BacktestConfig, ConfigError, parseBacktestConfig } from '../strategies/run-config';
import type { CellJob, CellOutcome } from './cell';
import type { Dataset, ResearchExecutor } from './executor';
import { bestCellIndex, exclusionOf, objectiveValue } from './objective';
import { checkSearchParameters, discreteSize, gridPoints, randomPoints } from './search';
import { createTpe, type TpeSampler, type Trial } from './tpe';

export type OptimizeRequest = z.output<typeof optimizeRequestSchema>;

/** Trials of a random or TPE search when the request names none. */
export const DEFAULT_TRIALS = 50;
/** TPE proposes this many cells at a time, so an executor's workers all have one to run. */
export const DEFAULT_TPE_BATCH = 8;

export interface ResearchRunOptions {
  readonly signal?: AbortSignal;
  /** Cells (and fold test runs) finished, of all. */
  readonly onProgress?: (done: number, total: number) => void;
  /** TPE batch size (e.g. the executor's worker count). */
  readonly batchSize?: number;
}

/** The base config parsed (a bad field is a ConfigError naming it) and the search checked against the strategy. */
export function checkSearch(config: unknown, search: SearchSpec): BacktestConfig {
  const base = parseBacktestConfig(config);
  checkSearchParameters(base.strategy.id, search.dimensions);
  if (search.method === 'grid') {
    if (search.trials !== undefined) {
      throw new ConfigError(
        'search.trials',
        'a grid tries every combination; give trials with random or tpe',
      );
    }
    gridPoints(search.dimensions); // refuses a range without a step and a grid past MAX_GRID_CELLS
  }
  return base;
}

/** A cell's backtest config: the base with the cell's parameters laid over the strategy's own. */
export function cellConfig(base: BacktestConfig, params: ParamSet): BacktestConfig {
  return { ...base, strategy: { ...base.strategy, params: { ...base.strategy.params, ...params } } };
}

/** How many cells a search runs. */
export function searchCellCount(search: SearchSpec): number {
  if (search.method === 'grid') return gridPoints(search.dimensions).length;
  // A discrete space smaller than the trials asked is run whole, never a cell twice (random and TPE alike).
  const trials = search.trials ?? DEFAULT_TRIALS;
  return Math.min(trials, discreteSize(search.dimensions) ?? trials);
}

/** One search to run: its cells' key prefix and the window of the dataset they run on. */
export interface SearchTask {
  readonly prefix: string;
  readonly base: BacktestConfig;
  readonly search: SearchSpec;
  readonly window?: { readonly start: number; readonly end: number };
}

export interface SearchOutcome {
  readonly cells: ResearchCell[];
  readonly best: number | null;
  /** The best cell's strategy parameters with defaults filled in. */
  readonly bestParams: ParamSet | null;
  readonly notes: string[];
}

/** A cell about to run, with the searched parameters it stands for. */
type PlannedCell = CellJob & { readonly index: number; readonly params: ParamSet };

/** Where a search is: the cells it will propose next and what came back. */
class SearchState {
  readonly total: number;
  readonly cells: ResearchCell[] = [];
  readonly resolved: (Readonly<Record<string, unknown>> | null)[] = [];
  readonly refused: { params: ParamSet; reason: string }[] = [];
  private readonly history: Trial[] = [];
  private readonly fixed: ParamSet[] | null;
  private readonly tpe: TpeSampler | null;
  private proposed = 0;

  constructor(readonly task: SearchTask) {
    const { search } = task;
    this.total = searchCellCount(search);
    this.fixed =
      search.method === 'grid'
        ? gridPoints(search.dimensions)
        : search.method === 'random'
          ? randomPoints(search.dimensions, this.total, search.seed)
          : null;
    this.tpe = search.method === 'tpe' ? createTpe(search.dimensions, { seed: search.seed }) : null;
  }

  /** The next cells to run: all of a grid or random search at once, a batch at a time for TPE. */
  next(batchSize: number): PlannedCell[] {
    const left = this.total - this.proposed;
    if (left <= 0) return [];
    const points =
      this.fixed !== null
        ? this.fixed.slice(this.proposed)
        : this.tpe!.propose(this.history, Math.min(batchSize, left));
    return points.map((params) => {
      const index = this.proposed++;
      return {
        key: `${this.task.prefix}c${index}`,
        config: cellConfig(this.task.base, params),
        ...(this.task.window !== undefined && { window: this.task.window }),
        index,
        params,
      };
    });
  }

  record(job: PlannedCell, outcome: CellOutcome): void {
    const { index } = job;
    const { search } = this.task;
    if (outcome.error !== null || outcome.metrics === null) {
      this.refused.push({ params: job.params, reason: outcome.error ?? 'no figures' });
      this.history.push({ params: job.params, value: null });
      return;
    }
    const objective = objectiveValue(outcome.metrics, search.objective);
    const excluded = exclusionOf(outcome.metrics, search);
    this.cells.push({
      index,
      params: job.params,
      metrics: outcome.metrics,
      finalEquity: outcome.finalEquity ?? outcome.metrics.endEquity ?? this.task.base.cash,
      objective,
      excluded,
    });
    this.resolved.push(outcome.params);
    this.history.push({ params: job.params, value: excluded === null ? objective : null });
  }

  outcome(): SearchOutcome {
    const best = bestCellIndex(this.cells);
    const notes: string[] = [];
    if (this.refused.length > 0) {
      const shown = this.refused
        .slice(0, 3)
        .map((r) => `${paramsText(r.params)} (${r.reason})`)
        .join('; ');
      notes.push(
        `${this.refused.length} cell${this.refused.length === 1 ? ' was' : 's were'} refused by the strategy: ${shown}${this.refused.length > 3 ? '; …' : ''}`,
      );
    }
    const tooFew = this.cells.filter((c) => c.metrics.trades < this.task.search.minTrades).length;
    if (tooFew > 0) {
      notes.push(
        `${tooFew} cell${tooFew === 1 ? '' : 's'} made fewer than ${this.task.search.minTrades} trades and cannot be best`,
      );
    }
    const constrained = this.cells.filter((c) => c.excluded !== null).length - tooFew;
    if (constrained > 0) notes.push(`${constrained} cell${constrained === 1 ? '' : 's'} failed a constraint`);
    if (best === null && this.cells.length > 0) {
      notes.push(
        `no cell is admissible: none has a defined ${this.task.search.objective} and passes the filters`,
      );
    }
    return {
      cells: this.cells,
      best,
      bestParams: best === null ? null : ((this.resolved[best] ?? this.cells[best]!.params) as ParamSet),
      notes,
    };
  }
}

/** `fast=8, slow=40`. */
export function paramsText(params: ParamSet): string {
  return Object.entries(params)
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(', ');
}

/**
 * Runs several searches on one dataset, each round's cells of every search in one executor batch (so walk-forward
 * folds fill the workers together), until every search has run all its cells. `extraTotal` counts jobs the caller
 * runs after (the folds' test runs), so progress counts toward the whole run.
 */
export async function runSearches(
  tasks: readonly SearchTask[],
  dataset: Dataset,
  executor: ResearchExecutor,
  options: ResearchRunOptions & { readonly extraTotal?: number } = {},
): Promise<{ outcomes: SearchOutcome[]; done: number; total: number }> {
  const states = tasks.map((task) => new SearchState(task));
  const total = states.reduce((n, s) => n + s.total, 0) + (options.extraTotal ?? 0);
  const batchSize = options.batchSize ?? DEFAULT_TPE_BATCH;
  let done = 0;
  for (;;) {
    const batch = states.flatMap((state) => state.next(batchSize).map((job) => ({ state, job })));
    if (batch.length === 0) break;
    const before = done;
    const outcomes = await executor.run(
      dataset,
      batch.map(({ job }) => ({
        key: job.key,
        config: job.config,
        ...(job.window && { window: job.window }),
      })),
      {
        ...(options.signal !== undefined && { signal: options.signal }),
        onProgress: (p) => options.onProgress?.(before + p.done, total),
      },
    );
    batch.forEach(({ state, job }, i) => {
      state.record(job, outcomes[i]!);
    });
    done += batch.length;
  }
  return { outcomes: states.map((s) => s.outcome()), done, total };
}

export async function optimize(
  request: Pick<OptimizeRequest, 'config' | 'search'>,
  dataset: Dataset,
  executor: ResearchExecutor,
  options: ResearchRunOptions & { readonly data: BacktestDataSpec },
): Promise<OptimizeResult> {
  const base = checkSearch(request.config, request.search);
  const { outcomes } = await runSearches(
    [{ prefix: '', base, search: request.search }],
    dataset,
    executor,
    options,
  );
  const outcome = outcomes[0]!;
  return {
    kind: 'optimize',
    objective: request.search.objective,
    method: request.search.method,
    parameters: request.search.dimensions.map((d) => d.name),
    cells: outcome.cells,
    best: outcome.best,
    bestParams: outcome.bestParams,
    data: options.data,
    notes: outcome.notes,
  };
}

/** The metrics of the best cell, for a fold's in-sample figures. */
export function bestMetrics(outcome: SearchOutcome): PerformanceMetrics | null {
  return outcome.best === null ? null : outcome.cells[outcome.best]!.metrics;
}
