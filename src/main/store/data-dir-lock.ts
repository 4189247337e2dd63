// One MarketBoss per data folder. Two processes on one folder would both resume the running sessions and trade them
// twice, so whoever starts first holds an exclusive lock for its lifetime. Node has no flock; SQLite's own file lock
// (fcntl on POSIX, LockFileEx on Windows) is what we hold instead, because the OS drops it when the process ends,
// however it ends: a crash or SIGKILL never leaves the folder locked.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** The lock itself: an SQLite file held in exclusive locking mode (it stores nothing the app reads). */
export const LOCK_FILE = 'lock.sqlite';
/** The holder's pid, written after the lock is taken, so a refused second start can name it. */
export const LOCK_PID_FILE = 'lock.pid';

export interface DataDirLock {
  readonly dataDir: string;
  /** Releases the lock (the OS does the same when the process dies). */
  release(): void;
}

/** A second MarketBoss on a folder that one already uses; the message is one line for the person who started it. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly holderPid: number | null,
  ) {
    super(
      `the data folder ${dataDir} is in use by another MarketBoss (${holderPid === null ? 'pid unknown' : `pid ${holderPid}`}); close that one first, or use another data folder`,
    );
  }
}

// Held here as well as by the caller: a lock whose connection were garbage-collected would be released silently.
const held = new Set<Database.Database>();

/** Takes the folder's lock or throws DataDirInUseError at once (no waiting: the holder may run for days). */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const pidFile = join(dataDir, LOCK_PID_FILE);
  const db = new Database(join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    // In exclusive locking mode SQLite keeps every lock it takes until the connection closes, so the exclusive
    // lock of one empty transaction is held from here on. The journal stays in memory: no stray -journal file.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = MEMORY');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY')
      throw new DataDirInUseError(dataDir, pidIn(pidFile));
    throw error;
  }
  held.add(db);
  writeFileSync(pidFile, `${process.pid}\n`);
  let released = false;
  return {
    dataDir,
    release() {
      if (released) return;
      released = true;
      // Only the holder may remove the pid file, and only while it still holds the lock.
      if (pidIn(pidFile) === process.pid) rmSync(pidFile, { force: true });
      held.delete(db);
      db.close();
    },
  };
}

function pidIn(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
