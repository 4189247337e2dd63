// The WebSocket transport of host mode against a real in-process host (startHost on port 0, temp data dir).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AppInfo, Heartbeat, Settings } from '../../../src/shared/api/contract';
import { CALL_NAMES } from '../../../src/shared/api/names';
import type { BacktestBars } from '../../../src/shared/domain/backtest';
import { expectFailure, expectOk, expectResult } from '../../unit/api/expect-result';
import { ApiSocket, refusedStatus, startTestHost, type TestHost } from './host-helpers';

describe('WebSocket transport: who may connect', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host?.close();
  });

  test('with the token and the page Origin, app:info answers and reports the websocket transport', async () => {
    const socket = await ApiSocket.open(host.apiUrl, host.server.origin);

    const info = expectOk<AppInfo>((await socket.call('app:info', {})).result);

    expect(info.transport).toBe('websocket');
    expect(info.dataDir).toBe(host.dataDir);
    expect(info.electron).toEqual({ present: false, version: null });
    expect(info.schemaVersion).toBeGreaterThanOrEqual(1);
    expect(info.logDir.startsWith(host.dataDir)).toBe(true);
    await socket.close();
  });

  test('the localhost spelling of the same origin is accepted too', async () => {
    const socket = await ApiSocket.open(host.apiUrl, `http://localhost:${host.server.port}`);

    expectOk((await socket.call('settings:get', {})).result);
    await socket.close();
  });

  test('no token → 401', async () => {
    expect(await refusedStatus(`ws://127.0.0.1:${host.server.port}/api`, host.server.origin)).toBe(401);
  });

  test('an empty token → 401', async () => {
    expect(await refusedStatus(`ws://127.0.0.1:${host.server.port}/api?token=`, host.server.origin)).toBe(
      401,
    );
  });

  test('a wrong token of the same length → 401', async () => {
    const wrong = host.server.token.replace(/.$/, (c) => (c === '0' ? '1' : '0'));

    expect(
      await refusedStatus(`ws://127.0.0.1:${host.server.port}/api?token=${wrong}`, host.server.origin),
    ).toBe(401);
  });

  test('a wrong token of another length → 401', async () => {
    expect(
      await refusedStatus(
        `ws://127.0.0.1:${host.server.port}/api?token=${host.server.token}0`,
        host.server.origin,
      ),
    ).toBe(401);
  });

  test('the token under another parameter name → 401', async () => {
    expect(
      await refusedStatus(
        `ws://127.0.0.1:${host.server.port}/api?t=${host.server.token}`,
        host.server.origin,
      ),
    ).toBe(401);
  });

  test.each([
    ['another site', 'https://evil.example'],
    ['another port on loopback', 'http://127.0.0.1:1'],
    ['https with the right host and port', 'https://127.0.0.1:PORT'],
    ['a sandboxed or file page (null)', 'null'],
    ['a look-alike host', 'http://127.0.0.1.evil.example:PORT'],
  ])('a wrong Origin (%s) → 403, even with the right token', async (_label, origin) => {
    expect(await refusedStatus(host.apiUrl, origin.replace('PORT', String(host.server.port)))).toBe(403);
  });

  // DNS rebinding: a name that resolves to 127.0.0.1 must not reach the API even with the page's Origin and token.
  test.each([
    ['a foreign name', 'evil.example:1234'],
    ['a foreign name on our port', 'evil.example:PORT'],
    ['our address on another port', '127.0.0.1:1'],
  ])('a Host header of %s → 403, even with the right Origin and token', async (_label, hostHeader) => {
    const headers = { host: hostHeader.replace('PORT', String(host.server.port)) };

    expect(await refusedStatus(host.apiUrl, host.server.origin, headers)).toBe(403);
  });

  test('the Host header localhost:port connects like 127.0.0.1:port', async () => {
    const socket = await ApiSocket.open(host.apiUrl, host.server.origin, {
      host: `localhost:${host.server.port}`,
    });

    expectOk((await socket.call('app:info', {})).result);
    await socket.close();
  });

  test('no Origin header at all → 403', async () => {
    expect(await refusedStatus(host.apiUrl)).toBe(403);
  });

  test.each(['/', '/api/', '/ws', '/API', '/api/x'])('a wrong path (%s) → 404', async (path) => {
    const url = `ws://127.0.0.1:${host.server.port}${path}?token=${host.server.token}`;

    expect(await refusedStatus(url, host.server.origin)).toBe(404);
  });

  test('refusals are logged with the reason', async () => {
    await refusedStatus(`ws://127.0.0.1:${host.server.port}/api`, 'https://evil.example');

    const { readFileSync } = await import('node:fs');
    const log = readFileSync(`${host.dataDir}/logs/marketboss.log`, 'utf8');
    expect(log).toContain('WebSocket connection refused');
    expect(log).toContain('https://evil.example');
    expect(log).not.toContain(host.server.token);
  });
});

describe('WebSocket transport: messages', () => {
  let host: TestHost;
  let socket: ApiSocket;
  beforeAll(async () => {
    host = await startTestHost();
    socket = await ApiSocket.open(host.apiUrl, host.server.origin);
  });
  afterAll(async () => {
    await socket?.close();
    await host?.close();
  });

  test('settings:set and settings:get round-trip through SQLite', async () => {
    const set = expectOk<Settings>((await socket.call('settings:set', { patch: { theme: 'light' } })).result);
    const got = expectOk<Settings>((await socket.call('settings:get', {})).result);

    expect(set.theme).toBe('light');
    expect(got).toEqual(set);
  });

  test('a bad payload is a bad-request result naming the path, and the connection stays usable', async () => {
    const answer = await socket.call('settings:set', { patch: { theme: 'blue' } });

    expect(expectFailure(answer.result, 'bad-request')).toBe('Theme: must be one of dark, light');
    expectOk((await socket.call('app:info', {})).result);
  });

  test('an unknown call is unknown-call', async () => {
    expectFailure((await socket.call('orders:cancel-all', {})).result, 'unknown-call');
  });

  test.each([
    ['not JSON', 'hello there'],
    ['truncated JSON', '{"id": 1, "call": "app:info"'],
    ['JSON null', 'null'],
    ['a JSON array', '[1, "app:info", {}]'],
    ['a JSON string', '"app:info"'],
  ])('%s → bad-request with id null, and the connection stays usable', async (_label, text) => {
    const answer = await socket.send(text);

    expect(answer.id).toBeNull();
    expect(expectFailure(answer.result, 'bad-request')).toMatch(/malformed request/);
    expectOk((await socket.call('app:info', {})).result);
  });

  test('a binary message → bad-request, and the connection stays usable', async () => {
    const answer = await socket.send(Buffer.from(JSON.stringify({ id: 1, call: 'app:info', arg: {} })));

    expectFailure(answer.result, 'bad-request');
    expectOk((await socket.call('app:info', {})).result);
  });

  test('a request without an id → bad-request with id null', async () => {
    const answer = await socket.send(JSON.stringify({ call: 'app:info', arg: {} }));

    expect(answer.id).toBeNull();
    expectFailure(answer.result, 'bad-request');
  });

  test.each([
    ['a fractional id', { id: 1.5, call: 'app:info', arg: {} }, 1.5],
    ['a negative id', { id: -1, call: 'app:info', arg: {} }, -1],
    ['a string id', { id: '7', call: 'app:info', arg: {} }, null],
    ['an extra field', { id: 8, call: 'app:info', arg: {}, admin: true }, 8],
    ['a non-string call', { id: 9, call: 42, arg: {} }, 9],
    ['a call name over 64 characters', { id: 10, call: `app:${'x'.repeat(100)}`, arg: {} }, 10],
  ])('%s → bad-request echoing a numeric id', async (_label, message, id) => {
    const answer = await socket.send(JSON.stringify(message));

    expect(answer.id).toBe(id);
    expectFailure(answer.result, 'bad-request');
  });

  test('a __proto__ payload is refused and does not pollute the server', async () => {
    const answer = await socket.send(
      '{"id": 11, "call": "settings:set", "arg": {"patch": {"__proto__": {"theme": "light"}}}}',
    );

    expect(answer.id).toBe(11);
    expectFailure(answer.result, 'bad-request');
    expect(({} as Record<string, unknown>).theme).toBeUndefined();
  });

  test('concurrent requests are each answered with their own id', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => 1_000 + i);
    for (const id of ids)
      socket.ws.send(JSON.stringify({ id, call: id % 2 ? 'app:info' : 'settings:get', arg: {} }));

    const answers = [];
    for (const _ of ids) answers.push(await socket.nextAnswer());

    expect(answers.map((a) => a.id).sort()).toEqual(ids);
    for (const a of answers) expectOk(a.result);
  });

  test('fuzz: 400 arbitrary JSON messages over one connection are each answered; the server still answers after', async () => {
    const request = fc.record(
      {
        id: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string(), fc.constant(null)),
        call: fc.oneof(fc.constantFrom(...CALL_NAMES), fc.string({ maxLength: 80 }), fc.jsonValue()),
        arg: fc.jsonValue({ maxDepth: 4 }),
      },
      { requiredKeys: [] },
    );
    const message = fc.oneof(
      { weight: 3, arbitrary: request.map((r) => JSON.stringify(r)) },
      { weight: 2, arbitrary: fc.json({ maxDepth: 5 }) },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '{"id":1,"call":"settings:set","arg":{"patch":{"__proto__":{"x":1}}}}',
          '{"__proto__":{"id":1},"call":"app:info","arg":{}}',
          '{"id":1,"call":"constructor","arg":{}}',
          `{"id":1,"call":"app:info","arg":"${'x'.repeat(100_000)}"}`,
          '',
          ' ',
        ),
      },
    );

    let answered = 0;
    await fc.assert(
      fc.asyncProperty(message, async (text) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        const echoed =
          typeof parsed === 'object' && parsed !== null && typeof (parsed as { id?: unknown }).id === 'number'
            ? (parsed as { id: number }).id
            : null;

        const answer = await socket.send(text);

        expect(Object.keys(answer).sort()).toEqual(['id', 'result']);
        expect(answer.id).toBe(echoed);
        expectResult(answer.result);
        answered++;
      }),
      { numRuns: 400 },
    );

    expect(answered).toBeGreaterThanOrEqual(400);
    expect(socket.closed).toBeUndefined();
    expectOk<AppInfo>((await socket.call('app:info', {})).result);
    // and a new connection works too
    const fresh = await ApiSocket.open(host.apiUrl, host.server.origin);
    expectOk((await fresh.call('app:info', {})).result);
    await fresh.close();
  }, 60_000);

  test('a message over the 1 MiB limit closes that connection only; the server keeps serving', async () => {
    const victim = await ApiSocket.open(host.apiUrl, host.server.origin);
    victim.ws.send(JSON.stringify({ id: 1, call: 'app:info', arg: { pad: 'x'.repeat(2 * 1024 * 1024) } }));

    await expect(victim.nextAnswer()).rejects.toThrow(/socket closed \(1009/);
    expectOk((await socket.call('app:info', {})).result);
  });
});

describe('WebSocket transport: pushes', () => {
  test('heartbeats arrive as batches on the heartbeat topic', async () => {
    const host = await startTestHost({ heartbeatMs: 20 });
    try {
      const socket = await ApiSocket.open(host.apiUrl, host.server.origin);

      const pushes = await socket.collectPushes((p) => p.length >= 3);

      for (const push of pushes) {
        expect(push.topic).toBe('heartbeat');
        expect(Array.isArray(push.batch)).toBe(true);
        expect(push.batch.length).toBeGreaterThanOrEqual(1);
        for (const beat of push.batch as Heartbeat[]) {
          expect(Object.keys(beat).sort()).toEqual(['time', 'uptimeMs', 'usMarket']);
          expect(beat.uptimeMs).toBeGreaterThanOrEqual(0);
          // NYSE now, by main's calendar: a state and the words the top bar shows.
          expect(['open', 'closed', 'pre', 'post', 'holiday', 'weekend']).toContain(beat.usMarket!.state);
          expect(beat.usMarket!.label).toMatch(
            /^(open, closes|pre-market, opens|after hours, opens|closed|weekend, opens)/,
          );
          expect(Math.abs(beat.time - Date.now())).toBeLessThan(10_000);
        }
      }
      await socket.close();
    } finally {
      await host.close();
    }
  });

  test("a run's bars come as one binary frame of columns, value for value what the dispatcher answered", {
    timeout: 60_000,
  }, async () => {
    const host = await startTestHost();
    try {
      const socket = await ApiSocket.open(host.apiUrl, host.server.origin);
      const { runId } = expectOk<{ runId: string }>(
        (
          await socket.call('backtest:run', {
            data: { source: 'synthetic', symbols: ['ACME'], timeframe: '1m', bars: 5_000, seed: 3 },
            config: { strategy: { id: 'sma-crossover', params: { fast: 5, slow: 20 } } },
          })
        ).result,
      );
      for (let i = 0; i < 600; i++) {
        const run = expectOk<{ status: string }>((await socket.call('backtest:get', { runId })).result);
        if (run.status === 'done') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const framesBefore = socket.binaryFrames;
      const bars = expectOk<BacktestBars>(
        (await socket.call('backtest:bars', { runId, symbol: 'ACME', maxBars: 4_000 })).result,
      );
      expect(socket.binaryFrames).toBe(framesBefore + 1);

      const direct = expectOk<BacktestBars>(
        await host.services.dispatch('backtest:bars', { runId, symbol: 'ACME', maxBars: 4_000 }),
      );
      expect(bars.length).toBe(4_000);
      for (const column of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
        expect(bars[column]).toBeInstanceOf(Float64Array);
        expect(Array.from(bars[column])).toEqual(Array.from(direct[column]));
      }
      // The SMA lines keep their warm-up gaps as NaN: the last 4,000 of 5,000 bars are past it, so check a value.
      const sma = bars.indicators.find((set) => set.id === 'sma-20')!.lines[0]!.values;
      expect(sma).toHaveLength(4_000);
      const closes = Array.from(bars.close.subarray(3_980, 4_000));
      expect(sma[3_999]).toBeCloseTo(closes.reduce((a, b) => a + b, 0) / 20, 9);
      // Small answers stay JSON text.
      expectOk((await socket.call('app:info', {})).result);
      expect(socket.binaryFrames).toBe(framesBefore + 1);
      await socket.close();
    } finally {
      await host.close();
    }
  });

  test('1,000 pushes published in a burst arrive in a few batches, all of them, in order, to every client', async () => {
    const host = await startTestHost();
    try {
      const a = await ApiSocket.open(host.apiUrl, host.server.origin);
      const b = await ApiSocket.open(host.apiUrl, host.server.origin);
      const count = (p: readonly { batch: readonly unknown[] }[]) =>
        p.reduce((n, x) => n + x.batch.length, 0);

      for (let i = 0; i < 1_000; i++) host.services.pushes.publish('heartbeat', { time: i, uptimeMs: -1 });
      const gotA = await a.collectPushes((p) => count(p) >= 1_000);
      const gotB = await b.collectPushes((p) => count(p) >= 1_000);

      for (const got of [gotA, gotB]) {
        expect(got.length).toBeGreaterThanOrEqual(1);
        expect(got.length).toBeLessThanOrEqual(5);
        const times = got.flatMap((p) => (p.batch as Heartbeat[]).map((h) => h.time));
        expect(times).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
      }
      await a.close();
      await b.close();
    } finally {
      await host.close();
    }
  });

  test('a refused client gets no pushes; a closed client is dropped without disturbing the others', async () => {
    const host = await startTestHost();
    try {
      const stays = await ApiSocket.open(host.apiUrl, host.server.origin);
      const leaves = await ApiSocket.open(host.apiUrl, host.server.origin);
      await leaves.close();

      host.services.pushes.publish('heartbeat', { time: 1, uptimeMs: 1 });
      const got = await stays.collectPushes((p) => p.length >= 1);

      expect(got).toEqual([{ topic: 'heartbeat', batch: [{ time: 1, uptimeMs: 1 }] }]);
      expectOk((await stays.call('app:info', {})).result);
      await stays.close();
    } finally {
      await host.close();
    }
  });
});
