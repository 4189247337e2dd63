// @vitest-environment happy-dom
// The watchlist panel: prices and day changes as a trader reads them, and the order changed from the panel.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { ApiContext } from '../../../../src/renderer/src/api/context';
import { WatchlistPanel } from '../../../../src/renderer/src/components/symbols/WatchlistPanel';
import type { WatchItem } from '../../../../src/shared/domain/symbols';
import { fakeApi, flush } from '../fake-api';

afterEach(cleanup);

const item = (
  symbol: string,
  last: number | null,
  change: number | null,
  changePct: number | null,
): WatchItem => ({
  symbol,
  source: 'synthetic',
  name: `${symbol} Inc.`,
  last,
  change,
  changePct,
  time: last === null ? null : 1_700_000_000_000,
  problem: last === null ? 'waiting for the first bar' : null,
});

async function show(items: WatchItem[]) {
  let list = items;
  const fake = fakeApi({
    'watchlist:get': () => list,
    'watchlist:reorder': (arg) => {
      const order = (arg as { order: { symbol: string }[] }).order.map((o) => o.symbol);
      list = order.map((s) => list.find((w) => w.symbol === s)!);
      return list;
    },
  });
  render(
    <ApiContext.Provider value={fake.api}>
      <WatchlistPanel />
    </ApiContext.Provider>,
  );
  // The panel shows what its first poll answered: the header row and one row a symbol (on a loaded machine that can
  // take more than one turn of the event loop).
  await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(items.length + 1));
  return fake;
}

const cells = (symbol: string) => {
  const row = screen.getByRole('row', { name: new RegExp(`^${symbol}`) });
  return within(row)
    .getAllByRole('cell')
    .slice(0, 3)
    .map((c) => c.textContent);
};

describe('WatchlistPanel', () => {
  test('last price, day change and day % in the price’s own decimals, signed', async () => {
    await show([
      item('EMBR', 8.8, -0.62, -6.5789),
      item('PENY', 0.5123, 0.0123, 2.46),
      item('NEW', null, null, null),
    ]);
    // A 62-cent move on a $9 stock reads -0.62, not -0.6200.
    expect(cells('EMBR')).toEqual(['8.80', '-0.62', '-6.58%']);
    expect(cells('PENY')).toEqual(['0.5123', '+0.0123', '+2.46%']);
    expect(cells('NEW')).toEqual(['—', '—', '—']);
  });

  test('moving a symbol up sends the new order and shows it', async () => {
    const fake = await show([item('AAA', 10, 1, 11.1), item('BBB', 20, -1, -4.76)]);
    fireEvent.click(screen.getByRole('button', { name: 'Move BBB up' }));
    await waitFor(() => expect(fake.calls.some((c) => c.name === 'watchlist:reorder')).toBe(true));
    await flush();
    expect(fake.calls.find((c) => c.name === 'watchlist:reorder')?.arg).toEqual({
      order: [
        { source: 'synthetic', symbol: 'BBB' },
        { source: 'synthetic', symbol: 'AAA' },
      ],
    });
    await waitFor(() =>
      expect(screen.getAllByRole('row').map((r) => r.getAttribute('data-symbol'))).toEqual([
        null,
        'BBB',
        'AAA',
      ]),
    );
  });
});
