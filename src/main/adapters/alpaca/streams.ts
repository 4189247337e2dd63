// Where the SDK's WebSocket streams connect when the REST calls go to a loopback Alpaca (the fake, host-mode tests):
// the same server, ws:// instead of http://, at Alpaca's stream paths. Without base URLs the SDK's defaults (the
// real Alpaca) apply, so callers pass `url` only when this returns something.
import type { AlpacaBaseUrls } from './client';

export interface AlpacaStreamUrls {
  /** Trade updates (JSON). */
  readonly trading: string;
  /** Stock bars, trades and quotes from IEX (msgpack). */
  readonly iex: string;
  /** The same from all exchanges (SIP; a paid plan). */
  readonly sip: string;
  readonly crypto: string;
}

export function alpacaStreamUrls(baseUrls: AlpacaBaseUrls | undefined): AlpacaStreamUrls | undefined {
  if (baseUrls === undefined) return undefined;
  const trading = toWebSocket(baseUrls.trading);
  const data = toWebSocket(baseUrls.data);
  return {
    trading: `${trading}/stream`,
    iex: `${data}/v2/iex`,
    sip: `${data}/v2/sip`,
    crypto: `${data}/v1beta3/crypto/us`,
  };
}

/** http → ws, https → wss, no trailing slash. */
function toWebSocket(baseUrl: string): string {
  return baseUrl.replace(/^http(s?):\/\//, 'ws$1://').replace(/\/+$/, '');
}
