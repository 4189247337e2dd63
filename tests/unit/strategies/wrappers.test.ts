// The ensemble vote and the regime filter: hand-worked member votes, and a scripted inner strategy.
import { ADX } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { OrderIntent, StrategyDefinition } from '../../../src/main/engine/strategy';
import { ensemble, getStrategy, regimeFilter } from '../../../src/main/strategies';
import { makeRegimeFilter } from '../../../src/main/strategies/regime-filter';
import { paramsProblem, runStrategy, summary } from './harness';
import { randomBars } from './random-bars';

describe('ensemble', () => {
  // Three SMA crossovers on one series, each on its own virtual position:
  // bar        0   1   2   3   4   5   6   7   8   9  10  11  12
  // close     10  10  10  11  12  13  12  11  10   9  10  11  12
  // A 2/3      .   .   .   L   L   L   L   .   .   .   .   L   L   (up at 3 and 11, down at 7; warm-up 3)
  // B 1/2      .   .   .   L   L   L   .   .   .   .   L   L   L   (d = Δclose/2: up at 3 and 10, down at 6)
  // C 3/4      .   .   .   .   .   .   .   .   .   .   .   .   L   (d: +.08 +.25 +.5 +.33 0 −.5 −.5 −.33 0 +.5)
  // The ensemble's warm-up is the longest member's, 4 (C), so the votes count from bar 4.
  const closes = [10, 10, 10, 11, 12, 13, 12, 11, 10, 9, 10, 11, 12];
  const members = (weights: [number, number, number]) => [
    { id: 'sma-crossover', params: { fast: 2, slow: 3 }, weight: weights[0] },
    { id: 'sma-crossover', params: { fast: 1, slow: 2 }, weight: weights[1] },
    { id: 'sma-crossover', params: { fast: 3, slow: 4 }, weight: weights[2] },
  ];

  it('2 of 3: long while two members are long, out when only one is', () => {
    // 4: A, B long → buy. 6: only A → sell. 10: only B. 11: A, B → buy. 12: all three → hold.
    const run = runStrategy(ensemble, { members: members([1, 1, 1]), quorum: 2 }, closes);
    expect(run.warmup).toBe(4);
    expect(summary(run)).toEqual(['4 buy open', '6 sell close', '11 buy open']);
  });

  it('3 of 3: only when every member is long', () => {
    expect(summary(runStrategy(ensemble, { members: members([1, 1, 1]), quorum: 3 }, closes))).toEqual([
      '12 buy open',
    ]);
  });

  it('weights: A with weight 2 carries a quorum of 2 alone', () => {
    // A long 3–6 (counted from 4), flat 7–10, long from 11; B's lone vote (weight 1) at 10 is not enough.
    const run = runStrategy(ensemble, { members: members([2, 1, 1]), quorum: 2 }, closes);
    expect(summary(run)).toEqual(['4 buy open', '7 sell close', '11 buy open']);
  });

  it('with allowShort: a quorum of shorts reverses the position', () => {
    // Members with shorts: A short from 7, B short from 6 (long again at 10), C short from 8 (its cross down).
    // 4: A, B long → buy. 6: A long, B short → neither side has 2 → flat. 7: A, B short → short.
    // 10: B long; A, C short → still short. 11: A, B long → reverse. 12: all long.
    const shorting = members([1, 1, 1]).map((m) => ({ ...m, params: { ...m.params, allowShort: true } }));
    const run = runStrategy(ensemble, { members: shorting, quorum: 2, allowShort: true }, closes);
    expect(summary(run)).toEqual([
      '4 buy open',
      '6 sell close',
      '7 sell open',
      '11 buy close',
      '11 buy open',
    ]);
  });

  it('defaults to SMA crossover, RSI and MACD, 2 of 3', () => {
    const params = ensemble.params.parse({});
    expect(params.members.map((m: { id: string }) => m.id)).toEqual(['sma-crossover', 'rsi', 'macd']);
    expect(params.quorum).toBe(2);
    expect(ensemble.warmup(params)).toBe(34);
  });

  it('names the member and field of a bad member, and refuses an unreachable quorum', () => {
    expect(paramsProblem(ensemble, { members: [{ id: 'nope' }] })).toMatch(
      /^members\.0\.id: unknown strategy 'nope'; known strategies: sma-crossover, rsi/,
    );
    expect(paramsProblem(ensemble, { members: [{ id: 'rsi', params: { period: 1 } }] })).toMatch(
      /^members\.0\.params\.period: rsi: /,
    );
    expect(paramsProblem(ensemble, { members: [{ id: 'rsi' }, { id: 'macd' }], quorum: 3 })).toBe(
      "quorum: quorum (3) exceeds the members' total weight (2), so they could never agree",
    );
  });
});

describe('regime filter', () => {
  // A scripted inner strategy: opens and closes on the bars it is told, so only the filter is under test.
  const scriptParams = z.object({
    opens: z.array(z.number()).default([]),
    closes: z.array(z.number()).default([]),
  });
  const script: StrategyDefinition<typeof scriptParams> = {
    id: 'script',
    name: 'script',
    description: 'test double',
    params: scriptParams,
    warmup: () => 0,
    indicators: () => [],
    create(p, symbol) {
      const open: OrderIntent = { symbol, side: 'buy', purpose: 'open', reason: 'scripted open' };
      const close: OrderIntent = { symbol, side: 'sell', purpose: 'close', reason: 'scripted close' };
      return {
        onBar(ctx) {
          const i = ctx.bar.index;
          const o = p.opens.includes(i);
          const c = p.closes.includes(i);
          if (o && c) return [close, open];
          if (o) return [open];
          if (c) return [close];
          return undefined;
        },
      };
    },
  };
  const filter = makeRegimeFilter((id) => (id === 'script' ? script : getStrategy(id)));
  const bars = randomBars(300, 3);
  const candles = { close: Array.from(bars.close), high: Array.from(bars.high), low: Array.from(bars.low) };

  it('close intents always pass, even when the regime blocks every entry', () => {
    // maxVolatility 0 blocks any bar with movement; the [close, open] bar keeps only its close.
    const run = runStrategy(
      filter,
      { strategy: { id: 'script', params: { opens: [50, 60], closes: [55, 60, 70] } }, maxVolatility: 0 },
      candles,
    );
    expect(summary(run)).toEqual(['55 sell close', '60 sell close', '70 sell close']);
  });

  it('entries pass exactly where trading-signals ADX(14) is ≥ 25 (trending) or ≤ 25 (ranging)', () => {
    const adx = new ADX(14);
    const adxByBar = candles.close.map((close, i) =>
      adx.add({ high: candles.high[i]!, low: candles.low[i]!, close }),
    );
    const everyBar = Array.from({ length: 300 }, (_, i) => i);
    const opensWhere = (regime: 'trending' | 'ranging') =>
      summary(
        runStrategy(
          filter,
          { strategy: { id: 'script', params: { opens: everyBar } }, regime, maxVolatility: 100 },
          candles,
        ),
      );
    // ADX(14) exists from bar 26, which is also the filter's warm-up (the volatility window needs only 20).
    const trending = everyBar.filter((i) => adxByBar[i] !== null && adxByBar[i]! >= 25);
    const ranging = everyBar.filter((i) => adxByBar[i] !== null && adxByBar[i]! <= 25);
    expect(adxByBar.findIndex((v) => v !== null)).toBe(26);
    expect(trending.length).toBeGreaterThan(10);
    expect(ranging.length).toBeGreaterThan(10);
    expect(opensWhere('trending')).toEqual(trending.map((i) => `${i} buy open`));
    expect(opensWhere('ranging')).toEqual(ranging.map((i) => `${i} buy open`));
  });

  it('entries need realised volatility inside the band', () => {
    // Closes growing 1% a bar have log returns of exactly log 1.01: σ 0 — below a 0.5% floor, inside [0, 1].
    const closes = Array.from({ length: 40 }, (_, i) => 100 * 1.01 ** i);
    const steady = { close: closes, high: closes.map((c) => c * 1.001), low: closes.map((c) => c * 0.999) };
    const params = (minVolatility: number) => ({
      strategy: { id: 'script', params: { opens: [30] } },
      adxThreshold: 0,
      minVolatility,
      maxVolatility: 1,
    });
    expect(summary(runStrategy(filter, params(0), steady))).toEqual(['30 buy open']);
    expect(summary(runStrategy(filter, params(0.5), steady))).toEqual([]);
  });

  it('warms up for the longer of the wrapped strategy, ADX and the volatility window', () => {
    expect(regimeFilter.warmup(regimeFilter.params.parse({}))).toBe(26);
    expect(regimeFilter.warmup(regimeFilter.params.parse({ strategy: { id: 'macd' } }))).toBe(34);
    expect(regimeFilter.warmup(regimeFilter.params.parse({ volatilityPeriod: 50 }))).toBe(50);
  });

  it('names the field of a bad wrapped strategy or volatility band', () => {
    expect(paramsProblem(regimeFilter, { strategy: { id: 'nope' } })).toMatch(
      /^strategy\.id: unknown strategy 'nope'/,
    );
    expect(
      paramsProblem(regimeFilter, { strategy: { id: 'sma-crossover', params: { fast: 9, slow: 3 } } }),
    ).toBe('strategy.params.fast: sma-crossover: must be less than the slow period (3)');
    expect(paramsProblem(regimeFilter, { minVolatility: 3, maxVolatility: 2 })).toBe(
      'minVolatility: minVolatility (3) must not exceed maxVolatility (2)',
    );
    expect(paramsProblem(regimeFilter, { regime: 'sideways' })).toMatch(/^regime: /);
  });
});
