import type { Migration } from './types';

export const settings: Migration = {
  version: 1,
  name: '0001-settings',
  up: (db) => {
    db.exec(`
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,          -- JSON
        updated_at INTEGER NOT NULL   -- epoch ms
      ) STRICT;
    `);
  },
};
