// Paper-trading sessions over the API.
import type { SessionService } from '../sessions/session-service';
import type { HandlerTable } from './dispatcher';

type SessionCalls =
  | 'session:create'
  | 'session:update'
  | 'session:list'
  | 'session:get'
  | 'session:prepare'
  | 'session:start'
  | 'session:pause'
  | 'session:resume'
  | 'session:stop'
  | 'session:flatten'
  | 'session:reset-halt'
  | 'session:cancel-order'
  | 'session:order'
  | 'session:close-position'
  | 'session:replace-order'
  | 'session:bars'
  | 'session:export'
  | 'session:summary'
  | 'session:import-plan'
  | 'session:compare'
  | 'session:replay-parity'
  | 'session:shadow'
  | 'session:periods'
  | 'session:events'
  | 'session:events-export'
  | 'session:preview-plan'
  | 'session:plan-outcomes'
  | 'session:options-monitor'
  | 'session:option-positions'
  | 'alert:ack';

export function sessionHandlers(sessions: SessionService): Pick<HandlerTable, SessionCalls> {
  return {
    'session:create': ({ name, config }) => sessions.create(name, config),
    'session:update': ({ sessionId, name, config }) =>
      sessions.update(sessionId, {
        ...(name !== undefined && { name }),
        ...(config !== undefined && { config }),
      }),
    'session:list': () => sessions.list(),
    'session:get': ({ sessionId }) => sessions.snapshot(sessionId),
    'session:prepare': ({ sessionId }) => sessions.prepare(sessionId),
    'session:start': ({ sessionId, accept }) => sessions.start(sessionId, accept),
    'session:pause': ({ sessionId }) => sessions.pause(sessionId),
    'session:resume': ({ sessionId }) => sessions.resume(sessionId),
    'session:stop': ({ sessionId, flatten }) => sessions.stop(sessionId, flatten),
    'session:flatten': ({ sessionId }) => sessions.flatten(sessionId),
    'session:reset-halt': ({ sessionId }) => sessions.resetHalt(sessionId),
    'session:cancel-order': ({ sessionId, orderId }) => sessions.cancelOrder(sessionId, orderId),
    'session:order': ({ sessionId, order }) => sessions.placeOrder(sessionId, order),
    'session:close-position': ({ sessionId, symbol }) => sessions.closePosition(sessionId, symbol),
    'session:replace-order': ({ sessionId, orderId, change }) =>
      sessions.replaceOrder(sessionId, orderId, change),
    'session:bars': ({ sessionId, symbol, timeframe }) => sessions.chartBars(sessionId, symbol, timeframe),
    'session:export': ({ sessionId, what }) => sessions.export(sessionId, what),
    'session:summary': ({ sessionId }) => sessions.summary(sessionId),
    'session:import-plan': ({ sessionId, fileName, csv, mode }) =>
      sessions.importPlan(sessionId, fileName, csv, mode),
    'session:compare': ({ sessionId }) => sessions.compare(sessionId),
    'session:replay-parity': ({ sessionId }) => sessions.replayParity(sessionId),
    'session:shadow': ({ sessionId }) => sessions.shadow(sessionId),
    'session:periods': ({ sessionId }) => sessions.periods(sessionId),
    'session:events': (query) => sessions.events(query),
    'session:events-export': ({ format, ...filters }) => sessions.exportEvents(filters, format),
    'session:preview-plan': ({ sessionId, fileName, csv, mode }) =>
      sessions.previewPlan(sessionId, fileName, csv, mode),
    'session:plan-outcomes': ({ sessionId }) => sessions.planOutcomes(sessionId),
    'session:options-monitor': ({ runId }) => sessions.optionsMonitor(runId),
    'session:option-positions': ({ runId }) => sessions.optionPositions(runId),
    'alert:ack': ({ alertId }) => ({ acknowledged: sessions.ackAlert(alertId) }),
  };
}
