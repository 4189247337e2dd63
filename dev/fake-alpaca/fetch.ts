// Points the real SDK at the fake: a `fetchApi` for `new Alpaca({ ..., fetchApi })` that rewrites Alpaca's REST
// hosts to the fake's base URL, and the stream URLs to pass as `url`.
import { type AlpacaStreamUrls, alpacaStreamUrls } from '../../src/main/adapters/alpaca/streams';

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

/** The stream URLs of a fake listening at `baseUrl` (http://…), for the SDK's `url` stream option: the app's own rule. */
export function fakeStreamUrls(baseUrl: string): AlpacaStreamUrls {
  return alpacaStreamUrls({ trading: baseUrl, data: baseUrl })!;
}
