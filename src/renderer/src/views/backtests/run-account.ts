// What a finished backtest's stats say about its account and its risk halts, in words for the results: the
// headline when trading was halted, the halted share, and the broker's rejections by reason. Pure, for tests.
import type { BacktestStatsView } from '../../../../shared/domain/backtest';

const percent = (share: number): string => {
  const value = share * 100;
  return `${value >= 10 || value === 0 ? value.toFixed(0) : value.toFixed(1)}%`;
};

/** The run's halt headline with the halted bar count, or null when trading never halted (or the run predates it). */
export function haltHeadline(stats: BacktestStatsView | null): string | null {
  const headline = stats?.['haltHeadline'];
  if (typeof headline !== 'string') return null;
  const bars = stats?.['haltedBarTimes'];
  const total = stats?.['barTimes'];
  return typeof bars === 'number' && typeof total === 'number'
    ? `${headline} (${bars.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} bars).`
    : `${headline}.`;
}

/** "91% (2,280 bars)", "none", or "—" for runs stored before halts were counted. */
export function haltedText(stats: BacktestStatsView | null): string {
  const bars = stats?.['haltedBarTimes'];
  const share = stats?.['haltedShare'];
  if (typeof bars !== 'number' || typeof share !== 'number') return '—';
  return bars === 0 ? 'none' : `${percent(share)} (${bars.toLocaleString('en-US')} bars)`;
}

/** "4: insufficient cash 4", "none", or "—" for runs stored before rejections were counted. */
export function rejectionsText(stats: BacktestStatsView | null): string {
  const rejections = stats?.['rejections'];
  if (typeof rejections !== 'object' || rejections === null) return '—';
  const counts = Object.entries(rejections).filter(([, count]) => typeof count === 'number' && count > 0);
  if (counts.length === 0) return 'none';
  const total = counts.reduce((sum, [, count]) => sum + (count ?? 0), 0);
  if (counts.length === 1) return `${total.toLocaleString('en-US')} (${counts[0]![0]})`;
  return `${total.toLocaleString('en-US')} (${counts.map(([reason, count]) => `${reason} ${count}`).join(', ')})`;
}
