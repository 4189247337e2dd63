// Starts the built host (out/main/host.js) as a real process on a free port with its own data folder.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface RunningHost {
  readonly url: string;
  readonly origin: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export const HOST_ENTRY = resolve(__dirname, '../../out/main/host.js');

export function tempDataDir(prefix = 'marketboss-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startHostProcess(
  options: { dataDir?: string; args?: readonly string[] } = {},
): Promise<RunningHost> {
  const dataDir = options.dataDir ?? tempDataDir();
  const child = spawn(
    process.execPath,
    [HOST_ENTRY, '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`host did not print its URL within 20 s:\n${output}`)),
      20_000,
    );
    const check = (): void => {
      const match = /Open: (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with code ${code} before printing its URL:\n${output}`));
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  return { url, origin: new URL(url).origin, dataDir, process: child, output: () => output, stop };
}
