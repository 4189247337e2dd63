// The one handler table behind both transports: every call answers a Result, never a throw.

import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { createDispatcher, describeIssues, type HandlerTable } from '../../../src/main/api/dispatcher';
import { BarDataError, DataFileError } from '../../../src/main/feeds/errors';
import { createMemoryLogger } from '../../../src/main/log/logger';
import type { AppInfo, Settings } from '../../../src/shared/api/contract';
import { ApiFailure } from '../../../src/shared/api/ports';
import { handlerTable } from '../../support/handler-table';
import { expectFailure, expectOk, expectResult } from './expect-result';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

const FAKE_INFO: AppInfo = {
  name: 'MarketBoss',
  version: '9.9.9',
  dataDir: '/data',
  logDir: '/data/logs',
  databasePath: '/data/marketboss.db',
  schemaVersion: 1,
  transport: 'websocket',
  electron: { present: false, version: null },
  node: '20',
  platform: 'linux',
};

/** A handler table that records what reached it; `settings:set` can be told to throw. */
function fakeTable(throwOnSet?: () => unknown) {
  const received: { name: string; arg: unknown }[] = [];
  let settings: Settings = { theme: 'dark', notifications: true, workspace: {}, window: null };
  const handlers: HandlerTable = handlerTable({
    'app:info': (arg) => {
      received.push({ name: 'app:info', arg });
      return FAKE_INFO;
    },
    'settings:get': (arg) => {
      received.push({ name: 'settings:get', arg });
      return settings;
    },
    'settings:set': async (arg) => {
      received.push({ name: 'settings:set', arg });
      if (throwOnSet) throw throwOnSet();
      settings = { ...settings, ...arg.patch };
      return settings;
    },
  });
  return { handlers, received };
}

function setup(throwOnSet?: () => unknown) {
  const log = createMemoryLogger();
  const { handlers, received } = fakeTable(throwOnSet);
  return { dispatch: createDispatcher(handlers, log), log, received };
}

describe('dispatcher: valid calls', () => {
  test('a valid call answers { ok: true, value } with what the handler returned', async () => {
    const { dispatch, received } = setup();

    const result = await dispatch('app:info', {});

    expect(result).toEqual({ ok: true, value: FAKE_INFO });
    expect(received).toEqual([{ name: 'app:info', arg: {} }]);
  });

  test('a call without an argument (undefined or null) is treated as {}', async () => {
    const { dispatch } = setup();

    const defaults = { theme: 'dark', notifications: true, workspace: {}, window: null };
    expect(expectOk(await dispatch('settings:get', undefined))).toEqual(defaults);
    expect(expectOk(await dispatch('settings:get', null))).toEqual(defaults);
  });

  test('settings:set passes the validated patch to the handler', async () => {
    const { dispatch, received } = setup();

    const value = expectOk<Settings>(await dispatch('settings:set', { patch: { theme: 'light' } }));

    expect(value.theme).toBe('light');
    expect(received).toHaveLength(1);
    expect((received[0]!.arg as { patch: Partial<Settings> }).patch.theme).toBe('light');
  });

  test('settings:set hands the handler only the keys the caller sent (no defaults filled in)', async () => {
    // A patch of { theme } must not carry notifications: true along with it, or setting the theme would
    // silently reset a user's notifications choice.
    const { dispatch, received } = setup();

    await dispatch('settings:set', { patch: { theme: 'light' } });

    expect(received[0]!.arg).toEqual({ patch: { theme: 'light' } });
  });

  test('every call gets its own correlation id in the log', async () => {
    const { dispatch, log } = setup();

    await dispatch('nope:one', {});
    await dispatch('nope:two', {});

    const ids = log.lines.map((l) => l.context.correlationId);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(ids[0]).not.toBe(ids[1]);
  });
});

describe('dispatcher: bad payloads are bad-request results naming the failing field in the user’s words', () => {
  test('a theme outside the enum names the Theme field, and its path goes along for the form', async () => {
    const { dispatch, received } = setup();

    const result = await dispatch('settings:set', { patch: { theme: 'blue' } });
    const message = expectFailure(result, 'bad-request');

    expect(message).toBe('Theme: must be one of dark, light');
    expect(result.ok ? [] : result.error.fields).toEqual([
      { path: 'patch.theme', message: 'must be one of dark, light' },
    ]);
    expect(received).toEqual([]);
  });

  test('no message carries the call name or the raw path (`method: path:`)', async () => {
    const { dispatch } = setup();

    const message = expectFailure(
      await dispatch('settings:set', { patch: { notifications: 'yes' } }),
      'bad-request',
    );

    expect(message).not.toContain('settings:set');
    expect(message).not.toContain('patch.');
  });

  test('a wrong type names its path', async () => {
    const { dispatch } = setup();

    const message = expectFailure(
      await dispatch('settings:set', { patch: { notifications: 'yes' } }),
      'bad-request',
    );

    expect(message).toBe('Notifications: must be true or false');
  });

  test('an unknown key in a strict object is refused and named', async () => {
    const { dispatch, received } = setup();

    const inPatch = expectFailure(
      await dispatch('settings:set', { patch: { colour: 'red' } }),
      'bad-request',
    );
    const atTop = expectFailure(await dispatch('app:info', { verbose: true }), 'bad-request');

    expect(inPatch).toMatch(/^Patch: has no setting "colour"/);
    expect(atTop).toMatch(/^The request: /);
    expect(atTop).toContain('verbose');
    expect(received).toEqual([]);
  });

  test('a missing required field names it', async () => {
    const { dispatch } = setup();

    const message = expectFailure(await dispatch('settings:set', {}), 'bad-request');

    expect(message).toBe('Patch: is required');
  });

  test('an empty patch is refused', async () => {
    const { dispatch, received } = setup();

    const message = expectFailure(await dispatch('settings:set', { patch: {} }), 'bad-request');

    expect(message).toContain('patch is empty');
    expect(received).toEqual([]);
  });

  test.each([
    ['a number', 42],
    ['a string', 'settings'],
    ['an array', [{ patch: { theme: 'light' } }]],
    ['true', true],
  ])('an argument that is %s instead of an object is refused', async (_label, arg) => {
    const { dispatch, received } = setup();

    const message = expectFailure(await dispatch('settings:set', arg), 'bad-request');

    expect(message).toMatch(/^The request: /);
    expect(received).toEqual([]);
  });

  test('a __proto__ key (prototype pollution attempt) is refused and pollutes nothing', async () => {
    const { dispatch, received } = setup();
    const arg = JSON.parse('{"patch":{"__proto__":{"polluted":true},"theme":"light"}}') as unknown;

    const message = expectFailure(await dispatch('settings:set', arg), 'bad-request');

    expect(message).toContain('__proto__');
    expect(received).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('a bad payload is logged as a warning with the problem and the correlation id', async () => {
    const { dispatch, log } = setup();

    await dispatch('settings:set', { patch: { theme: 'blue' } });

    expect(log.lines).toHaveLength(1);
    const line = log.lines[0]!;
    expect(line.level).toBe('warn');
    expect(line.context.call).toBe('settings:set');
    expect(line.context.correlationId).toMatch(UUID);
    expect(String(line.context.problem)).toContain('patch.theme');
  });

  test('describeIssues names each failing path and at most five of them', () => {
    const schema = z.object(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}`, z.number()])));
    const parsed = schema.safeParse({ f0: 'x', nested: 1 });
    if (parsed.success) throw new Error('the schema should refuse this');

    const message = describeIssues(parsed.error);

    expect(message.split('; ')).toHaveLength(5);
    expect(message).toMatch(/^F 0: must be a number/);
    expect(message).toContain('; F 1: is required');
  });

  test('describeIssues labels a nested field by its own key and the argument itself as "The request"', () => {
    const schema = z.object({ a: z.object({ bars: z.array(z.string()) }) }).strict();

    expect(describeIssues(schema.safeParse({ a: { bars: ['ok', 3] } }).error!)).toBe('Bars: must be text');
    expect(describeIssues(schema.safeParse('nope').error!)).toMatch(/^The request: /);
  });
});

describe('dispatcher: unknown calls', () => {
  test.each([
    ['a name not in the contract', 'orders:cancel-all', true],
    ['an empty name', '', false],
    ['a near miss (case)', 'APP:INFO', true],
    ['a near miss (space)', 'app:info ', false],
    ['an Object.prototype member', 'toString', false],
    ['__proto__', '__proto__', false],
    ['constructor', 'constructor', false],
  ])('%s is unknown-call and reaches no handler', async (_label, name, shaped) => {
    const { dispatch, received, log } = setup();

    const message = expectFailure(await dispatch(name, {}), 'unknown-call');

    // Only a name shaped like domain:verb is echoed; anything else could be data a client put there by mistake.
    if (shaped) expect(message).toContain(JSON.stringify(name));
    else expect(message).toBe('unknown call (not shaped like domain:verb)');
    expect(received).toEqual([]);
    expect(log.lines.map((l) => l.level)).toEqual(['warn']);
  });

  test.each([
    ['a number', 7],
    ['undefined', undefined],
    ['null', null],
    ['an object', { call: 'app:info' }],
    ['an array', ['app:info']],
    ['a symbol', Symbol('app:info')],
    ['a function', () => 'app:info'],
  ])('a name that is %s is unknown-call', async (_label, name) => {
    const { dispatch, received } = setup();

    expectFailure(await dispatch(name, {}), 'unknown-call');

    expect(received).toEqual([]);
  });

  test('a bigint name is unknown-call, not a thrown TypeError', async () => {
    const { dispatch } = setup();

    const answer = await dispatch(10n, {}).catch((error: unknown) => ({ thrown: String(error) }));

    expectFailure(answer, 'unknown-call');
  });

  test('a circular object as the name is unknown-call, not a thrown TypeError', async () => {
    const { dispatch } = setup();
    const name: Record<string, unknown> = {};
    name.self = name;

    const answer = await dispatch(name, {}).catch((error: unknown) => ({ thrown: String(error) }));

    expectFailure(answer, 'unknown-call');
  });

  test('a very long name is not echoed, in the answer or the log', async () => {
    const { dispatch, log } = setup();
    const name = `x:${'y'.repeat(100_000)}`;

    const message = expectFailure(await dispatch(name, {}), 'unknown-call');

    expect(message).toBe('unknown call (not shaped like domain:verb)');
    expect(log.lines[0]!.context.call).toBe('(not a call name)');
  });
});

describe('dispatcher: handler failures', () => {
  test.each(['bad-request', 'not-found', 'conflict', 'unavailable'] as const)(
    'an ApiFailure with code %s keeps its code and message',
    async (code) => {
      const { dispatch, log } = setup(() => new ApiFailure(code, `the ${code} explanation`));

      const message = expectFailure(await dispatch('settings:set', { patch: { theme: 'light' } }), code);

      expect(message).toBe(`the ${code} explanation`);
      expect(log.lines.at(-1)).toMatchObject({
        level: 'warn',
        context: { code, problem: `the ${code} explanation` },
      });
    },
  );

  test.each([
    ['a DataFileError', new DataFileError('/data/fifo is not a regular file (it is a FIFO/named pipe)')],
    ['a BarDataError', new BarDataError('prices.csv', 3, 'high', '9 is below max(open 10, close 10.5)')],
  ])(
    '%s that reaches the dispatcher is the user’s input: bad-request with its words, no correlation id',
    async (_label, thrown) => {
      const { dispatch, log } = setup(() => thrown);

      const message = expectFailure(
        await dispatch('settings:set', { patch: { theme: 'light' } }),
        'bad-request',
      );

      expect(message).toBe(thrown.message);
      expect(log.lines.filter((l) => l.level === 'error')).toEqual([]);
    },
  );

  test('any other Error is internal, with the correlation id in the message and in the error log line', async () => {
    const { dispatch, log } = setup(() => new Error('disk on fire'));

    const message = expectFailure(await dispatch('settings:set', { patch: { theme: 'light' } }), 'internal');

    expect(message).toContain('settings:set');
    expect(message).toContain('disk on fire');
    const id = UUID.exec(message)?.[0];
    expect(id).toBeDefined();
    const errorLines = log.lines.filter((l) => l.level === 'error');
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]!.context.correlationId).toBe(id);
    expect(errorLines[0]!.context.call).toBe('settings:set');
    // The error itself is in the log line, with enough to act on.
    expect(errorLines[0]!.context.error).toMatchObject({ name: 'Error', message: 'disk on fire' });
  });

  test('a thrown TypeError from inside a handler is internal, not passed through as a crash', async () => {
    const { dispatch } = setup(() => new TypeError('x is undefined'));

    const message = expectFailure(await dispatch('settings:set', { patch: { theme: 'light' } }), 'internal');

    expect(message).toContain('x is undefined');
  });

  test('a thrown string is internal', async () => {
    const { dispatch } = setup(() => 'just a string');

    const message = expectFailure(await dispatch('settings:set', { patch: { theme: 'light' } }), 'internal');

    expect(message).toMatch(UUID);
  });

  test.each([
    ['null', null],
    ['undefined', undefined],
  ])('a thrown %s is internal, not a TypeError escaping the dispatcher', async (_label, thrown) => {
    const { dispatch, log } = setup(() => thrown);

    const answer = await dispatch('settings:set', { patch: { theme: 'light' } }).catch((error: unknown) => ({
      escaped: String(error),
    }));

    const message = expectFailure(answer, 'internal');
    const id = UUID.exec(message)?.[0];
    expect(log.lines.find((l) => l.level === 'error')?.context.correlationId).toBe(id);
  });

  test('an error whose message is a secret-looking field is still logged without the secret context', async () => {
    const error = Object.assign(new Error('refused'), { token: 'sekrit' });
    const { dispatch, log } = setup(() => error);

    await dispatch('settings:set', { patch: { theme: 'light' } });

    expect(JSON.stringify(log.lines)).not.toContain('sekrit');
  });
});

test('expectResult itself refuses malformed answers (so the checks above can fail)', () => {
  expect(() => expectResult({ ok: true })).toThrow();
  expect(() => expectResult({ ok: false, error: { code: 'nope', message: 'x' } })).toThrow();
  expect(() => expectResult({ ok: false, error: { code: 'internal', message: '' } })).toThrow();
  expect(() => expectResult({ ok: true, value: 1, extra: 1 })).toThrow();
  expect(() => expectResult(undefined)).toThrow();
});
