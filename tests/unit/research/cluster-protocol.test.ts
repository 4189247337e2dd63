// What the lab and the cluster workers exchange through Redis: the dataset blob, cells and outcomes as JSON, a refused
// config, and the worker's flags.
import { describe, expect, it } from 'vitest';
import { generateMarket } from '../../../src/main/feeds/synthetic';
import { createBullmqExecutor } from '../../../src/main/research/bullmq-executor';
import { datasetId, runCell } from '../../../src/main/research/cell';
import {
  checkRedisUrl,
  configErrorOfReason,
  configErrorReason,
  decodeDataset,
  encodeDataset,
  fromWire,
  shownRedisUrl,
  toWire,
} from '../../../src/main/research/cluster-protocol';
import { parseWorkerArgs } from '../../../src/main/research/cluster-worker';
import { ConfigError } from '../../../src/main/strategies/run-config';

const viaRedis = (value: unknown): unknown => fromWire(JSON.parse(JSON.stringify(toWire(value))));

describe('dataset blob', () => {
  // Two symbols of different lengths; a symbol name of odd length so the header needs padding to 8 bytes.
  const [a, b] = generateMarket({ seed: 3, bars: 300, timeframe: '1h', symbols: ['ABC', 'DEFGH'] }) as [
    ReturnType<typeof generateMarket>[number],
    ReturnType<typeof generateMarket>[number],
  ];
  const series = [a, { ...b, length: 250 }];
  const id = datasetId(series);

  it('gives back the same columns (and so the same id)', () => {
    const back = decodeDataset(encodeDataset(series), id);
    expect(back.map((s) => [s.symbol, s.timeframe, s.length])).toEqual([
      ['ABC', '1h', 300],
      ['DEFGH', '1h', 250],
    ]);
    for (const [k, s] of back.entries()) {
      for (const column of ['time', 'open', 'high', 'low', 'close', 'volume'] as const)
        expect(Array.from(s[column])).toEqual(Array.from(series[k]![column].subarray(0, series[k]!.length)));
    }
    expect(datasetId(back)).toBe(id);
    // Compact: 6 float64 columns and a small header.
    expect(encodeDataset(series).length).toBeLessThan((300 + 250) * 6 * 8 + 200);
  });

  it('refuses a blob that is cut short, of another dataset, or not one at all', () => {
    const blob = encodeDataset(series);
    expect(() => decodeDataset(blob.subarray(0, blob.length - 8), id)).toThrow(
      `dataset ${id} in Redis is unreadable: ${blob.length - 8} bytes, the header says ${blob.length}`,
    );
    const other = encodeDataset([a]);
    expect(() => decodeDataset(other, id)).toThrow(/its content does not match its id/);
    expect(() => decodeDataset(Buffer.from('hello, world'), id)).toThrow(/not a MarketBoss dataset blob/);
  });
});

describe('cells and outcomes as JSON', () => {
  it('keeps what JSON cannot hold: ±Infinity, NaN and −0', () => {
    const back = viaRedis({
      a: Number.POSITIVE_INFINITY,
      b: [Number.NEGATIVE_INFINITY, -0, 0, 1.5],
      c: Number.NaN,
    });
    expect(back).toEqual({
      a: Number.POSITIVE_INFINITY,
      b: [Number.NEGATIVE_INFINITY, -0, 0, 1.5],
      c: Number.NaN,
    });
    expect(Object.is((back as { b: number[] }).b[1], -0)).toBe(true);
  });

  it('gives back a cell outcome whose JSON is the same to the byte', () => {
    const [series] = generateMarket({ seed: 4, bars: 400, timeframe: '1D', symbols: ['ONE'] });
    const outcome = runCell([series!], {
      key: 'c1',
      config: { strategy: { id: 'sma-crossover', params: { fast: 5, slow: 20 } } },
      keep: { equity: true, tradePnl: true },
    });
    expect(outcome.metrics?.trades).toBeGreaterThan(0);
    expect(JSON.stringify(viaRedis(outcome))).toBe(JSON.stringify(outcome));
  });

  it('carries a refused config as the same ConfigError', () => {
    const refused = configErrorOfReason(configErrorReason(new ConfigError('window', 'bars 3–9 are outside')));
    expect(refused).toBeInstanceOf(ConfigError);
    expect([refused?.field, refused?.message]).toEqual(['window', 'window: bars 3–9 are outside']);
    expect(configErrorOfReason('connect ECONNREFUSED')).toBeNull();
  });
});

describe('Redis URL and worker flags', () => {
  it('takes redis:// and rediss:// URLs with an optional database number', () => {
    for (const url of ['redis://127.0.0.1:6379', 'rediss://cache.example:6380', 'redis://h:1/2', 'redis://h'])
      expect(checkRedisUrl(url)).toBe(url);
  });

  it('refuses anything else, naming the URL', () => {
    expect(() => checkRedisUrl('localhost:6379')).toThrow(
      "'localhost:6379' is not a Redis URL: it starts with localhost:// (expected redis://HOST:PORT)",
    );
    expect(() => checkRedisUrl('http://h:6379')).toThrow(/starts with http:/);
    expect(() => checkRedisUrl('not a url')).toThrow("'not a url' is not a Redis URL");
    expect(() => checkRedisUrl('redis://h:1/queue')).toThrow(/the path must be a database number/);
  });

  it('shows a URL without its password', () => {
    expect(shownRedisUrl('redis://:s3cret@cache.example:6379/1')).toBe('redis://:***@cache.example:6379/1');
    expect(shownRedisUrl('redis://user:s3cret@h:1')).toBe('redis://user:***@h:1');
    expect(shownRedisUrl('redis://h:1')).toBe('redis://h:1');
    expect(createBullmqExecutor({ redisUrl: 'redis://:s3cret@h:1' }).description).toBe(
      'bullmq at redis://:***@h:1 (queue marketboss-research)',
    );
    expect(() => createBullmqExecutor({ redisUrl: 'redis://h:1', queueName: 'a:b' })).toThrow(
      "'a:b' is not a queue name (not empty, no ':')",
    );
  });

  it('reads the worker flags', () => {
    expect(
      parseWorkerArgs([
        '--redis',
        'redis://h:1',
        '--concurrency',
        '3',
        '--queue',
        'lab',
        '--lock-ms',
        '2000',
        '--stalled-check-ms',
        '500',
        '--keep-datasets',
        '2',
      ]),
    ).toEqual({
      redisUrl: 'redis://h:1',
      queueName: 'lab',
      concurrency: 3,
      lockMs: 2000,
      stalledCheckMs: 500,
      keepDatasets: 2,
    });
    expect(parseWorkerArgs(['--redis', 'redis://h:1'])).toEqual({ redisUrl: 'redis://h:1' });
  });

  it('refuses bad flags naming them', () => {
    expect(() => parseWorkerArgs([])).toThrow('--redis: is required (redis://HOST:PORT)');
    expect(() => parseWorkerArgs(['--redis', 'tcp://h:1'])).toThrow(
      /^--redis: 'tcp:\/\/h:1' is not a Redis URL/,
    );
    expect(() => parseWorkerArgs(['--redis', 'redis://h:1', '--concurrency', '1.5'])).toThrow(
      "--concurrency: '1.5' is not a whole number ≥ 1",
    );
    expect(() => parseWorkerArgs(['--redis', 'redis://h:1', '--lock-ms', '10'])).toThrow(
      "--lock-ms: '10' is not a whole number ≥ 100",
    );
    expect(() => parseWorkerArgs(['--redis', 'redis://h:1', '--queue', 'a:b'])).toThrow(/^--queue: 'a:b'/);
    expect(() => parseWorkerArgs(['--redis', 'redis://h:1', '--workers', '2'])).toThrow(
      /Unknown option '--workers'/,
    );
  });
});
