// The model registry through the API as the Models view uses it: the composed services on a real data folder,
// ml:train refusing a bad request by field, a training on a small synthetic series running on a research worker with
// ml-progress pushes and ending in the list with its fold metrics, cancel, a training cut short by a shutdown marked
// failed at the next start, imports of XGBoost files, and a run's stored predictions.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createServices, type Services } from '../../../src/main/services';
import { createModelRepo } from '../../../src/main/store/model-repo';
import type {
  ModelDetail,
  ModelSummary,
  TrainingProgress,
  TrainRequestInput,
} from '../../../src/shared/domain/ml';
import { tempDataDir } from '../../support/host-process';

let dataDir: string;
let services: Services;
let progress: TrainingProgress[];

function open(): Services {
  const s = createServices({ dataDir, version: '0.0.0-test', transport: 'websocket', electronVersion: null });
  s.pushes.subscribe((topic, batch) => {
    if (topic === 'ml-progress') progress.push(...(batch as TrainingProgress[]));
  });
  return s;
}

async function value<T>(name: string, arg: unknown): Promise<T> {
  const result = await services.dispatch(name, arg);
  if (!result.ok) throw new Error(`${name} failed: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

async function refusal(name: string, arg: unknown): Promise<{ code: string; message: string }> {
  const result = await services.dispatch(name, arg);
  if (result.ok) throw new Error(`${name} was accepted`);
  return result.error;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function trained(id: string): Promise<ModelDetail> {
  return until(`${id} to finish`, async () => {
    const model = await value<ModelDetail>('ml:get', { id });
    return model.status === 'training' ? undefined : model;
  });
}

beforeEach(() => {
  dataDir = tempDataDir();
  progress = [];
  services = open();
});

afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const request: TrainRequestInput = {
  name: 'ACME daily',
  symbol: 'ACME',
  data: { source: 'synthetic', symbols: ['ACME'], bars: 600, seed: 7 },
  featureSet: {
    features: [
      { kind: 'return', lag: 1 },
      { kind: 'return', lag: 5 },
      { kind: 'rsi', period: 14 },
      { kind: 'volatility', window: 20 },
    ],
  },
  label: { kind: 'forward-return', horizon: 3, threshold: 0 },
  params: { rounds: 15, maxDepth: 3, eta: 0.3, seed: 1 },
  folds: 3,
};

/** A training long enough to be stopped midway: many bars, thousands of trees. */
const slowRequest: TrainRequestInput = {
  ...request,
  name: 'slow',
  data: { source: 'synthetic', symbols: ['ACME'], timeframe: '5m', bars: 40_000, seed: 7 },
  params: { rounds: 10_000, maxDepth: 8, eta: 0.01, maxBin: 1024, seed: 1 },
};

describe('models over the API', () => {
  test('a bad request is refused naming the field, and nothing is recorded', async () => {
    const noSymbol = await refusal('ml:train', { request: { ...request, symbol: undefined } });
    expect(noSymbol.code).toBe('bad-request');
    expect(noSymbol.message).toMatch(/Symbol/);

    const noData = await refusal('ml:train', { request: { ...request, data: undefined } });
    expect(noData.message).toMatch(/Data: say where the bars come from/);

    const otherSymbol = await refusal('ml:train', { request: { ...request, symbol: 'ZZZ' } });
    expect(otherSymbol.message).toMatch(/ZZZ is not in the data \(it has ACME\)/);

    const tooManyFolds = await refusal('ml:train', {
      request: { ...request, data: { source: 'synthetic', symbols: ['ACME'], bars: 50 }, folds: 20 },
    });
    expect(tooManyFolds.message).toMatch(/^Folds: .*too few for 20 folds/);

    const badDepth = await refusal('ml:train', { request: { ...request, params: { maxDepth: 40 } } });
    expect(badDepth.message).toMatch(/Max depth: must be at most 16/);

    expect(await value<ModelSummary[]>('ml:list', {})).toEqual([]);
  });

  test('a training runs in the background with progress pushes and is listed with its fold metrics', async () => {
    const { id } = await value<{ id: string }>('ml:train', { request });
    expect(id).toMatch(/^md-/);
    // Answered at once: the row is there, training.
    const listed = await value<ModelSummary[]>('ml:list', {});
    expect(listed).toEqual([expect.objectContaining({ id, name: 'ACME daily', status: 'training' })]);

    const model = await trained(id);
    expect(model.error).toBeNull();
    expect(model).toMatchObject({
      status: 'ready',
      origin: 'trained',
      objective: 'binary:logistic',
      symbol: 'ACME',
      featureNames: ['return_1', 'return_5', 'rsi_14', 'volatility_20'],
      trees: 15,
      label: request.label,
    });
    expect(model.featureSetHash).toMatch(/^[0-9a-f]{64}$/);
    expect(model.folds.map((f) => f.fold)).toEqual([1, 2, 3]);
    for (const fold of model.folds) {
      expect(fold.trainTo).toBeLessThan(fold.testFrom);
      expect(fold.auc).toBeGreaterThanOrEqual(0);
      expect(fold.auc).toBeLessThanOrEqual(1);
      expect(fold.logLoss).toBeGreaterThan(0);
    }
    const aucs = model.folds.map((f) => f.auc!);
    expect(model.meanAuc).toBeCloseTo(aucs.reduce((a, b) => a + b, 0) / aucs.length, 12);
    expect(model.importance.length).toBeGreaterThan(0);
    expect(model.trainFrom).toBeLessThan(model.trainTo!);

    await until('the done push', () => progress.find((p) => p.trainingId === id && p.stage === 'done'));
    const steps = progress.filter((p) => p.trainingId === id);
    expect(steps.map((p) => p.stage)).toContain('folds');
    expect(steps.map((p) => p.stage)).toContain('final');
    // Every step counts toward one total: the rounds of the 3 folds and of the final model, and the look-ahead check.
    expect(steps.at(-1)).toMatchObject({ stage: 'done', done: 15 * 4 + 1, total: 15 * 4 + 1 });

    // Kept across a restart, byte for byte.
    const file = createModelRepo(services.db).modelFile(id);
    await services.close();
    services = open();
    expect(await value<ModelDetail>('ml:get', { id })).toEqual(model);
    expect(createModelRepo(services.db).modelFile(id)).toBe(file);
  });

  test('cancel stops a training: its row says canceled and a push says so; a delete then removes it', async () => {
    const { id } = await value<{ id: string }>('ml:train', { request: slowRequest });
    await until('the first fold step', () =>
      progress.find((p) => p.trainingId === id && p.stage === 'folds'),
    );
    // The training runs on a worker: this thread keeps its timers while the trees grow.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await new Promise((r) => setTimeout(r, 400));
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(5);
    expect(await value<ModelDetail>('ml:get', { id })).toMatchObject({ status: 'training' });

    expect(await value('ml:delete', { id }).catch((e: Error) => e.message)).toMatch(
      /still training; cancel it first/,
    );
    expect(await value('ml:cancel', { id })).toEqual({ canceled: true });
    expect(await value('ml:cancel', { id })).toEqual({ canceled: false });
    expect(await value<ModelDetail>('ml:get', { id })).toMatchObject({ status: 'canceled', trees: 0 });
    await until('the canceled push', () =>
      progress.find((p) => p.trainingId === id && p.stage === 'canceled'),
    );
    expect(await value('ml:delete', { id })).toEqual({ deleted: true });
    expect((await refusal('ml:get', { id })).code).toBe('not-found');

    // The pool replaced the stopped thread: the next training runs to the end.
    const next = await value<{ id: string }>('ml:train', { request });
    expect(await trained(next.id)).toMatchObject({ status: 'ready', trees: 15 });
  });

  test('a training cut short by a shutdown is marked failed, then and at the next start', async () => {
    const { id } = await value<{ id: string }>('ml:train', { request: slowRequest });
    await until('the first fold step', () =>
      progress.find((p) => p.trainingId === id && p.stage === 'folds'),
    );
    await services.close();
    services = open();
    expect(await value<ModelDetail>('ml:get', { id })).toMatchObject({
      status: 'failed',
      error: 'interrupted: MarketBoss stopped during the training',
    });

    // A row left 'training' by a kill (no close at all) is failed by the next start.
    services.db
      .prepare(
        "INSERT INTO models (id, name, created_at, origin, status, objective, feature_names) VALUES ('md-killed', 'k', 1, 'trained', 'training', 'binary:logistic', '[]')",
      )
      .run();
    await services.close();
    services = open();
    expect(await value<ModelDetail>('ml:get', { id: 'md-killed' })).toMatchObject({ status: 'failed' });
  });

  test('a training the bars cannot serve fails in the worker: the row keeps why, a push says so', async () => {
    // No 3-day move beyond 50%: every row is dropped from training.
    const { id } = await value<{ id: string }>('ml:train', {
      request: { ...request, label: { kind: 'forward-return', horizon: 3, threshold: 0.5 } },
    });
    const model = await trained(id);
    expect(model.status).toBe('failed');
    expect(model.error).toMatch(/fold 1 has no labelled rows/);
    const failed = await until('the failed push', () =>
      progress.find((p) => p.trainingId === id && p.stage === 'failed'),
    );
    expect(failed.message).toBe(model.error);
  });

  test("a run's predictions come back in bar order; an unknown model is not found", async () => {
    const { id } = await value<{ id: string }>('ml:train', { request });
    await trained(id);
    const repo = createModelRepo(services.db);
    repo.savePredictions(id, { kind: 'backtest', id: 'bt-x' }, [
      { time: 2, value: 0.6 },
      { time: 1, value: 0.4 },
    ]);
    repo.savePredictions(id, { kind: 'session', id: 'ss-x' }, [{ time: 5, value: 0.9 }]);

    expect(await value('ml:predictions', { id, runId: 'bt-x' })).toEqual({
      modelId: id,
      time: [1, 2],
      prediction: [0.4, 0.6],
    });
    expect(await value('ml:predictions', { id, sessionId: 'ss-x' })).toEqual({
      modelId: id,
      time: [5],
      prediction: [0.9],
    });
    expect((await refusal('ml:predictions', { id })).message).toMatch(/give a runId or a sessionId/);
    expect((await refusal('ml:predictions', { id: 'md-none', runId: 'bt-x' })).code).toBe('not-found');
  });
});

describe('imports over the API', () => {
  const fixtures = join(__dirname, '..', '..', 'fixtures', 'xgboost');

  test('an XGBoost JSON file is imported, listed as xgboost with its importance; a bad file names the field', async () => {
    const json = readFileSync(join(fixtures, FIXTURE), 'utf8');
    const summary = await value<ModelSummary>('ml:import', { name: 'from python', json });
    expect(summary).toMatchObject({
      name: 'from python',
      origin: 'xgboost',
      status: 'ready',
      featureSetHash: null,
    });
    expect(summary.trees).toBeGreaterThan(0);
    const detail = await value<ModelDetail>('ml:get', { id: summary.id });
    expect(detail.importance.length).toBeGreaterThan(0);
    expect(createModelRepo(services.db).modelFile(summary.id)).toMatch(/^\{\n"format":"marketboss-model"/);

    const bad = await refusal('ml:import', { name: 'broken', json: '{"learner": 1}' });
    expect(bad.code).toBe('bad-request');
    expect(bad.message).toMatch(/^Model file: broken: /);
    const mismatch = await refusal('ml:import', {
      name: 'py.json',
      json,
      featureSet: { features: [{ kind: 'return', lag: 1, name: 'ret_1' }] },
    });
    expect(mismatch.message).toMatch(
      /^Model file: py.json: the model's 3 columns do not match the feature set's 1: the model has rsi_14, vol_z/,
    );
    expect((await value<ModelSummary[]>('ml:list', {})).map((m) => m.id)).toEqual([summary.id]);
  });

  test('a large file is read on a worker: this thread keeps its timers meanwhile', async () => {
    const json = largeXgboostModel(4000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = performance.now();
    const summary = await value<ModelSummary>('ml:import', { name: 'large', json });
    const ms = performance.now() - started;
    clearInterval(timer);
    expect(summary.trees).toBe(8000);
    // Were the file read here, not one tick would come until it was done.
    expect(ticks).toBeGreaterThan(Math.min(5, ms / 40));
  });
});

const FIXTURE = 'binary-1.7.json';

/** The fixture's trees repeated `copies` times: a model file as large as a real one of thousands of trees. */
function largeXgboostModel(copies: number): string {
  const model = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'xgboost', FIXTURE), 'utf8'));
  const trees = model.learner.gradient_booster.model;
  const one = trees.trees as { id: number }[];
  trees.trees = Array.from({ length: copies }, (_, c) =>
    one.map((t, i) => ({ ...t, id: c * one.length + i })),
  ).flat();
  trees.tree_info = trees.trees.map(() => 0);
  trees.iteration_indptr = Array.from({ length: trees.trees.length + 1 }, (_, i) => i);
  trees.gbtree_model_param.num_trees = String(trees.trees.length);
  return JSON.stringify(model);
}
