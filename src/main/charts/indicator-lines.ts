// The lines a strategy's indicators draw on a backtest's or a session's chart: each IndicatorSpec computed over a
// symbol's bars with the very kernels the strategies trade on (src/main/engine/indicators.ts), one value per bar,
// NaN while the indicator warms up.
import type { BarColumns, IndicatorLines } from '../../shared/domain/bars';
import {
  AverageTrueRange,
  DirectionalIndex,
  ExponentialMean,
  type HighLowClose,
  MovingAverageConvergence,
  RelativeStrength,
  RollingDeviation,
  RollingMean,
  SessionVwap,
} from '../engine/indicators';
import type { IndicatorSpec } from '../engine/strategy';
import { calendarDay, type MarketCalendar } from '../market/calendar';
import { getStrategy } from '../strategies';

/** One indicator's lines over a symbol's bars (the shared chart shape, with the spec's own kind). */
export interface IndicatorLineSet extends IndicatorLines {
  readonly kind: IndicatorSpec['kind'];
  readonly pane: IndicatorSpec['pane'];
}

/** Periods used when a spec leaves them out (the kernels' textbook defaults). */
const DEFAULT_PERIOD: Readonly<Record<IndicatorSpec['kind'], number>> = {
  sma: 20,
  ema: 20,
  bollinger: 20,
  rsi: 14,
  macd: 26,
  atr: 14,
  adx: 14,
  // VWAP has no period: it restarts each trading day. One is its lookback for the warm-up below.
  vwap: 1,
};

function column(n: number): Float64Array {
  return new Float64Array(n).fill(Number.NaN);
}

function param(spec: IndicatorSpec, name: string, fallback: number): number {
  const value = spec.params?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Whole number ≥ 1 (a period from a spec is trusted only that far). */
function period(value: number): number {
  return Math.max(1, Math.floor(value));
}

/**
 * One indicator fed bar by bar: the same kernels whether it runs over a stored series (computeIndicator) or
 * follows a live session (live-indicators.ts), so the two draw the same lines.
 */
export interface IndicatorStepper {
  readonly label: string;
  readonly levels: readonly number[];
  readonly lines: readonly { readonly name: string; readonly style: 'line' | 'histogram' }[];
  /** Feeds one bar; `out[k]` becomes line k's value at it, NaN while the indicator warms up. */
  step(bar: ChartBar, out: Float64Array): void;
}

/** What a stepper reads from a bar: its range and close, and for VWAP its open time and volume. */
export interface ChartBar extends HighLowClose {
  readonly time: number;
  readonly volume: number;
}

const line = (name: string) => ({ name, style: 'line' as const });

/**
 * The stepper of one spec (closes, or high/low/close for ATR and ADX, and volume for VWAP, whose trading day is
 * `calendar`'s: the New York date for equities, the UTC date for crypto).
 */
export function indicatorStepper(
  spec: IndicatorSpec,
  calendar: MarketCalendar = 'us-equities',
): IndicatorStepper {
  const p = period(spec.period ?? DEFAULT_PERIOD[spec.kind]);
  switch (spec.kind) {
    case 'sma': {
      const mean = new RollingMean(p);
      return {
        label: `SMA ${p}`,
        levels: [],
        lines: [line(`SMA ${p}`)],
        step: (bar, out) => {
          out[0] = mean.update(bar.close);
        },
      };
    }
    case 'ema': {
      const mean = new ExponentialMean(p);
      return {
        label: `EMA ${p}`,
        levels: [],
        lines: [line(`EMA ${p}`)],
        step: (bar, out) => {
          const v = mean.update(bar.close);
          out[0] = mean.isReady ? v : Number.NaN;
        },
      };
    }
    case 'bollinger': {
      const width = param(spec, 'stdDev', 2);
      const bands = new RollingDeviation(p);
      return {
        label: `BB ${p}, ${width}`,
        levels: [],
        lines: [line('Upper'), line('Middle'), line('Lower')],
        step: (bar, out) => {
          bands.update(bar.close);
          const ready = bands.isReady;
          out[0] = ready ? bands.mean + width * bands.deviation : Number.NaN;
          out[1] = ready ? bands.mean : Number.NaN;
          out[2] = ready ? bands.mean - width * bands.deviation : Number.NaN;
        },
      };
    }
    case 'rsi': {
      const rsi = new RelativeStrength(p);
      return {
        label: `RSI ${p}`,
        levels: [spec.params?.overbought, spec.params?.oversold].filter(
          (v): v is number => typeof v === 'number' && Number.isFinite(v),
        ),
        lines: [line(`RSI ${p}`)],
        step: (bar, out) => {
          rsi.update(bar.close);
          out[0] = rsi.isReady ? rsi.value : Number.NaN;
        },
      };
    }
    case 'macd': {
      const fast = period(param(spec, 'fast', 12));
      const slow = period(param(spec, 'slow', spec.period ?? 26));
      const signalPeriod = period(param(spec, 'signal', 9));
      const macd = new MovingAverageConvergence(fast, slow, signalPeriod);
      return {
        label: `MACD ${fast}, ${slow}, ${signalPeriod}`,
        levels: [],
        lines: [{ name: 'Histogram', style: 'histogram' }, line('MACD'), line('Signal')],
        step: (bar, out) => {
          macd.update(bar.close);
          const ready = macd.isReady;
          out[0] = ready ? macd.histogram : Number.NaN;
          out[1] = macd.macd;
          out[2] = ready ? macd.signal : Number.NaN;
        },
      };
    }
    case 'atr': {
      const atr = new AverageTrueRange(p);
      return {
        label: `ATR ${p}`,
        levels: [],
        lines: [line(`ATR ${p}`)],
        step: (bar, out) => {
          atr.update(bar);
          out[0] = atr.value;
        },
      };
    }
    case 'vwap': {
      const vwap = new SessionVwap();
      return {
        label: 'VWAP',
        levels: [],
        lines: [line('VWAP')],
        step: (bar, out) => {
          out[0] = vwap.update(bar, calendarDay(calendar, bar.time));
        },
      };
    }
    case 'adx': {
      const adx = new DirectionalIndex(p);
      const threshold = spec.params?.threshold;
      return {
        label: `ADX ${p}`,
        levels: typeof threshold === 'number' && Number.isFinite(threshold) ? [threshold] : [],
        lines: [line(`ADX ${p}`)],
        step: (bar, out) => {
          adx.update(bar);
          out[0] = adx.isReady ? adx.value : Number.NaN;
        },
      };
    }
  }
}

/** Bars an indicator looks back over: its period; for MACD the slow period plus the signal's. */
export function indicatorLookback(spec: IndicatorSpec): number {
  if (spec.kind === 'macd')
    return period(param(spec, 'slow', spec.period ?? 26)) + period(param(spec, 'signal', 9));
  // VWAP restarts each day: twenty times this covers a whole extended-hours day of one-minute bars (960).
  if (spec.kind === 'vwap') return 50;
  return period(spec.period ?? DEFAULT_PERIOD[spec.kind]);
}

/**
 * Bars before the shown ones for the indicators to settle: twenty lookbacks. Windowed ones (SMA, Bollinger) need
 * one; smoothed ones (EMA, MACD, and Wilder's RSI, ATR, ADX) forget their start by (1 − 1/period)^(20·period) ≈
 * e^−20, so they agree with the run's own values to ~1e-9.
 */
export function indicatorWarmupBars(specs: readonly IndicatorSpec[]): number {
  return specs.reduce((most, spec) => Math.max(most, 20 * indicatorLookback(spec)), 0);
}

/** One spec over `bars`. */
export function computeIndicator(
  spec: IndicatorSpec,
  bars: BarColumns,
  id: string = spec.kind,
  calendar: MarketCalendar = 'us-equities',
): IndicatorLineSet {
  const n = Math.min(bars.length, bars.time.length);
  const stepper = indicatorStepper(spec, calendar);
  const columns = stepper.lines.map(() => column(n));
  const out = new Float64Array(columns.length);
  const bar = { time: 0, high: 0, low: 0, close: 0, volume: 0 };
  for (let i = 0; i < n; i++) {
    bar.time = bars.time[i]!;
    bar.volume = bars.volume[i]!;
    bar.high = bars.high[i]!;
    bar.low = bars.low[i]!;
    bar.close = bars.close[i]!;
    stepper.step(bar, out);
    for (let k = 0; k < columns.length; k++) columns[k]![i] = out[k]!;
  }
  return {
    id,
    kind: spec.kind,
    pane: spec.pane,
    label: stepper.label,
    levels: stepper.levels,
    lines: stepper.lines.map((l, k) => ({ ...l, values: columns[k]! })),
  };
}

/** Every spec over `bars`, with ids unique in the list ("sma-5", "sma-20", a repeated one "sma-20-2"). */
export function computeIndicators(
  specs: readonly IndicatorSpec[],
  bars: BarColumns,
  calendar: MarketCalendar = 'us-equities',
): IndicatorLineSet[] {
  const seen = new Map<string, number>();
  return specs.map((spec) => {
    const stem = [spec.kind, spec.period, ...Object.values(spec.params ?? {})]
      .filter((part) => part !== undefined)
      .join('-')
      .replace(/[^a-z0-9.-]/gi, '');
    const count = (seen.get(stem) ?? 0) + 1;
    seen.set(stem, count);
    return computeIndicator(spec, bars, count === 1 ? stem : `${stem}-${count}`, calendar);
  });
}

/** A stored backtest config's strategy choice: the one strategy, or the symbol's own override. */
interface StoredStrategyChoice {
  readonly strategy?: { readonly id?: unknown; readonly params?: unknown };
  readonly strategies?: Readonly<Record<string, { readonly id?: unknown; readonly params?: unknown }>>;
}

/**
 * The indicator specs of the strategy `symbol` traded in a run (config as stored: `strategies[symbol]` overrides
 * `strategy`), with its parameters resolved. Empty when the strategy is unknown or its params no longer parse
 * (a run stored by an older version): a chart without overlays beats no chart.
 */
export function strategyIndicatorSpecs(config: unknown, symbol: string): readonly IndicatorSpec[] {
  const stored = (config ?? {}) as StoredStrategyChoice;
  const choice = stored.strategies?.[symbol] ?? stored.strategy;
  if (!choice || typeof choice.id !== 'string') return [];
  try {
    const definition = getStrategy(choice.id);
    const params = definition.params.safeParse(choice.params ?? {});
    return params.success ? definition.indicators(params.data) : [];
  } catch {
    return [];
  }
}

/**
 * Values of a source-aligned column at coarser bars: each coarse bar takes the value at the last source bar it
 * contains (what the strategy saw at that bar's close), NaN when it contains none. A source bar belongs to the last
 * coarse bar whose time is ≤ its own; `coarseTime` and `sourceTime` are ascending epoch ms.
 */
export function sampleAtCoarseBars(
  values: Float64Array,
  sourceTime: Float64Array,
  sourceLength: number,
  coarseTime: Float64Array,
  coarseLength: number,
): Float64Array {
  const out = column(coarseLength);
  let i = 0;
  // Source bars before the first coarse bar belong to none.
  while (i < sourceLength && coarseLength > 0 && sourceTime[i]! < coarseTime[0]!) i++;
  for (let k = 0; k < coarseLength; k++) {
    const end = k + 1 < coarseLength ? coarseTime[k + 1]! : Number.POSITIVE_INFINITY;
    let last = -1;
    while (i < sourceLength && sourceTime[i]! < end) last = i++;
    if (last >= 0) out[k] = values[last]!;
  }
  return out;
}

/** Every line of `sets` sampled at coarser bars (see sampleAtCoarseBars). */
export function sampleIndicators(
  sets: readonly IndicatorLineSet[],
  source: BarColumns,
  coarse: BarColumns,
): IndicatorLineSet[] {
  return sets.map((set) => ({
    ...set,
    lines: set.lines.map((line) => ({
      ...line,
      values: sampleAtCoarseBars(line.values, source.time, source.length, coarse.time, coarse.length),
    })),
  }));
}
