// Starts the built host (out/main/host.js) as a real process on a free port with its own data folder; with test
// hooks on, shocks its synthetic market. Also one API call over its WebSocket, as the page makes them.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { decodeMessage } from '../../src/shared/api/wire';

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
  options: { dataDir?: string; args?: readonly string[]; testHooks?: boolean } = {},
): Promise<RunningHost> {
  const dataDir = options.dataDir ?? tempDataDir();
  const hooks = options.testHooks ? ['--test-hooks'] : [];
  const child = spawn(
    process.execPath,
    [HOST_ENTRY, '--port', '0', '--data-dir', dataDir, ...hooks, ...(options.args ?? [])],
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
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  };
  return { url, origin: new URL(url).origin, dataDir, process: child, output: () => output, stop };
}

const tokenOf = (host: RunningHost): string => new URL(host.url).searchParams.get('token') ?? '';

export interface MarketShock {
  readonly sessionId: string;
  readonly symbol: string;
  /** Prices from the next bar on are multiplied by this (0.7: a 30 % fall). */
  readonly factor: number;
}

/** POST /__test/market-shock (the host must run with test hooks); resolves with the first shocked bar index. */
export async function shockMarket(host: RunningHost, shock: MarketShock): Promise<{ fromBar: number }> {
  const response = await fetch(`${host.origin}/__test/market-shock?token=${tokenOf(host)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(shock),
  });
  const answer = (await response.json()) as
    | { ok: true; value: { fromBar: number } }
    | { ok: false; error: { message: string } };
  if (!answer.ok) throw new Error(`market shock refused (HTTP ${response.status}): ${answer.error.message}`);
  return answer.value;
}

/** One API call over a WebSocket of its own with the page's token and origin; throws the error's message. */
export function callHostApi<T>(
  host: RunningHost,
  call: string,
  arg: unknown,
  timeoutMs = 10_000,
): Promise<T> {
  const url = `${host.origin.replace(/^http/, 'ws')}/api?token=${tokenOf(host)}`;
  return new Promise((resolveCall, reject) => {
    const ws = new WebSocket(url, { origin: host.origin });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${call}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.once('open', () => ws.send(JSON.stringify({ id: 1, call, arg })));
    ws.on('message', (data, isBinary) => {
      // Answers carrying columns (a session's chart bars) come as binary frames.
      const message = decodeMessage(isBinary ? Buffer.from(data as Buffer) : data.toString()) as {
        id?: number;
        result?: { ok: true; value: T } | { ok: false; error: { message: string } };
      };
      // Pushes (no id) share the socket; wait for our answer.
      if (message.id !== 1 || message.result === undefined) return;
      clearTimeout(timer);
      ws.close();
      if (message.result.ok) resolveCall(message.result.value);
      else reject(new Error(`${call}: ${message.result.error.message}`));
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
