import type { Migration } from './types';

// Symbols: Alpaca's asset list cached for local search (replaced whole at each refresh, at most once a day), and
// the watchlist in the order the trader keeps it.
export const symbols: Migration = {
  version: 9,
  name: '0009-symbols',
  up(db) {
    db.exec(`
      CREATE TABLE alpaca_assets (
        symbol TEXT PRIMARY KEY,
        asset_id TEXT NOT NULL,
        name TEXT NOT NULL,
        asset_class TEXT NOT NULL,
        exchange TEXT NOT NULL,
        status TEXT NOT NULL,
        tradable INTEGER NOT NULL CHECK (tradable IN (0, 1)),
        shortable INTEGER NOT NULL CHECK (shortable IN (0, 1)),
        fractionable INTEGER NOT NULL CHECK (fractionable IN (0, 1))
      ) STRICT;
      -- One row: when the cache was last filled, and how many assets came.
      CREATE TABLE alpaca_assets_refresh (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        refreshed_at INTEGER NOT NULL,
        count INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE watchlist (
        source TEXT NOT NULL CHECK (source IN ('synthetic', 'alpaca')),
        symbol TEXT NOT NULL,
        position INTEGER NOT NULL,
        added_at INTEGER NOT NULL,
        PRIMARY KEY (source, symbol)
      ) STRICT;
    `);
  },
};
