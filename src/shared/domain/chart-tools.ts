// What the trader adds to a chart of their own, apart from the strategy's lines: indicators from the strategies'
// catalogue (remembered per chart in the workspace setting) and horizontal price lines on a session's chart, each
// with an optional crossing alert (stored with the session, migration 0011).
import { z } from 'zod';
import type { IndicatorLines } from './bars';

/** The catalogue offered on a chart: the strategies' indicators, plus the session-anchored VWAP. */
export const CHART_INDICATOR_KINDS = ['sma', 'ema', 'bollinger', 'vwap', 'rsi', 'macd', 'atr'] as const;
export type ChartIndicatorKind = (typeof CHART_INDICATOR_KINDS)[number];

/** The menu's words for each kind. */
export const CHART_INDICATOR_NAMES: Readonly<Record<ChartIndicatorKind, string>> = {
  sma: 'SMA (simple moving average)',
  ema: 'EMA (exponential moving average)',
  bollinger: 'Bollinger bands',
  vwap: 'VWAP (resets each trading day)',
  rsi: 'RSI (relative strength)',
  macd: 'MACD',
  atr: 'ATR (average true range)',
};

const periodSchema = z
  .number()
  .int()
  .min(1, 'a period is at least 1 bar')
  .max(1000, 'a period is at most 1000');

/** One indicator the user put on a chart, with its settings; checked here and again in main. */
export const chartIndicatorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(['sma', 'ema', 'rsi', 'atr']), period: periodSchema }).strict(),
  z
    .object({
      kind: z.literal('bollinger'),
      period: periodSchema,
      stdDev: z.number().positive('the band width must be above 0').max(10, 'the band width is at most 10'),
    })
    .strict(),
  z
    .object({ kind: z.literal('macd'), fast: periodSchema, slow: periodSchema, signal: periodSchema })
    .strict()
    .refine((m) => m.fast < m.slow, {
      message: 'the fast period must be shorter than the slow',
      path: ['fast'],
    }),
  z.object({ kind: z.literal('vwap') }).strict(),
]);
export type ChartIndicator = z.output<typeof chartIndicatorSchema>;

/** At most this many of the user's own indicators on one chart. */
export const MAX_CHART_INDICATORS = 8;
export const chartIndicatorListSchema = z
  .array(chartIndicatorSchema)
  .max(MAX_CHART_INDICATORS, `at most ${MAX_CHART_INDICATORS} indicators on a chart`);

/** The charts that remember their own indicators. */
export const CHART_NAMES = ['backtest', 'session'] as const;
export type ChartName = (typeof CHART_NAMES)[number];

/** A new indicator's settings: the textbook defaults. */
export function defaultChartIndicator(kind: ChartIndicatorKind): ChartIndicator {
  switch (kind) {
    case 'bollinger':
      return { kind, period: 20, stdDev: 2 };
    case 'macd':
      return { kind, fast: 12, slow: 26, signal: 9 };
    case 'vwap':
      return { kind };
    case 'rsi':
    case 'atr':
      return { kind, period: 14 };
    default:
      return { kind, period: 20 };
  }
}

/** Short text for the list of a chart's indicators, e.g. "SMA 20", "BB 20, 2", "MACD 12, 26, 9". */
export function chartIndicatorLabel(indicator: ChartIndicator): string {
  switch (indicator.kind) {
    case 'bollinger':
      return `BB ${indicator.period}, ${indicator.stdDev}`;
    case 'macd':
      return `MACD ${indicator.fast}, ${indicator.slow}, ${indicator.signal}`;
    case 'vwap':
      return 'VWAP';
    default:
      return `${indicator.kind.toUpperCase()} ${indicator.period}`;
  }
}

/** The user's indicators computed in main over a chart's bars: `time` is each value's bar, index for index. */
export interface ChartIndicatorLines {
  readonly time: Float64Array;
  readonly indicators: readonly IndicatorLines[];
}

/** Prefix of the ids of the user's own indicator lines (the strategy's never start with it). */
export const USER_INDICATOR_PREFIX = 'mine-';

// ---- price lines ----

const priceSchema = z
  .number()
  .positive('the price must be above 0')
  .max(1e9, 'the price is at most 1,000,000,000')
  .refine(Number.isFinite, 'the price must be a number');

/**
 * A horizontal line at a price on a session's chart. With `alert` on, main raises an alert when a bar closes across
 * it: the previous bar's close below the line and this bar's close at or above it (crossed up), or the previous
 * close above and this close at or below (crossed down). Closes only, so a wick through the line that closes back
 * is not a crossing, and each crossing alerts once.
 */
export interface PriceLine {
  readonly id: number;
  readonly sessionId: string;
  readonly symbol: string;
  readonly price: number;
  readonly alert: boolean;
  /** When its alert last fired (epoch ms of the bar), or null. */
  readonly lastCrossedAt: number | null;
  readonly createdAt: number;
}

export const priceLineInputSchema = z
  .object({
    symbol: z.string().trim().toUpperCase().min(1).max(15),
    price: priceSchema,
    alert: z.boolean().default(false),
  })
  .strict();
export const priceLineChangeSchema = z
  .object({ price: priceSchema.optional(), alert: z.boolean().optional() })
  .strict()
  .refine((c) => c.price !== undefined || c.alert !== undefined, 'nothing to change');
