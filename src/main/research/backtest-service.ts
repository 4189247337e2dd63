import { z } from 'zod';
import { ApiFailure } from '../../shared/api/ports';
import type {
  BacktestBars,
  BacktestComparison,
  BacktestDataRequest,
  BacktestDetail,
  BacktestOptionsInfo,
  BacktestSummary,
  ComparedRun,
  RunLabels,
  StrategyInfo,
} from '../../shared/domain/backtest';
import { TIMEFRAME_MS, type Timeframe } from '../../shared/domain/bars';
import type { ChartIndicator, ChartIndicatorLines } from '../../shared/domain/chart-tools';
import type { OptionsBacktestRequest } from '../../shared/domain/options-backtest';
import type { PnlByPeriod } from '../../shared/domain/research';
import type { ExportFile } from '../../shared/domain/session';
import type { AlpacaBacktestData } from '../adapters/alpaca/backtest-data';
import { strategyIndicatorSpecs } from '../charts/indicator-lines';
import { atTimeframe, type ChartSource, chartSource, chartWindow } from '../charts/run-chart';
import { pick, thinIndices } from '../charts/thin-curve';
import { userIndicatorLines } from '../charts/user-indicators';
import { RiskConfigSchema } from '../engine/risk-gateway';
import { SimVenueConfigSchema } from '../engine/sim-venue';
import type { AnyParamsSchema, StrategyDefinition } from '../engine/strategy';
import type { ReadPriceFile } from '../feeds/price-file';
import { DEFAULT_SEED, DEFAULT_SYMBOLS } from '../feeds/synthetic';
import type { BacktestRepo } from '../store/backtest-repo';
import { STRATEGIES } from '../strategies';
import { ConfigError, configFailure, parseBacktestConfig } from '../strategies/run-config';
import { strategyLabel } from '../strategies/run-name';
import { alpacaDataInWords, refusedData, resolveBacktestData } from './backtest-data';
import { loadRunBars } from './backtest-job';
import type { BacktestJobs } from './backtest-jobs';
import { optionsBacktestInfo } from './options-backtest-info';
import { resolveOptionsRun } from './options-backtest-request';
import { NO_PERIODS, runPnlByPeriod } from './pnl-periods';
import { configDifferences } from './run-comparison';
import { runFacts, tearsheetHtml } from './tearsheet';

export interface BacktestServiceDeps {
  readonly repo: BacktestRepo;
  readonly jobs: BacktestJobs;
  /** Alpaca history for backtests; without it, Alpaca data is refused in words. */
  readonly alpacaData?: AlpacaBacktestData;
  /** Reads price CSVs off the main thread (the file worker). */
  readonly readPriceFile: ReadPriceFile;
}

/** Which part of a run's chart to read: the newest `maxBars` before `end`, at `timeframe` (default: the run's). */
export interface ChartPageRequest {
  readonly maxBars: number;
  readonly end?: number;
  readonly timeframe?: Timeframe;
}

/** JSON Schema of a zod schema as the UI's form generator reads it; {} where zod cannot express one. */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function strategyInfo(definition: StrategyDefinition<AnyParamsSchema>): StrategyInfo {
  const defaults = definition.params.parse({}) as Record<string, unknown>;
  return {
    id: definition.id,
    name: definition.name,
    description: definition.description,
    paramsSchema: jsonSchemaOf(definition.params),
    defaults,
    indicators: definition.indicators(defaults),
  };
}

const CHART_SOURCES_KEPT = 2;

export function createBacktestService(deps: BacktestServiceDeps) {
  const { repo, jobs } = deps;
  const alpacaData = alpacaDataInWords(deps.alpacaData);
  const strategies = STRATEGIES.map(strategyInfo);
  const options: BacktestOptionsInfo = {
    riskSchema: jsonSchemaOf(RiskConfigSchema),
    venueSchema: jsonSchemaOf(SimVenueConfigSchema),
    syntheticSymbols: DEFAULT_SYMBOLS,
    defaultSeed: DEFAULT_SEED,
    optionsBacktest: optionsBacktestInfo(jsonSchemaOf),
  };
  // The last charts' bars and indicators, so a timeframe switch or a second look at a run does not regenerate
  // them (a million synthetic bars take ~0.25 s). Two entries: a million-bar symbol with its lines is ~64 MB.
  const chartSources = new Map<string, ChartSource>();
  const cachedChartSource = async (
    runId: string,
    symbol: string,
    load: () => Promise<ChartSource>,
  ): Promise<ChartSource> => {
    const key = `${runId}\u0000${symbol}`;
    let entry = chartSources.get(key);
    if (entry) chartSources.delete(key);
    else entry = await load();
    chartSources.set(key, entry); // newest last
    while (chartSources.size > CHART_SOURCES_KEPT) chartSources.delete(chartSources.keys().next().value!);
    return entry;
  };
  const forgetChartSource = (runId: string): void => {
    for (const key of [...chartSources.keys()])
      if (key.startsWith(`${runId}\u0000`)) chartSources.delete(key);
  };
  const stored = (runId: string) => {
    const run = repo.get(runId);
    if (!run) throw new ApiFailure('not-found', `no backtest run ${runId}`);
    return run;
  };
  /** A run's chart of `symbol` at `timeframe` (its own when undefined): bars and the strategy's lines. */
  const shownChart = async (runId: string, symbol: string, timeframe: Timeframe | undefined) => {
    const run = stored(runId);
    if (!run.data.symbols.includes(symbol)) {
      throw new ApiFailure(
        'not-found',
        `${symbol} is not one of this run's symbols (${run.data.symbols.join(', ')})`,
      );
    }
    const source = await cachedChartSource(run.id, symbol, async () => {
      // Synthetic data is regenerated from its seed: the same bars the run saw, never stored twice; Alpaca history
      // is read from the market-data cache. Indicators run over the whole series (so the warm-up is the run's), at
      // the run's own timeframe: on a coarser chart each bar shows what the strategy saw at that bar's close.
      const data = run.data;
      const bars =
        data.source === 'alpaca'
          ? (await alpacaData({ ...data, symbols: [symbol] })).series[0]!
          : await loadRunBars(data, symbol, deps.readPriceFile).catch(refusedData);
      return chartSource(bars, strategyIndicatorSpecs(run.config, symbol));
    });
    const own = source.bars.timeframe;
    if (timeframe !== undefined && TIMEFRAME_MS[timeframe] < TIMEFRAME_MS[own]) {
      throw new ApiFailure(
        'bad-request',
        `this run has ${own} bars; it cannot be shown as ${timeframe} (finer than its data)`,
      );
    }
    return atTimeframe(source, timeframe, 'us-equities');
  };
  const compared = (runId: string, maxPoints: number): ComparedRun => {
    const run = stored(runId);
    const results = repo.results(runId);
    if (run.status !== 'done' || !results || !run.metrics || !run.benchmarkMetrics) {
      throw new ApiFailure('conflict', `${run.name} is ${run.status}; only finished runs can be compared`);
    }
    const curve = thinIndices(results.equity, results.equity.length, maxPoints);
    return {
      id: run.id,
      name: run.name,
      createdAt: run.createdAt,
      strategyId: run.strategyId,
      data: run.data,
      metrics: run.metrics,
      benchmarkMetrics: run.benchmarkMetrics,
      equity: {
        time: pick(results.equityTime, curve),
        equity: pick(results.equity, curve),
        drawdown: pick(results.drawdown, curve),
      },
    };
  };

  return {
    strategies(): readonly StrategyInfo[] {
      return strategies;
    },

    options(): BacktestOptionsInfo {
      return options;
    },

    /** Submits a run to the worker; a config mistake is named before any file is read or bar fetched. */
    async run(
      name: string | undefined,
      data: BacktestDataRequest,
      config: Record<string, unknown>,
    ): Promise<{ runId: string }> {
      try {
        parseBacktestConfig(config);
        const named = name !== undefined ? { name } : {};
        const { spec, bars } = await resolveBacktestData(data, {
          readPriceFile: deps.readPriceFile,
          alpacaData,
        });
        return { runId: jobs.submit({ ...named, data: spec, config, ...(bars !== undefined && { bars }) }) };
      } catch (error) {
        if (error instanceof ConfigError) throw configFailure(error);
        throw error;
      }
    },

    /** Submits a Phase 4D options run; its params, SPY file and VIX file are checked (by field) before it is recorded. */
    async runOptions(request: OptionsBacktestRequest): Promise<{ runId: string }> {
      return { runId: jobs.submitOptions(await resolveOptionsRun(request, deps.readPriceFile)) };
    },

    cancel(runId: string): { canceled: boolean } {
      stored(runId);
      return { canceled: jobs.cancel(runId) };
    },

    list(): readonly BacktestSummary[] {
      return repo.list();
    },

    /** A run with its equity and benchmark curves thinned to about `maxPoints`. */
    get(runId: string, maxPoints: number): BacktestDetail {
      const run = stored(runId);
      const results = repo.results(runId);
      if (!results) {
        return {
          ...run,
          equity: { time: [], equity: [], drawdown: [] },
          benchmark: { time: [], equity: [] },
          trades: [],
          fills: [],
        };
      }
      const curve = thinIndices(results.equity, results.equity.length, maxPoints);
      const bench = thinIndices(results.benchmark, results.benchmark.length, maxPoints);
      return {
        ...run,
        equity: {
          time: pick(results.equityTime, curve),
          equity: pick(results.equity, curve),
          drawdown: pick(results.drawdown, curve),
        },
        benchmark: { time: pick(results.benchmarkTime, bench), equity: pick(results.benchmark, bench) },
        trades: results.trades,
        fills: results.fills,
      };
    },

    /** A page of a run's chart: a symbol's bars with its strategy's lines, at the run's or a coarser timeframe. */
    async bars(runId: string, symbol: string, page: ChartPageRequest): Promise<BacktestBars> {
      const { timeframe, maxBars } = page;
      const shown = await shownChart(runId, symbol, timeframe);
      const total = shown.bars.length;
      if (page.end !== undefined && page.end > total) {
        throw new ApiFailure(
          'bad-request',
          `end ${page.end} is past the ${total} bars of ${symbol} at this timeframe`,
        );
      }
      const end = page.end ?? total;
      const from = Math.max(0, end - maxBars);
      return {
        symbol,
        timeframe: shown.bars.timeframe,
        start: from,
        total,
        ...chartWindow(shown, from, end),
      };
    },

    /**
     * The user's own indicators on a run's chart at `timeframe`, over bars [from, end) of it (the page the chart
     * holds; all by default), each computed from the first bar so it is warm where the page starts.
     */
    async userIndicators(
      runId: string,
      symbol: string,
      timeframe: Timeframe | undefined,
      indicators: readonly ChartIndicator[],
      window: { readonly from?: number; readonly end?: number } = {},
    ): Promise<ChartIndicatorLines> {
      const shown = await shownChart(runId, symbol, timeframe);
      const total = shown.bars.length;
      const end = Math.min(window.end ?? total, total);
      return userIndicatorLines(indicators, shown.bars, 'us-equities', Math.min(window.from ?? 0, end), end);
    },

    /** The trader's name, note, tags or pin of a run; the run as the list now shows it. */
    update(runId: string, labels: RunLabels): BacktestSummary {
      stored(runId);
      repo.relabel(runId, labels);
      return stored(runId);
    },

    /** Deletes a finished run (a running one must be canceled first). */
    delete(runId: string): { deleted: boolean } {
      stored(runId);
      if (jobs.isActive(runId))
        throw new ApiFailure('conflict', `backtest ${runId} is still running; cancel it first`);
      forgetChartSource(runId);
      return { deleted: repo.delete(runId) };
    },

    /** P&L by day, week, month and year from the run's full equity curve (not the thinned one) and trades. */
    periods(runId: string): PnlByPeriod {
      const run = stored(runId);
      const results = repo.results(runId);
      if (!results) return NO_PERIODS;
      return runPnlByPeriod(
        run.config,
        run.data.timeframe,
        { time: results.equityTime, equity: results.equity },
        results.trades,
      );
    },

    /** A finished run's tearsheet: one self-contained HTML file for the renderer to save. */
    tearsheet(runId: string): ExportFile {
      const run = stored(runId);
      const results = repo.results(runId);
      if (run.status !== 'done' || !results || !run.metrics || !run.benchmarkMetrics) {
        throw new ApiFailure('conflict', `${run.name} is ${run.status}; only a finished run has a tearsheet`);
      }
      const curve = { time: results.equityTime, equity: results.equity };
      const config = run.config as {
        strategy?: { id: string; params?: Record<string, unknown> };
        cash?: number;
      };
      const data = run.data;
      const html = tearsheetHtml({
        title: run.name,
        facts: [
          ...runFacts({
            strategy: strategyLabel(config.strategy?.id ?? run.strategyId, config.strategy?.params ?? {}),
            symbols: data.symbols,
            timeframe: data.timeframe,
            time: results.equityTime,
            cash: config.cash ?? results.equity[0] ?? 0,
            data:
              data.source === 'synthetic'
                ? `synthetic market, seed ${data.seed}`
                : data.source === 'csv'
                  ? data.files.map((f) => f.path).join(', ')
                  : `Alpaca ${data.feed.toUpperCase()} history`,
            engineVersion: run.engineVersion,
          }),
          ...(run.note !== '' ? [['Note', run.note] as [string, string]] : []),
          ...(run.tags.length > 0 ? [['Tags', run.tags.join(', ')] as [string, string]] : []),
        ],
        metrics: run.metrics,
        benchmarkMetrics: run.benchmarkMetrics,
        equity: { ...curve, drawdown: results.drawdown },
        benchmark: { time: results.benchmarkTime, equity: results.benchmark },
        trades: results.trades,
        periods: runPnlByPeriod(run.config, data.timeframe, curve, results.trades),
        notes: run.notes,
      });
      const base = run.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '');
      return { fileName: `${base || run.id}-tearsheet.html`, mimeType: 'text/html', content: html };
    },

    /** Two to four finished runs side by side: figures, thinned equity curves and the settings in which they differ. */
    compare(runIds: readonly string[], maxPoints: number): BacktestComparison {
      return {
        runs: runIds.map((runId) => compared(runId, maxPoints)),
        differences: configDifferences(runIds.map(stored)),
      };
    },
  };
}

export type BacktestService = ReturnType<typeof createBacktestService>;
