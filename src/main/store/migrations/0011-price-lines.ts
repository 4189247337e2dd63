import type { Migration } from './types';

// The trader's horizontal price lines on a session's chart, each with an optional crossing alert. They belong to the
// session (not a run), so they stay across restarts and new runs, and go with the session when it is deleted.
export const priceLines: Migration = {
  version: 11,
  name: '0011-price-lines',
  up(db) {
    db.exec(`
      CREATE TABLE price_lines (
        id INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        symbol TEXT NOT NULL,
        price REAL NOT NULL CHECK (price > 0),
        alert INTEGER NOT NULL CHECK (alert IN (0, 1)),
        last_crossed_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX price_lines_session ON price_lines (session_id, symbol);
    `);
  },
};
