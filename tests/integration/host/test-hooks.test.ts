// Host mode's test hook POST /__test/market-shock: absent unless asked for, behind the page's token and the Host and
// Origin guards, its body validated naming the field; when it answers 200 the running session's next bars move.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateSeries } from '../../../src/main/feeds/synthetic';
import { SyntheticMarket } from '../../../src/main/feeds/synthetic-live';
import { MARKET_SHOCK_PATH } from '../../../src/main/host/test-hooks';
import type { SessionConfig } from '../../../src/main/strategies/run-config';
import { tempDataDir } from '../../support/host-process';
import { type HttpAnswer, httpRequest, startTestHost, type TestHost } from './host-helpers';

/** A simulated session on the synthetic market, a 1m bar every 10 ms. */
const FAST_DEMO = {
  symbols: ['ACME', 'BOLT'],
  timeframe: '1m',
  feed: { kind: 'synthetic-live', speed: 6_000 },
  strategy: { id: 'sma-crossover', params: {} },
};

function post(
  host: TestHost,
  body: unknown,
  options: { token?: string | null; headers?: Record<string, string>; method?: string; path?: string } = {},
): Promise<HttpAnswer> {
  const token = options.token === undefined ? host.server.token : options.token;
  const query = token === null ? '' : `?token=${token}`;
  return httpRequest(host.server.port, `${options.path ?? MARKET_SHOCK_PATH}${query}`, {
    method: options.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const errorOf = (answer: HttpAnswer): { code: string; message: string } =>
  (JSON.parse(answer.body) as { error: { code: string; message: string } }).error;

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('without --test-hooks', () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => {
    await host?.close();
  });

  test('the shock endpoint does not exist: 404, even with the right token and a good body', async () => {
    const { id } = host.services.sessions.create('off', FAST_DEMO);

    const answer = await post(host, { sessionId: id, symbol: 'ACME', factor: 0.7 });

    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(errorOf(answer).code).toBe('not-found');
  });
});

describe('with --test-hooks', () => {
  let host: TestHost;
  let sessionId: string;
  beforeAll(async () => {
    host = await startTestHost({ testHooks: true });
    sessionId = host.services.sessions.create('shocked', FAST_DEMO).id;
  });
  afterAll(async () => {
    await host?.close();
  });

  test.each([
    ['no token', null],
    ['a wrong token', 'f'.repeat(48)],
    ['a token one character short', 'SHORT'],
  ])('%s: 401', async (_label, token) => {
    const given = token === 'SHORT' ? host.server.token.slice(1) : token;

    const answer = await post(host, { sessionId, symbol: 'ACME', factor: 0.7 }, { token: given });

    expect(answer.status).toBe(401);
    expect(errorOf(answer)).toEqual({ code: 'unauthorized', message: 'missing or wrong token' });
  });

  test('another Host (DNS rebinding) gets 421; a page of another origin gets 403', async () => {
    const body = { sessionId, symbol: 'ACME', factor: 0.7 };
    expect((await post(host, body, { headers: { host: 'evil.example' } })).status).toBe(421);
    const foreign = await post(host, body, { headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(errorOf(foreign).message).toBe('origin http://evil.example is not allowed');
  });

  test('GET is 405, a body that is not JSON content is 415, another hook path is 404', async () => {
    const get = await post(host, '', { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const form = await post(host, 'factor=0.7', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect((await post(host, {}, { path: '/__test/other' })).status).toBe(404);
  });

  test.each([
    ['factor below zero', { symbol: 'ACME', factor: -0.5 }, /^Factor: /],
    ['factor zero', { symbol: 'ACME', factor: 0 }, /^Factor: /],
    ['factor as text', { symbol: 'ACME', factor: '0.7' }, /^Factor: /],
    ['no symbol', { factor: 0.7 }, /^Symbol: /],
    ['an extra field', { symbol: 'ACME', factor: 0.7, speed: 2 }, /speed/],
  ])('%s: 400 naming the field', async (_label, fields, message) => {
    const answer = await post(host, { sessionId, ...fields });

    expect(answer.status).toBe(400);
    expect(errorOf(answer).code).toBe('bad-request');
    expect(errorOf(answer).message).toMatch(message);
  });

  test('a body that is not JSON is 400', async () => {
    const answer = await post(host, '{"sessionId": ');

    expect(answer.status).toBe(400);
    expect(errorOf(answer).message).toMatch(/not JSON/);
  });

  test('a session that is not running is 409; an unknown one 404', async () => {
    const idle = await post(host, { sessionId, symbol: 'ACME', factor: 0.7 });
    expect(idle.status).toBe(409);
    expect(errorOf(idle).message).toBe(`session ${sessionId} is not running; start it first`);
    const unknown = await post(host, { sessionId: 's-nope', symbol: 'ACME', factor: 0.7 });
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown).message).toBe('no session s-nope');
  });

  test('200: from the next bar on, the symbol trades at the shocked prices; earlier bars and BOLT stay', async () => {
    // Arrange: paused, so the next bar index is known when the shock arrives.
    const sessions = host.services.sessions;
    await sessions.start(sessionId);
    sessions.pause(sessionId);
    const runtime = sessions.runtime(sessionId)!;
    const next = runtime.barTimes;
    expect(next).toBeGreaterThan(0); // the warm-up bars

    // Act
    const wrongSymbol = await post(host, { sessionId, symbol: 'ZZZ', factor: 0.5 });
    const answer = await post(host, { sessionId, symbol: 'ACME', factor: 0.5 });
    sessions.resume(sessionId);
    await until(() => runtime.barTimes >= next + 5, 'five bars after the shock');
    sessions.stop(sessionId, false);

    // Assert
    expect(wrongSymbol.status).toBe(400);
    expect(errorOf(wrongSymbol).message).toBe('shock symbol "ZZZ" is not in this market (ACME, BOLT)');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      ok: true,
      value: { sessionId, symbol: 'ACME', factor: 0.5, fromBar: next },
    });
    const config: SessionConfig = runtime.config;
    if (config.feed.kind !== 'synthetic-live') throw new Error('expected the synthetic feed');
    const plain = new SyntheticMarket(config.feed.seed, config.symbols, config.timeframe, config.calendar);
    const { bars } = sessions.snapshot(sessionId);
    const acme = bars.ACME!;
    expect(acme.time.length).toBeGreaterThanOrEqual(next + 5);
    for (let k = 0; k < acme.time.length; k++) {
      const [base, boltBase] = plain.barsAt(k)!;
      const factor = k >= next ? 0.5 : 1;
      expect(acme.time[k]).toBe(base!.time);
      expect(acme.open[k]).toBeCloseTo(base!.open * factor, 9);
      expect(acme.high[k]).toBeCloseTo(base!.high * factor, 9);
      expect(acme.low[k]).toBeCloseTo(base!.low * factor, 9);
      expect(acme.close[k]).toBeCloseTo(base!.close * factor, 9);
      expect(acme.volume[k]).toBe(base!.volume);
      expect(bars.BOLT!.close[k]).toBe(boltBase!.close);
    }
  });

  test('a session on stored history (replay) is refused in words', async () => {
    const dir = tempDataDir('marketboss-replay-');
    try {
      const files: Record<string, string> = {};
      for (const symbol of ['ACME', 'BOLT']) {
        const s = generateSeries(symbol, { seed: 3, bars: 200, timeframe: '1D' });
        const lines = ['date,open,high,low,close,volume'];
        for (let i = 0; i < s.length; i++) {
          const day = new Date(s.time[i]!).toISOString().slice(0, 10);
          lines.push(`${day},${s.open[i]},${s.high[i]},${s.low[i]},${s.close[i]},${s.volume[i]}`);
        }
        files[symbol] = join(dir, `${symbol}.csv`);
        writeFileSync(files[symbol], `${lines.join('\n')}\n`);
      }
      const sessions = host.services.sessions;
      // Speed 1: a daily bar a day, so the run sits still after its warm-up.
      const { id } = sessions.create('replay', {
        symbols: ['ACME', 'BOLT'],
        timeframe: '1D',
        feed: { kind: 'replay', files, speed: 1 },
      });
      await sessions.start(id);

      const answer = await post(host, { sessionId: id, symbol: 'ACME', factor: 0.7 });
      sessions.stop(id, false);

      expect(answer.status).toBe(400);
      expect(errorOf(answer).message).toBe(
        "only a synthetic market can be shocked; this run's feed is replay",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
