// Where the desktop window opens: the place it had when it was closed, pulled back onto a display that is attached
// now (a monitor unplugged since must not leave the window off screen). Pure, so it is tested without Electron.
import type { WindowState } from '../../shared/domain/workspace';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface WindowPlacement {
  readonly bounds: Rect;
  readonly maximized: boolean;
}

export const DEFAULT_WINDOW_SIZE = { width: 1440, height: 900 } as const;
export const MIN_WINDOW_SIZE = { width: 1024, height: 640 } as const;

function overlapArea(a: Rect, b: Rect): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

const clamp = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), high);

/** `size` made to fit `area`: never below the window's minimum unless the display itself is smaller. */
function fitSize(width: number, height: number, area: Rect): { width: number; height: number } {
  return {
    width: Math.min(Math.max(width, MIN_WINDOW_SIZE.width), area.width),
    height: Math.min(Math.max(height, MIN_WINDOW_SIZE.height), area.height),
  };
}

/**
 * The saved bounds on the display they overlap most, moved and shrunk until the whole window is inside that
 * display's work area (so the title bar can always be grabbed); the default size centred on the primary display
 * when nothing was saved or the saved place is on no attached display.
 */
export function placeWindow(
  saved: WindowState | null,
  workAreas: readonly Rect[],
  primary: Rect,
): WindowPlacement {
  let best: Rect | undefined;
  let bestArea = 0;
  if (saved !== null) {
    for (const area of workAreas) {
      const overlap = overlapArea(saved, area);
      if (overlap > bestArea) {
        best = area;
        bestArea = overlap;
      }
    }
  }
  if (saved === null || best === undefined) {
    const size = fitSize(DEFAULT_WINDOW_SIZE.width, DEFAULT_WINDOW_SIZE.height, primary);
    return {
      bounds: {
        x: Math.round(primary.x + (primary.width - size.width) / 2),
        y: Math.round(primary.y + (primary.height - size.height) / 2),
        ...size,
      },
      maximized: saved?.maximized ?? false,
    };
  }
  const size = fitSize(saved.width, saved.height, best);
  return {
    bounds: {
      x: clamp(saved.x, best.x, best.x + best.width - size.width),
      y: clamp(saved.y, best.y, best.y + best.height - size.height),
      ...size,
    },
    maximized: saved.maximized,
  };
}

/** What is stored: the normal (unmaximized) bounds in whole pixels, so un-maximizing after a restart lands there. */
export function windowStateOf(normalBounds: Rect, maximized: boolean): WindowState {
  return {
    x: Math.round(normalBounds.x),
    y: Math.round(normalBounds.y),
    width: Math.round(normalBounds.width),
    height: Math.round(normalBounds.height),
    maximized,
  };
}

/** Saves at most once per `delayMs` of quiet (a drag fires move dozens of times a second); `flush` saves now. */
export function debouncedSaver(save: () => void, delayMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    schedule(): void {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        save();
      }, delayMs);
    },
    flush(): void {
      if (timer === undefined) return;
      clearTimeout(timer);
      timer = undefined;
      save();
    },
    cancel(): void {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
