// Running one strategy inside another: validating a nested {id, params} and giving it a virtual position.
import type { z } from 'zod';
import type { Strategy, StrategyContext, StrategyDefinition, StrategyRun } from '../engine/strategy';

/** Finds a strategy definition by id or throws naming the known ids (index.ts's getStrategy). */
export type StrategyLookup = (id: string) => StrategyDefinition;

/**
 * Adds an issue to `ctx` for an unknown id or invalid params of the nested strategy at `path`.
 * Returns the definition when both are fine.
 */
export function checkNestedStrategy(
  lookup: StrategyLookup,
  id: string,
  rawParams: unknown,
  path: readonly (string | number)[],
  ctx: z.RefinementCtx,
): StrategyDefinition | undefined {
  let definition: StrategyDefinition;
  try {
    definition = lookup(id);
  } catch (error) {
    ctx.addIssue({ code: 'custom', path: [...path, 'id'], message: (error as Error).message });
    return undefined;
  }
  const parsed = definition.params.safeParse(rawParams);
  if (parsed.success) return definition;
  for (const issue of parsed.error.issues) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'params', ...issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key))],
      message: `${id}: ${issue.message}`,
    });
  }
  return undefined;
}

/**
 * A member strategy with a position of its own: it sees the real bars and account, but the position its own
 * intents would have produced, as if each filled at once. One context object per member, reused every bar.
 */
export class VirtualMember implements StrategyContext {
  position = 0;
  avgPrice = 0;
  private account: StrategyContext | undefined;
  private readonly strategy: Strategy;
  private readonly warmup: number;

  constructor(
    definition: StrategyDefinition,
    rawParams: unknown,
    readonly symbol: string,
    run?: StrategyRun,
  ) {
    const params = definition.params.parse(rawParams);
    this.strategy = definition.create(params, symbol, run);
    this.warmup = definition.warmup(params);
  }

  get bar() {
    return this.account!.bar;
  }
  get equity() {
    return this.account!.equity;
  }
  get cash() {
    return this.account!.cash;
  }

  /** Feeds the bar to the member and moves its virtual position; returns its direction: 1, −1 or 0. */
  step(account: StrategyContext): number {
    this.account = account;
    const intents = this.strategy.onBar(this);
    // The engine ignores intents during warm-up, and so does the virtual account.
    if (intents !== undefined && account.bar.index >= this.warmup) {
      for (const it of intents) {
        const qty = it.qty ?? 1;
        if (it.purpose === 'close') {
          this.position = it.qty === undefined ? 0 : this.position - Math.sign(this.position) * qty;
        } else {
          this.position += it.side === 'buy' ? qty : -qty;
          this.avgPrice = account.bar.close;
        }
      }
    }
    return Math.sign(this.position);
  }
}
