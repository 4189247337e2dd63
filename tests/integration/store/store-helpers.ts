// Helpers for store tests on real SQLite files in temporary folders.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type Db, openDatabase } from '../../../src/main/store/database';
import { MIGRATIONS } from '../../../src/main/store/migrations';

export interface TempFolder {
  readonly dir: string;
  file(name?: string): string;
  remove(): void;
}

export function tempFolder(prefix = 'marketboss-store-'): TempFolder {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file: (name = 'marketboss.db') => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fingerprint of a folder: every file's name and SHA-256 (sub-folders by name only), so "nothing was changed" can be asserted. */
export function folderHash(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return [name, '(folder)'];
        return [name, createHash('sha256').update(readFileSync(path)).digest('hex')];
      }),
  );
}

export interface TableSnapshot {
  readonly sql: string;
  readonly columns: readonly { name: string; type: string; notnull: number; pk: number }[];
  readonly rows: readonly Record<string, unknown>[];
}
export type Snapshot = Readonly<Record<string, TableSnapshot>>;

/** Every user table with its DDL, columns and rows (ordered by rowid or primary key), for before/after comparisons. */
export function snapshot(db: Db): Snapshot {
  const tables = db
    .prepare<[], { name: string; sql: string }>(
      "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all();
  const out: Record<string, TableSnapshot> = {};
  for (const { name, sql } of tables) {
    const quoted = `"${name.replaceAll('"', '""')}"`;
    const columns = db
      .prepare<[string], { name: string; type: string; notnull: number; pk: number }>(
        `SELECT name, type, "notnull", pk FROM pragma_table_info(?)`,
      )
      .all(name);
    const order = columns.some((c) => c.pk > 0)
      ? columns
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => `"${c.name}"`)
          .join(', ')
      : 'rowid';
    out[name] = {
      sql,
      columns,
      rows: db.prepare(`SELECT * FROM ${quoted} ORDER BY ${order}`).all() as Record<string, unknown>[],
    };
  }
  return out;
}

export function expectHealthy(db: Db): void {
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(db.pragma('foreign_key_check')).toEqual([]);
}

export interface MigrationStep {
  readonly before: Snapshot;
  readonly after: Snapshot;
  /** The database at `version`, open; the caller's test may query it further (closed by `folder.remove`). */
  readonly db: Db;
}

/**
 * Migrates a real file to `version - 1`, lets `seed` write rows, migrates to `version`, and checks what every
 * migration must keep: user_version, integrity, and every pre-existing row of a table the migration does not list
 * in `reshapes`. A new migration's test is then three lines: call this, assert the new shape.
 */
export function migrateAcross(
  folder: TempFolder,
  version: number,
  seed: (db: Db) => void = () => {},
  reshapes: readonly string[] = [],
): MigrationStep {
  const path = folder.file(`step-${version}.db`);
  const old = openDatabase(path, { targetVersion: version - 1 });
  expect(old.pragma('user_version', { simple: true })).toBe(version - 1);
  seed(old);
  const before = snapshot(old);
  old.close();

  const db = openDatabase(path, { targetVersion: version });
  expect(db.pragma('user_version', { simple: true })).toBe(version);
  expectHealthy(db);
  const after = snapshot(db);
  for (const [table, was] of Object.entries(before)) {
    if (reshapes.includes(table)) continue;
    expect(after[table], `migration ${version} dropped table ${table}`).toBeDefined();
    expect(after[table]!.rows, `migration ${version} changed rows of ${table}`).toEqual(was.rows);
  }
  return { before, after, db };
}

export const LATEST = MIGRATIONS.length;
