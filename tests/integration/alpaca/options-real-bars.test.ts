import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeAlpaca } from '../../../dev/fake-alpaca/server';
import { centsUp } from '../../../src/main/feeds/synthetic-options';
import { VIXY_LABEL } from '../../../src/main/feeds/vixy-vix';
import { backtestCli, csvRows, spyCsv, vixCsv } from './cli-helpers';
import { sdk, startFake } from './fake-alpaca-helpers';

const dir = mkdtempSync(join(tmpdir(), 'marketboss-real-bars-'));
// A home without a saved MarketBoss key: the keychain is never reached, whatever the machine has.
const home = join(dir, 'home');
mkdirSync(home);

let fake: FakeAlpaca;

const backtest = (env: Record<string, string>, ...args: string[]) =>
  backtestCli({ HOME: home, ...env }, ...args);

const keysEnv = () => ({
  APCA_API_KEY_ID: fake.keys.paper.keyId,
  APCA_API_SECRET_KEY: fake.keys.paper.secret,
  MARKETBOSS_ALPACA_DATA_URL: fake.url,
});

// The fake's SPY swings $10–20 a day: the range filters are opened so every day trades (the prices are the subject).
const config = join(dir, 'config.json');
writeFileSync(
  config,
  JSON.stringify({
    strategy: { params: { filters: { maxVix: 100, extremeRange: 1000, moderateRange: 1000 } } },
  }),
);
const spyPath = join(dir, 'SPY_5m.csv');
const vixPath = join(dir, 'VIX_History.csv');
const PHASE4D = ['--data', spyPath, '--symbol', 'SPY', '--strategy', 'phase4d', '--config', config];

beforeAll(async () => {
  // Wednesday 2024-02-07 10:00 New York; 1-minute history from late January.
  fake = await startFake({ startTime: Date.parse('2024-02-07T15:00:00Z'), historyDays: 14 });
  // Mon 29 January (warm-up) to Tue 6 February: two days before Alpaca's option history, four in it.
  writeFileSync(spyPath, await spyCsv(fake, '2024-01-29T14:30:00Z', '2024-02-06T21:00:00Z'));
  writeFileSync(vixPath, vixCsv('2024-01-02', '2024-02-06', 14));
});
afterAll(async () => {
  await fake?.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('the options backtest on real option bars (--option-prices alpaca)', () => {
  it("prices February from the fake's option bars, January from the model, and compares the two runs", async () => {
    const out = join(dir, 'alpaca');
    const run = await backtest(
      keysEnv(),
      ...PHASE4D,
      '--vol-source',
      `csv:${vixPath}`,
      '--option-prices',
      'alpaca',
      '--out',
      out,
      '--report',
      'html',
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'Prices        real option bars from Alpaca where they exist, synthetic elsewhere',
    );
    expect(run.stdout).toMatch(
      /Real bars {5}\d+ of \d+ quotes \(\d+\.\d%\); model (\d+): \1 before 2024-02-01 \(Alpaca has no option bars earlier\)$/m,
    );
    const tearsheet = readFileSync(join(out, 'tearsheet.html'), 'utf8');
    expect(tearsheet).toContain('Real bars');
    expect(tearsheet).toContain('Model vs real');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.priceSource).toMatch(
      /^real option bars from Alpaca where they exist, synthetic elsewhere \(synthetic option prices: CRR American puts/,
    );
    const comparison = report.priceComparison;
    expect(comparison.label).toBe('real option bars from Alpaca where they exist, synthetic elsewhere');
    expect(comparison.quotes.fromBars).toBeGreaterThan(0);
    expect(comparison.quotes.realShare).toBeGreaterThan(0);
    expect(comparison.quotes.realShare).toBeLessThan(1);
    expect(comparison.quotes.fromBars + comparison.quotes.fallback).toBe(comparison.quotes.total);
    // January 30 and 31 are before Alpaca's option history: every quote of theirs is the model's, counted so.
    expect(
      comparison.quotes.fallbackByReason['before 2024-02-01 (Alpaca has no option bars earlier)'],
    ).toBeGreaterThan(0);
    expect(comparison.model.tradingDays).toBe(6);
    expect(comparison.real.tradingDays).toBe(6);
    expect(comparison.pnlDifference).toBeCloseTo(comparison.real.totalPnl - comparison.model.totalPnl, 6);
    expect(report.notes.join('\n')).toMatch(
      /option bars: \d+ 1-minute bars of \d+ contracts over 4 trading days/,
    );

    const rows = csvRows(join(out, 'compare.csv'));
    const january = rows.filter((r) => r['day']! < '2024-02-01');
    const february = rows.filter((r) => r['day']! >= '2024-02-01');
    expect(january.length).toBe(2);
    expect(february.length).toBe(4);
    // Before the history both runs are the same model: same entry, no quote from bars.
    for (const row of january) {
      expect(row['real_entry_price']).toBe(row['model_entry_price']);
      expect(row['quotes_from_bars']).toBe('0');
      expect(Number(row['quotes_fallback'])).toBeGreaterThan(0);
    }
    // In February the entry is what the fake's bars say: the close of the 1-minute bar completed at the decision
    // time, ask = that close × (1 + 3%/2) rounded up to the cent, filled at ask × (1 + 0.5% slippage).
    const trades = csvRows(join(out, 'trades.csv'));
    const alpaca = sdk(fake);
    for (const row of february) {
      const trade = trades.find((t) => t['symbol'] === row['symbol'])!;
      const entry = Date.parse(trade['entry_time']!);
      const answer = await alpaca.marketData.options.optionBars({
        symbols: row['symbol']!,
        timeframe: '1Min',
        start: new Date(entry - 60_000),
        end: new Date(entry - 60_000),
        limit: 10,
      });
      const bar = ((answer.bars as Record<string, { c: number }[]>)[row['symbol']!] ?? [])[0]!;
      expect(Number(row['real_entry_price'])).toBeCloseTo(centsUp(bar.c * 1.015) * 1.005, 6);
      expect(Number(row['quotes_from_bars'])).toBeGreaterThan(0);
      // σ 18% in the fake against 14% in the model: the real entries are dearer.
      expect(Number(row['real_entry_price'])).not.toBe(Number(row['model_entry_price']));
    }
    const dearer = february.filter((r) => Number(r['real_entry_price']) > Number(r['model_entry_price']));
    expect(dearer.length).toBeGreaterThanOrEqual(3);
  }, 180_000);

  it('without keys the run is refused naming the environment variables', async () => {
    const run = await backtest(
      { MARKETBOSS_ALPACA_DATA_URL: fake.url },
      ...PHASE4D,
      '--vol-source',
      `csv:${vixPath}`,
      '--option-prices',
      'alpaca',
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `alpaca error: no Alpaca keys: set APCA_API_KEY_ID and APCA_API_SECRET_KEY, or save paper keys in MarketBoss (Settings → Alpaca; none saved for ${join(home, '.config', 'MarketBoss')})`,
    );
    const half = await backtest(
      { APCA_API_KEY_ID: 'PKONLYHALF' },
      ...PHASE4D,
      '--vol-source',
      `csv:${vixPath}`,
      '--option-prices',
      'alpaca',
    );
    expect(half.stderr).toBe(
      'alpaca error: APCA_API_SECRET_KEY is not set (set both APCA_API_KEY_ID and APCA_API_SECRET_KEY)',
    );
  }, 60_000);

  it("keys Alpaca refuses: the run stops with Alpaca's answer", async () => {
    const run = await backtest(
      { ...keysEnv(), APCA_API_SECRET_KEY: 'not-the-secret' },
      ...PHASE4D,
      '--vol-source',
      `csv:${vixPath}`,
      '--option-prices',
      'alpaca',
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^alpaca error: Alpaca refused option bars of SPY24\d{4}P\d{8}.*: HTTP 401/);
  }, 60_000);
});

describe('Alpaca not answering', () => {
  it('a data URL where nothing listens is named, not a stack trace', async () => {
    const closed = createServer();
    await new Promise<void>((ready) => closed.listen(0, '127.0.0.1', ready));
    const { port } = closed.address() as AddressInfo;
    await new Promise((done) => closed.close(done));
    const run = await backtest(
      { ...keysEnv(), MARKETBOSS_ALPACA_DATA_URL: `http://127.0.0.1:${port}` },
      ...PHASE4D,
      '--vol-source',
      `csv:${vixPath}`,
      '--option-prices',
      'alpaca',
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^alpaca error: Alpaca could not be reached for option bars: .*ECONNREFUSED/);
  }, 60_000);
});

describe("Alpaca's volatility sources", () => {
  it('alpaca-index asks Alpaca for the VIX index and passes on its refusal (the fake has no index data)', async () => {
    const run = await backtest(keysEnv(), ...PHASE4D, '--vol-source', 'alpaca-index');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^alpaca error: Alpaca refused VIX index values: HTTP 404/);
  }, 60_000);

  it('alpaca-vixy prices with VIXY as a labelled approximation of VIX', async () => {
    // VIXY's 20-session window needs history before the data: a fake with 60 days of it. It lists no VIXY, so a
    // loopback proxy in front answers VIXY with NVDA's daily bars under VIXY's name: the CLI's request and the SDK's
    // parsing are the real ones.
    const long = await startFake({ startTime: Date.parse('2024-02-07T15:00:00Z'), historyDays: 60 });
    const proxy = await vixyProxy(long.url);
    try {
      const out = join(dir, 'vixy');
      const run = await backtest(
        {
          APCA_API_KEY_ID: long.keys.paper.keyId,
          APCA_API_SECRET_KEY: long.keys.paper.secret,
          MARKETBOSS_ALPACA_DATA_URL: proxy.url,
        },
        ...PHASE4D,
        '--vol-source',
        'alpaca-vixy',
        '--out',
        out,
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      expect(report.volatilitySource).toBe(VIXY_LABEL);
      expect(report.priceSource).toContain(`σ = previous VIX close from ${VIXY_LABEL}`);
      expect(run.stdout).toContain('VIXY (an ETF on VIX futures) as an approximation of VIX — not the index');
      // The model run only: no comparison.
      expect(report.priceComparison).toBeUndefined();
    } finally {
      await proxy.close();
      await long.close().catch(() => undefined);
    }
  }, 60_000);
});

/** A loopback proxy to the fake that serves NVDA's stock bars as VIXY's. */
async function vixyProxy(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').replace(/symbols=VIXY\b/, 'symbols=NVDA');
    const headers: Record<string, string> = {};
    for (const name of ['apca-api-key-id', 'apca-api-secret-key', 'accept']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    fetch(`${target}${path}`, { method: req.method ?? 'GET', headers })
      .then(async (answer) => {
        const body = (await answer.text()).replace(/"NVDA"/g, '"VIXY"');
        res.writeHead(answer.status, {
          'content-type': answer.headers.get('content-type') ?? 'application/json',
        });
        res.end(body);
      })
      .catch((error: Error) => {
        res.writeHead(502);
        res.end(error.message);
      });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
