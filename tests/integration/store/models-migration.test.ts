// The model registry's migration (models, predictions) and its repository, on real SQLite files: a 0009 database
// migrates with its rows kept, models round-trip, deleting a model (or a backtest) takes its predictions along, a
// run's predictions come back in bar order, and saving a bar twice stores it once (sessions resume after restarts).
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openDatabase } from '../../../src/main/store/database';
import { models } from '../../../src/main/store/migrations/0010-models';
import { createModelRepo, type NewModel } from '../../../src/main/store/model-repo';
import type { FoldMetrics, TrainRequest } from '../../../src/shared/domain/ml';
import { trainRequestSchema } from '../../../src/shared/domain/ml';
import { migrateAcross, type TempFolder, tempFolder } from './store-helpers';

let folder: TempFolder;
beforeEach(() => {
  folder = tempFolder();
});
afterEach(() => {
  folder.remove();
});

const request: TrainRequest = trainRequestSchema.parse({
  symbol: 'ACME',
  featureSet: {
    features: [
      { kind: 'return', lag: 1 },
      { kind: 'rsi', period: 14 },
    ],
  },
  label: { kind: 'forward-return', horizon: 3, threshold: 0.001 },
  params: { rounds: 20, maxDepth: 3 },
});

function newModel(id: string, createdAt = 1_000): NewModel {
  return {
    id,
    name: `model ${id}`,
    createdAt,
    origin: 'trained',
    objective: 'binary:logistic',
    symbol: 'ACME',
    featureSet: request.featureSet,
    featureSetHash: 'a'.repeat(64),
    featureNames: ['return_1', 'rsi_14'],
    label: request.label,
    params: request.params,
    request,
  };
}

const fold = (n: number, auc: number | null): FoldMetrics => ({
  fold: n,
  trainFrom: 0,
  trainTo: 10,
  testFrom: 20,
  testTo: 30,
  trainRows: 11,
  testRows: 11,
  auc,
  logLoss: 0.6,
  accuracy: 0.55,
  precision: 0.5,
  recall: 0.4,
  threshold: 0.5,
  rmse: null,
  rounds: 20,
});

const outcome = {
  modelFile: '{"format":"marketboss-model","trees":[]}',
  featureNames: ['return_1', 'rsi_14'],
  trees: 20,
  trainFrom: 100,
  trainTo: 900,
  folds: [fold(1, 0.6), fold(2, null), fold(3, 0.7)],
  importance: [{ feature: 'rsi_14', gain: 3.5, cover: 10, splits: 4 }],
  calibration: [{ from: 0, to: 0.5, rows: 10, meanPrediction: 0.3, observedRate: 0.25 }],
};

describe(models.name, () => {
  test('9 → 10 keeps the rows already there and adds models and predictions', () => {
    const { before, after, db } = migrateAcross(folder, models.version, (old) => {
      old.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('theme', '\"dark\"', 1)").run();
      old
        .prepare(
          "INSERT INTO watchlist (source, symbol, position, added_at) VALUES ('synthetic', 'ACME', 0, 1)",
        )
        .run();
      old
        .prepare(
          "INSERT INTO backtest_runs (id, name, status, created_at, data_spec, config, strategy_id) VALUES ('bt-1', 'a', 'done', 1, '{}', '{}', 'sma-crossover')",
        )
        .run();
    });
    expect(Object.keys(after).filter((t) => !(t in before))).toEqual(['models', 'predictions']);
    expect(after.settings!.rows).toHaveLength(1);
    expect(after.watchlist!.rows).toHaveLength(1);
    expect(after.backtest_runs!.rows).toHaveLength(1);
    db.close();
  });

  test('a ready model must have its file, a model in training must not; statuses and origins are checked', () => {
    const { db } = migrateAcross(folder, models.version);
    const insert = db.prepare(
      "INSERT INTO models (id, name, created_at, origin, status, objective, feature_names, model_file) VALUES (?, 'm', 1, ?, ?, 'binary:logistic', '[]', ?)",
    );
    insert.run('md-a', 'trained', 'training', null);
    insert.run('md-b', 'xgboost', 'ready', Buffer.from('{}'));
    expect(() => insert.run('md-c', 'trained', 'ready', null)).toThrow(/CHECK/);
    expect(() => insert.run('md-d', 'trained', 'training', Buffer.from('{}'))).toThrow(/CHECK/);
    expect(() => insert.run('md-e', 'python', 'training', null)).toThrow(/CHECK/);
    expect(() => insert.run('md-f', 'trained', 'lost', null)).toThrow(/CHECK/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO predictions (model_id, run_kind, run_id, bar_time, value) VALUES ('md-zz', 'backtest', 'bt-1', 1, 0.5)",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });
});

describe('model repo', () => {
  test('a training run round-trips: started with its request, finished with its file, metrics and importance', () => {
    const db = openDatabase(folder.file());
    const repo = createModelRepo(db);
    repo.start(newModel('md-one'));

    const training = repo.get('md-one')!;
    expect(training.status).toBe('training');
    expect(training.trees).toBe(0);
    expect(repo.modelFile('md-one')).toBeUndefined();

    expect(repo.finish('md-one', outcome)).toBe(true);
    const detail = repo.get('md-one')!;
    expect(detail).toEqual({
      id: 'md-one',
      name: 'model md-one',
      createdAt: 1_000,
      origin: 'trained',
      objective: 'binary:logistic',
      symbol: 'ACME',
      featureSetHash: 'a'.repeat(64),
      featureNames: ['return_1', 'rsi_14'],
      trainFrom: 100,
      trainTo: 900,
      trees: 20,
      meanAuc: expect.closeTo(0.65, 12),
      status: 'ready',
      error: null,
      featureSet: request.featureSet,
      label: request.label,
      params: request.params,
      folds: outcome.folds,
      importance: outcome.importance,
      calibration: outcome.calibration,
    });
    expect(repo.modelFile('md-one')).toBe(outcome.modelFile);
    expect(repo.request('md-one')).toEqual(request);
    // A second finish (a late worker answer) changes nothing.
    expect(repo.finish('md-one', { ...outcome, trees: 1 })).toBe(false);
    expect(repo.get('md-one')!.trees).toBe(20);
    db.close();
  });

  test('an import is stored ready in one step; the list is newest first', () => {
    const db = openDatabase(folder.file());
    const repo = createModelRepo(db);
    repo.start(newModel('md-old', 1));
    repo.add(
      { ...newModel('md-new', 2), origin: 'xgboost', featureSet: null, featureSetHash: null, request: null },
      { ...outcome, folds: [], importance: [], calibration: [], trainFrom: null, trainTo: null },
    );
    expect(repo.list().map((m) => [m.id, m.status, m.origin, m.meanAuc])).toEqual([
      ['md-new', 'ready', 'xgboost', null],
      ['md-old', 'training', 'trained', null],
    ]);
    expect(repo.modelFile('md-new')).toBe(outcome.modelFile);
    expect(repo.request('md-new')).toBeNull();
    db.close();
  });

  test('failed and canceled runs keep why; start-up marks a run cut short by a shutdown failed', () => {
    const path = folder.file();
    let db = openDatabase(path);
    let repo = createModelRepo(db);
    repo.start(newModel('md-fails', 1));
    repo.start(newModel('md-stops', 2));
    repo.start(newModel('md-cut', 3));
    expect(repo.end('md-fails', 'failed', 'look-ahead: rsi_14 changed')).toBe(true);
    expect(repo.end('md-stops', 'canceled', 'canceled by the user')).toBe(true);
    expect(repo.end('md-stops', 'failed', 'too late')).toBe(false);
    db.close(); // the app stops while md-cut trains

    db = openDatabase(path);
    repo = createModelRepo(db);
    expect(repo.markInterrupted()).toBe(1);
    expect(repo.list().map((m) => [m.id, m.status, m.error])).toEqual([
      ['md-cut', 'failed', 'interrupted: MarketBoss stopped during the training'],
      ['md-stops', 'canceled', 'canceled by the user'],
      ['md-fails', 'failed', 'look-ahead: rsi_14 changed'],
    ]);
    expect(repo.finish('md-cut', outcome)).toBe(false);
    db.close();
  });

  test("a run's predictions come back in bar order, per model and run; the same bar saved twice is stored once", () => {
    const db = openDatabase(folder.file());
    const repo = createModelRepo(db);
    repo.add(newModel('md-a'), outcome);
    repo.add(newModel('md-b'), outcome);
    const session = { kind: 'session', id: 'ss-1' } as const;

    expect(
      repo.savePredictions('md-a', session, [
        { time: 300, value: 0.3 },
        { time: 100, value: 0.1 },
        { time: 200, value: 0.2 },
      ]),
    ).toBe(3);
    // After a restart the session saves from a bar it had already saved: the first value stays, no second row.
    expect(
      repo.savePredictions('md-a', session, [
        { time: 300, value: 0.99 },
        { time: 400, value: 0.4 },
      ]),
    ).toBe(1);
    repo.savePredictions('md-b', session, [{ time: 100, value: 0.7 }]);
    repo.savePredictions('md-a', { kind: 'backtest', id: 'ss-1' }, [{ time: 100, value: 0.8 }]);

    expect(repo.predictions('md-a', session)).toEqual({
      time: [100, 200, 300, 400],
      prediction: [0.1, 0.2, 0.3, 0.4],
    });
    expect(repo.predictions('md-b', session)).toEqual({ time: [100], prediction: [0.7] });
    expect(repo.predictions('md-a', { kind: 'backtest', id: 'ss-1' })).toEqual({
      time: [100],
      prediction: [0.8],
    });
    expect(repo.predictions('md-a', { kind: 'session', id: 'ss-2' })).toEqual({ time: [], prediction: [] });
    expect(db.prepare('SELECT count(*) AS n FROM predictions').get()).toEqual({ n: 6 });
    db.close();
  });

  test('deleting a model takes its predictions; a model in training is not deleted; a deleted backtest takes its own', () => {
    const db = openDatabase(folder.file());
    const repo = createModelRepo(db);
    repo.add(newModel('md-a'), outcome);
    repo.add(newModel('md-b'), outcome);
    repo.start(newModel('md-busy'));
    db.prepare(
      "INSERT INTO backtest_runs (id, name, status, created_at, data_spec, config, strategy_id) VALUES ('bt-1', 'a', 'done', 1, '{}', '{}', 'ml-signal')",
    ).run();
    repo.savePredictions('md-a', { kind: 'backtest', id: 'bt-1' }, [{ time: 1, value: 0.5 }]);
    repo.savePredictions('md-a', { kind: 'session', id: 'ss-1' }, [{ time: 1, value: 0.5 }]);
    repo.savePredictions('md-b', { kind: 'backtest', id: 'bt-1' }, [{ time: 1, value: 0.5 }]);
    repo.savePredictions('md-b', { kind: 'backtest', id: 'bt-2' }, [{ time: 1, value: 0.5 }]);

    expect(repo.delete('md-a')).toBe(true);
    expect(repo.delete('md-a')).toBe(false);
    expect(repo.delete('md-busy')).toBe(false);
    expect(repo.get('md-a')).toBeUndefined();
    expect(repo.predictions('md-a', { kind: 'session', id: 'ss-1' }).time).toEqual([]);

    db.prepare("DELETE FROM backtest_runs WHERE id = 'bt-1'").run();
    expect(repo.predictions('md-b', { kind: 'backtest', id: 'bt-1' }).time).toEqual([]);
    expect(repo.predictions('md-b', { kind: 'backtest', id: 'bt-2' }).time).toEqual([1]);
    db.close();
  });
});
