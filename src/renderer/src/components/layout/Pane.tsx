// A pane the user sizes by dragging its edge (or with the arrow keys on the edge) and folds away to a slim bar
// with its title. Its size and whether it is folded are kept with the workspace (settings:set), so a reload or a
// restart shows the page as the user arranged it.
import { type KeyboardEvent, type PointerEvent, type ReactNode, useRef, useState } from 'react';
import { useWorkspaceStore } from '../../stores/context';
import './layout.css';

export interface PaneProps {
  /** The workspace key of this pane's size (`ss-chart`); `<name>-folded` in the panels says it is folded. */
  readonly name: string;
  /** What the pane holds, in the user's words: "Chart", "Sessions". */
  readonly title: string;
  /** 'x': the user sizes the width; 'y': the height. */
  readonly axis: 'x' | 'y';
  /** Which edge carries the handle: the far one (right/bottom, default) or the near one (left/top). */
  readonly edge?: 'start' | 'end';
  /** Size in CSS pixels before the user drags it. */
  readonly defaultSize: number;
  readonly min?: number;
  readonly max?: number;
  readonly className?: string;
  readonly children: ReactNode;
}

/** A size within the pane's bounds. */
export function clampSize(size: number, min: number, max: number): number {
  return Math.round(Math.min(Math.max(size, min), Math.max(min, max)));
}

/** Arrow keys move an edge by this much; with Shift by five times more. */
const KEY_STEP = 16;

export function Pane({
  name,
  title,
  axis,
  edge = 'end',
  defaultSize,
  min = 80,
  max = 4000,
  className,
  children,
}: PaneProps) {
  const saved = useWorkspaceStore((s) => s.paneSizes[name]);
  const folded = useWorkspaceStore((s) => s.panels[`${name}-folded`] === true);
  const setPaneSize = useWorkspaceStore((s) => s.setPaneSize);
  const setPanel = useWorkspaceStore((s) => s.setPanel);
  // While dragging the size lives here; it is saved once, when the pointer lets go.
  const [dragging, setDragging] = useState<number | null>(null);
  const drag = useRef<{ start: number; size: number } | null>(null);
  const size = clampSize(dragging ?? saved ?? defaultSize, min, max);
  // Dragging the near edge towards the pane's end makes it smaller.
  const sign = edge === 'end' ? 1 : -1;
  const horizontal = axis === 'x';

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { start: horizontal ? event.clientX : event.clientY, size };
    setDragging(size);
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const from = drag.current;
    if (!from) return;
    const moved = (horizontal ? event.clientX : event.clientY) - from.start;
    setDragging(clampSize(from.size + sign * moved, min, max));
  };
  const onPointerUp = () => {
    if (!drag.current) return;
    drag.current = null;
    if (dragging !== null) setPaneSize(name, dragging);
    setDragging(null);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const grow = horizontal ? ['ArrowRight', 'ArrowLeft'] : ['ArrowDown', 'ArrowUp'];
    const step = (event.shiftKey ? 5 : 1) * KEY_STEP * sign;
    if (event.key === grow[0]) setPaneSize(name, clampSize(size + step, min, max));
    else if (event.key === grow[1]) setPaneSize(name, clampSize(size - step, min, max));
    else return;
    event.preventDefault();
  };

  const classes = `mb-pane mb-pane-${axis} mb-pane-edge-${edge}${folded ? ' folded' : ''}${className ? ` ${className}` : ''}`;
  if (folded) {
    return (
      <div className={classes} data-pane={name}>
        <button
          type="button"
          className="mb-pane-unfold"
          onClick={() => setPanel(`${name}-folded`, false)}
          aria-label={`Show ${title}`}
          title={`Show ${title}`}
        >
          <span className="mb-pane-title">{title}</span>
        </button>
      </div>
    );
  }
  const handle = (
    // biome-ignore lint/a11y/useSemanticElements: a focusable, draggable splitter (an <hr> holds no button)
    <div
      className={dragging !== null ? 'mb-pane-handle active' : 'mb-pane-handle'}
      role="separator"
      aria-orientation={horizontal ? 'vertical' : 'horizontal'}
      aria-label={`Resize ${title}`}
      aria-valuenow={size}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    >
      <button
        type="button"
        className="mb-pane-fold"
        onPointerDown={(e) => e.stopPropagation()}
        onClick={() => setPanel(`${name}-folded`, true)}
        aria-label={`Hide ${title}`}
        title={`Hide ${title}`}
      >
        {horizontal === (edge === 'end') ? '‹' : '›'}
      </button>
    </div>
  );
  return (
    <div className={classes} data-pane={name} style={horizontal ? { width: size } : { height: size }}>
      {edge === 'start' && handle}
      <div className="mb-pane-body">{children}</div>
      {edge === 'end' && handle}
    </div>
  );
}
