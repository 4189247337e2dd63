// Pushes are coalesced: many publishes become one batch per topic per interval, so a fast feed cannot flood the UI.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createPushBus } from '../../../src/main/api/push-bus';
import type { Heartbeat } from '../../../src/shared/api/contract';
import type { PushTopic } from '../../../src/shared/api/names';

const beat = (i: number): Heartbeat => ({ time: i, uptimeMs: i });

function recorder() {
  const batches: { topic: PushTopic; batch: readonly unknown[] }[] = [];
  return {
    batches,
    listener: (topic: PushTopic, batch: readonly unknown[]) => batches.push({ topic, batch }),
  };
}

describe('push bus', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('many publishes within one interval arrive as one batch, in order, after the interval', () => {
    const bus = createPushBus({ intervalMs: 16 });
    const { batches, listener } = recorder();
    bus.subscribe(listener);

    for (let i = 0; i < 1_000; i++) bus.publish('heartbeat', beat(i));
    vi.advanceTimersByTime(15);
    const beforeInterval = batches.length;
    vi.advanceTimersByTime(1);

    expect(beforeInterval).toBe(0);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.topic).toBe('heartbeat');
    expect(batches[0]!.batch).toEqual(Array.from({ length: 1_000 }, (_, i) => beat(i)));
  });

  test('the default interval is about one frame (16 ms)', () => {
    const bus = createPushBus();
    const { batches, listener } = recorder();
    bus.subscribe(listener);

    bus.publish('heartbeat', beat(1));
    vi.advanceTimersByTime(15);
    expect(batches).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(batches).toHaveLength(1);
  });

  test('a steady fast feed is delivered at most once per interval, nothing lost, order kept', () => {
    const bus = createPushBus({ intervalMs: 16 });
    const { batches, listener } = recorder();
    bus.subscribe(listener);

    // 5 publishes every millisecond for one second: 5,000 messages
    for (let ms = 0; ms < 1_000; ms++) {
      for (let k = 0; k < 5; k++) bus.publish('heartbeat', beat(ms * 5 + k));
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(16);

    expect(batches.length).toBeLessThanOrEqual(Math.ceil(1_016 / 16));
    expect(batches.length).toBeGreaterThanOrEqual(Math.floor(1_000 / 17));
    const all = batches.flatMap((b) => b.batch as Heartbeat[]);
    expect(all.map((h) => h.time)).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
  });

  test('nothing published means no batches and no timer', () => {
    const bus = createPushBus({ intervalMs: 16 });
    const { batches, listener } = recorder();
    bus.subscribe(listener);

    vi.advanceTimersByTime(1_000);

    expect(batches).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('every subscriber gets every batch; an unsubscribed one gets no more', () => {
    const bus = createPushBus({ intervalMs: 16 });
    const a = recorder();
    const b = recorder();
    bus.subscribe(a.listener);
    const unsubscribeB = bus.subscribe(b.listener);

    bus.publish('heartbeat', beat(1));
    vi.advanceTimersByTime(16);
    unsubscribeB();
    bus.publish('heartbeat', beat(2));
    vi.advanceTimersByTime(16);

    expect(a.batches.map((x) => x.batch)).toEqual([[beat(1)], [beat(2)]]);
    expect(b.batches.map((x) => x.batch)).toEqual([[beat(1)]]);
  });

  test('flush delivers what is pending now, once, and cancels the timer', () => {
    const bus = createPushBus({ intervalMs: 16 });
    const { batches, listener } = recorder();
    bus.subscribe(listener);

    bus.publish('heartbeat', beat(1));
    bus.publish('heartbeat', beat(2));
    bus.flush();
    const afterFlush = batches.length;
    vi.advanceTimersByTime(100);

    expect(afterFlush).toBe(1);
    expect(batches).toEqual([{ topic: 'heartbeat', batch: [beat(1), beat(2)] }]);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('after a flush, the next publish schedules a new batch', () => {
    const bus = createPushBus({ intervalMs: 16 });
    const { batches, listener } = recorder();
    bus.subscribe(listener);

    bus.publish('heartbeat', beat(1));
    bus.flush();
    bus.publish('heartbeat', beat(2));
    vi.advanceTimersByTime(16);

    expect(batches.map((b) => b.batch)).toEqual([[beat(1)], [beat(2)]]);
  });

  test('close drops what is pending, removes listeners, ignores later publishes and leaves no timer', () => {
    const bus = createPushBus({ intervalMs: 16 });
    const { batches, listener } = recorder();
    bus.subscribe(listener);

    bus.publish('heartbeat', beat(1));
    bus.close();
    bus.publish('heartbeat', beat(2));
    bus.flush();
    vi.advanceTimersByTime(1_000);

    expect(batches).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('a batch is a fresh array per interval (a listener keeping it does not see later pushes)', () => {
    const bus = createPushBus({ intervalMs: 16 });
    const { batches, listener } = recorder();
    bus.subscribe(listener);

    bus.publish('heartbeat', beat(1));
    vi.advanceTimersByTime(16);
    bus.publish('heartbeat', beat(2));
    vi.advanceTimersByTime(16);

    expect(batches[0]!.batch).toEqual([beat(1)]);
    expect(batches[0]!.batch).not.toBe(batches[1]!.batch);
  });
});
