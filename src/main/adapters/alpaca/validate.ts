// The read-only "validate" action: are these Alpaca keys, this account, the market clock, buying power, the symbols
// and the data feed fit for a paper session? Every check answers pass / warn / fail / skip with the values Alpaca
// reported. Only GETs go out, through the official SDK: nothing is ever traded here.
import {
  type Alpaca,
  ApiError,
  AuthError,
  FetchError,
  NotFoundError,
  PermissionError,
  RateLimitError,
} from '@alpacahq/alpaca-trade-api';
import { z } from 'zod';
import {
  type AlpacaDataFeed,
  keyIdHint,
  type ValidationCheck,
  type ValidationReport,
} from '../../../shared/domain/credentials';
import { ALPACA_PAPER_TRADING_HOST } from './client';

export interface ValidateAlpacaOptions {
  /** The key id the client was built with (the SDK keeps it private): paper ids start with PK, live ones with AK. */
  readonly keyId: string;
  readonly symbols: readonly string[];
  /** The session's capital; buying power must cover it. */
  readonly capital?: number;
  /** The stock data feed the session would use. Default IEX. */
  readonly feed?: AlpacaDataFeed;
  /** Where the trading API is, named when it cannot be reached. Default Alpaca's paper host. */
  readonly tradingHost?: string;
  readonly now?: () => number;
}

const FEED_NAMES: Record<AlpacaDataFeed, string> = { iex: 'IEX', sip: 'SIP' };

// The SDK's models are loose (Account is a Record, dates are `new Date(anything)`): what the checks read is parsed.
const moneySchema = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, 'not a decimal amount')
  .transform(Number);
const accountSchema = z.object({
  accountNumber: z.string().optional(),
  status: z.string().min(1),
  buyingPower: moneySchema,
  accountBlocked: z.boolean().optional(),
  tradingBlocked: z.boolean().optional(),
  tradeSuspendedByUser: z.boolean().optional(),
});
type Account = z.output<typeof accountSchema>;

const clockSchema = z.object({
  isOpen: z.boolean(),
  timestamp: z.date(),
  nextOpen: z.date(),
  nextClose: z.date(),
});

const assetSchema = z.object({
  symbol: z.string(),
  _class: z.string(),
  exchange: z.string(),
  status: z.string(),
  tradable: z.boolean(),
  shortable: z.boolean(),
});
type Asset = z.output<typeof assetSchema>;

const price = z.number().finite().positive();
const barSchema = z.object({
  t: z.date(),
  o: price,
  h: price,
  l: price,
  c: price,
  v: z.number().finite().min(0),
});
type LatestBar = z.output<typeof barSchema>;

/** The checks that depend on valid keys, in report order, for a report that cannot run them. */
function dependentChecks(symbols: readonly string[], detail: string): ValidationCheck[] {
  return [
    { id: 'account', label: 'Account', status: 'skip', detail },
    { id: 'clock', label: 'Market clock', status: 'skip', detail },
    { id: 'buying-power', label: 'Buying power', status: 'skip', detail },
    ...symbols.map((symbol): ValidationCheck => ({ ...assetCheckHead(symbol), status: 'skip', detail })),
    { id: 'data', label: 'Market data', status: 'skip', detail },
  ];
}

const assetCheckHead = (symbol: string) => ({ id: `asset:${symbol}`, label: `Symbol ${symbol}` });

interface ReportFrame {
  readonly keyId: string | null;
  readonly symbols: readonly string[];
  readonly capital?: number | undefined;
  readonly feed?: AlpacaDataFeed | undefined;
  readonly now?: (() => number) | undefined;
}

function report(frame: ReportFrame, checks: ValidationCheck[]): ValidationReport {
  return {
    checkedAt: (frame.now ?? Date.now)(),
    keyIdHint: frame.keyId === null ? null : keyIdHint(frame.keyId),
    symbols: frame.symbols,
    capital: frame.capital ?? null,
    feed: frame.feed ?? 'iex',
    ready: checks.every((check) => check.status === 'pass' || check.status === 'warn'),
    checks,
  };
}

/** The report when nothing is stored: one failed check saying where the keys go. */
export function noKeysReport(frame: Omit<ReportFrame, 'keyId'>): ValidationReport {
  return report({ ...frame, keyId: null }, [
    { id: 'keys', label: 'Keys', status: 'fail', detail: 'no Alpaca keys saved (Settings → Alpaca)' },
  ]);
}

/** Symbols as Alpaca spells them, each once, in the order given. */
export function normaliseSymbols(symbols: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of symbols) {
    const symbol = raw.trim().toUpperCase();
    if (symbol !== '' && !out.includes(symbol)) out.push(symbol);
  }
  return out;
}

export async function validateAlpaca(
  alpaca: Alpaca,
  options: ValidateAlpacaOptions,
): Promise<ValidationReport> {
  const symbols = normaliseSymbols(options.symbols);
  const feed = options.feed ?? 'iex';
  const frame: ReportFrame = { ...options, symbols, feed };
  const host = options.tradingHost ?? ALPACA_PAPER_TRADING_HOST;

  let rawAccount: unknown;
  try {
    rawAccount = await alpaca.trading.account.getAccount();
  } catch (error) {
    const failure = describeFailure(error, host);
    const keys: ValidationCheck = {
      id: 'keys',
      label: 'Keys',
      status: 'fail',
      detail: failure.refused
        ? `Alpaca refused these keys (${failure.text}); check that the key id and secret are one pair from the paper dashboard`
        : failure.text,
    };
    // Without an answer to the first call nothing else can be asked; say which of the two it was.
    const reason = failure.refused ? 'needs valid keys' : 'needs Alpaca to answer the keys check first';
    return report(frame, [keys, ...dependentChecks(symbols, reason)]);
  }

  const parsedAccount = accountSchema.safeParse(rawAccount);
  const account = parsedAccount.success ? parsedAccount.data : null;
  const keysCheck: ValidationCheck = {
    id: 'keys',
    label: 'Keys',
    status: 'pass',
    detail: `Alpaca accepted the key ${keyIdHint(options.keyId)}${account?.accountNumber ? ` (account ${account.accountNumber})` : ''}`,
  };
  const accountCheck: ValidationCheck = parsedAccount.success
    ? checkAccount(parsedAccount.data, options.keyId)
    : {
        id: 'account',
        label: 'Account',
        status: 'fail',
        detail: `Alpaca's account answer was not understood: ${issues(parsedAccount.error)}`,
      };
  const buyingPowerCheck: ValidationCheck = parsedAccount.success
    ? checkBuyingPower(parsedAccount.data, options.capital)
    : {
        id: 'buying-power',
        label: 'Buying power',
        status: 'skip',
        detail: 'needs a readable account answer',
      };

  const [clock, assets] = await Promise.all([
    checkClock(alpaca),
    Promise.all(symbols.map((symbol) => checkAsset(alpaca, symbol))),
  ]);
  const data = await checkData(alpaca, symbols, assets, feed);

  return report(frame, [
    keysCheck,
    accountCheck,
    clock,
    buyingPowerCheck,
    ...assets.map((asset) => asset.check),
    data,
  ]);
}

function checkAccount(account: Account, keyId: string): ValidationCheck {
  const problems: string[] = [];
  if (/^AK/i.test(keyId))
    problems.push(
      'this is a live-trading key (its id starts with AK); MarketBoss trades paper accounts only',
    );
  else if (!/^PK/.test(keyId)) problems.push('the key id does not start with PK, so it is not a paper key');
  if (account.status !== 'ACTIVE') problems.push(`the account status is ${account.status}, not ACTIVE`);
  if (account.accountBlocked) problems.push('the account is blocked (account_blocked)');
  if (account.tradingBlocked) problems.push('trading is blocked (trading_blocked)');
  if (account.tradeSuspendedByUser)
    problems.push('trading is suspended by the account holder (trade_suspended_by_user)');
  if (problems.length > 0)
    return { id: 'account', label: 'Account', status: 'fail', detail: problems.join('; ') };
  return {
    id: 'account',
    label: 'Account',
    status: 'pass',
    detail: 'ACTIVE paper account; trading is not blocked',
  };
}

function checkBuyingPower(account: Account, capital: number | undefined): ValidationCheck {
  const head = { id: 'buying-power', label: 'Buying power' } as const;
  const buyingPower = money(account.buyingPower);
  if (capital === undefined)
    return {
      ...head,
      status: 'pass',
      detail: `buying power ${buyingPower} (no session capital given to compare)`,
    };
  if (account.buyingPower >= capital)
    return {
      ...head,
      status: 'pass',
      detail: `buying power ${buyingPower} covers the session capital ${money(capital)}`,
    };
  return {
    ...head,
    status: 'fail',
    detail: `buying power ${buyingPower} is below the session capital ${money(capital)}`,
  };
}

async function checkClock(alpaca: Alpaca): Promise<ValidationCheck> {
  const head = { id: 'clock', label: 'Market clock' } as const;
  let raw: unknown;
  try {
    raw = await alpaca.trading.clock.legacyClock();
  } catch (error) {
    return {
      ...head,
      status: 'fail',
      detail: `the market clock could not be read: ${describeFailure(error).text}`,
    };
  }
  const parsed = clockSchema.safeParse(raw);
  if (!parsed.success)
    return {
      ...head,
      status: 'fail',
      detail: `Alpaca's clock answer was not understood: ${issues(parsed.error)}`,
    };
  const clock = parsed.data;
  const now = clock.timestamp.getTime();
  if (clock.isOpen)
    return {
      ...head,
      status: 'pass',
      detail: `open now (${newYorkTime(now)}); closes ${newYorkTime(clock.nextClose.getTime())}, in ${duration(clock.nextClose.getTime() - now)}`,
    };
  // A closed market is not a fault: a session started now waits for the open.
  return {
    ...head,
    status: 'warn',
    detail: `closed now (${newYorkTime(now)}); next open ${newYorkTime(clock.nextOpen.getTime())}, in ${duration(clock.nextOpen.getTime() - now)} — a session started now waits for it`,
  };
}

interface AssetOutcome {
  readonly symbol: string;
  readonly asset: Asset | null;
  readonly check: ValidationCheck;
}

async function checkAsset(alpaca: Alpaca, symbol: string): Promise<AssetOutcome> {
  const head = assetCheckHead(symbol);
  const outcome = (
    status: ValidationCheck['status'],
    detail: string,
    asset: Asset | null = null,
  ): AssetOutcome => ({
    symbol,
    asset,
    check: { ...head, status, detail },
  });
  let raw: unknown;
  try {
    raw = await alpaca.trading.assets.getV2AssetsSymbolOrAssetId({ symbolOrAssetId: symbol });
  } catch (error) {
    if (error instanceof NotFoundError)
      return outcome('fail', `unknown symbol: Alpaca has no asset ${symbol}`);
    return outcome('fail', `${symbol} could not be looked up: ${describeFailure(error).text}`);
  }
  const parsed = assetSchema.safeParse(raw);
  if (!parsed.success)
    return outcome('fail', `Alpaca's answer for ${symbol} was not understood: ${issues(parsed.error)}`);
  const asset = parsed.data;
  const where = `${asset.exchange}, ${asset.status}`;
  if (asset.status !== 'active')
    return outcome('fail', `${symbol} is ${asset.status} at Alpaca (${where})`, asset);
  if (!asset.tradable) return outcome('fail', `${symbol} is not tradable at Alpaca (${where})`, asset);
  if (!asset.shortable)
    return outcome(
      'warn',
      `${symbol} is tradable (${where}) but not shortable: short entries will be refused`,
      asset,
    );
  return outcome('pass', `${symbol} is tradable and shortable (${where})`, asset);
}

/** The latest bar of the first symbol Alpaca knows, on the chosen feed; SIP refused → IEX, as a warning. */
async function checkData(
  alpaca: Alpaca,
  symbols: readonly string[],
  assets: readonly AssetOutcome[],
  feed: AlpacaDataFeed,
): Promise<ValidationCheck> {
  const head = { id: 'data', label: 'Market data' } as const;
  const known = assets.find((outcome) => outcome.asset !== null);
  if (known === undefined)
    return {
      ...head,
      status: 'skip',
      detail: symbols.length === 0 ? 'no symbol given to fetch data for' : 'needs a symbol Alpaca knows',
    };
  const { symbol } = known;
  if (known.asset!._class === 'crypto') {
    try {
      const bar = await latestCryptoBar(alpaca, symbol);
      if (bar === null)
        return { ...head, status: 'fail', detail: `Alpaca returned no latest bar for ${symbol}` };
      return { ...head, status: 'pass', detail: `latest ${symbol} bar (crypto): ${describeBar(bar)}` };
    } catch (error) {
      return { ...head, status: 'fail', detail: `${symbol} crypto data: ${describeFailure(error).text}` };
    }
  }
  const latest = (on: AlpacaDataFeed) => latestStockBar(alpaca, symbol, on);
  const found = (on: AlpacaDataFeed, bar: LatestBar | null): string =>
    bar === null
      ? `Alpaca returned no latest bar for ${symbol} on ${FEED_NAMES[on]}`
      : `latest ${symbol} bar on ${FEED_NAMES[on]}: ${describeBar(bar)}`;
  try {
    const bar = await latest(feed);
    return { ...head, status: bar === null ? 'fail' : 'pass', detail: found(feed, bar) };
  } catch (error) {
    const refusal = `${FEED_NAMES[feed]} data for ${symbol}: ${describeFailure(error).text}`;
    if (!(feed === 'sip' && error instanceof PermissionError))
      return { ...head, status: 'fail', detail: refusal };
    // The free plan refuses recent SIP data; IEX is what such an account trades on.
    try {
      const bar = await latest('iex');
      if (bar === null) return { ...head, status: 'fail', detail: `SIP refused; ${found('iex', bar)}` };
      return {
        ...head,
        status: 'warn',
        detail: `SIP refused for recent data (${describeFailure(error).text}); using IEX: ${found('iex', bar)}`,
      };
    } catch (fallbackError) {
      return {
        ...head,
        status: 'fail',
        detail: `SIP refused (${describeFailure(error).text}) and IEX failed too: ${describeFailure(fallbackError).text}`,
      };
    }
  }
}

async function latestStockBar(
  alpaca: Alpaca,
  symbol: string,
  feed: AlpacaDataFeed,
): Promise<LatestBar | null> {
  const answer = await alpaca.marketData.stocks.stockLatestBarSingle({ symbol, feed });
  return parseBar(answer.bar);
}

async function latestCryptoBar(alpaca: Alpaca, symbol: string): Promise<LatestBar | null> {
  const answer = await alpaca.marketData.crypto.cryptoLatestBars({ loc: 'us', symbols: symbol });
  return parseBar(answer.bars[symbol]);
}

function parseBar(raw: unknown): LatestBar | null {
  if (raw === null || raw === undefined) return null;
  const parsed = barSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`the bar Alpaca sent was not understood: ${issues(parsed.error)}`);
  return parsed.data;
}

const describeBar = (bar: LatestBar): string =>
  `${newYorkTime(bar.t.getTime())}, close ${money(bar.c)}, volume ${bar.v.toLocaleString('en-US')}`;

/** A failed SDK call in words; `refused` when Alpaca turned the keys away (401/403). Never quotes a key. */
export function describeFailure(
  error: unknown,
  host = ALPACA_PAPER_TRADING_HOST,
): { refused: boolean; text: string } {
  if (error instanceof ApiError) {
    const text = `HTTP ${error.status}${error.message ? `: ${withoutSdkHint(error.message)}` : ''}`;
    if (error instanceof AuthError || error instanceof PermissionError) return { refused: true, text };
    if (error instanceof RateLimitError) {
      const wait =
        error.retryAfterMs === undefined ? '' : `; try again in ${Math.ceil(error.retryAfterMs / 1000)} s`;
      return { refused: false, text: `Alpaca is limiting requests (${text})${wait}` };
    }
    return { refused: false, text: `Alpaca answered ${text}` };
  }
  if (error instanceof FetchError) {
    const cause =
      (error.cause?.cause as Error | undefined)?.message ||
      error.cause?.message ||
      error.message ||
      'no answer';
    return { refused: false, text: `cannot reach Alpaca at ${host}: ${cause}` };
  }
  return { refused: false, text: error instanceof Error ? error.message : String(error) };
}

// The SDK appends advice about SIP to every 403 message (option data too); the check says it in its own words.
export const withoutSdkHint = (message: string): string =>
  message.replace(/ \(Your account may not have SIP market-data access\.[\s\S]*\)$/, '');

const issues = (error: z.ZodError): string =>
  error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(answer)'}: ${issue.message}`)
    .join('; ');

const moneyFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const money = (amount: number): string => moneyFormat.format(amount);

const newYorkFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** `2025-03-05 10:00 New York`: traders read market times in the exchange's zone. */
export function newYorkTime(ms: number): string {
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of newYorkFormat.formatToParts(ms)) part[type] = value;
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute} New York`;
}

/** `17 h 30 min`, `45 min`, `2 d 6 h`. */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
  return `${rest} min`;
}
