// Alpaca's assets cached for local search, and the watchlist (ordered by position, one row per source and symbol).
import type { SymbolInfo, SymbolSource } from '../../shared/domain/symbols';
import type { Db } from './database';

export interface CachedAsset extends SymbolInfo {
  readonly assetId: string;
  readonly status: string;
}

export interface WatchRow {
  readonly source: SymbolSource;
  readonly symbol: string;
  readonly addedAt: number;
}

export interface SymbolRepo {
  /** Replaces the whole cached list in one transaction (a failed refresh leaves the old one). */
  replaceAssets(assets: readonly CachedAsset[], at: number): void;
  assets(): CachedAsset[];
  lastRefresh(): { readonly at: number; readonly count: number } | null;
  watchlist(): WatchRow[];
  /** Adds at the end; already there: nothing changes. */
  watch(source: SymbolSource, symbol: string, at: number): void;
  unwatch(source: SymbolSource, symbol: string): boolean;
  /** Puts the rows in the given order (rows not named keep their relative order after them). */
  reorder(order: readonly { source: SymbolSource; symbol: string }[]): void;
}

interface AssetRow {
  symbol: string;
  asset_id: string;
  name: string;
  asset_class: string;
  exchange: string;
  status: string;
  tradable: number;
  shortable: number;
  fractionable: number;
}

export function createSymbolRepo(db: Db): SymbolRepo {
  const insertAsset = db.prepare<[string, string, string, string, string, string, number, number, number]>(
    `INSERT INTO alpaca_assets (symbol, asset_id, name, asset_class, exchange, status, tradable, shortable, fractionable)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const selectAssets = db.prepare<[], AssetRow>('SELECT * FROM alpaca_assets ORDER BY symbol');
  const selectRefresh = db.prepare<[], { refreshed_at: number; count: number }>(
    'SELECT refreshed_at, count FROM alpaca_assets_refresh WHERE id = 1',
  );
  const upsertRefresh = db.prepare<[number, number]>(
    `INSERT INTO alpaca_assets_refresh (id, refreshed_at, count) VALUES (1, ?, ?)
     ON CONFLICT(id) DO UPDATE SET refreshed_at = excluded.refreshed_at, count = excluded.count`,
  );
  const selectWatch = db.prepare<[], { source: SymbolSource; symbol: string; added_at: number }>(
    'SELECT source, symbol, added_at FROM watchlist ORDER BY position, added_at',
  );
  const insertWatch = db.prepare<[{ source: string; symbol: string; at: number }]>(
    `INSERT INTO watchlist (source, symbol, position, added_at)
     VALUES (@source, @symbol, (SELECT COALESCE(MAX(position), -1) + 1 FROM watchlist), @at)
     ON CONFLICT(source, symbol) DO NOTHING`,
  );
  const deleteWatch = db.prepare<[string, string]>('DELETE FROM watchlist WHERE source = ? AND symbol = ?');
  const setPosition = db.prepare<[number, string, string]>(
    'UPDATE watchlist SET position = ? WHERE source = ? AND symbol = ?',
  );

  const watchlist = (): WatchRow[] =>
    selectWatch.all().map((r) => ({ source: r.source, symbol: r.symbol, addedAt: r.added_at }));

  return {
    replaceAssets: db.transaction((assets: readonly CachedAsset[], at: number) => {
      db.exec('DELETE FROM alpaca_assets');
      for (const a of assets) {
        insertAsset.run(
          a.symbol,
          a.assetId,
          a.name,
          a.assetClass,
          a.exchange,
          a.status,
          Number(a.tradable),
          Number(a.shortable),
          Number(a.fractionable),
        );
      }
      upsertRefresh.run(at, assets.length);
    }),
    assets: () =>
      selectAssets.all().map((r) => ({
        symbol: r.symbol,
        assetId: r.asset_id,
        name: r.name,
        source: 'alpaca' as const,
        assetClass: r.asset_class,
        exchange: r.exchange,
        status: r.status,
        tradable: r.tradable === 1,
        shortable: r.shortable === 1,
        fractionable: r.fractionable === 1,
      })),
    lastRefresh: () => {
      const row = selectRefresh.get();
      return row === undefined ? null : { at: row.refreshed_at, count: row.count };
    },
    watchlist,
    watch: (source, symbol, at) => {
      insertWatch.run({ source, symbol, at });
    },
    unwatch: (source, symbol) => deleteWatch.run(source, symbol).changes > 0,
    reorder: db.transaction((order: readonly { source: SymbolSource; symbol: string }[]) => {
      const key = (r: { source: string; symbol: string }) => `${r.source}:${r.symbol}`;
      const named = new Set(order.map(key));
      const rest = watchlist().filter((r) => !named.has(key(r)));
      [...order, ...rest].forEach((r, position) => {
        setPosition.run(position, r.source, r.symbol);
      });
    }),
  };
}
