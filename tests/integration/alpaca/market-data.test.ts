// Alpaca market data through the real SDK against the loopback fake: history (paging, the SQLite cache, feeds and
// their fallbacks, unknown symbols, crypto, 429) and the live bar feed (aggregation, grouping, reconnect + backfill,
// SIP refusal, the one-connection rule). Every request the SDK sends is counted by a middleware.
import type { Alpaca } from '@alpacahq/alpaca-trade-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeAlpaca } from '../../../dev/fake-alpaca/server';
import { createAlpacaClient } from '../../../src/main/adapters/alpaca/client';
import {
  type AlpacaHistoryOptions,
  createAlpacaHistory,
  UnknownSymbolError,
} from '../../../src/main/adapters/alpaca/history';
import {
  createAlpacaLiveFeed,
  type FeedClock,
  type SymbolBar,
} from '../../../src/main/adapters/alpaca/live-feed';
import { alpacaStreamUrls } from '../../../src/main/adapters/alpaca/streams';
import type { LiveFeed, LiveFeedStatus } from '../../../src/main/feeds/live-feed';
import { createBarCacheRepo } from '../../../src/main/store/bar-cache-repo';
import { type Db, openDatabase } from '../../../src/main/store/database';
import { type BarSeries, barAt } from '../../../src/shared/domain/bars';
import { type TempFolder, tempFolder } from '../store/store-helpers';
import { sdk, sleep, startFake } from './fake-alpaca-helpers';

const MINUTE = 60_000;
const utc = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
// The fake starts at 2025-03-05T15:00Z (Wednesday, 10:00 New York). Monday March 3 is a whole session before it.
const MONDAY_OPEN = utc('2025-03-03T14:30:00Z');
const MONDAY_LAST_MINUTE = utc('2025-03-03T20:59:00Z');

interface SentRequest {
  readonly path: string;
  readonly query: URLSearchParams;
}

let fake: FakeAlpaca;
let folder: TempFolder;
let db: Db;
let sent: SentRequest[];
let feeds: LiveFeed[];

beforeEach(async () => {
  fake = await startFake();
  folder = tempFolder('marketboss-market-data-');
  db = openDatabase(folder.file());
  sent = [];
  feeds = [];
});

afterEach(async () => {
  for (const feed of feeds) await feed.stop();
  db.close();
  folder.remove();
  await fake.close();
});

/** The app's SDK client (createAlpacaClient) pointed at the fake, with every request attempt recorded. */
function client(): Alpaca {
  return createAlpacaClient({
    keyId: fake.keys.paper.keyId,
    secret: fake.keys.paper.secret,
    baseUrls: { trading: fake.url, data: fake.url },
    options: {
      middleware: [
        {
          pre: async (context) => {
            const url = new URL(context.url);
            sent.push({ path: url.pathname, query: url.searchParams });
          },
        },
      ],
    },
  });
}

function history(options: Partial<AlpacaHistoryOptions> = {}) {
  return createAlpacaHistory({ client: client(), cache: createBarCacheRepo(db), ...options });
}

const barRequests = () => sent.filter((r) => r.path.endsWith('/bars'));

/** The fake's own 1m bars (wire form) of one symbol, straight through the SDK. */
async function wireMinutes(
  symbol: string,
  start: number,
  end: number,
  feed: 'iex' | 'sip' = 'iex',
): Promise<{ t: string; o: number; h: number; l: number; c: number; v: number }[]> {
  const response = await sdk(fake).marketData.stocks.stockBars({
    symbols: symbol,
    timeframe: '1Min',
    start: new Date(start),
    end: new Date(end),
    limit: 10_000,
    feed,
  });
  return (response.bars[symbol] ?? []) as unknown as {
    t: string;
    o: number;
    h: number;
    l: number;
    c: number;
    v: number;
  }[];
}

function times(series: BarSeries): string[] {
  return Array.from(series.time, (t) => iso(t));
}

async function until(predicate: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('history: paging and the cache', () => {
  it('pages through more bars than one page holds and returns every bar once, in order', async () => {
    const result = await history({ pageLimit: 500 }).bars({
      symbols: ['AAPL', 'MSFT'],
      timeframe: '1m',
      start: MONDAY_OPEN,
      end: MONDAY_LAST_MINUTE,
    });

    const pages = barRequests();
    expect(pages).toHaveLength(2); // 780 bars, 500 a page
    expect(pages[0]!.query.get('limit')).toBe('500');
    expect(pages[0]!.query.has('page_token')).toBe(false);
    expect(pages[1]!.query.get('page_token')).toBeTruthy();
    for (const symbol of ['AAPL', 'MSFT']) {
      const series = result.series[symbol]!;
      expect(series.length).toBe(390);
      expect(iso(series.time[0]!)).toBe('2025-03-03T14:30:00.000Z');
      expect(iso(series.time[389]!)).toBe('2025-03-03T20:59:00.000Z');
      const wire = await wireMinutes(symbol, MONDAY_OPEN, MONDAY_LAST_MINUTE);
      expect(Array.from(series.close)).toEqual(wire.map((b) => b.c));
      expect(Array.from(series.volume)).toEqual(wire.map((b) => b.v));
    }
    expect(result.feeds).toEqual({ AAPL: 'iex', MSFT: 'iex' });
  });

  it('asking again, or for a part, makes no request at all — also from a new history over the same file', async () => {
    const request = {
      symbols: ['AAPL', 'MSFT'],
      timeframe: '5m' as const,
      start: MONDAY_OPEN,
      end: MONDAY_LAST_MINUTE,
    };
    const first = await history().bars(request);
    expect(first.requests).toBeGreaterThan(0);
    sent = [];

    const again = await history().bars(request);
    const part = await history().bars({
      ...request,
      start: utc('2025-03-03T16:00:00Z'),
      end: utc('2025-03-03T17:00:00Z'),
    });

    expect(sent).toEqual([]);
    expect(again.requests).toBe(0);
    expect(times(again.series['AAPL']!)).toEqual(times(first.series['AAPL']!));
    expect(Array.from(again.series['MSFT']!.close)).toEqual(Array.from(first.series['MSFT']!.close));
    expect(part.series['AAPL']!.length).toBe(13); // 16:00 … 17:00 in 5m steps
    expect(iso(part.series['AAPL']!.time[0]!)).toBe('2025-03-03T16:00:00.000Z');
  });

  it('a request that extends a cached range downloads only the missing part', async () => {
    const h = history();
    await h.bars({
      symbols: ['AAPL'],
      timeframe: '1m',
      start: MONDAY_OPEN,
      end: utc('2025-03-03T17:00:00Z'),
    });
    sent = [];

    const whole = await h.bars({
      symbols: ['AAPL'],
      timeframe: '1m',
      start: MONDAY_OPEN,
      end: MONDAY_LAST_MINUTE,
    });

    const gap = barRequests();
    expect(gap).toHaveLength(1);
    const gapStart = Date.parse(gap[0]!.query.get('start')!);
    expect(gapStart).toBeGreaterThan(utc('2025-03-03T17:00:00Z'));
    expect(gapStart).toBeLessThanOrEqual(utc('2025-03-03T17:01:00Z'));
    expect(gap[0]!.query.get('end')).toBe('2025-03-03T20:59:00.000Z');
    expect(whole.series['AAPL']!.length).toBe(390);
    const wire = await wireMinutes('AAPL', MONDAY_OPEN, MONDAY_LAST_MINUTE);
    expect(Array.from(whole.series['AAPL']!.open)).toEqual(wire.map((b) => b.o));
  });

  it('only finished bars are returned and cached: the still-forming minute is asked for again later', async () => {
    const h = history();
    fake.advance(3); // 15:03: 15:00, 15:01 and 15:02 are finished
    const first = await h.bars({ symbols: ['AAPL'], timeframe: '1m', start: utc('2025-03-05T14:30:00Z') });
    expect(iso(first.series['AAPL']!.time[first.series['AAPL']!.length - 1]!)).toBe(
      '2025-03-05T15:02:00.000Z',
    );

    fake.advance(2);
    sent = [];
    const later = await h.bars({ symbols: ['AAPL'], timeframe: '1m', start: utc('2025-03-05T14:30:00Z') });

    const tail = barRequests();
    expect(tail).toHaveLength(1);
    expect(Date.parse(tail[0]!.query.get('start')!)).toBeGreaterThan(utc('2025-03-05T15:02:00Z'));
    expect(times(later.series['AAPL']!).slice(-3)).toEqual([
      '2025-03-05T15:02:00.000Z',
      '2025-03-05T15:03:00.000Z',
      '2025-03-05T15:04:00.000Z',
    ]);
    expect(later.series['AAPL']!.length).toBe(35); // 14:30 … 15:04
  });
});

describe('history: timeframes', () => {
  it('1h stock bars are built from 1m bars anchored at the 09:30 open: open first, close last, max, min, sum', async () => {
    const result = await history().bars({
      symbols: ['AAPL'],
      timeframe: '1h',
      start: MONDAY_OPEN,
      end: utc('2025-03-03T20:30:00Z'),
    });

    expect(barRequests().every((r) => r.query.get('timeframe') === '1Min')).toBe(true);
    const hours = result.series['AAPL']!;
    expect(times(hours)).toEqual([
      '2025-03-03T14:30:00.000Z',
      '2025-03-03T15:30:00.000Z',
      '2025-03-03T16:30:00.000Z',
      '2025-03-03T17:30:00.000Z',
      '2025-03-03T18:30:00.000Z',
      '2025-03-03T19:30:00.000Z',
      '2025-03-03T20:30:00.000Z', // 15:30–16:00 New York, half an hour
    ]);
    const wire = await wireMinutes('AAPL', MONDAY_OPEN, MONDAY_LAST_MINUTE);
    for (let k = 0; k < hours.length; k++) {
      const from = hours.time[k]!;
      const minutes = wire.filter((b) => Date.parse(b.t) >= from && Date.parse(b.t) < from + 60 * MINUTE);
      expect(barAt(hours, k)).toEqual({
        time: from,
        open: minutes[0]!.o,
        high: Math.max(...minutes.map((b) => b.h)),
        low: Math.min(...minutes.map((b) => b.l)),
        close: minutes[minutes.length - 1]!.c,
        volume: minutes.reduce((sum, b) => sum + b.v, 0),
      });
    }
    expect(barAt(hours, 6).volume).toBe(
      wire.filter((b) => Date.parse(b.t) >= utc('2025-03-03T20:30:00Z')).reduce((s, b) => s + b.v, 0),
    );
  });

  it('daily stock bars are stamped 00:00 UTC of their New York date; today’s unfinished bar is left out', async () => {
    const result = await history().bars({
      symbols: ['SPY'],
      timeframe: '1D',
      start: utc('2025-02-24T00:00:00Z'),
    });

    expect(times(result.series['SPY']!)).toEqual([
      '2025-02-24T00:00:00.000Z',
      '2025-02-25T00:00:00.000Z',
      '2025-02-26T00:00:00.000Z',
      '2025-02-27T00:00:00.000Z',
      '2025-02-28T00:00:00.000Z',
      '2025-03-03T00:00:00.000Z',
      '2025-03-04T00:00:00.000Z',
    ]);
    const daily = await sdk(fake).marketData.stocks.stockBars({
      symbols: 'SPY',
      timeframe: '1Day',
      start: new Date('2025-03-04T00:00:00Z'),
      end: new Date('2025-03-04T23:00:00Z'),
      feed: 'iex',
    });
    const wire = (daily.bars['SPY'] as unknown as { t: string; o: number; c: number }[])[0]!;
    expect(wire.t).toBe('2025-03-04T05:00:00Z'); // Alpaca stamps New York midnight
    expect(result.series['SPY']!.open[6]).toBe(wire.o);
    expect(result.series['SPY']!.close[6]).toBe(wire.c);
  });

  it('crypto bars come from the crypto endpoint, around the clock, UTC-aligned', async () => {
    const result = await history().bars({
      symbols: ['BTC/USD'],
      timeframe: '1h',
      start: utc('2025-03-01T00:00:00Z'), // a Saturday
      end: utc('2025-03-01T23:00:00Z'),
    });

    expect(barRequests().map((r) => r.path)).toEqual(['/v1beta3/crypto/us/bars']);
    expect(barRequests()[0]!.query.get('timeframe')).toBe('1Hour');
    const series = result.series['BTC/USD']!;
    expect(series.length).toBe(24);
    expect(iso(series.time[0]!)).toBe('2025-03-01T00:00:00.000Z');
    expect(iso(series.time[23]!)).toBe('2025-03-01T23:00:00.000Z');
    expect(result.feeds['BTC/USD']).toBe('crypto');
    for (let i = 0; i < series.length; i++) expect(series.high[i]!).toBeGreaterThanOrEqual(series.low[i]!);
  });
});

describe('history: feeds and errors', () => {
  it('IEX by default; SIP when asked for older bars; SIP for recent bars falls back to IEX and says so', async () => {
    const h = history();
    const bar15 = utc('2025-03-05T14:40:00Z'); // 20 minutes before the fake's clock
    const iex = await h.bars({ symbols: ['AAPL'], timeframe: '1m', start: bar15, end: bar15 });
    expect(barRequests()[0]!.query.get('feed')).toBe('iex');

    const sip = await h.bars({ symbols: ['AAPL'], timeframe: '1m', start: bar15, end: bar15, feed: 'sip' });
    expect(sip.feeds['AAPL']).toBe('sip');
    expect(sip.notes).toEqual([]);
    expect(sip.series['AAPL']!.close[0]).toBe(iex.series['AAPL']!.close[0]);
    expect(sip.series['AAPL']!.volume[0]).toBeGreaterThan(iex.series['AAPL']!.volume[0]!); // IEX: a slice of it

    sent = [];
    const recent = await h.bars({ symbols: ['AAPL'], timeframe: '1m', start: bar15, feed: 'sip' });

    expect(barRequests().map((r) => r.query.get('feed'))).toEqual(['sip', 'iex']);
    expect(recent.feeds['AAPL']).toBe('iex');
    expect(recent.notes.join('\n')).toMatch(/refused recent SIP data.*AAPL come from IEX instead/);
    expect(recent.series['AAPL']!.volume[0]).toBe(iex.series['AAPL']!.volume[0]);

    // Daily SIP up to now stays SIP: today's unfinished bar is not asked for, so the request is not "recent".
    const daily = await h.bars({
      symbols: ['SPY'],
      timeframe: '1D',
      start: utc('2025-03-03T00:00:00Z'),
      feed: 'sip',
    });
    expect(daily.feeds['SPY']).toBe('sip');
    expect(daily.notes).toEqual([]);
    expect(times(daily.series['SPY']!)).toEqual(['2025-03-03T00:00:00.000Z', '2025-03-04T00:00:00.000Z']);
  });

  it('an unknown symbol is an error naming it (checked with the assets endpoint), not an empty series', async () => {
    const h = history();
    const request = {
      symbols: ['AAPL', 'XYZ'],
      timeframe: '1m' as const,
      start: MONDAY_OPEN,
      end: MONDAY_LAST_MINUTE,
    };

    const error = await h.bars(request).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(UnknownSymbolError);
    expect((error as Error).message).toBe('Alpaca does not know the symbol XYZ');
    expect((error as UnknownSymbolError).symbols).toEqual(['XYZ']);
    expect(sent.map((r) => r.path)).toContain('/v2/assets/XYZ');
    const known = await h.bars({
      ...request,
      symbols: ['SPY'],
      start: utc('2025-03-01T15:00:00Z'),
      end: utc('2025-03-01T16:00:00Z'),
    });
    expect(known.series['SPY']!.length).toBe(0); // a Saturday: known symbol, no bars — said in a note
    expect(known.notes.join('\n')).toMatch(/no iex 1m bars of SPY/);
  });

  it('429 with Retry-After is waited out and retried, beyond the SDK’s own retries', async () => {
    fake.addFault({ kind: 'status', status: 429, retryAfter: 0.25, path: '/v2/stocks/bars', times: 4 });
    const began = Date.now();

    const result = await history().bars({
      symbols: ['AAPL'],
      timeframe: '5m',
      start: MONDAY_OPEN,
      end: MONDAY_LAST_MINUTE,
    });

    expect(result.series['AAPL']!.length).toBe(78);
    expect(barRequests()).toHaveLength(5); // 4 refused (3 inside the SDK's retries, 1 in ours), then the answer
    expect(Date.now() - began).toBeGreaterThanOrEqual(4 * 250 - 50);
  });
});

describe('live bars', () => {
  it('stream URLs come from the loopback base URLs the way the fake serves them; none means the SDK defaults', () => {
    expect(alpacaStreamUrls({ trading: fake.url, data: fake.url })).toEqual(fake.streamUrls);
    expect(alpacaStreamUrls({ trading: 'https://127.0.0.1:8443/', data: 'http://localhost:9000' })).toEqual({
      trading: 'wss://127.0.0.1:8443/stream',
      iex: 'ws://localhost:9000/v2/iex',
      sip: 'ws://localhost:9000/v2/sip',
      crypto: 'ws://localhost:9000/v1beta3/crypto/us',
    });
    expect(alpacaStreamUrls(undefined)).toBeUndefined();
  });

  /** The fake's clock for the grace period, real timers for the waits. */
  const fakeClock = (): FeedClock => ({
    now: () => fake.broker.now(),
    setTimeout: (run, ms) => setTimeout(run, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  });

  interface Recorded {
    readonly groups: { time: number; bars: readonly SymbolBar[] }[];
    readonly statuses: LiveFeedStatus[];
  }

  async function startFeed(
    options: Omit<Parameters<typeof createAlpacaLiveFeed>[0], 'client'>,
  ): Promise<Recorded & { feed: LiveFeed }> {
    const c = client();
    const feed = createAlpacaLiveFeed({
      client: c,
      streamUrls: alpacaStreamUrls({ trading: fake.url, data: fake.url }),
      clock: fakeClock(),
      checkEveryMs: 20,
      reconnectMs: { initial: 50, max: 200 },
      ...options,
    });
    feeds.push(feed);
    const recorded: Recorded = { groups: [], statuses: [] };
    await feed.start({
      onBars: (time, bars) => recorded.groups.push({ time, bars }),
      onStatus: (status) => recorded.statuses.push(status),
    });
    return { ...recorded, feed };
  }

  it('aggregates the stream’s minute bars into 5m bars released per bar time with every symbol', async () => {
    const live = await startFeed({ symbols: ['AAPL', 'MSFT'], timeframe: '5m' });
    expect(live.statuses.at(-1)).toEqual({
      connected: true,
      message: 'streaming 5m bars of AAPL, MSFT from Alpaca IEX',
    });

    fake.advance(4);
    await sleep(100);
    expect(live.groups).toEqual([]); // 15:00–15:05 is not over
    // One bar's last minute at a time: a jump past a bar's end plus the grace period would let the feed release it
    // (rightly, by the grace rule) before the stream had delivered that last minute on a loaded machine.
    fake.advance(1);
    await until(() => live.groups.length === 1, 'the 15:00 5m bar');
    fake.advance(5);
    await until(() => live.groups.length === 2, 'two 5m bar times');

    expect(live.groups.map((g) => iso(g.time))).toEqual([
      '2025-03-05T15:00:00.000Z',
      '2025-03-05T15:05:00.000Z',
    ]);
    for (const group of live.groups) {
      expect(group.bars.map((b) => b.symbol)).toEqual(['AAPL', 'MSFT']);
      for (const bar of group.bars) {
        const minutes = await wireMinutes(bar.symbol, group.time, group.time + 4 * MINUTE);
        expect(minutes).toHaveLength(5);
        expect(bar).toEqual({
          symbol: bar.symbol,
          time: group.time,
          open: minutes[0]!.o,
          high: Math.max(...minutes.map((b) => b.h)),
          low: Math.min(...minutes.map((b) => b.l)),
          close: minutes[4]!.c,
          volume: minutes.reduce((sum, b) => sum + b.v, 0),
        });
      }
    }
  });

  it('the first bar is whole when the feed starts mid-bar: its earlier minutes are fetched over REST', async () => {
    fake.advance(2); // 15:02: the 15:00 5m bar is in progress
    const live = await startFeed({ symbols: ['AAPL'], timeframe: '5m' });
    fake.advance(3);
    await until(() => live.groups.length === 1, 'the 15:00 bar');

    const minutes = await wireMinutes('AAPL', utc('2025-03-05T15:00:00Z'), utc('2025-03-05T15:04:00Z'));
    expect(live.groups[0]!.bars[0]).toMatchObject({
      open: minutes[0]!.o,
      volume: minutes.reduce((sum, b) => sum + b.v, 0),
    });
  });

  it('after a dropped connection it reconnects and backfills the missed minutes: no bar time is skipped', async () => {
    const live = await startFeed({ symbols: ['AAPL', 'MSFT'], timeframe: '1m' });
    fake.advance(2);
    await until(() => live.groups.length === 2, '15:00 and 15:01');

    expect(fake.disconnectStreams('market-data')).toBe(1);
    fake.advance(3); // 15:02–15:04 happen while nobody listens
    await until(() => live.groups.length === 5, 'the backfilled minutes');
    fake.advance(1);
    await until(() => live.groups.length === 6, '15:05 from the stream again');

    expect(live.groups.map((g) => iso(g.time).slice(11, 16))).toEqual([
      '15:00',
      '15:01',
      '15:02',
      '15:03',
      '15:04',
      '15:05',
    ]);
    expect(live.groups.every((g) => g.bars.length === 2)).toBe(true);
    const wire = await wireMinutes('MSFT', utc('2025-03-05T15:00:00Z'), utc('2025-03-05T15:05:00Z'));
    expect(live.groups.map((g) => g.bars[1]!.close)).toEqual(wire.map((b) => b.c));
    const messages = live.statuses.map((s) => s.message);
    expect(messages).toContain(
      'lost the Alpaca market-data stream; reconnecting (missed bars will be fetched)',
    );
    expect(
      messages.some((m) => /^reconnected to Alpaca IEX market data; 6 missed minute bars fetched$/.test(m)),
    ).toBe(true);
    expect(live.statuses.at(-1)!.connected).toBe(true);
  });

  it('the SIP stream refused on the free plan: it says so and streams IEX instead', async () => {
    const live = await startFeed({ symbols: ['AAPL'], timeframe: '1m', feed: 'sip' });
    fake.advance(1);
    await until(() => live.groups.length === 1, 'a bar from IEX');

    expect(live.statuses.map((s) => s.message)).toContain(
      'Alpaca refused the SIP stream (insufficient subscription: SIP needs a paid data plan); using IEX instead',
    );
    expect(live.statuses.at(-1)).toEqual({
      connected: true,
      message: 'streaming 1m bars of AAPL from Alpaca IEX',
    });
    const [minute] = await wireMinutes('AAPL', utc('2025-03-05T15:00:00Z'), utc('2025-03-05T15:00:00Z'));
    expect(live.groups[0]!.bars[0]!.volume).toBe(minute!.v);
  });

  it('one connection per account: a second one waits (no reconnect storm) and connects once the first is gone', async () => {
    const other = sdk(fake).marketData.stockStream({
      feed: 'iex',
      url: fake.streamUrls.iex,
      reconnect: false,
    });
    other.connect();
    expect(await other.waitForAuthentication(3_000)).toBe(true);

    const live = await startFeed({ symbols: ['AAPL'], timeframe: '1m', connectionLimitRetryMs: 400 });

    const refused = () =>
      live.statuses.filter((s) => s.message.startsWith('Alpaca allows one market-data connection'));
    expect(refused()).toHaveLength(1);
    expect(refused()[0]!.message).toMatch(/another one is open .*; trying again in 0\.4 s$/);
    await sleep(150);
    expect(refused()).toHaveLength(1); // it waits, rather than retrying at once
    other.disconnect();
    await until(() => live.statuses.at(-1)?.connected === true, 'the retry to connect');
    expect(refused()).toHaveLength(1);
    fake.advance(1);
    await until(() => live.groups.length === 1, 'a bar after the retry');
  });

  it('crypto: BTC/USD minute bars from the crypto stream, one bar time each', async () => {
    const live = await startFeed({ symbols: ['BTC/USD'], timeframe: '1m' });
    fake.advance(2);
    await until(() => live.groups.length === 2, 'two crypto minutes');

    expect(live.groups.map((g) => iso(g.time))).toEqual([
      '2025-03-05T15:00:00.000Z',
      '2025-03-05T15:01:00.000Z',
    ]);
    expect(live.groups[0]!.bars[0]!.symbol).toBe('BTC/USD');
  });

  it('bad keys: start rejects with the reason, and nothing keeps reconnecting', async () => {
    const feed = createAlpacaLiveFeed({
      client: createAlpacaClient({
        keyId: 'PKWRONG',
        secret: 'nope',
        baseUrls: { trading: fake.url, data: fake.url },
      }),
      symbols: ['AAPL'],
      timeframe: '1m',
      streamUrls: alpacaStreamUrls({ trading: fake.url, data: fake.url }),
      reconnectMs: { initial: 20, max: 20 },
    });
    feeds.push(feed);

    await expect(feed.start({ onBars: () => {}, onStatus: () => {} })).rejects.toThrow(
      /refused the market-data login \(auth failed\)/,
    );
    await sleep(100);
    expect((fake.state() as { streams: { marketData: number } }).streams.marketData).toBe(0);
  });
});
