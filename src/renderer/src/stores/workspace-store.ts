// Where the user left off: the view, the selected backtest run and session, the chart timeframe, the runs being
// compared and open panels. Restored once when the settings first arrive, then saved (debounced) through
// settings:set whenever any of it changes, so a restart opens the workstation as it was closed.
import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { ChartIndicator, ChartName } from '../../../shared/domain/chart-tools';
import type { Workspace } from '../../../shared/domain/workspace';
import { VIEW_IDS, type ViewId } from '../../../shared/domain/workspace';
import type { ConnectedClient } from '../api/client';
import type { AppStore } from './app-store';
import type { BacktestStore } from './backtest-store';
import type { SessionStore } from './sessions/session-store';

export interface WorkspaceState {
  view: ViewId;
  /** Open panels and toggles by name (`bt-risk`, `bt-costs`, `bt-compare`). */
  panels: Readonly<Record<string, boolean>>;
  /** True once the saved workspace was applied (or there was none); saving starts only then. */
  restored: boolean;
  /** The user picked a view before the saved one arrived: theirs wins. */
  viewChosen: boolean;
  setView(view: ViewId): void;
  setPanel(name: string, open: boolean): void;
  /** Pane sizes by name in CSS pixels (`ss-side`, `ss-chart` …): what the user dragged them to. */
  paneSizes: Readonly<Record<string, number>>;
  setPaneSize(name: string, size: number): void;
  /** The indicators the user added to each chart (apart from the strategy's lines). */
  chartIndicators: Readonly<Partial<Record<ChartName, readonly ChartIndicator[]>>>;
  setChartIndicators(chart: ChartName, indicators: readonly ChartIndicator[]): void;
  /**
   * A session config handed from another view (a research result's "Use in a session"): the New session form takes
   * it as its starting point once, then clears it. Not saved with the workspace.
   */
  sessionDraft: Readonly<Record<string, unknown>> | null;
  /** Opens the Sessions view with its New session form prefilled from `config`. */
  handOffSession(config: Readonly<Record<string, unknown>>): void;
  /** The form took the hand-off. */
  takeSessionDraft(): Readonly<Record<string, unknown>> | null;
}

export interface WorkspaceOptions {
  /** Quiet time before a change is saved (default 400 ms): a burst of clicks is one write. */
  readonly delayMs?: number;
}

export type WorkspaceStore = UseBoundStore<StoreApi<WorkspaceState>> & {
  /** Restores the workspace once the settings load, then saves every change; returns the unsubscribe. */
  connect(options?: WorkspaceOptions): () => void;
};

/** The stores whose selections make up the workspace. */
export interface WorkspaceSources {
  readonly app: AppStore;
  readonly backtests: BacktestStore;
  readonly sessions: SessionStore;
}

export function createWorkspaceStore(api: ConnectedClient, sources: WorkspaceSources): WorkspaceStore {
  const { app, backtests: backtestStore, sessions: sessionStore } = sources;
  const store = create<WorkspaceState>((set, get) => ({
    view: 'overview',
    panels: {},
    restored: false,
    viewChosen: false,
    setView(view) {
      set({ view, viewChosen: true });
    },
    setPanel(name, open) {
      if (get().panels[name] !== open) set({ panels: { ...get().panels, [name]: open } });
    },
    paneSizes: {},
    setPaneSize(name, size) {
      const rounded = Math.max(0, Math.min(10_000, Math.round(size)));
      if (get().paneSizes[name] !== rounded) set({ paneSizes: { ...get().paneSizes, [name]: rounded } });
    },
    chartIndicators: {},
    setChartIndicators(chart, indicators) {
      set({ chartIndicators: { ...get().chartIndicators, [chart]: indicators } });
    },
    sessionDraft: null,
    handOffSession(config) {
      set({ sessionDraft: config, view: 'sessions', viewChosen: true });
    },
    takeSessionDraft() {
      const draft = get().sessionDraft;
      if (draft !== null) set({ sessionDraft: null });
      return draft;
    },
  }));

  /** The workspace as stored: what the stores hold now. */
  const currentWorkspace = (): Workspace => {
    const { view, panels, paneSizes, chartIndicators } = store.getState();
    const backtests = backtestStore.getState();
    return {
      view,
      backtestRunId: backtests.selectedId,
      sessionId: sessionStore.getState().selectedId,
      chartTimeframe: backtests.chartTimeframe,
      compareRuns: [...backtests.compareIds],
      panels: { ...panels },
      paneSizes: { ...paneSizes },
      chartIndicators: Object.fromEntries(
        Object.entries(chartIndicators).map(([chart, list]) => [chart, [...list]]),
      ),
    };
  };

  /**
   * Applies a saved workspace; runs and sessions deleted since are left unselected rather than shown as errors, and
   * whatever the user already chose while it loaded (a view, a run, a session, a panel) is kept.
   */
  const restoreWorkspace = async (saved: Workspace): Promise<void> => {
    store.setState((state) => ({
      panels: { ...(saved.panels ?? {}), ...state.panels },
      paneSizes: { ...(saved.paneSizes ?? {}), ...state.paneSizes },
      chartIndicators: { ...(saved.chartIndicators ?? {}), ...state.chartIndicators },
    }));
    if (saved.chartTimeframe && backtestStore.getState().chartTimeframe === null) {
      backtestStore.setState({ chartTimeframe: saved.chartTimeframe });
    }
    // Runs ticked for comparison; a workspace saved before four-run comparisons kept its two as a and b.
    const savedCompare =
      saved.compareRuns ?? [saved.compare?.a, saved.compare?.b].filter((id): id is string => !!id);
    const wantsRuns = saved.backtestRunId || savedCompare.length > 0;
    const [runs, sessions] = await Promise.all([
      wantsRuns ? api.call('backtest:list', {}) : null,
      saved.sessionId ? api.call('session:list', {}) : null,
    ]);
    const runIds = new Set(runs?.ok ? runs.value.map((r) => r.id) : []);
    const known = (id: string | null | undefined): string | null => (id && runIds.has(id) ? id : null);
    const backtests = backtestStore.getState();
    if (savedCompare.length > 0 && backtests.compareIds.length === 0) {
      backtestStore.setState({ compareIds: savedCompare.filter((id) => known(id) !== null) });
    }
    const runId = known(saved.backtestRunId);
    if (runId !== null && backtests.selectedId === null) void backtests.select(runId);
    const sessionId = saved.sessionId;
    const sessionState = sessionStore.getState();
    if (
      sessionId &&
      sessionState.selectedId === null &&
      sessions?.ok &&
      sessions.value.some((s) => s.id === sessionId)
    ) {
      void sessionState.select(sessionId);
    }
    const savedView =
      saved.view && (VIEW_IDS as readonly string[]).includes(saved.view) ? saved.view : 'overview';
    const { viewChosen, view } = store.getState();
    store.setState({ view: viewChosen ? view : savedView, restored: true });
  };

  const connect = (options: WorkspaceOptions = {}): (() => void) => {
    const delayMs = options.delayMs ?? 400;
    let lastSaved = '';
    let timer: ReturnType<typeof setTimeout> | undefined;

    const save = (): void => {
      timer = undefined;
      const workspace = currentWorkspace();
      const text = JSON.stringify(workspace);
      if (text === lastSaved) return;
      lastSaved = text;
      void api.call('settings:set', { patch: { workspace } }).then((result) => {
        if (!result.ok) lastSaved = ''; // try again with the next change
      });
    };
    const schedule = (): void => {
      if (!store.getState().restored) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(save, delayMs);
    };
    const flush = (): void => {
      if (timer === undefined) return;
      clearTimeout(timer);
      save();
    };

    const start = async (workspace: Workspace): Promise<void> => {
      await restoreWorkspace(workspace);
      // What is on screen now is what counts as saved: restoring alone writes nothing back.
      lastSaved = JSON.stringify(currentWorkspace());
    };
    const initial = app.getState().settings;
    let started = initial !== null;
    if (initial) void start(initial.workspace);
    const offSettings = app.subscribe((state) => {
      if (started || state.settings === null) return;
      started = true;
      void start(state.settings.workspace);
    });

    const offWorkspace = store.subscribe(schedule);
    const offBacktests = backtestStore.subscribe((state, previous) => {
      if (
        state.selectedId !== previous.selectedId ||
        state.chartTimeframe !== previous.chartTimeframe ||
        state.compareIds !== previous.compareIds
      ) {
        schedule();
      }
    });
    const offSessions = sessionStore.subscribe((state, previous) => {
      if (state.selectedId !== previous.selectedId) schedule();
    });
    // Closing the tab or the window within the quiet time still saves the last change.
    window.addEventListener('pagehide', flush);

    return () => {
      flush();
      offSettings();
      offWorkspace();
      offBacktests();
      offSessions();
      window.removeEventListener('pagehide', flush);
    };
  };

  return Object.assign(store, { connect });
}
