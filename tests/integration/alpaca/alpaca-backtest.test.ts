// A backtest on Alpaca history, through the API against the loopback fake: fetched once into the market-data cache,
// run in the worker, its chart read back from the cache (the fake can be gone by then); refusals name the problem.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { FakeAlpaca } from '../../../dev/fake-alpaca/server';
import type { Services } from '../../../src/main/services';
import type { BacktestBars } from '../../../src/shared/domain/backtest';
import type { BacktestDetailColumns } from '../../../src/shared/domain/trade-columns';
import { tempDataDir } from '../../support/host-process';
import { memoryKeychain } from '../../support/memory-keychain';
import { alpacaServices, call } from './alpaca-session-helpers';
import { sdk, startFake } from './fake-alpaca-helpers';

const utc = (iso: string) => Date.parse(iso);
// Monday and Tuesday before the fake's clock (Wednesday 2025-03-05 10:00 New York): 2 × 390 regular minutes.
const DATA = {
  source: 'alpaca',
  symbols: ['AAPL'],
  timeframe: '5m',
  start: utc('2025-03-03T14:30:00Z'),
  end: utc('2025-03-04T20:55:00Z'),
  feed: 'iex',
} as const;
const CONFIG = { strategy: { id: 'sma-crossover', params: { fast: 3, slow: 8 } } };

let fake: FakeAlpaca;
let services: Services;
let dataDir: string;

beforeEach(async () => {
  fake = await startFake();
  dataDir = tempDataDir('marketboss-alpaca-backtest-');
  services = alpacaServices(fake, dataDir, memoryKeychain());
});
afterEach(async () => {
  await services.close();
  await fake.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

async function finished(runId: string): Promise<BacktestDetailColumns> {
  for (let i = 0; i < 400; i++) {
    const run = await call<BacktestDetailColumns>(services, 'backtest:get', { runId });
    if (run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`backtest ${runId} still running`);
}

describe('backtests on Alpaca history', () => {
  test('without keys the run is refused in words and nothing is recorded', async () => {
    const refused = await services.dispatch('backtest:run', { data: DATA, config: CONFIG });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(refused.ok ? '' : refused.error.message).toBe(
      'data: no Alpaca paper keys saved; add them in Settings → Alpaca to use Alpaca history',
    );
    expect(await call<unknown[]>(services, 'backtest:list', {})).toEqual([]);
  });

  test("the run trades Alpaca's bars; a second run and the chart read the cache, even with Alpaca gone", async () => {
    await call(services, 'credentials:save', fake.keys.paper);
    const { runId } = await call<{ runId: string }>(services, 'backtest:run', { data: DATA, config: CONFIG });
    const run = await finished(runId);
    expect(run.status).toBe('done');
    expect(run.data).toEqual({ ...DATA, symbols: ['AAPL'], end: utc('2025-03-04T20:55:00Z') });
    expect(run.notes[0]).toBe('data: Alpaca IEX history, 156 5m bars of AAPL');
    expect(run.fills.length).toBeGreaterThan(0);

    // The bars are Alpaca's own: the fake's 5-minute bars over the span, close for close.
    const wire = await sdk(fake).marketData.stocks.stockBars({
      symbols: 'AAPL',
      timeframe: '5Min',
      start: new Date(DATA.start),
      end: new Date(DATA.end),
      limit: 10_000,
      feed: 'iex',
    });
    const closes = ((wire.bars.AAPL ?? []) as unknown as { c: number }[]).map((bar) => bar.c);
    const chart = await call<BacktestBars>(services, 'backtest:bars', { runId, symbol: 'AAPL' });
    expect(chart.length).toBe(156);
    expect(Array.from(chart.close)).toEqual(closes.slice(0, 156));

    // Alpaca gone: the same span again comes from the cache, and so does the chart of a new run.
    await fake.close();
    const again = await call<{ runId: string }>(services, 'backtest:run', { data: DATA, config: CONFIG });
    const second = await finished(again.runId);
    expect(second.status).toBe('done');
    expect(second.metrics).toEqual(run.metrics);
    const chartAgain = await call<BacktestBars>(services, 'backtest:bars', {
      runId: again.runId,
      symbol: 'AAPL',
    });
    expect(Array.from(chartAgain.close)).toEqual(Array.from(chart.close));
  }, 60_000);

  test('an unknown symbol, and a span with no bars, are refused naming them', async () => {
    await call(services, 'credentials:save', fake.keys.paper);
    const unknown = await services.dispatch('backtest:run', {
      data: { ...DATA, symbols: ['ZZZZ'] },
      config: CONFIG,
    });
    expect(unknown.ok ? '' : unknown.error.message).toMatch(/^data: .*ZZZZ/);
    const empty = await services.dispatch('backtest:run', {
      data: { ...DATA, start: utc('2025-03-01T14:30:00Z'), end: utc('2025-03-02T20:00:00Z') }, // a weekend
      config: CONFIG,
    });
    expect(empty.ok ? '' : empty.error.message).toBe(
      'data: Alpaca has no 5m bars of AAPL from 2025-03-01 to 2025-03-02 (IEX feed)',
    );
    const backwards = await services.dispatch('backtest:run', {
      data: { ...DATA, end: DATA.start - 1 },
      config: CONFIG,
    });
    expect(backwards.ok ? '' : backwards.error.message).toBe('Last day: end must be after start');
  });
});
