// Hand-built bars and scripted strategies for engine tests.

import { Engine } from '../../../src/main/engine/engine';
import { EventCollector } from '../../../src/main/engine/events';
import { fillList } from '../../../src/main/engine/fill-table';
import { sequentialIds } from '../../../src/main/engine/ids';
import { type RiskConfigInput, RiskConfigSchema } from '../../../src/main/engine/risk-gateway';
import {
  type AccountConfigInput,
  AccountConfigSchema,
  type SimVenue,
  type SimVenueConfigInput,
  SimVenueConfigSchema,
  simVenue,
} from '../../../src/main/engine/sim-venue';
import type { OrderIntent, Strategy, StrategyContext } from '../../../src/main/engine/strategy';
import { tradeList } from '../../../src/main/engine/trade-table';
import type { BarSeries } from '../../../src/shared/domain/bars';
import { seededRandom } from '../../../src/shared/random';

export const DAY = 86_400_000;
export const START = Date.UTC(2024, 0, 1);

/** [open, high, low, close, volume?] per bar, one day apart. */
export type Candle = readonly [number, number, number, number, number?];

/** Bars `step` apart (default one day) from `start`. */
export function seriesOf(symbol: string, candles: readonly Candle[], start = START, step = DAY): BarSeries {
  const n = candles.length;
  const columns = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  candles.forEach(([open, high, low, close, volume], i) => {
    columns.time[i] = start + i * step;
    columns.open[i] = open;
    columns.high[i] = high;
    columns.low[i] = low;
    columns.close[i] = close;
    columns.volume[i] = volume ?? 1_000_000;
  });
  return { ...columns, length: n, symbol, timeframe: step >= DAY ? '1D' : '1h' };
}

/** A flat bar at `price` (open = high = low = close). */
export function flat(price: number, volume?: number): Candle {
  return [price, price, price, price, volume];
}

/** Returns the given intents at the given bar indexes, and records every context it saw. */
export function scripted(script: Readonly<Record<number, readonly OrderIntent[]>>): Strategy & {
  seen: { index: number; position: number; equity: number; cash: number }[];
} {
  const seen: { index: number; position: number; equity: number; cash: number }[] = [];
  return {
    seen,
    onBar(ctx: StrategyContext) {
      seen.push({ index: ctx.bar.index, position: ctx.position, equity: ctx.equity, cash: ctx.cash });
      return script[ctx.bar.index];
    },
  };
}

export function buy(symbol: string, extra: Partial<OrderIntent> = {}): OrderIntent {
  return { symbol, side: 'buy', purpose: 'open', reason: 'test buy', ...extra };
}

export function sell(symbol: string, extra: Partial<OrderIntent> = {}): OrderIntent {
  return { symbol, side: 'sell', purpose: 'open', reason: 'test sell', ...extra };
}

export function closeLong(symbol: string, extra: Partial<OrderIntent> = {}): OrderIntent {
  return { symbol, side: 'sell', purpose: 'close', reason: 'test close', ...extra };
}

/** Risk off except sizing: fixed 10 shares, no stops or targets, unless overridden. */
export const PLAIN_RISK: RiskConfigInput = { enabled: false, sizing: { mode: 'fixed-qty', qty: 10 } };

export interface Run {
  engine: Engine<SimVenue>;
  collector: EventCollector;
  fills: ReturnType<typeof fillList>;
  trades: ReturnType<typeof tradeList>;
}

export function run(
  markets: readonly { series: BarSeries; strategy: Strategy; warmup?: number }[],
  options: {
    risk?: RiskConfigInput;
    venue?: SimVenueConfigInput;
    /** The simulated broker's account; default a cash account, as in backtests. */
    account?: AccountConfigInput;
    cash?: number;
    seed?: number;
    closeAtEnd?: boolean;
  } = {},
): Run {
  const collector = new EventCollector();
  const engine = new Engine(
    {
      markets: markets.map((m) => ({ series: m.series, strategy: m.strategy, warmup: m.warmup ?? 0 })),
      cash: options.cash ?? 100_000,
      risk: RiskConfigSchema.parse(options.risk ?? PLAIN_RISK),
      ids: sequentialIds('t'),
      sink: collector,
      closeAtEnd: options.closeAtEnd ?? false,
    },
    simVenue(
      SimVenueConfigSchema.parse(options.venue ?? {}),
      seededRandom(options.seed ?? 1),
      AccountConfigSchema.parse(options.account ?? {}),
    ),
  );
  engine.run();
  return {
    engine,
    collector,
    fills: fillList(collector.fills.table()),
    trades: tradeList(collector.trades.table()),
  };
}
