// Historical bars from Alpaca through the official SDK: stocks (IEX by default, SIP on request) and crypto, paged,
// validated bar by bar, cached in SQLite so a range is downloaded once, and aggregated locally where Alpaca's bars
// do not match ours (Alpaca's 1Hour is clock-aligned with pre-market in it; our 1h starts at the 09:30 open).
import { type Alpaca, NotFoundError, PermissionError } from '@alpacahq/alpaca-trade-api';
import { z } from 'zod';
import {
  allocateColumns,
  type Bar,
  type BarColumns,
  type BarSeries,
  barProblem,
  TIMEFRAME_MS,
  TIMEFRAMES,
  type Timeframe,
} from '../../../shared/domain/bars';
import { aggregateBars } from '../../feeds/aggregate';
import { bucketEndOf, bucketStartAt, lastFinishedLabel } from '../../feeds/bar-buckets';
import { BarDataError } from '../../feeds/errors';
import { DAY_MS, type MarketCalendar, newYorkDay } from '../../market/new-york-time';
import type { BarCacheKey, BarCacheRepo, TimeSpan } from '../../store/bar-cache-repo';
import { RequestBudget } from './request-budget';

export type StockFeed = 'iex' | 'sip';
/** Where a symbol's bars come from: a stock feed, or Alpaca's crypto data. */
export type AlpacaFeed = StockFeed | 'crypto';

/** Alpaca's timeframe for each of ours (the names its bars endpoints take). */
export const ALPACA_TIMEFRAMES: Readonly<Record<Timeframe, string>> = {
  '1m': '1Min',
  '5m': '5Min',
  '15m': '15Min',
  '1h': '1Hour',
  '1D': '1Day',
};

/** Alpaca writes crypto pairs with a slash (BTC/USD); stock symbols never have one. */
export function isCryptoSymbol(symbol: string): boolean {
  return symbol.includes('/');
}

/** The symbol is not one Alpaca trades or has data for (a typo, a delisted ticker). */
export class UnknownSymbolError extends Error {
  override readonly name = 'UnknownSymbolError';
  constructor(readonly symbols: readonly string[]) {
    super(`Alpaca does not know the symbol${symbols.length === 1 ? '' : 's'} ${symbols.join(', ')}`);
  }
}

/** A bar Alpaca sent that is not a possible candle; names the symbol, the bar's index in the answer and the field. */
export class AlpacaBarDataError extends BarDataError {
  constructor(
    readonly symbol: string,
    readonly index: number,
    field: string | undefined,
    detail: string,
    feed: AlpacaFeed,
  ) {
    super(`Alpaca ${feed} bars of ${symbol}, bar ${index}`, undefined, field, detail);
  }
}

export interface HistoryRequest {
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  /** Open time of the first bar wanted, epoch ms (inclusive). */
  readonly start: number;
  /** Open time of the last bar wanted (inclusive); absent: up to Alpaca's clock. */
  readonly end?: number;
  /** Stocks: 'iex' (default; free) or 'sip' (all exchanges). Crypto symbols ignore it. */
  readonly feed?: StockFeed;
}

export interface HistoryResult {
  /** Finished bars only (never the still-forming last one), per symbol as asked (upper case). */
  readonly series: Readonly<Record<string, BarSeries>>;
  /** The feed each symbol's bars came from: asked-for SIP may have become IEX. */
  readonly feeds: Readonly<Record<string, AlpacaFeed>>;
  /** Things the user should know about this answer (a feed fallback, a symbol without bars). */
  readonly notes: readonly string[];
  /** SDK calls made for this answer, 0 when everything came from the cache. */
  readonly requests: number;
}

export interface AlpacaHistory {
  bars(request: HistoryRequest): Promise<HistoryResult>;
}

export interface AlpacaHistoryOptions {
  /** The SDK facade, from createAlpacaClient. */
  readonly client: Alpaca;
  /** Without a cache every request goes to Alpaca. */
  readonly cache?: BarCacheRepo;
  /** Alpaca's clock (epoch ms), which says which bars are finished; default GET /v2/clock through the SDK. */
  readonly providerNow?: () => Promise<number>;
  /** Bars per page (Alpaca allows up to 10 000, the default). */
  readonly pageLimit?: number;
  /** The key's request budget, shared with the venue: Alpaca counts every request of a key against its 200 a minute. */
  readonly budget?: RequestBudget;
  /** Without a shared budget: our own calls per minute (default 180) … */
  readonly requestsPerMinute?: number;
  /** … and how often a call refused with 429 is sent again after its Retry-After (default 6). */
  readonly rateLimitRetries?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Wall clock for the request budget and the cache's fetched_at (default Date.now). */
  readonly wallNow?: () => number;
}

const CACHE_SOURCE = 'alpaca';
const SIP_REFUSED_CODE = 40310000;

const WIRE_FIELDS: Readonly<Record<string, string>> = {
  t: 'time',
  o: 'open',
  h: 'high',
  l: 'low',
  c: 'close',
  v: 'volume',
  n: 'trade count',
  vw: 'vwap',
};

const price = z.number().positive();
const WireBarSchema = z.object({
  t: z
    .union([z.string(), z.date()])
    .refine((t) => Number.isFinite(new Date(t).getTime()), 'not a valid time'),
  o: price,
  h: price,
  l: price,
  c: price,
  v: z.number().nonnegative(),
  n: z.number().nonnegative().optional(),
  vw: z.number().optional(),
});

const BarsPageSchema = z.object({
  bars: z.record(z.string(), z.array(z.unknown())).nullish(),
  nextPageToken: z.string().nullish(),
});

interface CallContext {
  requests: number;
  readonly notes: string[];
  providerNow: number | undefined;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createAlpacaHistory(options: AlpacaHistoryOptions): AlpacaHistory {
  const { client, cache } = options;
  const sleep = options.sleep ?? defaultSleep;
  const wallNow = options.wallNow ?? Date.now;
  const pageLimit = options.pageLimit ?? 10_000;
  const budget =
    options.budget ??
    new RequestBudget({
      perMinute: options.requestsPerMinute ?? 180,
      maxRateLimitRetries: options.rateLimitRetries ?? 6,
      clock: { now: wallNow, sleep },
    });
  const knownSymbols = new Set<string>();

  /** One SDK call within the key's budget; a 429 is waited out there and the call sent again. */
  async function call<T>(ctx: CallContext, send: () => Promise<T>): Promise<T> {
    return budget.run(() => {
      ctx.requests++;
      return send();
    });
  }

  const readProviderNow =
    options.providerNow ??
    (async (): Promise<number> => {
      const clock = await client.trading.clock.legacyClock();
      const ms = clock.timestamp instanceof Date ? clock.timestamp.getTime() : Number.NaN;
      if (!Number.isFinite(ms))
        throw new Error(`Alpaca's clock sent an invalid timestamp (${String(clock.timestamp)})`);
      return ms;
    });

  async function providerNow(ctx: CallContext): Promise<number> {
    ctx.providerNow ??= await call(ctx, readProviderNow);
    return ctx.providerNow;
  }

  async function isKnown(ctx: CallContext, symbol: string): Promise<boolean> {
    if (knownSymbols.has(symbol)) return true;
    try {
      await call(ctx, () => client.trading.assets.getV2AssetsSymbolOrAssetId({ symbolOrAssetId: symbol }));
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
    knownSymbols.add(symbol);
    return true;
  }

  /** Every page of Alpaca's bars for `symbols` over the wire span, as the raw (unvalidated) bars per symbol. */
  async function download(
    ctx: CallContext,
    symbols: readonly string[],
    feed: AlpacaFeed,
    source: Timeframe,
    wire: TimeSpan,
  ): Promise<Map<string, unknown[]>> {
    const out = new Map<string, unknown[]>();
    const tokens = new Set<string>();
    let pageToken: string | undefined;
    do {
      const query = {
        symbols: symbols.join(','),
        timeframe: ALPACA_TIMEFRAMES[source],
        start: new Date(wire.start),
        end: new Date(wire.end),
        limit: pageLimit,
        sort: 'asc' as const,
        ...(pageToken !== undefined && { pageToken }),
      };
      const page: unknown = await call(ctx, () =>
        feed === 'crypto'
          ? client.marketData.crypto.cryptoBars({ ...query, loc: 'us' })
          : client.marketData.stocks.stockBars({ ...query, feed, adjustment: 'raw' }),
      );
      const parsed = BarsPageSchema.safeParse(page);
      if (!parsed.success) {
        throw new Error(`Alpaca sent a malformed ${feed} bars page: ${z.prettifyError(parsed.error)}`);
      }
      for (const [symbol, bars] of Object.entries(parsed.data.bars ?? {})) {
        const list = out.get(symbol);
        if (list === undefined) out.set(symbol, [...bars]);
        else for (const bar of bars) list.push(bar);
      }
      const next = parsed.data.nextPageToken ?? undefined;
      if (next !== undefined && tokens.has(next)) {
        throw new Error(`Alpaca sent the same ${feed} page token twice; stopped paging to avoid a loop`);
      }
      if (next !== undefined) tokens.add(next);
      pageToken = next;
    } while (pageToken !== undefined);
    return out;
  }

  /** One feed's symbols: cache first, then only the missing spans from Alpaca, then our timeframe. */
  async function barsOfFeed(
    ctx: CallContext,
    symbols: readonly string[],
    feed: AlpacaFeed,
    timeframe: Timeframe,
    start: number,
    end: number | undefined,
  ): Promise<Record<string, BarSeries>> {
    const calendar: MarketCalendar = feed === 'crypto' ? 'crypto' : 'us-equities';
    const source = sourceTimeframe(timeframe, calendar);
    const lastWanted = end ?? (await providerNow(ctx));
    const span = sourceSpan(timeframe, source, start, lastWanted);
    const keyOf = (symbol: string): BarCacheKey => ({
      source: CACHE_SOURCE,
      feed,
      symbol,
      timeframe: source,
    });
    const out: Record<string, BarSeries> = {};
    if (span === undefined) {
      for (const symbol of symbols) out[symbol] = emptySeries(symbol, timeframe);
      return out;
    }

    const gaps = new Map<string, TimeSpan[]>();
    for (const symbol of symbols) {
      const missing = cache === undefined ? [span] : cache.missing(keyOf(symbol), span);
      if (missing.length > 0) gaps.set(symbol, missing);
    }
    let now: number | undefined;
    let finished = span.end; // without a download, what the cache covers is finished by construction
    const fetched = new Map<string, Bar[]>();
    if (gaps.size > 0) {
      now = await providerNow(ctx);
      finished = Math.min(span.end, lastFinishedLabel(source, calendar, now));
      // Symbols with the same gap share one request (the usual case: all of them). Unfinished bars are not asked
      // for: they would be dropped, and asking for them can turn a SIP request into "recent data" (403).
      const bySpan = new Map<string, { span: TimeSpan; symbols: string[] }>();
      for (const [symbol, list] of gaps) {
        for (const gap of list) {
          const wanted = { start: gap.start, end: Math.min(gap.end, finished) };
          if (wanted.start > wanted.end) continue; // nothing there has finished yet
          const id = `${wanted.start}:${wanted.end}`;
          const group = bySpan.get(id) ?? { span: wanted, symbols: [] };
          group.symbols.push(symbol);
          bySpan.set(id, group);
        }
      }
      for (const { span: wanted, symbols: group } of bySpan.values()) {
        const raw = await download(ctx, group, feed, source, wireSpan(source, wanted));
        for (const symbol of group) {
          const bars = normalize(raw.get(symbol) ?? [], symbol, feed, source, calendar, wanted);
          const list = fetched.get(symbol);
          if (list === undefined) fetched.set(symbol, bars);
          else list.push(...bars);
        }
      }
      for (const list of fetched.values()) list.sort((a, b) => a.time - b.time);
    }

    const unknown: string[] = [];
    for (const symbol of symbols) {
      let columns: BarColumns;
      if (cache !== undefined) {
        const key = keyOf(symbol);
        const fresh = fetched.get(symbol) ?? [];
        // Alpaca answers a typo with no bars, not an error; a series already in the cache was checked before.
        if (gaps.has(symbol) && fresh.length === 0 && cache.coverage(key).length === 0) {
          if (!(await isKnown(ctx, symbol))) {
            unknown.push(symbol);
            continue;
          }
        }
        for (const gap of gaps.get(symbol) ?? []) {
          const covered = { start: gap.start, end: Math.min(gap.end, finished) };
          if (covered.start > covered.end) continue;
          const inside = fresh.filter((b) => b.time >= covered.start && b.time <= covered.end);
          cache.store(key, covered, inside, wallNow());
        }
        columns =
          finished >= span.start ? cache.read(key, { start: span.start, end: finished }) : allocateColumns(0);
      } else {
        const fresh = (fetched.get(symbol) ?? []).filter((b) => b.time <= finished);
        if (fresh.length === 0 && !(await isKnown(ctx, symbol))) {
          unknown.push(symbol);
          continue;
        }
        columns = toColumns(fresh);
      }
      let series = aggregateBars({ ...columns, symbol, timeframe: source }, timeframe, calendar);
      series = keepLabels(series, start, lastWanted, now === undefined ? undefined : { now, calendar });
      if (series.length === 0) {
        ctx.notes.push(
          `Alpaca has no ${feed} ${timeframe} bars of ${symbol} from ${iso(start)} to ${iso(lastWanted)}`,
        );
      }
      out[symbol] = series;
    }
    if (unknown.length > 0) throw new UnknownSymbolError(unknown);
    return out;
  }

  return {
    async bars(request) {
      const symbols = checkRequest(request);
      const ctx: CallContext = { requests: 0, notes: [], providerNow: undefined };
      const series: Record<string, BarSeries> = {};
      const feeds: Record<string, AlpacaFeed> = {};
      const stocks = symbols.filter((s) => !isCryptoSymbol(s));
      const crypto = symbols.filter(isCryptoSymbol);
      if (stocks.length > 0) {
        let feed: StockFeed = request.feed ?? 'iex';
        let got: Record<string, BarSeries>;
        try {
          got = await barsOfFeed(ctx, stocks, feed, request.timeframe, request.start, request.end);
        } catch (error) {
          if (feed !== 'sip' || !isRecentSipRefusal(error)) throw error;
          // The free plan has no SIP for the last 15 minutes; IEX has the same prices with less volume.
          ctx.notes.push(
            `Alpaca refused recent SIP data (the free plan delays SIP by 15 minutes): ${stocks.join(', ')} come from IEX instead`,
          );
          feed = 'iex';
          got = await barsOfFeed(ctx, stocks, feed, request.timeframe, request.start, request.end);
        }
        Object.assign(series, got);
        for (const s of stocks) feeds[s] = feed;
      }
      if (crypto.length > 0) {
        Object.assign(
          series,
          await barsOfFeed(ctx, crypto, 'crypto', request.timeframe, request.start, request.end),
        );
        for (const s of crypto) feeds[s] = 'crypto';
      }
      const ordered: Record<string, BarSeries> = {};
      for (const s of symbols) ordered[s] = series[s]!;
      return { series: ordered, feeds, notes: ctx.notes, requests: ctx.requests };
    },
  };
}

function checkRequest(request: HistoryRequest): string[] {
  if (!TIMEFRAMES.includes(request.timeframe))
    throw new RangeError(`unknown timeframe ${String(request.timeframe)}`);
  if (!Number.isSafeInteger(request.start))
    throw new RangeError(`start must be epoch milliseconds, got ${request.start}`);
  if (request.end !== undefined) {
    if (!Number.isSafeInteger(request.end))
      throw new RangeError(`end must be epoch milliseconds, got ${request.end}`);
    if (request.end < request.start) {
      throw new RangeError(`end ${iso(request.end)} is before start ${iso(request.start)}`);
    }
  }
  const symbols = [...new Set(request.symbols.map((s) => s.trim().toUpperCase()))];
  if (symbols.length === 0 || symbols.some((s) => s.length === 0))
    throw new RangeError('no symbols asked for');
  return symbols;
}

/** Alpaca's 403 for SIP bars newer than 15 minutes on the free plan. */
function isRecentSipRefusal(error: unknown): boolean {
  return (
    error instanceof PermissionError &&
    (Number(error.code) === SIP_REFUSED_CODE || /SIP/i.test(error.message))
  );
}

/** What we download: Alpaca's own bars where they match ours, 1m for stock hours (Alpaca's are clock-aligned). */
export function sourceTimeframe(timeframe: Timeframe, calendar: MarketCalendar): Timeframe {
  return calendar === 'us-equities' && timeframe === '1h' ? '1m' : timeframe;
}

/**
 * The span of source-bar stamps that holds every bar stamped [start, end] in `timeframe`: the same span for bars we
 * do not aggregate (whole dates for daily bars), up to the end of the last bucket for bars we do.
 */
function sourceSpan(
  timeframe: Timeframe,
  source: Timeframe,
  start: number,
  end: number,
): TimeSpan | undefined {
  let span: TimeSpan;
  if (source === '1D')
    span = { start: Math.ceil(start / DAY_MS) * DAY_MS, end: Math.floor(end / DAY_MS) * DAY_MS };
  else if (source === timeframe) span = { start, end };
  else span = { start, end: end + TIMEFRAME_MS[timeframe] - 1 };
  return span.start > span.end ? undefined : span;
}

/** The times to ask Alpaca for: daily bars are stamped at New York midnight (stocks), so a date is its whole UTC day. */
function wireSpan(source: Timeframe, span: TimeSpan): TimeSpan {
  return source === '1D' ? { start: span.start, end: span.end + DAY_MS - 1 } : span;
}

/**
 * Validates Alpaca's bars of one symbol and turns them into ours: daily bars restamped to 00:00 UTC of their date,
 * stock bars outside the 09:30–16:00 session dropped (our convention), only stamps inside `span` kept.
 */
function normalize(
  raw: readonly unknown[],
  symbol: string,
  feed: AlpacaFeed,
  source: Timeframe,
  calendar: MarketCalendar,
  span: TimeSpan,
): Bar[] {
  const out: Bar[] = [];
  let previous: number | undefined;
  raw.forEach((value, index) => {
    const parsed = WireBarSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const key = issue.path[0];
      const field = typeof key === 'string' ? (WIRE_FIELDS[key] ?? key) : undefined;
      throw new AlpacaBarDataError(symbol, index, field, issue.message, feed);
    }
    const w = parsed.data;
    const wireTime = new Date(w.t).getTime();
    const time =
      source !== '1D'
        ? wireTime
        : (calendar === 'crypto' ? Math.floor(wireTime / DAY_MS) : newYorkDay(wireTime)) * DAY_MS;
    const bar: Bar = { time, open: w.o, high: w.h, low: w.l, close: w.c, volume: w.v };
    const problem = barProblem(bar, previous);
    if (problem !== undefined) {
      const field = /^(time|open|high|low|close|volume)\b/.exec(problem)?.[1];
      throw new AlpacaBarDataError(symbol, index, field, problem, feed);
    }
    previous = time;
    if (time < span.start || time > span.end) return;
    if (calendar === 'us-equities' && source !== '1D' && bucketStartAt(time, source, calendar) === undefined)
      return;
    out.push(bar);
  });
  return out;
}

function keepLabels(
  series: BarSeries,
  start: number,
  end: number,
  clock: { now: number; calendar: MarketCalendar } | undefined,
): BarSeries {
  let from = 0;
  while (from < series.length && series.time[from]! < start) from++;
  let to = series.length;
  while (to > from && series.time[to - 1]! > end) to--;
  // An aggregated bucket whose last minutes have not happened yet is still forming.
  if (clock !== undefined) {
    while (to > from && bucketEndOf(series.time[to - 1]!, series.timeframe, clock.calendar) > clock.now) to--;
  }
  if (from === 0 && to === series.length) return series;
  return {
    symbol: series.symbol,
    timeframe: series.timeframe,
    time: series.time.slice(from, to),
    open: series.open.slice(from, to),
    high: series.high.slice(from, to),
    low: series.low.slice(from, to),
    close: series.close.slice(from, to),
    volume: series.volume.slice(from, to),
    length: to - from,
  };
}

function toColumns(bars: readonly Bar[]): BarColumns {
  const columns = allocateColumns(bars.length);
  bars.forEach((b, i) => {
    columns.time[i] = b.time;
    columns.open[i] = b.open;
    columns.high[i] = b.high;
    columns.low[i] = b.low;
    columns.close[i] = b.close;
    columns.volume[i] = b.volume;
  });
  return columns;
}

function emptySeries(symbol: string, timeframe: Timeframe): BarSeries {
  return { ...allocateColumns(0), symbol, timeframe };
}

const iso = (ms: number): string => new Date(ms).toISOString();
