import type { Migration } from './types';

// What an options run decided about each trading day (traded, skipped by a filter and why, not entered), with the
// figures it decided on. The monitor's execution rate and skipped days are counted from these; they belong to the
// run, so a restart or a stopped run keeps them. One row per run and day, rewritten as the day's decision is made.
export const optionDays: Migration = {
  version: 13,
  name: '0013-option-days',
  up(db) {
    db.exec(`
      CREATE TABLE option_days (
        run_id TEXT NOT NULL REFERENCES session_runs (id),
        day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        decision TEXT NOT NULL CHECK (decision IN ('traded', 'skipped', 'no_entry')),
        reason TEXT,
        inputs TEXT NOT NULL CHECK (json_valid(inputs)),  -- JSON: the figures the decision was made on
        PRIMARY KEY (run_id, day)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
