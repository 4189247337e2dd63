import { describe, expect, it } from 'vitest';
import { bestCellIndex, exclusionOf, objectiveValue } from '../../../src/main/research/objective';
import type { PerformanceMetrics } from '../../../src/shared/domain/metrics';
import { OBJECTIVES } from '../../../src/shared/domain/research';

const metrics = (over: Partial<PerformanceMetrics> = {}): PerformanceMetrics => ({
  totalReturn: 0.2,
  cagr: 0.1,
  annualVolatility: 0.15,
  sharpe: 1.2,
  sortino: 1.5,
  calmar: 0.8,
  maxDrawdown: 0.125,
  maxDrawdownDuration: 10,
  maxDrawdownDurationMs: 1000,
  winRate: 0.55,
  profitFactor: 1.4,
  averageWin: 100,
  averageLoss: -80,
  expectancy: 12,
  largestWin: 300,
  largestLoss: -200,
  longestWinStreak: 4,
  longestLossStreak: 3,
  recoveryFactor: 1.6,
  exposureTime: 0.4,
  trades: 12,
  fees: 5,
  startEquity: 100_000,
  endEquity: 120_000,
  periods: 252,
  periodsPerYear: 252,
  sampleTooSmall: false,
  ...over,
});

describe('objective', () => {
  it('reads every objective from the metrics', () => {
    const m = metrics();
    for (const objective of OBJECTIVES) {
      const value = objectiveValue(m, objective);
      if (objective === 'returnOverDrawdown') expect(value).toBeCloseTo(0.2 / 0.125, 12);
      else expect(value).toBe(m[objective]);
    }
  });

  it('return over drawdown is undefined without a drawdown; undefined metrics stay undefined', () => {
    expect(objectiveValue(metrics({ maxDrawdown: 0 }), 'returnOverDrawdown')).toBeNull();
    expect(objectiveValue(metrics({ totalReturn: null }), 'returnOverDrawdown')).toBeNull();
    expect(objectiveValue(metrics({ sharpe: null }), 'sharpe')).toBeNull();
  });
});

describe('filters', () => {
  it('excludes a cell with too few trades, in words', () => {
    expect(exclusionOf(metrics({ trades: 3 }), { minTrades: 5, constraints: [] })).toBe(
      '3 trades, fewer than the minimum 5',
    );
    expect(exclusionOf(metrics({ trades: 1 }), { minTrades: 2, constraints: [] })).toBe(
      '1 trade, fewer than the minimum 2',
    );
    expect(exclusionOf(metrics({ trades: 5 }), { minTrades: 5, constraints: [] })).toBeNull();
  });

  it('names each broken constraint with the figure and the bound', () => {
    const why = exclusionOf(metrics({ maxDrawdown: 0.32, sharpe: 0.4 }), {
      minTrades: 0,
      constraints: [
        { metric: 'maxDrawdown', op: '<=', value: 0.25 },
        { metric: 'sharpe', op: '>=', value: 0.5 },
        { metric: 'trades', op: '>=', value: 10 },
      ],
    });
    expect(why).toBe('maxDrawdown 0.32 is above 0.25; sharpe 0.4 is below 0.5');
    expect(
      exclusionOf(metrics({ sortino: null }), {
        minTrades: 0,
        constraints: [{ metric: 'sortino', op: '>=', value: 1 }],
      }),
    ).toBe('sortino is undefined (the constraint needs >= 1)');
  });
});

describe('best cell', () => {
  it('takes the highest admissible objective, ties to the lower index', () => {
    expect(
      bestCellIndex([
        { objective: 3, excluded: 'too few trades' },
        { objective: null, excluded: null },
        { objective: 2, excluded: null },
        { objective: 2, excluded: null },
        { objective: 1, excluded: null },
      ]),
    ).toBe(2);
    expect(bestCellIndex([{ objective: null, excluded: null }])).toBeNull();
    expect(bestCellIndex([])).toBeNull();
  });
});
