// A session trading a stored model (ml-signal) over the API, on a real SQLite file: predictions are stored under the
// model and the session, a restart keeps them and adds none twice; a stale model raises one alert and opens nothing.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Services } from '../../../src/main/services';
import { createModelRepo } from '../../../src/main/store/model-repo';
import type { SessionSnapshot } from '../../../src/shared/domain/session';
import { tempDataDir } from '../../support/host-process';
import { registerStumpIn } from '../../unit/strategies/ml-models';
import { callValue, testServices, until } from './session-test-services';

let dataDir: string;
let services: Services;
let fills: number;

const open = () => {
  services = testServices(dataDir);
  fills = 0;
  services.pushes.subscribe((topic, batch) => {
    if (topic === 'fill') fills += batch.length;
  });
};

const value = <T>(name: string, arg: unknown): Promise<T> => callValue<T>(services, name, arg);

beforeEach(() => {
  dataDir = tempDataDir('marketboss-ml-session-');
  open();
});
afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const MODEL = 'md-stump';
const registerStump = (trainTo: number) => registerStumpIn(services.db, MODEL, trainTo);

const predictions = (sessionId: string) =>
  createModelRepo(services.db).predictions(MODEL, { kind: 'session', id: sessionId });

const config = (params: Record<string, unknown> = {}) => ({
  symbols: ['ACME'],
  feed: { kind: 'synthetic-live', speed: 12_000 },
  strategy: { id: 'ml-signal', params: { modelId: MODEL, warmupBars: 5, ...params } },
});

const increasing = (times: readonly number[]) => times.every((t, i) => i === 0 || t > times[i - 1]!);

describe('ml-signal sessions', () => {
  test.each([
    ['the stored model', {}],
    ['retraining every 25 bars', { retrainEvery: 25, trainingWindow: 50 }],
  ])(
    '%s: predictions are stored under the model and the session; a restart keeps them and duplicates none',
    async (_, params) => {
      registerStump(Date.now());
      const { id } = await value<{ id: string }>('session:create', { name: 'ml', config: config(params) });
      await value('session:start', { sessionId: id });
      await until(() => predictions(id).time.length >= 120 && fills > 0, 'predictions and a fill');
      await value('session:pause', { sessionId: id });
      const before = predictions(id);
      const snapshot = await value<SessionSnapshot>('session:get', { sessionId: id });
      // One prediction per bar the run processed (its warm-up history included), in bar order.
      expect(before.time).toEqual(Array.from(snapshot.bars.ACME!.time));
      expect(increasing(before.time)).toBe(true);
      // The stump's two leaves; retrained models predict more values (and the replay must retrain to the same).
      if (!('retrainEvery' in params)) expect(new Set(before.prediction).size).toBe(2);
      else expect(new Set(before.prediction).size).toBeGreaterThan(2);

      await services.close();
      open();

      // The recovery replayed every bar through a fresh model-driven strategy: nothing lost, nothing added twice.
      const after = await value<SessionSnapshot>('session:get', { sessionId: id });
      expect(after.session.status).toBe('paused');
      expect(after.reconciliation).toEqual([]);
      expect(predictions(id)).toEqual(before);
      expect(await value('ml:predictions', { id: MODEL, sessionId: id })).toEqual({
        modelId: MODEL,
        ...before,
      });

      await value('session:resume', { sessionId: id });
      await until(
        () => predictions(id).time.length >= before.time.length + 20,
        'more predictions after the restart',
      );
      await value('session:pause', { sessionId: id });
      const resumed = predictions(id);
      expect(increasing(resumed.time)).toBe(true);
      expect(resumed.time.slice(0, before.time.length)).toEqual(before.time);
      expect(resumed.prediction.slice(0, before.time.length)).toEqual(before.prediction);
      const count = services.db
        .prepare('SELECT count(*) AS n FROM predictions WHERE run_id = ? AND model_id = ?')
        .get(id, MODEL) as { n: number };
      expect(count.n).toBe(resumed.time.length);
    },
  );

  test('a stale model raises one alert, opens nothing, and a restart raises no second alert', async () => {
    registerStump(Date.UTC(2020, 0, 1));
    const { id } = await value<{ id: string }>('session:create', {
      name: 'stale',
      config: config({ expiryDays: 30 }),
    });
    await value('session:start', { sessionId: id });
    await until(() => predictions(id).time.length >= 60, 'sixty bars');
    await value('session:pause', { sessionId: id });
    const snapshot = await value<SessionSnapshot>('session:get', { sessionId: id });
    const stale = snapshot.alerts.filter((a) => a.kind === 'model-stale');
    expect(stale).toHaveLength(1);
    expect(stale[0]!.severity).toBe('warning');
    expect(stale[0]!.message).toContain(`model ${MODEL} is stale (trained on bars up to 2020-01-01 00:00`);
    expect(stale[0]!.message).toContain('no new entries');
    expect(snapshot.orders).toEqual([]);
    expect(snapshot.fills).toEqual([]);

    await services.close();
    open();
    const after = await value<SessionSnapshot>('session:get', { sessionId: id });
    expect(after.alerts.filter((a) => a.kind === 'model-stale')).toHaveLength(1);
  });

  test('a session naming a model not in the registry is refused naming the field, and no run starts', async () => {
    const { id } = await value<{ id: string }>('session:create', { name: 'none', config: config() });
    const started = await services.dispatch('session:start', { sessionId: id });
    expect(started).toMatchObject({ ok: false });
    expect(JSON.stringify(started)).toContain('config.strategy.params.modelId');
    expect(JSON.stringify(started)).toContain(`model ${MODEL} is not in the model registry`);
    const snapshot = await value<SessionSnapshot>('session:get', { sessionId: id });
    expect(snapshot.runId).toBeNull();
  });
});
