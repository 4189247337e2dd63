// What the UI sees of backtests: the data they ran on, their summaries and their full results as plain arrays.
import { z } from 'zod';
import { type ChartBars, TIMEFRAMES, type Timeframe } from './bars';
import type { PerformanceMetrics } from './metrics';
import type { OptionsBacktestInfo } from './options-backtest';
import type { Side, Trade } from './trading';

const symbolSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9.\-/]{0,14}$/, 'a symbol is 1–15 capital letters, digits, ".", "-" or "/"');

/** One CSV file of bars for one symbol (the same shape the CLI's config takes). Parsed in main by feeds/csv.ts. */
export const backtestCsvFileSchema = z
  .object({
    path: z
      .string()
      .trim()
      .min(1, 'give the path of the CSV file')
      .max(4096)
      .describe('Path of the CSV file'),
    symbol: symbolSchema.describe('The symbol these bars are of'),
    timeframe: z.enum(TIMEFRAMES).optional().describe('Instead of inferring it from the steps between bars'),
    skipInvalid: z
      .boolean()
      .default(false)
      .describe('Skip (and count) bad rows instead of refusing the file'),
  })
  .strict();
export type BacktestCsvFile = z.output<typeof backtestCsvFileSchema>;

export const syntheticDataSchema = z
  .object({
    source: z.literal('synthetic'),
    symbols: z.array(symbolSchema).min(1).max(20).describe('Symbols of the synthetic market'),
    timeframe: z.enum(TIMEFRAMES).default('1D'),
    bars: z.number().int().min(50).max(2_000_000).default(756).describe('Bars per symbol'),
    seed: z.number().int().nonnegative().default(20_230_102).describe('Seed of the synthetic market'),
  })
  .strict();

const csvDataSchema = z
  .object({
    source: z.literal('csv'),
    files: z
      .array(backtestCsvFileSchema)
      .min(1)
      .max(20)
      .refine((files) => new Set(files.map((f) => f.symbol)).size === files.length, 'one file per symbol'),
  })
  .strict();

const alpacaDataSchema = z
  .object({
    source: z.literal('alpaca'),
    symbols: z.array(symbolSchema).min(1).max(20).describe('Stocks (AAPL) or crypto pairs (BTC/USD)'),
    timeframe: z.enum(TIMEFRAMES).default('1D'),
    start: z.number().int().positive().describe('Open time of the first bar, epoch ms'),
    end: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Open time of the last bar, epoch ms; default: Alpaca's latest"),
    feed: z
      .enum(['iex', 'sip'])
      .default('iex')
      .describe('Stocks: IEX (free) or SIP (all exchanges, paid plan)'),
  })
  .strict()
  .refine((data) => data.end === undefined || data.end > data.start, {
    message: 'end must be after start',
    path: ['end'],
  });

/** Where a backtest's bars come from, as a run request names it. Synthetic data is regenerated from its seed, so it
 * is never stored; CSV files are read again from their paths; Alpaca history is fetched once into the market-data
 * cache and read from there after. */
export const backtestDataSchema = z.discriminatedUnion('source', [
  syntheticDataSchema,
  csvDataSchema,
  alpacaDataSchema,
]);
export type BacktestDataInput = z.input<typeof backtestDataSchema>;
export type BacktestDataRequest = z.output<typeof backtestDataSchema>;

/** CSV data as stored with a run: each file's timeframe as it was read, and the symbols and timeframe of the whole,
 * so every run (whatever its source) says what it traded. */
export interface ResolvedCsvData {
  readonly source: 'csv';
  readonly files: readonly (BacktestCsvFile & { readonly timeframe: Timeframe })[];
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
}

/** Alpaca history as stored with a run: the span as it was answered, so the chart reads the same bars again. */
export interface ResolvedAlpacaData {
  readonly source: 'alpaca';
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  readonly feed: 'iex' | 'sip';
  readonly start: number;
  /** Open time of the last bar the run got (a later request may not reach past it). */
  readonly end: number;
}

/** A run's data as stored and shown. */
export type BacktestDataSpec = z.output<typeof syntheticDataSchema> | ResolvedCsvData | ResolvedAlpacaData;

export type BacktestStatus = 'running' | 'done' | 'failed' | 'canceled';

export interface BacktestSummary {
  readonly id: string;
  readonly name: string;
  readonly status: BacktestStatus;
  readonly createdAt: number;
  readonly finishedAt: number | null;
  readonly durationMs: number | null;
  readonly data: BacktestDataSpec;
  readonly strategyId: string;
  readonly metrics: PerformanceMetrics | null;
  readonly benchmarkMetrics: PerformanceMetrics | null;
  readonly error: string | null;
  /** The trader's own words about the run, a free note ('' when none). */
  readonly note: string;
  /** The trader's labels for finding runs again ('baseline', 'high-vol'), in the order given, no duplicates. */
  readonly tags: readonly string[];
  /** Pinned runs head the list. */
  readonly pinned: boolean;
}

/** A tag as the trader types it: trimmed, 1–32 characters, no commas (the field splits on them). */
export const runTagSchema = z
  .string()
  .trim()
  .min(1, 'a tag cannot be empty')
  .max(32, 'a tag is at most 32 characters')
  .regex(/^[^,]+$/, 'a tag cannot contain a comma');

/** What `backtest:update` may change of a run; at least one of them. */
export const runLabelsSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'a run needs a name')
      .max(120, 'a name is at most 120 characters')
      .optional(),
    note: z.string().max(2_000, 'a note is at most 2,000 characters').optional(),
    tags: z
      .array(runTagSchema)
      .max(12, 'at most 12 tags')
      .transform((tags) => [...new Set(tags)])
      .optional(),
    pinned: z.boolean().optional(),
  })
  .strict();
export type RunLabels = z.output<typeof runLabelsSchema>;

export interface BacktestFillRow {
  readonly time: number;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly price: number;
  readonly fee: number;
  readonly orderId: string;
  /** What the order was meant to fill at (see Fill.decisionPrice); absent in runs stored before it was kept. */
  readonly decisionPrice?: number;
}

/** A round trip as the UI lists it: the engine's Trade, as plain data. */
export type BacktestTradeRow = Trade;

/**
 * A run's counts as stored (research/backtest.ts BacktestStats): numbers and words, counts by reason (the venue's
 * rejections), and null for what did not happen (haltHeadline).
 */
export type BacktestStatsView = Readonly<
  Record<string, number | string | null | Readonly<Partial<Record<string, number>>>>
>;

/** Columns as plain number arrays (JSON over the WebSocket); long curves are thinned to `maxPoints`. */
export interface BacktestDetail extends BacktestSummary {
  readonly config: Readonly<Record<string, unknown>>;
  readonly engineVersion: string | null;
  readonly notes: readonly string[];
  readonly stats: BacktestStatsView | null;
  readonly equity: { readonly time: number[]; readonly equity: number[]; readonly drawdown: number[] };
  readonly benchmark: { readonly time: number[]; readonly equity: number[] };
  readonly trades: readonly BacktestTradeRow[];
  readonly fills: readonly BacktestFillRow[];
}

/**
 * A run's bars for the chart with its strategy's indicators. Columns are Float64Arrays: they cross host mode's
 * WebSocket as raw bytes (src/shared/api/wire.ts) and Electron's IPC by structured clone, never as JSON numbers.
 */
export interface BacktestBars extends ChartBars {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Index of the first bar given in the whole series (0 when these are all of them up to `end`). */
  readonly start: number;
  /** Bars in the whole series at this timeframe. */
  readonly total: number;
}

export interface BacktestProgress {
  readonly job: 'backtest';
  readonly runId: string;
  readonly status: BacktestStatus;
  readonly done: number;
  readonly total: number;
  readonly message?: string;
}

/** A strategy as the UI needs it: its parameter form comes from `paramsSchema` (JSON Schema of the zod schema). */
export interface StrategyInfo {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly paramsSchema: Readonly<Record<string, unknown>>;
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly indicators: readonly {
    readonly kind: string;
    readonly period?: number;
    readonly params?: Readonly<Record<string, number>>;
    readonly pane: 'price' | 'lower';
  }[];
}

export interface BacktestOptionsInfo {
  /** JSON Schemas of the risk and simulated-venue sections of a backtest config (forms are generated from them). */
  readonly riskSchema: Readonly<Record<string, unknown>>;
  readonly venueSchema: Readonly<Record<string, unknown>>;
  readonly syntheticSymbols: readonly string[];
  readonly defaultSeed: number;
  /** The Phase 4D options backtest's form (backtest:run-options). */
  readonly optionsBacktest?: OptionsBacktestInfo;
}

/** A setting's value as a comparison lists it: a leaf of the config, or a list of leaves (symbols). */
export type SettingValue = string | number | boolean | null | readonly SettingValue[];

/** Which part of a backtest's setup a setting belongs to, as the form groups them. */
export type SettingSection = 'data' | 'strategy' | 'risk' | 'costs' | 'general';

/** One run's value of a setting in a comparison; null where that run has no such setting (not set, default off). */
export type ComparedSetting = { readonly value: SettingValue } | null;

/** One setting that differs between the compared runs. */
export interface ConfigDifference {
  readonly section: SettingSection;
  /** Dotted path in the run's setup, e.g. `strategy.params.fast`, `risk.stopLoss`, `data.files.0.path`. */
  readonly path: string;
  /** Each run's value, in the comparison's order of runs. */
  readonly values: readonly ComparedSetting[];
}

/** How many runs one comparison holds: two to four. */
export const MIN_COMPARED_RUNS = 2;
export const MAX_COMPARED_RUNS = 4;

/** One run of a comparison: what it ran on, its figures and its equity curve (thinned like backtest:get's). */
export interface ComparedRun {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly strategyId: string;
  readonly data: BacktestDataSpec;
  readonly metrics: PerformanceMetrics;
  readonly benchmarkMetrics: PerformanceMetrics;
  readonly equity: { readonly time: number[]; readonly equity: number[]; readonly drawdown: number[] };
}

/** Two to four finished runs side by side (the first is the one the others are measured against), and every
 * setting in which their setups differ (strategy params with their defaults filled in, so "fast left at its
 * default" and "fast: 10" compare equal when the default is 10). */
export interface BacktestComparison {
  readonly runs: readonly ComparedRun[];
  readonly differences: readonly ConfigDifference[];
}
