// What an options session's run is made of, from its config: the Phase 4D strategy with the preset and the params'
// overrides, the volatility it filters and prices by (a CBOE VIX file, or the labelled synthetic VIX: the underlying's
// realised volatility), the synthetic quotes (CRR American puts, σ = the previous VIX close) and the simulator's
// costs. The run, its validation and its recovery all build the same parts from the same config.
import type { BarSeries } from '../../shared/domain/bars';
import { TIMEFRAME_MS } from '../../shared/domain/bars';
import type { OptionQuoteSource, OptionStrategy } from '../engine/option-desk';
import { realisedVix } from '../feeds/realised-vix';
import { priceFromBars, syntheticOptionQuotes } from '../feeds/synthetic-options';
import type { VolatilityHistory } from '../feeds/vix-history';
import {
  createPhase4d,
  type Phase4dParams,
  Phase4dParamsSchema,
  type Phase4dSettings,
  phase4dSettings,
} from '../strategies/phase4d';
import { ConfigError, configErrorOf, type OptionsConfig, type SessionConfig } from '../strategies/run-config';

/** Sessions of history the synthetic VIX needs before its first value (20 returns), and one to decide on. */
export const SYNTHETIC_VIX_SESSIONS = 20;
/** Regular-hours minutes of a full session. */
const SESSION_MINUTES = 390;

export interface OptionRunParts {
  readonly params: Phase4dParams;
  readonly settings: Phase4dSettings;
  readonly volatility: VolatilityHistory;
  readonly quotes: OptionQuoteSource;
  readonly strategy: OptionStrategy;
  /**
   * Bar times released at the start as history (the strategy trades none of them): enough full sessions for the
   * volatility source and the filters' previous session.
   */
  readonly warmupBarTimes: number;
}

/**
 * The strategy's params: the overrides checked by its own schema with the session's preset (a different preset in
 * the params is refused rather than silently preferred); a ConfigError names the field under `options.params`.
 */
export function phase4dParamsOf(options: OptionsConfig): Phase4dParams {
  const given = options.params['preset'];
  if (given !== undefined && given !== options.preset) {
    throw new ConfigError(
      'options.params.preset',
      `the preset is chosen once, in options.preset (${options.preset}); params say ${JSON.stringify(given)}`,
    );
  }
  const parsed = Phase4dParamsSchema.safeParse({ ...options.params, preset: options.preset });
  if (!parsed.success) throw configErrorOf(parsed.error, 'options.params');
  return parsed.data;
}

/** Bar times in `sessions` full regular sessions at the config's timeframe. */
function sessionBars(config: SessionConfig, sessions: number): number {
  const minutes = TIMEFRAME_MS[config.timeframe] / 60_000;
  return Math.ceil((SESSION_MINUTES / Math.max(1, minutes)) * sessions);
}

/**
 * The parts of an options run over `series` (the underlying's live bars). `csv`: the VIX file a `csv:` source names,
 * read by the caller before the run starts; the synthetic VIX reads `series` as it grows.
 */
export function optionRunParts(
  config: SessionConfig,
  options: OptionsConfig,
  series: BarSeries,
  csv: VolatilityHistory | undefined,
): OptionRunParts {
  const params = phase4dParamsOf(options);
  const settings = phase4dSettings(params);
  let volatility: VolatilityHistory;
  if (options.volSource === 'synthetic') {
    volatility = realisedVix(series, { sessions: SYNTHETIC_VIX_SESSIONS, calendar: config.calendar });
  } else {
    if (csv === undefined)
      throw new Error(`the volatility source ${options.volSource} must be read before the run starts`);
    volatility = csv;
  }
  const quotes = syntheticOptionQuotes({
    underlying: series.symbol,
    volatility,
    underlyingPrice: priceFromBars(series),
    rate: settings.rate,
    spread: settings.spread,
    strikeRange: settings.strikeRange,
    calendar: config.calendar,
  });
  const strategy = createPhase4d(params, { volatility, symbol: series.symbol });
  const warmupSessions = options.volSource === 'synthetic' ? SYNTHETIC_VIX_SESSIONS + 1 : 1;
  return {
    params,
    settings,
    volatility,
    quotes,
    strategy,
    warmupBarTimes: sessionBars(config, warmupSessions),
  };
}
