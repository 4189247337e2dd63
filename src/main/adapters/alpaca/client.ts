// The one way MarketBoss builds the Alpaca SDK facade: paper only, and — for tests, the fake Alpaca and host mode —
// pointed at a loopback server by rewriting the SDK's fixed hosts in its `fetchApi` (the v4 facade has no base URL).
import { Alpaca, type AlpacaClientOptions } from '@alpacahq/alpaca-trade-api';

export const ALPACA_PAPER_TRADING_HOST = 'https://paper-api.alpaca.markets';
export const ALPACA_DATA_HOST = 'https://data.alpaca.markets';

/** Where the SDK's trading and market-data REST calls go instead of Alpaca (no trailing slash). */
export interface AlpacaBaseUrls {
  readonly trading: string;
  readonly data: string;
}

/** Env vars that point the app at a fake Alpaca; either one alone serves both (one server can answer both). */
export const ALPACA_TRADING_URL_ENV = 'MARKETBOSS_ALPACA_TRADING_URL';
export const ALPACA_DATA_URL_ENV = 'MARKETBOSS_ALPACA_DATA_URL';

export interface AlpacaClientParams {
  readonly keyId: string;
  readonly secret: string;
  readonly baseUrls?: AlpacaBaseUrls;
  /** SDK options other than the credentials, the environment and the fetch (timeouts, retry, rate limit …). */
  readonly options?: Omit<AlpacaClientOptions, 'keyId' | 'secret' | 'accessToken' | 'paper' | 'fetchApi'>;
}

type FetchApi = (url: string, init: RequestInit) => Promise<Response>;

export function createAlpacaClient(params: AlpacaClientParams): Alpaca {
  return new Alpaca({
    ...params.options,
    keyId: params.keyId,
    secret: params.secret,
    paper: true,
    ...(params.baseUrls && { fetchApi: rewritingFetch(params.baseUrls) }),
  });
}

/** A fetch that sends Alpaca's paper and data hosts to `baseUrls` and refuses every other host. */
export function rewritingFetch(baseUrls: AlpacaBaseUrls, fetchImpl: FetchApi = fetch): FetchApi {
  const routes: readonly (readonly [string, string])[] = [
    [ALPACA_PAPER_TRADING_HOST, trimSlash(baseUrls.trading)],
    [ALPACA_DATA_HOST, trimSlash(baseUrls.data)],
  ];
  return (url, init) => {
    for (const [from, to] of routes) {
      if (url === from || url.startsWith(`${from}/`) || url.startsWith(`${from}?`))
        return fetchImpl(to + url.slice(from.length), init);
    }
    // With a fake configured, a request to any other host (live trading, sandbox) is a bug: never let it out.
    return Promise.reject(
      new Error(`request to ${new URL(url).origin} refused: only the configured fake is used`),
    );
  };
}

/**
 * Base URLs from the environment (`MARKETBOSS_ALPACA_TRADING_URL`, `MARKETBOSS_ALPACA_DATA_URL`), or undefined for the
 * real Alpaca. Only loopback http(s) URLs are accepted: the keys travel with every request, so an env var must not
 * be able to send them to another machine.
 */
export function alpacaBaseUrlsFromEnv(env: NodeJS.ProcessEnv = process.env): AlpacaBaseUrls | undefined {
  const trading = env[ALPACA_TRADING_URL_ENV]?.trim() || undefined;
  const data = env[ALPACA_DATA_URL_ENV]?.trim() || undefined;
  if (trading === undefined && data === undefined) return undefined;
  return {
    trading: loopbackUrl(ALPACA_TRADING_URL_ENV, trading ?? data!),
    data: loopbackUrl(ALPACA_DATA_URL_ENV, data ?? trading!),
  };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function loopbackUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} is not a URL: "${value}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !LOOPBACK.has(url.hostname))
    throw new Error(
      `${name} must be an http(s) URL on this machine (127.0.0.1, localhost or [::1]), got "${value}"`,
    );
  if (url.search || url.hash) throw new Error(`${name} must not carry a query or fragment, got "${value}"`);
  return trimSlash(`${url.origin}${url.pathname}`);
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');
