// The app's stores, each bound once to the one API object: made in main.tsx, handed to the views by context.
import type { ConnectedClient } from '../api/client';
import { type AppStore, createAppStore } from './app-store';
import { type BacktestStore, createBacktestStore } from './backtest-store';
import { type CatalogueStore, createCatalogueStore } from './catalogue-store';
import { createModelsStore, type ModelsStore } from './models-store';
import { createOverviewStore, type OverviewStore } from './overview-store';
import { createResearchStore, type ResearchStore } from './research-store';
import { createSessionStore, type SessionStore } from './sessions/session-store';
import { createWorkspaceStore, type WorkspaceStore } from './workspace-store';

export interface AppStores {
  readonly api: ConnectedClient;
  readonly app: AppStore;
  /** Strategies and run options, loaded once for the backtest and session forms. */
  readonly catalogue: CatalogueStore;
  readonly backtests: BacktestStore;
  readonly sessions: SessionStore;
  readonly workspace: WorkspaceStore;
  /** Positions, risk states and open alerts across sessions, for the Overview. */
  readonly overview: OverviewStore;
  /** Optimisation, walk-forward and Monte Carlo runs (the Research view). */
  readonly research: ResearchStore;
  /** The model registry, trainings and their progress (the Models view, the strategy forms' model picker). */
  readonly models: ModelsStore;
}

export function createAppStores(api: ConnectedClient): AppStores {
  const app = createAppStore(api);
  const catalogue = createCatalogueStore(api);
  const backtests = createBacktestStore(api, catalogue);
  const sessions = createSessionStore(api, catalogue);
  const workspace = createWorkspaceStore(api, { app, backtests, sessions });
  const overview = createOverviewStore(api, sessions);
  const research = createResearchStore(api, { backtests, workspace });
  const models = createModelsStore(api);
  return { api, app, catalogue, backtests, sessions, workspace, overview, research, models };
}

/** Wires every store to its pushes and connection changes; returns the unsubscribe. */
export function connectAppStores(stores: AppStores): () => void {
  const offs = [
    stores.app.connect(),
    stores.backtests.connect(),
    stores.sessions.connect(),
    stores.workspace.connect(),
    stores.research.connect(),
    stores.models.connect(),
  ];
  return () => {
    for (const off of offs) off();
  };
}
