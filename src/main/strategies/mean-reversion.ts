// Mean reversion: buy a close stretched below its Bollinger band, sell when it is back at the mean.
import { z } from 'zod';
import { RollingDeviation } from '../engine/indicators';
import type { OrderIntent, Strategy, StrategyContext, StrategyDefinition } from '../engine/strategy';
import { intent } from './signals';

const params = z.object({
  period: z
    .number()
    .int()
    .min(2)
    .max(1000)
    .default(20)
    .describe('Bars in the rolling mean and standard deviation'),
  bandWidth: z
    .number()
    .min(0.1)
    .max(10)
    .default(1.5)
    .describe('Band distance from the mean, in standard deviations'),
  allowShort: z
    .boolean()
    .default(false)
    .describe('Also sell short above the upper band, covering back at the mean'),
});

class MeanReversion implements Strategy {
  private readonly bands: RollingDeviation;
  private readonly buyBelowBand: readonly OrderIntent[];
  private readonly sellAtMean: readonly OrderIntent[];
  private readonly sellAboveBand: readonly OrderIntent[];
  private readonly coverAtMean: readonly OrderIntent[];

  constructor(
    private readonly p: z.output<typeof params>,
    symbol: string,
  ) {
    this.bands = new RollingDeviation(p.period);
    this.buyBelowBand = Object.freeze([
      intent(symbol, 'buy', 'open', `close below the lower band (${p.bandWidth} σ)`),
    ]);
    this.sellAtMean = Object.freeze([intent(symbol, 'sell', 'close', 'close back at the mean')]);
    this.sellAboveBand = Object.freeze([
      intent(symbol, 'sell', 'open', `close above the upper band (${p.bandWidth} σ)`),
    ]);
    this.coverAtMean = Object.freeze([intent(symbol, 'buy', 'close', 'close back at the mean')]);
  }

  onBar(ctx: StrategyContext): readonly OrderIntent[] | undefined {
    const close = ctx.bar.close;
    const bands = this.bands;
    bands.update(close);
    if (!bands.isReady) return undefined;
    const mean = bands.mean;
    const reach = this.p.bandWidth * bands.deviation;
    const position = ctx.position;
    if (position > 0) return close >= mean ? this.sellAtMean : undefined;
    if (position < 0) return close <= mean ? this.coverAtMean : undefined;
    if (close < mean - reach) return this.buyBelowBand;
    if (this.p.allowShort && close > mean + reach) return this.sellAboveBand;
    return undefined;
  }
}

/**
 * Rule, at each bar's close from the first bar with a full window; mean and σ (population) are of the last
 * `period` closes including this one, bands at mean ± bandWidth × σ:
 * flat and close < lower band: buy to open; long and close ≥ mean: sell to close.
 * With allowShort: flat and close > upper band: sell to open; short and close ≤ mean: buy to close.
 * Level-based, not crossing-based: while flat beyond a band it asks again each bar until it is filled.
 */
export const meanReversion: StrategyDefinition<typeof params> = {
  id: 'mean-reversion',
  name: 'Mean reversion (Bollinger bands)',
  description:
    'Buys when the close falls below the lower Bollinger band and sells when it returns to the rolling mean; optionally the mirror image on the short side.',
  params,
  // The window is full at index period − 1, and the rule needs nothing older.
  warmup: (p) => p.period - 1,
  indicators: (p) => [
    { kind: 'bollinger', period: p.period, params: { stdDev: p.bandWidth }, pane: 'price' },
  ],
  create: (p, symbol) => new MeanReversion(p, symbol),
};
