// A Monte Carlo fan chart on a canvas: the 5–95 and 25–75 percentile bands of equity after each trade, the median,
// the starting equity and the actual order's final equity, so a trader sees how wide luck alone spreads the result.
import { useEffect, useMemo, useRef, useState } from 'react';
import { observeSize } from './chart-options';
import { formatMoneyAxis } from './format';
import { type ChartTheme, useChartTheme, withAlpha } from './theme';

export interface FanBands {
  readonly step: readonly number[];
  readonly p5: readonly number[];
  readonly p25: readonly number[];
  readonly p50: readonly number[];
  readonly p75: readonly number[];
  readonly p95: readonly number[];
}

export interface FanScale {
  readonly x: (step: number) => number;
  readonly y: (equity: number) => number;
  readonly minY: number;
  readonly maxY: number;
}

export const FAN_MARGIN = { left: 72, right: 16, top: 12, bottom: 28 } as const;

/** Round axis values covering min…max about `count` apart: 1, 2 or 5 times a power of ten (98,000 … 124,000). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) {
    if (v >= min - step * 1e-9) ticks.push(Number(v.toPrecision(12)));
  }
  return ticks;
}

/** Maps trades and equity to canvas pixels; the range covers every band and the marks, with a little air. */
export function fanScale(
  bands: FanBands,
  width: number,
  height: number,
  marks: readonly number[] = [],
): FanScale {
  const all = [...bands.p5, ...bands.p95, ...marks].filter(Number.isFinite);
  let minY = all.length ? Math.min(...all) : 0;
  let maxY = all.length ? Math.max(...all) : 1;
  if (maxY <= minY) {
    minY -= 1;
    maxY += 1;
  }
  const pad = (maxY - minY) * 0.05;
  minY -= pad;
  maxY += pad;
  // Widen to round values, so the axis reads 90,000 … 130,000 rather than 88,825 … 134,971.
  const ticks = niceTicks(minY, maxY);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 0;
  if (step > 0) {
    minY = Math.floor(minY / step) * step;
    maxY = Math.ceil(maxY / step) * step;
  }
  const first = bands.step[0] ?? 0;
  const last = bands.step[bands.step.length - 1] ?? 1;
  const span = last > first ? last - first : 1;
  const plotWidth = Math.max(1, width - FAN_MARGIN.left - FAN_MARGIN.right);
  const plotHeight = Math.max(1, height - FAN_MARGIN.top - FAN_MARGIN.bottom);
  return {
    x: (step) => FAN_MARGIN.left + ((step - first) / span) * plotWidth,
    y: (equity) => FAN_MARGIN.top + (1 - (equity - minY) / (maxY - minY)) * plotHeight,
    minY,
    maxY,
  };
}

export interface FanChartProps {
  readonly bands: FanBands;
  readonly startEquity: number;
  readonly actualFinal: number;
  /** The actual order's equity at each band step, drawn as a line over the fan. */
  readonly actualPath?: readonly number[];
  readonly ariaLabel: string;
  /** CSS pixels (default 300); the width follows the box. */
  readonly height?: number;
}

export function FanChart({
  bands,
  startEquity,
  actualFinal,
  actualPath,
  ariaLabel,
  height = 300,
}: FanChartProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(640);
  const size = useMemo(() => ({ width, height }), [width, height]);
  const theme = useChartTheme();
  const scale = useMemo(
    () => fanScale(bands, size.width, size.height, [startEquity, actualFinal, ...(actualPath ?? [])]),
    [bands, size, startEquity, actualFinal, actualPath],
  );
  useEffect(() => {
    const box = boxRef.current;
    return box ? observeSize(box, (measured) => setWidth(measured)) : undefined;
  }, []);
  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext?.('2d');
    if (!canvas || !context) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(size.width * ratio);
    canvas.height = Math.round(size.height * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    drawFan(context, size, bands, scale, theme, startEquity, actualFinal, actualPath);
  }, [size, bands, scale, theme, startEquity, actualFinal, actualPath]);

  return (
    <div className="mb-fan" ref={boxRef}>
      <canvas
        ref={canvasRef}
        role="img"
        aria-label={ariaLabel}
        data-testid="fan-chart"
        style={{ width: size.width, height: size.height }}
      />
      <div className="mb-fan-legend muted small">
        <span>
          <i className="sw" style={{ background: withAlpha(theme.accent, 0.18) }} /> 5–95%
        </span>
        <span>
          <i className="sw" style={{ background: withAlpha(theme.accent, 0.38) }} /> 25–75%
        </span>
        <span>
          <i className="sw line" style={{ background: theme.accent }} /> median
        </span>
        <span>
          <i className="sw line" style={{ background: theme.warn }} /> actual order
        </span>
      </div>
    </div>
  );
}

function drawFan(
  ctx: CanvasRenderingContext2D,
  size: { width: number; height: number },
  bands: FanBands,
  scale: FanScale,
  theme: ChartTheme,
  startEquity: number,
  actualFinal: number,
  actualPath: readonly number[] | undefined,
): void {
  ctx.clearRect(0, 0, size.width, size.height);
  ctx.font = '11px system-ui, sans-serif';
  const n = bands.step.length;
  if (n === 0) return;
  const band = (upper: readonly number[], lower: readonly number[], alpha: number) => {
    ctx.beginPath();
    for (let i = 0; i < n; i++) ctx.lineTo(scale.x(bands.step[i]!), scale.y(upper[i]!));
    for (let i = n - 1; i >= 0; i--) ctx.lineTo(scale.x(bands.step[i]!), scale.y(lower[i]!));
    ctx.closePath();
    ctx.fillStyle = withAlpha(theme.accent, alpha);
    ctx.fill();
  };
  // Grid lines and the equity axis.
  ctx.strokeStyle = theme.border;
  ctx.fillStyle = theme.muted;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const value of niceTicks(scale.minY, scale.maxY)) {
    const y = scale.y(value);
    ctx.beginPath();
    ctx.moveTo(FAN_MARGIN.left, y);
    ctx.lineTo(size.width - FAN_MARGIN.right, y);
    ctx.stroke();
    ctx.fillText(formatMoneyAxis(value, scale.maxY - scale.minY), FAN_MARGIN.left - 6, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const lastStep = bands.step[n - 1]!;
  ctx.fillText('0', scale.x(bands.step[0]!), size.height - FAN_MARGIN.bottom + 6);
  ctx.fillText(`${lastStep} trades`, scale.x(lastStep) - 30, size.height - FAN_MARGIN.bottom + 6);
  band(bands.p95, bands.p5, 0.18);
  band(bands.p75, bands.p25, 0.38);
  // Median.
  ctx.beginPath();
  for (let i = 0; i < n; i++) ctx.lineTo(scale.x(bands.step[i]!), scale.y(bands.p50[i]!));
  ctx.strokeStyle = theme.accent;
  ctx.lineWidth = 2;
  ctx.stroke();
  ctx.lineWidth = 1;
  // Starting equity (dashed) and the actual order's final equity (a mark at the end).
  ctx.setLineDash([4, 4]);
  ctx.strokeStyle = theme.muted;
  ctx.beginPath();
  ctx.moveTo(FAN_MARGIN.left, scale.y(startEquity));
  ctx.lineTo(size.width - FAN_MARGIN.right, scale.y(startEquity));
  ctx.stroke();
  ctx.setLineDash([]);
  if (actualPath !== undefined && actualPath.length === n) {
    ctx.beginPath();
    for (let i = 0; i < n; i++) ctx.lineTo(scale.x(bands.step[i]!), scale.y(actualPath[i]!));
    ctx.strokeStyle = theme.warn;
    ctx.lineWidth = 1.5;
    ctx.stroke();
    ctx.lineWidth = 1;
  }
  ctx.fillStyle = theme.warn;
  ctx.beginPath();
  ctx.arc(scale.x(lastStep), scale.y(actualFinal), 4, 0, Math.PI * 2);
  ctx.fill();
}
