// The read-only validation of an options paper run (the session's validate-only launch): everything the equity
// validation checks (keys, account, clock, buying power, the underlying, its data), then the options lines — the
// account's options trading level, its options buying power against one entry, the underlying's chain listed
// for the session (today's, or the next one's when the market is closed), the chain's quotes, and the volatility
// source. Only GETs go out; nothing is traded.
import type { Alpaca } from '@alpacahq/alpaca-trade-api';
import { z } from 'zod';
import type { ValidationCheck, ValidationReport } from '../../../shared/domain/credentials';
import { closeOn, readVixHistory } from '../../feeds/vix-history';
import { currentOrNextSession, currentOrPreviousSession } from '../../market/calendar';
import { dayFromIsoDate, isoDate } from '../../market/nyse-holidays';
import { brokerAccountOf } from './broker-shapes';
import { AlpacaOptionData, addCalendarDays, type OptionFeed } from './options';
import { describeFailure, newYorkTime, type ValidateAlpacaOptions, validateAlpaca } from './validate';

/** Where the run's volatility comes from, as the session config names it. */
export type VolatilitySourceSpec =
  | { readonly kind: 'csv'; readonly path: string }
  | { readonly kind: 'synthetic' }
  | { readonly kind: 'alpaca' };

export interface ValidateOptionsParams extends Omit<ValidateAlpacaOptions, 'symbols'> {
  /** The underlying, e.g. SPY. */
  readonly underlying: string;
  /** Dollars one entry of the preset costs (premium × 100 × contracts + commissions), when known. */
  readonly entryCost?: number;
  readonly volatility: VolatilitySourceSpec;
  readonly optionFeed?: OptionFeed;
  /** Strikes around the spot whose quotes are checked. Default 20. */
  readonly strikeRange?: number;
}

/** Buying puts and calls: Alpaca's options level 2 (level 1 is covered calls and cash-secured puts only). */
export const OPTIONS_LEVEL_TO_BUY = 2;

const indexValuesSchema = z.object({
  values: z.record(z.string(), z.object({ value: z.number().positive(), timestamp: z.date() })),
});

const moneyFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const money = (amount: number): string => moneyFormat.format(amount);

const OPTION_HEADS = {
  level: { id: 'options-level', label: 'Options trading level' },
  buyingPower: { id: 'options-buying-power', label: 'Options buying power' },
  chain: { id: 'option-chain', label: 'Option chain' },
  quotes: { id: 'option-quotes', label: 'Option quotes' },
  volatility: { id: 'volatility', label: 'Volatility source' },
} as const;

export async function validateOptions(
  alpaca: Alpaca,
  params: ValidateOptionsParams,
): Promise<ValidationReport> {
  const underlying = params.underlying.trim().toUpperCase();
  const base = await validateAlpaca(alpaca, { ...params, symbols: [underlying] });
  const keys = base.checks.find((check) => check.id === 'keys');
  let checks: ValidationCheck[];
  if (keys?.status !== 'pass') {
    const detail =
      keys?.status === 'fail' ? 'needs valid keys' : 'needs Alpaca to answer the keys check first';
    checks = Object.values(OPTION_HEADS).map((head) => ({ ...head, status: 'skip', detail }));
  } else {
    const data = new AlpacaOptionData({
      alpaca,
      ...(params.optionFeed !== undefined && { feed: params.optionFeed }),
    });
    const [account, session] = await Promise.all([optionsAccountChecks(alpaca, params), sessionDay(alpaca)]);
    const chain = await checkChain(alpaca, data, underlying, session, params);
    checks = [...account, ...chain, await checkVolatility(alpaca, params.volatility, session)];
  }
  const all = [...base.checks, ...checks];
  return {
    ...base,
    ready: all.every((check) => check.status === 'pass' || check.status === 'warn'),
    checks: all,
  };
}

async function optionsAccountChecks(
  alpaca: Alpaca,
  params: ValidateOptionsParams,
): Promise<ValidationCheck[]> {
  let account: ReturnType<typeof brokerAccountOf>;
  try {
    account = brokerAccountOf(await alpaca.trading.account.getAccount());
  } catch (error) {
    const detail = `the account could not be read: ${describeFailure(error).text}`;
    return [
      { ...OPTION_HEADS.level, status: 'fail', detail },
      { ...OPTION_HEADS.buyingPower, status: 'skip', detail: 'needs a readable account answer' },
    ];
  }
  const level = account.optionsTradingLevel;
  const approved =
    account.optionsApprovedLevel === null ? '' : ` (approved level ${account.optionsApprovedLevel})`;
  const levelCheck: ValidationCheck =
    level === null
      ? {
          ...OPTION_HEADS.level,
          status: 'fail',
          detail: 'Alpaca reported no options trading level: options trading is not enabled on this account',
        }
      : level >= OPTIONS_LEVEL_TO_BUY
        ? {
            ...OPTION_HEADS.level,
            status: 'pass',
            detail: `options trading level ${level}${approved}: buying puts and calls is allowed`,
          }
        : {
            ...OPTION_HEADS.level,
            status: 'fail',
            detail: `options trading level ${level}${approved}: buying puts needs level ${OPTIONS_LEVEL_TO_BUY} (raise it in the Alpaca dashboard)`,
          };

  const power = account.optionsBuyingPower;
  let powerCheck: ValidationCheck;
  if (power === null) {
    powerCheck = {
      ...OPTION_HEADS.buyingPower,
      status: 'warn',
      detail: `Alpaca reported no options buying power; buying power is ${money(account.buyingPower)}`,
    };
  } else if (params.entryCost === undefined) {
    powerCheck = {
      ...OPTION_HEADS.buyingPower,
      status: 'pass',
      detail: `options buying power ${money(power)} (the cost of one entry is not known yet)`,
    };
  } else if (power >= params.entryCost) {
    powerCheck = {
      ...OPTION_HEADS.buyingPower,
      status: 'pass',
      detail: `options buying power ${money(power)} covers one entry of about ${money(params.entryCost)}`,
    };
  } else {
    powerCheck = {
      ...OPTION_HEADS.buyingPower,
      status: 'fail',
      detail: `options buying power ${money(power)} is below the cost of one entry, about ${money(params.entryCost)}`,
    };
  }
  return [levelCheck, powerCheck];
}

/** The session the run would trade next by Alpaca's clock: today's while it is not over, else the next one. */
async function sessionDay(alpaca: Alpaca): Promise<{ day: string; now: number }> {
  let now = Date.now();
  try {
    const clock = await alpaca.trading.clock.legacyClock();
    if (clock.timestamp instanceof Date && Number.isFinite(clock.timestamp.getTime()))
      now = clock.timestamp.getTime();
  } catch {
    // The clock line of the base report says why; the wall clock stands in.
  }
  return { day: currentOrNextSession('us-equities', now).date, now };
}

async function checkChain(
  alpaca: Alpaca,
  data: AlpacaOptionData,
  underlying: string,
  session: { day: string; now: number },
  params: ValidateOptionsParams,
): Promise<ValidationCheck[]> {
  const to = addCalendarDays(session.day, 7);
  let expiries: readonly { expiry: string; strikes: readonly number[] }[];
  try {
    expiries = (await data.listing({ underlying, from: session.day, to, right: 'put' })).expiries;
  } catch (error) {
    return [
      { ...OPTION_HEADS.chain, status: 'fail', detail: describeFailure(error).text },
      { ...OPTION_HEADS.quotes, status: 'skip', detail: 'needs a listed chain' },
    ];
  }
  const first = expiries[0]!;
  const sameDay = first.expiry === session.day;
  const chainCheck: ValidationCheck = {
    ...OPTION_HEADS.chain,
    status: 'pass',
    detail: `${underlying} puts listed for the session of ${session.day}: ${expiries.length} expir${expiries.length === 1 ? 'y' : 'ies'} from ${first.expiry}${sameDay ? ' (same-day)' : ''} to ${expiries[expiries.length - 1]!.expiry}, ${first.strikes.length} strikes on ${first.expiry}`,
  };

  let spot: number | undefined;
  try {
    const answer = await alpaca.marketData.stocks.stockLatestBarSingle({
      symbol: underlying,
      feed: params.feed ?? 'iex',
    });
    const close = (answer.bar as { c?: unknown } | undefined)?.c;
    if (typeof close === 'number' && close > 0) spot = close;
  } catch {
    // The base report's data line says why.
  }
  if (spot === undefined)
    return [chainCheck, { ...OPTION_HEADS.quotes, status: 'skip', detail: `needs a price of ${underlying}` }];
  const range = params.strikeRange ?? 20;
  try {
    const quotes = await data.chain(
      {
        underlying,
        from: first.expiry,
        right: 'put',
        strikeFrom: Math.max(0, spot - range),
        strikeTo: spot + range,
      },
      spot,
    );
    if (quotes.length === 0)
      return [
        chainCheck,
        {
          ...OPTION_HEADS.quotes,
          status: 'fail',
          detail: `no ${underlying} put expiring ${first.expiry} within $${range} of ${money(spot)} has a bid and an ask`,
        },
      ];
    const newest = Math.max(...quotes.map((q) => q.time));
    return [
      chainCheck,
      {
        ...OPTION_HEADS.quotes,
        status: 'pass',
        detail: `${quotes.length} ${underlying} puts expiring ${first.expiry} quoted within $${range} of ${money(spot)}; newest quote ${newYorkTime(newest)}`,
      },
    ];
  } catch (error) {
    return [chainCheck, { ...OPTION_HEADS.quotes, status: 'fail', detail: describeFailure(error).text }];
  }
}

async function checkVolatility(
  alpaca: Alpaca,
  spec: VolatilitySourceSpec,
  session: { day: string; now: number },
): Promise<ValidationCheck> {
  const head = OPTION_HEADS.volatility;
  // The strategy reads the close of the session before the one it trades.
  const previous = currentOrPreviousSession('us-equities', sessionOpenMinus(session.day)).date;
  switch (spec.kind) {
    case 'synthetic':
      return {
        ...head,
        status: 'pass',
        detail:
          "synthetic: the underlying's realised volatility of the previous 20 sessions, annualised (labelled in every report)",
      };
    case 'csv': {
      try {
        const history = readVixHistory(spec.path);
        const close = closeOn(history, dayFromIsoDate(previous));
        if (close === undefined) {
          const last = history.days.length > 0 ? isoDate(history.days[history.days.length - 1]!) : 'none';
          return {
            ...head,
            status: 'fail',
            detail: `${history.source} has no close for ${previous}, the session before ${session.day} (its last day is ${last}); add it before the run`,
          };
        }
        return {
          ...head,
          status: 'pass',
          detail: `${history.source}: VIX closed at ${close} on ${previous}, the session before ${session.day}`,
        };
      } catch (error) {
        return { ...head, status: 'fail', detail: error instanceof Error ? error.message : String(error) };
      }
    }
    case 'alpaca': {
      try {
        const answer = indexValuesSchema.safeParse(
          await alpaca.marketData.indices.indexLatestValues({ symbols: 'VIX' }),
        );
        const vix = answer.success ? answer.data.values.VIX : undefined;
        if (vix === undefined)
          return { ...head, status: 'fail', detail: 'Alpaca returned no VIX value for this account' };
        return {
          ...head,
          status: 'pass',
          detail: `Alpaca's VIX index value ${vix.value} at ${newYorkTime(vix.timestamp.getTime())}`,
        };
      } catch (error) {
        return {
          ...head,
          status: 'fail',
          detail: `Alpaca's VIX index values are not readable with this account (${describeFailure(error).text}); use a VIX_History.csv file`,
        };
      }
    }
  }
}

/** A moment just before `day`'s session could open: its previous session is the one before `day`. */
function sessionOpenMinus(day: string): number {
  return dayFromIsoDate(day) * 86_400_000 - 1;
}
