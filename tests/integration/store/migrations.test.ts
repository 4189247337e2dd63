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
