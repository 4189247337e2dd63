// Finding a run again: by words (name, note, tags, strategy, symbols), by tag, by strategy and by symbol.
import type { BacktestSummary } from '../../../../shared/domain/backtest';

export interface RunFilter {
  readonly text: string;
  readonly tag: string | null;
  readonly strategyId: string | null;
  readonly symbol: string | null;
}

export const NO_RUN_FILTER: RunFilter = { text: '', tag: null, strategyId: null, symbol: null };

export const isFiltering = (filter: RunFilter): boolean =>
  filter.text.trim() !== '' || filter.tag !== null || filter.strategyId !== null || filter.symbol !== null;

/** The runs that match every part of the filter, in the list's order (pinned first, as main sends them). */
export function filterRuns(runs: readonly BacktestSummary[], filter: RunFilter): readonly BacktestSummary[] {
  if (!isFiltering(filter)) return runs;
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return runs.filter((run) => {
    if (filter.tag !== null && !run.tags.includes(filter.tag)) return false;
    if (filter.strategyId !== null && run.strategyId !== filter.strategyId) return false;
    if (filter.symbol !== null && !run.data.symbols.includes(filter.symbol)) return false;
    if (words.length === 0) return true;
    const text = [run.name, run.note, run.strategyId, ...run.tags, ...run.data.symbols]
      .join(' ')
      .toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/** The tags, strategies and symbols the runs have, sorted, for the filter's choices. */
export function runFilterChoices(runs: readonly BacktestSummary[]): {
  tags: string[];
  strategies: string[];
  symbols: string[];
} {
  const sorted = (values: Iterable<string>) => [...new Set(values)].sort((a, b) => a.localeCompare(b));
  return {
    tags: sorted(runs.flatMap((r) => r.tags)),
    strategies: sorted(runs.map((r) => r.strategyId)),
    symbols: sorted(runs.flatMap((r) => r.data.symbols)),
  };
}

/** Tags as typed in one box, comma separated: trimmed, empty pieces dropped. */
export const parseTags = (text: string): string[] =>
  text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
