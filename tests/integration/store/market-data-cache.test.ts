// Migration 0004 (the market-data cache) and its repository, on real SQLite files.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type BarCacheKey, createBarCacheRepo } from '../../../src/main/store/bar-cache-repo';
import { openDatabase } from '../../../src/main/store/database';
import type { Bar } from '../../../src/shared/domain/bars';
import { migrateAcross, type TempFolder, tempFolder } from './store-helpers';

let folder: TempFolder;
beforeEach(() => {
  folder = tempFolder();
});
afterEach(() => {
  folder.remove();
});

const MINUTE = 60_000;
const T0 = Date.parse('2025-03-04T14:30:00Z');
const AAPL: BarCacheKey = { source: 'alpaca', feed: 'iex', symbol: 'AAPL', timeframe: '1m' };

function minuteBars(from: number, count: number, price = 100): Bar[] {
  return Array.from({ length: count }, (_, i) => ({
    time: from + i * MINUTE,
    open: price + i,
    high: price + i + 1,
    low: price + i - 1,
    close: price + i + 0.5,
    volume: 10 + i,
  }));
}

describe('0004-market-data-cache', () => {
  test('3 → 4 keeps the older tables and adds series, bars (WITHOUT ROWID) and covered ranges, all STRICT', () => {
    const { before, after, db } = migrateAcross(folder, 4, (old) => {
      old.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('theme', '\"light\"', 1)").run();
    });

    const added = Object.keys(after).filter((t) => !(t in before));
    expect(added.sort()).toEqual(['market_data_bars', 'market_data_ranges', 'market_data_series']);
    for (const table of added) {
      expect(after[table]!.sql, table).toMatch(/\) STRICT/);
      expect(after[table]!.rows, table).toEqual([]);
    }
    expect(after['market_data_bars']!.sql).toMatch(/WITHOUT ROWID/);
    expect(after['settings']!.rows).toEqual(before['settings']!.rows);
    db.close();
  });

  test('at version 4: one series per key, bars and ranges belong to a series and go with it', () => {
    const { db } = migrateAcross(folder, 4);
    const series = db.prepare(
      "INSERT INTO market_data_series (source, feed, symbol, timeframe) VALUES ('alpaca', 'iex', 'AAPL', '1m')",
    );
    const id = Number(series.run().lastInsertRowid);
    db.prepare(
      'INSERT INTO market_data_bars (series_id, time, open, high, low, close, volume) VALUES (?, 1, 1, 1, 1, 1, 1)',
    ).run(id);
    db.prepare(
      'INSERT INTO market_data_ranges (series_id, start_time, end_time, fetched_at) VALUES (?, 1, 2, 3)',
    ).run(id);

    expect(() => series.run()).toThrow(/UNIQUE/);
    expect(() =>
      db
        .prepare(
          'INSERT INTO market_data_bars (series_id, time, open, high, low, close, volume) VALUES (999, 1, 1, 1, 1, 1, 1)',
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    expect(() =>
      db
        .prepare(
          'INSERT INTO market_data_ranges (series_id, start_time, end_time, fetched_at) VALUES (?, 5, 4, 3)',
        )
        .run(id),
    ).toThrow(/CHECK/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO market_data_bars (series_id, time, open, high, low, close, volume) VALUES (?, 'noon', 1, 1, 1, 1, 1)",
        )
        .run(id),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    db.prepare('DELETE FROM market_data_series WHERE id = ?').run(id);
    expect(db.prepare('SELECT count(*) AS n FROM market_data_bars').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM market_data_ranges').get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('bar cache repository', () => {
  test('stored bars come back as columns, only those inside the asked span', () => {
    const db = openDatabase(folder.file());
    const cache = createBarCacheRepo(db);
    const bars = minuteBars(T0, 10);

    cache.store(AAPL, { start: T0, end: T0 + 9 * MINUTE }, bars, 1);
    const read = cache.read(AAPL, { start: T0 + 2 * MINUTE, end: T0 + 4 * MINUTE });

    expect(read.length).toBe(3);
    expect(Array.from(read.time)).toEqual([T0 + 2 * MINUTE, T0 + 3 * MINUTE, T0 + 4 * MINUTE]);
    expect(Array.from(read.open)).toEqual([102, 103, 104]);
    expect(Array.from(read.volume)).toEqual([12, 13, 14]);
    expect(cache.read({ ...AAPL, feed: 'sip' }, { start: T0, end: T0 + 9 * MINUTE }).length).toBe(0);
    db.close();
  });

  test('spans merge when they overlap or touch; what is missing is exactly the holes', () => {
    const db = openDatabase(folder.file());
    const cache = createBarCacheRepo(db);

    cache.store(AAPL, { start: T0, end: T0 + 9 * MINUTE }, minuteBars(T0, 10), 1);
    cache.store(AAPL, { start: T0 + 20 * MINUTE, end: T0 + 29 * MINUTE }, [], 1); // a span without bars (a halt)

    expect(cache.missing(AAPL, { start: T0, end: T0 + 5 * MINUTE })).toEqual([]);
    expect(cache.missing(AAPL, { start: T0 - MINUTE, end: T0 + 40 * MINUTE })).toEqual([
      { start: T0 - MINUTE, end: T0 - 1 },
      { start: T0 + 9 * MINUTE + 1, end: T0 + 20 * MINUTE - 1 },
      { start: T0 + 29 * MINUTE + 1, end: T0 + 40 * MINUTE },
    ]);

    cache.store(
      AAPL,
      { start: T0 + 9 * MINUTE + 1, end: T0 + 20 * MINUTE - 1 },
      minuteBars(T0 + 10 * MINUTE, 10),
      2,
    );
    expect(cache.coverage(AAPL)).toEqual([{ start: T0, end: T0 + 29 * MINUTE }]);
    expect(cache.read(AAPL, { start: T0, end: T0 + 29 * MINUTE }).length).toBe(20);
    db.close();
  });

  test('a bar outside the span it is stored with is refused and nothing is written', () => {
    const db = openDatabase(folder.file());
    const cache = createBarCacheRepo(db);

    expect(() => cache.store(AAPL, { start: T0, end: T0 + MINUTE }, minuteBars(T0, 3), 1)).toThrow(
      /lies outside the span/,
    );
    expect(cache.coverage(AAPL)).toEqual([]);
    expect(cache.read(AAPL, { start: T0, end: T0 + 3 * MINUTE }).length).toBe(0);
    db.close();
  });

  test('a bar stored again is replaced, and forget drops a series or a whole source', () => {
    const db = openDatabase(folder.file());
    const cache = createBarCacheRepo(db);
    const MSFT = { ...AAPL, symbol: 'MSFT' };

    cache.store(AAPL, { start: T0, end: T0 + MINUTE }, minuteBars(T0, 2), 1);
    cache.store(AAPL, { start: T0, end: T0 }, minuteBars(T0, 1, 200), 2);
    cache.store(MSFT, { start: T0, end: T0 }, minuteBars(T0, 1), 1);
    expect(Array.from(cache.read(AAPL, { start: T0, end: T0 + MINUTE }).open)).toEqual([200, 101]);

    cache.forget(AAPL);
    expect(cache.coverage(AAPL)).toEqual([]);
    expect(cache.coverage(MSFT)).toHaveLength(1);
    cache.forget({ source: 'alpaca' });
    expect(cache.coverage(MSFT)).toEqual([]);
    db.close();
  });

  test('the cache survives closing and reopening the file', () => {
    const path = folder.file();
    const first = openDatabase(path);
    createBarCacheRepo(first).store(AAPL, { start: T0, end: T0 + 4 * MINUTE }, minuteBars(T0, 5), 1);
    first.close();

    const again = openDatabase(path);
    const cache = createBarCacheRepo(again);
    expect(cache.missing(AAPL, { start: T0, end: T0 + 4 * MINUTE })).toEqual([]);
    expect(cache.read(AAPL, { start: T0, end: T0 + 4 * MINUTE }).length).toBe(5);
    again.close();
  });
});
