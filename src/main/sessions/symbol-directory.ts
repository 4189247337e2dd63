// The symbols a trader can pick and watch: the synthetic market's own tickers (always) and Alpaca's assets (when
// keys are saved) cached in SQLite, fetched at most once a day or when asked, searched locally in memory; and the
// watchlist priced from the synthetic market's live feed or from Alpaca's daily bars within the request budget.
import type { Alpaca } from '@alpacahq/alpaca-trade-api';
import { ApiFailure } from '../../shared/api/ports';
import {
  type AlpacaAssetsState,
  dayChange,
  rankSymbols,
  type SymbolInfo,
  type SymbolSearchResult,
  type SymbolSource,
  type WatchItem,
} from '../../shared/domain/symbols';
import {
  alpacaClockOffset,
  type DailyCloses,
  fetchAlpacaAssets,
  fetchDailyCloses,
} from '../adapters/alpaca/assets';
import type { RequestBudget } from '../adapters/alpaca/request-budget';
import type { SymbolBar } from '../feeds/live-bar-assembler';
import type { TimerFunctions } from '../feeds/paced-feed';
import { DEFAULT_NAMES, DEFAULT_SEED, DEFAULT_SYMBOLS } from '../feeds/synthetic';
import { SyntheticLiveFeed } from '../feeds/synthetic-live';
import type { Logger } from '../log/logger';
import { newYorkDay } from '../market/new-york-time';
import type { CachedAsset, SymbolRepo } from '../store/symbol-repo';

export const ASSETS_MAX_AGE_MS = 86_400_000;
/** Alpaca prices of the watchlist are fetched at most this often, whatever the polling (one request each time). */
export const ALPACA_QUOTES_MAX_AGE_MS = 60_000;
const RETRY_AFTER_FAILURE_MS = 5 * 60_000;
/** Bar times of the synthetic watch feed released at once at its start: two and a half 1-minute sessions, so the
 * watch opens mid-session with a previous close to measure the day against. */
const SYNTHETIC_WARMUP = 2 * 390 + 195;

export const SYNTHETIC_SYMBOLS: readonly SymbolInfo[] = DEFAULT_SYMBOLS.map((symbol) => ({
  symbol,
  name: DEFAULT_NAMES[symbol],
  source: 'synthetic',
  assetClass: 'synthetic',
  exchange: 'Synthetic',
  tradable: true,
  shortable: true,
  fractionable: true,
}));

/** An Alpaca client and the request budget of its key; null when no keys are saved. */
export interface AlpacaAccess {
  readonly alpaca: Alpaca;
  readonly budget: Pick<RequestBudget, 'run'>;
}

export interface SymbolDirectoryDeps {
  readonly repo: SymbolRepo;
  readonly alpaca: () => Promise<AlpacaAccess | null>;
  readonly log: Logger;
  readonly now?: () => number;
  /** Speed of the synthetic watch feed (× real time on 1-minute bars); default 60, a bar a second like a session. */
  readonly syntheticSpeed?: number;
  readonly timers?: TimerFunctions;
}

export interface SymbolDirectory {
  search(query: string, limit: number, source?: SymbolSource): Promise<SymbolSearchResult>;
  /** Fetches Alpaca's assets now, whatever the cache's age. */
  refresh(): Promise<AlpacaAssetsState>;
  watchlist(): Promise<WatchItem[]>;
  watch(source: SymbolSource, symbol: string): Promise<WatchItem[]>;
  unwatch(source: SymbolSource, symbol: string): Promise<WatchItem[]>;
  reorder(order: readonly { source: SymbolSource; symbol: string }[]): Promise<WatchItem[]>;
  close(): Promise<void>;
}

interface LiveQuote {
  last: number;
  time: number;
  day: number;
  previousClose: number | null;
}

export function createSymbolDirectory(deps: SymbolDirectoryDeps): SymbolDirectory {
  const { repo, log } = deps;
  const now = deps.now ?? Date.now;
  let cached: CachedAsset[] | null = null;
  let lastError: string | null = null;
  let refreshing: Promise<void> | null = null;
  let lastAttempt = Number.NEGATIVE_INFINITY;

  const assetState = (keys: boolean): AlpacaAssetsState => {
    const last = repo.lastRefresh();
    if (!keys)
      return { state: 'no-keys', count: last?.count ?? 0, refreshedAt: last?.at ?? null, error: null };
    if (lastError !== null)
      return { state: 'error', count: last?.count ?? 0, refreshedAt: last?.at ?? null, error: lastError };
    if (last === null) return { state: 'empty', count: 0, refreshedAt: null, error: null };
    return { state: 'cached', count: last.count, refreshedAt: last.at, error: null };
  };

  /** One fetch at a time; a failure keeps the old cache and is reported, never thrown at a search. */
  const fetchAssets = (access: AlpacaAccess): Promise<void> => {
    refreshing ??= (async () => {
      lastAttempt = now();
      try {
        const assets = await fetchAlpacaAssets(access.alpaca, (r) => access.budget.run(r));
        repo.replaceAssets(assets, now());
        cached = null;
        lastError = null;
        log.info('alpaca assets cached', { count: assets.length });
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        log.warn('alpaca assets could not be fetched; the cached list stays', { error: lastError });
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  };

  const alpacaAssets = (): CachedAsset[] => {
    cached ??= repo.assets();
    return cached;
  };

  const search: SymbolDirectory['search'] = async (query, limit, source) => {
    const access = await deps.alpaca();
    if (access !== null && source !== 'synthetic') {
      const last = repo.lastRefresh();
      const stale = last === null || now() - last.at >= ASSETS_MAX_AGE_MS;
      // A failed fetch is not retried on every keystroke: the user refreshes, or a search after the pause does.
      if (stale && now() - lastAttempt >= RETRY_AFTER_FAILURE_MS) await fetchAssets(access);
    }
    const pool: SymbolInfo[] = [];
    if (source !== 'alpaca') pool.push(...SYNTHETIC_SYMBOLS);
    if (source !== 'synthetic' && access !== null) pool.push(...alpacaAssets());
    return { symbols: rankSymbols(query, pool, limit).map(plain), alpaca: assetState(access !== null) };
  };

  // --- the watchlist's prices -----------------------------------------------------------------------------------

  const synthetic = new Map<string, LiveQuote>();
  let feed: SyntheticLiveFeed | null = null;
  const onSyntheticBars = (bars: readonly SymbolBar[]) => {
    for (const bar of bars) {
      const day = newYorkDay(bar.time);
      const seen = synthetic.get(bar.symbol);
      const previousClose = seen === undefined ? null : seen.day !== day ? seen.last : seen.previousClose;
      synthetic.set(bar.symbol, { last: bar.close, time: bar.time, day, previousClose });
    }
  };
  /** The synthetic market's own live feed, started with the first synthetic symbol watched. */
  const startSyntheticFeed = async (): Promise<void> => {
    if (feed !== null) return;
    feed = new SyntheticLiveFeed({
      seed: DEFAULT_SEED,
      symbols: DEFAULT_SYMBOLS,
      timeframe: '1m',
      calendar: 'us-equities',
      speed: deps.syntheticSpeed ?? 60,
      ...(deps.timers !== undefined && { timers: deps.timers }),
    });
    for (const group of feed.warmup(SYNTHETIC_WARMUP)) onSyntheticBars(group);
    await feed.start({ onBars: (_time, bars) => onSyntheticBars(bars), onStatus: () => {} });
  };

  let alpacaQuotes: { at: number; key: string; closes: Map<string, DailyCloses> } | null = null;
  let alpacaProblem: string | null = null;
  const clockOffsets = new WeakMap<AlpacaAccess, number>();
  const alpacaCloses = async (symbols: readonly string[]): Promise<Map<string, DailyCloses> | null> => {
    const access = await deps.alpaca();
    if (access === null) {
      alpacaProblem = 'no Alpaca keys saved (Settings → Alpaca)';
      return null;
    }
    const key = [...symbols].sort().join(',');
    if (
      alpacaQuotes !== null &&
      alpacaQuotes.key === key &&
      now() - alpacaQuotes.at < ALPACA_QUOTES_MAX_AGE_MS
    )
      return alpacaQuotes.closes;
    try {
      const send = <T>(r: () => Promise<T>) => access.budget.run(r);
      // Read once per client: the days asked for are Alpaca's days, whatever this machine's clock says.
      let offset = clockOffsets.get(access);
      if (offset === undefined) {
        offset = await alpacaClockOffset(access.alpaca, now(), send);
        clockOffsets.set(access, offset);
      }
      const closes = await fetchDailyCloses(access.alpaca, symbols, now() + offset, send);
      alpacaQuotes = { at: now(), key, closes };
      alpacaProblem = null;
      return closes;
    } catch (error) {
      alpacaProblem = `Alpaca prices unavailable: ${error instanceof Error ? error.message : String(error)}`;
      // Not asked again before the interval is up: a down Alpaca must not eat the key's budget.
      alpacaQuotes = { at: now(), key, closes: alpacaQuotes?.closes ?? new Map() };
      return alpacaQuotes.closes;
    }
  };

  const nameOf = (source: SymbolSource, symbol: string): string =>
    (source === 'synthetic'
      ? SYNTHETIC_SYMBOLS.find((s) => s.symbol === symbol)?.name
      : alpacaAssets().find((a) => a.symbol === symbol)?.name) ?? '';

  const watchlist = async (): Promise<WatchItem[]> => {
    const rows = repo.watchlist();
    if (rows.some((r) => r.source === 'synthetic')) await startSyntheticFeed();
    else if (feed !== null) {
      // Nothing synthetic watched: the feed stops (it starts again, from its first bar, with the next one).
      await feed.stop();
      feed = null;
      synthetic.clear();
    }
    const stocks = rows.filter((r) => r.source === 'alpaca').map((r) => r.symbol);
    const closes = stocks.length > 0 ? await alpacaCloses(stocks) : null;
    return rows.map((row): WatchItem => {
      const base = { symbol: row.symbol, source: row.source, name: nameOf(row.source, row.symbol) };
      if (row.source === 'synthetic') {
        const q = synthetic.get(row.symbol);
        if (q === undefined)
          return {
            ...base,
            last: null,
            change: null,
            changePct: null,
            time: null,
            problem: 'waiting for the first bar',
          };
        return { ...base, last: q.last, ...dayChange(q.last, q.previousClose), time: q.time, problem: null };
      }
      const c = closes?.get(row.symbol);
      if (c === undefined)
        return {
          ...base,
          last: null,
          change: null,
          changePct: null,
          time: null,
          problem: alpacaProblem ?? 'no recent bars from Alpaca',
        };
      return { ...base, last: c.last, ...dayChange(c.last, c.previousClose), time: c.time, problem: null };
    });
  };

  const watch: SymbolDirectory['watch'] = async (source, symbol) => {
    if (source === 'synthetic' && !SYNTHETIC_SYMBOLS.some((s) => s.symbol === symbol))
      throw new ApiFailure(
        'bad-request',
        `${symbol} is not in the synthetic market (${DEFAULT_SYMBOLS.join(', ')})`,
      );
    if (source === 'alpaca') {
      if ((await deps.alpaca()) === null)
        throw new ApiFailure('bad-request', 'save Alpaca paper keys in Settings to watch Alpaca symbols');
      if (repo.lastRefresh() !== null && !alpacaAssets().some((a) => a.symbol === symbol))
        throw new ApiFailure('bad-request', `Alpaca lists no active asset ${symbol}`);
    }
    repo.watch(source, symbol, now());
    return watchlist();
  };

  return {
    search,
    refresh: async () => {
      const access = await deps.alpaca();
      if (access === null) return assetState(false);
      await fetchAssets(access);
      return assetState(true);
    },
    watchlist,
    watch,
    unwatch: async (source, symbol) => {
      repo.unwatch(source, symbol);
      return watchlist();
    },
    reorder: async (order) => {
      repo.reorder(order);
      return watchlist();
    },
    close: async () => {
      await feed?.stop();
      feed = null;
    },
  };
}

/** Only the fields of a search hit (the cache's id and status stay in main). */
const plain = (s: SymbolInfo): SymbolInfo => ({
  symbol: s.symbol,
  name: s.name,
  source: s.source,
  assetClass: s.assetClass,
  exchange: s.exchange,
  tradable: s.tradable,
  shortable: s.shortable,
  fractionable: s.fractionable,
});
