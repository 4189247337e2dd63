// The research lab: optimisation, walk-forward and Monte Carlo. Requests are zod schemas (checked in main, at the
// API and by the CLI, before any work starts); results are plain JSON data, stored in SQLite and shown by the
// Research view. Every job is a pure function of (data, config, seed): the same request gives the same result,
// whichever executor (worker threads here, BullMQ workers elsewhere) ran it.
import { z } from 'zod';
import { type BacktestDataSpec, backtestDataSchema } from './backtest';
import type { PerformanceMetrics } from './metrics';

/** Figures a search can maximise. `returnOverDrawdown` is totalReturn ÷ maxDrawdown; all others are report metrics. */
export const OBJECTIVES = [
  'sharpe',
  'sortino',
  'cagr',
  'totalReturn',
  'calmar',
  'profitFactor',
  'returnOverDrawdown',
  'recoveryFactor',
  'expectancy',
  'winRate',
  'endEquity',
] as const;
export type Objective = (typeof OBJECTIVES)[number];

/** Figures a constraint can hold within bounds (a search keeps only the cells that pass every one). */
export const CONSTRAINT_METRICS = [
  ...OBJECTIVES,
  'maxDrawdown',
  'trades',
  'exposureTime',
  'annualVolatility',
] as const;
export type ConstraintMetric = (typeof CONSTRAINT_METRICS)[number];

const paramName = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,40}$/, 'a parameter name is letters, digits and _ (e.g. fast)');
export const paramValueSchema = z.union([z.number().finite(), z.string().max(80), z.boolean()]);
export type ParamValue = z.output<typeof paramValueSchema>;
export type ParamSet = Readonly<Record<string, ParamValue>>;

/** One parameter's search space: listed values (every method), or a numeric range (grid needs its step). */
export const paramDimensionSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('values'),
      name: paramName,
      values: z.array(paramValueSchema).min(1, 'give at least one value').max(10_000),
    })
    .strict(),
  z
    .object({
      kind: z.literal('range'),
      name: paramName,
      min: z.number().finite(),
      max: z.number().finite(),
      step: z.number().finite().positive().optional(),
      integer: z.boolean().default(false),
    })
    .strict()
    .refine((d) => d.max > d.min, { message: 'max must be above min', path: ['max'] }),
]);
export type ParamDimension = z.output<typeof paramDimensionSchema>;

export const SEARCH_METHODS = ['grid', 'random', 'tpe'] as const;
export type SearchMethod = (typeof SEARCH_METHODS)[number];

export const constraintSchema = z
  .object({
    metric: z.enum(CONSTRAINT_METRICS),
    op: z.enum(['>=', '<=']),
    value: z.number().finite(),
  })
  .strict();
export type Constraint = z.output<typeof constraintSchema>;

export const searchSchema = z
  .object({
    method: z.enum(SEARCH_METHODS).default('grid'),
    /** Cells to try (random, tpe); a grid tries every combination and refuses this. */
    trials: z.number().int().min(1).max(100_000).optional(),
    seed: z.number().int().nonnegative().default(1),
    dimensions: z
      .array(paramDimensionSchema)
      .min(1, 'give at least one parameter to search')
      .max(8)
      .refine((ds) => new Set(ds.map((d) => d.name)).size === ds.length, 'a parameter is listed twice'),
    objective: z.enum(OBJECTIVES).default('sharpe'),
    /** Cells with fewer round-trip trades are kept in the table but never chosen as best. */
    minTrades: z.number().int().min(0).default(0),
    constraints: z.array(constraintSchema).max(10).default([]),
  })
  .strict();
export type SearchSpec = z.output<typeof searchSchema>;
export type SearchSpecInput = z.input<typeof searchSchema>;

const nameSchema = z.string().trim().min(1).max(120).optional();
/** The backtest config every cell starts from (strategy id, risk, venue, account, cash, seed); cells set params. */
const baseConfigSchema = z.record(z.string(), z.unknown()).default({});

export const WINDOW_UNITS = ['bars', 'days', 'weeks', 'months'] as const;
export type WindowUnit = (typeof WINDOW_UNITS)[number];

export const walkForwardWindowsSchema = z
  .object({
    unit: z.enum(WINDOW_UNITS).default('bars'),
    train: z.number().int().positive(),
    test: z.number().int().positive(),
    /** Purge gap between a train window's end and its test window's start, in the same unit. */
    gap: z.number().int().min(0).default(0),
    mode: z.enum(['rolling', 'anchored']).default('rolling'),
  })
  .strict();
export type WalkForwardWindows = z.output<typeof walkForwardWindowsSchema>;

export const optimizeRequestSchema = z
  .object({
    kind: z.literal('optimize'),
    name: nameSchema,
    data: backtestDataSchema,
    config: baseConfigSchema,
    search: searchSchema,
  })
  .strict();

export const walkForwardRequestSchema = z
  .object({
    kind: z.literal('walk-forward'),
    name: nameSchema,
    data: backtestDataSchema,
    config: baseConfigSchema,
    search: searchSchema,
    windows: walkForwardWindowsSchema,
  })
  .strict();

export const MONTE_CARLO_METHODS = ['shuffle', 'bootstrap', 'block'] as const;
export type MonteCarloMethod = (typeof MONTE_CARLO_METHODS)[number];

export const monteCarloSettingsSchema = z
  .object({
    runs: z.number().int().min(100).max(100_000).default(10_000),
    method: z.enum(MONTE_CARLO_METHODS).default('shuffle'),
    /** Trades per block (block bootstrap). */
    blockSize: z.number().int().min(2).max(1_000).default(10),
    seed: z.number().int().nonnegative().default(1),
    /** Ruin: equity falling to (1 − ruinLoss) × starting equity at any point of a path. */
    ruinLoss: z.number().gt(0).max(1).default(0.5),
  })
  .strict();
export type MonteCarloSettings = z.output<typeof monteCarloSettingsSchema>;

/** Whose trades a Monte Carlo resamples. */
export const monteCarloSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('backtest'), runId: z.string().regex(/^bt-[a-z0-9-]{1,60}$/) }).strict(),
  z.object({ kind: z.literal('session'), sessionId: z.string().regex(/^s-[a-z0-9-]{1,60}$/) }).strict(),
]);
export type MonteCarloSource = z.output<typeof monteCarloSourceSchema>;

export const monteCarloRequestSchema = z
  .object({
    kind: z.literal('monte-carlo'),
    name: nameSchema,
    source: monteCarloSourceSchema,
    settings: monteCarloSettingsSchema.default({
      runs: 10_000,
      method: 'shuffle',
      blockSize: 10,
      seed: 1,
      ruinLoss: 0.5,
    }),
  })
  .strict();

export const researchRequestSchema = z.discriminatedUnion('kind', [
  optimizeRequestSchema,
  walkForwardRequestSchema,
  monteCarloRequestSchema,
]);
export type ResearchRequest = z.output<typeof researchRequestSchema>;
export type ResearchRequestInput = z.input<typeof researchRequestSchema>;
export type ResearchKind = ResearchRequest['kind'];

// ---------------------------------------------------------------------------------------------------------------
// Results

/** One evaluated parameter set. */
export interface ResearchCell {
  /** Order of evaluation (grid order for a grid, trial order for random and TPE). */
  readonly index: number;
  readonly params: ParamSet;
  readonly metrics: PerformanceMetrics;
  readonly finalEquity: number;
  /** The objective's value for this cell; null when the metric is undefined (no trades, no drawdown …). */
  readonly objective: number | null;
  /** Why the cell can never be best (too few trades, a constraint), in words; null when it can. */
  readonly excluded: string | null;
}

export interface OptimizeResult {
  readonly kind: 'optimize';
  readonly objective: Objective;
  readonly method: SearchMethod;
  readonly parameters: readonly string[];
  readonly cells: readonly ResearchCell[];
  /** Index into `cells` of the best admissible cell; null when none is admissible. */
  readonly best: number | null;
  /** The strategy's full parameters of the best cell (defaults filled in), for "open as backtest". */
  readonly bestParams: ParamSet | null;
  readonly data: BacktestDataSpec;
  readonly notes: readonly string[];
}

export interface WalkForwardFold {
  readonly fold: number;
  /** Bar-time indices, end exclusive. */
  readonly trainStart: number;
  readonly trainEnd: number;
  readonly testStart: number;
  readonly testEnd: number;
  /** Epoch ms of the first and last bar time of each window. */
  readonly trainFrom: number;
  readonly trainTo: number;
  readonly testFrom: number;
  readonly testTo: number;
  readonly params: ParamSet | null;
  readonly inSample: PerformanceMetrics | null;
  readonly outOfSample: PerformanceMetrics | null;
  /** Why the fold chose nothing (no admissible cell), in words; null when it did. */
  readonly problem: string | null;
}

export interface WalkForwardResult {
  readonly kind: 'walk-forward';
  readonly objective: Objective;
  readonly method: SearchMethod;
  readonly windows: WalkForwardWindows;
  readonly folds: readonly WalkForwardFold[];
  /** The out-of-sample runs chained: each fold starts from the equity the previous one ended with. */
  readonly oosEquity: { readonly time: number[]; readonly equity: number[] };
  readonly oosMetrics: PerformanceMetrics | null;
  /** Annualised OOS return ÷ annualised IS return (mean over folds); null when undefined. */
  readonly efficiency: number | null;
  /** E.g. 'walk-forward efficiency 0.31 is below 0.5: the in-sample results do not carry out of sample'. */
  readonly warnings: readonly string[];
  /** Each parameter's chosen value by fold, and how often the choice changed. */
  readonly stability: readonly {
    readonly name: string;
    readonly values: readonly (ParamValue | null)[];
    readonly changes: number;
  }[];
  readonly data: BacktestDataSpec;
  readonly notes: readonly string[];
}

export interface Percentiles {
  readonly p5: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
  readonly mean: number;
}

export interface MonteCarloResult {
  readonly kind: 'monte-carlo';
  readonly settings: MonteCarloSettings;
  readonly trades: number;
  readonly startEquity: number;
  /** The original order's final equity and max drawdown, for comparison with the bands. */
  readonly actual: {
    readonly finalEquity: number;
    readonly maxDrawdown: number;
    /** The actual order's equity at each of `bands.step`: the line the fan is read against. */
    readonly path: number[];
  };
  /** Equity percentiles after each of `step` trades (a sample of steps for long trade lists): the fan chart. */
  readonly bands: {
    readonly step: number[];
    readonly p5: number[];
    readonly p25: number[];
    readonly p50: number[];
    readonly p75: number[];
    readonly p95: number[];
  };
  readonly finalEquity: Percentiles;
  /** Max drawdown as a positive fraction of the running peak. */
  readonly maxDrawdown: Percentiles;
  /** Share of paths whose equity fell to (1 − ruinLoss) × start at some point. */
  readonly ruinProbability: number;
  readonly notes: readonly string[];
}

export type ResearchResult = OptimizeResult | WalkForwardResult | MonteCarloResult;

export type ResearchStatus = 'running' | 'done' | 'failed' | 'canceled';

export interface ResearchSummary {
  readonly id: string;
  readonly kind: ResearchKind;
  readonly name: string;
  readonly status: ResearchStatus;
  readonly createdAt: number;
  readonly finishedAt: number | null;
  readonly durationMs: number | null;
  /** The result in one line (best cell, efficiency, ruin probability); null until done. */
  readonly headline: string | null;
  readonly error: string | null;
}

export interface ResearchDetail extends ResearchSummary {
  readonly request: ResearchRequest;
  readonly result: ResearchResult | null;
}

export interface ResearchProgress {
  readonly id: string;
  readonly kind: ResearchKind;
  readonly status: ResearchStatus;
  /** Jobs (cells, fold runs, Monte Carlo batches) finished, of all. */
  readonly done: number;
  readonly total: number;
  /** Estimated time left from the pace so far; null before the first job ends. */
  readonly etaMs: number | null;
  readonly message?: string;
}

export const researchIdSchema = z.string().regex(/^rs-[a-z0-9-]{1,60}$/, 'not a research run id');

// ---------------------------------------------------------------------------------------------------------------
// P&L by period, for backtests and sessions alike (freqtrade's --breakdown)

export const PNL_PERIODS = ['day', 'week', 'month', 'year'] as const;
export type PnlPeriod = (typeof PNL_PERIODS)[number];

export interface PnlPeriodRow {
  /** Epoch ms of the period's first day (New York trading day for US equities; UTC day for crypto). */
  readonly start: number;
  /** '2024-03-15', '2024-W11', '2024-03', '2024'. */
  readonly label: string;
  /** Equity change over the period (mark to market), and as a fraction of the equity it began with. */
  readonly pnl: number;
  readonly returnPct: number | null;
  /** Round trips closed in the period, and how many of them won. */
  readonly trades: number;
  readonly wins: number;
}

export type PnlByPeriod = Readonly<Record<PnlPeriod, readonly PnlPeriodRow[]>>;

// ---------------------------------------------------------------------------------------------------------------
// Replay parity: a recorded paper session replayed through the backtester on its own bars and config

export const PARITY_REASONS = [
  'latency',
  'partial-fill',
  'broker-price',
  'rejection',
  'manual',
  'unexplained',
] as const;
export type ParityReason = (typeof PARITY_REASONS)[number];

export interface ParityFill {
  readonly time: number;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly price: number;
}

export interface ParityDifference {
  /** The session's fill and the replay's, when each exists. */
  readonly session: ParityFill | null;
  readonly replay: ParityFill | null;
  readonly reason: ParityReason;
  /** In words, with the figures: 'filled 1 bar later at the broker (latency)', 'price 100.12 vs 100.05 …'. */
  readonly detail: string;
}

export interface ParityReport {
  readonly sessionId: string;
  readonly venue: 'simulated' | 'alpaca-paper';
  readonly bars: number;
  readonly sessionFills: number;
  readonly replayFills: number;
  /** Fills the replay gave back exactly (time, side, quantity, price within a cent). */
  readonly matched: number;
  readonly differences: readonly ParityDifference[];
  /** 'The replay gives every fill back' or 'n of m fills differ: 3 latency, 1 broker price'. */
  readonly verdict: string;
}
