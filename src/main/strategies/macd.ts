// MACD: trade the MACD line crossing its signal line.
import { z } from 'zod';
import { MovingAverageConvergence } from '../engine/indicators';
import type { OrderIntent, Strategy, StrategyContext, StrategyDefinition } from '../engine/strategy';
import { ALLOW_SHORT_DESCRIPTION, CrossWatch, LongShortIntents } from './signals';

const params = z
  .object({
    fast: z.number().int().min(1).max(500).default(12).describe('Fast EMA length, in bars'),
    slow: z.number().int().min(2).max(500).default(26).describe('Slow EMA length, in bars'),
    signal: z.number().int().min(1).max(500).default(9).describe('Signal line EMA length, in bars'),
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

class MacdCrossover implements Strategy {
  private readonly macd: MovingAverageConvergence;
  private readonly histogram = new CrossWatch();
  private readonly intents: LongShortIntents;

  constructor(p: z.output<typeof params>, symbol: string) {
    this.macd = new MovingAverageConvergence(p.fast, p.slow, p.signal);
    this.intents = new LongShortIntents(
      symbol,
      p.allowShort,
      'MACD crossed above its signal line',
      'MACD crossed below its signal line',
    );
  }

  onBar(ctx: StrategyContext): readonly OrderIntent[] | undefined {
    this.macd.update(ctx.bar.close);
    this.histogram.update(this.macd.isReady ? this.macd.histogram : Number.NaN);
    if (this.histogram.crossedAbove(0)) return this.intents.bullish(ctx.position);
    if (this.histogram.crossedBelow(0)) return this.intents.bearish(ctx.position);
    return undefined;
  }
}

/**
 * Rule, at each bar's close once the signal line is ready on this bar and the previous one:
 * with h = MACD − signal (EMA(fast) − EMA(slow) of closes, signal = EMA(signal) of that; EMAs seeded with their
 * first input, as trading-signals does), h_prev ≤ 0 < h is bullish: cover a short, buy to open if not long;
 * h_prev ≥ 0 > h is bearish: sell a long, and with allowShort sell to open if not short.
 */
export const macdCrossover: StrategyDefinition<typeof params> = {
  id: 'macd',
  name: 'MACD signal-line crossover',
  description: 'Buys when the MACD line crosses above its signal line and sells when it crosses below.',
  params,
  // The signal line is ready at index slow + signal − 2; a crossing also needs the bar before.
  warmup: (p) => p.slow + p.signal - 1,
  indicators: (p) => [
    { kind: 'macd', params: { fast: p.fast, slow: p.slow, signal: p.signal }, pane: 'lower' },
  ],
  create: (p, symbol) => new MacdCrossover(p, symbol),
};
