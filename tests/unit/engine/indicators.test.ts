// Our streaming kernels must agree with trading-signals, the reference implementation the issue asks for.
import { ADX, ATR, BollingerBands, EMA, MACD, RSI, SMA, WSMA } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import {
  AverageTrueRange,
  DirectionalIndex,
  ExponentialMean,
  MovingAverageConvergence,
  RelativeStrength,
  RollingDeviation,
  RollingMean,
  WilderMean,
} from '../../../src/main/engine/indicators';
import { randomBars } from '../strategies/random-bars';

const TOLERANCE = 1e-9;
const bars = randomBars(5000, 12345);
const length = bars.close.length;

/** Compares bar by bar: the kernel is ready exactly when the reference is stable, and then within TOLERANCE. */
function expectPinned(
  name: string,
  reference: (i: number) => number | null,
  kernel: (i: number) => number | null,
) {
  let compared = 0;
  for (let i = 0; i < length; i++) {
    const want = reference(i);
    const got = kernel(i);
    if (want === null || got === null) {
      expect(got, `${name} readiness at bar ${i}`).toBe(want);
      continue;
    }
    expect(Math.abs(got - want), `${name} at bar ${i}: kernel ${got}, trading-signals ${want}`).toBeLessThan(
      TOLERANCE,
    );
    compared++;
  }
  expect(compared).toBeGreaterThan(length - 400);
}

describe('indicator kernels pinned to trading-signals on 5,000 random bars', () => {
  it.each([2, 5, 20, 200])('SMA(%i): the running-sum mean matches', (period) => {
    const reference = new SMA(period);
    const kernel = new RollingMean(period);
    expectPinned(
      'SMA',
      (i) => reference.add(bars.close[i]!),
      (i) => {
        kernel.update(bars.close[i]!);
        return kernel.isReady ? kernel.value : null;
      },
    );
  });

  it.each([2, 9, 26])('EMA(%i) matches from its period on', (period) => {
    const reference = new EMA(period);
    const kernel = new ExponentialMean(period);
    expectPinned(
      'EMA',
      (i) => {
        reference.add(bars.close[i]!);
        return reference.isStable ? reference.getResultOrThrow() : null;
      },
      (i) => {
        kernel.update(bars.close[i]!);
        return kernel.isReady ? kernel.value : null;
      },
    );
  });

  it.each([3, 14])('Wilder smoothing (WSMA %i) matches', (period) => {
    const reference = new WSMA(period);
    const kernel = new WilderMean(period);
    expectPinned(
      'WSMA',
      (i) => reference.add(bars.close[i]!),
      (i) => {
        kernel.update(bars.close[i]!);
        return kernel.isReady ? kernel.value : null;
      },
    );
  });

  it.each([2, 14])('RSI(%i) matches', (period) => {
    const reference = new RSI(period);
    const kernel = new RelativeStrength(period);
    expectPinned(
      'RSI',
      (i) => reference.add(bars.close[i]!),
      (i) => {
        kernel.update(bars.close[i]!);
        return kernel.isReady ? kernel.value : null;
      },
    );
  });

  it('MACD(12, 26, 9): macd, signal and histogram match once the signal line is ready', () => {
    const reference = new MACD(new EMA(12), new EMA(26), new EMA(9));
    const kernel = new MovingAverageConvergence(12, 26, 9);
    let compared = 0;
    for (let i = 0; i < length; i++) {
      const want = reference.add(bars.close[i]!);
      kernel.update(bars.close[i]!);
      if (!kernel.isReady) continue;
      expect(want).not.toBeNull();
      expect(Math.abs(kernel.macd - want!.macd)).toBeLessThan(TOLERANCE);
      expect(Math.abs(kernel.signal - want!.signal)).toBeLessThan(TOLERANCE);
      expect(Math.abs(kernel.histogram - want!.histogram)).toBeLessThan(TOLERANCE);
      compared++;
    }
    // Ready from bar slow + signal − 2 = 33 on.
    expect(compared).toBe(length - 33);
  });

  it.each([2, 20, 50])('Bollinger(%i): mean and σ match despite the sliding update', (period) => {
    const reference = new BollingerBands(period, 1);
    const kernel = new RollingDeviation(period);
    for (let i = 0; i < length; i++) {
      const want = reference.add(bars.close[i]!);
      kernel.update(bars.close[i]!);
      expect(kernel.isReady).toBe(want !== null);
      if (want === null) continue;
      expect(Math.abs(kernel.mean - want.middle)).toBeLessThan(TOLERANCE);
      expect(Math.abs(kernel.deviation - (want.upper - want.middle))).toBeLessThan(TOLERANCE);
    }
  });

  it.each([1, 14])('ATR(%i) matches', (period) => {
    const reference = new ATR(period);
    const kernel = new AverageTrueRange(period);
    expectPinned(
      'ATR',
      (i) => reference.add({ high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]! }),
      (i) => {
        kernel.update({ high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]! });
        return kernel.isReady ? kernel.value : null;
      },
    );
  });

  it.each([5, 14])('ADX(%i) matches', (period) => {
    const reference = new ADX(period);
    const kernel = new DirectionalIndex(period);
    expectPinned(
      'ADX',
      (i) => reference.add({ high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]! }),
      (i) => {
        kernel.update({ high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]! });
        return kernel.isReady ? kernel.value : null;
      },
    );
  });
});
