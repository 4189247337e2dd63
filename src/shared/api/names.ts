// The names alone, free of zod, so the sandboxed preload can build `window.marketboss` without bundling schemas.
// contract.ts checks at compile time that its tables have exactly these keys.

export const CALL_NAMES = [
  'app:info',
  'settings:get',
  'settings:set',
  'strategy:list',
  'backtest:options',
  'backtest:run',
  'backtest:cancel',
  'backtest:list',
  'backtest:get',
  'backtest:bars',
  'backtest:delete',
] as const;
export type CallName = (typeof CALL_NAMES)[number];

export const PUSH_TOPICS = ['heartbeat', 'progress'] as const;
export type PushTopic = (typeof PUSH_TOPICS)[number];

/** Prefix of every IPC channel; main refuses channels without it. */
export const IPC_CALL_CHANNEL = 'marketboss:call';
export const IPC_PUSH_CHANNEL = 'marketboss:push';
