// Structured JSON-lines logs: one line per call, correlation context carried, secrets redacted, rotated by size.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  createFileLogger,
  createMemoryLogger,
  type FileLoggerOptions,
  redact,
} from '../../../src/main/log/logger';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'marketboss-log-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const FIXED_TIME = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

function fileLogger(options: Partial<FileLoggerOptions> = {}) {
  const log = createFileLogger({ dir, now: () => FIXED_TIME, ...options });
  const path = join(dir, options.fileName ?? 'marketboss.log');
  const lines = (file = path): Record<string, unknown>[] =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as Record<string, unknown>)
      : [];
  return { log, path, lines };
}

describe('file logger: JSON lines', () => {
  test('each call writes exactly one JSON line with time, level and message', () => {
    const { log, path, lines } = fileLogger();

    log.info('services started', { dataDir: '/data' });
    log.warn('slow call', { ms: 1200 });
    log.error('call crashed');

    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(4);
    expect(lines()).toEqual([
      { time: '2026-01-02T03:04:05.678Z', level: 'info', message: 'services started', dataDir: '/data' },
      { time: '2026-01-02T03:04:05.678Z', level: 'warn', message: 'slow call', ms: 1200 },
      { time: '2026-01-02T03:04:05.678Z', level: 'error', message: 'call crashed' },
    ]);
  });

  test('a message with newlines and quotes stays on one line', () => {
    const { log, path, lines } = fileLogger();

    log.info('line one\nline two "quoted"\r\n', { text: 'a\nb' });

    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(2);
    expect(lines()[0]).toMatchObject({ message: 'line one\nline two "quoted"\r\n', text: 'a\nb' });
  });

  test('debug is dropped at the default level (info) and kept when asked', () => {
    const quiet = fileLogger();
    quiet.log.debug('noise');
    quiet.log.info('kept');
    expect(quiet.lines().map((l) => l.message)).toEqual(['kept']);

    const verbose = fileLogger({ fileName: 'verbose.log', minLevel: 'debug' });
    verbose.log.debug('noise');
    expect(verbose.lines().map((l) => l.level)).toEqual(['debug']);

    const errorsOnly = fileLogger({ fileName: 'errors.log', minLevel: 'error' });
    errorsOnly.log.warn('not kept');
    errorsOnly.log.error('kept');
    expect(errorsOnly.lines().map((l) => l.message)).toEqual(['kept']);
  });

  test('appends to an existing log instead of truncating it', () => {
    writeFileSync(join(dir, 'marketboss.log'), `${JSON.stringify({ message: 'from last run' })}\n`);
    const { log, lines } = fileLogger();

    log.info('this run');

    expect(lines().map((l) => l.message)).toEqual(['from last run', 'this run']);
  });

  test('creates its folder', () => {
    const nested = join(dir, 'a', 'b', 'logs');
    const log = createFileLogger({ dir: nested });

    log.info('hello');

    expect(existsSync(join(nested, 'marketboss.log'))).toBe(true);
  });

  test("the line's own time, level and message are not overwritten by context fields of the same name", () => {
    const { log, lines } = fileLogger();

    log.info('bar received', { time: 12345, level: 'debug', message: 'spoofed' });

    const line = lines()[0]!;
    expect(line.time).toBe('2026-01-02T03:04:05.678Z');
    expect(line.level).toBe('info');
    expect(line.message).toBe('bar received');
  });

  test('an Error in the context is written with its name, message and stack', () => {
    const { log, lines } = fileLogger();

    log.error('call crashed', { error: new RangeError('bad size') });

    const error = lines()[0]!.error as Record<string, unknown>;
    expect(error.name).toBe('RangeError');
    expect(error.message).toBe('bad size');
    expect(String(error.stack)).toContain('RangeError: bad size');
  });
});

describe('child loggers carry context', () => {
  test('a child adds its context to every line, and a grandchild adds more', () => {
    const { log, lines } = fileLogger();
    const call = log.child({ correlationId: 'c-1', call: 'settings:set' });
    const nested = call.child({ transport: 'websocket' });

    call.warn('bad payload refused', { problem: 'patch.theme' });
    nested.info('answered');
    log.info('unrelated');

    expect(lines()).toEqual([
      expect.objectContaining({ correlationId: 'c-1', call: 'settings:set', problem: 'patch.theme' }),
      expect.objectContaining({ correlationId: 'c-1', call: 'settings:set', transport: 'websocket' }),
      expect.not.objectContaining({ correlationId: expect.anything() }),
    ]);
  });

  test('the memory logger carries child context the same way', () => {
    const log = createMemoryLogger();

    log.child({ correlationId: 'c-2' }).error('boom', { code: 'internal' });

    expect(log.lines).toEqual([
      { level: 'error', message: 'boom', context: { correlationId: 'c-2', code: 'internal' } },
    ]);
  });
});

describe('secrets are never written', () => {
  const SECRET = 'PK-SUPER-SECRET-VALUE';

  test.each([
    'secret',
    'token',
    'password',
    'apiKey',
    'api_key',
    'keyId',
    'key_id',
    'secretKey',
    'ALPACA_SECRET',
    'Authorization',
    'passphrase',
  ])('a field named %s is redacted', (key) => {
    const { log, path } = fileLogger();

    log.info('credentials saved', { [key]: SECRET, paper: true });

    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toMatchObject({ [key]: '[redacted]', paper: true });
  });

  test('nested fields and arrays are redacted too, other fields kept', () => {
    const { log, path, lines } = fileLogger();

    log.info('venue configured', {
      venue: { name: 'alpaca', credentials: { keyId: SECRET, secret: SECRET } },
      headers: [{ Authorization: `Bearer ${SECRET}` }, { accept: 'json' }],
    });

    expect(readFileSync(path, 'utf8')).not.toContain(SECRET);
    expect(lines()[0]).toMatchObject({
      venue: { name: 'alpaca', credentials: { keyId: '[redacted]', secret: '[redacted]' } },
      headers: [{ Authorization: '[redacted]' }, { accept: 'json' }],
    });
  });

  test('a secret nested deeper than the redaction depth is still not written', () => {
    const { log, path } = fileLogger();
    let context: Record<string, unknown> = { password: SECRET };
    for (let i = 0; i < 10; i++) context = { level: context };

    log.info('deep context', { deep: context });

    expect(readFileSync(path, 'utf8')).not.toContain(SECRET);
  });

  test('child context is redacted too', () => {
    const { log, path } = fileLogger();

    log.child({ token: SECRET }).info('connected');

    expect(readFileSync(path, 'utf8')).not.toContain(SECRET);
  });

  test('the memory logger redacts as well', () => {
    const log = createMemoryLogger();

    log.warn('x', { apiKey: SECRET, nested: { password: SECRET } });

    expect(JSON.stringify(log.lines)).not.toContain(SECRET);
  });

  test('redact does not change its input', () => {
    const input = { token: SECRET, inner: { password: SECRET } };

    const output = redact(input);

    expect(input.token).toBe(SECRET);
    expect(input.inner.password).toBe(SECRET);
    expect(output).toEqual({ token: '[redacted]', inner: { password: '[redacted]' } });
  });

  test('redact keeps ordinary values as they are', () => {
    expect(redact({ symbol: 'AAPL', qty: 10, tags: ['a', 1, null], when: null })).toEqual({
      symbol: 'AAPL',
      qty: 10,
      tags: ['a', 1, null],
      when: null,
    });
    expect(redact('plain')).toBe('plain');
    expect(redact(3)).toBe(3);
  });
});

describe('rotation by size', () => {
  const line = (i: number) => `line ${String(i).padStart(5, '0')} ${'x'.repeat(60)}`;

  test('rotates when the file would pass maxBytes, keeping `keep` old files and the newest lines current', () => {
    const { log, path, lines } = fileLogger({ maxBytes: 1_000, keep: 3 });

    for (let i = 0; i < 200; i++) log.info(line(i));

    const files = readdirSync(dir).sort();
    expect(files).toEqual(['marketboss.log', 'marketboss.log.1', 'marketboss.log.2', 'marketboss.log.3']);
    for (const file of files) expect(statSync(join(dir, file)).size).toBeLessThanOrEqual(1_000);
    // newest in the current file, the one before in .1, and so on: the messages read in order across files
    const current = lines().map((l) => l.message);
    expect(current.at(-1)).toBe(line(199));
    const kept = [3, 2, 1].flatMap((n) => lines(`${path}.${n}`).map((l) => l.message)).concat(current);
    const firstKept = Number(String(kept[0]).slice(5, 10));
    expect(kept).toEqual(Array.from({ length: 200 - firstKept }, (_, k) => line(firstKept + k)));
    expect(firstKept).toBeGreaterThan(0);
  });

  test('keep = 1 keeps only the current file and one old one', () => {
    const { log } = fileLogger({ maxBytes: 500, keep: 1 });

    for (let i = 0; i < 50; i++) log.info(line(i));

    expect(readdirSync(dir).sort()).toEqual(['marketboss.log', 'marketboss.log.1']);
  });

  test('a line larger than maxBytes is still written whole', () => {
    const { log, lines } = fileLogger({ maxBytes: 100 });

    log.info('y'.repeat(500));

    expect(lines()[0]!.message).toBe('y'.repeat(500));
  });

  test('an existing large log from the last run is rotated on the first write', () => {
    writeFileSync(
      join(dir, 'marketboss.log'),
      `${JSON.stringify({ message: 'old' })}\n${'z'.repeat(2_000)}\n`,
    );
    const { log, lines, path } = fileLogger({ maxBytes: 1_000 });

    log.info('new run');

    expect(lines().map((l) => l.message)).toEqual(['new run']);
    expect(readFileSync(`${path}.1`, 'utf8')).toContain('"old"');
  });

  test('sizes are counted in bytes, so multi-byte text cannot grow a file past maxBytes', () => {
    const { log } = fileLogger({ maxBytes: 1_000, keep: 2 });

    for (let i = 0; i < 100; i++) log.info(`€€€€€€€€€€€€€€€€€€€€ ${i}`);

    for (const file of readdirSync(dir)) expect(statSync(join(dir, file)).size).toBeLessThanOrEqual(1_000);
  });
});
