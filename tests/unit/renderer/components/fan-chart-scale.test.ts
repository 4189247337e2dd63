// The fan chart's scale: round axis values, every band inside the plot, trades left to right, equity bottom to top.
import { describe, expect, test } from 'vitest';
import { FAN_MARGIN, fanScale, niceTicks } from '../../../../src/renderer/src/components/chart/FanChart';

describe('niceTicks', () => {
  test('steps of 1, 2, 2.5 or 5 times a power of ten, covering the range', () => {
    expect(niceTicks(88_825, 134_971)).toEqual([90_000, 100_000, 110_000, 120_000, 130_000]);
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 12)).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });
});

describe('fanScale', () => {
  const bands = {
    step: [0, 10, 20],
    p5: [100, 90, 80],
    p25: [100, 95, 92],
    p50: [100, 102, 104],
    p75: [100, 108, 115],
    p95: [100, 112, 130],
  };
  test('every band and mark lies inside the plot; more equity is higher up, more trades further right', () => {
    const scale = fanScale(bands, 600, 300, [100, 140]);
    for (const v of [...bands.p5, ...bands.p95, 140]) {
      const y = scale.y(v);
      expect(y).toBeGreaterThanOrEqual(FAN_MARGIN.top);
      expect(y).toBeLessThanOrEqual(300 - FAN_MARGIN.bottom);
    }
    expect(scale.y(130)).toBeLessThan(scale.y(80));
    expect(scale.x(0)).toBe(FAN_MARGIN.left);
    expect(scale.x(20)).toBe(600 - FAN_MARGIN.right);
    // The axis ends on round values.
    expect(scale.minY % 10).toBe(0);
    expect(scale.maxY % 10).toBe(0);
  });
});
