import type { Migration } from './types';

// What the trader adds to a run to find it again: a note, tags, a pin. The name is already a column (now editable).
// Runs stored before this version have no note, no tags and are not pinned.
export const backtestRunLabels: Migration = {
  version: 8,
  name: '0008-backtest-run-labels',
  up(db) {
    db.exec(`
      ALTER TABLE backtest_runs ADD COLUMN note TEXT NOT NULL DEFAULT '';
      ALTER TABLE backtest_runs ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';   -- JSON string[]
      ALTER TABLE backtest_runs ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1));
    `);
  },
};
