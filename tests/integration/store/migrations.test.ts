// One test per migration: migrate a real file to N-1, write rows, migrate to N, compare the tables.
// Adding migration N: a test of three lines, `const { before, after } = migrateAcross(folder, N, seed);` and the
// asserts about the new shape; the helper already checks user_version, integrity and that old rows survive.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openDatabase } from '../../../src/main/store/database';
import { MIGRATIONS } from '../../../src/main/store/migrations';
import { LATEST, migrateAcross, type TempFolder, tempFolder } from './store-helpers';

let folder: TempFolder;
beforeEach(() => {
  folder = tempFolder();
});
afterEach(() => {
  folder.remove();
});

describe('every migration', () => {
  test.each(MIGRATIONS.map((m) => [m.name, m.version] as const))(
    '%s applies from the version before it, keeps the file healthy and the old rows',
    (_name, version) => {
      const { db } = migrateAcross(folder, version);
      db.close();
    },
  );

  test('migrating one step at a time gives the same schema as a fresh file at the latest version', () => {
    const fresh = openDatabase(folder.file('fresh.db'));
    for (let v = 0; v <= LATEST; v++) openDatabase(folder.file('stepped.db'), { targetVersion: v }).close();
    const stepped = openDatabase(folder.file('stepped.db'));
    const schema = (db: typeof fresh) =>
      db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name').all();

    expect(schema(stepped)).toEqual(schema(fresh));
    fresh.close();
    stepped.close();
  });
});

describe('0001-settings', () => {
  test('0 → 1 creates the settings table (key, value JSON, updated_at) and nothing else', () => {
    const { before, after, db } = migrateAcross(folder, 1);

    expect(before).toEqual({});
    expect(Object.keys(after)).toEqual(['settings']);
    expect(after.settings!.columns).toEqual([
      { name: 'key', type: 'TEXT', notnull: 1, pk: 1 } /* STRICT: a primary key is NOT NULL */,
      { name: 'value', type: 'TEXT', notnull: 1, pk: 0 },
      { name: 'updated_at', type: 'INTEGER', notnull: 1, pk: 0 },
    ]);
    expect(after.settings!.rows).toEqual([]);
    db.close();
  });

  test('the settings table is STRICT: wrong types, a NULL value and a duplicate key are refused', () => {
    const { db } = migrateAcross(folder, 1);
    const insert = db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)');

    insert.run('theme', '"dark"', 1);

    expect(() => insert.run('when', '"x"', 'yesterday')).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() => insert.run('nothing', null, 1)).toThrow(/NOT NULL/);
    expect(() => insert.run('theme', '"light"', 2)).toThrow(/UNIQUE|PRIMARY KEY/);
    db.close();
  });
});

describe('0002-backtest-runs', () => {
  test('1 → 2 keeps settings and adds backtest runs with their results, deleted together', () => {
    const { after, db } = migrateAcross(folder, 2, (old) => {
      old.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('theme', '\"light\"', 1)").run();
    });

    expect(Object.keys(after).sort()).toEqual(['backtest_results', 'backtest_runs', 'settings']);
    db.prepare(
      "INSERT INTO backtest_runs (id, name, status, created_at, data_spec, config, strategy_id) VALUES ('bt-1', 'a', 'running', 1, '{}', '{}', 'sma-crossover')",
    ).run();
    db.prepare(
      "INSERT INTO backtest_results (run_id, equity_time, equity, drawdown, benchmark_time, benchmark, trades, fills) VALUES ('bt-1', x'', x'', x'', x'', x'', '[]', '[]')",
    ).run();
    expect(() => db.prepare("UPDATE backtest_runs SET status = 'finished' WHERE id = 'bt-1'").run()).toThrow(
      /CHECK/,
    );
    expect(() =>
      db
        .prepare(
          "INSERT INTO backtest_results (run_id, equity_time, equity, drawdown, benchmark_time, benchmark, trades, fills) VALUES ('bt-missing', x'', x'', x'', x'', x'', '[]', '[]')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.prepare("DELETE FROM backtest_runs WHERE id = 'bt-1'").run();
    expect(db.prepare('SELECT count(*) AS n FROM backtest_results').get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('0003-sessions', () => {
  const LEDGER_TABLES = [
    'alerts',
    'daily_pnl',
    'equity_snapshots',
    'fills',
    'order_events',
    'orders',
    'positions',
    'risk_events',
    'session_bars',
    'session_runs',
    'sessions',
  ];

  test('2 → 3 keeps settings and backtest runs and adds the session ledger with its append-only triggers', () => {
    const { after, db } = migrateAcross(folder, 3, (old) => {
      old.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('theme', '\"light\"', 1)").run();
      old
        .prepare(
          "INSERT INTO backtest_runs (id, name, status, created_at, data_spec, config, strategy_id) VALUES ('bt-1', 'a', 'done', 1, '{}', '{}', 'sma-crossover')",
        )
        .run();
    });

    expect(Object.keys(after).sort()).toEqual(
      ['backtest_results', 'backtest_runs', 'settings', ...LEDGER_TABLES, 'trades'].sort(),
    );
    for (const table of [...LEDGER_TABLES, 'trades']) {
      expect(after[table]!.sql, table).toMatch(/\) STRICT/);
      expect(after[table]!.rows, table).toEqual([]);
    }
    const triggers = db
      .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name")
      .pluck()
      .all();
    expect(triggers).toEqual(
      ['fills', 'order_events', 'risk_events', 'trades'].flatMap((t) => [`${t}_no_delete`, `${t}_no_update`]),
    );
    db.close();
  });

  test('at version 3, foreign keys, the 48-character client order id, status checks and append-only fills hold', () => {
    const { db } = migrateAcross(folder, 3);
    db.prepare(
      "INSERT INTO sessions (id, name, version, config, created_at, updated_at) VALUES ('s-1', 'a', 1, '{}', 1, 1)",
    ).run();
    db.prepare(
      `INSERT INTO session_runs (id, session_id, session_version, config, id_prefix, status, started_at, cash, equity,
         day_start_equity, risk_state) VALUES ('r-1', 's-1', 1, '{}', 'r1', 'running', 1, 10, 10, 10, 'ACTIVE')`,
    ).run();
    const insertOrder = db.prepare(
      `INSERT INTO orders (run_id, id, client_order_id, symbol, side, type, role, qty, time_in_force, status, filled_qty,
         created_at, updated_at) VALUES (?, ?, ?, 'AAPL', 'buy', 'market', 'entry', 1, 'day', 'new', 0, 1, 1)`,
    );
    const insertFill = db.prepare(
      "INSERT INTO fills (execution_id, run_id, order_id, symbol, side, qty, price, fee, time) VALUES (?, ?, 'o-1', 'AAPL', 'buy', 1, 1, 0, 1)",
    );

    insertOrder.run('r-1', 'o-1', 'c'.repeat(48));
    insertFill.run('x-1', 'r-1');

    expect(() => insertOrder.run('r-1', 'o-2', 'c'.repeat(49))).toThrow(/CHECK/);
    expect(() => insertOrder.run('r-missing', 'o-3', 'c-3')).toThrow(/FOREIGN KEY/);
    expect(() => insertFill.run('x-2', 'r-missing')).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("UPDATE session_runs SET status = 'done'").run()).toThrow(/CHECK/);
    expect(() => db.prepare('UPDATE fills SET qty = 2').run()).toThrow('fills are append-only');
    expect(() => db.prepare('DELETE FROM fills').run()).toThrow('fills are append-only');
    db.close();
  });
});

describe('0005-broker-journal', () => {
  test('4 → 5 adds the append-only broker journal and keeps the session ledger', () => {
    const { before, after, db } = migrateAcross(folder, 5, (old) => {
      old.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('theme', '\"dark\"', 1)").run();
    });
    const added = Object.keys(after).filter((t) => !(t in before));
    expect(added).toEqual(['broker_events']);
    expect(after['broker_events']!.sql).toMatch(/\) STRICT/);
    expect(after['settings']!.rows).toEqual(before['settings']!.rows);

    db.prepare(
      "INSERT INTO sessions (id, name, config, version, created_at, updated_at) VALUES ('s-1', 'a', '{}', 1, 1, 1)",
    ).run();
    db.prepare(
      "INSERT INTO session_runs (id, session_id, session_version, config, id_prefix, status, started_at, cash, equity, day_start_equity, risk_state) VALUES ('r-1', 's-1', 1, '{}', 'r-1', 'running', 1, 1, 1, 1, 'ACTIVE')",
    ).run();
    const insert = db.prepare(
      "INSERT INTO broker_events (run_id, seq, after_bars, kind, event, recorded_at) VALUES (?, ?, 0, 'placed', ?, 1)",
    );
    insert.run('r-1', 1, '{"kind":"placed"}');
    expect(() => insert.run('r-1', 1, '{}')).toThrow(/UNIQUE/);
    expect(() => insert.run('r-1', 2, 'not json')).toThrow(/CHECK/);
    expect(() => insert.run('r-unknown', 3, '{}')).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare('UPDATE broker_events SET kind = ?').run('x')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM broker_events').run()).toThrow(/append-only/);
    db.close();
  });
});

describe('0006-fill-decision-price', () => {
  test('5 → 6 gives each fill a decision price: old fills keep every value and have none; a new one must be positive', () => {
    const { before, after, db } = migrateAcross(
      folder,
      6,
      (old) => {
        old
          .prepare(
            "INSERT INTO sessions (id, name, config, version, created_at, updated_at) VALUES ('s-1', 'a', '{}', 1, 1, 1)",
          )
          .run();
        old
          .prepare(
            "INSERT INTO session_runs (id, session_id, session_version, config, id_prefix, status, started_at, cash, equity, day_start_equity, risk_state) VALUES ('r-1', 's-1', 1, '{}', 'r-1', 'running', 1, 1, 1, 1, 'ACTIVE')",
          )
          .run();
        old
          .prepare(
            "INSERT INTO fills (execution_id, run_id, order_id, symbol, side, qty, price, fee, time) VALUES ('x-1', 'r-1', 'o-1', 'ACME', 'buy', 100, 101.25, 1, 60000)",
          )
          .run();
      },
      ['fills'],
    );

    expect(Object.keys(after).filter((t) => !(t in before))).toEqual([]);
    expect(after['fills']!.sql).toMatch(/decision_price REAL/);
    expect(after['fills']!.rows).toEqual(
      before['fills']!.rows.map((row) => ({ ...row, decision_price: null })),
    );

    const insert = db.prepare(
      "INSERT INTO fills (execution_id, run_id, order_id, symbol, side, qty, price, fee, time, decision_price) VALUES (?, 'r-1', 'o-2', 'ACME', 'sell', 100, 102, 1, 120000, ?)",
    );
    insert.run('x-2', 101.5);
    expect(() => insert.run('x-3', 0)).toThrow(/CHECK/);
    expect(() => insert.run('x-4', -1)).toThrow(/CHECK/);
    expect(() =>
      db.prepare('UPDATE fills SET decision_price = 99 WHERE execution_id = ?').run('x-1'),
    ).toThrow(/append-only/);
    db.close();
  });
});

describe('0007-research-runs', () => {
  test('6 → 7 adds the research runs table: kinds and statuses are checked, the request is required', () => {
    const { before, after, db } = migrateAcross(folder, 7);
    expect(Object.keys(after).filter((t) => !(t in before))).toEqual(['research_runs']);
    const insert = db.prepare(
      "INSERT INTO research_runs (id, kind, name, status, created_at, request) VALUES (?, ?, 'a', ?, 1, '{}')",
    );
    insert.run('rs-1', 'optimize', 'running');
    insert.run('rs-2', 'walk-forward', 'done');
    insert.run('rs-3', 'monte-carlo', 'canceled');
    expect(() => insert.run('rs-4', 'backtest', 'done')).toThrow(/CHECK/);
    expect(() => insert.run('rs-5', 'optimize', 'paused')).toThrow(/CHECK/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO research_runs (id, kind, name, status, created_at) VALUES ('rs-6', 'optimize', 'a', 'done', 1)",
        )
        .run(),
    ).toThrow(/NOT NULL/);
    db.close();
  });
});

describe('0011-price-lines', () => {
  test('10 → 11 keeps the sessions and adds price_lines, which go with their session and refuse a price ≤ 0', () => {
    const { after, db } = migrateAcross(folder, 11, (old) => {
      old
        .prepare(
          "INSERT INTO sessions (id, name, version, config, created_at, updated_at) VALUES ('s-1', 'a', 1, '{}', 1, 1)",
        )
        .run();
    });
    expect(after.price_lines!.sql).toMatch(/\) STRICT/);
    expect(after.price_lines!.rows).toEqual([]);
    const insert = db.prepare(
      "INSERT INTO price_lines (session_id, symbol, price, alert, created_at, updated_at) VALUES ('s-1', 'ACME', ?, 1, 1, 1)",
    );
    insert.run(101.5);
    expect(() => insert.run(0)).toThrow(/CHECK constraint failed/);
    db.prepare("DELETE FROM sessions WHERE id = 's-1'").run();
    expect(db.prepare('SELECT count(*) FROM price_lines').pluck().get()).toBe(0);
    db.close();
  });
});

describe('0013-option-days', () => {
  test('12 → 13 keeps the runs and adds option_days: one decision per run and day, JSON inputs, known decisions only', () => {
    const { after, db } = migrateAcross(folder, 13, (old) => {
      old
        .prepare(
          "INSERT INTO sessions (id, name, version, config, created_at, updated_at) VALUES ('s-1', 'a', 1, '{}', 1, 1)",
        )
        .run();
      old
        .prepare(
          `INSERT INTO session_runs (id, session_id, session_version, config, id_prefix, status, started_at, cash,
             equity, day_start_equity, risk_state) VALUES ('r-1', 's-1', 1, '{}', 'r-1', 'running', 1, 2000, 2000, 2000, 'ACTIVE')`,
        )
        .run();
    });
    expect(after.option_days!.sql).toMatch(/\) STRICT/);
    expect(after.option_days!.rows).toEqual([]);
    expect(after.session_runs!.rows).toHaveLength(1);
    const insert = db.prepare(
      "INSERT INTO option_days (run_id, day, decision, reason, inputs) VALUES ('r-1', ?, ?, ?, ?)",
    );
    insert.run('2026-03-02', 'skipped', 'high_vix', '{"vixClose":27.1}');
    expect(() => insert.run('2026-03-02', 'traded', null, '{}')).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert.run('2026-03-03', 'maybe', null, '{}')).toThrow(/CHECK constraint failed/);
    expect(() => insert.run('03/04/2026', 'traded', null, '{}')).toThrow(/CHECK constraint failed/);
    expect(() => insert.run('2026-03-05', 'traded', null, 'not json')).toThrow(/CHECK constraint failed/);
    db.close();
  });
});
