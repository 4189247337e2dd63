// Finding runs again: every part of the filter must match; words look in the name, note, tags, strategy and symbols.
import { describe, expect, test } from 'vitest';
import {
  filterRuns,
  NO_RUN_FILTER,
  parseTags,
  runFilterChoices,
} from '../../../src/renderer/src/views/backtests/run-filter';
import type { BacktestSummary } from '../../../src/shared/domain/backtest';

const run = (
  id: string,
  strategyId: string,
  symbols: string[],
  tags: string[],
  note = '',
): BacktestSummary => ({
  id,
  name: `${strategyId} ${id}`,
  status: 'done',
  createdAt: 0,
  finishedAt: 0,
  durationMs: 0,
  data: { source: 'synthetic', symbols, timeframe: '1D', bars: 10, seed: 1 },
  strategyId,
  metrics: null,
  benchmarkMetrics: null,
  error: null,
  note,
  tags,
  pinned: false,
});

const runs = [
  run('bt-1', 'sma-crossover', ['ACME'], ['baseline']),
  run('bt-2', 'rsi', ['ACME', 'BOLT'], ['high-vol', 'baseline'], 'wider stops'),
  run('bt-3', 'rsi', ['BOLT'], []),
];
const ids = (shown: readonly BacktestSummary[]) => shown.map((r) => r.id);

describe('filterRuns', () => {
  test('no filter: every run, in the order given', () => {
    expect(filterRuns(runs, NO_RUN_FILTER)).toBe(runs);
  });
  test('tag, strategy and symbol each narrow; together they all must hold', () => {
    expect(ids(filterRuns(runs, { ...NO_RUN_FILTER, tag: 'baseline' }))).toEqual(['bt-1', 'bt-2']);
    expect(ids(filterRuns(runs, { ...NO_RUN_FILTER, strategyId: 'rsi' }))).toEqual(['bt-2', 'bt-3']);
    expect(ids(filterRuns(runs, { ...NO_RUN_FILTER, symbol: 'BOLT', tag: 'baseline' }))).toEqual(['bt-2']);
  });
  test('every word must appear somewhere: name, note, tag, strategy or symbol, in any case', () => {
    expect(ids(filterRuns(runs, { ...NO_RUN_FILTER, text: 'WIDER bolt' }))).toEqual(['bt-2']);
    expect(ids(filterRuns(runs, { ...NO_RUN_FILTER, text: 'high-vol' }))).toEqual(['bt-2']);
    expect(ids(filterRuns(runs, { ...NO_RUN_FILTER, text: '  ' }))).toEqual(['bt-1', 'bt-2', 'bt-3']);
    expect(ids(filterRuns(runs, { ...NO_RUN_FILTER, text: 'macd' }))).toEqual([]);
  });
  test('choices are what the runs have, sorted, once each', () => {
    expect(runFilterChoices(runs)).toEqual({
      tags: ['baseline', 'high-vol'],
      strategies: ['rsi', 'sma-crossover'],
      symbols: ['ACME', 'BOLT'],
    });
  });
  test('tags typed in one box split on commas, trimmed, empties dropped', () => {
    expect(parseTags(' baseline, ,high-vol ,')).toEqual(['baseline', 'high-vol']);
  });
});
