// The heat map's pure half: cells folded onto two parameters (the best over the others), the colour ramp and its
// scale, the legend's ticks, and the point ↔ cell mapping a click and the tests share.
import { describe, expect, test } from 'vitest';
import {
  cellAtPoint,
  cellCentre,
  HEAT_STOPS,
  heatColor,
  heatGrid,
  heatLayout,
  legendTicks,
  scaleFraction,
} from '../../../../src/renderer/src/components/chart/heat-map-model';

const rgb = (stop: readonly number[]) => `rgb(${stop.join(', ')})`;

describe('heatGrid', () => {
  test('axes are the sorted distinct values; each square holds the best value over the other parameters', () => {
    const cells = [
      { index: 0, params: { fast: 10, slow: 30, stop: 1 }, value: 0.5 },
      { index: 1, params: { fast: 5, slow: 30, stop: 1 }, value: 1.5 },
      { index: 2, params: { fast: 10, slow: 30, stop: 2 }, value: 0.9 },
      { index: 3, params: { fast: 5, slow: 20, stop: 1 }, value: null },
      { index: 4, params: { fast: 10, slow: 20, stop: 1 }, value: -0.2 },
    ];
    const grid = heatGrid(cells, 'fast', 'slow');
    expect(grid.xs).toEqual([5, 10]);
    expect(grid.ys).toEqual([20, 30]);
    // Row 0 is slow 20: fast 5 has no value, fast 10 has -0.2.
    expect(grid.values).toEqual([
      [null, -0.2],
      [1.5, 0.9],
    ]);
    // fast 10 / slow 30: cell 2 (0.9) beats cell 0 (0.5).
    expect(grid.cells).toEqual([
      [null, 4],
      [1, 2],
    ]);
    expect(grid.min).toBe(-0.2);
    expect(grid.max).toBe(1.5);
  });

  test('numbers sort numerically (10 after 9), not as text', () => {
    const grid = heatGrid(
      [9, 10, 100].map((v, i) => ({ index: i, params: { a: v, b: 1 }, value: i })),
      'a',
      'b',
    );
    expect(grid.xs).toEqual([9, 10, 100]);
  });
});

describe('the colour scale', () => {
  test('worst is the first stop, best the last, the middle the middle stop', () => {
    expect(heatColor(0)).toBe(rgb(HEAT_STOPS[0]!));
    expect(heatColor(1)).toBe(rgb(HEAT_STOPS[HEAT_STOPS.length - 1]!));
    expect(heatColor(0.5)).toBe(rgb(HEAT_STOPS[2]!));
    // Outside 0…1 is clamped, never an invalid colour.
    expect(heatColor(-3)).toBe(heatColor(0));
    expect(heatColor(7)).toBe(heatColor(1));
  });

  test('between two stops the colour is mixed', () => {
    const [a, b] = [HEAT_STOPS[0]!, HEAT_STOPS[1]!];
    const t = 0.125; // halfway between stop 0 (0) and stop 1 (0.25)
    expect(heatColor(t)).toBe(rgb([0, 1, 2].map((k) => Math.round((a[k]! + b[k]!) / 2))));
  });

  test('scaleFraction places a value between min and max; equal bounds give the middle; missing gives null', () => {
    expect(scaleFraction(5, 0, 10)).toBe(0.5);
    expect(scaleFraction(-1, 0, 10)).toBe(0);
    expect(scaleFraction(11, 0, 10)).toBe(1);
    expect(scaleFraction(3, 3, 3)).toBe(0.5);
    expect(scaleFraction(null, 0, 10)).toBeNull();
    expect(scaleFraction(Number.NaN, 0, 10)).toBeNull();
    expect(scaleFraction(1, null, null)).toBeNull();
  });

  test('legend ticks run evenly from min to max', () => {
    expect(legendTicks(0, 2, 5)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(legendTicks(1, 1)).toEqual([1]);
  });
});

describe('layout and hit testing', () => {
  test('a cell centre maps back to that cell; row 0 is at the bottom; outside the grid is null', () => {
    const layout = heatLayout(560, 320, 4, 3);
    for (let row = 0; row < 3; row++)
      for (let col = 0; col < 4; col++) {
        const { x, y } = cellCentre(layout, row, col);
        expect(cellAtPoint(layout, x, y)).toEqual({ row, col });
      }
    expect(cellCentre(layout, 0, 0).y).toBeGreaterThan(cellCentre(layout, 2, 0).y);
    expect(cellAtPoint(layout, 2, 2)).toBeNull();
    expect(cellAtPoint(layout, 559, 100)).toBeNull();
  });
});
