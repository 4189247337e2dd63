// A run's chart bars load newest first, then older pages, joined into one set of columns.
import { describe, expect, test } from 'vitest';
import { createBacktestStore } from '../../../src/renderer/src/stores/backtest-store';
import { FIRST_PAGE_BARS, HISTORY_PAGE_BARS, joinPages } from '../../../src/renderer/src/stores/bar-pages';
import type { CallName } from '../../../src/shared/api/names';
import type { BacktestBars, BacktestSummary } from '../../../src/shared/domain/backtest';
import { fillsToColumns, tradesToColumns } from '../../../src/shared/domain/trade-columns';
import { type FakeHandler, fakeApi } from './fake-api';

/** Bars [start, end) of a series whose bar i has time i·60 000, close 100 + i, and an SMA that warms up for 5 bars. */
function page(start: number, end: number, total: number): BacktestBars {
  const column = (f: (i: number) => number) =>
    Float64Array.from({ length: end - start }, (_, k) => f(start + k));
  return {
    symbol: 'ACME',
    timeframe: '1m',
    start,
    total,
    length: end - start,
    time: column((i) => i * 60_000),
    open: column((i) => 100 + i),
    high: column((i) => 101 + i),
    low: column((i) => 99 + i),
    close: column((i) => 100 + i),
    volume: column(() => 10),
    indicators: [
      {
        id: 'sma-5',
        label: 'SMA 5',
        kind: 'sma',
        pane: 'price',
        levels: [],
        lines: [{ name: 'SMA 5', style: 'line', values: column((i) => (i < 4 ? Number.NaN : 98 + i)) }],
      },
    ],
  };
}

describe('joining pages of bars', () => {
  test('pages in any order become one contiguous set, indicators and warm-up gaps included', () => {
    const joined = joinPages([page(6, 10, 10), page(0, 3, 10), page(3, 6, 10)]);
    expect(joined.start).toBe(0);
    expect(joined.length).toBe(10);
    expect(joined.total).toBe(10);
    expect(Array.from(joined.close)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    expect(Array.from(joined.time)).toEqual(Array.from({ length: 10 }, (_, i) => i * 60_000));
    const sma = Array.from(joined.indicators[0]!.lines[0]!.values);
    expect(sma.slice(0, 4).every(Number.isNaN)).toBe(true);
    expect(sma.slice(4)).toEqual([102, 103, 104, 105, 106, 107]);
  });

  test('pages with a gap between them are refused, saying where', () => {
    expect(() => joinPages([page(0, 3, 10), page(4, 10, 10)])).toThrow(
      'pages of ACME bars do not meet: one ends at 3, the next starts at 4',
    );
    expect(() => joinPages([])).toThrow('no pages of bars to join');
  });
});

describe('the backtest store loads a chart newest first', () => {
  const total = FIRST_PAGE_BARS + HISTORY_PAGE_BARS + 1_234;
  const summary = {
    id: 'bt-1',
    name: 'Run',
    status: 'done',
    data: { source: 'synthetic', symbols: ['ACME'], timeframe: '1m', bars: total, seed: 1 },
  } as unknown as BacktestSummary;

  /** A backtest store bound to a fake answering `handlers`, holding the one run. */
  const storeWith = (handlers: Partial<Record<CallName, FakeHandler>>) => {
    const fake = fakeApi(handlers);
    const store = createBacktestStore(fake.api);
    store.setState({
      runs: [summary],
      selectedId: null,
      detail: null,
      bars: null,
      chartSymbol: null,
    });
    return { ...fake, store };
  };

  test('the newest page shows first, then the whole history replaces it in one set', async () => {
    const seen: (BacktestBars | null)[] = [];
    const { store, calls } = storeWith({
      'backtest:get': () => ({ ...summary, trades: tradesToColumns([]), fills: fillsToColumns([]) }),
      'backtest:bars': (arg) => {
        const { maxBars, end = total } = arg as { maxBars: number; end?: number };
        return page(Math.max(0, end - maxBars), end, total);
      },
    });
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.bars !== previous.bars) seen.push(state.bars);
    });
    await store.getState().select('bt-1');
    unsubscribe();

    const pages = calls.filter((c) => c.name === 'backtest:bars').map((c) => c.arg);
    expect(pages).toEqual([
      { runId: 'bt-1', symbol: 'ACME', maxBars: FIRST_PAGE_BARS },
      { runId: 'bt-1', symbol: 'ACME', maxBars: HISTORY_PAGE_BARS, end: total - FIRST_PAGE_BARS },
      { runId: 'bt-1', symbol: 'ACME', maxBars: HISTORY_PAGE_BARS, end: 1_234 },
    ]);
    const shown = seen.filter((b): b is BacktestBars => b !== null);
    expect(shown.map((b) => [b.start, b.length])).toEqual([
      [total - FIRST_PAGE_BARS, FIRST_PAGE_BARS],
      [0, total],
    ]);
    const all = shown[1]!;
    expect(all.close[0]).toBe(100);
    expect(all.close[total - 1]).toBe(100 + total - 1);
    expect(all.time[1_234]).toBe(1_234 * 60_000);
  });

  test('the detail is asked for only once the newest bars are in, so the chart draws before a long run’s trades load', async () => {
    /** The bars on the chart when main was asked for the detail. */
    let barsWhenAsked: number | null = null;
    const { store, calls } = storeWith({
      'backtest:get': () => {
        barsWhenAsked = store.getState().bars?.length ?? 0;
        return { ...summary, trades: tradesToColumns([]), fills: fillsToColumns([]) };
      },
      'backtest:bars': (arg) => {
        const { maxBars, end = total } = arg as { maxBars: number; end?: number };
        return page(Math.max(0, end - maxBars), end, total);
      },
    });

    const selecting = store.getState().select('bt-1');
    // Main answers one call after another: only the newest bars are asked for at first.
    expect(calls.map((c) => c.name)).toEqual(['backtest:bars']);
    await selecting;

    expect(barsWhenAsked).toBe(FIRST_PAGE_BARS);
    expect(store.getState().detail?.id).toBe('bt-1');
    expect(store.getState().bars?.length).toBe(total);
  });

  test('choosing another run while history loads drops the old answers', async () => {
    let left = false;
    const { store } = storeWith({
      'backtest:get': () => ({ ...summary, trades: tradesToColumns([]), fills: fillsToColumns([]) }),
      'backtest:bars': (arg) => {
        const { maxBars, end = total } = arg as { maxBars: number; end?: number };
        if (end !== total && !left) {
          // The user leaves while the first older page is on its way.
          left = true;
          void store.getState().select(null);
        }
        return page(Math.max(0, end - maxBars), end, total);
      },
    });
    await store.getState().select('bt-1');
    expect(store.getState().selectedId).toBeNull();
    expect(store.getState().bars).toBeNull();
  });
});
