// What holds for every built-in: registry lookup, described parameters, warm-up, and no look-ahead.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { getStrategy, STRATEGIES } from '../../../src/main/strategies';
import { modelResources } from '../../../src/main/strategies/signal-model';
import { type Candles, runStrategy, summary } from './harness';
import { returnStump, signalModel } from './ml-models';
import { randomBars } from './random-bars';

/** Each built-in with defaults, plus the short-side variants, so both code paths are exercised. */
const CONFIGURATIONS: readonly [string, Record<string, unknown>][] = [
  ...STRATEGIES.filter((s) => s.id !== 'ml-signal').map((s): [string, Record<string, unknown>] => [s.id, {}]),
  ['sma-crossover', { allowShort: true }],
  ['rsi', { allowShort: true }],
  ['macd', { allowShort: true }],
  ['mean-reversion', { allowShort: true }],
  ['atr-breakout', { allowShort: true }],
  ['ensemble', { allowShort: true, quorum: 1 }],
  ['regime-filter', { strategy: { id: 'mean-reversion', params: { allowShort: true } }, regime: 'ranging' }],
  ['ml-signal', { modelId: 'md-stump', allowShort: true, warmupBars: 20 }],
];

/** ml-signal needs a model (the others ignore the run): a stump on the last return, as the service would hand it. */
const RUN = { resource: modelResources([signalModel('md-stump', returnStump())]) };

const run = (id: string, params: unknown, candles: Candles) =>
  runStrategy(getStrategy(id), params, candles, 'TEST', RUN);

function candlesOf(length: number, seed: number): Candles {
  const bars = randomBars(length, seed, 0.02);
  return {
    open: Array.from(bars.open),
    high: Array.from(bars.high),
    low: Array.from(bars.low),
    close: Array.from(bars.close),
  };
}

describe('the strategy registry', () => {
  it('holds the eight built-ins under unique ids', () => {
    expect(STRATEGIES.map((s) => s.id)).toEqual([
      'sma-crossover',
      'rsi',
      'macd',
      'mean-reversion',
      'atr-breakout',
      'ensemble',
      'regime-filter',
      'ml-signal',
    ]);
    expect(getStrategy('macd').id).toBe('macd');
  });

  it('an unknown id is an error naming it and the known ids', () => {
    expect(() => getStrategy('sma-cross')).toThrow(
      "unknown strategy 'sma-cross'; known strategies: sma-crossover, rsi, macd, mean-reversion, atr-breakout, ensemble, regime-filter, ml-signal",
    );
  });

  it.each(STRATEGIES.map((s) => [s.id, s] as const))(
    '%s: every parameter has a default and a description',
    (_, s) => {
      const shape = s.params.shape as Record<string, z.ZodType>;
      for (const [key, field] of Object.entries(shape)) {
        expect(field.description, `${s.id}.${key}`).toBeTruthy();
      }
      expect(() => s.params.parse({})).not.toThrow();
      // ml-signal draws its predictions, not an indicator.
      if (s.id !== 'ml-signal') expect(s.indicators(s.params.parse({})).length).toBeGreaterThan(0);
    },
  );
});

describe('every built-in on 2,000 random bars', () => {
  const candles = candlesOf(2000, 2024);

  it.each(CONFIGURATIONS)('%s %j: trades, but never before its warm-up', (id, params) => {
    const result = run(id, params, candles);
    expect(result.intents.length).toBeGreaterThan(0);
    expect(result.intents[0]!.bar).toBeGreaterThanOrEqual(result.warmup);
  });

  it.each(CONFIGURATIONS)('%s %j: closes never come without a position to close', (id, params) => {
    const result = run(id, params, candles);
    for (const it of result.intents) {
      const before = it.bar === 0 ? 0 : result.positions[it.bar - 1]!;
      if (it.purpose === 'close') expect(before, `bar ${it.bar}`).not.toBe(0);
    }
  });
});

describe('no look-ahead', () => {
  it.each(CONFIGURATIONS)('%s %j: the decisions up to bar i do not depend on bars after i', (id, params) => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), fc.integer({ min: 0, max: 199 }), (seedA, seedB, cut) => {
        const original = candlesOf(200, seedA);
        const other = candlesOf(200, seedB);
        // Same bars up to `cut`, a different future after it.
        const splice = (field: 'open' | 'high' | 'low' | 'close') => [
          ...original[field]!.slice(0, cut + 1),
          ...other[field]!.slice(cut + 1),
        ];
        const altered = {
          open: splice('open'),
          high: splice('high'),
          low: splice('low'),
          close: splice('close'),
        };
        const upToCut = (candles: Candles) =>
          summary(run(id, params, candles)).filter((line) => Number.parseInt(line, 10) <= cut);
        expect(upToCut(altered)).toEqual(upToCut(original));
      }),
      { numRuns: 40 },
    );
  });
});
