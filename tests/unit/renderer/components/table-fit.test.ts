// Tables never cut a number: each column is at least as wide as its widest cell, less important columns give way
// when the table is narrow, and what still does not fit scrolls sideways (the table's minimum width).
import { describe, expect, test } from 'vitest';
import {
  type Column,
  fittedTrack,
  longestTexts,
  minimumWidth,
  mustFit,
  trackFloor,
  visibleColumns,
} from '../../../../src/renderer/src/components/table/table-model';
import { tradeColumns } from '../../../../src/renderer/src/views/backtests/backtest-columns';
import { fillColumns } from '../../../../src/renderer/src/views/sessions/session-columns';

interface Row {
  readonly name: string;
  readonly price: number;
}
const columns: Column<Row>[] = [
  { id: 'name', header: 'Name', value: (r) => r.name },
  { id: 'price', header: 'Price', align: 'right', value: (r) => r.price, format: (v) => `$${v}` },
];

describe('columns size to their content', () => {
  test('the longest text of each column is found, in a long table too (first, last and an even sample)', () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => ({
      name: 'x',
      price: i === 49_999 ? 1234567.89 : 1,
    }));

    expect(longestTexts(rows, columns)).toEqual(['x', '$1234567.89']);
  });

  test('a live table that grows by a row formats only the new row, not every sampled one again', () => {
    let formatted = 0;
    const counted: Column<Row>[] = [
      { id: 'name', header: 'Name', value: (r) => r.name },
      {
        id: 'price',
        header: 'Price',
        value: (r) => r.price,
        format: (v) => {
          formatted++;
          return `$${v}`;
        },
      },
    ];
    const rows = Array.from({ length: 3_000 }, (_, i) => ({ name: 'x', price: i }));
    expect(longestTexts(rows, counted)[1]).toBe('$1000');
    expect(formatted).toBe(3_000);
    const grown = [...rows, { name: 'x', price: 123456 }];
    expect(longestTexts(grown, counted)[1]).toBe('$123456');
    expect(formatted).toBe(3_001);
  });

  test('a number column is never narrower than its widest cell; a text column may ellipsise past a limit', () => {
    expect(mustFit(columns[1]!, 'right')).toBe(true);
    expect(mustFit(columns[0]!, 'left')).toBe(false);
    expect(minimumWidth(412.2, true)).toBe(413);
    expect(minimumWidth(412.2, false)).toBeLessThan(412);
  });

  test('a declared width never makes a column narrower than its content', () => {
    // The fills' fee column was declared minmax(44px, 1fr): "$1,234.56" did not fit in 44 px.
    expect(fittedTrack(80, 44)).toBe('80px');
    expect(fittedTrack(80, 'minmax(44px, 1fr)')).toBe('minmax(80px, 1fr)');
    expect(fittedTrack(80, '2fr')).toBe('minmax(80px, 2fr)');
    expect(fittedTrack(80, undefined)).toBe('minmax(80px, 1fr)');
  });

  test('what a column takes from the room is its declared pixel width when wider than its content', () => {
    // The session list's venue column is declared 96 px: hiding decisions must count 96, not its 70 px of text.
    expect(trackFloor(70, 96)).toBe(96);
    expect(trackFloor(120, 96)).toBe(120);
    expect(trackFloor(70, '2fr')).toBe(70);
  });
});

describe('less important columns hide first at narrow widths', () => {
  test('the highest priority number gives way first, then the next; priority 1 never hides', () => {
    const minimums = [100, 100, 100, 100];
    const priorities = [1, 2, 3, 1];

    expect(visibleColumns(minimums, priorities, 400)).toEqual([true, true, true, true]);
    expect(visibleColumns(minimums, priorities, 350)).toEqual([true, true, false, true]);
    expect(visibleColumns(minimums, priorities, 250)).toEqual([true, false, false, true]);
    // Too narrow even for what must stay: nothing more hides, the table scrolls sideways.
    expect(visibleColumns(minimums, priorities, 120)).toEqual([true, false, false, true]);
    // The actions column's room counts.
    expect(visibleColumns(minimums, priorities, 400, 80)).toEqual([true, true, false, true]);
  });

  test('the tables that matter declare what gives way: fill prices, slippage, fees and trade P&L never do', () => {
    const priority = <R>(cols: readonly Column<R>[], id: string) =>
      cols.find((c) => c.id === id)?.priority ?? 1;
    for (const id of ['time', 'price', 'slippage', 'fee', 'qty'])
      expect(priority(fillColumns, id), id).toBe(1);
    expect(priority(fillColumns, 'decision')).toBeGreaterThan(1);
    for (const id of ['entry', 'exit', 'entryPrice', 'exitPrice', 'pnl'])
      expect(priority(tradeColumns, id), id).toBe(1);
    expect(priority(tradeColumns, 'reason')).toBeGreaterThan(1);
    // The fills' time column is left-aligned but a date: it must not be cut either.
    expect(fillColumns.find((c) => c.id === 'time')?.fit).toBe(true);
  });
});
