// Backtests: the strategies on offer, the stored runs, live progress (from pushes) and the run being looked at.
import { create } from 'zustand';
import type {
  BacktestBars,
  BacktestComparison,
  BacktestDataInput,
  BacktestDetail,
  BacktestOptionsInfo,
  BacktestProgress,
  BacktestSummary,
  StrategyInfo,
} from '../../../shared/domain/backtest';
import { TIMEFRAME_MS, type Timeframe } from '../../../shared/domain/bars';
import type { ConnectedClient } from '../api/client';

export interface BacktestRequest {
  readonly name?: string;
  readonly data: BacktestDataInput;
  readonly config: Record<string, unknown>;
}

export interface BacktestState {
  strategies: readonly StrategyInfo[];
  options: BacktestOptionsInfo | null;
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
  error: string | null;
  /** The two runs picked for the side-by-side comparison (either may still be unpicked). */
  compareIds: { readonly a: string | null; readonly b: string | null };
  comparison: BacktestComparison | null;
  /** Why the comparison could not be made, in words (a run deleted or not finished). */
  compareError: string | null;
  load(api: ConnectedClient): Promise<void>;
  run(api: ConnectedClient, request: BacktestRequest): Promise<string | null>;
  cancel(api: ConnectedClient, runId: string): Promise<void>;
  select(api: ConnectedClient, runId: string | null): Promise<void>;
  showSymbol(api: ConnectedClient, symbol: string): Promise<void>;
  /** Redraws the chart at `timeframe` (null or the run's own: unaggregated). */
  showTimeframe(api: ConnectedClient, timeframe: Timeframe | null): Promise<void>;
  remove(api: ConnectedClient, runId: string): Promise<void>;
  /** Picks the runs to compare and loads the comparison once both are picked. */
  compare(api: ConnectedClient, a: string | null, b: string | null): Promise<void>;
}

/** The comparison being fetched ("a|b"), so a second ask for the same pair waits for the first answer. */
let comparing: string | null = null;

export const useBacktestStore = create<BacktestState>((set, get) => ({
  strategies: [],
  options: null,
  runs: [],
  progress: {},
  selectedId: null,
  detail: null,
  bars: null,
  chartSymbol: null,
  chartTimeframe: null,
  runError: null,
  error: null,
  compareIds: { a: null, b: null },
  comparison: null,
  compareError: null,
  async load(api) {
    const [strategies, options, runs] = await Promise.all([
      api.call('strategy:list', {}),
      api.call('backtest:options', {}),
      api.call('backtest:list', {}),
    ]);
    if (!strategies.ok) return set({ error: strategies.error.message });
    if (!options.ok) return set({ error: options.error.message });
    if (!runs.ok) return set({ error: runs.error.message });
    set({ strategies: strategies.value, options: options.value, runs: runs.value, error: null });
  },
  async run(api, request) {
    const result = await api.call('backtest:run', {
      ...(request.name !== undefined && { name: request.name }),
      data: request.data,
      config: request.config,
    });
    if (!result.ok) {
      set({ runError: result.error.message });
      return null;
    }
    set({ runError: null });
    await refreshRuns(api);
    await get().select(api, result.value.runId);
    return result.value.runId;
  },
  async cancel(api, runId) {
    const result = await api.call('backtest:cancel', { runId });
    if (!result.ok) set({ error: result.error.message });
  },
  async select(api, runId) {
    if (runId === null) return set({ selectedId: null, detail: null, bars: null, chartSymbol: null });
    set({ selectedId: runId });
    const detail = await api.call('backtest:get', { runId });
    if (get().selectedId !== runId) return; // the user moved on meanwhile
    if (!detail.ok) return set({ error: detail.error.message, detail: null });
    const chosen = get().chartTimeframe;
    set({
      detail: detail.value,
      error: null,
      // A chosen timeframe carries over to the next run when that run's bars are not coarser.
      chartTimeframe: chosen !== null && coarserOrSame(chosen, detail.value.data.timeframe) ? chosen : null,
    });
    const symbol = get().chartSymbol;
    const keep = symbol !== null && detail.value.data.symbols.includes(symbol);
    if (detail.value.status === 'done')
      await get().showSymbol(api, keep ? symbol : detail.value.data.symbols[0]!);
    else set({ bars: null });
  },
  async showSymbol(api, symbol) {
    const runId = get().selectedId;
    if (runId === null) return;
    set({ chartSymbol: symbol });
    const timeframe = get().chartTimeframe;
    const bars = await api.call('backtest:bars', {
      runId,
      symbol,
      // The whole run: the chart windows what it draws (the API's cap is 2,000,000 bars).
      maxBars: 2_000_000,
      ...(timeframe !== null && { timeframe }),
    });
    if (get().selectedId !== runId || get().chartSymbol !== symbol || get().chartTimeframe !== timeframe)
      return;
    if (!bars.ok) return set({ error: bars.error.message, bars: null });
    set({ bars: bars.value });
  },
  async showTimeframe(api, timeframe) {
    const { detail, chartSymbol } = get();
    const own = detail?.data.timeframe;
    const next = timeframe === null || timeframe === own ? null : timeframe;
    if (next === get().chartTimeframe) return;
    set({ chartTimeframe: next });
    if (chartSymbol !== null && detail?.status === 'done') await get().showSymbol(api, chartSymbol);
  },
  async remove(api, runId) {
    const result = await api.call('backtest:delete', { runId });
    if (!result.ok) return set({ error: result.error.message });
    if (get().selectedId === runId) await get().select(api, null);
    const { a, b } = get().compareIds;
    if (a === runId || b === runId) await get().compare(api, a === runId ? null : a, b === runId ? null : b);
    await refreshRuns(api);
  },
  async compare(api, a, b) {
    set({ compareIds: { a, b }, compareError: null });
    if (a === null || b === null || a === b) return set({ comparison: null });
    const current = get().comparison;
    const key = `${a}|${b}`;
    if ((current?.a.id === a && current.b.id === b) || comparing === key) return;
    comparing = key;
    const result = await api.call('backtest:compare', { a, b });
    if (comparing === key) comparing = null;
    const ids = get().compareIds;
    if (ids.a !== a || ids.b !== b) return; // picked again meanwhile
    if (result.ok) set({ comparison: result.value });
    else set({ comparison: null, compareError: result.error.message });
  },
}));

function coarserOrSame(timeframe: Timeframe, than: Timeframe): boolean {
  return TIMEFRAME_MS[timeframe] >= TIMEFRAME_MS[than];
}

async function refreshRuns(api: ConnectedClient): Promise<void> {
  const runs = await api.call('backtest:list', {});
  if (runs.ok) useBacktestStore.setState({ runs: runs.value });
}

/** Progress pushes update the bar as they come; a finished run refreshes the list and, if open, its results. */
export function connectBacktestStore(api: ConnectedClient): () => void {
  return api.subscribe('progress', (batch) => {
    const progress = { ...useBacktestStore.getState().progress };
    let finished: string | null = null;
    for (const update of batch) {
      progress[update.runId] = update;
      if (update.status !== 'running') finished = update.runId;
    }
    useBacktestStore.setState({ progress });
    if (finished !== null) {
      void refreshRuns(api);
      const { selectedId, select } = useBacktestStore.getState();
      if (selectedId !== null && batch.some((u) => u.runId === selectedId && u.status !== 'running')) {
        void select(api, selectedId);
      }
    }
  });
}
