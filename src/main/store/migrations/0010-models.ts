import type { Migration } from './types';

// The model registry: every model trained here or imported from XGBoost, with what it was trained on and how it did,
// and its model file (our canonical JSON, byte for byte); and the predictions models made over a run's bars, kept
// with the model that made them. A training run's row exists from the moment it starts (status 'training', no model
// file yet), so a shutdown mid-training leaves a trace that start-up marks failed.
export const models: Migration = {
  version: 10,
  name: '0010-models',
  up(db) {
    db.exec(`
      CREATE TABLE models (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('trained', 'xgboost')),
        status TEXT NOT NULL CHECK (status IN ('training', 'ready', 'failed', 'canceled')),
        error TEXT,
        objective TEXT NOT NULL,
        symbol TEXT,
        feature_set TEXT,               -- JSON FeatureSet (null: an import without one)
        feature_set_hash TEXT,
        feature_names TEXT NOT NULL,    -- JSON string[], the model's columns in order
        label TEXT,                     -- JSON LabelSpec
        params TEXT,                    -- JSON BoosterParams
        train_from INTEGER,             -- bar times (ms) of the first and last training rows
        train_to INTEGER,
        trees INTEGER NOT NULL DEFAULT 0,
        mean_auc REAL,
        folds TEXT NOT NULL DEFAULT '[]',        -- JSON FoldMetrics[]
        importance TEXT NOT NULL DEFAULT '[]',   -- JSON FeatureImportance[]
        calibration TEXT NOT NULL DEFAULT '[]',  -- JSON CalibrationBin[]
        request TEXT,                   -- JSON TrainRequest as parsed (trained models)
        model_file BLOB,                -- the canonical model file; present exactly when ready
        CHECK ((status = 'ready') = (model_file IS NOT NULL))
      ) STRICT;
      CREATE INDEX models_created ON models (created_at DESC);

      -- One prediction per model, run and bar: saving a bar again (a session resumed after a restart) keeps the
      -- first, so a run's series never holds a bar twice.
      CREATE TABLE predictions (
        model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
        run_kind TEXT NOT NULL CHECK (run_kind IN ('backtest', 'session')),
        run_id TEXT NOT NULL,
        bar_time INTEGER NOT NULL,
        value REAL NOT NULL,
        PRIMARY KEY (run_kind, run_id, model_id, bar_time)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX predictions_model ON predictions (model_id);

      -- A deleted backtest takes its predictions along (run ids name different tables, so no foreign key can).
      CREATE TRIGGER backtest_runs_predictions_delete AFTER DELETE ON backtest_runs BEGIN
        DELETE FROM predictions WHERE run_kind = 'backtest' AND run_id = OLD.id;
      END;
    `);
  },
};
