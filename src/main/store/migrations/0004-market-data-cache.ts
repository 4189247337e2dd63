import type { Migration } from './types';

// Downloaded market data, so that asking again for the same bars costs no request. A series is one
// (source, feed, symbol, timeframe); its bars are keyed by open time, and `market_data_ranges` says which spans of
// open times are known to be complete — "no bar there" is then an answer too (a weekend, a halt), not a gap.
export const marketDataCache: Migration = {
  version: 4,
  name: '0004-market-data-cache',
  up: (db) => {
    db.exec(`
      CREATE TABLE market_data_series (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL CHECK (length(source) > 0),    -- 'alpaca'
        feed TEXT NOT NULL CHECK (length(feed) > 0),        -- 'iex' | 'sip' | 'crypto'
        symbol TEXT NOT NULL CHECK (length(symbol) > 0),
        timeframe TEXT NOT NULL CHECK (length(timeframe) > 0),
        UNIQUE (source, feed, symbol, timeframe)
      ) STRICT;
      -- WITHOUT ROWID: a bar is found (and ordered) by its series and time, and a million minute bars stay compact.
      CREATE TABLE market_data_bars (
        series_id INTEGER NOT NULL REFERENCES market_data_series (id) ON DELETE CASCADE,
        time INTEGER NOT NULL,            -- open time, epoch ms UTC
        open REAL NOT NULL,
        high REAL NOT NULL,
        low REAL NOT NULL,
        close REAL NOT NULL,
        volume REAL NOT NULL CHECK (volume >= 0),
        PRIMARY KEY (series_id, time)
      ) STRICT, WITHOUT ROWID;
      -- Spans of bar open times [start_time, end_time] (inclusive) whose bars are all stored; never overlapping.
      CREATE TABLE market_data_ranges (
        series_id INTEGER NOT NULL REFERENCES market_data_series (id) ON DELETE CASCADE,
        start_time INTEGER NOT NULL,
        end_time INTEGER NOT NULL,
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (series_id, start_time),
        CHECK (end_time >= start_time)
      ) STRICT;
    `);
  },
};
