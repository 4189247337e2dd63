// ML signals: feature sets, labels, booster settings, fold metrics and the model registry's records. Requests are zod
// schemas (checked at the API, by the CLI and when a model file is read); results are plain JSON data stored in
// SQLite and shown by the Models view. Training is a pure function of (bars, feature set, label, settings, seed): the
// same request gives the same model bytes.
import { z } from 'zod';
import { backtestDataSchema } from './backtest';

const period = (max: number) => z.number().int().min(1).max(max);

/**
 * One feature of a feature set. Every kind is computed by one stepper fed bar by bar, in a backtest and live alike,
 * so a live bar gets exactly the value its backtest bar had. A feature uses bars up to and including its own bar,
 * never later ones. `name` is the column name in files and in the model (defaults to a name built from the kind).
 */
export const featureSpecSchema = z.discriminatedUnion('kind', [
  /** Log return of the close over `lag` bars. */
  z.object({ kind: z.literal('return'), lag: period(500), name: z.string().optional() }).strict(),
  /** Standard deviation of 1-bar log returns over `window` bars. */
  z.object({ kind: z.literal('volatility'), window: period(1000), name: z.string().optional() }).strict(),
  z.object({ kind: z.literal('rsi'), period: period(500), name: z.string().optional() }).strict(),
  /** Two columns: the MACD line and its signal line (both ÷ close, so symbols at different prices compare). */
  z
    .object({
      kind: z.literal('macd'),
      fast: period(500),
      slow: period(1000),
      signal: period(500),
      name: z.string().optional(),
    })
    .strict(),
  /** Average true range ÷ close. */
  z.object({ kind: z.literal('atr'), period: period(500), name: z.string().optional() }).strict(),
  /** (volume − mean) ÷ standard deviation over `window` bars. */
  z.object({ kind: z.literal('volume-z'), window: period(1000), name: z.string().optional() }).strict(),
  /** close ÷ moving average − 1. */
  z
    .object({
      kind: z.literal('ma-distance'),
      period: period(1000),
      average: z.enum(['sma', 'ema']).default('sma'),
      name: z.string().optional(),
    })
    .strict(),
  /** Minutes since midnight, New York time, ÷ 1440. */
  z.object({ kind: z.literal('time-of-day'), name: z.string().optional() }).strict(),
  /** 0 = Monday … 4 = Friday (New York time). */
  z.object({ kind: z.literal('day-of-week'), name: z.string().optional() }).strict(),
]);
export type FeatureSpec = z.output<typeof featureSpecSchema>;

/**
 * A feature set, declared as data. `symbols` adds the same features computed on other symbols' bars (aligned by bar
 * time, missing where that symbol has no bar yet); `timeframes` adds them computed on bars aggregated `factor` times
 * (a higher timeframe's value is the one of its last *closed* bar, so no bar sees its own unfinished period).
 */
export const featureSetSchema = z
  .object({
    version: z.literal(1).default(1),
    features: z.array(featureSpecSchema).min(1, 'a feature set needs at least one feature').max(200),
    symbols: z.array(z.string().trim().min(1).max(20)).max(10).default([]),
    timeframes: z.array(z.number().int().min(2).max(1000)).max(4).default([]),
  })
  .strict();
export type FeatureSet = z.output<typeof featureSetSchema>;
export type FeatureSetInput = z.input<typeof featureSetSchema>;

/**
 * What a model learns to predict. `forward-return`: 1 when the close `horizon` bars later is above this close by more
 * than `threshold` (a fraction, 0.001 = 0.1%), 0 when below by more than it; rows in between are dropped from
 * training. `triple-barrier`: 1 when the high reaches +`target` before the low reaches −`stop` within `horizon` bars,
 * else 0 (a bar touching both counts as the stop: the worst case). Either way, a row's label uses bars after it, so
 * a fold's training rows end `horizon` bars before its test rows begin (the purge).
 */
export const labelSpecSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('forward-return'),
      horizon: period(1000),
      threshold: z.number().min(0).max(1).default(0),
    })
    .strict(),
  z
    .object({
      kind: z.literal('triple-barrier'),
      horizon: period(1000),
      target: z.number().positive().max(1),
      stop: z.number().positive().max(1),
    })
    .strict(),
]);
export type LabelSpec = z.output<typeof labelSpecSchema>;

export const BOOSTER_OBJECTIVES = ['binary:logistic', 'reg:squarederror'] as const;
export type BoosterObjective = (typeof BOOSTER_OBJECTIVES)[number];

/** Gradient-boosted tree settings; the names and defaults are XGBoost's (hist method), so settings carry over. */
export const boosterParamsSchema = z
  .object({
    objective: z.enum(BOOSTER_OBJECTIVES).default('binary:logistic'),
    rounds: z.number().int().min(1).max(10_000).default(100),
    maxDepth: z.number().int().min(1).max(16).default(6),
    eta: z.number().positive().max(1).default(0.3),
    lambda: z.number().min(0).default(1),
    alpha: z.literal(0).default(0),
    minChildWeight: z.number().min(0).default(1),
    gamma: z.number().min(0).default(0),
    subsample: z.number().gt(0).max(1).default(1),
    colsample: z.number().gt(0).max(1).default(1),
    maxBin: z.number().int().min(2).max(1024).default(256),
    /** Stop when the validation loss has not improved for this many rounds (needs a validation set); 0 = never. */
    earlyStoppingRounds: z.number().int().min(0).max(10_000).default(0),
    /** The starting prediction (a probability for binary:logistic); omitted = the mean label, as XGBoost ≥ 2 does. */
    baseScore: z.number().optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
  })
  .strict();
export type BoosterParams = z.output<typeof boosterParamsSchema>;
export type BoosterParamsInput = z.input<typeof boosterParamsSchema>;

/** Metrics of one fold's test rows (binary labels; regression folds fill rmse and leave the rest null). */
export interface FoldMetrics {
  readonly fold: number;
  /** Bar times (ms) of the first and last training rows and test rows. */
  readonly trainFrom: number;
  readonly trainTo: number;
  readonly testFrom: number;
  readonly testTo: number;
  readonly trainRows: number;
  readonly testRows: number;
  readonly auc: number | null;
  readonly logLoss: number | null;
  readonly accuracy: number | null;
  /** At `threshold`: of the rows predicted 1, the share that were 1; of the rows that were 1, the share predicted 1. */
  readonly precision: number | null;
  readonly recall: number | null;
  readonly threshold: number;
  readonly rmse: number | null;
  /** Rounds kept (early stopping may keep fewer than asked). */
  readonly rounds: number;
}

/** Gain: the loss reduction of a feature's splits, summed; cover: the Hessian weight they split, summed. */
export interface FeatureImportance {
  readonly feature: string;
  readonly gain: number;
  readonly cover: number;
  readonly splits: number;
}

/** Reliability of predicted probabilities: rows binned by prediction, mean prediction against the observed rate. */
export interface CalibrationBin {
  readonly from: number;
  readonly to: number;
  readonly rows: number;
  readonly meanPrediction: number;
  readonly observedRate: number;
}

export const WALK_FORWARD_MODES = ['expanding', 'rolling'] as const;
export type TrainingWindowMode = (typeof WALK_FORWARD_MODES)[number];

/** Where a model came from. `xgboost`: imported from a file XGBoost saved; the rest are trained here. */
export type ModelOrigin = 'trained' | 'xgboost';

/** A registry row's state: `training` until its run ends; only a `ready` model has a model file and predicts. */
export const MODEL_STATUSES = ['training', 'ready', 'failed', 'canceled'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

/** A registered model, as the list shows it. */
export interface ModelSummary {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly origin: ModelOrigin;
  readonly objective: BoosterObjective;
  readonly symbol: string | null;
  /** SHA-256 of the canonical feature set JSON (null for an imported model without one). */
  readonly featureSetHash: string | null;
  readonly featureNames: readonly string[];
  /** Bar times (ms) of the first and last training rows. */
  readonly trainFrom: number | null;
  readonly trainTo: number | null;
  readonly trees: number;
  /** Mean of the folds' test AUC (null when none was measured). */
  readonly meanAuc: number | null;
  readonly status: ModelStatus;
  /** Why a training run failed or stopped (null otherwise). */
  readonly error: string | null;
}

/** One model with everything the Models view shows. */
export interface ModelDetail extends ModelSummary {
  readonly featureSet: FeatureSet | null;
  readonly label: LabelSpec | null;
  readonly params: BoosterParams | null;
  readonly folds: readonly FoldMetrics[];
  readonly importance: readonly FeatureImportance[];
  readonly calibration: readonly CalibrationBin[];
}

/** A request to train a model on a symbol's bars with walk-forward folds (the Models view, `npm run ml -- train`). */
export const trainRequestSchema = z
  .object({
    name: z.string().trim().max(120).optional(),
    symbol: z.string().trim().min(1).max(20),
    /**
     * Where the bars come from, as a backtest names it (synthetic, CSV files, Alpaca history); `symbol` must be one
     * of its symbols, the others can serve the feature set's `symbols`. The app needs it; the CLI reads --data.
     */
    data: backtestDataSchema.optional(),
    featureSet: featureSetSchema,
    label: labelSpecSchema,
    params: boosterParamsSchema,
    folds: z.number().int().min(1).max(50).default(5),
    mode: z.enum(WALK_FORWARD_MODES).default('expanding'),
    /** The probability above which a row counts as predicted 1 in the fold metrics (and the strategy's default). */
    threshold: z.number().gt(0).lt(1).default(0.5),
  })
  .strict();
export type TrainRequest = z.output<typeof trainRequestSchema>;
export type TrainRequestInput = z.input<typeof trainRequestSchema>;

/** Progress of a training run: `done` of `total` steps (trees across the folds and the final model). */
export interface TrainingProgress {
  readonly trainingId: string;
  readonly stage: 'features' | 'folds' | 'final' | 'look-ahead check' | 'done' | 'failed' | 'canceled';
  readonly done: number;
  readonly total: number;
  readonly message?: string;
}

export const modelIdSchema = z.string().regex(/^md-[a-z0-9-]{1,60}$/, 'not a model id');

/** Importing a model saved by XGBoost (`save_model("model.json")`): the file's text and a name for the registry. */
export const modelImportSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    /** The JSON file's text, as read by the renderer's file picker (at most 64 MB). */
    json: z
      .string()
      .min(2)
      .max(64 * 1024 * 1024),
    /** The feature set the model's columns were computed with, when it was built from ours; else the model only predicts from files. */
    featureSet: featureSetSchema.optional(),
  })
  .strict();
export type ModelImport = z.output<typeof modelImportSchema>;

/** A model's stored predictions for one run (a backtest or a session), for the chart: bar times and probabilities. */
export interface PredictionSeries {
  readonly modelId: string;
  readonly time: readonly number[];
  readonly prediction: readonly number[];
}
