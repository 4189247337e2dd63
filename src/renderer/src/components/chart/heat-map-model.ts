// The pure half of the heat map: cells of an optimisation folded onto two parameters (the best over the others),
// the colour scale, the layout of the grid in the canvas and which cell a point falls on. Tested without a DOM.
import type { ParamSet, ParamValue } from '../../../../shared/domain/research';

export interface HeatInput {
  readonly index: number;
  readonly params: ParamSet;
  /** Higher is better; null: undefined for this cell (no trades …). */
  readonly value: number | null;
}

export interface HeatGrid {
  readonly xs: readonly ParamValue[];
  readonly ys: readonly ParamValue[];
  /** values[row][col]: y = ys[row], x = xs[col]; the best value over the other parameters, null when none. */
  readonly values: readonly (readonly (number | null)[])[];
  /** The cell (its `index`) holding that best value; null when no cell has a value there. */
  readonly cells: readonly (readonly (number | null)[])[];
  readonly min: number | null;
  readonly max: number | null;
}

/** Numbers in numeric order, anything else after them in text order. */
function sortedValues(values: Iterable<ParamValue>): ParamValue[] {
  return [...new Set(values)].sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    return String(a).localeCompare(String(b));
  });
}

export function heatGrid(cells: readonly HeatInput[], xName: string, yName: string): HeatGrid {
  const has = (c: HeatInput, name: string) => c.params[name] !== undefined;
  const usable = cells.filter((c) => has(c, xName) && has(c, yName));
  const xs = sortedValues(usable.map((c) => c.params[xName]!));
  const ys = sortedValues(usable.map((c) => c.params[yName]!));
  const xAt = new Map(xs.map((v, i) => [v, i]));
  const yAt = new Map(ys.map((v, i) => [v, i]));
  const values = ys.map(() => xs.map((): number | null => null));
  const picked = ys.map(() => xs.map((): number | null => null));
  let min: number | null = null;
  let max: number | null = null;
  for (const cell of usable) {
    const col = xAt.get(cell.params[xName]!)!;
    const row = yAt.get(cell.params[yName]!)!;
    const value = cell.value;
    if (value === null || !Number.isFinite(value)) continue;
    const current = values[row]![col]!;
    if (current === null || value > current) {
      values[row]![col] = value;
      picked[row]![col] = cell.index;
    }
  }
  for (const row of values)
    for (const v of row) {
      if (v === null) continue;
      min = min === null ? v : Math.min(min, v);
      max = max === null ? v : Math.max(max, v);
    }
  return { xs, ys, values, cells: picked, min, max };
}

/** Colour stops from worst to best (a perceptual ramp: dark blue → teal → yellow), as RGB. */
export const HEAT_STOPS: readonly (readonly [number, number, number])[] = [
  [48, 18, 59],
  [50, 101, 178],
  [31, 158, 137],
  [109, 205, 89],
  [253, 231, 37],
];

/** Where `value` lies between min and max, 0…1 (0.5 when they are equal); null for a missing value. */
export function scaleFraction(value: number | null, min: number | null, max: number | null): number | null {
  if (value === null || min === null || max === null || !Number.isFinite(value)) return null;
  if (max <= min) return 0.5;
  return Math.min(1, Math.max(0, (value - min) / (max - min)));
}

/** The ramp's colour at t (0 worst … 1 best) as `rgb(r, g, b)`. */
export function heatColor(t: number): string {
  const clamped = Math.min(1, Math.max(0, t));
  const span = clamped * (HEAT_STOPS.length - 1);
  const i = Math.min(HEAT_STOPS.length - 2, Math.floor(span));
  const f = span - i;
  const a = HEAT_STOPS[i]!;
  const b = HEAT_STOPS[i + 1]!;
  const mix = (k: 0 | 1 | 2) => Math.round(a[k] + (b[k] - a[k]) * f);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

/** `count` evenly spaced values from min to max for the legend (one when they are equal). */
export function legendTicks(min: number, max: number, count = 5): number[] {
  if (max <= min) return [min];
  return Array.from({ length: count }, (_, i) => min + ((max - min) * i) / (count - 1));
}

export interface HeatLayout {
  /** The grid's box inside the canvas (CSS pixels). */
  readonly left: number;
  readonly top: number;
  readonly cellWidth: number;
  readonly cellHeight: number;
  readonly cols: number;
  readonly rows: number;
  /** The legend bar's box. */
  readonly legend: {
    readonly left: number;
    readonly top: number;
    readonly width: number;
    readonly height: number;
  };
}

/** Room for the y labels on the left, the x labels below, the legend at the right. */
export const HEAT_MARGIN = { left: 64, right: 96, top: 12, bottom: 44 } as const;

export function heatLayout(width: number, height: number, cols: number, rows: number): HeatLayout {
  const gridWidth = Math.max(1, width - HEAT_MARGIN.left - HEAT_MARGIN.right);
  const gridHeight = Math.max(1, height - HEAT_MARGIN.top - HEAT_MARGIN.bottom);
  return {
    left: HEAT_MARGIN.left,
    top: HEAT_MARGIN.top,
    cellWidth: gridWidth / Math.max(1, cols),
    cellHeight: gridHeight / Math.max(1, rows),
    cols,
    rows,
    legend: { left: width - HEAT_MARGIN.right + 20, top: HEAT_MARGIN.top, width: 14, height: gridHeight },
  };
}

/**
 * The grid cell under a point (CSS pixels in the canvas), or null outside the grid. Row 0 is drawn at the bottom
 * (the lowest y value), as on a chart.
 */
export function cellAtPoint(layout: HeatLayout, x: number, y: number): { row: number; col: number } | null {
  const col = Math.floor((x - layout.left) / layout.cellWidth);
  const fromTop = Math.floor((y - layout.top) / layout.cellHeight);
  if (col < 0 || col >= layout.cols || fromTop < 0 || fromTop >= layout.rows) return null;
  return { row: layout.rows - 1 - fromTop, col };
}

/** The centre of a cell in canvas pixels (the inverse of cellAtPoint). */
export function cellCentre(layout: HeatLayout, row: number, col: number): { x: number; y: number } {
  return {
    x: layout.left + (col + 0.5) * layout.cellWidth,
    y: layout.top + (layout.rows - 1 - row + 0.5) * layout.cellHeight,
  };
}
