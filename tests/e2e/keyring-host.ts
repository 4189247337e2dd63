// The built host inside its own D-Bus session with an unlocked gnome-keyring and a temporary HOME, for the e2e tests
// that save Alpaca keys: npm test runs e2e outside any D-Bus session, and the developer's own keyring must never be
// touched. Stopped as a process group.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_PID_FILE } from '../../src/main/store/data-dir-lock';
import { HOST_ENTRY, tempDataDir } from '../support/host-process';

/** Resolves once the process named in the data folder's lock pid file has exited (at most 20 s). */
async function hostGone(dataDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, LOCK_PID_FILE), 'utf8'));
  } catch {
    return; // no lock file: the host released it on its way out
  }
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const has = (command: string): boolean => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
export const keyringTools = has('dbus-run-session') && has('gnome-keyring-daemon');

export interface KeyringHost {
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

/** The built host inside a private D-Bus session with its own unlocked gnome-keyring; stopped as a process group. */
export async function startHostWithKeyring(env: Record<string, string>): Promise<KeyringHost> {
  const home = mkdtempSync(join(tmpdir(), 'marketboss-e2e-keyring-home-'));
  const dataDir = tempDataDir();
  const script =
    'eval "$(printf pass | gnome-keyring-daemon --unlock --components=secrets --daemonize)"; export GNOME_KEYRING_CONTROL; exec "$@"';
  const child: ChildProcess = spawn(
    'dbus-run-session',
    ['--', 'sh', '-c', script, 'sh', process.execPath, HOST_ENTRY, '--port', '0', '--data-dir', dataDir],
    {
      env: { ...process.env, ...env, HOME: home, XDG_DATA_HOME: join(home, '.local/share') },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  child.stdout!.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`host did not print its URL within 20 s:\n${output}`)),
      20_000,
    );
    const check = (): void => {
      const match = /Open: (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`host exited before printing its URL:\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    async stop() {
      // The whole group: dbus-run-session, the host, the bus and the keyring daemon.
      if (child.exitCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
        await exited;
      }
      // The D-Bus wrapper can exit before the host inside it has finished stopping (a run's Stop may wait for its
      // orders) and closed its files: wait for the host that holds the data folder's lock to be gone, then remove.
      await hostGone(dataDir);
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}
