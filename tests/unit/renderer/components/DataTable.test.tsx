// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatPnl } from '../../../../src/renderer/src/components/chart/format';
import { type Column, DataTable } from '../../../../src/renderer/src/components/table/DataTable';
import { viewIndexes, visibleWindow } from '../../../../src/renderer/src/components/table/table-model';

afterEach(cleanup);

interface OrderRow {
  readonly id: string;
  readonly symbol: string;
  readonly qty: number;
  readonly pnl: number | null;
  readonly status: 'open' | 'filled';
}

const SYMBOLS = ['MSFT', 'aapl', 'NVDA', 'amzn', 'TSLA'];

function makeRows(n: number): OrderRow[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `o${i}`,
    symbol: SYMBOLS[i % SYMBOLS.length]!,
    qty: (i * 7919) % 1000, // scrambled, with repeats
    pnl: i % 10 === 3 ? null : ((i * 104729) % 2001) - 1000,
    status: i % 3 === 0 ? 'filled' : 'open',
  }));
}

const columns: Column<OrderRow>[] = [
  { id: 'id', header: 'Order', value: (r) => r.id },
  { id: 'symbol', header: 'Symbol', value: (r) => r.symbol },
  { id: 'qty', header: 'Qty', value: (r) => r.qty },
  {
    id: 'pnl',
    header: 'P&L',
    value: (r) => r.pnl,
    format: (v) => formatPnl(v as number | null).text,
    tone: (r) => formatPnl(r.pnl).tone,
  },
];

function bodyRows(container: HTMLElement): HTMLElement[] {
  return Array.from(container.querySelectorAll<HTMLElement>('tbody tr'));
}

function cellTexts(container: HTMLElement, column: number): string[] {
  return bodyRows(container).map((row) => row.querySelectorAll('td')[column]!.textContent ?? '');
}

describe('DataTable', () => {
  it('renders only the visible window of 100,000 rows and follows the scroll', () => {
    const rows = makeRows(100_000);
    const { container } = render(
      <DataTable
        rows={rows}
        columns={columns}
        rowKey={(r) => r.id}
        label="Orders"
        height={300}
        rowHeight={25}
      />,
    );
    const rendered = bodyRows(container);
    expect(rendered.length).toBeGreaterThan(5);
    expect(rendered.length).toBeLessThan(50);
    expect(cellTexts(container, 0)[0]).toBe('o0');
    expect(screen.getByText('100,000 rows')).toBeTruthy();
    // The body is as tall as all rows, so the scrollbar is right.
    expect((container.querySelector('tbody') as HTMLElement).style.height).toBe(`${100_000 * 25}px`);
    expect(screen.getByRole('table', { name: 'Orders' }).getAttribute('aria-rowcount')).toBe('100001');

    const scroller = container.querySelector('.mb-table-scroll') as HTMLElement;
    act(() => {
      scroller.scrollTop = 50_000 * 25;
      fireEvent.scroll(scroller);
    });
    const ids = cellTexts(container, 0);
    expect(ids).toContain('o50000');
    expect(ids).not.toContain('o0');
    expect(bodyRows(container).length).toBeLessThan(50);
    const row = bodyRows(container).find((r) => r.textContent?.startsWith('o50000'))!;
    expect(row.style.transform).toBe(`translateY(${50_000 * 25}px)`);
  });

  it('sorts numbers numerically, asc then desc, stable, missing values last', () => {
    const rows = makeRows(40);
    const { container } = render(
      <DataTable rows={rows} columns={columns} rowKey={(r) => r.id} label="Orders" height={2000} />,
    );
    const qtyHeader = screen.getByRole('button', { name: /Qty/ });
    fireEvent.click(qtyHeader);
    expect(screen.getByRole('columnheader', { name: /Qty/ }).getAttribute('aria-sort')).toBe('ascending');
    const asc = cellTexts(container, 2).map(Number);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    expect(asc.length).toBe(40);
    // Stable: equal quantities keep their original order.
    const byQty = rows.map((r, i) => ({ q: r.qty, i })).sort((a, b) => a.q - b.q || a.i - b.i);
    expect(cellTexts(container, 0)).toEqual(byQty.map((x) => `o${x.i}`));

    fireEvent.click(qtyHeader);
    expect(screen.getByRole('columnheader', { name: /Qty/ }).getAttribute('aria-sort')).toBe('descending');
    const desc = cellTexts(container, 2).map(Number);
    expect(desc).toEqual([...asc].sort((a, b) => b - a));

    // P&L has nulls: last in both directions.
    const pnlHeader = screen.getByRole('button', { name: /P&L/ });
    fireEvent.click(pnlHeader);
    let pnl = cellTexts(container, 3);
    expect(pnl.slice(-4)).toEqual(['—', '—', '—', '—']);
    fireEvent.click(pnlHeader);
    pnl = cellTexts(container, 3);
    expect(pnl.slice(-4)).toEqual(['—', '—', '—', '—']);
    const values = rows.filter((r) => r.pnl !== null).map((r) => r.pnl!);
    expect(pnl[0]).toBe(formatPnl(Math.max(...values)).text);
    // Tone classes on P&L cells.
    const first = bodyRows(container)[0]!.querySelectorAll('td')[3]!;
    expect(first.className).toContain(Math.max(...values) > 0 ? 'mb-tone-up' : 'mb-tone-down');
    expect(first.className).toContain('mb-align-right');
  });

  it('sorts text case-insensitively, asc and desc, with the keyboard-reachable header button', () => {
    const rows = makeRows(10);
    const { container } = render(
      <DataTable rows={rows} columns={columns} rowKey={(r) => r.id} label="Orders" height={1000} />,
    );
    const symbolHeader = screen.getByRole('button', { name: /Symbol/ });
    expect(symbolHeader.tagName).toBe('BUTTON');
    fireEvent.click(symbolHeader);
    expect([...new Set(cellTexts(container, 1))]).toEqual(['aapl', 'amzn', 'MSFT', 'NVDA', 'TSLA']);
    fireEvent.click(symbolHeader);
    expect([...new Set(cellTexts(container, 1))]).toEqual(['TSLA', 'NVDA', 'MSFT', 'amzn', 'aapl']);
  });

  it('filters case-insensitively over formatted cells', () => {
    const rows = makeRows(1000);
    const { container } = render(
      <DataTable rows={rows} columns={columns} rowKey={(r) => r.id} label="Orders" height={30_000} />,
    );
    const filter = screen.getByLabelText('Filter Orders');
    fireEvent.change(filter, { target: { value: 'nvda' } });
    expect(new Set(cellTexts(container, 1))).toEqual(new Set(['NVDA']));
    expect(bodyRows(container)).toHaveLength(200);
    expect(screen.getByText('200 of 1,000 rows')).toBeTruthy();
    // Formatted text matches: "+$" appears only in positive formatted P&L cells.
    fireEvent.change(filter, { target: { value: '+$' } });
    const positives = rows.filter((r) => r.pnl !== null && r.pnl > 0).length;
    expect(bodyRows(container)).toHaveLength(positives);
    fireEvent.change(filter, { target: { value: 'zzz' } });
    expect(bodyRows(container)).toHaveLength(0);
    expect(screen.getByRole('status').textContent).toBe('No rows match “zzz”');
  });

  it('shows the empty state', () => {
    render(
      <DataTable
        rows={[]}
        columns={columns}
        rowKey={(r) => r.id}
        label="Orders"
        emptyText="No open orders"
      />,
    );
    expect(screen.getByRole('status').textContent).toBe('No open orders');
    expect(screen.getByText('0 rows')).toBeTruthy();
  });

  it('calls the row action with its row, hidden where it does not apply', () => {
    const rows = makeRows(6);
    const onCancel = vi.fn();
    const onRowClick = vi.fn();
    render(
      <DataTable
        rows={rows}
        columns={columns}
        rowKey={(r) => r.id}
        label="Orders"
        height={500}
        onRowClick={onRowClick}
        actions={[
          {
            id: 'cancel',
            label: 'Cancel',
            tone: 'danger',
            onAction: onCancel,
            hidden: (r) => r.status === 'filled',
          },
        ]}
      />,
    );
    const buttons = screen.getAllByRole('button', { name: 'Cancel' });
    expect(buttons).toHaveLength(rows.filter((r) => r.status === 'open').length);
    const row = screen.getByText('o2').closest('tr')!;
    fireEvent.click(within(row).getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledWith(rows[2]);
    expect(onRowClick).not.toHaveBeenCalled(); // the action does not also click the row
    fireEvent.click(screen.getByText('o1'));
    expect(onRowClick).toHaveBeenCalledWith(rows[1]);
  });
});

describe('table model', () => {
  it('computes the visible window with overscan, clamped', () => {
    expect(visibleWindow(0, 100, 25, 1000, 2)).toEqual({ start: 0, end: 7 });
    expect(visibleWindow(2500, 100, 25, 1000, 2)).toEqual({ start: 98, end: 107 });
    expect(visibleWindow(1e9, 100, 25, 1000, 2)).toEqual({ start: 1000, end: 1000 });
    expect(visibleWindow(0, 100, 25, 3, 2)).toEqual({ start: 0, end: 3 });
  });

  it('sorts and filters 100,000 rows', () => {
    const rows = makeRows(100_000);
    const sorted = viewIndexes(rows, columns, { column: 'pnl', direction: 'desc' }, '')!;
    expect(sorted).toHaveLength(100_000);
    expect(rows[sorted[0]!]!.pnl).toBe(1000);
    const filtered = viewIndexes(rows, columns, null, 'msft')!;
    expect(filtered).toHaveLength(20_000);
  });

  it('returns no index array when neither sorting nor filtering', () => {
    expect(viewIndexes(makeRows(5), columns, null, '  ')).toBeNull();
  });
});
