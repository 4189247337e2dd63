// The app log read back for the viewer: rotated files first, levels and text filtered, paged newest first.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createAppLogReader } from '../../../src/main/log/log-reader';
import { createFileLogger } from '../../../src/main/log/logger';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'marketboss-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(count: number): void {
  let time = Date.UTC(2026, 0, 5, 9, 0);
  // Small files: the lines spread over the current file and rotated ones.
  const log = createFileLogger({
    dir,
    maxBytes: 400,
    keep: 9,
    now: () => (time += 1_000),
    minLevel: 'debug',
  });
  for (let i = 0; i < count; i++) {
    const level = (['debug', 'info', 'warn', 'error'] as const)[i % 4]!;
    log[level](`line ${i}`, { sessionId: i % 2 === 0 ? 's-even' : 's-odd', apiKey: 'PKSECRET' });
  }
}

test('every line, newest first, across rotated files; secrets stay redacted', () => {
  write(30);
  const page = createAppLogReader(dir, 'marketboss.log', 9)({ limit: 1_000 });
  expect(page.total).toBe(30);
  expect(page.events.map((e) => e.message.split(' {')[0])).toEqual(
    Array.from({ length: 30 }, (_, i) => `line ${29 - i}`),
  );
  expect(page.events[0]).toMatchObject({ level: 'info', kind: 'app', subject: 's-odd' });
  expect(JSON.stringify(page)).not.toContain('PKSECRET');
});

test('levels and text filter; pages follow the cursor without gaps; a torn line is shown as written', () => {
  write(30);
  appendFileSync(join(dir, 'marketboss.log'), '{"time":"2026-01-05T10:00:00.000Z","level":"err\n');
  const read = createAppLogReader(dir, 'marketboss.log', 9);
  expect(read({ levels: ['error'], limit: 100 }).events.map((e) => e.message.split(' {')[0])).toEqual(
    [27, 23, 19, 15, 11, 7, 3].map((i) => `line ${i}`),
  );
  expect(read({ text: 'S-EVEN', levels: ['debug'], limit: 100 }).total).toBe(8);
  const whole = read({ limit: 1_000 }).events;
  expect(whole[0]!.message).toBe('{"time":"2026-01-05T10:00:00.000Z","level":"err');
  const pages: string[] = [];
  let page = read({ limit: 7 });
  for (;;) {
    pages.push(...page.events.map((e) => e.id));
    if (page.next === null) break;
    page = read({ limit: 7, before: page.next });
  }
  expect(pages).toEqual(whole.map((e) => e.id));
});
