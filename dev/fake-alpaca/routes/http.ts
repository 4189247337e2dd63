// What every route of the fake shares: a request's context, a reply, the route table's rows, request bodies and
// the helpers that refuse a bad request with Alpaca's 400/422 shapes.
import { z } from 'zod';
import type { Account } from '../broker-model';

export type Api = 'trading' | 'data' | 'crypto';

export interface Reply {
  status: number;
  body?: unknown;
}

export interface Ctx {
  url: URL;
  params: string[];
  account: Account | null;
  body: unknown;
}

export interface Route {
  method: string;
  pattern: RegExp;
  api: Api;
  handle(ctx: Ctx): Reply;
}

export const OrderBodySchema = z.object({
  symbol: z.string().min(1),
  qty: z.union([z.string(), z.number()]).optional(),
  notional: z.union([z.string(), z.number()]).optional(),
  side: z.enum(['buy', 'sell']),
  type: z.enum(['market', 'limit', 'stop', 'stop_limit', 'trailing_stop']),
  time_in_force: z.string(),
  limit_price: z.union([z.string(), z.number()]).optional(),
  stop_price: z.union([z.string(), z.number()]).optional(),
  trail_price: z.union([z.string(), z.number()]).optional(),
  trail_percent: z.union([z.string(), z.number()]).optional(),
  extended_hours: z.boolean().optional(),
  client_order_id: z.string().optional(),
  order_class: z.string().optional(),
  position_intent: z.string().optional(),
  take_profit: z.object({ limit_price: z.union([z.string(), z.number()]) }).optional(),
  stop_loss: z
    .object({
      stop_price: z.union([z.string(), z.number()]),
      limit_price: z.union([z.string(), z.number()]).optional(),
    })
    .optional(),
});

export const PatchBodySchema = z.object({
  qty: z.union([z.string(), z.number()]).optional(),
  time_in_force: z.string().optional(),
  limit_price: z.union([z.string(), z.number()]).optional(),
  stop_price: z.union([z.string(), z.number()]).optional(),
  trail: z.union([z.string(), z.number()]).optional(),
  client_order_id: z.string().optional(),
});

export const AdvanceBodySchema = z.union([
  z.object({ minutes: z.number().positive().max(525_600) }),
  z.object({ to: z.string() }),
]);
export const AccountBodySchema = z.object({
  optionsLevel: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).optional(),
});
export const DisconnectBodySchema = z.object({
  stream: z.enum(['trading', 'market-data', 'all']).default('trading'),
});
export const ConfigBodySchema = z.object({
  fillParticipation: z.number().positive().max(1).optional(),
  minuteMs: z.number().int().min(0).optional(),
  rateLimitPerMinute: z.number().int().min(0).optional(),
});

export const str = (v: string | number | undefined): string | undefined =>
  v === undefined ? undefined : String(v);

export class ReplyError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export function badRequest(message: string): ReplyError {
  return new ReplyError(400, { code: 40010000, message });
}

export function zodMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue === undefined ? 'invalid request' : `${issue.path.join('.') || 'body'}: ${issue.message}`;
}

export function parseTime(text: string | null, name: string): number | undefined {
  if (text === null || text === '') return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (Number.isNaN(ms)) throw badRequest(`invalid ${name}: ${text}`);
  return ms;
}
