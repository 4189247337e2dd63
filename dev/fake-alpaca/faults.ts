// Fault injection: rules switched on at run time (POST /__fake/faults, or FakeAlpaca.faults.add from a test).
//
// HTTP rules match a request by method and path prefix (e.g. `{ method: 'POST', path: '/v2/orders' }`; the path is
// compared with the URL's pathname, so `/v2/orders` also matches `/v2/orders/{id}` and `/v2/orders:by_client_order_id`):
// - `status`: answer `status` (429, 500, 502, 503, 504, …) with Alpaca's error body, without touching any state; a
//   429 carries `Retry-After: retryAfter` (seconds, default 1) and X-RateLimit-* headers.
// - `drop`: process the request fully (an order is created, its `new` event is sent), then destroy the socket
//   without an answer: the client sees a socket hang-up.
// - `delay`: wait `delayMs` before answering; `phase: 'before'` waits before processing (so a client that gives up
//   has changed nothing), `'after'` (default) processes first (so a client that times out has placed its order).
// Trading-stream rules apply to `trade_updates` events:
// - `duplicate-events`: each matching event is sent twice (same execution_id).
// - `silent-stream`: matching events are not sent at all (the socket stays connected and authorized).
// Every rule may carry `times` (how many matches it applies to; default unlimited) and `probability` (0..1, drawn
// from the fake's seeded generator; default 1).
import { z } from 'zod';
import { type Random, seededRandom } from '../../src/shared/random';

const Common = {
  times: z.number().int().positive().optional(),
  probability: z.number().min(0).max(1).optional(),
};
const HttpMatch = {
  method: z.string().optional(),
  path: z.string().startsWith('/').optional(),
};

export const FaultRuleSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    status: z.number().int().min(400).max(599),
    retryAfter: z.number().min(0).optional(),
    message: z.string().optional(),
    ...HttpMatch,
    ...Common,
  }),
  z.object({ kind: z.literal('drop'), ...HttpMatch, ...Common }),
  z.object({
    kind: z.literal('delay'),
    delayMs: z.number().int().min(0).max(600_000),
    phase: z.enum(['before', 'after']).optional(),
    ...HttpMatch,
    ...Common,
  }),
  z.object({ kind: z.literal('duplicate-events'), ...Common }),
  z.object({ kind: z.literal('silent-stream'), ...Common }),
]);

export type FaultRule = z.infer<typeof FaultRuleSchema>;
export type HttpFault = Extract<FaultRule, { kind: 'status' | 'drop' | 'delay' }>;
export type StreamFault = Extract<FaultRule, { kind: 'duplicate-events' | 'silent-stream' }>;

export const FaultBodySchema = z.union([
  FaultRuleSchema,
  z.object({ rules: z.array(FaultRuleSchema), replace: z.boolean().optional() }),
]);

interface Entry {
  readonly id: number;
  readonly rule: FaultRule;
  remaining: number;
  hits: number;
}

export interface FaultView {
  id: number;
  rule: FaultRule;
  remaining: number | null;
  hits: number;
}

export class Faults {
  private entries: Entry[] = [];
  private nextId = 1;
  private readonly random: Random;

  constructor(seed: number) {
    this.random = seededRandom((seed ^ 0xfa017) >>> 0);
  }

  /** Adds a rule (validated); returns its id. */
  add(rule: FaultRule): number {
    const parsed = FaultRuleSchema.parse(rule);
    const id = this.nextId++;
    this.entries.push({ id, rule: parsed, remaining: parsed.times ?? Number.POSITIVE_INFINITY, hits: 0 });
    return id;
  }

  remove(id: number): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.id !== id);
    return this.entries.length !== before;
  }

  clear(): void {
    this.entries = [];
  }

  list(): FaultView[] {
    return this.entries.map((e) => ({
      id: e.id,
      rule: e.rule,
      remaining: Number.isFinite(e.remaining) ? e.remaining : null,
      hits: e.hits,
    }));
  }

  /** The first HTTP rule that fires for this request (consuming one of its `times`), if any. */
  matchHttp(method: string, pathname: string): HttpFault | undefined {
    for (const entry of this.entries) {
      const rule = entry.rule;
      if (rule.kind !== 'status' && rule.kind !== 'drop' && rule.kind !== 'delay') continue;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method) continue;
      if (rule.path !== undefined && !pathname.startsWith(rule.path)) continue;
      if (this.fire(entry)) return rule;
    }
    return undefined;
  }

  /** Whether a stream rule of `kind` fires for the next event. */
  matchStream(kind: StreamFault['kind']): boolean {
    for (const entry of this.entries) {
      if (entry.rule.kind !== kind) continue;
      if (this.fire(entry)) return true;
    }
    return false;
  }

  private fire(entry: Entry): boolean {
    if (entry.remaining <= 0) return false;
    const probability = entry.rule.probability ?? 1;
    if (probability < 1 && this.random.next() >= probability) return false;
    entry.remaining--;
    entry.hits++;
    if (entry.remaining <= 0) this.entries = this.entries.filter((e) => e !== entry);
    return true;
  }
}
