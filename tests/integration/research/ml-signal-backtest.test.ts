// ml-signal backtests through the API: the model comes from the registry (a real SQLite file), the run goes to a
// real worker thread, and its predictions come back to the registry under the run.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Services } from '../../../src/main/services';
import { createModelRepo } from '../../../src/main/store/model-repo';
import type { BacktestProgress } from '../../../src/shared/domain/backtest';
import { tempDataDir } from '../../support/host-process';
import { registerStumpIn } from '../../unit/strategies/ml-models';
import { callValue, testServices, until } from '../sessions/session-test-services';

let dataDir: string;
let services: Services;
let progress: BacktestProgress[];

beforeEach(() => {
  dataDir = tempDataDir('marketboss-ml-backtest-');
  services = testServices(dataDir);
  progress = [];
  services.pushes.subscribe((topic, batch) => {
    if (topic === 'progress') progress.push(...(batch as BacktestProgress[]));
  });
});
afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const MODEL = 'md-stump';
const data = { source: 'synthetic', symbols: ['ACME'], timeframe: '1D', bars: 300, seed: 7 } as const;
const config = { strategy: { id: 'ml-signal', params: { modelId: MODEL, warmupBars: 5 } } };

describe('ml-signal backtests over the API', () => {
  test('the run trades the registry’s model and stores one prediction per bar under the run', async () => {
    registerStumpIn(services.db, MODEL, Date.UTC(2030, 0, 1));
    const { runId } = await callValue<{ runId: string }>(services, 'backtest:run', { data, config });
    await until(() => progress.some((p) => p.runId === runId && p.status !== 'running'), 'the run to end');
    expect(progress.find((p) => p.runId === runId && p.status !== 'running')?.status).toBe('done');
    const stored = createModelRepo(services.db).predictions(MODEL, { kind: 'backtest', id: runId });
    expect(stored.time).toHaveLength(300);
    expect(new Set(stored.prediction).size).toBe(2);
    // The Models view reads them through the API.
    const series = await callValue(services, 'ml:predictions', { id: MODEL, runId });
    expect(series).toEqual({ modelId: MODEL, ...stored });

    // Deleting the run takes its predictions along.
    await callValue(services, 'backtest:delete', { runId });
    expect(createModelRepo(services.db).predictions(MODEL, { kind: 'backtest', id: runId }).time).toEqual([]);
  });

  test('the catalogue lists ml-signal with its form: no model chosen yet, threshold 0.6, never stale', async () => {
    const strategies = await callValue<{ id: string; defaults: Record<string, unknown> }[]>(
      services,
      'strategy:list',
      {},
    );
    const ml = strategies.find((s) => s.id === 'ml-signal');
    expect(ml?.defaults).toMatchObject({ modelId: '', threshold: 0.6, retrainEvery: 0, expiryDays: 0 });
  });

  test('a model trained through ml:train backtests with walk-forward retraining and stores its predictions', async () => {
    const { id } = await callValue<{ id: string }>(services, 'ml:train', {
      request: {
        name: 'ACME daily',
        symbol: 'ACME',
        data: { source: 'synthetic', symbols: ['ACME'], bars: 400, seed: 3 },
        featureSet: {
          features: [
            { kind: 'return', lag: 1 },
            { kind: 'rsi', period: 14 },
          ],
        },
        label: { kind: 'forward-return', horizon: 3, threshold: 0 },
        params: { rounds: 10, maxDepth: 3, seed: 1 },
        folds: 3,
      },
    });
    await until(
      async () => {
        const models = await callValue<{ id: string; status: string }[]>(services, 'ml:list', {});
        return models.some((m) => m.id === id && m.status !== 'training');
      },
      'the training to end',
      60_000,
    );
    const params = { modelId: id, warmupBars: 20, retrainEvery: 100, trainingWindow: 150 };
    const { runId } = await callValue<{ runId: string }>(services, 'backtest:run', {
      data,
      config: { strategy: { id: 'ml-signal', params } },
    });
    await until(() => progress.some((p) => p.runId === runId && p.status !== 'running'), 'the run to end');
    const ended = progress.find((p) => p.runId === runId && p.status !== 'running');
    expect(ended?.status, ended?.message).toBe('done');
    const stored = createModelRepo(services.db).predictions(id, { kind: 'backtest', id: runId });
    expect(stored.time).toHaveLength(300);
    expect(stored.prediction.every((p) => p > 0 && p < 1)).toBe(true);
  });

  test('a model not in the registry is refused before the run, naming the field', async () => {
    const result = await services.dispatch('backtest:run', { data, config });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain('config.strategy.params.modelId');
    expect(JSON.stringify(result)).toContain(`model ${MODEL} is not in the model registry`);
  });
});
