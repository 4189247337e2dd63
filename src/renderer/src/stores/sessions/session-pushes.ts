// How session pushes reach the store: subscribed once, gathered and applied together every 33 ms, and a reconnect
// reloads what is on screen.
import { reduceSessionState } from './session-reducers';
import { onPush, refreshList, refreshRisk, reloadIfNewRun } from './session-selection';
import type { SessionKit, SessionPush } from './session-state';

/** Runs `apply` when the pushes queued so far should reach the store. */
export type PushScheduler = (apply: () => void) => void;

/** How long pushes gather before they reach the store together. */
const PUSH_APPLY_MS = 33;

/**
 * A task of its own every PUSH_APPLY_MS: a fast feed sends a batch per topic every 16 ms, and rendering the page
 * once per batch made long tasks; this way the bars, orders, fills and equity of ~2 frames render together, at most
 * 30 times a second, and not inside the charts' paint frame (which would make that one task longer).
 */
export const throttledTask: PushScheduler = (apply) => {
  setTimeout(apply, PUSH_APPLY_MS);
};

/** Wires the session pushes into the store (and reloads on connect); returns the unsubscribe. */
export function connectSessionPushes(kit: SessionKit, schedule: PushScheduler = throttledTask): () => void {
  const { api, get, set } = kit;
  let queue: SessionPush[] = [];
  const enqueue = (item: SessionPush): void => {
    queue.push(item);
    if (queue.length > 1) return; // already scheduled
    schedule(() => {
      const items = queue;
      queue = [];
      for (const queued of items) onPush(kit, queued);
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
