// Settings stored one row per key as JSON; a stored value that no longer fits the schema falls back to its default.
import { type Settings, settingsSchema } from '../../shared/api/contract';
import type { Logger } from '../log/logger';
import type { Db } from './database';

export interface SettingsRepo {
  get(): Settings;
  /** Applies an already-validated partial update in one transaction and returns the whole result. */
  set(patch: Partial<Settings>): Settings;
}

export function createSettingsRepo(db: Db, log: Logger, now: () => number = Date.now): SettingsRepo {
  const selectAll = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings');
  const upsert = db.prepare<[string, string, number]>(
    'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );
  const fields = settingsSchema.shape;

  const get = (): Settings => {
    const raw: Record<string, unknown> = {};
    for (const row of selectAll.all()) {
      if (!(row.key in fields)) continue;
      const field = fields[row.key as keyof typeof fields];
      let parsed: unknown;
      try {
        parsed = JSON.parse(row.value);
      } catch {
        log.warn('stored setting is not JSON; using its default', { key: row.key, value: row.value });
        continue;
      }
      const check = field.safeParse(parsed);
      if (check.success) raw[row.key] = check.data;
      else log.warn('stored setting is invalid; using its default', { key: row.key, value: row.value });
    }
    return settingsSchema.parse(raw);
  };

  const set = (patch: Partial<Settings>): Settings => {
    db.transaction(() => {
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) upsert.run(key, JSON.stringify(value), now());
      }
    })();
    return get();
  };

  return { get, set };
}
