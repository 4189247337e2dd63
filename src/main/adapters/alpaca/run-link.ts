// Everything an Alpaca paper run talks to, built from the keys in the keychain: one SDK client and one request
// budget for the key, the broker (orders, trading stream), the live bar feed and cached history for the warm-up.
import type { Alpaca } from '@alpacahq/alpaca-trade-api';
import { barAt, TIMEFRAME_MS, type Timeframe } from '../../../shared/domain/bars';
import type { LiveFeed } from '../../feeds/live-feed';
import type { BarCacheRepo } from '../../store/bar-cache-repo';
import { AlpacaBroker, type AlpacaBrokerOptions } from './broker';
import { type AlpacaBaseUrls, createAlpacaClient } from './client';
import { type AlpacaHistory, createAlpacaHistory } from './history';
import { createAlpacaLiveFeed, type FeedClock, type SymbolBar } from './live-feed';
import { AlpacaOptionData } from './options';
import { RequestBudget } from './request-budget';
import { alpacaStreamUrls } from './streams';

export interface AlpacaLinkOptions {
  readonly keys: { readonly keyId: string; readonly secret: string };
  readonly baseUrls?: AlpacaBaseUrls;
  readonly cache?: BarCacheRepo;
  /** Broker tuning (tests shorten the waits). */
  readonly broker?: Omit<AlpacaBrokerOptions, 'alpaca' | 'streamUrl' | 'budget'>;
  /** The key's request budget per minute (default 190, under Alpaca's 200; tests against the fake raise it). */
  readonly requestsPerMinute?: number;
  /** The SDK's per-request timeout; an order whose answer takes longer is UNKNOWN and looked up. Default 15 s. */
  readonly timeoutMs?: number;
  readonly feed?: {
    readonly graceMs?: number;
    readonly clock?: FeedClock;
    readonly reconnectMs?: { initial: number; max: number };
  };
}

/** A client for one key: our own budget and retries, so the SDK neither throttles nor repeats behind our back. */
export function alpacaClientFor(options: AlpacaLinkOptions): Alpaca {
  return createAlpacaClient({
    keyId: options.keys.keyId,
    secret: options.keys.secret,
    ...(options.baseUrls !== undefined && { baseUrls: options.baseUrls }),
    options: { retry: false, rateLimit: false, timeoutMs: options.timeoutMs ?? 15_000 },
  });
}

/** The part of a session's config an Alpaca run needs. */
export interface AlpacaRunMarket {
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  readonly feed: { readonly kind: string; readonly feed?: 'iex' | 'sip' };
}

/** What an Alpaca paper run needs: the account, its market data, and history for the warm-up. */
export interface AlpacaSessionLink {
  readonly broker: AlpacaBroker;
  readonly feed: LiveFeed;
  /** Option contracts, snapshots and bars on the same client and request budget (an options run's quotes). */
  readonly options: AlpacaOptionData;
  /** The last `count` completed bar times before now, oldest first, one group per bar time. */
  history(count: number): Promise<readonly (readonly SymbolBar[])[]>;
  close(): Promise<void>;
}

export function createAlpacaLink(config: AlpacaRunMarket, options: AlpacaLinkOptions): AlpacaSessionLink {
  if (config.feed.kind !== 'alpaca') throw new Error('an Alpaca paper session needs the alpaca feed');
  const stockFeed = config.feed.feed ?? 'iex';
  const client = alpacaClientFor(options);
  const urls = alpacaStreamUrls(options.baseUrls);
  const budget = new RequestBudget({ perMinute: options.requestsPerMinute ?? 190 });
  const broker = new AlpacaBroker({
    ...options.broker,
    alpaca: client,
    budget,
    ...(urls !== undefined && { streamUrl: urls.trading }),
  });
  const history: AlpacaHistory = createAlpacaHistory({
    client,
    budget,
    ...(options.cache !== undefined && { cache: options.cache }),
  });
  const feed = createAlpacaLiveFeed({
    client,
    symbols: config.symbols,
    timeframe: config.timeframe,
    feed: stockFeed,
    history,
    ...(urls !== undefined && { streamUrls: urls }),
    ...(options.feed?.graceMs !== undefined && { graceMs: options.feed.graceMs }),
    ...(options.feed?.clock !== undefined && { clock: options.feed.clock }),
    ...(options.feed?.reconnectMs !== undefined && { reconnectMs: options.feed.reconnectMs }),
  });
  return {
    broker,
    feed,
    options: new AlpacaOptionData({ alpaca: client, budget }),
    async history(count: number): Promise<SymbolBar[][]> {
      if (count <= 0) return [];
      const clock = await broker.clock();
      // Trading hours are a fraction of the calendar: look back far enough for `count` bars, then keep the last.
      const barMs = TIMEFRAME_MS[config.timeframe];
      const lookback = Math.max(7 * 86_400_000, count * barMs * 5);
      const result = await history.bars({
        symbols: config.symbols,
        timeframe: config.timeframe,
        start: clock.time - lookback,
        feed: stockFeed,
      });
      const byTime = new Map<number, SymbolBar[]>();
      for (const symbol of config.symbols) {
        const series = result.series[symbol];
        if (series === undefined) continue;
        for (let i = 0; i < series.length; i++) {
          const time = series.time[i]!;
          const group = byTime.get(time) ?? [];
          group.push({ symbol, ...barAt(series, i) });
          byTime.set(time, group);
        }
      }
      const times = [...byTime.keys()].sort((a, b) => a - b).slice(-count);
      return times.map((t) =>
        byTime.get(t)!.sort((a, b) => config.symbols.indexOf(a.symbol) - config.symbols.indexOf(b.symbol)),
      );
    },
    async close() {
      broker.close();
      await feed.stop().catch(() => undefined);
    },
  };
}
