// ATR breakout: follow a close that jumps more than k ATRs from the previous close, with a k-ATR stop.
import { z } from 'zod';
import { AverageTrueRange } from '../engine/indicators';
import type { OrderIntent, Strategy, StrategyContext, StrategyDefinition } from '../engine/strategy';
import { intent } from './signals';

const params = z.object({
  period: z.number().int().min(1).max(500).default(14).describe("ATR length, in bars (Wilder's smoothing)"),
  multiplier: z.number().min(0.1).max(20).default(2).describe('Breakout distance and stop distance, in ATRs'),
  allowShort: z
    .boolean()
    .default(false)
    .describe('Also sell short on a downside breakout, with the stop above'),
});

class AtrBreakout implements Strategy {
  private readonly atr: AverageTrueRange;
  private readonly coverShort: OrderIntent;
  private readonly sellLong: readonly OrderIntent[];
  private previousClose = Number.NaN;
  private previousAtr = Number.NaN;

  constructor(
    private readonly p: z.output<typeof params>,
    private readonly symbol: string,
  ) {
    this.atr = new AverageTrueRange(p.period);
    this.coverShort = intent(symbol, 'buy', 'close', 'upside ATR breakout');
    this.sellLong = Object.freeze([intent(symbol, 'sell', 'close', 'downside ATR breakout')]);
  }

  onBar(ctx: StrategyContext): readonly OrderIntent[] | undefined {
    const close = ctx.bar.close;
    const k = this.p.multiplier;
    const reference = this.previousClose;
    const reach = k * this.previousAtr;
    this.previousClose = close;
    this.atr.update(ctx.bar);
    this.previousAtr = this.atr.value;
    const position = ctx.position;
    // NaN before the first ATR makes both comparisons false. Entries carry a stop computed from this bar, so
    // they are built only on the rare breakout bars.
    if (close > reference + reach) {
      if (position > 0) return undefined;
      const entry: OrderIntent = {
        symbol: this.symbol,
        side: 'buy',
        purpose: 'open',
        stopLoss: close - reach,
        reason: `close broke ${k} ATR above the previous close`,
      };
      return position < 0 ? [this.coverShort, entry] : [entry];
    }
    if (close < reference - reach) {
      if (position < 0) return undefined;
      if (!this.p.allowShort) return position > 0 ? this.sellLong : undefined;
      const entry: OrderIntent = {
        symbol: this.symbol,
        side: 'sell',
        purpose: 'open',
        stopLoss: close + reach,
        reason: `close broke ${k} ATR below the previous close`,
      };
      return position > 0 ? [this.sellLong[0]!, entry] : [entry];
    }
    return undefined;
  }
}

/**
 * Rule, at bar i's close from bar `period` on, with A = ATR(period) as of bar i − 1 (so the threshold is set
 * before bar i trades) and k = multiplier:
 * upside breakout close_i > close_{i−1} + k·A: cover a short, then buy to open unless long, with
 * stopLoss = close_i − k·A; downside breakout close_i < close_{i−1} − k·A: sell a long, then with allowShort sell
 * to open unless short, with stopLoss = close_i + k·A. The close stands in for the unknown entry fill.
 */
export const atrBreakout: StrategyDefinition<typeof params> = {
  id: 'atr-breakout',
  name: 'ATR breakout',
  description:
    'Buys when the close jumps more than k average true ranges above the previous close, with a stop k ATRs below; leaves on the mirror-image downside breakout.',
  params,
  // ATR is ready at index period − 1, so the first bar with a previous-bar ATR is index `period`.
  warmup: (p) => p.period,
  indicators: (p) => [{ kind: 'atr', period: p.period, params: { multiplier: p.multiplier }, pane: 'lower' }],
  create: (p, symbol) => new AtrBreakout(p, symbol),
};
