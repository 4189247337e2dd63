// Backtests: the stored runs, live progress (from pushes) and the run being looked at; the strategies on offer are
// the catalogue's.

import { create, type StoreApi, type UseBoundStore } from 'zustand';
import type { FieldProblem } from '../../../shared/api/field-errors';
import {
  type BacktestBars,
  type BacktestComparison,
  type BacktestDataInput,
  type BacktestDetail,
  type BacktestProgress,
  type BacktestSummary,
  MAX_COMPARED_RUNS,
  MIN_COMPARED_RUNS,
  type RunLabels,
} from '../../../shared/domain/backtest';
import { TIMEFRAME_MS, type Timeframe } from '../../../shared/domain/bars';
import type { OptionsBacktestInput } from '../../../shared/domain/options-backtest';
import type { ExportFile } from '../../../shared/domain/session';
import { detailFromColumns } from '../../../shared/domain/trade-columns';
import type { ConnectedClient } from '../api/client';
import { FIRST_PAGE_BARS, HISTORY_PAGE_BARS, joinPages } from './bar-pages';
import { type CatalogueStore, createCatalogueStore } from './catalogue-store';

export interface BacktestRequest {
  readonly name?: string;
  readonly data: BacktestDataInput;
  readonly config: Record<string, unknown>;
}

export interface BacktestState {
  runs: readonly BacktestSummary[];
  progress: Readonly<Record<string, BacktestProgress>>;
  selectedId: string | null;
  detail: BacktestDetail | null;
  bars: BacktestBars | null;
  chartSymbol: string | null;
  /** The chart's timeframe when coarser than the run's (aggregated in main); null: the run's own. */
  chartTimeframe: Timeframe | null;
  /** The last refusal of a run request, in words (e.g. a config field out of bounds). */
  runError: string | null;
  /** The fields that refusal named (path under the request + message), for the form to mark. */
  runFields: readonly FieldProblem[];
  error: string | null;
  /** The runs ticked for the side-by-side comparison, in the order ticked (the first is the one the others are
   * measured against); compared once two are ticked. */
  compareIds: readonly string[];
  comparison: BacktestComparison | null;
  /** Why the comparison could not be made, in words (a run deleted or not finished). */
  compareError: string | null;
  /** Why the last tick was refused (a fifth run), in words; cleared by the next tick or untick. */
  compareNotice: string | null;
  load(): Promise<void>;
  run(request: BacktestRequest): Promise<string | null>;
  /** A Phase 4D options run (backtest:run-options); a refusal lands in runError/runFields like run()'s. */
  runOptions(request: OptionsBacktestInput): Promise<string | null>;
  /** The user changed the form: the last refusal no longer describes it. */
  clearRunError(): void;
  cancel(runId: string): Promise<void>;
  select(runId: string | null): Promise<void>;
  showSymbol(symbol: string): Promise<void>;
  /** Redraws the chart at `timeframe` (null or the run's own: unaggregated). */
  showTimeframe(timeframe: Timeframe | null): Promise<void>;
  remove(runId: string): Promise<void>;
  /** Renames, notes, tags or pins a run; the refusal in words (null when saved). */
  update(runId: string, labels: RunLabels): Promise<string | null>;
  /** A finished run's tearsheet file, or null (the refusal is in `error`). */
  tearsheet(runId: string): Promise<ExportFile | null>;
  /** Picks the runs to compare (in order) and loads the comparison once two or more are picked. */
  compare(runIds: readonly string[]): Promise<void>;
  /** Ticks a run for comparison, or unticks it; a fifth run is refused (the reason goes to `compareNotice`). */
  toggleCompare(runId: string): Promise<void>;
}

export type BacktestStore = UseBoundStore<StoreApi<BacktestState>> & {
  /** Progress pushes update the bar as they come; a finished run refreshes the list and, if open, its results. */
  connect(): () => void;
};

/** The backtests store bound to `api`; the strategy catalogue is shared with the sessions when given. */
export function createBacktestStore(
  api: ConnectedClient,
  catalogue: CatalogueStore = createCatalogueStore(api),
): BacktestStore {
  /** Bumped by every chart load: an answer for an older one is dropped. */
  let barsLoad = 0;
  /** The comparison being fetched (ids joined by "|"), so a second ask for the same runs waits for the first answer. */
  let comparing: string | null = null;

  const store = create<BacktestState>((set, get) => ({
    runs: [],
    progress: {},
    selectedId: null,
    detail: null,
    bars: null,
    chartSymbol: null,
    chartTimeframe: null,
    runError: null,
    runFields: [],
    error: null,
    compareIds: [],
    comparison: null,
    compareError: null,
    compareNotice: null,
    async load() {
      const [catalogueError, runs] = await Promise.all([
        catalogue.getState().load(),
        api.call('backtest:list', {}),
      ]);
      if (catalogueError !== null) return set({ error: catalogueError });
      if (!runs.ok) return set({ error: runs.error.message });
      set({ runs: runs.value, error: null });
    },
    async runOptions(request) {
      const result = await api.call('backtest:run-options', request);
      if (!result.ok) {
        set({ runError: result.error.message, runFields: result.error.fields ?? [] });
        return null;
      }
      set({ runError: null, runFields: [] });
      await refreshRuns();
      await get().select(result.value.runId);
      return result.value.runId;
    },
    async run(request) {
      const result = await api.call('backtest:run', {
        ...(request.name !== undefined && { name: request.name }),
        data: request.data,
        config: request.config,
      });
      if (!result.ok) {
        set({ runError: result.error.message, runFields: result.error.fields ?? [] });
        return null;
      }
      set({ runError: null, runFields: [] });
      await refreshRuns();
      await get().select(result.value.runId);
      return result.value.runId;
    },
    clearRunError() {
      if (get().runError !== null) set({ runError: null, runFields: [] });
    },
    async cancel(runId) {
      const result = await api.call('backtest:cancel', { runId });
      if (!result.ok) set({ error: result.error.message });
    },
    async select(runId) {
      if (runId === null) {
        barsLoad++;
        return set({ selectedId: null, detail: null, bars: null, chartSymbol: null });
      }
      const summary = get().runs.find((r) => r.id === runId);
      // Another run's bars never show under this one, even for a moment.
      set({
        selectedId: runId,
        ...(runId !== get().selectedId && { bars: null }),
        ...(summary && { chartTimeframe: keptTimeframe(get().chartTimeframe, summary.data.timeframe) }),
      });
      // A finished run's newest bars are asked for first, and its detail once they are in: main answers one call
      // after another, and a long run's trades and fills take it a while, so the chart is drawn before that.
      const chart =
        summary?.status === 'done' ? loadChart(chartSymbolOf(get().chartSymbol, summary.data)) : null;
      if (chart) await chart.newest;
      if (get().selectedId !== runId) return; // the user moved on meanwhile
      const detail = await api.call('backtest:get', { runId });
      if (get().selectedId !== runId) return;
      if (!detail.ok) return set({ error: detail.error.message, detail: null });
      set({
        detail: detailFromColumns(detail.value),
        error: null,
        chartTimeframe: keptTimeframe(get().chartTimeframe, detail.value.data.timeframe),
      });
      if (chart) await chart.all;
      else if (detail.value.status === 'done')
        await get().showSymbol(chartSymbolOf(get().chartSymbol, detail.value.data));
      else set({ bars: null });
    },
    async showSymbol(symbol) {
      await loadChart(symbol).all;
    },
    async showTimeframe(timeframe) {
      const { detail, chartSymbol } = get();
      const own = detail?.data.timeframe;
      const next = timeframe === null || timeframe === own ? null : timeframe;
      if (next === get().chartTimeframe) return;
      set({ chartTimeframe: next });
      if (chartSymbol !== null && detail?.status === 'done') await get().showSymbol(chartSymbol);
    },
    async remove(runId) {
      const result = await api.call('backtest:delete', { runId });
      if (!result.ok) return set({ error: result.error.message });
      if (get().selectedId === runId) await get().select(null);
      const ticked = get().compareIds;
      if (ticked.includes(runId)) await get().compare(ticked.filter((id) => id !== runId));
      await refreshRuns();
    },
    async update(runId, labels) {
      const result = await api.call('backtest:update', { runId, ...labels });
      if (!result.ok) return result.error.message;
      const run = result.value;
      const { detail } = get();
      set({
        runs: get().runs.map((r) => (r.id === runId ? run : r)),
        ...(detail?.id === runId && {
          detail: { ...detail, name: run.name, note: run.note, tags: run.tags, pinned: run.pinned },
        }),
      });
      // A pin moves the run: main's order (pinned first, newest first) is the list's.
      if (labels.pinned !== undefined) await refreshRuns();
      return null;
    },
    async tearsheet(runId) {
      const result = await api.call('backtest:tearsheet', { runId });
      if (result.ok) return result.value;
      set({ error: result.error.message });
      return null;
    },
    async compare(runIds) {
      set({ compareIds: runIds, compareError: null });
      if (runIds.length < MIN_COMPARED_RUNS) return set({ comparison: null });
      const key = runIds.join('|');
      const current = get().comparison;
      if (current?.runs.map((r) => r.id).join('|') === key || comparing === key) return;
      comparing = key;
      const result = await api.call('backtest:compare', { runIds: [...runIds] });
      if (comparing === key) comparing = null;
      if (get().compareIds.join('|') !== key) return; // picked again meanwhile
      if (result.ok) set({ comparison: result.value });
      else set({ comparison: null, compareError: result.error.message });
    },
    async toggleCompare(runId) {
      const ticked = get().compareIds;
      if (ticked.includes(runId)) {
        set({ compareNotice: null });
        return get().compare(ticked.filter((id) => id !== runId));
      }
      if (ticked.length >= MAX_COMPARED_RUNS) {
        const name = get().runs.find((r) => r.id === runId)?.name ?? runId;
        return set({
          compareNotice: `${name} was not added: at most ${MAX_COMPARED_RUNS} runs can be compared at once. Untick one first.`,
        });
      }
      set({ compareNotice: null });
      return get().compare([...ticked, runId]);
    },
  }));

  /**
   * Loads the selected run's chart of `symbol`: the newest bars first, so the chart draws at once; older history
   * follows in pages and then replaces them whole (the chart keeps the user's place). A newer request (run, symbol
   * or timeframe) makes this one moot. `newest` settles when the first page is in (or the load was dropped).
   */
  function loadChart(symbol: string): { readonly newest: Promise<void>; readonly all: Promise<void> } {
    const get = store.getState;
    const set = store.setState;
    const runId = get().selectedId;
    if (runId === null) return { newest: Promise.resolve(), all: Promise.resolve() };
    const load = ++barsLoad;
    set({ chartSymbol: symbol });
    const timeframe = get().chartTimeframe;
    const page = (maxBars: number, end?: number) =>
      api.call('backtest:bars', {
        runId,
        symbol,
        maxBars,
        ...(end !== undefined && { end }),
        ...(timeframe !== null && { timeframe }),
      });
    const newest = page(FIRST_PAGE_BARS).then((first) => {
      if (load !== barsLoad) return null;
      if (!first.ok) {
        set({ error: first.error.message, bars: null });
        return null;
      }
      set({ bars: first.value });
      return first.value;
    });
    const all = newest.then(async (first) => {
      if (first === null) return;
      const pages = [first];
      for (let oldest = first; oldest.start > 0; ) {
        const older = await page(HISTORY_PAGE_BARS, oldest.start);
        if (load !== barsLoad) return;
        if (!older.ok) return set({ error: `older bars could not be loaded: ${older.error.message}` });
        pages.push(older.value);
        oldest = older.value;
      }
      if (pages.length > 1) set({ bars: joinPages(pages) });
    });
    return { newest: newest.then(() => undefined), all };
  }

  async function refreshRuns(): Promise<void> {
    const runs = await api.call('backtest:list', {});
    if (runs.ok) store.setState({ runs: runs.value });
  }

  const connect = (): (() => void) =>
    api.subscribe('progress', (batch) => {
      const progress = { ...store.getState().progress };
      let finished: string | null = null;
      for (const update of batch) {
        progress[update.runId] = update;
        if (update.status !== 'running') finished = update.runId;
      }
      store.setState({ progress });
      if (finished !== null) {
        void refreshRuns();
        const { selectedId, select } = store.getState();
        if (selectedId !== null && batch.some((u) => u.runId === selectedId && u.status !== 'running')) {
          void select(selectedId);
        }
      }
    });

  return Object.assign(store, { connect });
}

/** A chosen chart timeframe carries over to the next run when that run's bars are not coarser. */
function keptTimeframe(chosen: Timeframe | null, runTimeframe: Timeframe): Timeframe | null {
  return chosen !== null && TIMEFRAME_MS[chosen] >= TIMEFRAME_MS[runTimeframe] ? chosen : null;
}

/** The symbol on the chart stays when the next run has it too; otherwise the run's first. */
function chartSymbolOf(current: string | null, data: { readonly symbols: readonly string[] }): string {
  return current !== null && data.symbols.includes(current) ? current : data.symbols[0]!;
}
