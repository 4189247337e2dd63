// ML signal: trade a stored model's predicted probability that the price rises over its label horizon.
//
// How the model reaches the strategy, and how predictions leave it (the design):
// - The params name the model by id only (`modelId`), so configs, session snapshots and reports stay small and the
//   form stays a form. Strategies are pure and cannot read SQLite, so the service layer (backtest jobs, the session
//   service: research/signal-models.ts) resolves every model id a config names to the registry's stored model before
//   the run and hands it over through the run, not the params: `StrategyRun.resource('model', id)`
//   (engine/strategy.ts) answers a SignalModel (signal-model.ts) — plain data, so it crosses to a backtest's worker
//   thread — which the strategy checks with zod when it is created. An unknown id is refused before the run starts,
//   naming the field. Research cells and the backtest CLI load no models yet and say so.
// - Predictions leave through the engine-level channel `StrategyRun.outputs` (StrategyOutputs): one call per bar
//   with (symbol, model id, bar time, probability) — numbers and a constant string, nothing allocated; no channel,
//   no call. A backtest collects them into its result and its job stores them in the registry under the backtest
//   run; a session stores them under the session as each bar commits, and a recovery's replay stores only the bars
//   not stored yet (the registry keys predictions by run, model and bar). Notices (a model gone stale, fresh again,
//   retrained) leave through the same channel: a session turns them into alerts in the bar's ledger batch (so a
//   replay does not raise them twice), a backtest into notes.
// - Retraining (retrainEvery > 0) happens inside the strategy on the feature rows it computed itself, from rows whose
//   labels the current bar already knows (retraining.ts), so a backtest and a session (and a session's replay after
//   a restart) retrain identically. A retrained generation is named `<model id>-r<bar index>` in its notice; its
//   predictions are stored under the registry's model id it descends from (the registry keys predictions by a
//   registered model, and a backtest retraining twenty times should not add twenty models to the Models list).
import { z } from 'zod';
import { modelIdSchema } from '../../shared/domain/ml';
import type {
  OrderIntent,
  Strategy,
  StrategyContext,
  StrategyDefinition,
  StrategyOutputs,
  StrategyRun,
} from '../engine/strategy';
import { FeatureStepper } from '../ml/features';
import { type FeatureMatrix, predict, type TreeEnsemble } from '../ml/trees';
import { ConfigError } from './config-error';
import { FeatureHistory, retrain } from './retraining';
import { modelForRun, type SignalModel } from './signal-model';
import { CrossWatch, intent } from './signals';

const DAY_MS = 86_400_000;

const params = z.object({
  // Empty until the trader picks one: the form needs a default, and a run without a model is refused by name.
  modelId: z
    .string()
    .trim()
    .default('')
    .refine((id) => id === '' || modelIdSchema.safeParse(id).success, 'not a model id (md-…)')
    .describe('The model whose predicted probability is traded (trained or imported in Models)'),
  threshold: z
    .number()
    .min(0.5)
    .lt(1)
    .default(0.6)
    .describe('Enter long when the predicted probability crosses above this'),
  allowShort: z
    .boolean()
    .default(false)
    .describe('Also go short when the predicted probability crosses below 1 − threshold'),
  exitOnOpposite: z
    .boolean()
    .default(true)
    .describe(
      'Close a long when the probability crosses below 1 − threshold, a short when it crosses above the threshold',
    ),
  exitAtHorizon: z
    .boolean()
    .default(true)
    .describe('Close a position after the holding time, whatever the model says'),
  holdBars: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .default(0)
    .describe('Holding time in bars; 0 = the horizon of the model’s label (no time exit when it has none)'),
  retrainEvery: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(0)
    .describe('Retrain every N bars on the window before, never on later bars (0 = never)'),
  trainingWindow: z
    .number()
    .int()
    .min(50)
    .max(1_000_000)
    .default(2_000)
    .describe('Bars of labelled history each retraining learns from'),
  expiryDays: z
    .number()
    .min(0)
    .max(3_650)
    .default(0)
    .describe(
      'A model whose training data ended more than this many days before the bar opens nothing new and raises an alert (0 = never stale)',
    ),
  warmupBars: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(100)
    .describe(
      'Bars before the first trade: the features warm up on them (a session loads this much history)',
    ),
});

export type MlSignalParams = z.output<typeof params>;

// Exit and entry codes index the prepared intents: exit 0 none, 1 long, 2 short; entry 0 none, 1 long, 2 short.
const NO_EXIT = 0;
const EXIT_LONG = 1;
const EXIT_SHORT = 2;
const NO_ENTRY = 0;
const ENTER_LONG = 1;
const ENTER_SHORT = 2;

/** Every answer the strategy can give, built once and frozen: [exit][why][entry]. */
function preparedIntents(symbol: string, p: MlSignalParams): (readonly OrderIntent[] | undefined)[] {
  const high = `model probability crossed above ${p.threshold}`;
  const low = `model probability crossed below ${round(1 - p.threshold)}`;
  const answers: (readonly OrderIntent[] | undefined)[] = [];
  for (let exit = 0; exit < 3; exit++) {
    for (let timed = 0; timed < 2; timed++) {
      for (let entry = 0; entry < 3; entry++) {
        const list: OrderIntent[] = [];
        const why = timed === 1 ? 'held for the holding time' : exit === EXIT_LONG ? low : high;
        if (exit === EXIT_LONG) list.push(intent(symbol, 'sell', 'close', why));
        if (exit === EXIT_SHORT) list.push(intent(symbol, 'buy', 'close', why));
        if (entry === ENTER_LONG) list.push(intent(symbol, 'buy', 'open', high));
        if (entry === ENTER_SHORT) list.push(intent(symbol, 'sell', 'open', low));
        answers.push(list.length === 0 ? undefined : Object.freeze(list));
      }
    }
  }
  return answers;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function dateOf(time: number): string {
  return new Date(time).toISOString().slice(0, 16).replace('T', ' ');
}

class MlSignal implements Strategy {
  private readonly features: FeatureStepper;
  private readonly outputs: StrategyOutputs | undefined;
  private readonly row: Float64Array;
  private readonly matrix: FeatureMatrix;
  private readonly prediction = new Float64Array(1);
  private readonly watch = new CrossWatch();
  private readonly answers: (readonly OrderIntent[] | undefined)[];
  private readonly holdBars: number;
  private readonly expiryMs: number;
  private readonly history: FeatureHistory | undefined;
  private readonly warmup: number;
  private ensemble: TreeEnsemble;
  private modelId: string;
  private trainedTo: number | null;
  /** The first retraining comes `retrainEvery` bars into the run. */
  private lastRetrain = 0;
  /** Signals wait until every feature has a value (the feature set's warm-up). */
  private ready = false;
  private stale = false;
  /** Bars the current position has been held, and its side. */
  private held = 0;
  private heldSide = 0;

  constructor(
    private readonly p: MlSignalParams,
    private readonly symbol: string,
    private readonly model: SignalModel,
    run: StrategyRun | undefined,
  ) {
    const { featureSet } = model;
    if (featureSet.symbols.length > 0) {
      throw new ConfigError(
        'modelId',
        `model ${model.id} uses features of other symbols (${featureSet.symbols.join(', ')}), which ml-signal cannot feed yet; train one on ${symbol}'s own bars`,
      );
    }
    this.outputs = run?.outputs;
    // The bars' length as in training: higher timeframes group by it, and daily bars' calendar features read it.
    this.features = new FeatureStepper(
      featureSet,
      run?.timeframe === undefined ? {} : { timeframe: run.timeframe },
    );
    const names = this.features.names;
    const modelNames = model.ensemble.featureNames;
    if (names.length !== modelNames.length || names.some((name, f) => modelNames[f] !== name)) {
      throw new ConfigError(
        'modelId',
        `model ${model.id} reads the columns ${modelNames.join(', ')}, its feature set makes ${names.join(', ')}`,
      );
    }
    if (p.retrainEvery > 0 && model.label === null) {
      throw new ConfigError(
        'retrainEvery',
        `model ${model.id} has no label (it was imported), so it cannot be retrained; set retrainEvery to 0`,
      );
    }
    this.row = new Float64Array(names.length);
    this.matrix = { rows: 1, features: names.length, values: new Float32Array(names.length) };
    this.answers = preparedIntents(symbol, p);
    const horizon = model.label?.horizon ?? 0;
    this.holdBars = p.exitAtHorizon ? (p.holdBars > 0 ? p.holdBars : horizon) : 0;
    this.expiryMs = p.expiryDays * DAY_MS;
    this.history =
      p.retrainEvery > 0 ? new FeatureHistory(names.length, p.trainingWindow + horizon) : undefined;
    this.warmup = mlSignalWarmup(p);
    this.ensemble = model.ensemble;
    this.modelId = model.id;
    this.trainedTo = model.trainedTo;
  }

  onBar(ctx: StrategyContext): readonly OrderIntent[] | undefined {
    const bar = ctx.bar;
    const row = this.features.push(bar, this.row);
    if (this.history !== undefined) {
      this.history.push(bar.index, row);
      if (bar.index - this.lastRetrain >= this.p.retrainEvery) this.retrainAt(ctx);
    }
    this.matrix.values.set(row);
    const probability = predict(this.ensemble, this.matrix, this.prediction)[0]!;
    this.outputs?.prediction(this.symbol, this.model.id, bar.time, probability);
    this.checkAge(bar.time);

    const position = ctx.position;
    const side = position > 0 ? 1 : position < 0 ? -1 : 0;
    this.held = side === 0 ? 0 : side === this.heldSide ? this.held + 1 : 1;
    this.heldSide = side;

    const watch = this.watch;
    if (!this.ready) {
      // The engine would drop intents before the warm-up anyway; waiting here keeps the crossings honest too.
      if (bar.index < this.warmup || row.some(Number.isNaN)) return undefined;
      this.ready = true;
    }
    watch.update(probability);
    const up = watch.crossedAbove(this.p.threshold);
    const down = watch.crossedBelow(1 - this.p.threshold);
    const timeUp = this.holdBars > 0 && this.held >= this.holdBars;
    let exit = NO_EXIT;
    if (side > 0 && (timeUp || (this.p.exitOnOpposite && down))) exit = EXIT_LONG;
    else if (side < 0 && (timeUp || (this.p.exitOnOpposite && up))) exit = EXIT_SHORT;
    let entry = NO_ENTRY;
    if (!this.stale && (side === 0 || exit !== NO_EXIT)) {
      if (up && side <= 0) entry = ENTER_LONG;
      else if (down && this.p.allowShort && side >= 0) entry = ENTER_SHORT;
    }
    const timed = exit !== NO_EXIT && timeUp ? 1 : 0;
    if (exit !== NO_EXIT) {
      // The holding time restarts with whatever this bar opens (a new entry fills as the exit does).
      this.held = 0;
      this.heldSide = 0;
    }
    return this.answers[(exit * 2 + timed) * 3 + entry];
  }

  /** Stale: the model's training data ended more than expiryDays before this bar. Told once per change. */
  private checkAge(time: number): void {
    const trainedTo = this.trainedTo;
    const stale = this.expiryMs > 0 && trainedTo !== null && time - trainedTo > this.expiryMs;
    if (stale === this.stale) return;
    this.stale = stale;
    const { symbol, modelId } = this;
    if (stale) {
      this.outputs?.notice(
        symbol,
        time,
        'warning',
        'model-stale',
        `${symbol}: model ${modelId} is stale (trained on bars up to ${dateOf(trainedTo!)}, more than ${this.p.expiryDays} days ago); no new entries until it is retrained`,
      );
    } else {
      this.outputs?.notice(
        symbol,
        time,
        'info',
        'model-fresh',
        `${symbol}: model ${modelId} is fresh again; entries resume`,
      );
    }
  }

  private retrainAt(ctx: StrategyContext): void {
    const bar = ctx.bar;
    const trained = retrain(
      bar,
      this.history!,
      this.model.label!,
      this.model.params,
      this.p.trainingWindow,
      this.model.ensemble.featureNames,
    );
    if (trained === undefined) return;
    this.lastRetrain = bar.index;
    this.ensemble = trained.ensemble;
    this.modelId = `${this.model.id}-r${bar.index}`;
    this.trainedTo = trained.trainedTo;
    this.outputs?.notice(
      this.symbol,
      bar.time,
      'info',
      'model-retrained',
      `${this.symbol}: retrained as ${this.modelId} on ${trained.rows} rows (bars ${trained.from}–${trained.to}, up to ${dateOf(trained.trainedTo)})`,
    );
  }
}

// The model's feature set is not known from the params (only its id), so the warm-up is a parameter; the strategy
// also waits for every feature to have a value. Retraining wants its window of history first.
function mlSignalWarmup(p: MlSignalParams): number {
  return Math.max(p.warmupBars, p.retrainEvery > 0 ? p.trainingWindow : 0);
}

/**
 * Rule, at each bar's close: the bar's features (the model's feature set, computed by the same steppers as in
 * training) go through the model; p = its probability. Nothing is decided before every feature has a value.
 * Entries — only when flat (or leaving this bar) and the model is not stale: p crossing above `threshold` buys,
 * p crossing below 1 − threshold sells short (allowShort). Exits: a long when p crosses below 1 − threshold, a short
 * when p crosses above the threshold (exitOnOpposite), or either after the holding time (the bars since its fill,
 * the label's horizon by default), besides the risk rules' stops and targets. Stale: bar time − the end of the
 * model's training data > expiryDays (an alert; exits still work). Retraining every `retrainEvery` bars: see
 * retraining.ts.
 */
export const mlSignal: StrategyDefinition<typeof params> = {
  id: 'ml-signal',
  name: 'ML signal',
  description:
    'Trades a trained model’s predicted probability of a rise: buys when it crosses above the threshold, sells when it falls below 1 − threshold or the label’s horizon passes; optionally shorts, retrains on a schedule and stops entering when the model is stale.',
  params,
  warmup: mlSignalWarmup,
  indicators: () => [],
  create: (p, symbol, run?: StrategyRun) => new MlSignal(p, symbol, modelForRun(p.modelId, run), run),
};
