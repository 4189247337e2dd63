// The user's indicator lines from main lined up with the chart's bars by time.
import { describe, expect, test } from 'vitest';
import { alignIndicatorLines } from '../../../src/renderer/src/components/chart/user-indicators';
import type { BarColumns } from '../../../src/shared/domain/bars';

const bars = (times: number[]): BarColumns => {
  const zero = new Float64Array(times.length);
  return {
    time: Float64Array.from(times),
    open: zero,
    high: zero,
    low: zero,
    close: zero,
    volume: zero,
    length: times.length,
  };
};

describe('alignIndicatorLines', () => {
  test('each bar takes the value at its own time; bars main did not compute over are gaps', () => {
    const [aligned] = alignIndicatorLines(
      {
        time: Float64Array.from([20, 30, 40, 50]),
        indicators: [
          {
            id: 'mine-vwap',
            label: 'VWAP',
            kind: 'vwap',
            pane: 'price',
            levels: [],
            lines: [{ name: 'VWAP', style: 'line', values: Float64Array.from([2, 3, 4, 5]) }],
          },
        ],
      },
      // 10: older than main's page; 35: a bar main has not got; 60: a live bar newer than main's answer.
      bars([10, 20, 30, 35, 40, 50, 60]),
    );
    expect(aligned!.id).toBe('mine-vwap');
    expect(Array.from(aligned!.lines[0]!.values)).toEqual([Number.NaN, 2, 3, Number.NaN, 4, 5, Number.NaN]);
  });
});
