// Pushes coalesced per topic: at most one batch per topic per frame (~60 a second), so a fast feed never floods the UI.
import type { PushTopic } from '../../shared/api/names';
import type { PushPublisher } from '../../shared/api/ports';

export type PushListener = (topic: PushTopic, batch: readonly unknown[]) => void;

export interface PushBus extends PushPublisher {
  /** Every transport subscribes once and forwards batches to its clients. */
  subscribe(listener: PushListener): () => void;
  /** Delivers what is pending now (shutdown, tests). */
  flush(): void;
  close(): void;
}

export interface PushBusOptions {
  /** Minimum gap between two batches of one topic. */
  readonly intervalMs?: number;
  /** A transport that throws must not stop delivery to the others. */
  readonly onListenerError?: (error: unknown, topic: PushTopic) => void;
}

export function createPushBus(options: PushBusOptions = {}): PushBus {
  const intervalMs = options.intervalMs ?? 16;
  const pending = new Map<PushTopic, unknown[]>();
  const listeners = new Set<PushListener>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const flush = (): void => {
    timer = undefined;
    for (const [topic, batch] of pending) {
      pending.delete(topic);
      for (const listener of listeners) {
        try {
          listener(topic, batch);
        } catch (error) {
          options.onListenerError?.(error, topic);
        }
      }
    }
  };

  return {
    publish(topic, payload) {
      if (closed) return;
      let batch = pending.get(topic);
      if (!batch) {
        batch = [];
        pending.set(topic, batch);
      }
      batch.push(payload);
      timer ??= setTimeout(flush, intervalMs);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush() {
      if (timer) clearTimeout(timer);
      flush();
    },
    close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      closed = true;
      pending.clear();
      listeners.clear();
    },
  };
}
