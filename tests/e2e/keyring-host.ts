// The built host inside its own D-Bus session with an unlocked gnome-keyring and a temporary HOME, for the e2e tests
// that save Alpaca keys: npm test runs e2e outside any D-Bus session, and the developer's own keyring must never be
// touched. Stopped as a process group.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST_ENTRY, tempDataDir } from '../support/host-process';

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
      // The D-Bus wrapper can exit a moment before the host inside it has closed its log and database files:
      // retry a removal that finds the folder still being written to.
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}
