// The one market builder: a run config and its bar series → the engine's markets, each symbol with the strategy the
// config chose for it (its own, else the run's), validated parameters and warm-up. Backtests and sessions both use it.
import { type FieldProblem, problemsOf } from '../../shared/api/field-errors';
import type { BarSeries } from '../../shared/domain/bars';
import type { EngineMarket } from '../engine/engine';
import type { StrategyDefinition, StrategyRun } from '../engine/strategy';
import { ConfigError, configErrorOf } from './config-error';
import { getStrategy } from './index';
import type { BacktestConfig } from './run-config';

/** Resolves and validates each symbol's strategy; errors name the config field. */
export function strategyFor(
  config: BacktestConfig,
  symbol: string,
): { definition: StrategyDefinition; params: unknown } {
  const override = config.strategies[symbol];
  const choice = override ?? config.strategy;
  const field = override === undefined ? 'strategy' : `strategies.${symbol}`;
  let definition: StrategyDefinition;
  try {
    definition = getStrategy(choice.id);
  } catch (error) {
    throw new ConfigError(`${field}.id`, error instanceof Error ? error.message : String(error));
  }
  const params = definition.params.safeParse(choice.params);
  if (!params.success) throw configErrorOf(params.error, `${field}.params`);
  return { definition, params: params.data };
}

/** Every problem with a strategy's parameters, as the form checks them while the user types; empty when they do. */
export function strategyParamProblems(id: string, params: unknown): FieldProblem[] {
  let definition: StrategyDefinition;
  try {
    definition = getStrategy(id);
  } catch (error) {
    return [{ path: 'strategy.id', message: error instanceof Error ? error.message : String(error) }];
  }
  const parsed = definition.params.safeParse(params);
  return parsed.success ? [] : problemsOf(parsed.error, 'strategy.params');
}

/** Resolves every symbol's strategy and parameters now, so a bad one is refused before any work starts. */
export function checkStrategies(config: BacktestConfig, symbols: readonly string[]): void {
  for (const symbol of symbols) strategyFor(config, symbol);
}

export interface BuiltMarkets {
  readonly markets: EngineMarket[];
  /** Each symbol's strategy id and validated parameters, as the run used them. */
  readonly strategies: Record<string, { id: string; params: unknown }>;
}

/**
 * One engine market per series; a bad strategy or parameter is a ConfigError naming its field. `run`: the models
 * the service layer resolved for the config and where the strategies' predictions and notices go.
 */
export function buildMarkets(
  config: BacktestConfig,
  data: readonly BarSeries[],
  run?: StrategyRun,
): BuiltMarkets {
  const strategies: Record<string, { id: string; params: unknown }> = {};
  const markets = data.map((series) => {
    const { definition, params } = strategyFor(config, series.symbol);
    strategies[series.symbol] = { id: definition.id, params };
    return {
      series,
      strategy: definition.create(params as never, series.symbol, { ...run, timeframe: series.timeframe }),
      warmup: definition.warmup(params as never),
    };
  });
  return { markets, strategies };
}
