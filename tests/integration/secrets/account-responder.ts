// A loopback stand-in for Alpaca's GET /v2/account (shapes from ALPACA.md), for the keychain tests: it knows a few
// key pairs, answers 401 {"message":"unauthorized."} for anything else, and records who asked.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AccountOverrides {
  readonly status?: string;
  readonly account_blocked?: boolean;
  readonly trading_blocked?: boolean;
  readonly trade_suspended_by_user?: boolean;
}

export interface TestKeys {
  readonly keyId: string;
  readonly secret: string;
  readonly accountId: string;
}

export interface AccountResponder {
  readonly url: string;
  /** A new paper key pair this server accepts; `secret` may be given (the canary). */
  addKeys(options?: { secret?: string; account?: AccountOverrides }): TestKeys;
  /** Every request seen: method, path and the key id header (never the secret). */
  readonly requests: { method: string; path: string; keyId: string | null }[];
  close(): Promise<void>;
}

const ALNUM_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ALNUM = `${ALNUM_UPPER}abcdefghijklmnopqrstuvwxyz`;

export function randomChars(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export const randomPaperKeyId = (): string => `PK${randomChars(ALNUM_UPPER, 18)}`;
export const randomSecret = (): string => randomChars(ALNUM, 40);

export async function startAccountResponder(): Promise<AccountResponder> {
  const accounts = new Map<string, { secret: string; body: Record<string, unknown> }>();
  const requests: AccountResponder['requests'] = [];

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0]!;
    const keyId = header(req, 'apca-api-key-id');
    requests.push({ method: req.method ?? '?', path, keyId });
    if (req.method !== 'GET' || path !== '/v2/account') {
      send(res, 404, { code: 40410000, message: 'not found' });
      return;
    }
    const known = keyId === null ? undefined : accounts.get(keyId);
    if (!known || known.secret !== header(req, 'apca-api-secret-key')) {
      send(res, 401, { message: 'unauthorized.' });
      return;
    }
    send(res, 200, known.body);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addKeys(options = {}) {
      const keys = {
        keyId: randomPaperKeyId(),
        secret: options.secret ?? randomSecret(),
        accountId: randomUUID(),
      };
      accounts.set(keys.keyId, { secret: keys.secret, body: accountBody(keys.accountId, options.account) });
      return keys;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const header = (req: IncomingMessage, name: string): string | null => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
};

/** GET /v2/account as Alpaca sends it: money as strings, blocks as booleans, RFC 3339 times. */
function accountBody(id: string, overrides: AccountOverrides = {}): Record<string, unknown> {
  return {
    id,
    account_number: `PA${id.replace(/-/g, '').slice(0, 10).toUpperCase()}`,
    status: 'ACTIVE',
    crypto_status: 'ACTIVE',
    currency: 'USD',
    buying_power: '200000',
    regt_buying_power: '200000',
    daytrading_buying_power: '0',
    non_marginable_buying_power: '100000',
    cash: '100000',
    accrued_fees: '0',
    portfolio_value: '100000',
    pattern_day_trader: false,
    trading_blocked: false,
    transfers_blocked: false,
    account_blocked: false,
    created_at: '2024-01-02T15:04:05.123456Z',
    trade_suspended_by_user: false,
    multiplier: '2',
    shorting_enabled: true,
    equity: '100000',
    last_equity: '100000',
    long_market_value: '0',
    short_market_value: '0',
    initial_margin: '0',
    maintenance_margin: '0',
    last_maintenance_margin: '0',
    sma: '0',
    daytrade_count: 0,
    ...overrides,
  };
}
