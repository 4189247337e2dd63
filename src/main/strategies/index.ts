// The registry of built-in strategies, looked up by id from configs, the CLI and the UI.
import type { StrategyDefinition } from '../engine/strategy';
import { atrBreakout } from './atr-breakout';
import { makeEnsemble } from './ensemble';
import { macdCrossover } from './macd';
import { meanReversion } from './mean-reversion';
import { mlSignal } from './ml-signal';
import { makeRegimeFilter } from './regime-filter';
import { rsiReversal } from './rsi';
import { smaCrossover } from './sma-crossover';

export { atrBreakout, macdCrossover, meanReversion, mlSignal, rsiReversal, smaCrossover };

// The wrappers look members up lazily, so they can hold any strategy here, themselves included.
export const ensemble = makeEnsemble(getStrategy);
export const regimeFilter = makeRegimeFilter(getStrategy);

export const STRATEGIES: readonly StrategyDefinition[] = [
  smaCrossover,
  rsiReversal,
  macdCrossover,
  meanReversion,
  atrBreakout,
  ensemble,
  regimeFilter,
  mlSignal,
];

export function getStrategy(id: string): StrategyDefinition {
  const found = STRATEGIES.find((s) => s.id === id);
  if (found === undefined) {
    throw new Error(`unknown strategy '${id}'; known strategies: ${STRATEGIES.map((s) => s.id).join(', ')}`);
  }
  return found;
}
