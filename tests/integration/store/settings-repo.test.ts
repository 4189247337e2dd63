// Settings stored one row per key in a real SQLite file.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createMemoryLogger } from '../../../src/main/log/logger';
import { createServices } from '../../../src/main/services';
import { type Db, openDatabase } from '../../../src/main/store/database';
import { createSettingsRepo } from '../../../src/main/store/settings-repo';
import type { Settings } from '../../../src/shared/api/contract';
import { type TempFolder, tempFolder } from './store-helpers';

const DEFAULTS: Settings = { theme: 'dark', notifications: true, workspace: {}, window: null };

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

    expect(result).toEqual({ ...DEFAULTS, theme: 'light', notifications: true });
    expect(rows(db)).toEqual([{ key: 'theme', value: '"light"', updated_at: 42 }]);
    expect(repo.get()).toEqual(result);
  });

  test('set twice updates the row in place', () => {
    let time = 1;
    const { repo, db } = open(() => time);

    repo.set({ notifications: false });
    time = 2;
    repo.set({ notifications: true, theme: 'light' });

    expect(repo.get()).toEqual({ ...DEFAULTS, theme: 'light', notifications: true });
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

    expect(second.repo.get()).toEqual({ ...DEFAULTS, theme: 'light', notifications: false });
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

      expect(settings).toEqual({ ...DEFAULTS, theme: 'dark', notifications: false });
      const warnings = log.lines.filter((l) => l.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.context).toMatchObject({ key: 'theme', value: stored });
    },
  );

  test('the workspace and the window place are stored like any setting and read back whole', () => {
    const first = open();
    const workspace = {
      view: 'backtests',
      backtestRunId: 'bt-m1-abcd',
      sessionId: null,
      chartTimeframe: '1h',
      compare: { a: 'bt-m1-abcd', b: 'bt-m2-ef01' },
      panels: { 'bt-risk': true, 'bt-compare': false, 'ss-alerts-folded': true },
      paneSizes: { 'ss-chart': 610, 'ss-side': 280 },
    } as const;
    const window = { x: -1200, y: 40, width: 1400, height: 900, maximized: true };
    first.repo.set({ workspace, window });
    first.db.close();

    const second = open();

    expect(second.repo.get()).toEqual({ ...DEFAULTS, workspace, window });
  });

  test('a stored workspace that no longer fits (a view this version lacks) falls back to an empty one', () => {
    const { repo, log, db } = open();
    db.prepare('INSERT INTO settings VALUES (?, ?, 1)').run(
      'workspace',
      '{"view":"charts","sessionId":"s-1"}',
    );
    db.prepare('INSERT INTO settings VALUES (?, ?, 1)').run('window', '{"x":1,"y":2,"width":3,"height":4}');

    expect(repo.get()).toEqual(DEFAULTS);
    const warned = log.lines.filter((l) => l.level === 'warn').map((l) => String(l.context.key));
    expect(warned.sort()).toEqual(['window', 'workspace']);
  });

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

    expect(result).toEqual({ ok: true, value: { ...DEFAULTS, theme: 'light', notifications: false } });
  });

  test('settings:set refuses a workspace that is not one: unknown view, junk keys, malformed ids', async () => {
    const services = start();

    for (const workspace of [
      { view: 'charts' },
      { view: 'sessions', extra: 1 },
      { backtestRunId: "'; DROP TABLE settings; --" },
      { panels: { 'Not A Name': true } },
      { paneSizes: { 'ss-chart': -5 } },
      { paneSizes: { 'ss-chart': 1e9 } },
      { paneSizes: { 'ss chart': 300 } },
    ]) {
      const result = await services.dispatch('settings:set', { patch: { workspace } });
      expect(result.ok, JSON.stringify(workspace)).toBe(false);
    }
    expect(rows(services.db)).toEqual([]);
    await services.close();
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
