// The Research form's pure half: search rows from a strategy's schema, rows → search dimensions with the problems
// named, the grid's cell count, metric formatting and the best cells.
import { describe, expect, test } from 'vitest';
import type { JsonSchema } from '../../../../src/renderer/src/components/form/schema-model';
import {
  cellsText,
  dimensionOf,
  dimensionSize,
  formatMetric,
  metricOf,
  parseValueList,
  planSearch,
  type SearchRow,
  searchRowsFor,
  topCells,
} from '../../../../src/renderer/src/views/research/research-model';
import type { PerformanceMetrics } from '../../../../src/shared/domain/metrics';
import type { ResearchCell } from '../../../../src/shared/domain/research';

const SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    fast: { type: 'integer', minimum: 1, maximum: 1000, default: 10 },
    slow: { type: 'integer', minimum: 2, maximum: 1000, default: 30 },
    threshold: { type: 'number', minimum: 0, maximum: 1, default: 0.5 },
    allowShort: { type: 'boolean', default: false },
  },
};

const row = (patch: Partial<SearchRow>): SearchRow => ({
  name: 'fast',
  label: 'Fast period',
  integer: true,
  on: true,
  mode: 'values',
  values: '5,8,10',
  min: '5',
  max: '20',
  step: '5',
  ...patch,
});

describe('search rows', () => {
  test('one row per numeric parameter (booleans left out), the first two searched, values around the default', () => {
    const rows = searchRowsFor(SCHEMA, { fast: 10, slow: 30 });
    expect(rows.map((r) => [r.name, r.on, r.integer])).toEqual([
      ['fast', true, true],
      ['slow', true, true],
      ['threshold', false, false],
    ]);
    expect(rows[0]!.values).toBe('5,10,15,20');
    expect(rows[1]!.values).toBe('15,30,45,60');
    // Switched to a range, a row keeps about as many values: from the lowest to the highest by their spacing.
    expect([rows[1]!.min, rows[1]!.max, rows[1]!.step]).toEqual(['15', '60', '15']);
    expect(planSearch([{ ...rows[1]!, mode: 'range' }], 'grid', 0).cells).toBe(4);
    // Suggestions stay inside the schema's bounds (threshold ≤ 1).
    expect(rows[2]!.values).toBe('0.25,0.5,0.75,1');
  });

  test('a value list names the word that is not a number, or not whole for an integer parameter', () => {
    expect(parseValueList('5, 8 ,10', true)).toEqual({ values: [5, 8, 10] });
    expect(parseValueList('5,x', true)).toEqual({ problem: 'x is not a number' });
    expect(parseValueList('5,2.5', true)).toEqual({ problem: '2.5 is not a whole number' });
    expect(parseValueList('  ', true)).toEqual({ problem: 'give at least one value' });
  });

  test('a range needs min below max, and a step for a grid (random and TPE can draw without one)', () => {
    expect(dimensionOf(row({ mode: 'range' }), 'grid')).toEqual({
      dimension: { kind: 'range', name: 'fast', min: 5, max: 20, step: 5, integer: true },
    });
    expect(dimensionOf(row({ mode: 'range', step: '' }), 'grid')).toEqual({ problem: 'a grid needs a step' });
    expect(dimensionOf(row({ mode: 'range', step: '' }), 'tpe')).toEqual({
      dimension: { kind: 'range', name: 'fast', min: 5, max: 20, integer: true },
    });
    expect(dimensionOf(row({ mode: 'range', max: '5' }), 'grid')).toEqual({
      problem: 'the highest value must be above the lowest',
    });
  });
});

describe('the cell count', () => {
  test('a grid runs the product of each dimension’s values; a range counts min, min+step … max', () => {
    expect(dimensionSize({ kind: 'range', name: 'a', min: 5, max: 20, step: 5, integer: true })).toBe(4);
    expect(dimensionSize({ kind: 'range', name: 'a', min: 0, max: 1, step: 0.1, integer: false })).toBe(11);
    const plan = planSearch(
      [row({ values: '5,8,10,12' }), row({ name: 'slow', mode: 'range', min: '20', max: '65', step: '5' })],
      'grid',
      0,
    );
    expect(plan.cells).toBe(40);
    expect(cellsText(plan.cells!)).toBe('40 cells');
    expect(cellsText(1)).toBe('1 cell');
  });

  test('random and TPE run their trials; unticked rows do not count; a bad row gives no count and its problem', () => {
    expect(planSearch([row({}), row({ name: 'slow', on: false })], 'random', 25).cells).toBe(25);
    expect(planSearch([row({}), row({ name: 'slow', on: false })], 'grid', 0).cells).toBe(3);
    const bad = planSearch([row({ values: '5,x' })], 'grid', 0);
    expect(bad.cells).toBeNull();
    expect(bad.problems).toEqual({ fast: 'x is not a number' });
  });
});

describe('metrics and best cells', () => {
  const metrics = { totalReturn: 0.2, maxDrawdown: 0.1, sharpe: 1.234, cagr: 0.05 } as PerformanceMetrics;
  test('metrics in the trader’s words: percentages, money, ratios; return/drawdown computed', () => {
    expect(formatMetric('cagr', 0.1234)).toBe('12.34%');
    expect(formatMetric('sharpe', 1.234)).toBe('1.23');
    expect(formatMetric('sharpe', null)).toBe('—');
    expect(metricOf(metrics, 'returnOverDrawdown')).toBeCloseTo(2);
    expect(metricOf({ ...metrics, maxDrawdown: 0 }, 'returnOverDrawdown')).toBeNull();
  });

  test('the best cells skip the excluded and the undefined, best first, ties to the earlier cell', () => {
    const cell = (index: number, objective: number | null, excluded: string | null = null) =>
      ({ index, objective, excluded, params: {}, metrics, finalEquity: 0 }) as ResearchCell;
    const cells = [cell(0, 1), cell(1, 3, 'fewer than 5 trades'), cell(2, null), cell(3, 2), cell(4, 2)];
    expect(topCells(cells, 5).map((c) => c.index)).toEqual([3, 4, 0]);
    expect(topCells(cells, 1).map((c) => c.index)).toEqual([3]);
  });
});
