// The read-only open a reading tool uses (replay-parity): the current schema opens and cannot be written; an older
// or newer file, or none, is refused naming what to do; nothing is changed either way.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { latestVersion, openDatabase, openDatabaseReadOnly } from '../../../src/main/store/database';
import { MIGRATIONS } from '../../../src/main/store/migrations';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'marketboss-readonly-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openDatabaseReadOnly', () => {
  test('the current schema opens read-only: reads work, writes are refused', () => {
    const path = join(dir, 'marketboss.db');
    openDatabase(path).close();
    const db = openDatabaseReadOnly(path);
    expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
    expect(() => db.prepare("INSERT INTO settings (key, value) VALUES ('x', '1')").run()).toThrow(/readonly/);
    db.close();
  });

  test('an older file is refused and left at its version; a newer one too; a missing one names --data-dir', () => {
    const older = join(dir, 'older.db');
    openDatabase(older, { targetVersion: 3 }).close();
    const before = statSync(older).mtimeMs;
    expect(() => openDatabaseReadOnly(older)).toThrow(
      `${older} is at schema version 3, this build reads ${latestVersion()}: open it with the app once to upgrade it`,
    );
    expect(statSync(older).mtimeMs).toBe(before);

    const newer = join(dir, 'newer.db');
    openDatabase(newer).close();
    expect(() => openDatabaseReadOnly(newer, MIGRATIONS.slice(0, 3))).toThrow(
      `${newer} was written by a newer MarketBoss (schema version ${latestVersion()}; this build knows 3)`,
    );
    expect(() => openDatabaseReadOnly(join(dir, 'none.db'))).toThrow(
      /^no MarketBoss database at .*none\.db: check --data-dir$/,
    );
  });
});
