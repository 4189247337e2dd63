// How session pushes reach the store: subscribed once, gathered and applied together once per animation frame (one
// store update for all of them), and a reconnect reloads what is on screen.
import { reduceSessionState } from './session-reducers';
import { applyPushes, refreshList, refreshRisk, reloadIfNewRun } from './session-selection';
import type { SessionKit, SessionPush } from './session-state';

/** Runs `apply` when the pushes queued so far should reach the store. */
export type PushScheduler = (apply: () => void) => void;

/** The least time between two applies: a fast feed's pushes render at most ~30 times a second. */
export const PUSH_APPLY_MS = 33;
/** The most: however slow the page, pushes reach the screen within a quarter second (plus a frame). */
export const MAX_APPLY_GAP_MS = 250;
/** An apply that took t ms (the store update and the render it caused) waits at least this many times t for the next. */
const WORK_SHARE = 4;
/** A frame that does not come within this (a throttled or hidden page) does not hold the pushes back longer. */
export const FRAME_FALLBACK_MS = 250;

/** What the frame scheduler needs of the page (the browser's, or a test's clock). */
export interface FrameClock {
  now(): number;
  requestFrame(run: () => void): void;
  setTimer(run: () => void, ms: number): () => void;
  /** Runs `run` once the microtasks queued so far (React's render of a store update) have run. */
  afterMicrotasks(run: () => void): void;
  hidden(): boolean;
  /** Calls `run` when the page becomes hidden; returns the unsubscribe. */
  onHidden(run: () => void): () => void;
}

export function browserClock(): FrameClock {
  return {
    now: () => performance.now(),
    requestFrame: (run) => {
      requestAnimationFrame(() => run());
    },
    setTimer: (run, ms) => {
      const timer = setTimeout(run, ms);
      return () => clearTimeout(timer);
    },
    afterMicrotasks: (run) => queueMicrotask(run),
    hidden: () => document.visibilityState === 'hidden',
    onHidden: (run) => {
      const listener = (): void => {
        if (document.visibilityState === 'hidden') run();
      };
      document.addEventListener('visibilitychange', listener);
      return () => document.removeEventListener('visibilitychange', listener);
    },
  };
}

/**
 * Applies in a task of its own right after an animation frame, at most once per frame and no sooner than
 * PUSH_APPLY_MS after the last apply: a fast feed sends a batch per topic every 16 ms, and rendering the page once
 * per batch made long tasks; this way the bars, orders, fills and equity of a frame or more render together, and
 * not inside the frame that paints the charts (which would make that one task longer). The gap grows with what the
 * last apply cost (WORK_SHARE times it, up to MAX_APPLY_GAP_MS), so a busy page renders less often rather than
 * queueing work it cannot keep up with. A hidden page gets no frames: it applies on a timer, and what is queued
 * when the page hides is applied at once.
 */
export function frameScheduler(clock: FrameClock = browserClock()): PushScheduler {
  let lastApply = Number.NEGATIVE_INFINITY;
  let gap = PUSH_APPLY_MS;
  let pending: (() => void) | null = null;
  const cancels: (() => void)[] = [];
  // Which apply a frame callback was asked for: a late one must not run the next apply before its time.
  let generation = 0;
  const run = (): void => {
    const apply = pending;
    if (!apply) return;
    pending = null;
    generation++;
    for (const cancel of cancels.splice(0)) cancel();
    const start = clock.now();
    lastApply = start;
    apply();
    clock.afterMicrotasks(() => {
      gap = Math.min(MAX_APPLY_GAP_MS, Math.max(PUSH_APPLY_MS, WORK_SHARE * (clock.now() - start)));
    });
  };
  return (apply) => {
    if (pending) {
      pending = apply; // one apply at a time: the newest carries everything queued
      return;
    }
    pending = apply;
    const wait = Math.max(0, gap - (clock.now() - lastApply));
    if (clock.hidden()) {
      cancels.push(clock.setTimer(run, Math.max(wait, PUSH_APPLY_MS)));
      return;
    }
    const mine = generation;
    const afterFrame = (): void => {
      clock.requestFrame(() => {
        if (mine === generation) cancels.push(clock.setTimer(run, 0));
      });
    };
    if (wait > 0) cancels.push(clock.setTimer(afterFrame, wait));
    else afterFrame();
    cancels.push(clock.setTimer(run, wait + FRAME_FALLBACK_MS));
    cancels.push(clock.onHidden(run));
  };
}

/** Wires the session pushes into the store (and reloads on connect); returns the unsubscribe. */
export function connectSessionPushes(
  kit: SessionKit,
  schedule: PushScheduler = frameScheduler(),
): () => void {
  const { api, get, set } = kit;
  let queue: SessionPush[] = [];
  const enqueue = (item: SessionPush): void => {
    queue.push(item);
    if (queue.length > 1) return; // already scheduled
    schedule(() => {
      const items = queue;
      queue = [];
      applyPushes(kit, items);
    });
  };
  const offs = [
    api.subscribe('bar', (batch) => enqueue({ topic: 'bar', batch })),
    api.subscribe('order', (batch) => enqueue({ topic: 'order', batch })),
    api.subscribe('fill', (batch) => enqueue({ topic: 'fill', batch })),
    api.subscribe('equity', (batch) => enqueue({ topic: 'equity', batch })),
    api.subscribe('alert', (batch) => enqueue({ topic: 'alert', batch })),
    api.subscribe('session-state', (batch) => {
      const before = get();
      const patch = reduceSessionState(before, batch);
      if (patch) set(patch);
      const selected = before.selectedId;
      const mine = batch.filter((p) => p.sessionId === selected);
      const last = mine[mine.length - 1];
      if (selected !== null && last) {
        if (last.runId !== null && last.runId !== before.snapshot?.runId)
          void reloadIfNewRun(kit, selected, last.runId);
        else void refreshRisk(kit, selected);
      }
      void refreshList(kit);
    }),
  ];
  const reload = (): void => {
    void get().load();
    const selected = get().selectedId;
    if (selected !== null) void get().select(selected);
  };
  let offConnection = (): void => {};
  if (api.onConnection) {
    offConnection = api.onConnection((state) => {
      if (state === 'connected') reload();
    });
  } else {
    reload();
  }
  return () => {
    for (const off of offs) off();
    offConnection();
  };
}
