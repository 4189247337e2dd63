// Reading a file the user named (a price CSV, a trade plan): only a regular text file of bounded size is read, and
// anything else is refused in words before a byte of it is parsed. A FIFO, a device or a directory would otherwise
// block the reading thread or fail with a system error the user cannot act on.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { DataFileError } from './errors';

/**
 * The largest text file read whole (trade plans): it becomes one string, and V8 refuses strings over 2^29 - 24
 * characters (~512 MiB), so a larger file could not be parsed whatever memory the machine has.
 */
export const MAX_DATA_FILE_BYTES = 500 * 1024 * 1024;
/** The largest price file: it streams through a window into columns (48 bytes a bar), so only memory bounds it. */
export const MAX_PRICE_FILE_BYTES = 16 * 1024 ** 3;

/** How much of the start of a file is checked for NUL bytes and valid UTF-8. */
const SNIFF_BYTES = 64 * 1024;

/** Why a file system entry that is not a regular file cannot be read as data, in the user's words. */
function notAFile(stats: Stats): string {
  if (stats.isDirectory()) return 'is a directory, not a file';
  if (stats.isFIFO()) return 'is not a regular file (it is a FIFO/named pipe)';
  if (stats.isSocket()) return 'is not a regular file (it is a socket)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'is not a regular file (it is a device)';
  return 'is not a regular file';
}

function sizeInWords(bytes: number): string {
  return bytes >= 1024 ** 3
    ? `${(bytes / 1024 ** 3).toFixed(1)} GiB`
    : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

function openProblem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'ENOTDIR':
      return 'does not exist (a folder in its path is a file)';
    default:
      return `cannot be read (${error.message})`;
  }
}

/**
 * Why these bytes (the start of a file) are not UTF-8 text, or undefined when they are. NUL bytes mark binary files
 * (and UTF-16 text, which the parsers do not read); a multi-byte character cut at the end of the sample is fine.
 */
function notText(head: Uint8Array): string | undefined {
  if (head.includes(0)) return 'is not a text file (it has NUL bytes: save it as UTF-8 CSV text)';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return 'is not a text file (it is not valid UTF-8: save it as UTF-8 CSV text)';
  }
  return undefined;
}

/** A regular file the user named, open and checked; close it with closeSync(fd). */
export interface DataFile {
  readonly fd: number;
  readonly size: number;
  /** Reads up to `length` bytes into `into` at `at` from where the last read ended; 0 at the end. */
  read(into: Uint8Array, at: number, length: number): number;
  /** Throws the DataFileError naming the path as given and `problem`. */
  refuse(problem: string): never;
}

/**
 * Opens the regular file at `path` for reading. Throws DataFileError naming the path as given and the problem: does
 * not exist, a directory, a FIFO or other special file, larger than `maxBytes`. The file is opened without blocking
 * and checked through its descriptor, so a FIFO swapped in after a check cannot block.
 */
export function openDataFile(path: string, maxBytes = MAX_DATA_FILE_BYTES): DataFile {
  const refuse = (problem: string): never => {
    throw new DataFileError(`${path} ${problem}`);
  };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return refuse(openProblem(error as NodeJS.ErrnoException));
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return refuse(notAFile(stats));
    if (stats.size > maxBytes) {
      return refuse(
        `is ${sizeInWords(stats.size)}; files up to ${sizeInWords(maxBytes)} are read (split it, e.g. by year)`,
      );
    }
    return {
      fd,
      size: stats.size,
      read(into, at, length) {
        try {
          return readSync(fd, into, at, length, null);
        } catch (error) {
          return refuse(openProblem(error as NodeJS.ErrnoException));
        }
      },
      refuse,
    };
  } catch (error) {
    closeSync(fd);
    if (error instanceof DataFileError) throw error;
    return refuse(openProblem(error as NodeJS.ErrnoException));
  }
}

/** Refuses the file unless `head` (its first bytes) reads as UTF-8 text. */
export function checkText(file: DataFile, head: Uint8Array): void {
  const problem = notText(head.subarray(0, SNIFF_BYTES));
  if (problem !== undefined) file.refuse(problem);
}

/** The text of the regular file at `path`, checked as openDataFile and checkText do. */
export function readTextFile(path: string): string {
  const file = openDataFile(path);
  try {
    const bytes = Buffer.allocUnsafe(file.size);
    let read = 0;
    while (read < bytes.length) {
      const n = file.read(bytes, read, bytes.length - read);
      if (n === 0) break; // the file shrank while being read: parse what is there
      read += n;
    }
    const content = bytes.subarray(0, read);
    checkText(file, content);
    return content.toString('utf8');
  } finally {
    closeSync(file.fd);
  }
}
