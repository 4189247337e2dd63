// A run's bars arrive in pages, newest first, so the chart draws before a million bars have crossed the wire;
// the pages are then joined into one set of columns (one copy) and the chart takes them as its full history.
import type { BacktestBars } from '../../../shared/domain/backtest';
import type { IndicatorLines } from '../../../shared/domain/bars';

/** How many of the newest bars the first page carries: a few chart windows' worth. */
export const FIRST_PAGE_BARS = 20_000;
/** Older bars per page after that (~16 MB with six columns and a few indicator lines). */
export const HISTORY_PAGE_BARS = 250_000;

/** Pages in any order that together cover a contiguous range → one BacktestBars over that range. */
export function joinPages(pages: readonly BacktestBars[]): BacktestBars {
  if (pages.length === 0) throw new Error('no pages of bars to join');
  const sorted = [...pages].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1]!;
    const page = sorted[i]!;
    if (page.start !== before.start + before.length) {
      throw new Error(
        `pages of ${page.symbol} bars do not meet: one ends at ${before.start + before.length}, the next starts at ${page.start}`,
      );
    }
  }
  const first = sorted[0]!;
  const newest = sorted[sorted.length - 1]!;
  const length = newest.start + newest.length - first.start;
  const join = (column: (page: BacktestBars) => Float64Array): Float64Array => {
    const out = new Float64Array(length);
    for (const page of sorted) out.set(column(page).subarray(0, page.length), page.start - first.start);
    return out;
  };
  const indicators: IndicatorLines[] = newest.indicators.map((set, i) => ({
    ...set,
    lines: set.lines.map((line, j) => ({
      ...line,
      values: join(
        (page) => page.indicators[i]?.lines[j]?.values ?? new Float64Array(page.length).fill(Number.NaN),
      ),
    })),
  }));
  return {
    symbol: newest.symbol,
    timeframe: newest.timeframe,
    start: first.start,
    total: newest.total,
    length,
    time: join((p) => p.time),
    open: join((p) => p.open),
    high: join((p) => p.high),
    low: join((p) => p.low),
    close: join((p) => p.close),
    volume: join((p) => p.volume),
    indicators,
  };
}
