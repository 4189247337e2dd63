// @vitest-environment happy-dom
// The comparison panel with a fake API: it picks the two newest finished runs, shows their figures from
// backtest:compare with B − A, draws both curves, lists the setup differences, and says why when it cannot compare.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
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
    compare: { label: string; values: Float64Array };
    ariaLabel: string;
  }) => (
    <div data-testid="equity-chart" title={props.ariaLabel}>
      {props.label} vs {props.compare.label} ({props.compare.values.length} points)
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

function comparisonOf(a: string, b: string): BacktestComparison {
  const compared = (id: string, totalReturn: number, end: number) => ({
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
  });
  return {
    a: compared(a, 0.1, 110_000),
    b: compared(b, 0.1234, 112_340),
    differences: [{ section: 'strategy', path: 'strategy.params.fast', a: 5, b: 10 }],
  };
}

/** The stores of the panel last rendered (each render gets its own). */
let stores: AppStores;

function setup(runs: BacktestSummary[], compare?: (arg: { a: string; b: string }) => unknown) {
  const fake = fakeApi({
    'backtest:compare': (arg) =>
      compare
        ? compare(arg as { a: string; b: string })
        : comparisonOf((arg as { a: string }).a, (arg as { b: string }).b),
  });
  stores = createAppStores(fake.api);
  stores.backtests.setState({ runs, compareIds: { a: null, b: null }, comparison: null, compareError: null });
  render(
    <AppStoresProvider stores={stores}>
      <RunComparison />
    </AppStoresProvider>,
  );
  return fake;
}

describe('RunComparison', () => {
  test('opens on the newest finished run (B) against the one before it (A); running runs are not offered', async () => {
    const fake = setup([run('bt-new', T + 3000, 'running'), run('bt-b', T + 2000), run('bt-a', T + 1000)]);
    await act(flush);

    expect(fake.calls.filter((c) => c.name === 'backtest:compare').map((c) => c.arg)).toEqual([
      { a: 'bt-a', b: 'bt-b' },
    ]);
    const pickA = screen.getByLabelText('Run A') as HTMLSelectElement;
    expect(Array.from(pickA.options, (o) => o.value)).toEqual(['', 'bt-b', 'bt-a']);
    expect(pickA.value).toBe('bt-a');
    expect(pickA.selectedOptions[0]!.textContent).toMatch(
      /^sma-crossover on ACME \(1D\) · 2025-01-06 \d\d:30:01 · \+10\.00%$/,
    );
  });

  test('a pinned older run heading the list does not change the opening pair: newest against the one before', async () => {
    const pinned = { ...run('bt-old', T + 1000), pinned: true };
    const fake = setup([pinned, run('bt-b', T + 3000), run('bt-a', T + 2000)]);
    await act(flush);

    expect(fake.calls.filter((c) => c.name === 'backtest:compare').map((c) => c.arg)).toEqual([
      { a: 'bt-a', b: 'bt-b' },
    ]);
  });

  test('the figures of both runs with B − A, both curves on one chart, and the settings that differ', async () => {
    setup([run('bt-b', T + 2000), run('bt-a', T + 1000)]);
    await act(flush);

    const table = screen.getByRole('table', { name: 'Metrics of run A and run B' });
    const totalReturn = within(table).getByRole('row', { name: /Total return/ });
    expect(
      within(totalReturn)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['+10.00%', '+12.34%', '+2.34 pp']);
    expect(within(totalReturn).getAllByRole('cell')[2]!.className).toBe('mb-tone-up');
    const endEquity = within(table).getByRole('row', { name: /End equity/ });
    expect(
      within(endEquity)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['$110,000.00', '$112,340.00', '+$2,340.00']);
    expect(screen.getByTestId('equity-chart').textContent).toBe('A vs B (3 points)');
    const settings = screen.getByRole('table', { name: 'Settings that differ' });
    const fast = within(settings).getByRole('row', { name: /Fast/ });
    expect(
      within(fast)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['Strategy', '5', '10', '']);
  });

  test('Swap exchanges A and B; a new pick loads a new comparison', async () => {
    const fake = setup([run('bt-c', T + 3000), run('bt-b', T + 2000), run('bt-a', T + 1000)]);
    await act(flush);

    act(() => screen.getByRole('button', { name: /Swap A and B/ }).click());
    await act(flush);
    fireEvent.change(screen.getByLabelText('Run A'), { target: { value: 'bt-a' } });
    await act(flush);

    expect(fake.calls.filter((c) => c.name === 'backtest:compare').map((c) => c.arg)).toEqual([
      { a: 'bt-b', b: 'bt-c' },
      { a: 'bt-c', b: 'bt-b' },
      { a: 'bt-a', b: 'bt-b' },
    ]);
    expect(stores.backtests.getState().compareIds).toEqual({ a: 'bt-a', b: 'bt-b' });
  });

  test('the same setup says so instead of an empty table', async () => {
    setup([run('bt-b', T + 2000), run('bt-a', T + 1000)], ({ a, b }) => ({
      ...comparisonOf(a, b),
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
