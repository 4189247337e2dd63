// validateOptions through the real SDK against recorded Alpaca answers: each options line (level, options buying
// power, chain, quotes, volatility source) passes or fails with the values Alpaca reported, in words.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Alpaca } from '@alpacahq/alpaca-trade-api';
import { describe, expect, it } from 'vitest';
import {
  type ValidateOptionsParams,
  validateOptions,
} from '../../../../src/main/adapters/alpaca/option-validate';
import type { ValidationReport } from '../../../../src/shared/domain/credentials';

const KEY = 'PKTESTKEY0001';
// Wednesday 2025-03-05, 10:00 New York.
const NOW = '2025-03-05T15:00:00Z';

interface Wire {
  account?: Record<string, unknown>;
  contracts?: unknown[];
  snapshots?: Record<string, unknown>;
  snapshotStatus?: number;
  clock?: Record<string, unknown>;
}

const accountJson = (over: Record<string, unknown> = {}) => ({
  id: 'acc-1',
  account_number: 'PA0001',
  status: 'ACTIVE',
  currency: 'USD',
  cash: '25000',
  buying_power: '50000',
  equity: '25000',
  options_approved_level: 2,
  options_trading_level: 2,
  options_buying_power: '25000',
  trading_blocked: false,
  account_blocked: false,
  ...over,
});

const putJson = (strike: number) => ({
  id: `id-${strike}`,
  symbol: `SPY250305P${String(strike * 1000).padStart(8, '0')}`,
  name: `SPY put ${strike}`,
  status: 'active',
  tradable: true,
  expiration_date: '2025-03-05',
  underlying_symbol: 'SPY',
  underlying_asset_id: 'u',
  type: 'put',
  style: 'american',
  strike_price: String(strike),
  multiplier: '100',
  size: '100',
});

function sdk(wire: Wire): Alpaca {
  return new Alpaca({
    keyId: KEY,
    secret: 's',
    paper: true,
    rateLimit: false,
    retry: false,
    fetchApi: async (url: string) => {
      const path = new URL(url).pathname;
      const json = (body: unknown, status = 200) =>
        new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
      if (path === '/v2/account') return json(wire.account ?? accountJson());
      if (path === '/v2/clock')
        return json(
          wire.clock ?? {
            timestamp: NOW,
            is_open: true,
            next_open: '2025-03-06T14:30:00Z',
            next_close: '2025-03-05T21:00:00Z',
          },
        );
      if (path === '/v2/assets/SPY')
        return json({
          id: 'u',
          class: 'us_equity',
          exchange: 'ARCA',
          symbol: 'SPY',
          name: 'SPDR',
          status: 'active',
          tradable: true,
          marginable: true,
          shortable: true,
          easy_to_borrow: true,
          fractionable: true,
        });
      if (path === '/v2/stocks/SPY/bars/latest')
        return json({
          symbol: 'SPY',
          bar: { t: NOW, o: 571, h: 571.5, l: 570.8, c: 571.2, v: 1000, n: 10, vw: 571.1 },
        });
      if (path === '/v2/options/contracts')
        return json({
          option_contracts: wire.contracts ?? [570, 571, 572].map(putJson),
          next_page_token: null,
        });
      if (path === '/v1beta1/options/snapshots/SPY') {
        if (wire.snapshotStatus !== undefined)
          return json(
            { code: 40310000, message: 'subscription does not permit querying options data' },
            wire.snapshotStatus,
          );
        return json({
          snapshots: wire.snapshots ?? {
            SPY250305P00571000: {
              latestQuote: {
                ap: 2.2,
                as: 1,
                ax: 'C',
                bp: 2.1,
                bs: 1,
                bx: 'C',
                c: 'A',
                t: '2025-03-05T14:59:59Z',
              },
            },
          },
          next_page_token: null,
        });
      }
      return json({ message: `not recorded: ${path}` }, 404);
    },
  });
}

function run(wire: Wire, params: Partial<ValidateOptionsParams> = {}): Promise<ValidationReport> {
  return validateOptions(sdk(wire), {
    keyId: KEY,
    underlying: 'spy',
    volatility: { kind: 'synthetic' },
    ...params,
  });
}

const line = (report: ValidationReport, id: string) => {
  const found = report.checks.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no line ${id}: ${report.checks.map((c) => c.id).join(', ')}`);
  return `${found.status}: ${found.detail}`;
};

describe('validateOptions', () => {
  it('a level-2 account with the chain listed and quoted: every options line passes, after the equity lines', async () => {
    const report = await run({}, { entryCost: 450 });
    expect(report.checks.map((c) => c.id)).toEqual([
      'keys',
      'account',
      'clock',
      'buying-power',
      'asset:SPY',
      'data',
      'options-level',
      'options-buying-power',
      'option-chain',
      'option-quotes',
      'volatility',
    ]);
    expect(line(report, 'options-level')).toBe(
      'pass: options trading level 2 (approved level 2): buying puts and calls is allowed',
    );
    expect(line(report, 'options-buying-power')).toBe(
      'pass: options buying power $25,000.00 covers one entry of about $450.00',
    );
    expect(line(report, 'option-chain')).toBe(
      'pass: SPY puts listed for the session of 2025-03-05: 1 expiry from 2025-03-05 (same-day) to 2025-03-05, 3 strikes on 2025-03-05',
    );
    expect(line(report, 'option-quotes')).toBe(
      'pass: 1 SPY puts expiring 2025-03-05 quoted within $20 of $571.20; newest quote 2025-03-05 09:59 New York',
    );
    expect(report.ready).toBe(true);
  });

  it('a level-1 account fails with the level it has and the level buying puts needs', async () => {
    const report = await run({
      account: accountJson({ options_trading_level: 1, options_approved_level: 1 }),
    });
    expect(line(report, 'options-level')).toBe(
      'fail: options trading level 1 (approved level 1): buying puts needs level 2 (raise it in the Alpaca dashboard)',
    );
    expect(report.ready).toBe(false);
  });

  it('options not enabled, or too little options buying power for one entry, each named', async () => {
    const none = await run({
      account: accountJson({ options_trading_level: undefined, options_approved_level: undefined }),
    });
    expect(line(none, 'options-level')).toBe(
      'fail: Alpaca reported no options trading level: options trading is not enabled on this account',
    );
    const poor = await run({ account: accountJson({ options_buying_power: '300' }) }, { entryCost: 452.6 });
    expect(line(poor, 'options-buying-power')).toBe(
      'fail: options buying power $300.00 is below the cost of one entry, about $452.60',
    );
  });

  it('no chain for the session, or quotes refused: the line says which and why', async () => {
    const empty = await run({ contracts: [] });
    expect(line(empty, 'option-chain')).toBe(
      'fail: Alpaca lists no SPY put contracts expiring 2025-03-05 to 2025-03-12',
    );
    expect(line(empty, 'option-quotes')).toBe('skip: needs a listed chain');
    const refused = await run({ snapshotStatus: 403 });
    expect(line(refused, 'option-quotes')).toBe(
      'fail: Alpaca refused the SPY option chain: HTTP 403: subscription does not permit querying options data',
    );
  });

  it('a closed market validates the next session’s chain (a Saturday → Monday)', async () => {
    const report = await run({
      clock: {
        timestamp: '2025-03-08T15:00:00Z',
        is_open: false,
        next_open: '2025-03-10T13:30:00Z',
        next_close: '2025-03-10T20:00:00Z',
      },
      contracts: [],
    });
    expect(line(report, 'option-chain')).toBe(
      'fail: Alpaca lists no SPY put contracts expiring 2025-03-10 to 2025-03-17',
    );
  });

  it('a VIX file must hold the close of the session before the one traded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vix-'));
    const file = join(dir, 'VIX_History.csv');
    writeFileSync(file, 'DATE,OPEN,HIGH,LOW,CLOSE\n03/03/2025,20,21,19,20.5\n');
    const stale = await run({}, { volatility: { kind: 'csv', path: file } });
    expect(line(stale, 'volatility')).toMatch(
      /^fail: VIX_History\.csv.* has no close for 2025-03-04, the session before 2025-03-05 \(its last day is 2025-03-03\); add it before the run$/,
    );
    writeFileSync(file, 'DATE,OPEN,HIGH,LOW,CLOSE\n03/03/2025,20,21,19,20.5\n03/04/2025,21,23,20,22.8\n');
    const fresh = await run({}, { volatility: { kind: 'csv', path: file } });
    expect(line(fresh, 'volatility')).toMatch(/^pass: VIX_History\.csv.*: VIX closed at 22\.8 on 2025-03-04/);
    const missing = await run({}, { volatility: { kind: 'csv', path: join(dir, 'nope.csv') } });
    expect(line(missing, 'volatility')).toMatch(/^fail: cannot read the VIX file .*nope\.csv/);
  });

  it('refused keys skip every options line', async () => {
    const alpaca = new Alpaca({
      keyId: KEY,
      secret: 's',
      paper: true,
      rateLimit: false,
      retry: false,
      fetchApi: async () =>
        new Response(JSON.stringify({ message: 'unauthorized.' }), {
          status: 401,
          headers: { 'Content-Type': 'application/json' },
        }),
    });
    const report = await validateOptions(alpaca, {
      keyId: KEY,
      underlying: 'SPY',
      volatility: { kind: 'synthetic' },
    });
    expect(line(report, 'options-level')).toBe('skip: needs valid keys');
    expect(line(report, 'volatility')).toBe('skip: needs valid keys');
  });
});
