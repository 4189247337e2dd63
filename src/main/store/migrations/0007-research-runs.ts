import type { Migration } from './types';

// Research runs (optimisation, walk-forward, Monte Carlo): the request as asked, the result as JSON once done.
// A row exists from the moment a run starts, so a shutdown mid-run leaves a trace that start-up marks failed.
export const researchRuns: Migration = {
  version: 7,
  name: '0007-research-runs',
  up(db) {
    db.exec(`
      CREATE TABLE research_runs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('optimize', 'walk-forward', 'monte-carlo')),
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'canceled')),
        created_at INTEGER NOT NULL,
        finished_at INTEGER,
        duration_ms INTEGER,
        request TEXT NOT NULL,          -- JSON ResearchRequest, parsed (defaults filled in)
        result TEXT,                    -- JSON ResearchResult once done
        headline TEXT,
        error TEXT
      ) STRICT;
      CREATE INDEX research_runs_created ON research_runs (created_at DESC);
    `);
  },
};
