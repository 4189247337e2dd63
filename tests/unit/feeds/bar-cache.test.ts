import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { readBarsCached } from '../../../src/main/feeds/bar-cache';
import { readBarsCsv } from '../../../src/main/feeds/csv';

const HEADER = 'date,open,high,low,close,volume\n';
const rows = (count: number, base = 101): string =>
  Array.from({ length: count }, (_, k) => {
    const date = new Date(Date.UTC(2024, 0, 1 + k)).toISOString().slice(0, 10);
    const price = base + k;
    return `${date},${price},${price + 1},${price - 1},${price + 0.5},${1000 + k}\n`;
  }).join('');

let dir: string;
let cache: string;
let csv: string;
const options = { symbol: 'ACME' };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'marketboss-bar-cache-'));
  cache = join(dir, 'cache');
  csv = join(dir, 'prices.csv');
  writeFileSync(csv, HEADER + rows(50));
});

function entryPath(): string {
  const [entry] = readdirSync(cache);
  return join(cache, entry!);
}

describe('the parsed-data cache', () => {
  it('imports once, then serves the same columns from the cache', () => {
    const first = readBarsCached(csv, options, cache);
    expect(first.cache).toBe('miss');
    const second = readBarsCached(csv, options, cache);
    expect(second.cache).toBe('hit');
    const direct = readBarsCsv(csv, options);
    for (const result of [first, second]) {
      expect(Array.from(result.series.close)).toEqual(Array.from(direct.series.close));
      expect(Array.from(result.series.time)).toEqual(Array.from(direct.series.time));
      expect(result.series.timeframe).toBe('1D');
      expect(result.timeframeNote).toBe(direct.timeframeNote);
    }
    expect(readdirSync(cache)).toHaveLength(1);
  });

  it('a file that changed size or mtime is imported again', () => {
    readBarsCached(csv, options, cache);
    writeFileSync(csv, HEADER + rows(51));
    const grown = readBarsCached(csv, options, cache);
    expect(grown.cache).toBe('miss');
    expect(grown.series.length).toBe(51);

    const later = new Date(statSync(csv).mtimeMs + 5_000);
    utimesSync(csv, later, later);
    expect(readBarsCached(csv, options, cache).cache).toBe('miss');
    expect(readBarsCached(csv, options, cache).cache).toBe('hit');
  });

  it('new content of the same size, with the old mtime put back, is still seen as changed', () => {
    const stamp = 1_700_000_000; // whole seconds, so the file system keeps the time exactly
    utimesSync(csv, stamp, stamp);
    readBarsCached(csv, options, cache);
    const changed = HEADER + rows(50, 201); // same length: every price moves by 100
    expect(changed.length).toBe(readFileSync(csv, 'utf8').length);
    writeFileSync(csv, changed);
    utimesSync(csv, stamp, stamp);
    expect(statSync(csv).mtimeMs).toBe(stamp * 1000);
    const again = readBarsCached(csv, options, cache);
    expect(again.cache).toBe('miss');
    expect(again.series.open[0]).toBe(201);
  });

  it('a truncated entry is never trusted: the CSV is read again, with a warning, and the entry rewritten', () => {
    readBarsCached(csv, options, cache);
    const entry = entryPath();
    truncateSync(entry, statSync(entry).size - 8);
    const rebuilt = readBarsCached(csv, options, cache);
    expect(rebuilt.cache).toBe('rebuilt');
    expect(rebuilt.cacheWarning).toMatch(
      /^the cached columns of .*prices\.csv were damaged \(.+\); read the CSV again$/,
    );
    expect(rebuilt.series.length).toBe(50);
    expect(readBarsCached(csv, options, cache).cache).toBe('hit');
  });

  it('a flipped byte in the columns is caught by the checksum', () => {
    readBarsCached(csv, options, cache);
    const entry = entryPath();
    const bytes = readFileSync(entry);
    bytes[bytes.length - 100]! ^= 0x40;
    writeFileSync(entry, bytes);
    const rebuilt = readBarsCached(csv, options, cache);
    expect(rebuilt.cache).toBe('rebuilt');
    expect(rebuilt.cacheWarning).toContain('checksum mismatch');
    expect(Array.from(rebuilt.series.close)).toEqual(Array.from(readBarsCsv(csv, options).series.close));
  });

  it('garbage where an entry should be is rebuilt too', () => {
    readBarsCached(csv, options, cache);
    writeFileSync(entryPath(), 'not a cache entry at all');
    expect(readBarsCached(csv, options, cache).cache).toBe('rebuilt');
  });

  it('skipping bad rows is a different import, with its own entry', () => {
    writeFileSync(csv, `${HEADER}${rows(10)}2024-02-01,1,0.5,1,1,1\n`);
    expect(() => readBarsCached(csv, options, cache)).toThrow('prices.csv line 12');
    const skipped = readBarsCached(csv, { ...options, skipInvalid: true }, cache);
    expect(skipped.series.length).toBe(10);
    const cached = readBarsCached(csv, { ...options, skipInvalid: true }, cache);
    expect(cached.cache).toBe('hit');
    expect(cached.skipped).toBe(1);
    expect(cached.problems).toEqual(skipped.problems);
    expect(() => readBarsCached(csv, options, cache)).toThrow('prices.csv line 12');
  });

  it('a given timeframe is honoured on a hit; the symbol is the caller’s', () => {
    readBarsCached(csv, options, cache);
    const given = readBarsCached(csv, { symbol: 'OTHER', timeframe: '1h' }, cache);
    expect(given.cache).toBe('hit');
    expect(given.series.timeframe).toBe('1h');
    expect(given.series.symbol).toBe('OTHER');
    expect(given.timeframeNote).toBe('given: 1h');
  });

  it('a cache folder that cannot be written costs only speed', () => {
    writeFileSync(join(dir, 'blocker'), 'a file where the cache folder should be');
    const result = readBarsCached(csv, options, join(dir, 'blocker', 'cache'));
    expect(result.cache).toBe('miss');
    expect(result.series.length).toBe(50);
  });
});
