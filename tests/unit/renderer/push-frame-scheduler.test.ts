// The scheduler that brings session pushes to the store: once per animation frame, in a task of its own after the
// frame, no sooner than the gap after the last apply (which grows with what that apply cost), on a timer while the
// page is hidden, at once when it hides, and within a fallback time when no frame comes.
import { describe, expect, it } from 'vitest';
import {
  FRAME_FALLBACK_MS,
  type FrameClock,
  frameScheduler,
  MAX_APPLY_GAP_MS,
  PUSH_APPLY_MS,
} from '../../../src/renderer/src/stores/sessions/session-pushes';

/** A page's clock under the test's control: frames, timers and microtasks run when the test says. */
function fakeClock() {
  let now = 1_000;
  let hidden = false;
  let frames: (() => void)[] = [];
  let timers: { at: number; run: () => void; live: boolean }[] = [];
  const micro: (() => void)[] = [];
  const hiddenListeners = new Set<() => void>();
  const clock: FrameClock = {
    now: () => now,
    requestFrame: (run) => {
      frames.push(run);
    },
    setTimer: (run, ms) => {
      const timer = { at: now + ms, run, live: true };
      timers.push(timer);
      return () => {
        timer.live = false;
      };
    },
    afterMicrotasks: (run) => {
      micro.push(run);
    },
    hidden: () => hidden,
    onHidden: (run) => {
      hiddenListeners.add(run);
      return () => hiddenListeners.delete(run);
    },
  };
  const drainMicrotasks = (): void => {
    while (micro.length > 0) micro.shift()!();
  };
  /** Runs the timers due by `now + ms`, in time order, each as its own task. */
  const advance = (ms: number): void => {
    const until = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.live && t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      now = Math.max(now, due.at);
      due.live = false;
      due.run();
      drainMicrotasks();
    }
    now = Math.max(now, until);
    timers = timers.filter((t) => t.live);
  };
  /** An animation frame: its callbacks run (their own work takes `work` ms). */
  const frame = (work = 0): void => {
    const due = frames;
    frames = [];
    for (const run of due) run();
    now += work;
    drainMicrotasks();
  };
  return {
    clock,
    advance,
    frame,
    pendingFrames: () => frames.length,
    /** Simulates the render an apply causes: React renders in a microtask after the store update. */
    costs(ms: number) {
      micro.push(() => {
        now += ms;
      });
    },
    hide() {
      hidden = true;
      for (const run of [...hiddenListeners]) run();
      drainMicrotasks();
    },
    show() {
      hidden = false;
    },
  };
}

describe('frame scheduler for session pushes', () => {
  it('applies after the next animation frame, in a task of its own, once for everything queued', () => {
    const page = fakeClock();
    const schedule = frameScheduler(page.clock);
    const applied: string[] = [];
    schedule(() => applied.push('first'));
    // Pushes that arrive before the frame ride along: the newest apply carries the queue.
    schedule(() => applied.push('second'));
    expect(page.pendingFrames()).toBe(1);
    page.frame();
    expect(applied).toEqual([]); // not inside the frame that paints the charts
    page.advance(0);
    expect(applied).toEqual(['second']);
    // Nothing else is left to run: the fallback timer was cancelled.
    page.advance(FRAME_FALLBACK_MS * 2);
    expect(applied).toEqual(['second']);
  });

  it('waits at least the apply gap after the last apply, and longer after a costly one', () => {
    const page = fakeClock();
    const schedule = frameScheduler(page.clock);
    let applies = 0;
    schedule(() => applies++);
    page.frame();
    page.advance(0);
    expect(applies).toBe(1);
    schedule(() => applies++);
    expect(page.pendingFrames()).toBe(0); // too soon: no frame asked for yet
    page.advance(PUSH_APPLY_MS - 1);
    expect(page.pendingFrames()).toBe(0);
    page.advance(1);
    expect(page.pendingFrames()).toBe(1);
    page.frame();
    // This apply's render costs 40 ms: the next waits four times that.
    schedule(() => {
      applies++;
      page.costs(40);
    });
    page.advance(0);
    expect(applies).toBe(2);
    schedule(() => applies++);
    page.advance(159 - 40);
    expect(page.pendingFrames()).toBe(0);
    page.advance(1);
    page.frame();
    page.advance(0);
    expect(applies).toBe(3);
  });

  it('never waits longer than the longest gap however costly an apply was', () => {
    const page = fakeClock();
    const schedule = frameScheduler(page.clock);
    let applies = 0;
    schedule(() => {
      applies++;
      page.costs(1_000);
    });
    page.frame();
    page.advance(0);
    schedule(() => applies++);
    page.advance(MAX_APPLY_GAP_MS - 1_000);
    expect(page.pendingFrames()).toBe(1);
    page.frame();
    page.advance(0);
    expect(applies).toBe(2);
  });

  it('applies what is queued at once when the page hides, and on a timer while it is hidden', () => {
    const page = fakeClock();
    const schedule = frameScheduler(page.clock);
    const applied: number[] = [];
    schedule(() => applied.push(1));
    page.hide(); // no frame will come now
    expect(applied).toEqual([1]);
    page.advance(PUSH_APPLY_MS);
    schedule(() => applied.push(2));
    expect(page.pendingFrames()).toBe(1); // the old frame request only; no new one while hidden
    page.advance(PUSH_APPLY_MS);
    expect(applied).toEqual([1, 2]);
    // The stale frame of the first apply does not run anything when it comes.
    page.show();
    page.frame();
    page.advance(0);
    expect(applied).toEqual([1, 2]);
  });

  it('applies within the fallback time when no frame comes (a throttled page)', () => {
    const page = fakeClock();
    const schedule = frameScheduler(page.clock);
    let applies = 0;
    schedule(() => applies++);
    page.advance(FRAME_FALLBACK_MS - 1);
    expect(applies).toBe(0);
    page.advance(1);
    expect(applies).toBe(1);
  });
});
