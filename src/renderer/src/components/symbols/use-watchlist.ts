// The watchlist as the renderer sees it: loaded on mount, polled while shown, changed through the API.
//
// Polling, not pushes: main answers `watchlist:get` from memory (the synthetic feed's last bars; Alpaca prices
// fetched there at most once a minute in one request for all stocks), so a poll costs no Alpaca request, works the
// same on both transports, and needs no subscription to tear down when the panel closes.
import { useCallback, useContext, useEffect, useState } from 'react';
import type { SymbolSource, WatchItem } from '../../../../shared/domain/symbols';
import { ApiContext } from '../../api/context';

export const WATCHLIST_POLL_MS = 2_000;

// One list for every view of it in the window: the panel's change shows at once in a form's quick picks.
let current: readonly WatchItem[] = [];
const views = new Set<(items: readonly WatchItem[]) => void>();
const publish = (items: readonly WatchItem[]) => {
  current = items;
  for (const view of views) view(items);
};

export interface Watchlist {
  readonly items: readonly WatchItem[];
  readonly error: string | null;
  add(source: SymbolSource, symbol: string): Promise<void>;
  remove(source: SymbolSource, symbol: string): Promise<void>;
  move(index: number, by: -1 | 1): Promise<void>;
}

/** `pollMs` 0: loaded once (a form's quick picks), no polling. */
export function useWatchlist(pollMs: number = WATCHLIST_POLL_MS): Watchlist {
  const api = useContext(ApiContext);
  const [items, setItems] = useState<readonly WatchItem[]>(current);
  const [error, setError] = useState<string | null>(null);

  const apply = useCallback((result: Awaited<ReturnType<NonNullable<typeof api>['call']>>) => {
    if (result.ok) {
      publish(result.value as readonly WatchItem[]);
      setError(null);
    } else setError(result.error.message);
  }, []);

  useEffect(() => {
    views.add(setItems);
    return () => {
      views.delete(setItems);
    };
  }, []);

  useEffect(() => {
    if (api === null) return;
    let live = true;
    const load = async () => {
      const result = await api.call('watchlist:get', {});
      if (live) apply(result);
    };
    void load();
    const timer = pollMs > 0 ? setInterval(() => void load(), pollMs) : undefined;
    return () => {
      live = false;
      if (timer !== undefined) clearInterval(timer);
    };
  }, [api, apply, pollMs]);

  return {
    items,
    error,
    add: async (source, symbol) => {
      if (api) apply(await api.call('watchlist:add', { source, symbol }));
    },
    remove: async (source, symbol) => {
      if (api) apply(await api.call('watchlist:remove', { source, symbol }));
    },
    move: async (index, by) => {
      const target = index + by;
      if (api === null || target < 0 || target >= items.length) return;
      const order = items.map(({ source, symbol }) => ({ source, symbol }));
      [order[index], order[target]] = [order[target]!, order[index]!];
      apply(await api.call('watchlist:reorder', { order }));
    },
  };
}
