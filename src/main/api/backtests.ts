// Strategies and backtests over the API: run in a worker, stored in SQLite, read back as plain arrays.
import { z } from 'zod';
import type { BacktestOptionsInfo, StrategyInfo } from '../../shared/domain/backtest';
import { TIMEFRAME_MS } from '../../shared/domain/bars';
import { RiskConfigSchema } from '../engine/risk-gateway';
import { SimVenueConfigSchema } from '../engine/sim-venue';
import type { AnyParamsSchema, StrategyDefinition } from '../engine/strategy';
import { aggregateBars } from '../feeds/aggregate';
import { DEFAULT_SEED, DEFAULT_SYMBOLS } from '../feeds/synthetic';
import { ConfigError } from '../research/backtest';
import { loadBacktestData } from '../research/backtest-job';
import type { BacktestJobs } from '../research/backtest-jobs';
import { computeIndicators, sampleIndicators, strategyIndicatorSpecs } from '../research/indicator-lines';
import { pick, thinIndices } from '../research/thin-curve';
import type { BacktestRepo } from '../store/backtest-repo';
import { STRATEGIES } from '../strategies';
import { ApiFailure, type HandlerTable } from './dispatcher';

type BacktestCalls =
  | 'strategy:list'
  | 'backtest:options'
  | 'backtest:run'
  | 'backtest:cancel'
  | 'backtest:list'
  | 'backtest:get'
  | 'backtest:bars'
  | 'backtest:delete';

/** JSON Schema of a zod schema as the UI's form generator reads it; {} where zod cannot express one. */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export function strategyInfo(definition: StrategyDefinition<AnyParamsSchema>): StrategyInfo {
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

export function backtestHandlers(repo: BacktestRepo, jobs: BacktestJobs): Pick<HandlerTable, BacktestCalls> {
  const strategies = STRATEGIES.map(strategyInfo);
  const options: BacktestOptionsInfo = {
    riskSchema: jsonSchemaOf(RiskConfigSchema),
    venueSchema: jsonSchemaOf(SimVenueConfigSchema),
    syntheticSymbols: DEFAULT_SYMBOLS,
    defaultSeed: DEFAULT_SEED,
  };
  const stored = (runId: string) => {
    const run = repo.get(runId);
    if (!run) throw new ApiFailure('not-found', `no backtest run ${runId}`);
    return run;
  };

  return {
    'strategy:list': () => strategies,
    'backtest:options': () => options,
    'backtest:run': ({ name, data, config }) => {
      try {
        return { runId: jobs.submit({ ...(name !== undefined && { name }), data, config }) };
      } catch (error) {
        if (error instanceof ConfigError) throw new ApiFailure('bad-request', `config.${error.message}`);
        throw error;
      }
    },
    'backtest:cancel': ({ runId }) => {
      stored(runId);
      return { canceled: jobs.cancel(runId) };
    },
    'backtest:list': () => repo.list(),
    'backtest:get': ({ runId, maxPoints }) => {
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
    'backtest:bars': ({ runId, symbol, maxBars, timeframe }) => {
      const run = stored(runId);
      if (!run.data.symbols.includes(symbol)) {
        throw new ApiFailure(
          'not-found',
          `${symbol} is not one of this run's symbols (${run.data.symbols.join(', ')})`,
        );
      }
      // Synthetic data is regenerated from its seed: the same bars the run saw, never stored twice.
      const source = loadBacktestData({ ...run.data, symbols: [symbol] })[0]!;
      if (timeframe !== undefined && TIMEFRAME_MS[timeframe] < TIMEFRAME_MS[source.timeframe]) {
        throw new ApiFailure(
          'bad-request',
          `this run has ${source.timeframe} bars; it cannot be shown as ${timeframe} (finer than its data)`,
        );
      }
      // Indicators run over the whole series (so the warm-up is the run's), at the run's own timeframe: on a coarser
      // chart each bar shows what the strategy saw at that bar's close.
      const sourceIndicators = computeIndicators(strategyIndicatorSpecs(run.config, symbol), source);
      const coarse = timeframe !== undefined && timeframe !== source.timeframe;
      const series = coarse ? aggregateBars(source, timeframe, 'us-equities') : source;
      const indicators = coarse ? sampleIndicators(sourceIndicators, source, series) : sourceIndicators;
      const from = Math.max(0, series.length - maxBars);
      const slice = (column: Float64Array) => Array.from(column.subarray(from, series.length));
      const sliceNullable = (column: Float64Array) => {
        const out: (number | null)[] = new Array(series.length - from);
        for (let i = from; i < series.length; i++) {
          const v = column[i]!;
          out[i - from] = Number.isFinite(v) ? v : null;
        }
        return out;
      };
      return {
        symbol,
        timeframe: series.timeframe,
        time: slice(series.time),
        open: slice(series.open),
        high: slice(series.high),
        low: slice(series.low),
        close: slice(series.close),
        volume: slice(series.volume),
        indicators: indicators.map((set) => ({
          id: set.id,
          label: set.label,
          kind: set.kind,
          pane: set.pane,
          levels: set.levels,
          lines: set.lines.map((line) => ({
            name: line.name,
            style: line.style,
            values: sliceNullable(line.values),
          })),
        })),
      };
    },
    'backtest:delete': ({ runId }) => {
      stored(runId);
      if (jobs.isActive(runId))
        throw new ApiFailure('conflict', `backtest ${runId} is still running; cancel it first`);
      return { deleted: repo.delete(runId) };
    },
  };
}
