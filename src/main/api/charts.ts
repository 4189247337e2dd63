// The trader's own chart tools over the API: indicators on a backtest's or a session's chart, and a session's
// price lines with their crossing alerts.
import type { BacktestService } from '../research/backtest-service';
import type { SessionService } from '../sessions/session-service';
import type { HandlerTable } from './dispatcher';

type ChartCalls =
  | 'chart:indicators'
  | 'session:price-lines'
  | 'session:price-line-add'
  | 'session:price-line-update'
  | 'session:price-line-delete';

export function chartHandlers(
  backtests: BacktestService,
  sessions: SessionService,
): Pick<HandlerTable, ChartCalls> {
  return {
    'chart:indicators': ({ chart, indicators }) =>
      chart.kind === 'backtest'
        ? backtests.userIndicators(chart.runId, chart.symbol, chart.timeframe, indicators, {
            ...(chart.from !== undefined && { from: chart.from }),
            ...(chart.end !== undefined && { end: chart.end }),
          })
        : sessions.userIndicators(chart.sessionId, chart.symbol, chart.timeframe, indicators),
    'session:price-lines': ({ sessionId }) => sessions.priceLines(sessionId),
    'session:price-line-add': ({ sessionId, line }) => sessions.addPriceLine(sessionId, line),
    'session:price-line-update': ({ sessionId, lineId, change }) =>
      sessions.updatePriceLine(sessionId, lineId, change),
    'session:price-line-delete': ({ sessionId, lineId }) => sessions.deletePriceLine(sessionId, lineId),
  };
}
