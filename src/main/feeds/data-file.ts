// Reading a file the user named (a price CSV, a trade plan): only a regular text file of bounded size is read, and
// anything else is refused in words before a byte of it is parsed. A FIFO, a device or a directory would otherwise
// block the reading thread or fail with a system error the user cannot act on.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { DataFileError } from './errors';

/**
 * The largest file read: a file is read into one string, and V8 refuses strings over 2^29 - 24 characters
 * (~512 MiB), so a larger file could not be parsed whatever memory the machine has.
 */
export const MAX_DATA_FILE_BYTES = 500 * 1024 * 1024;

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

/**
 * The text of the regular file at `path`. Throws DataFileError naming the path as given and the problem: does not
 * exist, a directory, a FIFO or other special file, larger than MAX_DATA_FILE_BYTES, not UTF-8 text. The file is
 * opened without blocking and checked through its descriptor, so a FIFO swapped in after a check cannot block.
 */
export function readTextFile(path: string): string {
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
    if (stats.size > MAX_DATA_FILE_BYTES) {
      return refuse(
        `is ${sizeInWords(stats.size)}; files up to ${sizeInWords(MAX_DATA_FILE_BYTES)} are read (split it, e.g. by year)`,
      );
    }
    const bytes = Buffer.allocUnsafe(stats.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break; // the file shrank while being read: parse what is there
      read += n;
    }
    const content = bytes.subarray(0, read);
    const problem = notText(content.subarray(0, SNIFF_BYTES));
    if (problem !== undefined) return refuse(problem);
    return content.toString('utf8');
  } catch (error) {
    if (error instanceof DataFileError) throw error;
    return refuse(openProblem(error as NodeJS.ErrnoException));
  } finally {
    closeSync(fd);
  }
}
