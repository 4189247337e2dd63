// Only a regular UTF-8 text file of bounded size is read; everything else is refused in words, without blocking.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_DATA_FILE_BYTES, readTextFile } from '../../../src/main/feeds/data-file';
import { DataFileError } from '../../../src/main/feeds/errors';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'marketboss-data-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function problemOf(path: string): string {
  try {
    readTextFile(path);
  } catch (error) {
    if (error instanceof DataFileError) return error.message;
    throw error;
  }
  throw new Error(`${path} was read`);
}

describe('readTextFile', () => {
  it('reads a UTF-8 text file, a character cut at the 64 KiB sample boundary included', () => {
    const path = join(dir, 'prices.csv');
    const text = `${'a'.repeat(64 * 1024 - 1)}é,ü\n`;
    writeFileSync(path, text);
    expect(readTextFile(path)).toBe(text);
  });

  it('a FIFO is refused at once without waiting for a writer', () => {
    const path = join(dir, 'fifo');
    execFileSync('mkfifo', [path]);
    const started = performance.now();
    expect(problemOf(path)).toBe(`${path} is not a regular file (it is a FIFO/named pipe)`);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('a directory, a missing file, a device and a path through a file are refused by name', () => {
    const folder = join(dir, 'prices');
    mkdirSync(folder);
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');

    expect(problemOf(folder)).toBe(`${folder} is a directory, not a file`);
    expect(problemOf(join(dir, 'none.csv'))).toBe(`${join(dir, 'none.csv')} does not exist`);
    expect(problemOf('/dev/zero')).toBe('/dev/zero is not a regular file (it is a device)');
    expect(problemOf(join(file, 'x.csv'))).toMatch(/x\.csv does not exist/);
  });

  it('a file larger than the limit is refused with its size and the limit, before it is read', () => {
    const path = join(dir, 'huge.csv');
    writeFileSync(path, '');
    truncateSync(path, MAX_DATA_FILE_BYTES + 30 * 1024 ** 2); // sparse: no disk used
    expect(problemOf(path)).toBe(`${path} is 530 MiB; files up to 500 MiB are read (split it, e.g. by year)`);
  });

  it('NUL bytes or invalid UTF-8 near the start: not a text file', () => {
    const binary = join(dir, 'image.csv');
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
    const latin1 = join(dir, 'latin1.csv');
    writeFileSync(latin1, Buffer.from('date,caf\xe9\n', 'latin1'));

    expect(problemOf(binary)).toBe(
      `${binary} is not a text file (it has NUL bytes: save it as UTF-8 CSV text)`,
    );
    expect(problemOf(latin1)).toBe(
      `${latin1} is not a text file (it is not valid UTF-8: save it as UTF-8 CSV text)`,
    );
  });
});
