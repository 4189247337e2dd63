// The market-data cache: bars downloaded from a provider, per (source, feed, symbol, timeframe), with the spans of
// time known to be complete. A span is only recorded for finished bars, so a cached answer never goes stale.
import { allocateColumns, type Bar, type BarColumns } from '../../shared/domain/bars';
import type { Db } from './database';

/** Which stream of prices a series is: stocks from IEX or SIP, or crypto. */
export type CacheFeed = 'iex' | 'sip' | 'crypto';

export interface BarCacheKey {
  /** Who the bars came from, e.g. 'alpaca'. */
  readonly source: string;
  readonly feed: CacheFeed;
  readonly symbol: string;
  /** The timeframe of the stored bars, e.g. '1m' (the provider's, before any local aggregation). */
  readonly timeframe: string;
}

/** Bar open times [start, end], epoch ms, both inclusive. */
export interface TimeSpan {
  readonly start: number;
  readonly end: number;
}

export interface BarCacheRepo {
  /** The complete spans of a series, oldest first, never overlapping or touching. */
  coverage(key: BarCacheKey): TimeSpan[];
  /** The parts of [start, end] that are not covered, oldest first (empty: everything is cached). */
  missing(key: BarCacheKey, span: TimeSpan): TimeSpan[];
  /** The stored bars with open time in [start, end], oldest first. */
  read(key: BarCacheKey, span: TimeSpan): BarColumns;
  /**
   * Stores `bars` and marks `span` complete, in one transaction. Every bar must lie inside the span: the span says
   * that these are all the bars there are in it. Overlapping or touching spans merge.
   */
  store(key: BarCacheKey, span: TimeSpan, bars: readonly Bar[], fetchedAt: number): void;
  /** Forgets one series (or every series of a source), bars and spans. */
  forget(key: BarCacheKey | { readonly source: string }): void;
}

interface RangeRow {
  start_time: number;
  end_time: number;
}

type BarTuple = [time: number, open: number, high: number, low: number, close: number, volume: number];

export function createBarCacheRepo(db: Db): BarCacheRepo {
  const selectSeries = db
    .prepare<[string, string, string, string], number>(
      'SELECT id FROM market_data_series WHERE source = ? AND feed = ? AND symbol = ? AND timeframe = ?',
    )
    .pluck();
  const insertSeries = db.prepare<[string, string, string, string]>(
    `INSERT INTO market_data_series (source, feed, symbol, timeframe) VALUES (?, ?, ?, ?)
     ON CONFLICT (source, feed, symbol, timeframe) DO NOTHING`,
  );
  const selectRanges = db.prepare<[number], RangeRow>(
    'SELECT start_time, end_time FROM market_data_ranges WHERE series_id = ? ORDER BY start_time',
  );
  // Touching spans merge too: [a, b] and [b + 1, c] cover [a, c] without a hole.
  const selectNeighbours = db.prepare<[number, number, number], RangeRow>(
    `SELECT start_time, end_time FROM market_data_ranges
     WHERE series_id = ? AND start_time <= ? + 1 AND end_time >= ? - 1`,
  );
  const deleteNeighbours = db.prepare<[number, number, number]>(
    'DELETE FROM market_data_ranges WHERE series_id = ? AND start_time <= ? + 1 AND end_time >= ? - 1',
  );
  const insertRange = db.prepare<[number, number, number, number]>(
    'INSERT INTO market_data_ranges (series_id, start_time, end_time, fetched_at) VALUES (?, ?, ?, ?)',
  );
  const upsertBar = db.prepare<[number, number, number, number, number, number, number]>(
    `INSERT INTO market_data_bars (series_id, time, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (series_id, time) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low,
       close = excluded.close, volume = excluded.volume`,
  );
  const countBars = db
    .prepare<[number, number, number], number>(
      'SELECT count(*) FROM market_data_bars WHERE series_id = ? AND time BETWEEN ? AND ?',
    )
    .pluck();
  // Rows as arrays: reading a year of minute bars should not build 100k objects.
  const selectBars = db
    .prepare<[number, number, number], BarTuple>(
      `SELECT time, open, high, low, close, volume FROM market_data_bars
       WHERE series_id = ? AND time BETWEEN ? AND ? ORDER BY time`,
    )
    .raw();
  const deleteSeries = db.prepare<[number]>('DELETE FROM market_data_series WHERE id = ?');
  const deleteSource = db.prepare<[string]>('DELETE FROM market_data_series WHERE source = ?');

  const seriesId = (key: BarCacheKey): number | undefined =>
    selectSeries.get(key.source, key.feed, key.symbol, key.timeframe);

  const coverage = (key: BarCacheKey): TimeSpan[] => {
    const id = seriesId(key);
    if (id === undefined) return [];
    return selectRanges.all(id).map((r) => ({ start: r.start_time, end: r.end_time }));
  };

  const store = db.transaction(
    (key: BarCacheKey, span: TimeSpan, bars: readonly Bar[], fetchedAt: number) => {
      checkSpan(span);
      for (const bar of bars) {
        if (bar.time < span.start || bar.time > span.end) {
          throw new RangeError(
            `bar at ${iso(bar.time)} of ${key.symbol} lies outside the span it is stored with (${iso(span.start)} – ${iso(span.end)})`,
          );
        }
      }
      insertSeries.run(key.source, key.feed, key.symbol, key.timeframe);
      const id = seriesId(key)!;
      for (const b of bars) upsertBar.run(id, b.time, b.open, b.high, b.low, b.close, b.volume);
      let start = span.start;
      let end = span.end;
      for (const r of selectNeighbours.all(id, span.end, span.start)) {
        if (r.start_time < start) start = r.start_time;
        if (r.end_time > end) end = r.end_time;
      }
      deleteNeighbours.run(id, span.end, span.start);
      insertRange.run(id, start, end, fetchedAt);
    },
  );

  return {
    coverage,
    missing(key, span) {
      checkSpan(span);
      const gaps: TimeSpan[] = [];
      let from = span.start;
      for (const covered of coverage(key)) {
        if (covered.end < from) continue;
        if (covered.start > span.end) break;
        if (covered.start > from) gaps.push({ start: from, end: covered.start - 1 });
        from = covered.end + 1;
        if (from > span.end) return gaps;
      }
      gaps.push({ start: from, end: span.end });
      return gaps;
    },
    read(key, span) {
      checkSpan(span);
      const id = seriesId(key);
      if (id === undefined) return allocateColumns(0);
      const columns = allocateColumns(countBars.get(id, span.start, span.end) ?? 0);
      let i = 0;
      for (const [time, open, high, low, close, volume] of selectBars.iterate(id, span.start, span.end)) {
        columns.time[i] = time;
        columns.open[i] = open;
        columns.high[i] = high;
        columns.low[i] = low;
        columns.close[i] = close;
        columns.volume[i] = volume;
        i++;
      }
      return columns;
    },
    store,
    forget(key) {
      if ('symbol' in key) {
        const id = seriesId(key);
        if (id !== undefined) deleteSeries.run(id);
      } else deleteSource.run(key.source);
    },
  };
}

function checkSpan(span: TimeSpan): void {
  if (!Number.isSafeInteger(span.start) || !Number.isSafeInteger(span.end) || span.end < span.start) {
    throw new RangeError(`not a time span: ${span.start} – ${span.end}`);
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();
