// Opens the one SQLite file: refuses foreign or future files before touching them, then migrates.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

/** Opening the store failed; the message says what and that nothing was changed. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

export interface OpenDatabaseOptions {
  readonly migrations?: readonly Migration[];
  /** Stop at this version (tests of a single migration). */
  readonly targetVersion?: number;
}

export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}

/** Checks the list is 1, 2, 3 … so a misnumbered file fails at start, not halfway through a user's upgrade. */
export function assertMigrationOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new StoreError(
        `migration ${m.name} has version ${m.version}, expected ${i + 1} (versions must be 1, 2, 3 … in order)`,
      );
    }
    if (!/^\d{4}-[a-z0-9-]+$/.test(m.name) || Number(m.name.slice(0, 4)) !== m.version) {
      throw new StoreError(
        `migration name ${m.name} must be NNNN-kebab-name with NNNN equal to its version ${m.version}`,
      );
    }
  });
}

export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  assertMigrationOrder(migrations);
  const known = latestVersion(migrations);
  const target = options.targetVersion ?? known;
  const existed = existsSync(path);

  let db: Db;
  try {
    db = new Database(path);
  } catch (error) {
    throw new StoreError(`cannot open database ${path}: ${(error as Error).message}`);
  }
  try {
    let version: number;
    try {
      // Read-only look first: a foreign or future file must not be changed (WAL mode would rewrite its header).
      version = db.pragma('user_version', { simple: true }) as number;
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
    } catch (error) {
      throw new StoreError(
        `${path} is not a MarketBoss database (${(error as Error).message}); nothing was changed — move it aside or choose another data folder`,
      );
    }
    if (version > known) {
      throw new StoreError(
        `${path} was written by a newer MarketBoss (schema version ${version}; this version knows up to ${known}); nothing was changed — update MarketBoss or choose another data folder`,
      );
    }
    if (existed) {
      let problems: string[];
      try {
        problems = (db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[]).map(
          (p) => p.integrity_check,
        );
      } catch (error) {
        // Damage bad enough that the check itself cannot run is still a failed check.
        problems = [(error as Error).message];
      }
      if (problems[0] !== 'ok') {
        const list = problems.slice(0, 5).join('; ');
        throw new StoreError(
          `${path} failed its integrity check (${list}); nothing was changed — restore a backup or move it aside`,
        );
      }
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations, version, target);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Db, migrations: readonly Migration[], from: number, to: number): void {
  const pending = migrations.filter((m) => m.version > from && m.version <= to);
  if (pending.length === 0) return;
  // All pending migrations in one transaction: a failure leaves the file at its old version, untouched.
  db.transaction(() => {
    for (const m of pending) {
      try {
        m.up(db);
      } catch (error) {
        throw new StoreError(
          `migration ${m.name} failed: ${(error as Error).message}; the database was left at version ${from}`,
        );
      }
      db.pragma(`user_version = ${m.version}`);
    }
  })();
}

/**
 * Opens the file read-only for a tool that only reads (the replay-parity command): nothing is migrated or written,
 * so it is safe beside a running app. A file of another schema version is refused, naming what to do.
 */
export function openDatabaseReadOnly(path: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  if (!existsSync(path)) throw new StoreError(`no MarketBoss database at ${path}: check --data-dir`);
  let db: Db;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new StoreError(`cannot open database ${path}: ${(error as Error).message}`);
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const known = latestVersion(migrations);
    if (version !== known) {
      throw new StoreError(
        version < known
          ? `${path} is at schema version ${version}, this build reads ${known}: open it with the app once to upgrade it`
          : `${path} was written by a newer MarketBoss (schema version ${version}; this build knows ${known})`,
      );
    }
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`${path} is not a MarketBoss database (${(error as Error).message})`);
  }
}

/**
 * A statement prepared on its first use and kept: for a table a later migration adds, so that a repo still opens on
 * a database one migration behind (the migration tests read and seed older schemas through today's repos).
 */
export function preparedOnFirstUse<P extends unknown[], R = unknown>(
  db: Db,
  sql: string,
): () => Database.Statement<P, R> {
  let statement: Database.Statement<P, R> | undefined;
  return () => {
    statement ??= db.prepare<P, R>(sql);
    return statement;
  };
}
