// @vitest-environment happy-dom
// The comparison panel with a fake API: it opens on the two newest finished runs, shows two to four runs' figures
// from backtest:compare with each one's difference from A, draws every curve, lists the setup differences, refuses
// a fifth run in words, and says why when it cannot compare.
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { AppStoresProvider } from '../../../src/renderer/src/stores/context';
import { type AppStores, createAppStores } from '../../../src/renderer/src/stores/index';
import { RunComparison } from '../../../src/renderer/src/views/backtests/RunComparison';
import type { BacktestComparison, BacktestSummary } from '../../../src/shared/domain/backtest';
import type { PerformanceMetrics } from '../../../src/shared/domain/metrics';
import { fakeApi, flush } from './fake-api';

// Charts need a canvas; here it is enough to see what the chart was given.
vi.mock('../../../src/renderer/src/components/chart/EquityChart', () => ({
  EquityChart: (props: {
    label: string;
    compare: readonly { label: string; values: Float64Array; color?: string }[];
    ariaLabel: string;
  }) => (
    <div data-testid="equity-chart" title={props.ariaLabel}>
      {props.label} vs {props.compare.map((c) => `${c.label}${c.color ? ` in ${c.color}` : ''}`).join(', ')} (
      {props.compare[0]?.values.length} points)
    </div>
  ),
}));

afterEach(cleanup);

const metrics = (totalReturn: number, endEquity: number): PerformanceMetrics =>
  ({
    totalReturn,
    cagr: totalReturn / 3,
    annualVolatility: 0.1,
    sharpe: 1,
    sortino: 1,
    calmar: 1,
    maxDrawdown: 0.05,
    maxDrawdownDuration: 10,
    maxDrawdownDurationMs: 10 * 86_400_000,
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
    trades: 12,
    fees: 0,
    startEquity: 100_000,
    endEquity,
    periods: 3,
    periodsPerYear: 252,
  }) as PerformanceMetrics;

const run = (id: string, createdAt: number, status: BacktestSummary['status'] = 'done'): BacktestSummary => ({
  id,
  note: '',
  tags: [],
  pinned: false,
  name: 'sma-crossover on ACME (1D)',
  status,
  createdAt,
  finishedAt: createdAt + 1000,
  durationMs: 1000,
  data: { source: 'synthetic', symbols: ['ACME'], timeframe: '1D', bars: 756, seed: 7 },
  strategyId: 'sma-crossover',
  metrics: status === 'done' ? metrics(0.1, 110_000) : null,
  benchmarkMetrics: null,
  error: null,
});

const T = Date.UTC(2025, 0, 6, 9, 30);

const RETURNS: Readonly<Record<string, number>> = { 'bt-a': 0.1, 'bt-b': 0.1234, 'bt-c': 0.05, 'bt-d': 0.1 };

function comparisonOf(runIds: readonly string[]): BacktestComparison {
  const compared = (id: string) => {
    const totalReturn = RETURNS[id] ?? 0.1;
    const end = 100_000 * (1 + totalReturn);
    return {
      id,
      name: id,
      createdAt: T,
      strategyId: 'sma-crossover',
      data: run(id, T).data,
      metrics: metrics(totalReturn, end),
      benchmarkMetrics: metrics(0.2, 120_000),
      equity: {
        time: [T, T + 86_400_000, T + 2 * 86_400_000],
        equity: [100_000, 101_000, end],
        drawdown: [0, 0, 0],
      },
    };
  };
  return {
    runs: runIds.map(compared),
    differences: [
      {
        section: 'strategy',
        path: 'strategy.params.fast',
        values: runIds.map((_, i) => ({ value: i === 1 ? 10 : 5 })),
      },
    ],
  };
}

/** The stores of the panel last rendered (each render gets its own). */
let stores: AppStores;

function setup(runs: BacktestSummary[], compare?: (arg: { runIds: string[] }) => unknown) {
  const fake = fakeApi({
    'backtest:compare': (arg) =>
      compare ? compare(arg as { runIds: string[] }) : comparisonOf((arg as { runIds: string[] }).runIds),
  });
  stores = createAppStores(fake.api);
  stores.backtests.setState({
    runs,
    compareIds: [],
    comparison: null,
    compareError: null,
    compareNotice: null,
  });
  render(
    <AppStoresProvider stores={stores}>
      <RunComparison />
    </AppStoresProvider>,
  );
  return fake;
}

const compareCalls = (fake: ReturnType<typeof fakeApi>) =>
  fake.calls.filter((c) => c.name === 'backtest:compare').map((c) => c.arg);
const cells = (row: HTMLElement) =>
  within(row)
    .getAllByRole('cell')
    .map((c) => c.textContent);

describe('RunComparison', () => {
  test('opens on the newest finished run (B) against the one before it (A); running runs are not offered', async () => {
    const fake = setup([run('bt-new', T + 3000, 'running'), run('bt-b', T + 2000), run('bt-a', T + 1000)]);
    await act(flush);

    expect(compareCalls(fake)).toEqual([{ runIds: ['bt-a', 'bt-b'] }]);
    const picked = screen.getAllByTestId('compare-pick').map((li) => li.textContent);
    expect(picked[0]).toMatch(/^A\s*sma-crossover on ACME \(1D\) · 2025-01-06 \d\d:30:01 · \+10\.00%/);
    expect(picked[1]).toMatch(/^B\s*sma-crossover on ACME \(1D\) · 2025-01-06 \d\d:30:02/);
  });

  test('a pinned older run heading the list does not change the opening pair: newest against the one before', async () => {
    const pinned = { ...run('bt-old', T + 1000), pinned: true };
    const fake = setup([pinned, run('bt-b', T + 3000), run('bt-a', T + 2000)]);
    await act(flush);

    expect(compareCalls(fake)).toEqual([{ runIds: ['bt-a', 'bt-b'] }]);
  });

  test('two runs: the figures of both with B − A, both curves on one chart, and the settings that differ', async () => {
    setup([run('bt-b', T + 2000), run('bt-a', T + 1000)]);
    await act(flush);

    const table = screen.getByRole('table', { name: 'Metrics of run A and run B' });
    const totalReturn = within(table).getByRole('row', { name: /Total return/ });
    expect(cells(totalReturn)).toEqual(['+10.00%', '+12.34%', '+2.34 pp']);
    expect(within(totalReturn).getAllByRole('cell')[2]!.className).toBe('bt-compare-diff mb-tone-up');
    const endEquity = within(table).getByRole('row', { name: /End equity/ });
    expect(cells(endEquity)).toEqual(['$110,000.00', '$112,340.00', '+$2,340.00']);
    expect(screen.getByTestId('equity-chart').textContent).toBe('A vs B (3 points)');
    const settings = screen.getByRole('table', { name: 'Settings that differ' });
    expect(cells(within(settings).getByRole('row', { name: /Fast/ }))).toEqual(['Strategy', '5', '10', '']);
  });

  test('four runs ticked: a column per run, B, C and D against A, a curve per run in its own colour', async () => {
    const fake = setup([
      run('bt-d', T + 4000),
      run('bt-c', T + 3000),
      run('bt-b', T + 2000),
      run('bt-a', T + 1000),
    ]);
    await act(flush);
    // Opened on C (A) and D (B); the user ticks two more in the list.
    await act(() => stores.backtests.getState().toggleCompare('bt-a'));
    await act(() => stores.backtests.getState().toggleCompare('bt-b'));

    expect(compareCalls(fake).at(-1)).toEqual({ runIds: ['bt-c', 'bt-d', 'bt-a', 'bt-b'] });
    const table = screen.getByRole('table', { name: 'Metrics of runs A, B, C and D' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['', 'A', 'B', 'C', 'D', 'B − A', 'C − A', 'D − A']);
    expect(cells(within(table).getByRole('row', { name: /Total return/ }))).toEqual([
      '+5.00%',
      '+10.00%',
      '+10.00%',
      '+12.34%',
      '+5.00 pp',
      '+5.00 pp',
      '+7.34 pp',
    ]);
    expect(screen.getByTestId('equity-chart').textContent).toBe(
      'A vs B, C in #b388ff, D in #4dd0e1 (3 points)',
    );
    const settings = screen.getByRole('table', { name: 'Settings that differ' });
    expect(cells(within(settings).getByRole('row', { name: /Fast/ }))).toEqual([
      'Strategy',
      '5',
      '10',
      '5',
      '5',
      '',
    ]);
  });

  test('a fifth run is refused in words and nothing changes; unticking one makes room', async () => {
    const fake = setup([
      run('bt-e', T + 5000),
      run('bt-d', T + 4000),
      run('bt-c', T + 3000),
      run('bt-b', T + 2000),
      run('bt-a', T + 1000),
    ]);
    await act(flush);
    await act(() => stores.backtests.getState().toggleCompare('bt-a'));
    await act(() => stores.backtests.getState().toggleCompare('bt-b'));
    const calls = compareCalls(fake).length;

    await act(() => stores.backtests.getState().toggleCompare('bt-c'));

    expect(screen.getByTestId('compare-notice').textContent).toBe(
      'sma-crossover on ACME (1D) was not added: at most 4 runs can be compared at once. Untick one first.',
    );
    expect(stores.backtests.getState().compareIds).toEqual(['bt-d', 'bt-e', 'bt-a', 'bt-b']);
    expect(compareCalls(fake)).toHaveLength(calls);

    act(() => screen.getByRole('button', { name: 'Remove run B from the comparison' }).click());
    await act(flush);
    await act(() => stores.backtests.getState().toggleCompare('bt-c'));

    expect(screen.queryByTestId('compare-notice')).toBeNull();
    expect(stores.backtests.getState().compareIds).toEqual(['bt-d', 'bt-a', 'bt-b', 'bt-c']);
  });

  test('Make A puts a run first: the others are measured against it', async () => {
    const fake = setup([run('bt-b', T + 2000), run('bt-a', T + 1000)]);
    await act(flush);

    act(() => screen.getByRole('button', { name: 'Make A' }).click());
    await act(flush);

    expect(compareCalls(fake).at(-1)).toEqual({ runIds: ['bt-b', 'bt-a'] });
    expect(cells(screen.getByRole('row', { name: /Total return/ }))).toEqual([
      '+12.34%',
      '+10.00%',
      '-2.34 pp',
    ]);
  });

  test('unticking down to one run asks for another rather than picking for the user', async () => {
    const fake = setup([run('bt-b', T + 2000), run('bt-a', T + 1000)]);
    await act(flush);

    act(() => screen.getByRole('button', { name: 'Remove run B from the comparison' }).click());
    await act(flush);
    act(() => screen.getByRole('button', { name: 'Remove run A from the comparison' }).click());
    await act(flush);

    expect(stores.backtests.getState().compareIds).toEqual([]);
    expect(compareCalls(fake)).toHaveLength(1);
    expect(screen.queryByRole('table')).toBeNull();
  });

  test('the same setup says so instead of an empty table', async () => {
    setup([run('bt-b', T + 2000), run('bt-a', T + 1000)], ({ runIds }) => ({
      ...comparisonOf(runIds),
      differences: [],
    }));
    await act(flush);

    expect(screen.getByTestId('compare-same-setup').textContent).toMatch(
      /differ in nothing but when they ran/,
    );
  });

  test('a refusal from main is shown in words where the comparison would be', async () => {
    setup([run('bt-b', T + 2000), run('bt-a', T + 1000)], () => {
      throw new Error('no backtest run bt-a');
    });
    await act(flush);

    expect(screen.getByRole('alert').textContent).toBe('no backtest run bt-a');
    expect(screen.queryByRole('table')).toBeNull();
  });

  test('fewer than two finished runs: it says what to do', () => {
    setup([run('bt-a', T)]);

    expect(screen.getByText(/Run at least two backtests/)).toBeTruthy();
  });
});
