import type { Migration } from './types';

/** Fills, order events, trades and risk events are history: triggers refuse to change or remove a row. */
const APPEND_ONLY = ['fills', 'order_events', 'trades', 'risk_events'] as const;

const appendOnlyTriggers = (table: string): string => `
      CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
      BEGIN SELECT RAISE(ABORT, '${table} are append-only'); END;
      CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
      BEGIN SELECT RAISE(ABORT, '${table} are append-only'); END;`;

export const sessions: Migration = {
  version: 3,
  name: '0003-sessions',
  up: (db) => {
    db.exec(`
      -- A named, versioned config; every session:update bumps the version.
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        config TEXT NOT NULL CHECK (json_valid(config)),   -- JSON
        created_at INTEGER NOT NULL,                       -- epoch ms
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX sessions_created ON sessions (created_at DESC);

      -- One start of a session; its config is a snapshot, so later edits never rewrite history.
      CREATE TABLE session_runs (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id),
        session_version INTEGER NOT NULL,
        config TEXT NOT NULL CHECK (json_valid(config)),   -- JSON snapshot
        id_prefix TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'stopped', 'failed')),
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        end_reason TEXT,
        cash REAL NOT NULL,
        equity REAL NOT NULL,
        day_start_equity REAL NOT NULL,
        risk_state TEXT NOT NULL CHECK (risk_state IN ('ACTIVE', 'REDUCING', 'HALTED')),
        risk_reason TEXT,
        last_bar_time INTEGER,
        bars INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX session_runs_session ON session_runs (session_id, started_at);

      -- The bars the run saw, so it can be replayed through the backtester.
      CREATE TABLE session_bars (
        run_id TEXT NOT NULL REFERENCES session_runs (id),
        symbol TEXT NOT NULL,
        time INTEGER NOT NULL,
        open REAL NOT NULL,
        high REAL NOT NULL,
        low REAL NOT NULL,
        close REAL NOT NULL,
        volume REAL NOT NULL,
        PRIMARY KEY (run_id, symbol, time)
      ) STRICT, WITHOUT ROWID;

      -- The order's current state; written before the venue is called, so its client order id survives a crash.
      CREATE TABLE orders (
        run_id TEXT NOT NULL REFERENCES session_runs (id),
        id TEXT NOT NULL,
        client_order_id TEXT NOT NULL UNIQUE CHECK (length(client_order_id) BETWEEN 1 AND 48),
        symbol TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
        type TEXT NOT NULL,
        role TEXT NOT NULL,
        qty REAL NOT NULL,
        limit_price REAL,
        stop_price REAL,
        trail_percent REAL,
        time_in_force TEXT NOT NULL,
        parent_id TEXT,
        intent TEXT,                                       -- JSON: why the order exists
        status TEXT NOT NULL CHECK (status IN
          ('new', 'accepted', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired')),
        filled_qty REAL NOT NULL,
        avg_fill_price REAL,
        status_reason TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (run_id, id)
      ) STRICT;
      CREATE INDEX orders_run_created ON orders (run_id, created_at);

      CREATE TABLE order_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL REFERENCES session_runs (id),
        order_id TEXT NOT NULL,
        time INTEGER NOT NULL,
        status TEXT NOT NULL,
        filled_qty REAL NOT NULL,
        reason TEXT
      ) STRICT;

      -- One row per venue execution; the primary key is what makes a re-delivered fill harmless.
      CREATE TABLE fills (
        execution_id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES session_runs (id),
        order_id TEXT NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
        qty REAL NOT NULL,
        price REAL NOT NULL,
        fee REAL NOT NULL,
        time INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX fills_run_time ON fills (run_id, time);

      CREATE TABLE trades (
        run_id TEXT NOT NULL REFERENCES session_runs (id),
        seq INTEGER NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('long', 'short')),
        qty REAL NOT NULL,
        entry_time INTEGER NOT NULL,
        entry_price REAL NOT NULL,
        exit_time INTEGER NOT NULL,
        exit_price REAL NOT NULL,
        pnl REAL NOT NULL,
        fees REAL NOT NULL,
        bars_held INTEGER NOT NULL,
        exit_reason TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) STRICT;

      CREATE TABLE positions (
        run_id TEXT NOT NULL REFERENCES session_runs (id),
        symbol TEXT NOT NULL,
        qty REAL NOT NULL,                                 -- signed: negative is short
        avg_price REAL NOT NULL,
        realized_pnl REAL NOT NULL,
        last_price REAL NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (run_id, symbol)
      ) STRICT;

      CREATE TABLE equity_snapshots (
        run_id TEXT NOT NULL REFERENCES session_runs (id),
        time INTEGER NOT NULL,
        equity REAL NOT NULL,
        cash REAL NOT NULL,
        PRIMARY KEY (run_id, time)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE daily_pnl (
        run_id TEXT NOT NULL REFERENCES session_runs (id),
        day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        start_equity REAL NOT NULL,
        end_equity REAL NOT NULL,
        realized_pnl REAL NOT NULL,
        fees REAL NOT NULL,
        trades INTEGER NOT NULL,
        PRIMARY KEY (run_id, day)
      ) STRICT;

      CREATE TABLE risk_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL REFERENCES session_runs (id),
        time INTEGER NOT NULL,
        kind TEXT NOT NULL,                                -- 'order-denied' | 'risk-state' | …
        from_state TEXT,
        to_state TEXT,
        reason TEXT NOT NULL
      ) STRICT;

      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL REFERENCES session_runs (id),
        time INTEGER NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        kind TEXT NOT NULL,
        message TEXT NOT NULL,
        acknowledged INTEGER NOT NULL DEFAULT 0 CHECK (acknowledged IN (0, 1))
      ) STRICT;
      CREATE INDEX alerts_run ON alerts (run_id, id);
      ${APPEND_ONLY.map(appendOnlyTriggers).join('\n')}
    `);
  },
};
