// The validate-only launch of an options session on the simulator: what the run would trade with, checked without
// trading — the volatility source (the VIX file read and its coverage of the days the run starts on, or the labelled
// synthetic VIX) and the synthetic chain at the run's first entry (expiries, strikes, the put it would buy and its
// quote). An Alpaca session's lines come from the account (adapters/alpaca/option-validate.ts).
import { TIMEFRAME_MS } from '../../shared/domain/bars';
import type { ValidationCheck, ValidationReport } from '../../shared/domain/credentials';
import { occSymbol } from '../../shared/domain/options';
import { SyntheticMarket } from '../feeds/synthetic-live';
import { closeOn, readVixHistory, type VolatilityHistory } from '../feeds/vix-history';
import { sessionFor } from '../market/calendar';
import { isoDate } from '../market/nyse-holidays';
import { chooseExpiry, chooseStrike } from '../strategies/phase4d-rules';
import type { OptionsConfig, SessionConfig } from '../strategies/run-config';
import { optionRunParts, phase4dParamsOf } from './option-run-parts';
import { LiveSeries } from './run-markets';

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const money = (value: number): string => `$${value.toFixed(2)}`;

/** The volatility file a `csv:` source names, read; undefined for the other sources. */
export function readVolatility(options: OptionsConfig): VolatilityHistory | undefined {
  return options.volSource.startsWith('csv:') ? readVixHistory(options.volSource.slice(4)) : undefined;
}

/** Validation lines of an options session on the simulator; `checkedAt` is the wall clock. */
export function validateOptionsOnSimulator(config: SessionConfig, checkedAt: number): ValidationReport {
  const options = config.options!;
  const checks: ValidationCheck[] = [strategyCheck(options)];
  let csv: VolatilityHistory | undefined;
  try {
    csv = readVolatility(options);
  } catch (error) {
    checks.push({ id: 'volatility', label: 'Volatility source', status: 'fail', detail: reasonOf(error) });
  }
  if (checks.every((c) => c.status !== 'fail')) checks.push(...marketChecks(config, options, csv));
  return {
    checkedAt,
    keyIdHint: null,
    symbols: config.symbols,
    capital: config.cash,
    feed: 'iex',
    ready: checks.every((c) => c.status === 'pass' || c.status === 'warn'),
    checks,
  };
}

function strategyCheck(options: OptionsConfig): ValidationCheck {
  const params = phase4dParamsOf(options);
  return {
    id: 'strategy',
    label: 'Strategy',
    status: 'pass',
    detail:
      `Phase 4D SPY puts, preset ${params.preset.toUpperCase()}: entry ${params.entryDelayMinutes} min after the open, ` +
      `exit at ${Math.round(params.profitTarget * 100)}% profit, at the per-trade loss limit or ${params.minutesBeforeClose} min before the close; ` +
      'simulator fills at the modelled bid/ask with slippage and commission, expiry cash-settled at intrinsic value',
  };
}

/**
 * The run's start on the synthetic market: its warm-up history, then the first session it may trade. The volatility
 * must cover the session before it, and the chain at its entry bar must list the put the strategy would buy.
 */
function marketChecks(
  config: SessionConfig,
  options: OptionsConfig,
  csv: VolatilityHistory | undefined,
): ValidationCheck[] {
  const feed = config.feed;
  if (feed.kind !== 'synthetic-live') {
    return [
      {
        id: 'option-chain',
        label: 'Option chain',
        status: 'warn',
        detail: `the synthetic chain follows the ${feed.kind} feed's prices; it is checked bar by bar once the run starts`,
      },
    ];
  }
  const symbol = config.symbols[0]!;
  const series = new LiveSeries(symbol, config.timeframe);
  let parts: ReturnType<typeof optionRunParts>;
  try {
    parts = optionRunParts(config, options, series, csv);
  } catch (error) {
    return [{ id: 'volatility', label: 'Volatility source', status: 'fail', detail: reasonOf(error) }];
  }
  const market = new SyntheticMarket(feed.seed, config.symbols, config.timeframe, config.calendar);
  // The warm-up, then the first live session up to its entry bar.
  let k = 0;
  for (; k < parts.warmupBarTimes; k++) series.append(market.barsAt(k)[0]!);
  const lastWarmup = sessionFor(config.calendar, series.lastTime)!;
  let first = lastWarmup;
  while (first.date === lastWarmup.date) {
    series.append(market.barsAt(k++)[0]!);
    first = sessionFor(config.calendar, series.lastTime)!;
  }
  const entryTime = first.open + parts.params.entryDelayMinutes * 60_000;
  while (series.lastTime < entryTime) series.append(market.barsAt(k++)[0]!);
  const closeTime = series.lastTime + TIMEFRAME_MS[config.timeframe];
  const vix = closeOn(parts.volatility, lastWarmup.day);
  const checks: ValidationCheck[] = [volatilityCheck(parts.volatility, lastWarmup.day, first.date, vix)];
  if (vix === undefined) return checks;
  checks.push(chainCheck(parts, symbol, first.date, closeTime, series.lastClose!));
  return checks;
}

function volatilityCheck(
  history: VolatilityHistory,
  previousDay: number,
  firstDay: string,
  vix: number | undefined,
): ValidationCheck {
  const head = { id: 'volatility', label: 'Volatility source' } as const;
  const n = history.days.length;
  const span = n === 0 ? 'no closes yet' : `${isoDate(history.days[0]!)} to ${isoDate(history.days[n - 1]!)}`;
  if (vix === undefined) {
    return {
      ...head,
      status: 'fail',
      detail: `${history.source} (${span}) has no close for ${isoDate(previousDay)}, the session before the run's first trading day ${firstDay}`,
    };
  }
  return {
    ...head,
    status: 'pass',
    detail: `${history.source}: ${span}; the first trading day ${firstDay} decides on the ${isoDate(previousDay)} close ${vix.toFixed(2)}`,
  };
}

function chainCheck(
  parts: ReturnType<typeof optionRunParts>,
  symbol: string,
  day: string,
  time: number,
  spot: number,
): ValidationCheck {
  const head = { id: 'option-chain', label: 'Option chain (synthetic)' } as const;
  try {
    const listing = parts.quotes.listed(symbol, time);
    if (listing === undefined || listing.expiries.length === 0)
      return { ...head, status: 'fail', detail: `no ${symbol} chain is listed on ${day}` };
    const expiry = chooseExpiry(
      day,
      listing.expiries.map((e) => e.expiry),
      parts.params.minDaysToExpiry,
    );
    const strikes = listing.expiries.find((e) => e.expiry === expiry)!.strikes;
    const strike = chooseStrike(spot, strikes);
    const put = occSymbol({ root: symbol, expiry, right: 'put', strike });
    const quote = parts.quotes.quote(put, time, spot);
    if (quote === undefined) return { ...head, status: 'fail', detail: `${put} has no quote at the entry` };
    const cost = quote.ask * 100 * parts.settings.contracts;
    return {
      ...head,
      status: 'pass',
      detail:
        `${listing.expiries.length} expiries from ${listing.expiries[0]!.expiry}, strikes ${money(strikes[0]!)}–${money(strikes[strikes.length - 1]!)}; ` +
        `on ${day} with ${symbol} at ${money(spot)} the entry buys ${parts.settings.contracts} × ${put} (bid ${money(quote.bid)}, ask ${money(quote.ask)}, ${money(cost)}); ${parts.quotes.label}`,
    };
  } catch (error) {
    return { ...head, status: 'fail', detail: reasonOf(error) };
  }
}
