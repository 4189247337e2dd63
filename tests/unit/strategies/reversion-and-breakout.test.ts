// Mean reversion and ATR breakout on hand-worked series.
import { describe, expect, it } from 'vitest';
import { atrBreakout, meanReversion } from '../../../src/main/strategies';
import { paramsProblem, runStrategy, summary } from './harness';

describe('mean reversion', () => {
  // period 3, bands at mean ± 1 σ (population σ of the last 3 closes, this one included):
  // bar  window       mean   σ      lower   upper   position → action
  //  2   10 10 10     10     0      10      10      flat, 10 is not below 10
  //  3   10 10  7      9     1.414  7.586   10.414  flat, 7 < 7.586 → buy
  //  4   10  7  9      8.667  -       -       -     long, 9 ≥ 8.667 → sell at the mean
  //  5    7  9 11      9     1.633  7.367   10.633  flat, 11 > 10.633 → short (if allowed)
  //  6    9 11  9      9.667 0.943  8.724   10.609  short, 9 ≤ 9.667 → cover; long-only: 9 is inside the bands
  const closes = [10, 10, 10, 7, 9, 11, 9];

  it('long only: buys below the lower band and sells back at the mean', () => {
    const run = runStrategy(meanReversion, { period: 3, bandWidth: 1 }, closes);
    expect(summary(run)).toEqual(['3 buy open', '4 sell close']);
    expect(run.warmup).toBe(2);
  });

  it('with allowShort: also sells above the upper band and covers at the mean', () => {
    const run = runStrategy(meanReversion, { period: 3, bandWidth: 1, allowShort: true }, closes);
    expect(summary(run)).toEqual(['3 buy open', '4 sell close', '5 sell open', '6 buy close']);
  });

  it('asks again each bar while flat below the band (a denied entry is retried, not forgotten)', () => {
    const strategy = meanReversion.create(meanReversion.params.parse({ period: 3, bandWidth: 1 }), 'X');
    const bar = { index: 0, time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0, ago: () => 0 };
    const ctx = { symbol: 'X', bar, position: 0, avgPrice: 0, equity: 0, cash: 0 };
    const answers = [10, 10, 10, 7, 5.5].map((close, index) => {
      bar.index = index;
      bar.close = close;
      return strategy.onBar(ctx)?.map((it) => `${it.side} ${it.purpose}`);
    });
    // The entry at bar 3 was not filled (position stays 0). Bar 4: window 10 7 5.5, mean 7.5, σ 1.87, lower 5.63.
    expect(answers).toEqual([undefined, undefined, undefined, ['buy open'], ['buy open']]);
  });

  it('defaults: a 20-bar window, ready from bar 19', () => {
    const run = runStrategy(meanReversion, {}, [...Array.from({ length: 19 }, (_, i) => 100 + (i % 2)), 90]);
    expect(run.warmup).toBe(19);
    expect(summary(run)).toEqual(['19 buy open']);
  });

  it('refuses a band width out of bounds, naming it', () => {
    expect(paramsProblem(meanReversion, { bandWidth: 0 })).toMatch(/^bandWidth: /);
    expect(paramsProblem(meanReversion, { period: 1 })).toMatch(/^period: /);
  });
});

describe('ATR breakout', () => {
  // period 2, k = 1; A = ATR as of the previous bar (Wilder: mean of the first 2 true ranges, then A += (TR − A)/2).
  // bar  H     L    C     TR    ATR    threshold vs previous close   action
  //  0   11    9    10    2     -
  //  1   11    9    10    2     2      (no ATR of bar 0 yet)
  //  2   13   10    13    3     2.5    13 > 10 + 2 = 12              buy, stop 13 − 2 = 11
  //  3   14   12    13.5  2     2.25   inside 13 ± 2.5
  //  4   13.5 10    11    3.5   2.875  11 < 13.5 − 2.25 = 11.25      sell (allowShort: also short, stop 11 + 2.25)
  //  5   11.5 10.5  11    1     -      inside 11 ± 2.875
  const candles = {
    high: [11, 11, 13, 14, 13.5, 11.5],
    low: [9, 9, 10, 12, 10, 10.5],
    close: [10, 10, 13, 13.5, 11, 11],
    open: [10, 10, 10, 13, 13.5, 11],
  };

  it('long only: buys the upside breakout with a k-ATR stop and sells the downside breakout', () => {
    const run = runStrategy(atrBreakout, { period: 2, multiplier: 1 }, candles);
    expect(run.intents).toEqual([
      {
        bar: 2,
        side: 'buy',
        purpose: 'open',
        stopLoss: 11,
        reason: 'close broke 1 ATR above the previous close',
      },
      { bar: 4, side: 'sell', purpose: 'close', reason: 'downside ATR breakout' },
    ]);
    expect(run.warmup).toBe(2);
  });

  it('with allowShort: the downside breakout also opens a short with the stop k ATRs above', () => {
    const run = runStrategy(atrBreakout, { period: 2, multiplier: 1, allowShort: true }, candles);
    expect(summary(run)).toEqual(['2 buy open', '4 sell close', '4 sell open']);
    expect(run.intents[2]!.stopLoss).toBe(13.25);
  });

  it('a jump before the ATR exists is not a breakout', () => {
    // Bar 1 jumps 50%, but with period 2 the ATR of bar 0 does not exist yet.
    const run = runStrategy(
      atrBreakout,
      { period: 2, multiplier: 1 },
      { close: [10, 15, 15], high: [10.5, 15, 15.5], low: [9.5, 10, 14.5] },
    );
    expect(summary(run)).toEqual([]);
  });

  it('refuses a multiplier out of bounds, naming it', () => {
    expect(paramsProblem(atrBreakout, { multiplier: 0 })).toMatch(/^multiplier: /);
    expect(paramsProblem(atrBreakout, { period: 0.5 })).toMatch(/^period: /);
  });
});
