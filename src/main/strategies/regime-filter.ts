// Regime filter: let a wrapped strategy open positions only in the market regime it was built for.
import { z } from 'zod';
import { DirectionalIndex, ReturnVolatility } from '../engine/indicators';
import type { OrderIntent, Strategy, StrategyContext, StrategyDefinition } from '../engine/strategy';
import { checkNestedStrategy, type StrategyLookup } from './member';

function hasOpen(intents: readonly OrderIntent[]): boolean {
  for (const it of intents) if (it.purpose === 'open') return true;
  return false;
}

function paramsSchema(lookup: StrategyLookup) {
  return z
    .object({
      strategy: z
        .object({
          id: z.string().min(1).describe('Wrapped strategy id, e.g. sma-crossover'),
          params: z.record(z.string(), z.unknown()).default({}).describe("The wrapped strategy's parameters"),
        })
        .default({ id: 'sma-crossover', params: {} })
        .describe('The strategy whose entries are filtered'),
      regime: z
        .enum(['trending', 'ranging'])
        .default('trending')
        .describe(
          'trending: entries need ADX ≥ threshold (trend followers); ranging: ADX ≤ threshold (mean reverters)',
        ),
      adxPeriod: z.number().int().min(2).max(200).default(14).describe('ADX length, in bars'),
      adxThreshold: z
        .number()
        .min(0)
        .max(100)
        .default(25)
        .describe('ADX level separating trending from ranging'),
      volatilityPeriod: z
        .number()
        .int()
        .min(2)
        .max(1000)
        .default(20)
        .describe('Bars of close-to-close log returns in the realised volatility'),
      minVolatility: z
        .number()
        .min(0)
        .max(100)
        .default(0)
        .describe('Lowest realised volatility allowing entries: σ of log returns per bar, in %'),
      maxVolatility: z
        .number()
        .min(0)
        .max(100)
        .default(5)
        .describe('Highest realised volatility allowing entries: σ of log returns per bar, in %'),
    })
    .superRefine((p, ctx) => {
      checkNestedStrategy(lookup, p.strategy.id, p.strategy.params, ['strategy'], ctx);
      if (p.minVolatility > p.maxVolatility) {
        ctx.addIssue({
          code: 'custom',
          path: ['minVolatility'],
          message: `minVolatility (${p.minVolatility}) must not exceed maxVolatility (${p.maxVolatility})`,
        });
      }
    });
}

type RegimeFilterParams = z.output<ReturnType<typeof paramsSchema>>;

class RegimeFilter implements Strategy {
  private readonly adx: DirectionalIndex;
  private readonly volatility: ReturnVolatility;

  constructor(
    private readonly p: RegimeFilterParams,
    private readonly inner: Strategy,
    private readonly warmup: number,
  ) {
    this.adx = new DirectionalIndex(p.adxPeriod);
    this.volatility = new ReturnVolatility(p.volatilityPeriod);
  }

  onBar(ctx: StrategyContext): readonly OrderIntent[] | undefined {
    this.adx.update(ctx.bar);
    this.volatility.update(ctx.bar);
    const answer = this.inner.onBar(ctx);
    if (ctx.bar.index < this.warmup) return undefined;
    if (answer === undefined || !hasOpen(answer)) return answer;
    if (this.regimeAllowsEntries()) return answer;
    const closes: OrderIntent[] = answer.filter((it) => it.purpose === 'close');
    return closes.length === 0 ? undefined : closes;
  }

  private regimeAllowsEntries(): boolean {
    const { p, adx } = this;
    const volatilityPercent = this.volatility.value * 100;
    const trendAllows = p.regime === 'trending' ? adx.value >= p.adxThreshold : adx.value <= p.adxThreshold;
    // NaN (not yet defined) fails every comparison, so an unready indicator blocks entries.
    return trendAllows && volatilityPercent >= p.minVolatility && volatilityPercent <= p.maxVolatility;
  }
}

/**
 * Rule, at each bar's close: the wrapped strategy runs on the real context every bar. Its close intents always
 * pass. Its open intents pass only when the regime allows: ADX(adxPeriod) ≥ adxThreshold for 'trending'
 * (≤ for 'ranging'), and realised volatility — the population σ of the last volatilityPeriod close-to-close log
 * returns, in % per bar — within [minVolatility, maxVolatility]. Nothing passes before the filter's warm-up.
 */
export function makeRegimeFilter(lookup: StrategyLookup) {
  const params = paramsSchema(lookup);
  const definition: StrategyDefinition<typeof params> = {
    id: 'regime-filter',
    name: 'Regime filter',
    description:
      'Wraps another strategy and lets it open positions only when ADX says the market is trending (or ranging) and realised volatility is within a band; exits always pass.',
    params,
    // ADX is ready at index 2·adxPeriod − 2; the volatility needs volatilityPeriod returns, so index volatilityPeriod.
    warmup: (p) => {
      const inner = lookup(p.strategy.id);
      return Math.max(
        inner.warmup(inner.params.parse(p.strategy.params)),
        2 * p.adxPeriod - 2,
        p.volatilityPeriod,
      );
    },
    indicators: (p) => {
      const inner = lookup(p.strategy.id);
      return [
        ...inner.indicators(inner.params.parse(p.strategy.params)),
        { kind: 'adx', period: p.adxPeriod, params: { threshold: p.adxThreshold }, pane: 'lower' },
      ];
    },
    create(p, symbol, run) {
      const inner = lookup(p.strategy.id);
      return new RegimeFilter(
        p,
        inner.create(inner.params.parse(p.strategy.params), symbol, run),
        definition.warmup(p),
      );
    },
  };
  return definition;
}
