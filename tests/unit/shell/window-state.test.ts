// Where the desktop window reopens: the saved place when a display still shows it, pulled fully onto that display,
// else the default size centred on the primary display. Pure code; no Electron runtime needed.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  DEFAULT_WINDOW_SIZE,
  debouncedSaver,
  MIN_WINDOW_SIZE,
  placeWindow,
  windowStateOf,
} from '../../../src/main/shell/window-state';
import { windowStateSchema } from '../../../src/shared/domain/workspace';

// A 1920×1080 laptop screen (menu bar 25 px) and a 2560×1440 monitor to its right.
const LAPTOP = { x: 0, y: 25, width: 1920, height: 1055 };
const MONITOR = { x: 1920, y: 0, width: 2560, height: 1400 };
const both = [LAPTOP, MONITOR];

const saved = (x: number, y: number, width = 1400, height = 900, maximized = false) => ({
  x,
  y,
  width,
  height,
  maximized,
});

describe('placeWindow', () => {
  test('first start (nothing saved): the default size centred on the primary display', () => {
    const placement = placeWindow(null, both, LAPTOP);

    expect(placement).toEqual({
      bounds: {
        x: (1920 - DEFAULT_WINDOW_SIZE.width) / 2,
        y: 25 + Math.round((1055 - DEFAULT_WINDOW_SIZE.height) / 2),
        ...DEFAULT_WINDOW_SIZE,
      },
      maximized: false,
    });
  });

  test('a place fully on a display is kept exactly', () => {
    expect(placeWindow(saved(2100, 120), both, LAPTOP).bounds).toEqual({
      x: 2100,
      y: 120,
      width: 1400,
      height: 900,
    });
  });

  test('a window hanging off the right edge is pulled back onto the display it mostly covers', () => {
    // 4000 + 1400 runs past the monitor's right edge at 4480.
    expect(placeWindow(saved(4000, 300), both, LAPTOP).bounds).toEqual({
      x: 4480 - 1400,
      y: 300,
      width: 1400,
      height: 900,
    });
  });

  test('a title bar above the top of the screen comes back down into the work area', () => {
    expect(placeWindow(saved(100, -200), both, LAPTOP).bounds).toMatchObject({ x: 100, y: 25 });
  });

  test('the monitor it was on is unplugged: the window opens on the primary display, default size', () => {
    const placement = placeWindow(saved(2100, 120, 1400, 900, true), [LAPTOP], LAPTOP);

    expect(placement.bounds).toEqual({
      x: (1920 - 1440) / 2,
      y: 25 + Math.round((1055 - 900) / 2),
      width: 1440,
      height: 900,
    });
    expect(placement.maximized).toBe(true); // still maximized, now on the display that is there
  });

  test('a window larger than the display it lands on is shrunk to the work area', () => {
    const placement = placeWindow(saved(10, 30, 2500, 1400), [LAPTOP], LAPTOP);

    expect(placement.bounds).toEqual({ x: 0, y: 25, width: 1920, height: 1055 });
  });

  test('a saved size under the minimum grows to it; a display under the minimum bounds it instead', () => {
    expect(placeWindow(saved(50, 50, 300, 200), both, LAPTOP).bounds).toMatchObject(MIN_WINDOW_SIZE);
    const tiny = { x: 0, y: 0, width: 800, height: 600 };
    expect(placeWindow(saved(0, 0, 1400, 900), [tiny], tiny).bounds).toEqual({
      x: 0,
      y: 0,
      width: 800,
      height: 600,
    });
  });

  test('straddling two displays: it goes to the one it covers more of', () => {
    // 1400 wide from x = 1200: 720 px on the laptop, 680 on the monitor.
    expect(placeWindow(saved(1200, 100), both, LAPTOP).bounds).toMatchObject({ x: 1920 - 1400, y: 100 });
    // From x = 1300: 620 on the laptop, 780 on the monitor.
    expect(placeWindow(saved(1300, 100), both, LAPTOP).bounds).toMatchObject({ x: 1920, y: 100 });
  });

  test('displays left of or above the primary one (negative coordinates) are ordinary displays', () => {
    const left = { x: -1680, y: -200, width: 1680, height: 1050 };
    expect(placeWindow(saved(-1500, -150), [LAPTOP, left], LAPTOP).bounds).toEqual({
      x: -1500,
      y: -150,
      width: 1400,
      height: 900,
    });
  });
});

describe('windowStateOf', () => {
  test('whole pixels, and a shape the settings schema accepts', () => {
    const state = windowStateOf({ x: 10.4, y: 20.6, width: 1399.5, height: 900.2 }, true);

    expect(state).toEqual({ x: 10, y: 21, width: 1400, height: 900, maximized: true });
    expect(windowStateSchema.safeParse(state).success).toBe(true);
  });
});

describe('debouncedSaver', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test('a drag (many moves) saves once, after the quiet time', () => {
    const save = vi.fn();
    const saver = debouncedSaver(save, 500);

    for (let i = 0; i < 30; i++) {
      saver.schedule();
      vi.advanceTimersByTime(16);
    }
    expect(save).not.toHaveBeenCalled();
    vi.advanceTimersByTime(500);
    expect(save).toHaveBeenCalledTimes(1);
  });

  test('closing within the quiet time saves at once; with nothing pending it saves nothing', () => {
    const save = vi.fn();
    const saver = debouncedSaver(save, 500);

    saver.flush();
    expect(save).not.toHaveBeenCalled();
    saver.schedule();
    saver.flush();
    expect(save).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(save).toHaveBeenCalledTimes(1);
  });
});
