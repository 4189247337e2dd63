// What the lab (bullmq-executor.ts) and the cluster workers (cluster-worker.ts) agree on: the queue and job names,
// where a dataset's blob lives in Redis and its binary layout, and the JSON that carries cells and outcomes
// (non-finite numbers and −0 kept, so an outcome read back from Redis equals the one the worker made).
import { Redis } from 'ioredis';
import { z } from 'zod';
import { type BarSeries, TIMEFRAMES } from '../../shared/domain/bars';
import { ConfigError } from '../strategies/run-config';
import { datasetId } from './cell';

export const DEFAULT_QUEUE = 'marketboss-research';
/** A cell job; its parent (the run, whose completion means every cell is done) is a RUN_JOB in the same queue. */
export const CELL_JOB = 'cell';
export const RUN_JOB = 'run';

/** The Redis key of a dataset's blob (per queue, so two labs sharing a Redis with different queues never mix). */
export const datasetKey = (queueName: string, id: string): string => `marketboss:${queueName}:dataset:${id}`;

/** `redis://HOST:PORT[/DB]` (or rediss:// for TLS), checked before any connection is tried. */
export function checkRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`'${url}' is not a Redis URL (expected redis://HOST:PORT)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new Error(
      `'${url}' is not a Redis URL: it starts with ${parsed.protocol}// (expected redis://HOST:PORT)`,
    );
  if (parsed.hostname === '') throw new Error(`'${url}' names no host (expected redis://HOST:PORT)`);
  if (parsed.pathname !== '' && parsed.pathname !== '/' && !/^\/\d+$/.test(parsed.pathname))
    throw new Error(
      `'${url}': the path must be a database number (redis://HOST:PORT/0), not ${parsed.pathname}`,
    );
  return url;
}

/** Connects once, failing fast (with the URL and the cause) when Redis does not answer; reconnects after that. */
export async function connectRedis(url: string): Promise<Redis> {
  let connected = false;
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    // Before the first connection: three quick tries, then give up; after it, keep reconnecting (a Redis restart).
    retryStrategy: (times) => (connected ? Math.min(times * 200, 2_000) : times <= 3 ? 200 : null),
  });
  // ioredis rejects connect() with 'Connection is closed'; the cause (ECONNREFUSED, ENOTFOUND …) comes as an event.
  // Later errors surface through the commands that fail.
  let cause: Error | undefined;
  redis.on('error', (error: Error) => {
    cause = error;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const why = cause ?? error;
    throw new Error(
      `cannot reach Redis at ${shownRedisUrl(url)}: ${why instanceof Error ? why.message : String(why)}`,
    );
  }
  connected = true;
  return redis;
}

/** The URL to show in logs and messages: a password in it becomes ***. */
export function shownRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** BullMQ's rule for queue names: not empty, no ':' (its key separator). */
export function checkQueueName(name: string): string {
  if (name === '' || name.includes(':')) throw new Error(`'${name}' is not a queue name (not empty, no ':')`);
  return name;
}

// ---- cells and outcomes as JSON: a tagged object stands for what JSON cannot hold ----
const NUMBER_TAG = '$number';
type Wire = null | boolean | number | string | Wire[] | { [key: string]: Wire };

/** A plain JSON value for `value`: NaN, ±Infinity and −0 become {"$number": "…"}; undefined fields are dropped. */
export function toWire(value: unknown): Wire {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { [NUMBER_TAG]: Object.is(value, -0) ? '-0' : String(value) };
  }
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (Array.isArray(value) || ArrayBuffer.isView(value))
    return Array.from(value as ArrayLike<unknown>, (item) => toWire(item ?? null));
  if (typeof value === 'object') {
    const out: { [key: string]: Wire } = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = toWire(item);
    return out;
  }
  throw new Error(`cannot send a ${typeof value} to a cluster worker`);
}

export function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === NUMBER_TAG && typeof entries[0]![1] === 'string')
      return Number(entries[0]![1]);
    return Object.fromEntries(entries.map(([key, item]) => [key, fromWire(item)]));
  }
  return value;
}

/** A cell job's data in the queue: the dataset's id and the cell (toWire of a CellJob). */
export const cellJobDataSchema = z.object({
  datasetId: z.string().regex(/^ds-[0-9a-f]+$/, 'a dataset id (ds-…)'),
  cell: z.unknown(),
});
export type CellJobData = z.infer<typeof cellJobDataSchema>;

/** The cell as a worker reads it (after fromWire); runBacktest checks the config itself, naming its fields. */
export const cellJobSchema = z.object({
  key: z.string().min(1),
  config: z.record(z.string(), z.unknown()),
  window: z.object({ start: z.number().int(), end: z.number().int() }).optional(),
  keep: z.object({ equity: z.boolean().optional(), tradePnl: z.boolean().optional() }).optional(),
});

/** What a worker returns for a cell (checked by the lab when it reads the results back). */
export const cellOutcomeWireSchema = z
  .object({ key: z.string(), error: z.string().nullable(), finalEquity: z.unknown(), metrics: z.unknown() })
  .passthrough();

// A refused config (a window outside the data …) is the same on every worker: it fails the cell without retries and
// reaches the lab as the ConfigError the inline executor throws. BullMQ keeps only a failure's message, so it
// carries the field and detail as JSON after a marker.
const CONFIG_ERROR = 'config error ';

export const configErrorReason = (error: ConfigError): string =>
  `${CONFIG_ERROR}${JSON.stringify({ field: error.field, detail: error.detail })}`;

/** The ConfigError a failure's reason carries, or null for any other failure. */
export function configErrorOfReason(reason: string): ConfigError | null {
  if (!reason.startsWith(CONFIG_ERROR)) return null;
  try {
    const { field, detail } = z
      .object({ field: z.string(), detail: z.string() })
      .parse(JSON.parse(reason.slice(CONFIG_ERROR.length)));
    return new ConfigError(field, detail);
  } catch {
    return null;
  }
}

// ---- the dataset blob: a small JSON header, then every column as little-endian float64 ----
// Layout: 'MBDS' | u32 version | u32 header bytes | header JSON | zero padding to 8 | columns (series by series:
// time, open, high, low, close, volume, `length` values each).
const MAGIC = 'MBDS';
const VERSION = 1;
const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
const headerSchema = z.object({
  series: z.array(
    z.object({ symbol: z.string().min(1), timeframe: z.enum(TIMEFRAMES), length: z.number().int().min(0) }),
  ),
});

export function encodeDataset(series: readonly BarSeries[]): Buffer {
  const header = Buffer.from(
    JSON.stringify({
      series: series.map((s) => ({ symbol: s.symbol, timeframe: s.timeframe, length: s.length })),
    }),
  );
  const start = Math.ceil((12 + header.length) / 8) * 8;
  const values = series.reduce((n, s) => n + s.length * COLUMNS.length, 0);
  const blob = Buffer.alloc(start + values * 8);
  blob.write(MAGIC, 0, 'latin1');
  blob.writeUInt32LE(VERSION, 4);
  blob.writeUInt32LE(header.length, 8);
  header.copy(blob, 12);
  let at = start;
  for (const s of series) {
    for (const column of COLUMNS) {
      const used = s[column].subarray(0, s.length);
      // Little-endian on every machine we run on; copy the bytes as they are.
      Buffer.from(used.buffer, used.byteOffset, used.byteLength).copy(blob, at);
      at += used.byteLength;
    }
  }
  return blob;
}

/**
 * The blob back as series; its content must hash to `id` (a truncated or mixed-up blob is refused). `shared`: the
 * columns live in a SharedArrayBuffer, for threads to read without a copy.
 */
export function decodeDataset(blob: Buffer, id: string, shared = false): BarSeries[] {
  const bad = (why: string): Error => new Error(`dataset ${id} in Redis is unreadable: ${why}`);
  if (blob.length < 12 || blob.toString('latin1', 0, 4) !== MAGIC) throw bad('not a MarketBoss dataset blob');
  if (blob.readUInt32LE(4) !== VERSION)
    throw bad(`format version ${blob.readUInt32LE(4)}, this worker reads ${VERSION}`);
  const headerBytes = blob.readUInt32LE(8);
  let header: z.infer<typeof headerSchema>;
  try {
    header = headerSchema.parse(JSON.parse(blob.toString('utf8', 12, 12 + headerBytes)));
  } catch (error) {
    throw bad(`its header is broken (${error instanceof Error ? error.message.split('\n')[0] : error})`);
  }
  const start = Math.ceil((12 + headerBytes) / 8) * 8;
  const values = header.series.reduce((n, s) => n + s.length * COLUMNS.length, 0);
  if (blob.length !== start + values * 8)
    throw bad(`${blob.length} bytes, the header says ${start + values * 8}`);
  // One aligned copy of all the columns; each series' columns are views on it.
  const all = new Float64Array(shared ? new SharedArrayBuffer(values * 8) : new ArrayBuffer(values * 8));
  new Uint8Array(all.buffer).set(blob.subarray(start));
  let at = 0;
  const series = header.series.map((s) => {
    const column = (): Float64Array => {
      const view = all.subarray(at, at + s.length);
      at += s.length;
      return view;
    };
    return {
      symbol: s.symbol,
      timeframe: s.timeframe,
      time: column(),
      open: column(),
      high: column(),
      low: column(),
      close: column(),
      volume: column(),
      length: s.length,
    };
  });
  if (datasetId(series) !== id) throw bad('its content does not match its id');
  return series;
}
