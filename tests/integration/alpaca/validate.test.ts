// The Alpaca "validate" action against the loopback fake, through the real SDK: each check's status and the values
// its detail names, for good keys, refused keys, blocked and live accounts, a closed market, short buying power,
// unknown, unshortable and untradable symbols, and SIP refused on the free plan. Then the `alpaca:validate` call
// through the services (keys in an in-memory keychain; the OS keychain has its own suite).
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeAlpaca, FakeKeys } from '../../../dev/fake-alpaca/server';
import { createAlpacaClient } from '../../../src/main/adapters/alpaca/client';
import { type ValidateAlpacaOptions, validateAlpaca } from '../../../src/main/adapters/alpaca/validate';
import { createServices, type Services } from '../../../src/main/services';
import type { ValidationCheck, ValidationReport } from '../../../src/shared/domain/credentials';
import { tempDataDir } from '../../support/host-process';
import { memoryKeychain } from '../../support/memory-keychain';
import { startFake } from './fake-alpaca-helpers';

let fake: FakeAlpaca;

beforeEach(async () => {
  fake = await startFake();
});
afterEach(async () => {
  await fake.close();
});

function validate(
  keys: FakeKeys,
  options: Omit<ValidateAlpacaOptions, 'keyId'>,
  url = fake.url,
): Promise<ValidationReport> {
  const alpaca = createAlpacaClient({
    ...keys,
    baseUrls: { trading: url, data: url },
    options: { rateLimit: false, retry: false, timeoutMs: 5_000 },
  });
  return validateAlpaca(alpaca, { keyId: keys.keyId, tradingHost: url, ...options });
}

const check = (report: ValidationReport, id: string): ValidationCheck => {
  const found = report.checks.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no check ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
  return found;
};
const statuses = (report: ValidationReport): Record<string, string> =>
  Object.fromEntries(report.checks.map((c) => [c.id, c.status]));

const hintOf = (keyId: string): string => `PK…${keyId.slice(-4)}`;

describe('validateAlpaca against the fake', () => {
  it('good paper keys at 10:00 New York: every check named, with the values Alpaca reported', async () => {
    const report = await validate(fake.keys.paper, {
      symbols: ['spy', 'NOSH', 'OTCQ', 'XYZ', 'SPY'],
      capital: 150_000,
    });

    expect(report.symbols).toEqual(['SPY', 'NOSH', 'OTCQ', 'XYZ']);
    expect(report.capital).toBe(150_000);
    expect(report.feed).toBe('iex');
    expect(report.keyIdHint).toBe(hintOf(fake.keys.paper.keyId));
    expect(report.checks.map((c) => c.id)).toEqual([
      'keys',
      'account',
      'clock',
      'buying-power',
      'asset:SPY',
      'asset:NOSH',
      'asset:OTCQ',
      'asset:XYZ',
      'data',
    ]);
    expect(statuses(report)).toEqual({
      keys: 'pass',
      account: 'pass',
      clock: 'pass',
      'buying-power': 'pass',
      'asset:SPY': 'pass',
      'asset:NOSH': 'warn',
      'asset:OTCQ': 'fail',
      'asset:XYZ': 'fail',
      data: 'pass',
    });
    // An untradable and an unknown symbol: not ready.
    expect(report.ready).toBe(false);

    expect(check(report, 'keys').detail).toMatch(
      new RegExp(`^Alpaca accepted the key ${hintOf(fake.keys.paper.keyId)} \\(account PA\\d+\\)$`),
    );
    expect(check(report, 'account').detail).toBe('ACTIVE paper account; trading is not blocked');
    expect(check(report, 'clock').detail).toBe(
      'open now (2025-03-05 10:00 New York); closes 2025-03-05 16:00 New York, in 6 h',
    );
    expect(check(report, 'buying-power').detail).toBe(
      'buying power $200,000.00 covers the session capital $150,000.00',
    );
    expect(check(report, 'asset:SPY').detail).toMatch(/^SPY is tradable and shortable \(\w+, active\)$/);
    expect(check(report, 'asset:NOSH').detail).toMatch(
      /^NOSH is tradable \(\w+, active\) but not shortable: short entries will be refused$/,
    );
    expect(check(report, 'asset:OTCQ').detail).toMatch(/^OTCQ is not tradable at Alpaca \(\w+, active\)$/);
    expect(check(report, 'asset:XYZ').detail).toBe('unknown symbol: Alpaca has no asset XYZ');
    // The last completed minute bar before 10:00 New York.
    expect(check(report, 'data').detail).toMatch(
      /^latest SPY bar on IEX: 2025-03-05 09:59 New York, close \$\d{1,3}(,\d{3})*\.\d{2}, volume [\d,]+$/,
    );
  });

  it('all clear on SPY alone, without a capital to compare', async () => {
    const report = await validate(fake.keys.paper, { symbols: ['SPY'] });
    expect(report.ready).toBe(true);
    expect(report.capital).toBeNull();
    expect(check(report, 'buying-power')).toMatchObject({
      status: 'pass',
      detail: 'buying power $200,000.00 (no session capital given to compare)',
    });
  });

  it('the data check uses the first symbol Alpaca knows', async () => {
    const report = await validate(fake.keys.paper, { symbols: ['XYZ', 'MSFT'] });
    expect(check(report, 'data').detail).toMatch(/^latest MSFT bar on IEX: /);
    const none = await validate(fake.keys.paper, { symbols: ['XYZ'] });
    expect(check(none, 'data')).toEqual({
      id: 'data',
      label: 'Market data',
      status: 'skip',
      detail: 'needs a symbol Alpaca knows',
    });
  });

  it('a session capital above buying power fails, naming both amounts', async () => {
    const report = await validate(fake.keys.paper, { symbols: ['SPY'], capital: 250_000 });
    expect(check(report, 'buying-power')).toMatchObject({
      status: 'fail',
      detail: 'buying power $200,000.00 is below the session capital $250,000.00',
    });
    expect(report.ready).toBe(false);
  });

  it('after 16:00 New York the market is closed: a warning with the next open, still ready', async () => {
    fake.advance(390); // 15:00Z → 21:30Z = 16:30 New York
    const report = await validate(fake.keys.paper, { symbols: ['SPY'] });
    expect(check(report, 'clock')).toEqual({
      id: 'clock',
      label: 'Market clock',
      status: 'warn',
      detail:
        'closed now (2025-03-05 16:30 New York); next open 2025-03-06 09:30 New York, in 17 h — a session started now waits for it',
    });
    // The last bar of the day is still there to read.
    expect(check(report, 'data')).toMatchObject({ status: 'pass' });
    expect(check(report, 'data').detail).toMatch(/^latest SPY bar on IEX: 2025-03-05 15:59 New York, /);
    expect(report.ready).toBe(true);
  });

  it('a wrong secret fails the keys check; every other check is skipped as needing valid keys', async () => {
    const report = await validate(
      { keyId: fake.keys.paper.keyId, secret: 'not-the-secret-0123456789' },
      { symbols: ['SPY', 'NOSH'] },
    );
    expect(check(report, 'keys')).toEqual({
      id: 'keys',
      label: 'Keys',
      status: 'fail',
      detail:
        'Alpaca refused these keys (HTTP 401: unauthorized.); check that the key id and secret are one pair from the paper dashboard',
    });
    expect(report.checks.slice(1).map((c) => [c.id, c.status, c.detail])).toEqual([
      ['account', 'skip', 'needs valid keys'],
      ['clock', 'skip', 'needs valid keys'],
      ['buying-power', 'skip', 'needs valid keys'],
      ['asset:SPY', 'skip', 'needs valid keys'],
      ['asset:NOSH', 'skip', 'needs valid keys'],
      ['data', 'skip', 'needs valid keys'],
    ]);
    expect(report.ready).toBe(false);
  });

  it('no answer from Alpaca: cannot reach, naming where; the rest waits for an answer', async () => {
    const closed = await startFake();
    const url = closed.url;
    await closed.close();
    const report = await validate(fake.keys.paper, { symbols: ['SPY'] }, url);
    expect(check(report, 'keys').status).toBe('fail');
    expect(check(report, 'keys').detail).toMatch(
      new RegExp(`^cannot reach Alpaca at ${url.replaceAll('.', '\\.')}: .*ECONNREFUSED`),
    );
    expect(check(report, 'account')).toMatchObject({
      status: 'skip',
      detail: 'needs Alpaca to answer the keys check first',
    });
  });

  it('a blocked paper account fails the account check, naming both blocks', async () => {
    const report = await validate(fake.keys.blocked, { symbols: ['SPY'] });
    expect(check(report, 'keys').status).toBe('pass');
    expect(check(report, 'account')).toMatchObject({
      status: 'fail',
      detail: 'the account is blocked (account_blocked); trading is blocked (trading_blocked)',
    });
    expect(report.ready).toBe(false);
  });

  it('a live AK key is refused even though Alpaca accepts it', async () => {
    const report = await validate(fake.keys.live, { symbols: ['SPY'] });
    expect(check(report, 'keys').status).toBe('pass');
    expect(check(report, 'account')).toMatchObject({
      status: 'fail',
      detail: 'this is a live-trading key (its id starts with AK); MarketBoss trades paper accounts only',
    });
    expect(report.keyIdHint).toBe(`AK…${fake.keys.live.keyId.slice(-4)}`);
    expect(report.ready).toBe(false);
  });

  it('SIP refused for recent data on the free plan: a warning that IEX is used instead', async () => {
    const report = await validate(fake.keys.paper, { symbols: ['SPY'], feed: 'sip' });
    expect(report.feed).toBe('sip');
    expect(check(report, 'data').status).toBe('warn');
    expect(check(report, 'data').detail).toMatch(
      /^SIP refused for recent data \(HTTP 403: subscription does not permit querying recent SIP data\); using IEX: latest SPY bar on IEX: 2025-03-05 09:59 New York, close \$[\d,]+\.\d{2}, volume [\d,]+$/,
    );
    expect(report.ready).toBe(true);
  });

  it('SIP on a paid plan passes on SIP', async () => {
    const paid = await startFake({ plan: 'sip' });
    try {
      const report = await validate(paid.keys.paper, { symbols: ['SPY'], feed: 'sip' }, paid.url);
      expect(check(report, 'data')).toMatchObject({ status: 'pass' });
      expect(check(report, 'data').detail).toMatch(/^latest SPY bar on SIP: 2025-03-05 09:59 New York, /);
    } finally {
      await paid.close();
    }
  });

  it('crypto symbols read the crypto feed', async () => {
    const report = await validate(fake.keys.paper, { symbols: ['BTC/USD'] });
    expect(check(report, 'asset:BTC/USD').status).toBe('warn'); // crypto is never shortable
    expect(check(report, 'data')).toMatchObject({ status: 'pass' });
    expect(check(report, 'data').detail).toMatch(
      /^latest BTC\/USD bar \(crypto\): 2025-03-05 09:59 New York, /,
    );
  });

  it('a server error on one symbol fails that symbol only, in words', async () => {
    fake.addFault({ kind: 'status', status: 500, message: 'assets are down', path: '/v2/assets/NOSH' });
    const report = await validate(fake.keys.paper, { symbols: ['SPY', 'NOSH'] });
    expect(check(report, 'asset:SPY').status).toBe('pass');
    expect(check(report, 'asset:NOSH')).toMatchObject({
      status: 'fail',
      detail: 'NOSH could not be looked up: Alpaca answered HTTP 500: assets are down',
    });
  });
});

describe('alpaca:validate through the services', () => {
  let services: Services;
  let dataDir: string;

  beforeEach(() => {
    dataDir = tempDataDir('marketboss-validate-');
    services = createServices({
      dataDir,
      version: '0.0.0-test',
      transport: 'websocket',
      electronVersion: null,
      heartbeatMs: 1e9,
      alpacaBaseUrls: { trading: fake.url, data: fake.url },
      keychain: memoryKeychain(),
    });
  });
  afterEach(async () => {
    await services?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const validateCall = async (arg: unknown): Promise<ValidationReport> => {
    const result = await services.dispatch('alpaca:validate', arg);
    if (!result.ok) throw new Error(`alpaca:validate failed: ${result.error.message}`);
    return result.value as ValidationReport;
  };

  it('without saved keys: one failed check saying where to enter them', async () => {
    const report = await validateCall({});
    expect(report).toMatchObject({ ready: false, keyIdHint: null, symbols: ['SPY'], feed: 'iex' });
    expect(report.checks).toEqual([
      { id: 'keys', label: 'Keys', status: 'fail', detail: 'no Alpaca keys saved (Settings → Alpaca)' },
    ]);
  });

  it('with saved keys: SPY by default, symbols and capital from a session, never a key in the answer', async () => {
    const keys = fake.keys.paper;
    expect(await services.dispatch('credentials:save', keys)).toMatchObject({ ok: true });

    const plain = await validateCall({});
    expect(plain.symbols).toEqual(['SPY']);
    expect(plain.ready).toBe(true);
    expect(plain.keyIdHint).toBe(hintOf(keys.keyId));

    const created = await services.dispatch('session:create', {
      name: 'validate me',
      config: { symbols: ['NOSH', 'SPY'], cash: 300_000 },
    });
    if (!created.ok) throw new Error(created.error.message);
    const sessionId = (created.value as { id: string }).id;
    const fromSession = await validateCall({ sessionId });
    expect(fromSession.symbols).toEqual(['NOSH', 'SPY']);
    expect(fromSession.capital).toBe(300_000);
    expect(statuses(fromSession)).toMatchObject({
      'buying-power': 'fail',
      'asset:NOSH': 'warn',
      'asset:SPY': 'pass',
    });
    expect(check(fromSession, 'buying-power').detail).toBe(
      'buying power $200,000.00 is below the session capital $300,000.00',
    );
    expect(check(fromSession, 'data').detail).toMatch(/^latest NOSH bar on IEX: /);

    // What the caller names wins over the session's.
    const overridden = await validateCall({ sessionId, symbols: [' msft '], capital: 50_000, feed: 'sip' });
    expect(overridden).toMatchObject({ symbols: ['MSFT'], capital: 50_000, feed: 'sip' });
    expect(check(overridden, 'data').status).toBe('warn');

    const everything = JSON.stringify([plain, fromSession, overridden]);
    expect(everything).not.toContain(keys.secret);
    expect(everything).not.toContain(keys.keyId);
  });

  it('refuses an unknown session and bad symbols before asking Alpaca', async () => {
    const missing = await services.dispatch('alpaca:validate', { sessionId: 's-nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not-found', message: 'no session s-nope' } });
    const bad = await services.dispatch('alpaca:validate', { symbols: ['SPY', 'not a symbol'] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(!bad.ok && bad.error.message).toMatch(/^Symbols: /);
    expect(!bad.ok && bad.error.fields?.map((f) => f.path)).toEqual(['symbols.1']);
    const tooMany = await services.dispatch('alpaca:validate', {
      symbols: Array.from({ length: 11 }, (_, i) => `S${i}`),
    });
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });
});
