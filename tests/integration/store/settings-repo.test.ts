// Settings stored one row per key in a real SQLite file.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createMemoryLogger } from '../../../src/main/log/logger';
import { createServices } from '../../../src/main/services';
import { type Db, openDatabase } from '../../../src/main/store/database';
import { createSettingsRepo } from '../../../src/main/store/settings-repo';
import type { Settings } from '../../../src/shared/api/contract';
import { type TempFolder, tempFolder } from './store-helpers';

const DEFAULTS: Settings = { theme: 'dark', notifications: true };

let folder: TempFolder;
let db: Db | undefined;
beforeEach(() => {
  folder = tempFolder();
});
afterEach(() => {
  if (db?.open) db.close();
  db = undefined;
  folder.remove();
});

function open(now = () => 1_000) {
  db = openDatabase(folder.file());
  const log = createMemoryLogger();
  return { repo: createSettingsRepo(db, log, now), log, db };
}

const rows = (d: Db) =>
  d
    .prepare<[], { key: string; value: string; updated_at: number }>('SELECT * FROM settings ORDER BY key')
    .all();

describe('settings repo', () => {
  test('a fresh database gives the defaults and writes nothing', () => {
    const { repo, db } = open();

    expect(repo.get()).toEqual(DEFAULTS);
    expect(rows(db)).toEqual([]);
  });

  test('set stores only the given keys as JSON with the time, and returns the whole settings', () => {
    const { repo, db } = open(() => 42);

    const result = repo.set({ theme: 'light' });

    expect(result).toEqual({ theme: 'light', notifications: true });
    expect(rows(db)).toEqual([{ key: 'theme', value: '"light"', updated_at: 42 }]);
    expect(repo.get()).toEqual(result);
  });

  test('set twice updates the row in place', () => {
    let time = 1;
    const { repo, db } = open(() => time);

    repo.set({ notifications: false });
    time = 2;
    repo.set({ notifications: true, theme: 'light' });

    expect(repo.get()).toEqual({ theme: 'light', notifications: true });
    expect(rows(db)).toEqual([
      { key: 'notifications', value: 'true', updated_at: 2 },
      { key: 'theme', value: '"light"', updated_at: 2 },
    ]);
  });

  test('an undefined value in a patch is skipped, not stored', () => {
    const { repo, db } = open();

    repo.set({ theme: undefined, notifications: false });

    expect(rows(db).map((r) => r.key)).toEqual(['notifications']);
  });

  test('settings persist across closing and reopening the file', () => {
    const first = open();
    first.repo.set({ theme: 'light', notifications: false });
    first.db.close();

    const second = open();

    expect(second.repo.get()).toEqual({ theme: 'light', notifications: false });
  });

  test.each([
    ['not JSON at all', '{not json'],
    ['JSON of the wrong type', '42'],
    ['a value outside the enum', '"blue"'],
    ['JSON null', 'null'],
  ])(
    'a stored theme that is %s falls back to the default with a warning naming the key',
    (_label, stored) => {
      const { repo, log, db } = open();
      db.prepare('INSERT INTO settings VALUES (?, ?, 1)').run('theme', stored);
      db.prepare('INSERT INTO settings VALUES (?, ?, 1)').run('notifications', 'false');

      const settings = repo.get();

      expect(settings).toEqual({ theme: 'dark', notifications: false });
      const warnings = log.lines.filter((l) => l.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.context).toMatchObject({ key: 'theme', value: stored });
    },
  );

  test('a stored key the schema does not know (from an older version) is ignored', () => {
    const { repo, log, db } = open();
    db.prepare('INSERT INTO settings VALUES (?, ?, 1)').run('retiredOption', '"x"');

    expect(repo.get()).toEqual(DEFAULTS);
    expect(log.lines).toEqual([]);
  });
});

describe('settings through the services', () => {
  const start = () =>
    createServices({
      dataDir: folder.dir,
      version: '0.0.0-test',
      transport: 'websocket',
      electronVersion: null,
      heartbeatMs: 3_600_000,
    });

  test('settings:set persists across a restart, and changes only the keys in the patch', async () => {
    const first = start();
    await first.dispatch('settings:set', { patch: { notifications: false } });
    await first.dispatch('settings:set', { patch: { theme: 'light' } });
    first.close();

    const second = start();
    const result = await second.dispatch('settings:get', {});
    second.close();

    expect(result).toEqual({ ok: true, value: { theme: 'light', notifications: false } });
  });

  test('a refused settings:set writes nothing', async () => {
    const services = start();
    await services.dispatch('settings:set', { patch: { theme: 'light' } });
    const before = rows(services.db);

    await services.dispatch('settings:set', { patch: { theme: 'blue' } });
    await services.dispatch('settings:set', { patch: { theme: 'dark', extra: 1 } });
    await services.dispatch('settings:set', { patch: {} });

    expect(rows(services.db)).toEqual(before);
    await services.close();
  });
});
