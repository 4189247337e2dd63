// One MarketBoss per data folder: the lock is exclusive across processes and the OS releases it when its holder
// dies, even by SIGKILL (nothing can clean up then), so a crash never leaves the folder locked.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { DataDirInUseError, LOCK_PID_FILE, lockDataDir } from '../../../src/main/store/data-dir-lock';
import { tempDataDir } from '../../support/host-process';

const CHILD = resolve(__dirname, 'lock-holder-child.ts');
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanup.splice(0).reverse()) undo();
});

function folder(): string {
  const dir = tempDataDir('marketboss-lock-');
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A child process holding the folder's lock; resolves once it says so. */
async function holder(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', CHILD, dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.push(() => child.kill('SIGKILL'));
  let output = '';
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the holder did not lock within 15 s: ${output}`)), 15_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('locked ')) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the holder exited (${code}) before locking: ${output}`));
    });
  });
  return child;
}

const refusal = (dataDir: string): unknown => {
  try {
    lockDataDir(dataDir).release();
    return undefined;
  } catch (error) {
    return error;
  }
};

describe('the data folder lock', () => {
  test('a second process is refused with one line naming the folder and the holder pid', async () => {
    const dataDir = folder();
    const child = await holder(dataDir);

    const error = refusal(dataDir);

    expect(error).toBeInstanceOf(DataDirInUseError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain(dataDir);
    expect(message).toContain(`pid ${child.pid}`);
    expect((error as DataDirInUseError).holderPid).toBe(child.pid);
  });

  test('a holder killed with SIGKILL leaves the folder free: the lock can be taken again at once', async () => {
    const dataDir = folder();
    const child = await holder(dataDir);
    expect(refusal(dataDir)).toBeInstanceOf(DataDirInUseError);

    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
    const lock = lockDataDir(dataDir);

    // The stale pid file of the dead holder now names this process.
    expect(readFileSync(join(dataDir, LOCK_PID_FILE), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    expect(existsSync(join(dataDir, LOCK_PID_FILE))).toBe(false);
  });

  test('released in-process, the folder can be locked by another process', async () => {
    const dataDir = folder();
    lockDataDir(dataDir).release();

    const child = await holder(dataDir);

    expect((refusal(dataDir) as DataDirInUseError).holderPid).toBe(child.pid);
  });
});
