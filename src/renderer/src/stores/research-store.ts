// Research: the stored optimisation, walk-forward and Monte Carlo runs, live progress (from pushes), the run being
// looked at, and the hand-offs from a result to a backtest or a new session.
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { FieldProblem } from '../../../shared/api/field-errors';
import type {
  ParamSet,
  ResearchDetail,
  ResearchProgress,
  ResearchRequestInput,
  ResearchSummary,
} from '../../../shared/domain/research';
import type { ConnectedClient } from '../api/client';
import type { BacktestStore } from './backtest-store';
import type { WorkspaceStore } from './workspace-store';

export interface ResearchState {
  runs: readonly ResearchSummary[];
  progress: Readonly<Record<string, ResearchProgress>>;
  selectedId: string | null;
  detail: ResearchDetail | null;
  /** The last refusal of a run request, in words, and the fields it named (path under the call's argument). */
  runError: string | null;
  runFields: readonly FieldProblem[];
  error: string | null;
  load(): Promise<void>;
  run(request: ResearchRequestInput): Promise<string | null>;
  clearRunError(): void;
  cancel(id: string): Promise<void>;
  select(id: string | null): Promise<void>;
  remove(id: string): Promise<void>;
  /** Runs a backtest of `params` on the research run's data and config, then shows it in the Backtests view. */
  openAsBacktest(params: ParamSet): Promise<string | null>;
  /** Opens the Sessions view's New session form with the research run's strategy and `params`. */
  useInSession(params: ParamSet): void;
}

export type ResearchStore = UseBoundStore<StoreApi<ResearchState>> & {
  /** Progress pushes update the bar and the list row; a finished run refreshes the list and, if open, its result. */
  connect(): () => void;
};

export interface ResearchSources {
  readonly backtests: BacktestStore;
  readonly workspace: WorkspaceStore;
}

/** The base config of a research request with the strategy's parameters replaced by `params`. */
export function configWithParams(
  config: Readonly<Record<string, unknown>>,
  params: ParamSet,
): Record<string, unknown> {
  const strategy = (config['strategy'] ?? {}) as { id?: unknown; params?: Record<string, unknown> };
  return { ...config, strategy: { ...strategy, params: { ...(strategy.params ?? {}), ...params } } };
}

export function createResearchStore(api: ConnectedClient, sources: ResearchSources): ResearchStore {
  const store = create<ResearchState>((set, get) => ({
    runs: [],
    progress: {},
    selectedId: null,
    detail: null,
    runError: null,
    runFields: [],
    error: null,
    async load() {
      const runs = await api.call('research:list', {});
      if (!runs.ok) return set({ error: runs.error.message });
      set({ runs: runs.value, error: null });
    },
    async run(request) {
      const result = await api.call('research:run', { request });
      if (!result.ok) {
        set({ runError: result.error.message, runFields: result.error.fields ?? [] });
        return null;
      }
      set({ runError: null, runFields: [] });
      await refreshRuns();
      await get().select(result.value.id);
      return result.value.id;
    },
    clearRunError() {
      if (get().runError !== null) set({ runError: null, runFields: [] });
    },
    async cancel(id) {
      const result = await api.call('research:cancel', { id });
      if (!result.ok) set({ error: result.error.message });
    },
    async select(id) {
      if (id === null) return set({ selectedId: null, detail: null });
      set({ selectedId: id });
      const detail = await api.call('research:get', { id });
      if (get().selectedId !== id) return; // the user moved on meanwhile
      if (!detail.ok) return set({ error: detail.error.message, detail: null });
      set({ detail: detail.value, error: null });
    },
    async remove(id) {
      const result = await api.call('research:delete', { id });
      if (!result.ok) return set({ error: result.error.message });
      if (get().selectedId === id) await get().select(null);
      await refreshRuns();
    },
    async openAsBacktest(params) {
      const request = get().detail?.request;
      if (!request || request.kind === 'monte-carlo') return null;
      const runId = await sources.backtests.getState().run({
        name: `${get().detail?.name ?? 'Research'} · ${Object.entries(params)
          .map(([k, v]) => `${k} ${String(v)}`)
          .join(' ')}`.slice(0, 120),
        data: request.data,
        config: configWithParams(request.config, params),
      });
      if (runId === null) {
        set({
          error: `The backtest was refused: ${sources.backtests.getState().runError ?? 'no reason given'}`,
        });
        return null;
      }
      sources.workspace.getState().setView('backtests');
      return runId;
    },
    useInSession(params) {
      const request = get().detail?.request;
      if (!request || request.kind === 'monte-carlo') return;
      const config = configWithParams(request.config, params);
      const symbols = request.data.source === 'synthetic' ? request.data.symbols : undefined;
      sources.workspace.getState().handOffSession({
        ...config,
        ...(symbols && { symbols: [...symbols] }),
        ...(request.data.source === 'synthetic' && { timeframe: request.data.timeframe }),
      });
    },
  }));

  async function refreshRuns(): Promise<void> {
    const runs = await api.call('research:list', {});
    if (runs.ok) store.setState({ runs: runs.value });
  }

  const connect = (): (() => void) =>
    api.subscribe('research-progress', (batch) => {
      const progress = { ...store.getState().progress };
      let finished = false;
      for (const update of batch) {
        progress[update.id] = update;
        if (update.status !== 'running') finished = true;
      }
      // The list row shows the pushed status at once; the headline comes with the refreshed list.
      const runs = store
        .getState()
        .runs.map((run) =>
          progress[run.id] && progress[run.id]!.status !== run.status
            ? { ...run, status: progress[run.id]!.status }
            : run,
        );
      store.setState({ progress, runs });
      if (!finished) return;
      void refreshRuns();
      const { selectedId, select } = store.getState();
      if (selectedId !== null && batch.some((u) => u.id === selectedId && u.status !== 'running'))
        void select(selectedId);
    });

  return Object.assign(store, { connect });
}
