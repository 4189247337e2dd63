// @vitest-environment happy-dom
// The host-mode client after the workstation went away: a server that answers but refuses this page's token
// (it restarted with a new one) is 'refused' and not retried forever; a server that does not answer is retried.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { type ConnectionState, createApiClient } from '../../../src/renderer/src/api/client';

/** A WebSocket whose fate the test decides: open, or close without opening (as a refused upgrade does). */
class FakeSocket {
  static made: FakeSocket[] = [];
  binaryType = 'blob';
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((event: unknown) => void) | null = null;
  sent: string[] = [];
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  send(text: string): void {
    this.sent.push(text);
  }
  open(): void {
    this.onopen?.();
  }
  drop(): void {
    this.onclose?.();
  }
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

let states: ConnectionState[];
let serverUp: boolean;

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.made = [];
  states = [];
  serverUp = true;
  vi.stubGlobal('WebSocket', FakeSocket);
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => {
      if (!serverUp) throw new TypeError('Failed to fetch');
      return new Response(null, { status: 200 });
    }),
  );
  window.history.replaceState(null, '', '/?token=old-token');
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function connected() {
  const client = createApiClient();
  client.onConnection((s) => states.push(s));
  FakeSocket.made[0]!.open();
  return client;
}

describe('the WebSocket client when the workstation goes away', () => {
  test('a restart with a new token: the reconnect is refused while the server answers → refused, no endless retry', async () => {
    const client = connected();
    FakeSocket.made[0]!.drop(); // the old workstation stopped
    expect(states.at(-1)).toBe('disconnected');
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeSocket.made).toHaveLength(2);
    FakeSocket.made[1]!.drop(); // the new one answers HTTP but refuses the old token
    await settle();
    expect(states.at(-1)).toBe('refused');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.made).toHaveLength(2);
    // A call now fails at once, in words, instead of waiting for a connection that will not come.
    const result = await client.call('app:info', {});
    expect(result).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'the workstation restarted; open the new address it printed' },
    });
  });

  test('a server that does not answer at all: disconnected, retried with backoff (never "connecting" again)', async () => {
    connected();
    serverUp = false;
    FakeSocket.made[0]!.drop();
    await vi.advanceTimersByTimeAsync(500);
    FakeSocket.made[1]!.drop();
    await settle();
    expect(states.at(-1)).toBe('disconnected');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(FakeSocket.made).toHaveLength(3);
    expect(states.filter((s) => s === 'connecting')).toHaveLength(1); // only the very first attempt
    serverUp = true;
    FakeSocket.made[2]!.open();
    expect(states.at(-1)).toBe('connected');
  });

  test('a call failed as "lost" while disconnected is not sent later when the connection is back', async () => {
    const client = connected();
    serverUp = false;
    FakeSocket.made[0]!.drop();
    const stop = client.call('session:stop', { sessionId: 's-demo', flatten: false });
    await vi.advanceTimersByTimeAsync(500);
    FakeSocket.made[1]!.drop();
    await settle();
    expect((await stop).ok).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    FakeSocket.made[2]!.open();
    expect(FakeSocket.made[2]!.sent).toEqual([]);
  });

  test('a page whose address had no token: refused as such, not as a restart', async () => {
    window.history.replaceState(null, '', '/');
    sessionStorage.clear();
    const client = createApiClient();
    client.onConnection((s) => states.push(s));
    FakeSocket.made[0]!.drop();
    await settle();
    expect(states.at(-1)).toBe('no-token');
    expect((await client.call('app:info', {})).ok).toBe(false);
  });
});
