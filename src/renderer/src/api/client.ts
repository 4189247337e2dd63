// The renderer's one API object: Electron IPC when the preload put it there, otherwise host mode's WebSocket.
import type { ApiClient, CallInput, CallResult, PushPayload } from '../../../shared/api/contract';
import type { CallName, PushTopic } from '../../../shared/api/names';
import type { ApiResult } from '../../../shared/api/result';
import { decodeMessage } from '../../../shared/api/wire';

/**
 * 'connecting' until the first connection; 'disconnected' when it was lost (retrying); 'refused' when the
 * workstation answers but will not take this page's token: it restarted with a new one (host mode), so retrying
 * cannot help and the user must open the new address it printed; 'no-token' when the page's address had none.
 */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'refused' | 'no-token';

export interface ConnectedClient extends ApiClient {
  readonly transport: 'electron-ipc' | 'websocket';
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

export function createApiClient(): ConnectedClient {
  const bridge = window.marketboss;
  if (bridge) {
    return {
      transport: 'electron-ipc',
      call: <N extends CallName>(name: N, arg: CallInput<N>) =>
        bridge.calls[name](arg) as Promise<ApiResult<CallResult<N>>>,
      subscribe: <T extends PushTopic>(topic: T, listener: (batch: readonly PushPayload<T>[]) => void) =>
        bridge.subscribe(topic, listener as (batch: readonly unknown[]) => void),
      onConnection(listener) {
        listener('connected');
        return () => {};
      },
    };
  }
  return createWebSocketClient(hostToken());
}

/** The host-mode token arrives in the page URL; keep it for reloads in this tab and take it out of the address bar. */
function hostToken(): string {
  const params = new URLSearchParams(window.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem('marketboss-token', fromUrl);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(
      null,
      '',
      `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`,
    );
    return fromUrl;
  }
  return sessionStorage.getItem('marketboss-token') ?? '';
}

/**
 * Whether this page's server answers HTTP. A WebSocket that closes before opening while the server answers was
 * refused (a wrong token: the workstation restarted with a new one); one that fails with no answer is a server that
 * is down or moved, worth retrying.
 */
async function serverAnswers(): Promise<boolean> {
  try {
    await fetch(`${window.location.origin}/`, { method: 'HEAD', cache: 'no-store' });
    return true;
  } catch {
    return false;
  }
}

/** What a call answers once the workstation has refused this page. */
const refusal = (state: 'refused' | 'no-token') =>
  ({
    code: 'unavailable',
    message:
      state === 'refused'
        ? 'the workstation restarted; open the new address it printed'
        : 'this address has no token; open the address the workstation printed',
  }) as const;

interface Pending {
  resolve(result: ApiResult<unknown>): void;
}

function createWebSocketClient(token: string): ConnectedClient {
  const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/api?token=${encodeURIComponent(token)}`;
  const pending = new Map<number, Pending>();
  const outbox: string[] = [];
  const pushListeners = new Map<PushTopic, Set<(batch: readonly unknown[]) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let socket: WebSocket | undefined;
  let nextId = 1;
  let retryMs = 500;

  const setState = (next: ConnectionState): void => {
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  const connect = (): void => {
    // Retries stay 'disconnected': only the first attempt is 'connecting'.
    let opened = false;
    const ws = new WebSocket(url);
    // Bulk columns (a run's bars) arrive as binary frames; their arrays are views on this buffer.
    ws.binaryType = 'arraybuffer';
    socket = ws;
    ws.onopen = () => {
      opened = true;
      retryMs = 500;
      setState('connected');
      for (const message of outbox.splice(0)) ws.send(message);
    };
    ws.onmessage = (event: MessageEvent<string | ArrayBuffer>) => {
      const message = decodeMessage(event.data) as {
        id?: number | null;
        result?: ApiResult<unknown>;
        topic?: PushTopic;
        batch?: unknown[];
      };
      if (message.topic && message.batch) {
        for (const listener of pushListeners.get(message.topic) ?? []) listener(message.batch);
      } else if (typeof message.id === 'number' && message.result) {
        pending.get(message.id)?.resolve(message.result);
        pending.delete(message.id);
      }
    };
    ws.onclose = () => {
      socket = undefined;
      // In-flight calls cannot be answered by a new connection: fail them in words.
      for (const [id, call] of pending) {
        call.resolve({
          ok: false,
          error: { code: 'unavailable', message: 'connection to MarketBoss was lost' },
        });
        pending.delete(id);
      }
      // Their messages go with them: a Stop that was answered "lost" must not run when the connection is back.
      outbox.length = 0;
      const retry = (): void => {
        setState('disconnected');
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 10_000);
      };
      if (opened) return retry();
      // Refused before it opened: the browser hides the HTTP status, so ask the server whether it is there at all.
      void serverAnswers().then((up) => (up ? setState(token === '' ? 'no-token' : 'refused') : retry()));
    };
  };
  connect();

  return {
    transport: 'websocket',
    call<N extends CallName>(name: N, arg: CallInput<N>): Promise<ApiResult<CallResult<N>>> {
      const id = nextId++;
      const text = JSON.stringify({ id, call: name, arg });
      if (state === 'refused' || state === 'no-token')
        return Promise.resolve({ ok: false, error: refusal(state) });
      return new Promise((resolve) => {
        pending.set(id, { resolve: resolve as (r: ApiResult<unknown>) => void });
        if (socket && state === 'connected') socket.send(text);
        else outbox.push(text);
      });
    },
    subscribe<T extends PushTopic>(topic: T, listener: (batch: readonly PushPayload<T>[]) => void) {
      let set = pushListeners.get(topic);
      if (!set) {
        set = new Set();
        pushListeners.set(topic, set);
      }
      const untyped = listener as (batch: readonly unknown[]) => void;
      set.add(untyped);
      return () => set.delete(untyped);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
  };
}
