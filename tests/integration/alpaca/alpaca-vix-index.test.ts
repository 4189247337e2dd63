// Alpaca's VIX index values (`--vol-source alpaca-index`) through the real SDK against a loopback responder in
// Alpaca's wire shape (GET /v1beta1/indices/values → {values:{VIX:[{t,v}]}, next_page_token}); the shared fake has
// no index data (the CLI test checks its refusal is passed on).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vixIndexVolatility } from '../../../src/main/adapters/alpaca/alpaca-volatility';
import { createAlpacaClient } from '../../../src/main/adapters/alpaca/client';
import { RequestBudget } from '../../../src/main/adapters/alpaca/request-budget';
import { isoDate } from '../../../src/main/market/nyse-holidays';

const PAGES: Record<string, unknown> = {
  // Two values on Monday 5 February 2024 (the later, 16:15 New York = 21:15 UTC, is the close), one on Tuesday.
  first: {
    values: {
      VIX: [
        { t: '2024-02-05T15:00:00Z', v: 13.1 },
        { t: '2024-02-05T21:15:00Z', v: 13.67 },
      ],
    },
    next_page_token: 'page-2',
  },
  'page-2': { values: { VIX: [{ t: '2024-02-06T21:15:00Z', v: 13.06 }] }, next_page_token: null },
};

let server: Server;
let url: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push(
      `${query.pathname}?symbols=${query.searchParams.get('symbols')}&page_token=${query.searchParams.get('page_token')}`,
    );
    const page = PAGES[query.searchParams.get('page_token') ?? 'first'];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(page));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe("Alpaca's VIX index values", () => {
  it("take each New York day's last value as its close, over every page", async () => {
    const alpaca = createAlpacaClient({
      keyId: 'PKTEST',
      secret: 'secret',
      baseUrls: { trading: url, data: url },
      options: { retry: false, rateLimit: false },
    });
    const history = await vixIndexVolatility(alpaca, new RequestBudget(), {
      first: '2024-02-05',
      last: '2024-02-06',
    });
    expect([...history.days].map(isoDate)).toEqual(['2024-02-05', '2024-02-06']);
    expect([...history.closes]).toEqual([13.67, 13.06]);
    expect(history.source).toBe('VIX index values from Alpaca (the last value of each New York day)');
    expect(seen).toEqual([
      '/v1beta1/indices/values?symbols=VIX&page_token=null',
      '/v1beta1/indices/values?symbols=VIX&page_token=page-2',
    ]);
  });
});
