import { describe, expect, it } from 'vitest';
import { generateMarket } from '../../../src/main/feeds/synthetic';
import { runBacktest } from '../../../src/main/research/backtest';
import { datasetId } from '../../../src/main/research/cell';
import { ResearchCanceled } from '../../../src/main/research/executor';
import { createInlineExecutor } from '../../../src/main/research/inline-executor';
import { checkSearch, type OptimizeRequest, optimize } from '../../../src/main/research/optimize';
import { optimizeRequestSchema } from '../../../src/shared/domain/research';

const data = {
  source: 'synthetic' as const,
  symbols: ['ACME'],
  bars: 400,
  seed: 11,
  timeframe: '1D' as const,
};
const series = generateMarket({ symbols: ['ACME'], seed: 11, bars: 400, timeframe: '1D' });
const dataset = { id: datasetId(series), series };
const base = {
  cash: 50_000,
  strategy: { id: 'sma-crossover', params: { allowShort: true } },
  risk: { enabled: false },
};

function request(search: Record<string, unknown>): OptimizeRequest {
  return optimizeRequestSchema.parse({
    kind: 'optimize',
    data,
    config: base,
    search,
  });
}

describe('optimise', () => {
  it('runs a grid in order; each cell equals the single backtest of its parameters', async () => {
    const req = request({
      dimensions: [
        { kind: 'values', name: 'fast', values: [5, 10] },
        { kind: 'range', name: 'slow', min: 20, max: 40, step: 10 },
      ],
      objective: 'sharpe',
    });
    const result = await optimize(req, dataset, createInlineExecutor(), { data });
    expect(result.cells.map((c) => c.params)).toEqual([
      { fast: 5, slow: 20 },
      { fast: 5, slow: 30 },
      { fast: 5, slow: 40 },
      { fast: 10, slow: 20 },
      { fast: 10, slow: 30 },
      { fast: 10, slow: 40 },
    ]);
    expect(result.cells.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const cell of result.cells) {
      const single = runBacktest(
        { ...base, strategy: { id: 'sma-crossover', params: { allowShort: true, ...cell.params } } },
        series,
      );
      expect(cell.metrics).toEqual(single.metrics);
      expect(cell.finalEquity).toBe(single.equity.equity[single.equity.length - 1]);
      expect(cell.objective).toBe(single.metrics.sharpe);
    }
    const sharpes = result.cells.map((c) => c.objective ?? Number.NEGATIVE_INFINITY);
    expect(result.best).toBe(sharpes.indexOf(Math.max(...sharpes)));
    const best = result.cells[result.best!]!;
    expect(result.bestParams).toEqual({ ...best.params, allowShort: true });
    expect(result.parameters).toEqual(['fast', 'slow']);
  });

  it('notes cells the strategy refuses and cells with too few trades, and never picks them', async () => {
    const req = request({
      dimensions: [
        { kind: 'values', name: 'fast', values: [10, 30] },
        { kind: 'values', name: 'slow', values: [20, 50] },
      ],
      objective: 'totalReturn',
      minTrades: 1000,
    });
    const result = await optimize(req, dataset, createInlineExecutor(), { data });
    // fast 30 ≥ slow 20 is refused by the strategy's own check.
    expect(result.cells.map((c) => c.index)).toEqual([0, 1, 3]);
    expect(result.notes[0]).toBe(
      '1 cell was refused by the strategy: fast=30, slow=20 (strategy.params.fast: must be less than the slow period (20))',
    );
    expect(result.notes[1]).toBe('3 cells made fewer than 1000 trades and cannot be best');
    expect(result.cells.every((c) => c.excluded?.endsWith('fewer than the minimum 1000'))).toBe(true);
    expect(result.best).toBeNull();
    expect(result.bestParams).toBeNull();
  });

  it('gives the same cells for the same seed (random and TPE) and reports progress', async () => {
    for (const method of ['random', 'tpe'] as const) {
      const req = request({
        method,
        trials: 12,
        seed: 4,
        dimensions: [
          { kind: 'range', name: 'fast', min: 2, max: 15, integer: true },
          { kind: 'range', name: 'slow', min: 20, max: 60, integer: true },
        ],
      });
      const progress: [number, number][] = [];
      const a = await optimize(req, dataset, createInlineExecutor(), {
        data,
        batchSize: 5,
        onProgress: (done, total) => progress.push([done, total]),
      });
      const b = await optimize(req, dataset, createInlineExecutor(), { data, batchSize: 5 });
      expect(a).toEqual(b);
      expect(a.cells).toHaveLength(12);
      expect(progress.at(-1)).toEqual([12, 12]);
      expect(progress.every(([, total]) => total === 12)).toBe(true);
    }
  });

  it('runs a discrete space smaller than the trials asked whole, each cell once (TPE too)', async () => {
    const req = request({
      method: 'tpe',
      trials: 30,
      dimensions: [
        { kind: 'values', name: 'fast', values: [3, 5, 8] },
        { kind: 'values', name: 'slow', values: [20, 40] },
      ],
    });
    const result = await optimize(req, dataset, createInlineExecutor(), { data, batchSize: 4 });
    expect(result.cells).toHaveLength(6);
    expect(new Set(result.cells.map((c) => JSON.stringify(c.params))).size).toBe(6);
  });

  it('refuses an unknown parameter, a grid with trials, and stops on cancel', async () => {
    expect(() =>
      checkSearch(base, request({ dimensions: [{ kind: 'values', name: 'speed', values: [1] }] }).search),
    ).toThrow(/'speed' is not a parameter of sma-crossover/);
    expect(() =>
      checkSearch(
        base,
        request({ trials: 5, dimensions: [{ kind: 'values', name: 'fast', values: [1] }] }).search,
      ),
    ).toThrow(/search.trials: a grid tries every combination/);
    const controller = new AbortController();
    const run = optimize(
      request({ dimensions: [{ kind: 'range', name: 'fast', min: 2, max: 15, step: 1 }] }),
      dataset,
      createInlineExecutor(),
      { data, signal: controller.signal, onProgress: (done) => done === 2 && controller.abort() },
    );
    await expect(run).rejects.toBeInstanceOf(ResearchCanceled);
  });
});
