// @vitest-environment happy-dom
// The P&L-by-period section with a fake API: it reads the run's periods, shows days for a short run and months for a
// long one, switches period, colours each cell by sign and size, and lists the same periods in its table.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { ApiContext } from '../../../../src/renderer/src/api/context';
import { PnlByPeriod, type PnlSource } from '../../../../src/renderer/src/components/pnl/PnlByPeriod';
import { heatGrid } from '../../../../src/renderer/src/components/pnl/pnl-heatmap';
import type { PnlByPeriod as Periods, PnlPeriodRow } from '../../../../src/shared/domain/research';
import { fakeApi, flush } from '../fake-api';

afterEach(cleanup);

const DAY = 86_400_000;
const row = (label: string, start: number, pnl: number, trades = 0, wins = 0): PnlPeriodRow => ({
  start,
  label,
  pnl,
  returnPct: pnl / 10_000,
  trades,
  wins,
});

// Fri 2024-12-27, Mon 2024-12-30, Tue 2024-12-31, Thu 2025-01-02
const days = [
  row('2024-12-27', Date.UTC(2024, 11, 27), 100),
  row('2024-12-30', Date.UTC(2024, 11, 30), -50, 1, 0),
  row('2024-12-31', Date.UTC(2024, 11, 31), 400, 1, 1),
  row('2025-01-02', Date.UTC(2025, 0, 2), 0),
];
const periods: Periods = {
  day: days,
  week: [row('2024-W52', Date.UTC(2024, 11, 23), 100), row('2025-W01', Date.UTC(2024, 11, 30), 350, 2, 1)],
  month: [row('2024-12', Date.UTC(2024, 11, 1), 450, 2, 1), row('2025-01', Date.UTC(2025, 0, 1), 0)],
  year: [row('2024', Date.UTC(2024, 0, 1), 450, 2, 1), row('2025', Date.UTC(2025, 0, 1), 0)],
};

async function show(source: PnlSource, answer: Periods | Error = periods) {
  const fake = fakeApi({
    'backtest:periods': () => {
      if (answer instanceof Error) throw answer;
      return answer;
    },
    'session:periods': () => answer,
  });
  render(
    <ApiContext.Provider value={fake.api}>
      <PnlByPeriod source={source} />
    </ApiContext.Provider>,
  );
  await act(flush);
  return fake;
}

describe('PnlByPeriod', () => {
  test('reads the backtest run’s periods and shows its days (a short run) as cells and table rows', async () => {
    const fake = await show({ kind: 'backtest', runId: 'bt-1' });
    expect(fake.calls).toEqual([{ name: 'backtest:periods', arg: { runId: 'bt-1' } }]);
    expect(screen.getByRole('button', { name: 'Day' }).getAttribute('aria-pressed')).toBe('true');
    const cells = screen.getAllByTestId('pnl-cell');
    expect(cells.map((c) => c.className)).toEqual([
      'pnl-cell pnl-up',
      'pnl-cell pnl-down',
      'pnl-cell pnl-up',
      'pnl-cell pnl-flat',
    ]);
    // The biggest day is full strength; a day an eighth its size about a third (square root scale).
    expect(cells[2]!.style.getPropertyValue('--pnl-strength')).toBe('100%');
    expect(cells[1]!.style.getPropertyValue('--pnl-strength')).toBe(
      `${Math.round(15 + 85 * Math.sqrt(50 / 400))}%`,
    );
    expect(cells[1]!.getAttribute('title')).toBe('2024-12-30: -$50.00 (-0.50%), 1 trade, 0 won');
    const table = screen.getByRole('table', { name: 'P&L by day' });
    expect(within(table).getByText('2024-12-31')).toBeTruthy();
    expect(within(table).getByText('+$400.00')).toBeTruthy();
  });

  test('switches to months: a year per row, a month per column, the return in the cell', async () => {
    await show({ kind: 'session', sessionId: 's-1' });
    fireEvent.click(screen.getByRole('button', { name: 'Month' }));
    const cells = screen.getAllByTestId('pnl-cell');
    expect(cells.map((c) => c.textContent)).toEqual(['+4.5%', '0.0%']);
    expect(cells[0]!.style.gridColumn).toBe(String(11 + 2));
    expect(screen.getByRole('table', { name: 'P&L by month' })).toBeTruthy();
    expect(screen.getByText('Dec')).toBeTruthy();
  });

  test('a long run opens on months; an error is shown in words', async () => {
    const long = {
      ...periods,
      day: Array.from({ length: 40 }, (_, k) => row(`d${k}`, Date.UTC(2024, 0, 1) + k * DAY, 1)),
    };
    await show({ kind: 'backtest', runId: 'bt-2' }, long);
    expect(screen.getByRole('button', { name: 'Month' }).getAttribute('aria-pressed')).toBe('true');
    cleanup();
    await show({ kind: 'backtest', runId: 'bt-3' }, new Error('no backtest run bt-3'));
    expect(screen.getByRole('alert').textContent).toBe('no backtest run bt-3');
  });
});

describe('heatGrid', () => {
  test('days: a column per week from the first Monday, a row per weekday (Mon–Fri without weekend data)', () => {
    const grid = heatGrid('day', days);
    expect(grid.rowLabels).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']);
    expect(grid.cells.map((c) => [c.period.label, c.row, c.column])).toEqual([
      ['2024-12-27', 4, 0],
      ['2024-12-30', 0, 1],
      ['2024-12-31', 1, 1],
      ['2025-01-02', 3, 1],
    ]);
    expect(grid.columnLabels).toEqual(['Dec', 'Jan']);
    const crypto = heatGrid('day', [row('2024-12-28', Date.UTC(2024, 11, 28), 5)]);
    expect(crypto.rowLabels).toHaveLength(7);
    expect(crypto.cells[0]!.row).toBe(5);
  });

  test('weeks by ISO year and week number; years in one row', () => {
    const weeks = heatGrid('week', periods.week);
    expect(weeks.rowLabels).toEqual(['2024', '2025']);
    expect(weeks.cells.map((c) => [c.row, c.column])).toEqual([
      [0, 51],
      [1, 0],
    ]);
    expect(heatGrid('year', periods.year).columnLabels).toEqual(['2024', '2025']);
  });
});
