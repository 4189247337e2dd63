// @vitest-environment happy-dom
// The Research view against a fake API: each tab's form sends the research:run request a user means (the grid's cell
// count shown live), main's refusals land beside the fields they name, a running run shows progress, ETA and Cancel
// from the research-progress push, and finished runs show their results (best row, heat map → table, folds with the
// efficiency warning, fan chart), with "Open as backtest" and "Use in a session" handing the cell over.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { strategyParamProblems } from '../../../../src/main/strategies/market-builder';
import { HEAT_DEFAULT_SIZE } from '../../../../src/renderer/src/components/chart/HeatMap';
import { cellCentre, heatLayout } from '../../../../src/renderer/src/components/chart/heat-map-model';
import { AppStoresProvider } from '../../../../src/renderer/src/stores/context';
import { type AppStores, createAppStores } from '../../../../src/renderer/src/stores/index';
import { ResearchView } from '../../../../src/renderer/src/views/research/ResearchView';
import { NewSessionForm } from '../../../../src/renderer/src/views/sessions/NewSessionForm';
import type { CallName } from '../../../../src/shared/api/names';
import type { ApiResult } from '../../../../src/shared/api/result';
import type {
  BacktestOptionsInfo,
  BacktestSummary,
  StrategyInfo,
} from '../../../../src/shared/domain/backtest';
import type { PerformanceMetrics } from '../../../../src/shared/domain/metrics';
import type {
  MonteCarloResult,
  OptimizeResult,
  ResearchCell,
  ResearchDetail,
  ResearchRequest,
  ResearchSummary,
  WalkForwardResult,
} from '../../../../src/shared/domain/research';
import { type FakeHandler, fakeApi, flush } from '../fake-api';

// The equity chart needs lightweight-charts' canvas; here it is enough to see what it was given.
vi.mock('../../../../src/renderer/src/components/chart/EquityChart', () => ({
  EquityChart: (props: { curve: { equity: Float64Array }; ariaLabel: string }) => (
    <div data-testid="equity-chart" title={props.ariaLabel}>
      {props.curve.equity.length} points
    </div>
  ),
}));

afterEach(cleanup);

const STRATEGIES: StrategyInfo[] = [
  {
    id: 'sma-crossover',
    name: 'SMA crossover',
    description: 'Long when the fast average crosses above the slow one.',
    paramsSchema: {
      type: 'object',
      properties: {
        fast: { type: 'integer', minimum: 1, maximum: 1000, default: 5 },
        slow: { type: 'integer', minimum: 2, maximum: 1000, default: 30 },
      },
    },
    defaults: { fast: 5, slow: 30 },
    indicators: [],
  },
];

const OPTIONS: BacktestOptionsInfo = {
  riskSchema: { type: 'object', properties: {} },
  venueSchema: { type: 'object', properties: {} },
  syntheticSymbols: ['ACME', 'BOLT'],
  defaultSeed: 42,
};

const metrics = (sharpe: number, trades = 12): PerformanceMetrics =>
  ({
    totalReturn: sharpe / 10,
    cagr: sharpe / 20,
    annualVolatility: 0.1,
    sharpe,
    sortino: sharpe * 1.2,
    calmar: 1,
    maxDrawdown: 0.08,
    maxDrawdownDuration: 10,
    maxDrawdownDurationMs: null,
    winRate: 0.5,
    profitFactor: 1.2,
    averageWin: 100,
    averageLoss: -80,
    expectancy: 10,
    largestWin: 300,
    largestLoss: -200,
    longestWinStreak: 2,
    longestLossStreak: 2,
    recoveryFactor: 1,
    exposureTime: 0.3,
    trades,
    fees: 0,
    startEquity: 100_000,
    endEquity: 100_000 * (1 + sharpe / 10),
    periods: 500,
    periodsPerYear: 252,
  }) as PerformanceMetrics;

const BACKTEST: BacktestSummary = {
  id: 'bt-1',
  note: '',
  tags: [],
  pinned: false,
  name: 'sma-crossover on ACME (1D)',
  status: 'done',
  createdAt: 1,
  finishedAt: 2,
  durationMs: 1,
  data: { source: 'synthetic', symbols: ['ACME'], timeframe: '1D', bars: 756, seed: 42 },
  strategyId: 'sma-crossover',
  metrics: metrics(1, 30),
  benchmarkMetrics: metrics(0.5),
  error: null,
};

const DATA: OptimizeResult['data'] = {
  source: 'synthetic',
  symbols: ['ACME'],
  timeframe: '1D',
  bars: 756,
  seed: 42,
};
const BASE_CONFIG = {
  cash: 100_000,
  strategy: { id: 'sma-crossover', params: {} },
  risk: {},
  venue: {},
  account: { type: 'cash' },
};

// A 2 × 3 grid over fast × slow; fast 10 / slow 40 is best; fast 5 / slow 20 has too few trades.
const cell = (
  index: number,
  fast: number,
  slow: number,
  sharpe: number,
  excluded: string | null = null,
): ResearchCell => ({
  index,
  params: { fast, slow },
  metrics: metrics(sharpe),
  finalEquity: 100_000 * (1 + sharpe / 10),
  objective: sharpe,
  excluded,
});
const OPTIMIZE: OptimizeResult = {
  kind: 'optimize',
  objective: 'sharpe',
  method: 'grid',
  parameters: ['fast', 'slow'],
  cells: [
    cell(0, 5, 20, 2.5, 'fewer than 5 trades'),
    cell(1, 5, 30, 0.4),
    cell(2, 5, 40, 0.6),
    cell(3, 10, 20, -0.3),
    cell(4, 10, 30, 0.9),
    cell(5, 10, 40, 1.7),
  ],
  best: 5,
  bestParams: { fast: 10, slow: 40 },
  data: DATA,
  notes: [],
};

const DAY = 86_400_000;
const WALK: WalkForwardResult = {
  kind: 'walk-forward',
  objective: 'sharpe',
  method: 'grid',
  windows: { unit: 'months', train: 12, test: 3, gap: 0, mode: 'rolling' },
  // Folds are numbered from 1, as the walk-forward writes them.
  folds: [0, 1, 2].map((fold) => ({
    fold: fold + 1,
    trainStart: fold * 63,
    trainEnd: fold * 63 + 252,
    testStart: fold * 63 + 252,
    testEnd: fold * 63 + 315,
    trainFrom: Date.UTC(2020, 0, 2) + fold * 91 * DAY,
    trainTo: Date.UTC(2020, 11, 31) + fold * 91 * DAY,
    testFrom: Date.UTC(2021, 0, 4) + fold * 91 * DAY,
    testTo: Date.UTC(2021, 2, 31) + fold * 91 * DAY,
    params: { fast: fold === 1 ? 5 : 10, slow: 30 },
    inSample: metrics(1.5),
    outOfSample: metrics(0.3),
    problem: null,
  })),
  oosEquity: { time: [1, 2, 3, 4], equity: [100_000, 101_000, 100_500, 102_000] },
  oosMetrics: metrics(0.3),
  efficiency: 0.31,
  warnings: ['walk-forward efficiency 0.31 is below 0.5: the in-sample results do not carry out of sample'],
  stability: [
    { name: 'fast', values: [10, 5, 10], changes: 2 },
    { name: 'slow', values: [30, 30, 30], changes: 0 },
  ],
  data: DATA,
  notes: [],
};

const percentiles = (base: number) => ({
  p5: base * 0.8,
  p25: base * 0.9,
  p50: base,
  p75: base * 1.1,
  p95: base * 1.2,
  mean: base,
});
const MONTE: MonteCarloResult = {
  kind: 'monte-carlo',
  settings: { runs: 10_000, method: 'shuffle', blockSize: 10, seed: 1, ruinLoss: 0.5 },
  trades: 40,
  startEquity: 100_000,
  actual: { finalEquity: 110_000, maxDrawdown: 0.07, path: [100_000, 103_000, 101_000, 107_000, 110_000] },
  bands: {
    step: [0, 10, 20, 30, 40],
    p5: [100_000, 97_000, 96_000, 95_000, 94_000],
    p25: [100_000, 99_000, 100_000, 101_000, 102_000],
    p50: [100_000, 102_000, 104_000, 106_000, 108_000],
    p75: [100_000, 104_000, 107_000, 110_000, 113_000],
    p95: [100_000, 106_000, 110_000, 115_000, 120_000],
  },
  finalEquity: percentiles(110_000),
  maxDrawdown: percentiles(0.1),
  ruinProbability: 0.032,
  notes: [],
};

const summary = (
  id: string,
  kind: ResearchSummary['kind'],
  status: ResearchSummary['status'],
): ResearchSummary => ({
  id,
  kind,
  name: `${kind} ${id}`,
  status,
  createdAt: Date.UTC(2026, 0, 5),
  finishedAt: status === 'running' ? null : Date.UTC(2026, 0, 5, 0, 1),
  durationMs: status === 'running' ? null : 60_000,
  headline: status === 'done' ? 'best fast 10 slow 40: Sharpe 1.70' : null,
  error: null,
});

const optimizeRequest: ResearchRequest = {
  kind: 'optimize',
  data: DATA,
  config: BASE_CONFIG,
  search: {
    method: 'grid',
    seed: 1,
    dimensions: [
      { kind: 'values', name: 'fast', values: [5, 10] },
      { kind: 'values', name: 'slow', values: [20, 30, 40] },
    ],
    objective: 'sharpe',
    minTrades: 5,
    constraints: [],
  },
};

const detail = (
  s: ResearchSummary,
  result: ResearchDetail['result'],
  request: ResearchRequest = optimizeRequest,
): ResearchDetail => ({ ...s, request, result });

interface Setup {
  readonly runs?: ResearchSummary[];
  readonly details?: Record<string, ResearchDetail>;
  /** research:run's answer; the default accepts with id rs-new. */
  readonly runAnswer?: () => ApiResult<unknown>;
}

async function renderView(setup: Setup = {}) {
  const runs = [...(setup.runs ?? [])];
  const handlers: Partial<Record<CallName, FakeHandler>> = {
    'strategy:list': () => STRATEGIES,
    'backtest:options': () => OPTIONS,
    'backtest:list': () => [BACKTEST],
    'session:list': () => [],
    'strategy:check': (arg) => {
      const { id, params } = arg as { id: string; params: Record<string, unknown> };
      return { problems: strategyParamProblems(id, params) };
    },
    'research:list': () => [...runs],
    'research:get': (arg) => {
      const found = setup.details?.[(arg as { id: string }).id];
      if (!found) throw new Error('no such research run');
      return found;
    },
    'research:cancel': () => ({ canceled: true }),
    'research:delete': (arg) => {
      const at = runs.findIndex((r) => r.id === (arg as { id: string }).id);
      if (at >= 0) runs.splice(at, 1);
      return { deleted: true };
    },
    'backtest:run': () => ({ runId: 'bt-opened' }),
    'backtest:get': () => {
      throw new Error('not needed');
    },
  };
  const fake = fakeApi(handlers);
  const call = fake.api.call.bind(fake.api);
  fake.api.call = ((name: CallName, arg: never) => {
    if (name !== 'research:run') return call(name, arg);
    fake.calls.push({ name, arg });
    return Promise.resolve(setup.runAnswer?.() ?? { ok: true, value: { id: 'rs-new' } });
  }) as typeof fake.api.call;
  const stores = createAppStores(fake.api);
  const off = stores.research.connect();
  render(
    <AppStoresProvider stores={stores}>
      <ResearchView />
    </AppStoresProvider>,
  );
  await act(flush);
  await act(flush);
  return { ...fake, stores, off };
}

const runCalls = (calls: { name: CallName; arg: unknown }[]) =>
  calls
    .filter((c) => c.name === 'research:run')
    .map((c) => (c.arg as { request: Record<string, unknown> }).request);
const change = (element: HTMLElement, value: string) => fireEvent.change(element, { target: { value } });
const button = (name: string | RegExp) => screen.getByRole('button', { name }) as HTMLButtonElement;

describe('the forms send the request the user means', () => {
  test('Optimise: the grid’s cell count follows the rows live, and Run sends data, config and the search', async () => {
    const { calls } = await renderView();
    // The strategy's two numeric parameters, searched around their defaults (fast 5, slow 30): 4 × 4.
    expect(screen.getByTestId('research-cells').textContent).toBe('16 cells');
    change(screen.getByLabelText('Fast period values'), '5,8,10,12');
    const slow = screen.getByTestId('search-row-slow');
    change(within(slow).getByLabelText('Slow period: values or range'), 'range');
    change(within(slow).getByLabelText('Slow period from'), '20');
    change(within(slow).getByLabelText('Slow period to'), '65');
    change(within(slow).getByLabelText('Slow period step'), '5');
    expect(screen.getByTestId('research-cells').textContent).toBe('40 cells');

    change(screen.getByLabelText('Objective'), 'sortino');
    change(screen.getByLabelText('Minimum trades'), '3');
    fireEvent.click(button('Add constraint'));
    const constraint = screen.getByTestId('constraint-row');
    change(within(constraint).getByLabelText('Constraint value'), '20');
    await act(flush);
    fireEvent.click(button('Run optimisation'));
    await act(flush);

    expect(runCalls(calls)).toEqual([
      {
        kind: 'optimize',
        data: DATA,
        config: BASE_CONFIG,
        search: {
          method: 'grid',
          dimensions: [
            { kind: 'values', name: 'fast', values: [5, 8, 10, 12] },
            { kind: 'range', name: 'slow', min: 20, max: 65, step: 5, integer: true },
          ],
          objective: 'sortino',
          minTrades: 3,
          // Max drawdown typed as 20 (%) is sent as the fraction main compares.
          constraints: [{ metric: 'maxDrawdown', op: '<=', value: 0.2 }],
        },
      },
    ]);
  });

  test('a bad value list blocks Run and says which parameter and which word', async () => {
    await renderView();
    change(screen.getByLabelText('Fast period values'), '5,x');
    expect(screen.getByTestId('research-cells').textContent?.trim()).toBe('');
    expect(screen.getByRole('alert').textContent).toBe('Fast period: x is not a number');
    expect(button('Run optimisation').disabled).toBe(true);
    expect(screen.getByTestId('submit-reason').textContent).toBe('Fast period: x is not a number');
  });

  test('random search sends its trials and seed; the count is the trials', async () => {
    const { calls } = await renderView();
    change(screen.getByLabelText('Method'), 'tpe');
    change(screen.getByLabelText('Trials'), '30');
    expect(screen.getByTestId('research-cells').textContent).toBe('30 cells');
    fireEvent.click(button('Run optimisation'));
    await act(flush);
    const search = runCalls(calls)[0]!['search'] as Record<string, unknown>;
    expect(search).toMatchObject({ method: 'tpe', trials: 30, seed: 1 });
  });

  test('Walk-forward adds its windows (unit, train, test, gap, anchored)', async () => {
    const { calls } = await renderView();
    fireEvent.click(screen.getByRole('tab', { name: 'Walk-forward' }));
    expect(screen.getByTestId('research-cells').textContent).toBe('16 cells per fold');
    change(screen.getByLabelText('Unit'), 'bars');
    change(screen.getByLabelText('Train'), '250');
    change(screen.getByLabelText('Test'), '60');
    change(screen.getByLabelText('Gap'), '5');
    change(screen.getByLabelText('Windows'), 'anchored');
    fireEvent.click(button('Run walk-forward'));
    await act(flush);
    const [request] = runCalls(calls);
    expect(request).toMatchObject({
      kind: 'walk-forward',
      data: DATA,
      config: BASE_CONFIG,
      windows: { unit: 'bars', train: 250, test: 60, gap: 5, mode: 'anchored' },
    });
    expect((request!['search'] as { dimensions: unknown[] }).dimensions).toHaveLength(2);
  });

  test('Monte Carlo resamples a finished backtest with its runs, method, block size, seed and ruin loss', async () => {
    const { calls } = await renderView();
    fireEvent.click(screen.getByRole('tab', { name: 'Monte Carlo' }));
    expect((screen.getByLabelText('Backtest') as HTMLSelectElement).value).toBe('bt-1');
    change(screen.getByLabelText('Runs'), '2000');
    change(screen.getByLabelText('Method'), 'block');
    change(screen.getByLabelText('Block size'), '20');
    change(screen.getByLabelText('Seed'), '7');
    change(screen.getByLabelText('Ruin at a loss of'), '30');
    fireEvent.click(button('Run Monte Carlo'));
    await act(flush);
    expect(runCalls(calls)).toEqual([
      {
        kind: 'monte-carlo',
        source: { kind: 'backtest', runId: 'bt-1' },
        settings: { runs: 2000, method: 'block', blockSize: 20, seed: 7, ruinLoss: 0.3 },
      },
    ]);
  });

  test('main’s refusal lands beside the fields it names (a search row by index, the starting cash, a window)', async () => {
    await renderView({
      runAnswer: () => ({
        ok: false,
        error: {
          code: 'bad-request',
          message: 'The research request was refused',
          fields: [
            { path: 'request.search.dimensions.1', message: 'slow has no value above fast' },
            { path: 'request.config.cash', message: 'must be at most 1000000000' },
            { path: 'request.windows.train', message: 'the train window is longer than the data' },
            // As the research service names a refusal of the windows as a whole (no `request.` prefix).
            { path: 'windows', message: 'a train window of 250 bars and a test window of 60 need 310 bars' },
          ],
        },
      }),
    });
    fireEvent.click(screen.getByRole('tab', { name: 'Walk-forward' }));
    fireEvent.click(button('Run walk-forward'));
    await act(flush);
    expect(screen.getByTestId('research-run-error').textContent).toBe('The research request was refused');
    expect(within(screen.getByTestId('search-row-slow')).getByRole('alert').textContent).toBe(
      'Slow period: slow has no value above fast',
    );
    expect(screen.getByText('Starting cash: must be at most 1000000000')).toBeTruthy();
    expect(screen.getByText('Train: the train window is longer than the data')).toBeTruthy();
    expect(screen.getByText('a train window of 250 bars and a test window of 60 need 310 bars')).toBeTruthy();
  });
});

describe('a running run', () => {
  test('shows done/total, the ETA and Cancel from the push; the list row follows; the result loads when done', async () => {
    const running = summary('rs-run1', 'optimize', 'running');
    const details: Record<string, ResearchDetail> = { 'rs-run1': detail(running, null) };
    const { emit, calls } = await renderView({ runs: [running], details });
    fireEvent.click(screen.getByText('optimize rs-run1'));
    await act(flush);
    expect(screen.getByTestId('research-progress')).toBeTruthy();
    expect(screen.getByTestId('research-eta').textContent).toBe('estimating time left…');

    act(() =>
      emit('research-progress', [
        { id: 'rs-run1', kind: 'optimize', status: 'running', done: 3, total: 10, etaMs: 65_000 },
      ]),
    );
    expect(screen.getByTestId('research-progress').textContent).toContain('3 of 10 done (30%)');
    expect(screen.getByTestId('research-eta').textContent).toBe('about 1m left');
    const list = screen.getByRole('table', { name: 'Research runs' });
    expect(within(list).getByText('running 30%')).toBeTruthy();

    fireEvent.click(within(screen.getByTestId('research-progress')).getByRole('button', { name: 'Cancel' }));
    await act(flush);
    expect(calls.filter((c) => c.name === 'research:cancel').map((c) => c.arg)).toEqual([{ id: 'rs-run1' }]);

    // It finishes: the list is fetched again and the run's result replaces the bar.
    const done = { ...running, status: 'done' as const, headline: 'best fast 10 slow 40: Sharpe 1.70' };
    details['rs-run1'] = detail(done, OPTIMIZE);
    act(() =>
      emit('research-progress', [
        { id: 'rs-run1', kind: 'optimize', status: 'done', done: 10, total: 10, etaMs: 0 },
      ]),
    );
    await act(flush);
    await act(flush);
    expect(screen.queryByTestId('research-progress')).toBeNull();
    expect(screen.getByTestId('optimize-results')).toBeTruthy();
  });
});

describe('results', () => {
  async function openOptimize() {
    const done = summary('rs-opt', 'optimize', 'done');
    const view = await renderView({ runs: [done], details: { 'rs-opt': detail(done, OPTIMIZE) } });
    fireEvent.click(screen.getByText('optimize rs-opt'));
    await act(flush);
    return view;
  }
  const cellsTable = () => screen.getByRole('table', { name: 'Cells' });
  const selectedRow = () => cellsTable().querySelector('tr.mb-selected');

  test('optimise: every cell in the table, best row marked and selected, the top cells without the excluded', async () => {
    await openOptimize();
    const rows = within(cellsTable()).getAllByRole('row');
    expect(rows).toHaveLength(1 + OPTIMIZE.cells.length);
    // Sorted by the objective, best first; the excluded cell (2.5, too few trades) sorts above it but is not best.
    expect(selectedRow()?.textContent).toContain('★ best');
    expect(selectedRow()?.textContent).toContain('1.70');
    const excluded = rows.find((r) => r.textContent?.includes('fewer than 5 trades'));
    expect(excluded?.textContent).not.toContain('★');
    const best = within(screen.getByTestId('best-cells')).getAllByRole('listitem');
    expect(best.map((li) => li.textContent?.split(' Sharpe')[0])).toEqual([
      'fast 10 · slow 40',
      'fast 10 · slow 30',
      'fast 5 · slow 40',
      'fast 5 · slow 30',
      'fast 10 · slow 20',
    ]);
  });

  test('a click on a heat map square selects its cell in the table; hovering shows its figures', async () => {
    await openOptimize();
    const canvas = screen.getByTestId('heat-map');
    expect(canvas.getAttribute('aria-label')).toBe('Heat map of Sharpe by fast and slow');
    // fast 5 (column 0) × slow 30 (row 1): cell 1, Sharpe 0.40.
    const layout = heatLayout(HEAT_DEFAULT_SIZE.width, HEAT_DEFAULT_SIZE.height, 2, 3);
    const { x, y } = cellCentre(layout, 1, 0);
    fireEvent.mouseMove(canvas, { clientX: x, clientY: y });
    expect(screen.getByRole('tooltip').textContent).toContain('fast 5 · slow 30');
    expect(screen.getByRole('tooltip').textContent).toContain('Sharpe 0.40');
    fireEvent.click(canvas, { clientX: x, clientY: y });
    expect(selectedRow()?.textContent).toContain('0.40');
    expect(screen.getByText('fast 5 · slow 30', { selector: 'strong' })).toBeTruthy();
  });

  test('Open as backtest runs the best cell on the same data and config, then shows it in Backtests', async () => {
    const { calls, stores } = await openOptimize();
    fireEvent.click(button('Open as backtest'));
    await act(flush);
    const sent = calls.filter((c) => c.name === 'backtest:run').map((c) => c.arg);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      data: DATA,
      config: { ...BASE_CONFIG, strategy: { id: 'sma-crossover', params: { fast: 10, slow: 40 } } },
    });
    expect(stores.workspace.getState().view).toBe('backtests');
    expect(stores.backtests.getState().selectedId).toBe('bt-opened');
  });

  test('Use in a session hands the strategy and cell over; the New session form opens with them', async () => {
    const { stores, api } = await openOptimize();
    fireEvent.click(button('Use in a session'));
    expect(stores.workspace.getState().view).toBe('sessions');
    expect(stores.workspace.getState().sessionDraft).toMatchObject({
      cash: 100_000,
      strategy: { id: 'sma-crossover', params: { fast: 10, slow: 40 } },
      symbols: ['ACME'],
      timeframe: '1D',
    });
    cleanup();
    await renderSessionForm(stores, api);
    expect((screen.getByLabelText('Fast period') as HTMLInputElement).value).toBe('10');
    expect((screen.getByLabelText('Slow period') as HTMLInputElement).value).toBe('40');
    expect(stores.workspace.getState().sessionDraft).toBeNull();
  });

  test('walk-forward: folds with dates, chosen parameters and IS/OOS figures, the efficiency warning, stability', async () => {
    const done = summary('rs-wf', 'walk-forward', 'done');
    await renderView({ runs: [done], details: { 'rs-wf': detail(done, WALK) } });
    fireEvent.click(screen.getByText('walk-forward rs-wf'));
    await act(flush);
    const folds = within(screen.getByRole('table', { name: 'Folds' })).getAllByRole('row');
    expect(folds).toHaveLength(4);
    expect(folds[1]!.textContent).toMatch(/^1\s*2020-01-02 → 2020-12-31/);
    expect(folds[2]!.textContent).toContain('fast 5 · slow 30');
    expect(screen.getByTestId('wf-efficiency').textContent).toBe('0.31');
    expect(screen.getByTestId('wf-warning').textContent).toContain('below 0.5');
    expect(screen.getByTestId('equity-chart').textContent).toBe('4 points');
    const stability = within(screen.getByRole('table', { name: 'Parameter stability' })).getAllByRole('row');
    expect(stability[0]!.textContent).toBe('ParameterFold 1Fold 2Fold 3Changes');
    expect(stability[1]!.textContent).toBe('fast105102 of 2');
  });

  test('monte carlo: the fan chart, percentiles of final equity and drawdown, ruin in words', async () => {
    const done = summary('rs-mc', 'monte-carlo', 'done');
    await renderView({ runs: [done], details: { 'rs-mc': detail(done, MONTE) } });
    fireEvent.click(screen.getByText('monte-carlo rs-mc'));
    await act(flush);
    expect(screen.getByTestId('fan-chart').getAttribute('aria-label')).toContain('fan chart');
    const median = within(screen.getByRole('table', { name: 'Percentiles' })).getByRole('row', {
      name: /Median/,
    });
    expect(median.textContent).toBe('Median$110,000.0010.00%');
    expect(screen.getByTestId('ruin-text').textContent).toBe(
      'In 3.2% of 10,000 runs the account lost 50% of its starting equity at some point.',
    );
  });

  test('Delete asks first, then removes the run', async () => {
    const done = summary('rs-opt', 'optimize', 'done');
    const { calls } = await renderView({ runs: [done], details: {} });
    fireEvent.click(
      within(screen.getByRole('table', { name: 'Research runs' })).getByRole('button', { name: 'Delete' }),
    );
    expect(calls.some((c) => c.name === 'research:delete')).toBe(false);
    fireEvent.click(button('Delete the run'));
    await act(flush);
    expect(calls.filter((c) => c.name === 'research:delete').map((c) => c.arg)).toEqual([{ id: 'rs-opt' }]);
    expect(screen.queryByText('optimize rs-opt')).toBeNull();
  });
});

async function renderSessionForm(stores: AppStores, _api: unknown) {
  await stores.sessions.getState().load();
  render(
    <AppStoresProvider stores={stores}>
      <NewSessionForm />
    </AppStoresProvider>,
  );
  await act(flush);
}
