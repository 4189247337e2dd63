// Alpaca history as a backtest's data: fetched in main through the same cached history the sessions warm up on
// (the SQLite market-data cache: a second run over the same span makes no request), then handed to the worker.
// The chart of a finished run reads the same span again, from the cache.
import type { BacktestDataRequest, ResolvedAlpacaData } from '../../../shared/domain/backtest';
import type { BarSeries } from '../../../shared/domain/bars';
import { BarDataError } from '../../feeds/csv';
import type { AlpacaKeyPair } from '../../secrets/credential-service';
import type { BarCacheRepo } from '../../store/bar-cache-repo';
import type { AlpacaBaseUrls } from './client';
import { type AlpacaHistory, createAlpacaHistory, UnknownSymbolError } from './history';
import { RequestBudget } from './request-budget';
import { alpacaClientFor } from './run-link';

export type AlpacaDataRequest = Extract<BacktestDataRequest, { source: 'alpaca' }>;

export interface AlpacaBacktestBars {
  readonly spec: ResolvedAlpacaData;
  /** In the request's symbol order. */
  readonly series: BarSeries[];
  readonly notes: readonly string[];
  /** Requests Alpaca answered for this (0: all from the cache). */
  readonly requests: number;
}

/** Why Alpaca data cannot be had, in words the user can act on (no keys, an unknown symbol, no bars). */
export class AlpacaDataError extends Error {
  override readonly name = 'AlpacaDataError';
}

export type AlpacaBacktestData = (
  request: AlpacaDataRequest | ResolvedAlpacaData,
) => Promise<AlpacaBacktestBars>;

export interface AlpacaBacktestDataOptions {
  readonly keys: () => Promise<AlpacaKeyPair | null>;
  readonly cache: BarCacheRepo;
  readonly baseUrls?: AlpacaBaseUrls;
  readonly requestsPerMinute?: number;
}

export function createAlpacaBacktestData(options: AlpacaBacktestDataOptions): AlpacaBacktestData {
  // One history (one client and request budget) per key, built when first needed and rebuilt if the key changes.
  let current: { keyId: string; history: AlpacaHistory } | undefined;
  const historyFor = (keys: AlpacaKeyPair): AlpacaHistory => {
    if (current?.keyId !== keys.keyId) {
      const client = alpacaClientFor({
        keys,
        ...(options.baseUrls !== undefined && { baseUrls: options.baseUrls }),
      });
      const budget = new RequestBudget({ perMinute: options.requestsPerMinute ?? 190 });
      current = { keyId: keys.keyId, history: createAlpacaHistory({ client, budget, cache: options.cache }) };
    }
    return current.history;
  };
  return async (request) => {
    const keys = await options.keys();
    if (keys === null) {
      throw new AlpacaDataError(
        'no Alpaca paper keys saved; add them in Settings → Alpaca to use Alpaca history',
      );
    }
    let answer: Awaited<ReturnType<AlpacaHistory['bars']>>;
    try {
      answer = await historyFor(keys).bars({
        symbols: request.symbols,
        timeframe: request.timeframe,
        start: request.start,
        ...(request.end !== undefined && { end: request.end }),
        feed: request.feed,
      });
    } catch (error) {
      if (error instanceof UnknownSymbolError || error instanceof BarDataError)
        throw new AlpacaDataError(error.message);
      throw error;
    }
    const series = request.symbols.map((symbol) => {
      const bars = answer.series[symbol.toUpperCase()];
      if (bars === undefined || bars.length === 0) {
        throw new AlpacaDataError(
          `Alpaca has no ${request.timeframe} bars of ${symbol} from ${isoDay(request.start)}${request.end !== undefined ? ` to ${isoDay(request.end)}` : ''} (${request.feed.toUpperCase()} feed)`,
        );
      }
      return bars;
    });
    const end = series.reduce((latest, s) => Math.max(latest, s.time[s.length - 1]!), request.start);
    return {
      spec: {
        source: 'alpaca',
        symbols: [...request.symbols],
        timeframe: request.timeframe,
        feed: request.feed,
        start: request.start,
        end,
      },
      series,
      notes: [
        `data: Alpaca ${request.feed.toUpperCase()} history, ${series.map((s) => `${s.length} ${request.timeframe} bars of ${s.symbol}`).join(', ')}`,
        ...answer.notes,
      ],
      requests: answer.requests,
    };
  };
}

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
