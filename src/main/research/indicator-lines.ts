// The lines a strategy's indicators draw on the backtest chart: each IndicatorSpec computed over a symbol's bars with
// the very kernels the strategies trade on (src/main/strategies/indicators.ts), one value per bar, NaN while the
// indicator warms up.
import type { IndicatorLines } from '../../shared/domain/backtest';
import type { BarColumns } from '../../shared/domain/bars';
import type { IndicatorSpec } from '../engine/strategy';
import { getStrategy } from '../strategies';
import {
  AverageTrueRange,
  DirectionalIndex,
  ExponentialMean,
  MovingAverageConvergence,
  RelativeStrength,
  RollingDeviation,
  RollingMean,
} from '../strategies/indicators';

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

/** One spec over `bars` (closes, or high/low/close for ATR and ADX). */
export function computeIndicator(
  spec: IndicatorSpec,
  bars: BarColumns,
  id: string = spec.kind,
): IndicatorLineSet {
  const n = Math.min(bars.length, bars.time.length);
  const { high, low, close } = bars;
  const p = period(spec.period ?? DEFAULT_PERIOD[spec.kind]);
  const base = { id, kind: spec.kind, pane: spec.pane };
  switch (spec.kind) {
    case 'sma': {
      const values = column(n);
      const mean = new RollingMean(p);
      for (let i = 0; i < n; i++) values[i] = mean.update(close[i]!);
      return { ...base, label: `SMA ${p}`, levels: [], lines: [{ name: `SMA ${p}`, style: 'line', values }] };
    }
    case 'ema': {
      const values = column(n);
      const mean = new ExponentialMean(p);
      for (let i = 0; i < n; i++) {
        const v = mean.update(close[i]!);
        if (mean.isReady) values[i] = v;
      }
      return { ...base, label: `EMA ${p}`, levels: [], lines: [{ name: `EMA ${p}`, style: 'line', values }] };
    }
    case 'bollinger': {
      const width = param(spec, 'stdDev', 2);
      const middle = column(n);
      const upper = column(n);
      const lower = column(n);
      const bands = new RollingDeviation(p);
      for (let i = 0; i < n; i++) {
        bands.update(close[i]!);
        if (!bands.isReady) continue;
        middle[i] = bands.mean;
        upper[i] = bands.mean + width * bands.deviation;
        lower[i] = bands.mean - width * bands.deviation;
      }
      return {
        ...base,
        label: `BB ${p}, ${width}`,
        levels: [],
        lines: [
          { name: 'Upper', style: 'line', values: upper },
          { name: 'Middle', style: 'line', values: middle },
          { name: 'Lower', style: 'line', values: lower },
        ],
      };
    }
    case 'rsi': {
      const values = column(n);
      const rsi = new RelativeStrength(p);
      for (let i = 0; i < n; i++) {
        rsi.update(close[i]!);
        if (rsi.isReady) values[i] = rsi.value;
      }
      const levels = [spec.params?.overbought, spec.params?.oversold].filter(
        (v): v is number => typeof v === 'number' && Number.isFinite(v),
      );
      return { ...base, label: `RSI ${p}`, levels, lines: [{ name: `RSI ${p}`, style: 'line', values }] };
    }
    case 'macd': {
      const fast = period(param(spec, 'fast', 12));
      const slow = period(param(spec, 'slow', spec.period ?? 26));
      const signalPeriod = period(param(spec, 'signal', 9));
      const macdLine = column(n);
      const signal = column(n);
      const histogram = column(n);
      const macd = new MovingAverageConvergence(fast, slow, signalPeriod);
      for (let i = 0; i < n; i++) {
        macd.update(close[i]!);
        macdLine[i] = macd.macd;
        if (!macd.isReady) continue;
        signal[i] = macd.signal;
        histogram[i] = macd.histogram;
      }
      return {
        ...base,
        label: `MACD ${fast}, ${slow}, ${signalPeriod}`,
        levels: [],
        lines: [
          { name: 'Histogram', style: 'histogram', values: histogram },
          { name: 'MACD', style: 'line', values: macdLine },
          { name: 'Signal', style: 'line', values: signal },
        ],
      };
    }
    case 'atr': {
      const values = column(n);
      const atr = new AverageTrueRange(p);
      const bar = { high: 0, low: 0, close: 0 };
      for (let i = 0; i < n; i++) {
        bar.high = high[i]!;
        bar.low = low[i]!;
        bar.close = close[i]!;
        atr.update(bar);
        values[i] = atr.value;
      }
      return { ...base, label: `ATR ${p}`, levels: [], lines: [{ name: `ATR ${p}`, style: 'line', values }] };
    }
    case 'adx': {
      const values = column(n);
      const adx = new DirectionalIndex(p);
      const bar = { high: 0, low: 0, close: 0 };
      for (let i = 0; i < n; i++) {
        bar.high = high[i]!;
        bar.low = low[i]!;
        bar.close = close[i]!;
        adx.update(bar);
        if (adx.isReady) values[i] = adx.value;
      }
      const threshold = spec.params?.threshold;
      return {
        ...base,
        label: `ADX ${p}`,
        levels: typeof threshold === 'number' && Number.isFinite(threshold) ? [threshold] : [],
        lines: [{ name: `ADX ${p}`, style: 'line', values }],
      };
    }
  }
}

/** Every spec over `bars`, with ids unique in the list ("sma-5", "sma-20", a repeated one "sma-20-2"). */
export function computeIndicators(specs: readonly IndicatorSpec[], bars: BarColumns): IndicatorLineSet[] {
  const seen = new Map<string, number>();
  return specs.map((spec) => {
    const stem = [spec.kind, spec.period, ...Object.values(spec.params ?? {})]
      .filter((part) => part !== undefined)
      .join('-')
      .replace(/[^a-z0-9.-]/gi, '');
    const count = (seen.get(stem) ?? 0) + 1;
    seen.set(stem, count);
    return computeIndicator(spec, bars, count === 1 ? stem : `${stem}-${count}`);
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
