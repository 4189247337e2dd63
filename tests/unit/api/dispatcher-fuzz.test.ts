// Property-based fuzz of the real service dispatcher (real SQLite in a temp dir): arbitrary names and payloads are
// each answered with a Result, nothing throws, and stored settings change only for a valid settings:set.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServices, type Services } from '../../../src/main/services';
import { calls as contract, type Settings, THEMES } from '../../../src/shared/api/contract';
import { CALL_NAMES, type CallName } from '../../../src/shared/api/names';
import { expectResult } from './expect-result';

const SETTINGS_KEYS = ['theme', 'notifications'] as const;

const isObjectLike = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An oracle written from the contract's words, independent of zod: the patch the caller meant when the payload
 * is a valid settings:set argument, otherwise undefined.
 */
function validPatch(arg: unknown): Partial<Settings> | undefined {
  if (!isObjectLike(arg)) return undefined;
  const keys = Object.keys(arg);
  if (keys.length !== 1 || keys[0] !== 'patch') return undefined;
  const patch = arg.patch;
  if (!isObjectLike(patch)) return undefined;
  // A key whose value is undefined is no change (JSON drops it; structured clone keeps it as "not given").
  const patchKeys = Object.keys(patch).filter((key) => patch[key] !== undefined);
  if (patchKeys.length === 0) return undefined;
  for (const key of patchKeys) {
    if (key === 'theme' && (THEMES as readonly unknown[]).includes(patch.theme)) continue;
    if (key === 'notifications' && typeof patch.notifications === 'boolean') continue;
    return undefined;
  }
  return Object.fromEntries(patchKeys.map((k) => [k, patch[k]])) as Partial<Settings>;
}

/** Calls whose argument is the empty object: they accept {} and refuse any key. */
const NO_ARG_CALLS: ReadonlySet<string> = new Set(
  CALL_NAMES.filter(
    (n) => contract[n].input.safeParse({}).success && !contract[n].input.safeParse({ probe: 1 }).success,
  ),
);

/** A call without arguments accepts nothing, null, or an object without own keys. */
const validNoArgs = (arg: unknown): boolean =>
  arg === undefined || arg === null || (isObjectLike(arg) && Object.keys(arg).length === 0);

const exotic = {
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withTypedArray: true,
  withSparseArray: true,
  maxDepth: 4,
} as const;

const nest = (depth: number, leaf: unknown): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { patch: value, [`k${i}`]: [value] };
  return value;
};

const PROTO_PAYLOADS: readonly string[] = [
  '{"__proto__":{"theme":"light"}}',
  '{"patch":{"__proto__":{"theme":"light"}}}',
  '{"patch":{"__proto__":{"polluted":1},"theme":"light"}}',
  '{"patch":{"constructor":{"prototype":{"polluted":1}}}}',
  '{"constructor":{"prototype":{"polluted":1}},"patch":{"theme":"dark"}}',
  '{"patch":{"theme":"light","prototype":{}}}',
  '{"__proto__":null}',
];

const names = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...CALL_NAMES) },
  { weight: 2, arbitrary: fc.string({ maxLength: 80 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'settings:set\u0000',
      ' settings:get',
    ),
  },
  { weight: 1, arbitrary: fc.anything(exotic) },
);

const settingsValue = fc.oneof(
  fc.constantFrom<unknown>(...THEMES, true, false, 'blue', '', 0, 1, null),
  fc.anything({ maxDepth: 2 }),
);

const patches = fc.oneof(
  // mostly well-formed, so the valid branch is exercised often
  fc.record({ theme: fc.constantFrom(...THEMES), notifications: fc.boolean() }, { requiredKeys: [] }),
  fc.dictionary(
    fc.constantFrom('theme', 'notifications', 'colour', '__proto__', 'constructor'),
    settingsValue,
    {
      maxKeys: 3,
    },
  ),
  fc.anything(exotic),
);

const payloads = fc.oneof(
  { weight: 5, arbitrary: patches.map((patch) => ({ patch })) },
  {
    weight: 1,
    arbitrary: fc.tuple(patches, fc.string(), fc.anything()).map(([patch, k, v]) => ({ patch, [k]: v })),
  },
  { weight: 3, arbitrary: fc.anything(exotic) },
  { weight: 1, arbitrary: fc.constantFrom(...PROTO_PAYLOADS).map((text) => JSON.parse(text) as unknown) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 10, max: 2_000 }).map((depth) => nest(depth, { theme: 'light' })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(10_000, 1_000_000)
      .chain((n) =>
        fc.constantFrom<unknown>(
          'x'.repeat(n),
          { patch: { theme: 'l'.repeat(n) } },
          { patch: { ['k'.repeat(n)]: true } },
        ),
      ),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, {}, [], 0, '', Number.NaN) },
);

/** Mostly arbitrary (name, payload) pairs, plus settings:set with near-valid patches so the valid branch runs often. */
const calls = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(names, payloads) },
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.constant<unknown>('settings:set'),
      patches.map((patch): unknown => ({ patch })),
    ),
  },
);

describe('dispatcher fuzz over the real services', () => {
  let dir: string;
  let services: Services;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'marketboss-fuzz-'));
    services = createServices({
      dataDir: dir,
      version: '0.0.0-test',
      transport: 'websocket',
      electronVersion: null,
      heartbeatMs: 3_600_000,
    });
  });
  afterAll(async () => {
    await services?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const storedRows = (): Record<string, string> =>
    Object.fromEntries(
      services.db
        .prepare<[], { key: string; value: string }>('SELECT key, value FROM settings ORDER BY key')
        .all()
        .map((r) => [r.key, r.value]),
    );
  const currentSettings = async (): Promise<Settings> => {
    const result = await services.dispatch('settings:get', {});
    if (!result.ok) throw new Error(result.error.message);
    return result.value as Settings;
  };

  test('every name and payload is answered with a Result; settings change only for a valid settings:set', async () => {
    let validSets = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(calls, async ([name, arg]) => {
        const rowsBefore = storedRows();
        const settingsBefore = await currentSettings();
        const known = typeof name === 'string' && (CALL_NAMES as readonly string[]).includes(name);
        const patch = name === 'settings:set' ? validPatch(arg) : undefined;

        let answer: unknown;
        try {
          answer = await services.dispatch(name, arg);
        } catch (error) {
          throw new Error(`dispatch threw instead of answering: ${String(error)}`);
        }

        expectResult(answer);
        expect(() => JSON.stringify(answer)).not.toThrow();
        if (!known) {
          expect(answer.ok ? 'ok' : answer.error.code).toBe('unknown-call');
        } else if (name === 'settings:set') {
          expect(answer.ok ? 'ok' : answer.error.code).toBe(patch ? 'ok' : 'bad-request');
        } else if (NO_ARG_CALLS.has(name)) {
          expect(answer.ok ? 'ok' : answer.error.code).toBe(validNoArgs(arg) ? 'ok' : 'bad-request');
        } else {
          // Calls with arguments: a payload the schema refuses is bad-request; one it accepts reaches the handler,
          // which may still answer not-found (no such run) but never crashes.
          const accepted = contract[name as CallName].input.safeParse(arg ?? {}).success;
          const code = answer.ok ? 'ok' : answer.error.code;
          if (!accepted) expect(code).toBe('bad-request');
          else expect(['ok', 'not-found', 'conflict', 'bad-request']).toContain(code);
        }

        if (patch) {
          validSets++;
          const expected = { ...settingsBefore, ...patch };
          expect(answer.ok && answer.value).toEqual(expected);
          expect(await currentSettings()).toEqual(expected);
          // keys outside the patch keep their stored rows untouched
          const rowsAfter = storedRows();
          for (const key of SETTINGS_KEYS) if (!(key in patch)) expect(rowsAfter[key]).toBe(rowsBefore[key]);
        } else {
          refused++;
          expect(storedRows()).toEqual(rowsBefore);
        }
      }),
      { numRuns: 1_200 },
    );
    // the generators really exercise both branches
    expect(validSets).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(300);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await services.dispatch('app:info', {})).ok).toBe(true);
  }, 120_000);
});
