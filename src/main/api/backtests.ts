// Strategies and backtests over the API: each call mapped to the backtest service.
import { detailToColumns } from '../../shared/domain/trade-columns';
import type { BacktestService } from '../research/backtest-service';
import { strategyParamProblems } from '../strategies/market-builder';
import type { HandlerTable } from './dispatcher';

type BacktestCalls =
  | 'strategy:list'
  | 'strategy:check'
  | 'backtest:options'
  | 'backtest:run'
  | 'backtest:run-options'
  | 'backtest:cancel'
  | 'backtest:list'
  | 'backtest:get'
  | 'backtest:bars'
  | 'backtest:delete'
  | 'backtest:update'
  | 'backtest:tearsheet'
  | 'backtest:compare'
  | 'backtest:periods';

export function backtestHandlers(backtests: BacktestService): Pick<HandlerTable, BacktestCalls> {
  return {
    'strategy:list': () => backtests.strategies(),
    'strategy:check': ({ id, params }) => ({ problems: strategyParamProblems(id, params) }),
    'backtest:options': () => backtests.options(),
    'backtest:run': ({ name, data, config }) => backtests.run(name, data, config),
    'backtest:run-options': (request) => backtests.runOptions(request),
    'backtest:cancel': ({ runId }) => backtests.cancel(runId),
    'backtest:list': () => backtests.list(),
    // Trades and fills as columns: bytes over the WebSocket's binary frame, not tens of thousands of JSON objects.
    'backtest:get': ({ runId, maxPoints }) => detailToColumns(backtests.get(runId, maxPoints)),
    'backtest:bars': ({ runId, symbol, maxBars, end, timeframe }) =>
      backtests.bars(runId, symbol, {
        maxBars,
        ...(end !== undefined && { end }),
        ...(timeframe !== undefined && { timeframe }),
      }),
    'backtest:delete': ({ runId }) => backtests.delete(runId),
    'backtest:update': ({ runId, ...labels }) => backtests.update(runId, labels),
    'backtest:tearsheet': ({ runId }) => backtests.tearsheet(runId),
    'backtest:compare': ({ runIds, maxPoints }) => backtests.compare(runIds, maxPoints),
    'backtest:periods': ({ runId }) => backtests.periods(runId),
  };
}
