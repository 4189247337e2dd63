// The parsed-data cache: a price file imported once is kept as its columns, so the next backtest, optimisation cell
// or worker that reads it starts from columns instead of text.
//
// - One entry per file and import settings (skipInvalid, adjust), named by a hash of those and the file's full path.
// - An entry is used only while the file is unchanged: the same size, modification time, change time and inode, and
//   the same bytes at its start and end. The change time cannot be set back by a program, so a file rewritten and
//   then given its old modification time is still seen as changed.
// - An entry carries a CRC-32 of its columns and meta: a truncated or damaged entry is never trusted; the file is
//   read again, the entry rewritten, and a warning says so. Entries are written whole under a temporary name and
//   renamed, so a crash mid-write leaves no entry at all.
// - The cache is only ever a copy: deleting its folder loses nothing.
import { createHash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { z } from 'zod';
import type { BarSeries } from '../../shared/domain/bars';
import { TIMEFRAMES } from '../../shared/domain/bars';
import {
  BarDataError,
  type CsvImportOptions,
  type CsvImportResult,
  inferTimeframe,
  readBarsCsv,
} from './csv';

const MAGIC = 'MBBARS1\n';
const HEADER_BYTES = 16; // magic (8), meta length (4), CRC-32 of meta and columns (4)
const SAMPLE_BYTES = 64 << 10;
const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

const MetaSchema = z.object({
  path: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
  ctimeMs: z.number(),
  ino: z.number(),
  sample: z.string(),
  skipInvalid: z.boolean(),
  adjust: z.boolean(),
  length: z.number().int().min(0),
  skipped: z.number().int().min(0),
  problems: z.array(z.string()),
  adjusted: z.boolean(),
  timeframe: z.enum(TIMEFRAMES).nullable(),
  timeframeNote: z.string(),
});
type Meta = z.infer<typeof MetaSchema>;

export interface CachedImport extends CsvImportResult {
  /** How the columns were obtained: read from the cache, imported (and cached), or imported again over a bad entry. */
  readonly cache: 'hit' | 'miss' | 'rebuilt';
  /** Why an entry was not trusted (with `rebuilt`), for a warning. */
  readonly cacheWarning?: string;
}

/** readBarsCsv through the cache in `cacheDir` (created when missing). */
export function readBarsCached(path: string, options: CsvImportOptions, cacheDir: string): CachedImport {
  const fullPath = resolve(path);
  const skipInvalid = options.skipInvalid === true;
  const adjust = options.adjust !== false;
  const entry = join(
    cacheDir,
    `${createHash('sha1')
      .update(JSON.stringify([fullPath, skipInvalid, adjust]))
      .digest('hex')}.bars`,
  );
  let stats: Stats | undefined;
  try {
    stats = statSync(fullPath);
  } catch {
    stats = undefined;
  }
  // Only a regular file has an identity to key on; readBarsCsv refuses anything else, naming it.
  if (stats === undefined || !stats.isFile()) return { ...readBarsCsv(path, options), cache: 'miss' };
  const identity = {
    path: fullPath,
    size: stats.size,
    mtimeMs: stats.mtimeMs,
    ctimeMs: stats.ctimeMs,
    ino: stats.ino,
    sample: sampleHash(fullPath, stats.size),
    skipInvalid,
    adjust,
  };

  const found = readEntry(entry);
  let warning: string | undefined;
  if (found.kind === 'ok') {
    const { meta, columns } = found;
    if (sameFile(meta, identity)) return fromEntry(meta, columns, options);
  } else if (found.kind === 'damaged') {
    warning = `the cached columns of ${fullPath} were damaged (${found.reason}); read the CSV again`;
  }

  const imported = readBarsCsv(path, options);
  writeEntry(entry, cacheDir, identity, imported, options.timeframe === undefined);
  return warning === undefined
    ? { ...imported, cache: 'miss' }
    : { ...imported, cache: 'rebuilt', cacheWarning: warning };
}

type Identity = Pick<
  Meta,
  'path' | 'size' | 'mtimeMs' | 'ctimeMs' | 'ino' | 'sample' | 'skipInvalid' | 'adjust'
>;

function sameFile(meta: Meta, file: Identity): boolean {
  return (
    meta.path === file.path &&
    meta.size === file.size &&
    meta.mtimeMs === file.mtimeMs &&
    meta.ctimeMs === file.ctimeMs &&
    meta.ino === file.ino &&
    meta.sample === file.sample &&
    meta.skipInvalid === file.skipInvalid &&
    meta.adjust === file.adjust
  );
}

/** A hash of the file's first and last 64 KiB: cheap, and catches a rewrite that kept size and times. */
function sampleHash(path: string, size: number): string {
  const hash = createHash('sha1');
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(Math.min(size, SAMPLE_BYTES));
    hash.update(buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)));
    if (size > SAMPLE_BYTES) {
      const tail = Math.max(SAMPLE_BYTES, size - SAMPLE_BYTES);
      hash.update(buffer.subarray(0, readSync(fd, buffer, 0, size - tail, tail)));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

type Entry =
  | { kind: 'ok'; meta: Meta; columns: Float64Array[] }
  | { kind: 'absent' }
  | { kind: 'damaged'; reason: string };

function readEntry(path: string): Entry {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return { kind: 'absent' };
  }
  try {
    const size = fstatSync(fd).size;
    if (size < HEADER_BYTES) return { kind: 'damaged', reason: `${size} bytes, shorter than its header` };
    // One buffer of its own for the whole entry (not zero-filled: every byte is read into it), so the columns are
    // aligned views on it without a copy.
    const bytes = new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    if (read < size) return { kind: 'damaged', reason: `read ${read} of ${size} bytes` };
    if (Buffer.from(bytes.buffer, 0, 8).toString('latin1') !== MAGIC) {
      return { kind: 'damaged', reason: 'not a bar cache entry' };
    }
    const view = new DataView(bytes.buffer);
    const metaLength = view.getUint32(8, true);
    const columnsAt = align8(HEADER_BYTES + metaLength);
    if (columnsAt > size) return { kind: 'damaged', reason: 'truncated in its description' };
    if (crc32(bytes.subarray(HEADER_BYTES)) !== view.getUint32(12, true)) {
      return { kind: 'damaged', reason: 'checksum mismatch: truncated or altered' };
    }
    const parsed = MetaSchema.safeParse(
      JSON.parse(Buffer.from(bytes.buffer, HEADER_BYTES, metaLength).toString('utf8')),
    );
    if (!parsed.success) return { kind: 'damaged', reason: 'its description does not parse' };
    const meta = parsed.data;
    if (columnsAt + meta.length * 8 * COLUMNS.length !== size) {
      return {
        kind: 'damaged',
        reason: `${size} bytes where ${meta.length} bars need ${columnsAt + meta.length * 48}`,
      };
    }
    const columns = COLUMNS.map(
      (_, k) => new Float64Array(bytes.buffer, columnsAt + k * meta.length * 8, meta.length),
    );
    return { kind: 'ok', meta, columns };
  } catch (error) {
    return { kind: 'damaged', reason: (error as Error).message };
  } finally {
    closeSync(fd);
  }
}

function fromEntry(meta: Meta, columns: Float64Array[], options: CsvImportOptions): CachedImport {
  const [time, open, high, low, close, volume] = columns as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  let timeframe = options.timeframe;
  let timeframeNote = `given: ${timeframe}`;
  if (timeframe === undefined) {
    if (meta.timeframe === null) {
      // Cached without inference (the import was given a timeframe): infer now, as an import would.
      const inferred = inferTimeframe(time, meta.length);
      if (typeof inferred === 'string')
        throw new BarDataError(basename(meta.path), undefined, 'time', inferred);
      timeframe = inferred.timeframe;
    } else {
      timeframe = meta.timeframe;
    }
    timeframeNote = meta.timeframeNote;
  }
  const series: BarSeries = {
    symbol: options.symbol,
    timeframe,
    time,
    open,
    high,
    low,
    close,
    volume,
    length: meta.length,
  };
  return {
    series,
    skipped: meta.skipped,
    problems: meta.problems,
    timeframeNote,
    adjusted: meta.adjusted,
    cache: 'hit',
  };
}

function writeEntry(
  path: string,
  dir: string,
  identity: Identity,
  imported: CsvImportResult,
  inferred: boolean,
): void {
  const { series } = imported;
  const meta: Meta = {
    ...identity,
    length: series.length,
    skipped: imported.skipped,
    problems: imported.problems,
    adjusted: imported.adjusted,
    timeframe: inferred ? series.timeframe : null,
    timeframeNote: inferred ? imported.timeframeNote : '',
  };
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  const columnsAt = align8(HEADER_BYTES + metaBytes.length);
  const head = Buffer.alloc(columnsAt);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(metaBytes.length, 8);
  metaBytes.copy(head, HEADER_BYTES);
  const columns = COLUMNS.map((name) => {
    const column = series[name];
    return new Uint8Array(column.buffer, column.byteOffset, series.length * 8);
  });
  let crc = crc32(head.subarray(HEADER_BYTES));
  for (const column of columns) crc = crc32(column, crc);
  head.writeUInt32LE(crc, 12);

  const partial = `${path}.${process.pid}.partial`;
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(partial, 'w');
    try {
      for (const chunk of [head, ...columns]) {
        for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at, chunk.length - at);
      }
    } finally {
      closeSync(fd);
    }
    renameSync(partial, path);
  } catch {
    // A cache that cannot be written (read-only or full disk, no folder) only costs speed: the import succeeded.
    try {
      rmSync(partial, { force: true });
    } catch {
      // nothing was written
    }
  }
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
