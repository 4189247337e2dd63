// A tiny driver for strategies in tests: a BarView and a reused StrategyContext over plain arrays, with the
// position moved by the strategy's own intents as if each filled at that bar's close.

import type {
  BarView,
  OrderIntent,
  StrategyContext,
  StrategyDefinition,
  StrategyRun,
} from '../../../src/main/engine/strategy';
import type { BarField } from '../../../src/shared/domain/bars';

export interface Candles {
  readonly close: readonly number[];
  /** Default: the close, so close-only series make flat candles. */
  readonly open?: readonly number[];
  readonly high?: readonly number[];
  readonly low?: readonly number[];
  readonly volume?: readonly number[];
}

export interface RecordedIntent {
  readonly bar: number;
  readonly side: OrderIntent['side'];
  readonly purpose: OrderIntent['purpose'];
  readonly reason: string;
  readonly qty?: number;
  readonly stopLoss?: number;
}

export interface Run {
  readonly intents: RecordedIntent[];
  /** Position after each bar's intents were applied. */
  readonly positions: number[];
  readonly warmup: number;
}

class ArrayBarView implements BarView {
  index = 0;
  constructor(private readonly candles: Required<Candles>) {}
  get time(): number {
    return this.index * 86_400_000;
  }
  get open(): number {
    return this.candles.open[this.index]!;
  }
  get high(): number {
    return this.candles.high[this.index]!;
  }
  get low(): number {
    return this.candles.low[this.index]!;
  }
  get close(): number {
    return this.candles.close[this.index]!;
  }
  get volume(): number {
    return this.candles.volume[this.index]!;
  }
  ago(field: BarField, back: number): number {
    if (back < 0 || back > this.index) throw new RangeError(`bar ${back} ago is outside [0, ${this.index}]`);
    const at = this.index - back;
    return field === 'time' ? at * 86_400_000 : this.candles[field][at]!;
  }
}

function complete(candles: Candles): Required<Candles> {
  const { close } = candles;
  return {
    close,
    open: candles.open ?? close,
    high: candles.high ?? close.map((c, i) => Math.max(c, candles.open?.[i] ?? c)),
    low: candles.low ?? close.map((c, i) => Math.min(c, candles.open?.[i] ?? c)),
    volume: candles.volume ?? close.map(() => 1000),
  };
}

/** Parses `rawParams` with the definition's schema, then feeds every bar (warm-up included) to one instance. */
export function runStrategy(
  definition: StrategyDefinition,
  rawParams: unknown,
  candles: Candles | readonly number[],
  symbol = 'TEST',
  run?: StrategyRun,
): Run {
  const params = definition.params.parse(rawParams);
  const strategy = definition.create(params, symbol, run);
  const series = complete(
    Array.isArray(candles) ? { close: candles as readonly number[] } : (candles as Candles),
  );
  const bar = new ArrayBarView(series);
  const ctx = {
    symbol,
    bar,
    position: 0,
    avgPrice: 0,
    equity: 100_000,
    cash: 100_000,
  } satisfies StrategyContext;
  const intents: RecordedIntent[] = [];
  const positions: number[] = [];
  for (let i = 0; i < series.close.length; i++) {
    bar.index = i;
    const answer = strategy.onBar(ctx);
    for (const it of answer ?? []) {
      if (it.symbol !== symbol) throw new Error(`intent for ${it.symbol} from a ${symbol} strategy`);
      intents.push({
        bar: i,
        side: it.side,
        purpose: it.purpose,
        reason: it.reason,
        ...(it.qty === undefined ? {} : { qty: it.qty }),
        ...(it.stopLoss === undefined ? {} : { stopLoss: it.stopLoss }),
      });
      const qty = it.qty ?? 1;
      if (it.purpose === 'close') {
        ctx.position = it.qty === undefined ? 0 : ctx.position - Math.sign(ctx.position) * qty;
      } else {
        ctx.position += it.side === 'buy' ? qty : -qty;
        ctx.avgPrice = series.close[i]!;
      }
    }
    positions.push(ctx.position);
  }
  return { intents, positions, warmup: definition.warmup(params) };
}

/** Compact form for assertions: "12 buy open". */
export function summary(run: Run): string[] {
  return run.intents.map((it) => `${it.bar} ${it.side} ${it.purpose}`);
}

/** The first validation message the definition's schema gives for `rawParams`, or undefined if they are valid. */
export function paramsProblem(definition: StrategyDefinition, rawParams: unknown): string | undefined {
  const result = definition.params.safeParse(rawParams);
  if (result.success) return undefined;
  const issue = result.error.issues[0]!;
  return `${issue.path.join('.')}: ${issue.message}`;
}
