// A private Redis for one test file: Debian's redis-server on a free loopback port, nothing persisted, its working
// folder in a temp dir, stopped (and the folder removed) after. Tests that need it skip, naming the reason, when
// redis-server is not installed (`npm run setup` installs it: scripts/setup.mjs SYSTEM_PACKAGES).
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = process.env.MARKETBOSS_REDIS_SERVER ?? '/usr/bin/redis-server';

/** Why Redis tests cannot run here, or null when they can. */
export const redisMissing: string | null = (() => {
  try {
    accessSync(REDIS_SERVER, constants.X_OK);
    return null;
  } catch {
    return `${REDIS_SERVER} is not installed (Debian package redis-server; npm run setup installs it)`;
  }
})();

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** One PING over a raw socket: true when the server answers +PONG. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolvePing) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolvePing(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

async function startOnce(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'marketboss-redis-'));
  const child = spawn(
    REDIS_SERVER,
    // No RDB snapshots, no AOF: nothing outlives the test; the temp dir only catches what Redis writes anyway.
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once('exit', () => resolveExit());
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      // Nothing is persisted, so there is nothing to save: kill at once.
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 10_000;
  while (!(await pings(port))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(
        `redis-server exited (${child.exitCode ?? child.signalCode}) on port ${port}:\n${output}`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not answer PING on port ${port} within 10 s:\n${output}`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, port, process: child, output: () => output, stop };
}

/** Starts a private redis-server; a port taken between choosing and binding it gets one more try. */
export async function startRedis(): Promise<PrivateRedis> {
  if (redisMissing !== null) throw new Error(redisMissing);
  try {
    return await startOnce();
  } catch (error) {
    if (error instanceof Error && /Address already in use/i.test(error.message)) return startOnce();
    throw error;
  }
}
