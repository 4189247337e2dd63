// Points the real SDK at the fake: a `fetchApi` for `new Alpaca({ ..., fetchApi })` that rewrites Alpaca's REST
// hosts to the fake's base URL, and the stream URLs to pass as `url`.

/** Alpaca's REST hosts the SDK talks to (paper and live trading, market data, market-data sandbox). */
export const ALPACA_REST_HOSTS = [
  'https://paper-api.alpaca.markets',
  'https://api.alpaca.markets',
  'https://data.alpaca.markets',
  'https://data.sandbox.alpaca.markets',
] as const;

/** `fetch` that sends requests for Alpaca's hosts to `baseUrl` (e.g. `http://127.0.0.1:4567`), unchanged otherwise. */
export function fetchRewritingAlpacaTo(
  baseUrl: string,
): (url: string, init: RequestInit) => Promise<Response> {
  const base = baseUrl.replace(/\/+$/, '');
  return (url, init) => {
    let target = url;
    for (const host of ALPACA_REST_HOSTS) {
      if (url === host || url.startsWith(`${host}/`) || url.startsWith(`${host}?`)) {
        target = base + url.slice(host.length);
        break;
      }
    }
    return fetch(target, init);
  };
}

/** The stream URLs of a fake listening at `baseUrl` (http://…), for the SDK's `url` stream option. */
export function fakeStreamUrls(baseUrl: string): {
  trading: string;
  iex: string;
  sip: string;
  crypto: string;
} {
  const ws = baseUrl.replace(/^http/, 'ws').replace(/\/+$/, '');
  return {
    trading: `${ws}/stream`,
    iex: `${ws}/v2/iex`,
    sip: `${ws}/v2/sip`,
    crypto: `${ws}/v1beta3/crypto/us`,
  };
}
