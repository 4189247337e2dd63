// The research service on a real SQLite file: a run is checked whole before it is recorded, runs in the
// background with throttled progress pushes, is stored with its result and headline, can be canceled, and a run
// left 'running' by a shutdown is marked failed when the file is opened again.
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../src/main/log/logger';
import { readBacktestData } from '../../../src/main/research/backtest-job';
import { createInlineExecutor } from '../../../src/main/research/inline-executor';
import {
  createResearchService,
  headlineOf,
  type ResearchServiceDeps,
} from '../../../src/main/research/research-service';
import { openDatabase } from '../../../src/main/store/database';
import { createResearchRepo } from '../../../src/main/store/research-repo';
import type { PushPublisher } from '../../../src/shared/api/ports';
import { ApiFailure } from '../../../src/shared/api/ports';
import type { BacktestDataRequest } from '../../../src/shared/domain/backtest';
import type { ResearchProgress } from '../../../src/shared/domain/research';
import { researchRequestSchema } from '../../../src/shared/domain/research';
import { tempFolder } from '../store/store-helpers';

const folders: { remove(): void }[] = [];
afterEach(() => {
  for (const f of folders.splice(0)) f.remove();
});

function setup(over: Partial<ResearchServiceDeps> = {}) {
  const folder = tempFolder('marketboss-research-');
  folders.push(folder);
  const db = openDatabase(folder.file());
  const repo = createResearchRepo(db);
  const pushes: ResearchProgress[] = [];
  const publisher: PushPublisher = {
    publish: (topic, payload) => {
      if (topic === 'research-progress') pushes.push(payload as ResearchProgress);
    },
  };
  const service = createResearchService({
    repo,
    pushes: publisher,
    log: createMemoryLogger(),
    executor: createInlineExecutor(),
    loadDataset: async (data: BacktestDataRequest) => {
      if (data.source !== 'synthetic') throw new ApiFailure('bad-request', 'synthetic only here');
      const { series, notes } = readBacktestData(data);
      return { spec: data, series, notes };
    },
    backtestTrades: () => ({ pnl: [], startEquity: 0 }),
    progressEveryMs: 0,
    ...over,
  });
  return { folder, db, repo, pushes, service };
}

const data = { source: 'synthetic' as const, symbols: ['ACME'], bars: 300, seed: 5 };
const optimizeRequest = (over: Record<string, unknown> = {}) =>
  researchRequestSchema.parse({
    kind: 'optimize',
    data,
    config: { strategy: { id: 'sma-crossover' }, risk: { enabled: false } },
    search: {
      dimensions: [
        { kind: 'values', name: 'fast', values: [3, 5, 8] },
        { kind: 'values', name: 'slow', values: [20, 40] },
      ],
      objective: 'totalReturn',
    },
    ...over,
  });

async function settled(service: ReturnType<typeof setup>['service'], id: string) {
  for (let i = 0; i < 500; i++) {
    const run = service.get(id);
    if (run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${id} still running`);
}

describe('research service', () => {
  it('runs an optimisation in the background, pushes progress and stores the result with a headline', async () => {
    const { service, pushes } = setup();
    const { id } = await service.run(optimizeRequest({ name: 'fast vs slow' }));
    expect(id).toMatch(/^rs-[a-z0-9]+-[0-9a-f]{8}$/);
    const run = await settled(service, id);
    expect(run.status).toBe('done');
    expect(run.name).toBe('fast vs slow');
    expect(run.result?.kind).toBe('optimize');
    if (run.result?.kind !== 'optimize') throw new Error('not an optimisation');
    expect(run.result.cells).toHaveLength(6);
    expect(run.headline).toBe(headlineOf(run.result));
    expect(run.headline).toMatch(/^best totalReturn -?\d+\.\d\d at fast=\d, slow=\d0 \(6 cells\)$/);
    expect(pushes[0]).toMatchObject({
      id,
      kind: 'optimize',
      status: 'running',
      done: 0,
      total: 6,
      etaMs: null,
    });
    const last = pushes.at(-1)!;
    expect(last).toMatchObject({ id, status: 'done', done: 6, total: 6 });
    const middle = pushes.find((p) => p.status === 'running' && p.done > 0)!;
    expect(middle.etaMs).not.toBeNull();
    expect(service.list().map((r) => r.id)).toEqual([id]);
    expect(service.delete(id)).toEqual({ deleted: true });
    expect(() => service.get(id)).toThrow(`no research run ${id}`);
  });

  it('pushes progress at most every progressEveryMs, and always the last', async () => {
    let clock = 0;
    // Each reading of the clock moves it 5 ms: 40 cells take ~200–400 ms of this clock.
    const { service, pushes } = setup({ now: () => (clock += 5), progressEveryMs: 250 });
    const { id } = await service.run(
      optimizeRequest({
        search: { dimensions: [{ kind: 'range', name: 'fast', min: 2, max: 19, step: 1 }] },
      }),
    );
    await settled(service, id);
    const running = pushes.filter((p) => p.status === 'running');
    expect(running[0]).toMatchObject({ done: 0, total: 18 });
    expect(running.length).toBeLessThanOrEqual(4);
    expect(running.at(-1)).toMatchObject({ done: 18, total: 18, etaMs: 0 });
    expect(pushes.at(-1)).toMatchObject({ status: 'done', done: 18 });
  });

  it('refuses bad requests before recording anything, naming the problem', async () => {
    const { service } = setup();
    const unknown = optimizeRequest({
      search: { dimensions: [{ kind: 'values', name: 'speed', values: [1] }] },
    });
    await expect(service.run(unknown)).rejects.toThrow(/'speed' is not a parameter of sma-crossover/);
    const longWindows = researchRequestSchema.parse({
      ...optimizeRequest(),
      kind: 'walk-forward',
      windows: { train: 250, test: 60 },
    });
    await expect(service.run(longWindows)).rejects.toThrow(/need 310 bars, but the data has 300/);
    await expect(
      service.run(
        researchRequestSchema.parse({ kind: 'monte-carlo', source: { kind: 'backtest', runId: 'bt-x' } }),
      ),
    ).rejects.toThrow('Monte Carlo is not available in this build');
    expect(service.list()).toEqual([]);
  });

  it('runs a walk-forward with its headline', async () => {
    const { service } = setup();
    const request = researchRequestSchema.parse({
      ...optimizeRequest(),
      kind: 'walk-forward',
      windows: { train: 120, test: 60, mode: 'anchored' },
    });
    const { id } = await service.run(request);
    const run = await settled(service, id);
    expect(run.status).toBe('done');
    if (run.result?.kind !== 'walk-forward') throw new Error('not a walk-forward');
    expect(run.result.folds).toHaveLength(3);
    expect(run.headline).toMatch(/^WFE (-?\d+\.\d\d|undefined) over 3 folds/);
  });

  it('hands a Monte Carlo request to the plugged-in function with the source run’s trades', async () => {
    const calls: unknown[] = [];
    const { service } = setup({
      backtestTrades: (source) => {
        expect(source).toEqual({ kind: 'backtest', runId: 'bt-abc' });
        return { pnl: [10, -5, 7], startEquity: 1000 };
      },
      runMonteCarlo: (pnl, startEquity, settings) => {
        calls.push([Array.from(pnl), startEquity, settings.runs]);
        return {
          kind: 'monte-carlo',
          settings,
          trades: pnl.length,
          startEquity,
          actual: { finalEquity: 1012, maxDrawdown: 0.005, path: [] },
          bands: { step: [], p5: [], p25: [], p50: [], p75: [], p95: [] },
          finalEquity: { p5: 1, p25: 1, p50: 1, p75: 1, p95: 1, mean: 1 },
          maxDrawdown: { p5: 0, p25: 0, p50: 0, p75: 0, p95: 0, mean: 0 },
          ruinProbability: 0.032,
          notes: [],
        };
      },
    });
    const { id } = await service.run(
      researchRequestSchema.parse({
        kind: 'monte-carlo',
        source: { kind: 'backtest', runId: 'bt-abc' },
        settings: { runs: 500 },
      }),
    );
    const run = await settled(service, id);
    expect(calls).toEqual([[[10, -5, 7], 1000, 500]]);
    expect(run.headline).toBe('ruin probability 3.2% over 500 runs of 3 trades');
  });

  it('cancels a running run: recorded canceled, pushed, no result; deleting a running run is refused', async () => {
    const { service, pushes } = setup();
    const big = optimizeRequest({
      search: { dimensions: [{ kind: 'range', name: 'fast', min: 2, max: 19, step: 1 }] },
      data: { ...data, bars: 2000 },
    });
    const { id } = await service.run(big);
    expect(() => service.delete(id)).toThrow('is still running; cancel it first');
    expect(service.cancel(id)).toEqual({ canceled: true });
    await new Promise((r) => setTimeout(r, 50));
    const run = service.get(id);
    expect(run).toMatchObject({ status: 'canceled', error: 'canceled by the user', result: null });
    expect(pushes.at(-1)).toMatchObject({ id, status: 'canceled' });
    expect(service.cancel(id)).toEqual({ canceled: false });
  });

  it('a run left running by a shutdown is marked failed at the next start; close cancels running ones', async () => {
    const { service, repo, db, folder } = setup();
    const { id } = await service.run(
      optimizeRequest({
        search: { dimensions: [{ kind: 'range', name: 'fast', min: 2, max: 19, step: 1 }] },
        data: { ...data, bars: 2000 },
      }),
    );
    // A crash: the row stays 'running' in the file.
    repo.start({
      id: 'rs-crashed-1',
      kind: 'optimize',
      name: 'cut short',
      createdAt: 1,
      request: optimizeRequest(),
    });
    await service.close();
    expect(service.get(id)).toMatchObject({
      status: 'canceled',
      error: 'MarketBoss was closed during the run',
    });
    db.close();
    const reopened = createResearchRepo(openDatabase(folder.file()));
    expect(reopened.markInterrupted(5)).toBe(1);
    expect(reopened.get('rs-crashed-1')).toMatchObject({
      status: 'failed',
      error: 'interrupted: MarketBoss stopped during the run',
      finishedAt: 5,
    });
  });
});
