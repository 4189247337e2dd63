// The symbols migration (Alpaca's asset cache, its refresh time, the watchlist): old rows kept, the new tables checked.
// Its own file so it merges beside other branches' migration tests; the number follows the migration's.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { symbols } from '../../../src/main/store/migrations/0009-symbols';
import { migrateAcross, type TempFolder, tempFolder } from './store-helpers';

let folder: TempFolder;
beforeEach(() => {
  folder = tempFolder();
});
afterEach(() => {
  folder.remove();
});

describe(symbols.name, () => {
  test('adds the asset cache, its one refresh row and the watchlist: flags are 0/1, sources are checked', () => {
    const { before, after, db } = migrateAcross(folder, symbols.version);
    expect(Object.keys(after).filter((t) => !(t in before))).toEqual([
      'alpaca_assets',
      'alpaca_assets_refresh',
      'watchlist',
    ]);
    const asset = db.prepare(
      "INSERT INTO alpaca_assets VALUES (?, 'id', 'Apple Inc.', 'us_equity', 'NASDAQ', 'active', ?, 1, 1)",
    );
    asset.run('AAPL', 1);
    expect(() => asset.run('MSFT', 2)).toThrow(/CHECK/);
    expect(() => asset.run('AAPL', 0)).toThrow(/UNIQUE/);
    const refresh = db.prepare(
      'INSERT INTO alpaca_assets_refresh (id, refreshed_at, count) VALUES (?, 1, 1)',
    );
    refresh.run(1);
    expect(() => refresh.run(2)).toThrow(/CHECK/);
    const watch = db.prepare(
      'INSERT INTO watchlist (source, symbol, position, added_at) VALUES (?, ?, 0, 1)',
    );
    watch.run('synthetic', 'ACME');
    watch.run('alpaca', 'ACME');
    expect(() => watch.run('ibkr', 'ACME')).toThrow(/CHECK/);
    expect(() => watch.run('synthetic', 'ACME')).toThrow(/UNIQUE/);
    db.close();
  });
});
