// Symbols a trader can pick: the synthetic market's own tickers and Alpaca's assets, searched by ticker and name,
// and the watchlist with each symbol's last price and day change.
import { z } from 'zod';

export const SYMBOL_SOURCES = ['synthetic', 'alpaca'] as const;
export type SymbolSource = (typeof SYMBOL_SOURCES)[number];

export const symbolTextSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z][A-Z0-9.\-/]{0,14}$/, 'a symbol is 1–15 capital letters, digits, ".", "-" or "/"');

export interface SymbolInfo {
  readonly symbol: string;
  readonly name: string;
  readonly source: SymbolSource;
  /** `us_equity`, `crypto`, or `synthetic` for the app's made-up market. */
  readonly assetClass: string;
  readonly exchange: string;
  readonly tradable: boolean;
  readonly shortable: boolean;
  readonly fractionable: boolean;
}

export interface AlpacaAssetsState {
  /** no-keys: nothing to fetch; empty: keys saved, never fetched; cached: searched locally; error: last fetch failed. */
  readonly state: 'no-keys' | 'empty' | 'cached' | 'error';
  readonly count: number;
  readonly refreshedAt: number | null;
  readonly error: string | null;
}

export interface SymbolSearchResult {
  readonly symbols: readonly SymbolInfo[];
  readonly alpaca: AlpacaAssetsState;
}

export interface WatchItem {
  readonly symbol: string;
  readonly source: SymbolSource;
  readonly name: string;
  /** The last price; null until the first bar or snapshot arrives. */
  readonly last: number | null;
  /** Last price minus the previous session's close; null without a previous close. */
  readonly change: number | null;
  readonly changePct: number | null;
  /** Time of the bar the price comes from (epoch ms). */
  readonly time: number | null;
  /** Why there is no price (no keys, Alpaca unreachable …); null when priced. */
  readonly problem: string | null;
}

export const symbolSearchSchema = z
  .object({
    query: z.string().max(60),
    source: z.enum(SYMBOL_SOURCES).optional(),
    limit: z.number().int().min(1).max(200).default(30),
  })
  .strict();

export const watchKeySchema = z.object({ symbol: symbolTextSchema, source: z.enum(SYMBOL_SOURCES) }).strict();

/** How well a symbol matches a query; lower is better, null is no match. */
export const MATCH_RANK = { exactTicker: 0, tickerPrefix: 1, nameWords: 2 } as const;

const words = (text: string): string[] =>
  text
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w !== '');

/**
 * Exact ticker first, then tickers starting with the query, then names whose words start with every word of the
 * query (`apple` → Apple Inc., `micro corp` → Microsoft Corporation).
 */
export function matchRank(query: string, symbol: string, name: string): number | null {
  const q = query.trim().toUpperCase();
  if (q === '') return null;
  const ticker = symbol.toUpperCase();
  if (ticker === q) return MATCH_RANK.exactTicker;
  if (ticker.startsWith(q)) return MATCH_RANK.tickerPrefix;
  const wanted = words(q);
  if (wanted.length === 0) return null;
  const have = words(name);
  return wanted.every((w) => have.some((h) => h.startsWith(w))) ? MATCH_RANK.nameWords : null;
}

/**
 * The symbols matching `query`, best first: by match rank, then tradable before not, then shorter tickers (a
 * prefix match that is nearly the whole ticker), then alphabetically. An empty query lists nothing.
 */
export function rankSymbols(
  query: string,
  symbols: readonly SymbolInfo[],
  limit: number,
): readonly SymbolInfo[] {
  const hits: { info: SymbolInfo; rank: number }[] = [];
  for (const info of symbols) {
    const rank = matchRank(query, info.symbol, info.name);
    if (rank !== null) hits.push({ info, rank });
  }
  hits.sort(
    (a, b) =>
      a.rank - b.rank ||
      Number(b.info.tradable) - Number(a.info.tradable) ||
      a.info.symbol.length - b.info.symbol.length ||
      (a.info.symbol < b.info.symbol ? -1 : a.info.symbol > b.info.symbol ? 1 : 0),
  );
  return hits.slice(0, limit).map((h) => h.info);
}

/** Change and change in percent from a last price and the previous close (either missing: null). */
export function dayChange(
  last: number | null,
  previousClose: number | null,
): { change: number | null; changePct: number | null } {
  if (last === null || previousClose === null || !(previousClose > 0))
    return { change: null, changePct: null };
  const change = last - previousClose;
  return { change, changePct: (change / previousClose) * 100 };
}
