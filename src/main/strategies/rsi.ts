// RSI reversal: buy when Wilder's RSI recovers from oversold, sell when it falls back from overbought.
import { z } from 'zod';
import { RelativeStrength } from '../engine/indicators';
import type { OrderIntent, Strategy, StrategyContext, StrategyDefinition } from '../engine/strategy';
import { ALLOW_SHORT_DESCRIPTION, CrossWatch, LongShortIntents } from './signals';

const params = z
  .object({
    period: z.number().int().min(2).max(500).default(14).describe("RSI length, in bars (Wilder's smoothing)"),
    overbought: z
      .number()
      .min(0)
      .max(100)
      .default(70)
      .describe('Overbought level: RSI falling back below it closes a long'),
    oversold: z
      .number()
      .min(0)
      .max(100)
      .default(30)
      .describe('Oversold level: RSI rising back above it buys'),
    allowShort: z.boolean().default(false).describe(ALLOW_SHORT_DESCRIPTION),
  })
  .superRefine((p, ctx) => {
    if (p.oversold >= p.overbought) {
      ctx.addIssue({
        code: 'custom',
        path: ['oversold'],
        message: `must be below the overbought level (${p.overbought})`,
      });
    }
  });

class RsiReversal implements Strategy {
  private readonly rsi: RelativeStrength;
  private readonly watch = new CrossWatch();
  private readonly intents: LongShortIntents;

  constructor(
    private readonly p: z.output<typeof params>,
    symbol: string,
  ) {
    this.rsi = new RelativeStrength(p.period);
    this.intents = new LongShortIntents(
      symbol,
      p.allowShort,
      `RSI crossed up through oversold ${p.oversold}`,
      `RSI crossed down through overbought ${p.overbought}`,
    );
  }

  onBar(ctx: StrategyContext): readonly OrderIntent[] | undefined {
    this.watch.update(this.rsi.update(ctx.bar.close));
    if (this.watch.crossedAbove(this.p.oversold)) return this.intents.bullish(ctx.position);
    if (this.watch.crossedBelow(this.p.overbought)) return this.intents.bearish(ctx.position);
    return undefined;
  }
}

/**
 * Rule, at each bar's close once RSI is defined on this bar and the previous one:
 * RSI crossing up through oversold (prev ≤ oversold < now) is bullish: cover a short, buy to open if not long.
 * RSI crossing down through overbought (prev ≥ overbought > now) is bearish: sell a long, and with allowShort
 * sell to open if not short.
 */
export const rsiReversal: StrategyDefinition<typeof params> = {
  id: 'rsi',
  name: 'RSI reversal',
  description:
    "Buys when Wilder's RSI climbs back above the oversold level and sells when it drops back below the overbought level.",
  params,
  // RSI needs period + 1 closes (ready at index `period`); a crossing also needs the previous RSI.
  warmup: (p) => p.period + 1,
  indicators: (p) => [
    {
      kind: 'rsi',
      period: p.period,
      params: { overbought: p.overbought, oversold: p.oversold },
      pane: 'lower',
    },
  ],
  create: (p, symbol) => new RsiReversal(p, symbol),
};
