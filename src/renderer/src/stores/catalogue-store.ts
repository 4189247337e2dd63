// What a run can be built from: the strategies on offer (with their parameter schemas) and the risk, venue and data
// options. The backtest form and the session form both read it; it is asked of main once, not once per view.
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { ApiClient } from '../../../shared/api/contract';
import type { BacktestOptionsInfo, StrategyInfo } from '../../../shared/domain/backtest';

export interface CatalogueState {
  strategies: readonly StrategyInfo[];
  options: BacktestOptionsInfo | null;
  /**
   * Loads the catalogue unless it is already here; concurrent callers share one request and a failed load is tried
   * again by the next caller. Resolves to the failure in words, or null.
   */
  load(): Promise<string | null>;
}

export type CatalogueStore = UseBoundStore<StoreApi<CatalogueState>>;

export function createCatalogueStore(api: ApiClient): CatalogueStore {
  let loading: Promise<string | null> | null = null;
  let loaded = false;
  return create<CatalogueState>((set) => ({
    strategies: [],
    options: null,
    load() {
      if (loaded) return Promise.resolve(null);
      loading ??= (async () => {
        const [strategies, options] = await Promise.all([
          api.call('strategy:list', {}),
          api.call('backtest:options', {}),
        ]);
        loading = null;
        if (!strategies.ok) return strategies.error.message;
        if (!options.ok) return options.error.message;
        loaded = true;
        set({ strategies: strategies.value, options: options.value });
        return null;
      })();
      return loading;
    },
  }));
}
