// Opening the one SQLite file: pragmas, refusal of future, foreign and corrupt files without changing them, and
// migrations that are all-or-nothing.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  assertMigrationOrder,
  latestVersion,
  openDatabase,
  StoreError,
} from '../../../src/main/store/database';
import { MIGRATIONS, type Migration } from '../../../src/main/store/migrations';
import { expectHealthy, folderHash, LATEST, snapshot, type TempFolder, tempFolder } from './store-helpers';

let folder: TempFolder;
beforeEach(() => {
  folder = tempFolder();
});
afterEach(() => {
  folder.remove();
});

/** Runs `open` expecting a StoreError and returns its message. */
function refusal(open: () => unknown): string {
  let thrown: unknown;
  try {
    const db = open() as { close?: () => void };
    db.close?.();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'the open should have been refused').toBeInstanceOf(StoreError);
  return (thrown as StoreError).message;
}

/** Writes a database file as some other (future) MarketBoss would, with a table and rows. */
function writeForeignVersion(path: string, userVersion: number, wal: boolean): void {
  const db = new Database(path);
  if (wal) db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE future_things (id INTEGER PRIMARY KEY, payload TEXT)');
  const insert = db.prepare('INSERT INTO future_things (payload) VALUES (?)');
  for (let i = 0; i < 50; i++) insert.run(`thing ${i}`);
  db.pragma(`user_version = ${userVersion}`);
  db.close();
}

/** A database at the latest version with enough rows to span many pages. */
function writeFilledDatabase(path: string): void {
  const db = openDatabase(path);
  const insert = db.prepare('INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 2_000; i++) insert.run(`key-${i}`, JSON.stringify(`${'v'.repeat(50)}${i}`), i);
  })();
  db.close();
}

describe('a fresh file', () => {
  test('is migrated to the latest version with WAL, synchronous FULL, foreign keys on, and passes integrity_check', () => {
    const path = folder.file();

    const db = openDatabase(path);

    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expectHealthy(db);
    expect(Object.keys(snapshot(db))).toContain('settings');
    db.close();
    expect(existsSync(path)).toBe(true);
  });

  test('latestVersion is the last migration of the list, numbered 1, 2, 3 …', () => {
    expect(latestVersion()).toBe(MIGRATIONS.length);
    expect(latestVersion([])).toBe(0);
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(() => assertMigrationOrder(MIGRATIONS)).not.toThrow();
  });

  test('reopening keeps the version and the data, and sets the connection pragmas again', () => {
    const path = folder.file();
    const first = openDatabase(path);
    first.prepare("INSERT INTO settings VALUES ('theme', '\"light\"', 1)").run();
    const before = snapshot(first);
    first.close();

    const again = openDatabase(path);

    expect(again.pragma('user_version', { simple: true })).toBe(LATEST);
    expect(again.pragma('synchronous', { simple: true })).toBe(2);
    expect(again.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(snapshot(again)).toEqual(before);
    again.close();
  });

  test('targetVersion stops the migration early (for per-migration tests)', () => {
    const db = openDatabase(folder.file(), { targetVersion: 0 });

    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(snapshot(db)).toEqual({});
    db.close();
  });
});

describe('a database from a newer MarketBoss', () => {
  test.each([
    ['rollback journal', false],
    ['WAL', true],
  ])(
    '(%s) is refused with a message naming the file and both versions, and is byte-identical afterwards',
    (_mode, wal) => {
      const path = folder.file();
      writeForeignVersion(path, LATEST + 1, wal);
      const before = folderHash(folder.dir);

      const message = refusal(() => openDatabase(path));

      expect(message).toContain(path);
      expect(message).toContain(`schema version ${LATEST + 1}`);
      expect(message).toContain(`knows up to ${LATEST}`);
      expect(message).toContain('nothing was changed');
      expect(folderHash(folder.dir)).toEqual(before);
    },
  );

  test('a far-future version is refused the same way', () => {
    const path = folder.file();
    writeForeignVersion(path, 9_999, false);
    const before = folderHash(folder.dir);

    expect(refusal(() => openDatabase(path))).toContain('schema version 9999');
    expect(folderHash(folder.dir)).toEqual(before);
  });
});

describe('a file that is not a SQLite database', () => {
  test.each([
    ['random bytes (one page)', () => randomBytes(4_096)],
    ['random bytes (many pages)', () => randomBytes(100_000)],
    ['a text file', () => Buffer.from('date,open,high,low,close\n2024-01-02,1,2,0.5,1.5\n'.repeat(200))],
    ['a JSON settings file', () => Buffer.from(JSON.stringify({ theme: 'dark', notifications: true }))],
    ['a truncated SQLite header', () => Buffer.from('SQLite format 3\u0000garbage garbage garbage')],
  ])('%s is refused with a clear message and left unchanged', (_label, bytes) => {
    const path = folder.file();
    writeFileSync(path, bytes());
    const before = folderHash(folder.dir);

    const message = refusal(() => openDatabase(path));

    expect(message).toContain(path);
    expect(message).toMatch(/is not a MarketBoss database/);
    expect(message).toContain('nothing was changed');
    expect(folderHash(folder.dir)).toEqual(before);
  });

  test('a folder where the file should be is refused with a StoreError naming it', () => {
    const path = folder.file();
    mkdirSync(path);

    expect(refusal(() => openDatabase(path))).toContain(path);
  });
});

describe('a corrupt database', () => {
  // 4096-byte pages; the schema's own pages come first, then the settings rows and their index fill ~48 pages.
  const PAGE = 4_096;
  // The first page after an empty, fully migrated file: where the test's rows start.
  const DATA = (() => {
    const dir = tempFolder();
    try {
      const path = dir.file('empty.db');
      openDatabase(path).close();
      return Math.ceil(readFileSync(path).length / PAGE);
    } finally {
      dir.remove();
    }
  })();

  test.each([
    ['cell contents in the middle of a table page', (DATA + 3) * PAGE + 2_048],
    ['cell pointers near the top of a page', (DATA + 1) * PAGE + 100],
    ['the end of an index page', (DATA + 3) * PAGE + 4_000],
  ])('(%s overwritten) is refused naming the file, and left unchanged', (_label, offset) => {
    const path = folder.file();
    writeFilledDatabase(path);
    const bytes = readFileSync(path);
    expect(bytes.length).toBeGreaterThan(offset + 64);
    bytes.fill(0xa5, offset, offset + 64);
    writeFileSync(path, bytes);
    const before = folderHash(folder.dir);

    const message = refusal(() => openDatabase(path));

    expect(message).toContain(path);
    expect(message).toMatch(/integrity check|not a MarketBoss database/);
    expect(folderHash(folder.dir)).toEqual(before);
  });

  test('(a page header overwritten, which makes integrity_check itself fail) is refused with a StoreError naming the file', () => {
    const path = folder.file();
    writeFilledDatabase(path);
    const bytes = readFileSync(path);
    bytes.fill(0xa5, (DATA + 3) * PAGE, (DATA + 3) * PAGE + 64);
    writeFileSync(path, bytes);
    const before = folderHash(folder.dir);

    const message = refusal(() => openDatabase(path));

    expect(message).toContain(path);
    expect(message).toContain('nothing was changed');
    expect(folderHash(folder.dir)).toEqual(before);
  });
});

describe('migrations are all-or-nothing', () => {
  const breaking = (version: number): Migration => ({
    version,
    name: `${String(version).padStart(4, '0')}-breaks-halfway`,
    up: (db) => {
      db.exec('CREATE TABLE half_done (x INTEGER)');
      db.exec('UPDATE settings SET value = \'"mangled"\'');
      throw new Error('disk quota exceeded');
    },
  });
  const addsTable = (version: number): Migration => ({
    version,
    name: `${String(version).padStart(4, '0')}-adds-table`,
    up: (db) => db.exec('CREATE TABLE added (id INTEGER PRIMARY KEY)'),
  });

  test('a migration that throws leaves user_version, tables and rows as they were', () => {
    const path = folder.file();
    const db = openDatabase(path);
    db.prepare("INSERT INTO settings VALUES ('theme', '\"light\"', 1)").run();
    const before = snapshot(db);
    db.close();
    const next = LATEST + 1;

    const message = refusal(() => openDatabase(path, { migrations: [...MIGRATIONS, breaking(next)] }));

    expect(message).toContain(`${String(next).padStart(4, '0')}-breaks-halfway`);
    expect(message).toContain('disk quota exceeded');
    expect(message).toContain(`left at version ${LATEST}`);
    const reopened = openDatabase(path);
    expect(reopened.pragma('user_version', { simple: true })).toBe(LATEST);
    expect(snapshot(reopened)).toEqual(before);
    expectHealthy(reopened);
    reopened.close();
  });

  test('when a later migration of several pending throws, the earlier ones are rolled back too', () => {
    const path = folder.file();
    const list = [...MIGRATIONS, addsTable(LATEST + 1), breaking(LATEST + 2)];

    refusal(() => openDatabase(path, { migrations: list }));

    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(snapshot(db)).toEqual({});
    db.close();
  });

  test('a working new migration is applied on top of an existing file and keeps its rows', () => {
    const path = folder.file();
    const db = openDatabase(path);
    db.prepare("INSERT INTO settings VALUES ('theme', '\"light\"', 1)").run();
    const rows = snapshot(db).settings!.rows;
    db.close();

    const upgraded = openDatabase(path, { migrations: [...MIGRATIONS, addsTable(LATEST + 1)] });

    expect(upgraded.pragma('user_version', { simple: true })).toBe(LATEST + 1);
    expect(snapshot(upgraded).settings!.rows).toEqual(rows);
    expect(snapshot(upgraded).added).toBeDefined();
    upgraded.close();
  });
});

describe('assertMigrationOrder refuses misnumbered lists', () => {
  const m = (version: number, name: string): Migration => ({ version, name, up: () => {} });

  test.each([
    ['starting at 2', [m(2, '0002-a')], /version 2, expected 1/],
    ['with a gap', [m(1, '0001-a'), m(3, '0003-c')], /version 3, expected 2/],
    ['with a duplicate', [m(1, '0001-a'), m(1, '0001-b')], /version 1, expected 2/],
    ['out of order', [m(2, '0002-b'), m(1, '0001-a')], /expected 1/],
    ['a name whose number differs from its version', [m(1, '0002-a')], /0002-a must be NNNN-kebab-name/],
    ['a name without its number', [m(1, 'settings')], /settings must be NNNN-kebab-name/],
    ['a name with capitals or underscores', [m(1, '0001_Settings')], /NNNN-kebab-name/],
    ['version 0', [m(0, '0000-zero')], /expected 1/],
  ])('%s', (_label, list, expected) => {
    expect(() => assertMigrationOrder(list)).toThrow(StoreError);
    expect(() => assertMigrationOrder(list)).toThrow(expected);
  });

  test('openDatabase checks the order before creating or touching the file', () => {
    const path = folder.file();

    refusal(() => openDatabase(path, { migrations: [m(1, '0001-a'), m(3, '0003-c')] }));

    expect(existsSync(path)).toBe(false);
  });

  test('an empty list and a well-formed list pass', () => {
    expect(() => assertMigrationOrder([])).not.toThrow();
    expect(() => assertMigrationOrder([m(1, '0001-a'), m(2, '0002-b-c'), m(3, '0003-x9')])).not.toThrow();
  });
});
