// The run config shared by backtests and sessions: a backtest config (strategy, risk, venue, cash) and the session
// config, its superset with what makes a run live (symbols, timeframe, feed, what to do after a crash). Being a
// superset is what makes backtest-versus-paper comparable.
import { z } from 'zod';
import { TIMEFRAMES, type Timeframe } from '../../shared/domain/bars';
import { feedSpeedSchema, startingCashSchema } from '../../shared/domain/run-limits';
import { RiskConfigSchema, type TradingDayEnd } from '../engine/risk-gateway';
import { AccountConfigSchema, SimVenueConfigSchema } from '../engine/sim-venue';
import { DEFAULT_SEED } from '../feeds/synthetic';
import { tradingDayEnd } from '../market/calendar';
import { ConfigError, configErrorOf } from './config-error';
import { checkStrategies } from './market-builder';

export { ConfigError, configErrorOf, configFailure } from './config-error';

export const StrategyChoiceSchema = z
  .object({
    id: z.string().min(1).default('sma-crossover'),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const BacktestConfigSchema = z
  .object({
    cash: startingCashSchema.default(100_000).describe('Starting cash'),
    seed: z.number().int().default(1).describe('Seeds the venue’s random rejections'),
    strategy: StrategyChoiceSchema.prefault({}).describe('The strategy every symbol trades by default'),
    strategies: z
      .record(z.string(), StrategyChoiceSchema)
      .default({})
      .describe('Per-symbol strategies, overriding `strategy`'),
    venue: SimVenueConfigSchema.prefault({}),
    account: AccountConfigSchema.prefault({}).describe(
      'The simulated broker’s account: cash (buys need the cash, no shorts) or margin; Alpaca sessions use the Alpaca account’s own',
    ),
    risk: RiskConfigSchema.prefault({}),
    closeAtEnd: z.boolean().default(true).describe('Close open positions at the last close'),
    calendar: z
      .enum(['us-equities', 'crypto'])
      .default('us-equities')
      .describe('Annualisation of the metrics'),
    riskFreeRate: z.number().min(-1).max(1).default(0),
  })
  .strict();
export type BacktestConfig = z.output<typeof BacktestConfigSchema>;
export type BacktestConfigInput = z.input<typeof BacktestConfigSchema>;

export function parseBacktestConfig(input: unknown): BacktestConfig {
  const parsed = BacktestConfigSchema.safeParse(input);
  if (!parsed.success) throw configErrorOf(parsed.error);
  return parsed.data;
}

/**
 * Where a run's trading day ends, for the daily-loss limit: each daily bar is a trading day of its own; intraday
 * bars follow the calendar (the New York session day for US equities, from one open to the next; the UTC day for
 * crypto). Backtests and sessions use the same one.
 */
export function tradingDayEndFor(calendar: BacktestConfig['calendar'], timeframe: Timeframe): TradingDayEnd {
  if (timeframe === '1D') return (time) => time + 1;
  return (time) => tradingDayEnd(calendar, time);
}

const symbolSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9.\-/]{0,14}$/, 'a symbol is 1–15 capital letters, digits, ".", "-" or "/"');

export const FeedConfigSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('synthetic-live'),
      seed: z.number().int().nonnegative().default(DEFAULT_SEED).describe('Seed of the synthetic market'),
      speed: feedSpeedSchema
        .default(60)
        .describe(
          'How many times faster than real time the synthetic market ticks (60: a 1m bar every second)',
        ),
    })
    .strict(),
  z
    .object({
      kind: z.literal('replay'),
      files: z.record(z.string(), z.string().min(1)).describe('A CSV of stored history per symbol'),
      speed: feedSpeedSchema.default(60).describe('How many times faster than real time'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('alpaca'),
      feed: z
        .enum(['iex', 'sip'])
        .default('iex')
        .describe('Alpaca market data: IEX (free plan) or SIP (paid plan; recent SIP data needs it)'),
    })
    .strict(),
]);

/** Where an options run's volatility comes from: the labelled synthetic VIX, a CBOE VIX file, or Alpaca. */
export const VolSourceSchema = z
  .string()
  .regex(
    /^(synthetic|alpaca|csv:.+)$/,
    'the volatility source is "synthetic", "alpaca" or "csv:<path to VIX_History.csv>"',
  );
export type VolSource = z.output<typeof VolSourceSchema>;

/** The Phase 4D SPY put run: the session trades options on its one underlying instead of the symbol itself. */
export const OptionsConfigSchema = z
  .object({
    strategy: z.literal('phase4d').describe('The options strategy: Phase 4D SPY puts'),
    preset: z
      .enum(['2k', '25k'])
      .default('2k')
      .describe('Contracts, loss limits and costs: the 2K or 25K preset'),
    params: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Overrides of the strategy’s parameters (entry delay, filters, profit target …)'),
    volSource: VolSourceSchema.default('synthetic').describe(
      'Volatility for the filters and the synthetic prices: synthetic (realised, labelled), alpaca, or csv:<VIX file>',
    ),
  })
  .strict();
export type OptionsConfig = z.output<typeof OptionsConfigSchema>;

export const SessionConfigSchema = BacktestConfigSchema.extend({
  symbols: z.array(symbolSchema).min(1).max(10).default(['ACME']).describe('Symbols the session trades'),
  timeframe: z.enum(TIMEFRAMES).default('1m').describe('Bar size the strategies decide on'),
  feed: FeedConfigSchema.prefault({ kind: 'synthetic-live' } as z.input<typeof FeedConfigSchema>),
  venueKind: z
    .enum(['simulated', 'alpaca-paper'])
    .default('simulated')
    .describe('Where orders go: the built-in simulator, or your Alpaca paper account'),
  orderTimeoutMinutes: z
    .number()
    .positive()
    .default(5)
    .describe('Entry orders still unfilled this long after they were sent are canceled (bar time)'),
  stallAlertBars: z
    .number()
    .min(2)
    .default(3)
    .describe('Alert when no bar arrived for this many bar intervals while running'),
  driftAlert: z
    .number()
    .positive()
    .default(3)
    .describe('Alert when the run’s return leaves its backtest expectation by more than this many σ'),
  shadow: z
    .boolean()
    .default(false)
    .describe(
      'Alpaca paper only: run a simulator twin on the same live bars, to compare the broker’s fills with the simulator’s',
    ),
  resume: z
    .enum(['auto', 'ask'])
    .default('auto')
    .describe('After a crash: resume the run at start-up, or wait paused for the user'),
  options: OptionsConfigSchema.optional().describe(
    'An options run (Phase 4D SPY puts) on the one underlying in `symbols`, instead of trading it',
  ),
}).strict();

export type SessionConfig = z.output<typeof SessionConfigSchema>;

/** Parses and checks a session config; a ConfigError names the field. */
export function parseSessionConfig(input: unknown): SessionConfig {
  const parsed = SessionConfigSchema.safeParse(input);
  if (!parsed.success) throw configErrorOf(parsed.error);
  const config = parsed.data;
  const duplicate = config.symbols.find((s, k) => config.symbols.indexOf(s) !== k);
  if (duplicate !== undefined) throw new ConfigError('symbols', `${duplicate} is listed twice`);
  checkStrategies(config, config.symbols);
  const feed = config.feed;
  if (feed.kind === 'replay') {
    const missing = config.symbols.find((s) => feed.files[s] === undefined);
    if (missing !== undefined) throw new ConfigError(`feed.files.${missing}`, `no CSV given for ${missing}`);
  }
  if (config.shadow && config.venueKind !== 'alpaca-paper') {
    throw new ConfigError(
      'shadow',
      'a simulator twin is for Alpaca paper sessions; this one already runs on the simulator',
    );
  }
  if (config.venueKind === 'alpaca-paper') {
    if (feed.kind !== 'alpaca') {
      throw new ConfigError(
        'feed.kind',
        'an Alpaca paper session trades on Alpaca market data: use feed "alpaca"',
      );
    }
    if (config.risk.trailingStop > 0 && config.risk.takeProfit > 0) {
      throw new ConfigError(
        'risk.trailingStop',
        'Alpaca cannot pair a trailing stop with a take-profit (its OCO orders take a fixed stop); drop one of them',
      );
    }
  }
  if (config.options !== undefined) checkOptions(config, config.options);
  return config;
}

/** An options run trades puts on exactly one underlying; its volatility file must be named. */
function checkOptions(config: SessionConfig, options: OptionsConfig): void {
  if (config.symbols.length !== 1) {
    throw new ConfigError(
      'symbols',
      `an options session trades puts on exactly one underlying (e.g. ["SPY"]); ${config.symbols.length} are listed`,
    );
  }
  if (config.shadow) {
    throw new ConfigError('shadow', 'an options session has no simulator twin; turn it off');
  }
  if (options.volSource === 'alpaca' && config.venueKind !== 'alpaca-paper') {
    throw new ConfigError(
      'options.volSource',
      'Alpaca volatility needs an Alpaca paper session; on the simulator use "synthetic" or "csv:<VIX file>"',
    );
  }
  // The strategy's own params are checked by its schema where the run is built (sessions/option-run-parts.ts):
  // this module is also read by the renderer's tests, and the strategy reads files.
}
