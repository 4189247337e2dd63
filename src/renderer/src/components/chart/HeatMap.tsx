// A heat map of an optimisation over two parameters, drawn on a canvas (lightweight-charts has no heat map): one
// square per pair of values coloured by the objective (the best over the other parameters), axis labels, a colour
// legend, a tooltip with the cell's figures on hover, and a click that picks the cell.
import { type MouseEvent, useEffect, useMemo, useRef, useState } from 'react';
import type { ParamValue } from '../../../../shared/domain/research';
import { observeSize } from './chart-options';
import { formatNumber } from './format';
import {
  cellAtPoint,
  type HeatGrid,
  heatColor,
  heatLayout,
  legendTicks,
  scaleFraction,
} from './heat-map-model';
import { type ChartTheme, useChartTheme } from './theme';

/** Drawn at this size until the box is measured (and in tests, where nothing is laid out). */
export const HEAT_DEFAULT_SIZE = { width: 560, height: 320 } as const;

export interface HeatMapProps {
  readonly grid: HeatGrid;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly formatValue: (value: number) => string;
  /** The tooltip's lines for a cell (its `index`). */
  readonly describe: (cellIndex: number) => readonly string[];
  /** The cell (its `index`) picked in the table, outlined. */
  readonly selected: number | null;
  readonly onSelect: (cellIndex: number) => void;
  readonly ariaLabel: string;
}

const label = (value: ParamValue | undefined): string =>
  typeof value === 'number' ? formatNumber(value) : String(value ?? '');

export function HeatMap({
  grid,
  xLabel,
  yLabel,
  formatValue,
  describe,
  selected,
  onSelect,
  ariaLabel,
}: HeatMapProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState<{ width: number; height: number }>(HEAT_DEFAULT_SIZE);
  const [hover, setHover] = useState<{ x: number; y: number; lines: readonly string[] } | null>(null);
  const theme = useChartTheme();
  const layout = useMemo(
    () => heatLayout(size.width, size.height, grid.xs.length, grid.ys.length),
    [size, grid],
  );

  useEffect(() => {
    const box = boxRef.current;
    return box ? observeSize(box, (width, height) => setSize({ width, height })) : undefined;
  }, []);

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext?.('2d');
    if (!canvas || !context) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(size.width * ratio);
    canvas.height = Math.round(size.height * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    drawHeatMap(context, size, grid, layout, theme, selected, formatValue, xLabel, yLabel);
  }, [size, grid, layout, theme, selected, formatValue, xLabel, yLabel]);

  const at = (event: MouseEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const spot = cellAtPoint(layout, event.clientX - rect.left, event.clientY - rect.top);
    const index = spot ? (grid.cells[spot.row]?.[spot.col] ?? null) : null;
    return { index, x: event.clientX - rect.left, y: event.clientY - rect.top };
  };

  return (
    <div className="mb-heatmap" ref={boxRef}>
      <canvas
        ref={canvasRef}
        role="img"
        aria-label={ariaLabel}
        data-testid="heat-map"
        style={{ width: size.width, height: size.height }}
        onMouseMove={(event) => {
          const { index, x, y } = at(event);
          setHover(index === null ? null : { x, y, lines: describe(index) });
        }}
        onMouseLeave={() => setHover(null)}
        onClick={(event) => {
          const { index } = at(event);
          if (index !== null) onSelect(index);
        }}
      />
      {hover && (
        <div
          className="mb-heatmap-tip"
          role="tooltip"
          style={{ left: Math.min(hover.x + 12, size.width - 180), top: Math.max(0, hover.y - 8) }}
        >
          {hover.lines.map((line) => (
            <div key={line}>{line}</div>
          ))}
        </div>
      )}
    </div>
  );
}

function drawHeatMap(
  ctx: CanvasRenderingContext2D,
  size: { width: number; height: number },
  grid: HeatGrid,
  layout: ReturnType<typeof heatLayout>,
  theme: ChartTheme,
  selected: number | null,
  formatValue: (value: number) => string,
  xLabel: string,
  yLabel: string,
): void {
  ctx.clearRect(0, 0, size.width, size.height);
  ctx.font = '11px system-ui, sans-serif';
  const { left, top, cellWidth, cellHeight, rows, cols } = layout;
  // Cells: row 0 (the lowest y value) at the bottom.
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const x = left + col * cellWidth;
      const y = top + (rows - 1 - row) * cellHeight;
      const t = scaleFraction(grid.values[row]?.[col] ?? null, grid.min, grid.max);
      ctx.fillStyle = t === null ? theme.panel : heatColor(t);
      ctx.fillRect(x, y, cellWidth, cellHeight);
      ctx.strokeStyle = theme.bg;
      ctx.lineWidth = 1;
      ctx.strokeRect(x + 0.5, y + 0.5, cellWidth - 1, cellHeight - 1);
      if (selected !== null && grid.cells[row]?.[col] === selected) {
        ctx.strokeStyle = theme.text;
        ctx.lineWidth = 2;
        ctx.strokeRect(x + 1.5, y + 1.5, cellWidth - 3, cellHeight - 3);
      }
    }
  }
  // Axis labels: every value when they fit, else every n-th.
  ctx.fillStyle = theme.muted;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const xEvery = Math.max(1, Math.ceil(36 / cellWidth));
  grid.xs.forEach((value, col) => {
    if (col % xEvery === 0)
      ctx.fillText(label(value), left + (col + 0.5) * cellWidth, top + rows * cellHeight + 4);
  });
  ctx.fillText(xLabel, left + (cols * cellWidth) / 2, top + rows * cellHeight + 22);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const yEvery = Math.max(1, Math.ceil(14 / cellHeight));
  grid.ys.forEach((value, row) => {
    if (row % yEvery === 0) ctx.fillText(label(value), left - 6, top + (rows - 1 - row + 0.5) * cellHeight);
  });
  ctx.save();
  ctx.translate(12, top + (rows * cellHeight) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  // Legend: the ramp from worst (bottom) to best (top), with its values.
  if (grid.min === null || grid.max === null) return;
  const { legend } = layout;
  for (let i = 0; i < legend.height; i++) {
    ctx.fillStyle = heatColor(1 - i / legend.height);
    ctx.fillRect(legend.left, legend.top + i, legend.width, 1);
  }
  ctx.textAlign = 'left';
  ctx.fillStyle = theme.muted;
  for (const tick of legendTicks(grid.min, grid.max)) {
    const t = scaleFraction(tick, grid.min, grid.max) ?? 0.5;
    ctx.fillText(formatValue(tick), legend.left + legend.width + 4, legend.top + (1 - t) * legend.height);
  }
}
