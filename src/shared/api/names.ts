// The names alone, free of zod, so the sandboxed preload can build `window.marketboss` without bundling schemas.
// contract.ts checks at compile time that its tables have exactly these keys.

export const CALL_NAMES = [
  'app:info',
  'settings:get',
  'settings:set',
  'strategy:list',
  'strategy:check',
  'backtest:options',
  'backtest:run',
  'backtest:cancel',
  'backtest:list',
  'backtest:get',
  'backtest:bars',
  'backtest:delete',
  'backtest:compare',
  'session:create',
  'session:update',
  'session:list',
  'session:get',
  'session:prepare',
  'session:start',
  'session:pause',
  'session:resume',
  'session:stop',
  'session:flatten',
  'session:reset-halt',
  'session:cancel-order',
  'session:bars',
  'session:export',
  'session:summary',
  'session:import-plan',
  'session:compare',
  'alert:ack',
  'credentials:save',
  'credentials:status',
  'credentials:test',
  'credentials:delete',
  'alpaca:validate',
  'research:run',
  'research:cancel',
  'research:list',
  'research:get',
  'research:delete',
  'backtest:periods',
  'session:periods',
  'session:replay-parity',
  'session:shadow',
  'session:events',
  'session:events-export',
  'app:log',
  'app:log-export',
  'session:preview-plan',
  'session:plan-outcomes',
] as const;
export type CallName = (typeof CALL_NAMES)[number];

export const PUSH_TOPICS = [
  'heartbeat',
  'progress',
  'session-state',
  'bar',
  'order',
  'fill',
  'equity',
  'alert',
  'research-progress',
] as const;
export type PushTopic = (typeof PUSH_TOPICS)[number];

/** Prefix of every IPC channel; main refuses channels without it. */
export const IPC_CALL_CHANNEL = 'marketboss:call';
export const IPC_PUSH_CHANNEL = 'marketboss:push';
