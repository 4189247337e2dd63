// SMA crossover: trade when the fast simple moving average of closes crosses the slow one.
import { z } from 'zod';
import { RollingMean } from '../engine/indicators';
import type { OrderIntent, Strategy, StrategyContext, StrategyDefinition } from '../engine/strategy';
import { ALLOW_SHORT_DESCRIPTION, CrossWatch, LongShortIntents } from './signals';

const params = z
  .object({
    fast: z.number().int().min(1).max(1000).default(5).describe('Fast SMA length, in bars'),
    slow: z.number().int().min(2).max(1000).default(20).describe('Slow SMA length, in bars'),
    allowShort: z.boolean().default(false).describe(ALLOW_SHORT_DESCRIPTION),
  })
  .superRefine((p, ctx) => {
    if (p.fast >= p.slow) {
      ctx.addIssue({
        code: 'custom',
        path: ['fast'],
        message: `must be less than the slow period (${p.slow})`,
      });
    }
  });

export type SmaCrossoverParams = z.output<typeof params>;

class SmaCrossover implements Strategy {
  private readonly fastSma: RollingMean;
  private readonly slowSma: RollingMean;
  private readonly spread = new CrossWatch();
  private readonly intents: LongShortIntents;

  constructor(p: SmaCrossoverParams, symbol: string) {
    this.fastSma = new RollingMean(p.fast);
    this.slowSma = new RollingMean(p.slow);
    this.intents = new LongShortIntents(
      symbol,
      p.allowShort,
      'fast SMA crossed above slow',
      'fast SMA crossed below slow',
    );
  }

  onBar(ctx: StrategyContext): readonly OrderIntent[] | undefined {
    const close = ctx.bar.close;
    const fastSma = this.fastSma;
    const slowSma = this.slowSma;
    // push + value rather than update's result, and one call for the crossing: the engine's loop inlines this
    // method, V8's inlining budget is counted in bytecode, and a double returned from a call left out is boxed.
    fastSma.push(close);
    slowSma.push(close);
    // NaN until the slow SMA is defined, and NaN never crosses.
    const crossing = this.spread.next(fastSma.value - slowSma.value, 0);
    return crossing === 0 ? undefined : this.onCrossing(crossing, ctx);
  }

  /**
   * The few bars with a crossing. A method of its own, so V8 weighs it as the rare call it is when it spends its
   * inlining budget on the engine's loop, rather than inlining its small callees with the per-bar code.
   */
  private onCrossing(crossing: number, ctx: StrategyContext): readonly OrderIntent[] | undefined {
    return crossing > 0 ? this.intents.bullish(ctx.position) : this.intents.bearish(ctx.position);
  }
}

/**
 * Rule, at each bar's close once both SMAs are defined on this bar and the previous one:
 * let d = SMA(fast) − SMA(slow) of closes. A cross up is d_prev ≤ 0 < d, a cross down is d_prev ≥ 0 > d.
 * Cross up: cover a short (if any), then buy to open unless already long. Cross down: sell to close a long
 * (if any), then, with allowShort, sell to open unless already short.
 * The SMAs are running-sum rolling means (RollingMean: sum += x; sum −= x_old; mean = sum / period), so the
 * bare benchmark kernel can reproduce them, and the trades, exactly.
 */
export const smaCrossover: StrategyDefinition<typeof params> = {
  id: 'sma-crossover',
  name: 'SMA crossover',
  description:
    'Buys when the fast simple moving average of closes crosses above the slow one and sells when it crosses below; optionally also trades the short side.',
  params,
  // Both SMAs and the previous difference first exist at bar index `slow`, the first bar that can signal.
  warmup: (p) => p.slow,
  indicators: (p) => [
    { kind: 'sma', period: p.fast, pane: 'price' },
    { kind: 'sma', period: p.slow, pane: 'price' },
  ],
  create: (p, symbol) => new SmaCrossover(p, symbol),
};
