// The app's stores reach the views through React context (made once in main.tsx, or per test), so a view reads a
// store with a selector and calls its actions without passing the API around.
import { createContext, type ReactNode, useContext } from 'react';
import { useStore } from 'zustand';
import { ApiContext } from '../api/context';
import type { AppState } from './app-store';
import type { BacktestState } from './backtest-store';
import type { CatalogueState } from './catalogue-store';
import type { AppStores } from './index';
import type { ModelsState } from './models-store';
import type { OverviewState } from './overview-store';
import type { ResearchState } from './research-store';
import type { SessionState } from './sessions/session-state';
import type { WorkspaceState } from './workspace-store';

const AppStoresContext = createContext<AppStores | null>(null);

/** Provides the stores and the API object they are bound to. */
export function AppStoresProvider({ stores, children }: { stores: AppStores; children: ReactNode }) {
  return (
    <ApiContext.Provider value={stores.api}>
      <AppStoresContext.Provider value={stores}>{children}</AppStoresContext.Provider>
    </ApiContext.Provider>
  );
}

export function useStores(): AppStores {
  const stores = useContext(AppStoresContext);
  if (!stores) throw new Error('useStores outside <AppStoresProvider>');
  return stores;
}

export const useAppStore = <T,>(selector: (state: AppState) => T): T => useStore(useStores().app, selector);
export const useCatalogueStore = <T,>(selector: (state: CatalogueState) => T): T =>
  useStore(useStores().catalogue, selector);
export const useBacktestStore = <T,>(selector: (state: BacktestState) => T): T =>
  useStore(useStores().backtests, selector);
export const useSessionStore = <T,>(selector: (state: SessionState) => T): T =>
  useStore(useStores().sessions, selector);
export const useWorkspaceStore = <T,>(selector: (state: WorkspaceState) => T): T =>
  useStore(useStores().workspace, selector);
export const useOverviewStore = <T,>(selector: (state: OverviewState) => T): T =>
  useStore(useStores().overview, selector);
export const useResearchStore = <T,>(selector: (state: ResearchState) => T): T =>
  useStore(useStores().research, selector);
export const useModelsStore = <T,>(selector: (state: ModelsState) => T): T =>
  useStore(useStores().models, selector);
