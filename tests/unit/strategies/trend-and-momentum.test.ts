// SMA crossover, RSI and MACD on hand-worked series, and against signals derived from trading-signals.
import { EMA, MACD, RSI, SMA } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { macdCrossover, rsiReversal, smaCrossover } from '../../../src/main/strategies';
import { paramsProblem, runStrategy, summary } from './harness';
import { randomBars } from './random-bars';

describe('SMA crossover', () => {
  // fast 2 / slow 3:
  // bar     0   1   2     3      4    5    6      7     8     9    10     11   12
  // close  10  10  10    11     12   13   12     11    10     9    10     11   12
  // SMA2    -  10  10  10.5   11.5 12.5 12.5   11.5  10.5   9.5   9.5   10.5 11.5
  // SMA3    -   -  10  10.33    11   12 12.33    12    11    10  9.67    10   11
  // d       -   -   0  +.17   +.5  +.5  +.17   -.5   -.5   -.5  -.17   +.5  +.5
  // d crosses up at 3 (0 → +) and 11, down at 7; bar 2 is the first defined d, so it cannot signal.
  const closes = [10, 10, 10, 11, 12, 13, 12, 11, 10, 9, 10, 11, 12];

  it('long only: buys the cross up, sells the cross down, buys again', () => {
    const run = runStrategy(smaCrossover, { fast: 2, slow: 3 }, closes);
    expect(summary(run)).toEqual(['3 buy open', '7 sell close', '11 buy open']);
    expect(run.warmup).toBe(3);
    expect(run.intents[0]!.reason).toBe('fast SMA crossed above slow');
  });

  it('with allowShort: the cross down also opens a short, and the cross up covers it first', () => {
    const run = runStrategy(smaCrossover, { fast: 2, slow: 3, allowShort: true }, closes);
    expect(summary(run)).toEqual([
      '3 buy open',
      '7 sell close',
      '7 sell open',
      '11 buy close',
      '11 buy open',
    ]);
    expect(run.positions).toEqual([0, 0, 0, 1, 1, 1, 1, -1, -1, -1, -1, 1, 1]);
  });

  it('a spread that touches zero and moves on counts as one cross, on the bar it turns positive', () => {
    // fast 1 / slow 2: d = (close − previous close) / 2 → −.5, 0, +.5 from bar 1.
    expect(summary(runStrategy(smaCrossover, { fast: 1, slow: 2 }, [10, 9, 9, 10]))).toEqual(['3 buy open']);
    // −.5, 0, −.5: touched but did not cross.
    expect(summary(runStrategy(smaCrossover, { fast: 1, slow: 2 }, [10, 9, 9, 8]))).toEqual([]);
  });

  it('defaults 5/20: the first bar that can signal is bar 20, the warm-up', () => {
    // Flat at 100 for 20 bars: at bar 19 both SMAs are 100 (d = 0); bar 20 at 110 gives SMA5 102 > SMA20 100.5.
    const closes = [...Array.from({ length: 20 }, () => 100), 110];
    const run = runStrategy(smaCrossover, {}, closes);
    expect(run.warmup).toBe(20);
    expect(summary(run)).toEqual(['20 buy open']);
  });

  it('hands back the same intent array on every signal, so signal bars do not allocate either', () => {
    const strategy = smaCrossover.create(smaCrossover.params.parse({ fast: 1, slow: 2 }), 'X');
    const answers: unknown[] = [];
    const bar = { index: 0, time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0, ago: () => 0 };
    for (const close of [10, 9, 10, 9, 10]) {
      bar.close = close;
      const answer = strategy.onBar({ symbol: 'X', bar, position: 0, avgPrice: 0, equity: 0, cash: 0 });
      if (answer !== undefined) answers.push(answer);
    }
    expect(answers).toHaveLength(2);
    expect(answers[0]).toBe(answers[1]);
  });

  it('refuses fast ≥ slow naming both fields, and bad lengths naming the field', () => {
    expect(paramsProblem(smaCrossover, { fast: 20, slow: 20 })).toBe(
      'fast: must be less than the slow period (20)',
    );
    expect(paramsProblem(smaCrossover, { fast: 0 })).toMatch(/^fast: /);
    expect(paramsProblem(smaCrossover, { slow: 2.5 })).toMatch(/^slow: .*int/);
    expect(paramsProblem(smaCrossover, {})).toBeUndefined();
  });

  it('agrees with crossings of trading-signals SMAs on 3,000 random bars', () => {
    const bars = randomBars(3000, 99);
    const closes = Array.from(bars.close);
    const fast = new SMA(7);
    const slow = new SMA(30);
    const expected: string[] = [];
    let before: number | undefined;
    let long = false;
    closes.forEach((close, i) => {
      const f = fast.add(close);
      const s = slow.add(close);
      if (f === null || s === null) return;
      const d = f - s;
      if (before !== undefined && before <= 0 && d > 0 && !long) {
        expected.push(`${i} buy open`);
        long = true;
      } else if (before !== undefined && before >= 0 && d < 0 && long) {
        expected.push(`${i} sell close`);
        long = false;
      }
      before = d;
    });
    expect(expected.length).toBeGreaterThan(20);
    expect(summary(runStrategy(smaCrossover, { fast: 7, slow: 30 }, closes))).toEqual(expected);
  });
});

describe('RSI reversal', () => {
  // RSI(2), Wilder: first averages are plain means of the first 2 changes, then avg += (x − avg) / 2.
  // bar     0    1    2     3     4     5      6       7        8
  // close  10    9    8     9    10    11     10       9       10
  // gain    -    0    0     1     1     1      0       0        1
  // loss    -    1    1     0     0     0      1       1        0
  // avgG    -    -    0    .5   .75  .875  .4375  .21875  .609375
  // avgL    -    -    1    .5   .25  .125  .5625  .78125  .390625
  // RSI     -    -    0    50    75  87.5  43.75  21.875  60.9375
  // Up through 30 at 3 and 8; down through 70 at 6 (at 4 RSI rises through 70, which is not a sell).
  const closes = [10, 9, 8, 9, 10, 11, 10, 9, 10];

  it('long only: buys the recovery from oversold, sells the fall from overbought', () => {
    const run = runStrategy(rsiReversal, { period: 2 }, closes);
    expect(summary(run)).toEqual(['3 buy open', '6 sell close', '8 buy open']);
    expect(run.warmup).toBe(3);
  });

  it('with allowShort: the fall from overbought also opens a short, covered on the next recovery', () => {
    const run = runStrategy(rsiReversal, { period: 2, allowShort: true }, closes);
    expect(summary(run)).toEqual(['3 buy open', '6 sell close', '6 sell open', '8 buy close', '8 buy open']);
  });

  it('refuses oversold at or above overbought, naming both', () => {
    expect(paramsProblem(rsiReversal, { overbought: 40, oversold: 60 })).toBe(
      'oversold: must be below the overbought level (40)',
    );
    expect(paramsProblem(rsiReversal, { overbought: 101 })).toMatch(/^overbought: /);
    expect(paramsProblem(rsiReversal, { period: 1 })).toMatch(/^period: /);
  });

  it('agrees with crossings of trading-signals RSI(14) 70/30 on 3,000 random bars', () => {
    const closes = Array.from(randomBars(3000, 5).close);
    const rsi = new RSI(14);
    const expected: string[] = [];
    let before: number | null = null;
    let long = false;
    closes.forEach((close, i) => {
      const now = rsi.add(close);
      if (now !== null && before !== null) {
        if (before <= 30 && now > 30 && !long) {
          expected.push(`${i} buy open`);
          long = true;
        } else if (before >= 70 && now < 70 && long) {
          expected.push(`${i} sell close`);
          long = false;
        }
      }
      before = now;
    });
    expect(expected.length).toBeGreaterThan(10);
    expect(summary(runStrategy(rsiReversal, {}, closes))).toEqual(expected);
  });
});

describe('MACD signal-line crossover', () => {
  // fast 1 (EMA1 = close), slow 2 (weight 2/3), signal 2; h = macd − signal, signal seeded with the first macd.
  // bar      0    1    2     3      4      5      6      7
  // close   10   10   10    13     13     16     16     16
  // EMA2    10   10   10    12  12.67  14.89  15.63  15.88
  // macd     -    0    0     1    .33   1.11    .37    .12
  // signal   -    0    0   .67    .44    .89    .54    .26
  // h        -    0    0  +.33   −.11   +.22   −.17   −.14
  // The signal line is ready at bar 2 (slow + signal − 2); h crosses up at 3 and 5, down at 4 and 6.
  const closes = [10, 10, 10, 13, 13, 16, 16, 16];

  it('buys the MACD crossing above its signal line and sells the crossing below', () => {
    const run = runStrategy(macdCrossover, { fast: 1, slow: 2, signal: 2 }, closes);
    expect(summary(run)).toEqual(['3 buy open', '4 sell close', '5 buy open', '6 sell close']);
    expect(run.warmup).toBe(3);
  });

  it('defaults 12/26/9 warm up for 34 bars and agree with trading-signals MACD on 3,000 random bars', () => {
    const closes = Array.from(randomBars(3000, 17).close);
    const macd = new MACD(new EMA(12), new EMA(26), new EMA(9));
    const expected: string[] = [];
    let before: number | undefined;
    let long = false;
    closes.forEach((close, i) => {
      const result = macd.add(close);
      // The signal EMA has its 9 values from bar 26 − 1 + 9 − 1 = 33.
      if (result === null || i < 33) return;
      const h = result.histogram;
      if (before !== undefined && before <= 0 && h > 0 && !long) {
        expected.push(`${i} buy open`);
        long = true;
      } else if (before !== undefined && before >= 0 && h < 0 && long) {
        expected.push(`${i} sell close`);
        long = false;
      }
      before = h;
    });
    const run = runStrategy(macdCrossover, {}, closes);
    expect(run.warmup).toBe(34);
    expect(expected.length).toBeGreaterThan(20);
    expect(summary(run)).toEqual(expected);
  });

  it('refuses fast ≥ slow, naming both', () => {
    expect(paramsProblem(macdCrossover, { fast: 26, slow: 12 })).toBe(
      'fast: must be less than the slow period (12)',
    );
  });
});
