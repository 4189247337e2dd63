// Files the user names that are not price files, through the API as the UI calls it: a replay session or a backtest
// over a FIFO, a directory, a missing file, a text file of something else, a binary file. Each is refused promptly
// as the user's input (bad-request) naming the file and the problem, quoting no more of the file than its column
// names, and nothing hangs the main process.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Services } from '../../../src/main/services';
import { tempDataDir } from '../../support/host-process';
import { callValue, testServices } from './session-test-services';

let dataDir: string;
let services: Services;
const writers: ChildProcess[] = [];

beforeEach(() => {
  dataDir = tempDataDir('marketboss-bad-files-');
  services = testServices(dataDir);
});
afterEach(async () => {
  for (const writer of writers.splice(0)) if (writer.exitCode === null) writer.kill();
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * A named pipe, with a writer that only shows up after `unblockAfterMs`: reading it the old way (readFileSync) would
 * wait for that writer instead of hanging the test run for good, so a regression fails on time instead of stalling.
 */
function fifoAt(name: string, unblockAfterMs = 4_000): string {
  const path = join(dataDir, name);
  execFileSync('mkfifo', [path]);
  const seconds = (unblockAfterMs / 1000).toFixed(1);
  const writer = spawn('sh', ['-c', `sleep ${seconds}; printf 'time,open\\n' > "$0"`, path], {
    stdio: 'ignore',
  });
  writers.push(writer);
  return path;
}

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'bin:x:2:2:bin:/bin:/usr/sbin/nologin',
  'alice:x:1000:1000:Alice Example,,,:/home/alice:/bin/bash',
];

async function replayStart(file: string): Promise<{ code: string; message: string; ms: number }> {
  const config = {
    symbols: ['ACME'],
    timeframe: '1D',
    feed: { kind: 'replay', files: { ACME: file }, speed: 1 },
  };
  const { id } = await callValue<{ id: string }>(services, 'session:create', { name: 'replay', config });
  const started = performance.now();
  const result = await services.dispatch('session:start', { sessionId: id });
  const ms = performance.now() - started;
  if (result.ok) throw new Error('session:start was accepted');
  return { ...result.error, ms };
}

describe('session:start of a replay over a file that is not a price file', () => {
  test('a FIFO (named pipe) is refused at once as not a regular file; nothing waits for a writer', async () => {
    const fifo = fifoAt('acme.csv');

    const error = await replayStart(fifo);

    expect(error.code).toBe('bad-request');
    expect(error.message).toContain(`${fifo} is not a regular file (it is a FIFO/named pipe)`);
    expect(error.ms).toBeLessThan(3_000);
  });

  test('a directory and a missing file are refused naming the path', async () => {
    const folder = join(dataDir, 'prices');
    mkdirSync(folder);

    const directory = await replayStart(folder);
    const missing = await replayStart(join(dataDir, 'none.csv'));

    expect(directory.code).toBe('bad-request');
    expect(directory.message).toContain(`${folder} is a directory`);
    expect(missing.code).toBe('bad-request');
    expect(missing.message).toContain(`${join(dataDir, 'none.csv')} does not exist`);
  });

  test('a text file of something else (/etc/passwd-like) is bad-request quoting only its truncated column names', async () => {
    const file = join(dataDir, 'passwd');
    writeFileSync(file, `${PASSWD.join('\n')}\n`);

    const error = await replayStart(file);

    expect(error.code).toBe('bad-request');
    expect(error.message).toContain('passwd');
    expect(error.message).toContain('missing column time');
    for (const line of PASSWD) expect(error.message).not.toContain(line);
    for (const word of ['daemon', 'alice', '/bin/bash', 'nologin']) expect(error.message).not.toContain(word);
  });

  test('a binary file is bad-request: not a text file', async () => {
    const file = join(dataDir, 'acme.csv');
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
    ]);
    writeFileSync(file, Buffer.concat([png, Buffer.alloc(2_000, 0x7f)]));

    const error = await replayStart(file);

    expect(error.code).toBe('bad-request');
    expect(error.message).toContain(`${file} is not a text file`);
  });

  test('invalid UTF-8 without NUL bytes is not a text file either', async () => {
    const file = join(dataDir, 'acme.csv');
    writeFileSync(file, Buffer.from([0x74, 0x69, 0x6d, 0x65, 0x2c, 0xff, 0xfe, 0xc3, 0x28, 0x0a]));

    const error = await replayStart(file);

    expect(error.code).toBe('bad-request');
    expect(error.message).toContain('is not a text file');
  });
});

describe('backtest:run over a file that is not a price file', () => {
  test('a FIFO is refused at once naming it, and no run is recorded', async () => {
    const fifo = fifoAt('prices.csv');

    const started = performance.now();
    const result = await services.dispatch('backtest:run', {
      data: { source: 'csv', files: [{ path: fifo, symbol: 'X' }] },
    });

    expect(performance.now() - started).toBeLessThan(3_000);
    expect(result.ok === false && result.error.code).toBe('bad-request');
    expect(result.ok === false && result.error.message).toBe(
      `data: ${fifo} is not a regular file (it is a FIFO/named pipe)`,
    );
    expect(await callValue<unknown[]>(services, 'backtest:list', {})).toEqual([]);
  });

  test('a binary file named .csv is refused: not a text file', async () => {
    const file = join(dataDir, 'prices.csv');
    writeFileSync(file, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 0x08, 0]));

    const result = await services.dispatch('backtest:run', {
      data: { source: 'csv', files: [{ path: file, symbol: 'X' }] },
    });

    expect(result.ok === false && result.error.code).toBe('bad-request');
    expect(result.ok === false && result.error.message).toMatch(/^data: .*prices\.csv is not a text file/);
  });
});
