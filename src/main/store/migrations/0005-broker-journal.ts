import type { Migration } from './types';

// What a broker (Alpaca paper) told a run, in the order the run applied it. Together with the run's bars and the
// user's controls this is everything the engine decided from, so a restart replays it to the same state.
export const brokerJournal: Migration = {
  version: 5,
  name: '0005-broker-journal',
  up(db) {
    db.exec(`
      CREATE TABLE broker_events (
        run_id TEXT NOT NULL REFERENCES session_runs (id),
        seq INTEGER NOT NULL,
        after_bars INTEGER NOT NULL CHECK (after_bars >= 0),   -- bar times the run had processed when it applied it
        kind TEXT NOT NULL,
        event TEXT NOT NULL CHECK (json_valid(event)),          -- the event as applied (JSON)
        recorded_at INTEGER NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) STRICT;
      -- A journal is only ever appended to: replay depends on every event staying as it was applied.
      CREATE TRIGGER broker_events_no_update BEFORE UPDATE ON broker_events
        BEGIN SELECT RAISE(ABORT, 'broker_events is append-only'); END;
      CREATE TRIGGER broker_events_no_delete BEFORE DELETE ON broker_events
        BEGIN SELECT RAISE(ABORT, 'broker_events is append-only'); END;
    `);
  },
};
