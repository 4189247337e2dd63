// Shape checks for API answers, shared by the dispatcher and WebSocket tests.
import { expect } from 'vitest';
import type { ApiErrorCode, ApiResult } from '../../../src/shared/api/result';

export const ERROR_CODES: readonly ApiErrorCode[] = [
  'bad-request',
  'unknown-call',
  'not-found',
  'conflict',
  'unavailable',
  'internal',
];

/**
 * Asserts `value` is exactly `{ ok: true, value }` or `{ ok: false, error: { code, message, fields? } }` and nothing
 * else; `fields` (a bad-request's fields) is a non-empty list of { path, message }.
 */
export function expectResult(value: unknown): asserts value is ApiResult<unknown> {
  expect(value).toBeTypeOf('object');
  expect(value).not.toBeNull();
  const result = value as Record<string, unknown>;
  if (result.ok === true) {
    expect(Object.keys(result).sort()).toEqual(['ok', 'value']);
    return;
  }
  expect(result.ok).toBe(false);
  expect(Object.keys(result).sort()).toEqual(['error', 'ok']);
  const error = result.error as Record<string, unknown>;
  const keys = Object.keys(error).sort();
  expect(keys).toEqual(keys.includes('fields') ? ['code', 'fields', 'message'] : ['code', 'message']);
  if (keys.includes('fields')) {
    expect(error.code).toBe('bad-request');
    const fields = error.fields as { path: unknown; message: unknown }[];
    expect(fields.length).toBeGreaterThan(0);
    for (const field of fields) {
      expect(Object.keys(field).sort()).toEqual(['message', 'path']);
      expect(field.path).toBeTypeOf('string');
      expect(field.message).toBeTypeOf('string');
    }
  }
  expect(ERROR_CODES).toContain(error.code);
  expect(error.message).toBeTypeOf('string');
  expect((error.message as string).length).toBeGreaterThan(0);
}

/** Asserts an error result with `code` and returns its message. */
export function expectFailure(value: unknown, code: ApiErrorCode): string {
  expectResult(value);
  if (value.ok) throw new Error(`expected a ${code} error, got ok with ${JSON.stringify(value.value)}`);
  expect(value.error.code).toBe(code);
  return value.error.message;
}

/** Asserts an ok result and returns its value. */
export function expectOk<T = unknown>(value: unknown): T {
  expectResult(value);
  if (!value.ok) throw new Error(`expected ok, got ${value.error.code}: ${value.error.message}`);
  return value.value as T;
}
