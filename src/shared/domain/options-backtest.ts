// The Phase 4D options backtest as the app asks for it and shows it: the request (preset, SPY bars from a CSV file,
// the volatility source, starting cash, the strategy's params) and the figures a finished run keeps in its stats.
import { z } from 'zod';
import type { BacktestStatsView } from './backtest';
import { isOccSymbol, parseOccSymbol } from './options';

export const OPTION_PRESET_IDS = ['2k', '25k'] as const;
export type OptionPresetId = (typeof OPTION_PRESET_IDS)[number];

/** The account each preset is sized for: a run's starting cash unless the trader gives another. */
export const PRESET_ACCOUNT_SIZE: Readonly<Record<OptionPresetId, number>> = { '2k': 2_000, '25k': 25_000 };

/** The strategy id an options run is stored under (runs list, filters). */
export const OPTIONS_STRATEGY_ID = 'phase4d';

const pathSchema = (what: string) =>
  z.string().trim().min(1, `give the path of the ${what}`).max(4096).describe(`Path of the ${what}`);

/** Where σ and the VIX skip come from: a CBOE VIX_History.csv, or the underlying's realised volatility (labelled). */
export const optionsVolatilitySchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('csv'), path: pathSchema('VIX history file (VIX_History.csv)') }).strict(),
  z.object({ source: z.literal('synthetic') }).strict(),
]);
export type OptionsVolatility = z.output<typeof optionsVolatilitySchema>;

/** `backtest:run-options`: one underlying's intraday bars from a CSV file, as an equity run reads them. */
export const optionsBacktestRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    preset: z.enum(OPTION_PRESET_IDS).default('2k'),
    underlying: z
      .object({
        path: pathSchema('SPY bars CSV file'),
        symbol: z
          .string()
          .regex(/^[A-Z][A-Z0-9.]{0,5}$/, 'an underlying is 1–6 capital letters, digits or "."')
          .default('SPY'),
        skipInvalid: z.boolean().default(false),
      })
      .strict(),
    volatility: optionsVolatilitySchema,
    /** Dollars; default: the preset's account size. */
    cash: z.number().positive('starting cash must be above 0').max(1e9).optional(),
    /** Phase 4D's own parameters beyond the preset, checked in main by the strategy's schema. */
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type OptionsBacktestInput = z.input<typeof optionsBacktestRequestSchema>;
export type OptionsBacktestRequest = z.output<typeof optionsBacktestRequestSchema>;

/** What the form needs to offer the options run: the strategy's parameter form and the presets. */
export interface OptionsBacktestInfo {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the strategy's params without `preset` (the form's own field). */
  readonly paramsSchema: Readonly<Record<string, unknown>>;
  readonly presets: Readonly<
    Record<
      OptionPresetId,
      {
        readonly accountSize: number;
        readonly contracts: number;
        readonly targetDailyPnl: number;
        readonly maxDailyLoss: number;
        readonly maxLossPerTrade: number;
      }
    >
  >;
}

/**
 * The figures an options backtest reports (research/options-report.ts) and a stored run keeps in its stats alike:
 * where prices came from, the account, the days by what was decided, the trades and their P&L. A type, not an
 * interface, as OptionsRunStats.
 */
export type OptionsFigures = {
  readonly underlying: string;
  readonly priceSource: string;
  readonly volatilitySource: string;
  readonly settlementRule: string;
  readonly cash: number;
  readonly endEquity: number;
  readonly tradingDays: number;
  readonly tradedDays: number;
  readonly executionRate: number | null;
  readonly skippedDays: number;
  readonly skippedByReason: Readonly<Record<string, number>>;
  readonly noEntryDays: number;
  readonly noEntryByReason: Readonly<Record<string, number>>;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly winRate: number | null;
  readonly exitReasons: Readonly<Record<string, number>>;
  readonly totalPnl: number;
  readonly averageDailyPnl: number | null;
  readonly targetDailyPnl: number;
  readonly dailyPnlVsTarget: number | null;
  /** Deepest fall of equity below its running peak, a fraction (engine/metrics.ts). */
  readonly maxDrawdown: number;
  readonly denials: number;
};

/**
 * An options run's figures as its stats keep them (the options report flattened so it fits a run's stats): every
 * value a number, words, null where nothing happened, or counts by reason.
 */
// A type, not an interface: it must fit BacktestStatsView's index signature.
export type OptionsRunStats = OptionsFigures & {
  readonly kind: 'options';
  readonly preset: OptionPresetId;
  readonly firstDay: string | null;
  readonly lastDay: string | null;
  readonly costTotal: number;
  readonly costCommissions: number;
  readonly costSpread: number;
  readonly costSlippage: number;
  readonly premiumPaid: number;
  /** Total costs ÷ premium paid; null before the first entry. */
  readonly costOfPremium: number | null;
  /** The underlying's price at each trade's entry, by `symbol@entryTime` (trades cross the wire as columns). */
  readonly underlyingAtEntry: Readonly<Record<string, number>>;
};

/** The options figures of a run's stats, or null for an equity run. */
export function optionsStatsOf(stats: BacktestStatsView | null | undefined): OptionsRunStats | null {
  return stats?.['kind'] === 'options' ? (stats as unknown as OptionsRunStats) : null;
}

/** A trade's key in `underlyingAtEntry`. */
export const entryKey = (trade: { readonly symbol: string; readonly entryTime: number }): string =>
  `${trade.symbol}@${trade.entryTime}`;

/** An option contract as a trader says it: `SPY 2025-01-07 591 P`; the symbol as given when it is no OCC symbol. */
export function optionContractInWords(symbol: string): string {
  if (!isOccSymbol(symbol)) return symbol;
  const contract = parseOccSymbol(symbol);
  return `${contract.root} ${contract.expiry} ${contract.strike} ${contract.right === 'put' ? 'P' : 'C'}`;
}
