// A ConnectedClient for renderer tests: calls answer from a table (or fail "no fake"), pushes are emitted by the test.
import type { ConnectedClient } from '../../../src/renderer/src/api/client';
import type { CallInput, CallResult, PushPayload } from '../../../src/shared/api/contract';
import type { CallName, PushTopic } from '../../../src/shared/api/names';
import type { ApiResult } from '../../../src/shared/api/result';

export type FakeHandler = (arg: unknown) => unknown;

export function fakeApi(handlers: Partial<Record<CallName, FakeHandler>> = {}) {
  const listeners = new Map<PushTopic, Set<(batch: readonly unknown[]) => void>>();
  const calls: { name: CallName; arg: unknown }[] = [];
  const api: ConnectedClient = {
    transport: 'websocket',
    async call<N extends CallName>(name: N, arg: CallInput<N>): Promise<ApiResult<CallResult<N>>> {
      calls.push({ name, arg });
      const handler = handlers[name];
      if (!handler) return { ok: false, error: { code: 'internal', message: `no fake for ${name}` } };
      try {
        return { ok: true, value: handler(arg) as CallResult<N> };
      } catch (error) {
        return { ok: false, error: { code: 'not-found', message: (error as Error).message } };
      }
    },
    subscribe<T extends PushTopic>(topic: T, listener: (batch: readonly PushPayload<T>[]) => void) {
      let set = listeners.get(topic);
      if (!set) {
        set = new Set();
        listeners.set(topic, set);
      }
      const untyped = listener as (batch: readonly unknown[]) => void;
      set.add(untyped);
      return () => set.delete(untyped);
    },
    onConnection(listener) {
      listener('connected');
      return () => {};
    },
  };
  const emit = <T extends PushTopic>(topic: T, batch: readonly PushPayload<T>[]): void => {
    for (const listener of listeners.get(topic) ?? []) listener(batch);
  };
  return { api, emit, calls };
}

/** Lets pending promise callbacks (the fake's answers) run. */
export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
