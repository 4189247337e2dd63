// The strategy API: what a built-in or user strategy implements, and what the engine offers it each bar.
import type { z } from 'zod';
import type { BarField, Timeframe } from '../../shared/domain/bars';
import type { OrderType, Side, TimeInForce } from '../../shared/domain/trading';

/** The bar being decided on and the ones before it; nothing later is reachable (no look-ahead). */
export interface BarView {
  /** Index of the current bar in its series. */
  readonly index: number;
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** `field` of the bar `back` bars before the current one (0 = current). Throws RangeError outside [0, index]. */
  ago(field: BarField, back: number): number;
}

/** Reused by the engine between bars (no per-bar allocation): read it during onBar, do not keep it. */
export interface StrategyContext {
  readonly symbol: string;
  readonly bar: BarView;
  /** Signed quantity this strategy's account holds in `symbol` (positive long, negative short). */
  readonly position: number;
  readonly avgPrice: number;
  readonly equity: number;
  readonly cash: number;
}

/**
 * What a strategy wants. `open` adds exposure: the risk gateway sizes it (unless qty is given), attaches the
 * configured stop and target, and may deny it. `close` reduces exposure and is allowed even when REDUCING.
 */
export interface OrderIntent {
  readonly symbol: string;
  readonly side: Side;
  readonly purpose: 'open' | 'close';
  /** Default 'market'. */
  readonly type?: OrderType;
  /** Explicit quantity; omitted: sized by the risk gateway (open) or the whole position (close). */
  readonly qty?: number;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly trailPercent?: number;
  /** Absolute stop-loss / take-profit prices overriding the RiskConfig percentages. */
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  readonly timeInForce?: TimeInForce;
  /** Why, in words, e.g. "fast SMA crossed above slow". Goes to the order and the report. */
  readonly reason: string;
  /** Sent by the trader from the order ticket, not decided by the strategy. */
  readonly manual?: boolean;
}

export interface Strategy {
  /**
   * Called once per bar close, for every bar including warm-up (so indicators can fill). Return intents or
   * undefined; return undefined on bars with nothing to do, so the hot loop allocates nothing.
   */
  onBar(ctx: StrategyContext): readonly OrderIntent[] | undefined;
}

/** An indicator a strategy uses, so the chart can draw it. */
export interface IndicatorSpec {
  readonly kind: 'sma' | 'ema' | 'bollinger' | 'rsi' | 'macd' | 'atr' | 'adx';
  readonly period?: number;
  readonly params?: Readonly<Record<string, number>>;
  /** 'price' overlays the candles; 'lower' gets a pane of its own. */
  readonly pane: 'price' | 'lower';
}

/**
 * What a strategy tells besides its orders, per bar: a model's prediction (ml-signal) and notices for the trader
 * (e.g. "the model is stale"). A backtest collects them into its result, a session stores the predictions and turns
 * notices into alerts. Numbers and constant strings only, so a strategy calling it every bar allocates nothing; a
 * run nobody listens to passes no channel and the strategy skips the call.
 */
export interface StrategyOutputs {
  /** `value` predicted by model `modelId` at the close of `symbol`'s bar at `time` (ms). */
  prediction(symbol: string, modelId: string, time: number, value: number): void;
  notice(
    symbol: string,
    time: number,
    severity: 'info' | 'warning' | 'critical',
    kind: string,
    message: string,
  ): void;
}

/**
 * What a run hands a strategy besides its parameters. Strategies are pure and cannot read the store, so the
 * service layer resolves what a strategy's params name (a stored model by its id) before the run and offers it
 * here as plain data (it crosses to worker threads); the strategy checks what it gets.
 */
export interface StrategyRun {
  /** The bar length of the symbol's series (the market builder sets it), for what reads bars by their length. */
  readonly timeframe?: Timeframe;
  readonly outputs?: StrategyOutputs;
  /** The stored thing of `kind` with `id`, as resolved for this run; undefined when the run has none. */
  resource?(kind: 'model', id: string): unknown;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds definitions of many parameter shapes
export type AnyParamsSchema = z.ZodObject<any>;

export interface StrategyDefinition<S extends AnyParamsSchema = AnyParamsSchema> {
  /** Stable id used in configs and the CLI, e.g. 'sma-crossover'. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Parameters with defaults, bounds and `.describe()` texts; the UI form is generated from it. */
  readonly params: S;
  /** Bars needed before the strategy may emit intents; the engine ignores intents before it. */
  warmup(params: z.output<S>): number;
  /** `run`: the run's resources and output channel, when it offers any (see StrategyRun). */
  create(params: z.output<S>, symbol: string, run?: StrategyRun): Strategy;
  indicators(params: z.output<S>): readonly IndicatorSpec[];
}
