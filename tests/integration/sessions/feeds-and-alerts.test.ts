// The other feed (stored history replayed) and the alerts that watch a run: a stalled feed, drift from the
// backtest expectation, and the simulated broker's timeout for entries left unfilled.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createPushBus } from '../../../src/main/api/push-bus';
import { fillList } from '../../../src/main/engine/fill-table';
import { readBarsCsv } from '../../../src/main/feeds/csv';
import type { TimerFunctions } from '../../../src/main/feeds/paced-feed';
import { priceFileReader } from '../../../src/main/feeds/price-file';
import { generateSeries } from '../../../src/main/feeds/synthetic';
import { createMemoryLogger } from '../../../src/main/log/logger';
import { databaseFile } from '../../../src/main/paths';
import { runBacktest } from '../../../src/main/research/backtest';
import { backtestConfigOf } from '../../../src/main/sessions/paper-vs-backtest';
import { createSessionService } from '../../../src/main/sessions/session-service';
import { tradePlanParser } from '../../../src/main/sessions/trade-plan';
import { openDatabase } from '../../../src/main/store/database';
import { createPriceLineRepo } from '../../../src/main/store/price-line-repo';
import { createSessionRepo } from '../../../src/main/store/session-repo';
import { parseSessionConfig } from '../../../src/main/strategies/run-config';
import type { SessionSnapshot } from '../../../src/shared/domain/session';
import { tempDataDir } from '../../support/host-process';
import { callValue, testServices, until } from './session-test-services';

let dataDir: string;
beforeEach(() => {
  dataDir = tempDataDir('marketboss-feeds-');
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const value = callValue;
const FILE_WORKER = join(__dirname, '../../../src/main/sessions/file-worker.ts');

function writeCsv(path: string, symbol: string, bars: number): void {
  const s = generateSeries(symbol, { seed: 9, bars, timeframe: '1D' });
  const lines = ['date,open,high,low,close,volume'];
  for (let i = 0; i < s.length; i++) {
    lines.push(
      `${new Date(s.time[i]!).toISOString().slice(0, 10)},${s.open[i]},${s.high[i]},${s.low[i]},${s.close[i]},${s.volume[i]}`,
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

describe('the replay feed', () => {
  test('replays stored history to its end, stops by itself, and trades exactly as the backtest of that history', async () => {
    const acme = join(dataDir, 'acme.csv');
    const bolt = join(dataDir, 'bolt.csv');
    writeCsv(acme, 'ACME', 400);
    writeCsv(bolt, 'BOLT', 300); // shorter: BOLT simply has no bars at the end
    const services = testServices(dataDir);
    try {
      const config = {
        symbols: ['ACME', 'BOLT'],
        timeframe: '1D',
        feed: { kind: 'replay', files: { ACME: acme, BOLT: bolt }, speed: 86_400_000 },
      };
      const { id } = await value<{ id: string }>(services, 'session:create', { name: 'replay', config });
      await value(services, 'session:start', { sessionId: id });
      await until(
        async () =>
          (await value<SessionSnapshot>(services, 'session:get', { sessionId: id })).session.status ===
          'stopped',
        'the end of the data',
      );
      const snapshot = await value<SessionSnapshot>(services, 'session:get', { sessionId: id });
      expect(snapshot.bars.ACME!.time).toHaveLength(400);
      expect(snapshot.bars.BOLT!.time).toHaveLength(300);

      const backtest = runBacktest(backtestConfigOf(parseSessionConfig(config)), [
        readBarsCsv(acme, { symbol: 'ACME', timeframe: '1D' }).series,
        readBarsCsv(bolt, { symbol: 'BOLT', timeframe: '1D' }).series,
      ]);
      const key = (f: { time: number; symbol: string; side: string; qty: number; price: number }) =>
        `${f.time} ${f.symbol} ${f.side} ${f.qty} ${f.price}`;
      expect(snapshot.fills.map(key).sort()).toEqual(fillList(backtest.fills).map(key).sort());
      expect(snapshot.fills.length).toBeGreaterThan(0);
    } finally {
      await services.close();
    }
  });

  test('after a restart a replay run is rebuilt once its files are read again; a file gone since fails it in words', async () => {
    // Speed 1: a daily bar a day, so both runs sit still after their warm-up; the second file goes before the restart.
    const files = [join(dataDir, 'acme.csv'), join(dataDir, 'acme-copy.csv')];
    const ids: string[] = [];
    const first = testServices(dataDir);
    try {
      for (const file of files) {
        writeCsv(file, 'ACME', 300);
        const config = {
          symbols: ['ACME'],
          timeframe: '1D',
          feed: { kind: 'replay', files: { ACME: file }, speed: 1 },
        };
        const { id } = await value<{ id: string }>(first, 'session:create', { name: 'replay', config });
        await value(first, 'session:start', { sessionId: id });
        ids.push(id);
      }
    } finally {
      await first.close();
    }
    rmSync(files[1]!);

    const second = testServices(dataDir);
    try {
      expect(await second.dispatch('session:start', { sessionId: ids[0] })).toMatchObject({
        ok: false,
        error: { code: 'conflict' },
      });
      await second.sessions.recovered();
      const kept = await value<SessionSnapshot>(second, 'session:get', { sessionId: ids[0] });
      const gone = second.sessions.runtime(ids[1]!);
      const goneRun = createSessionRepo(second.db).latestRun(ids[1]!);

      expect(kept.session.status).toBe('running');
      expect(second.sessions.runtime(ids[0]!)?.barTimes).toBeGreaterThan(0);
      expect(gone).toBeUndefined();
      expect(goneRun?.status).toBe('failed');
      expect(goneRun?.endReason).toBe(
        `could not be recovered: config.feed.files.ACME: ${files[1]} does not exist`,
      );
    } finally {
      await second.close();
    }
  });

  test('a replay session without a CSV for one of its symbols is refused naming the field', async () => {
    const services = testServices(dataDir);
    try {
      const result = await services.dispatch('session:create', {
        name: 'r',
        config: { symbols: ['ACME', 'BOLT'], feed: { kind: 'replay', files: { ACME: '/x.csv' } } },
      });
      expect(result.ok === false && result.error.message).toBe('Price file for BOLT: no CSV given for BOLT');
    } finally {
      await services.close();
    }
  });
});

describe('alerts that watch a run', () => {
  test('a feed that goes quiet raises one stalled alert, and one resumed alert when bars come back', () => {
    // Fake wall clock and timers: the test decides when the ticker and the watchdog fire.
    let now = 1_000_000;
    const intervals: { callback: () => void; ms: number; live: boolean }[] = [];
    const timers: TimerFunctions = {
      setInterval: (callback, ms) => {
        const handle = { callback, ms, live: true };
        intervals.push(handle);
        return handle;
      },
      clearInterval: (handle) => {
        (handle as { live: boolean }).live = false;
      },
    };
    const db = openDatabase(databaseFile(dataDir));
    const repo = createSessionRepo(db);
    const sessions = createSessionService({
      repo,
      pushes: createPushBus(),
      log: createMemoryLogger(),
      now: () => now,
      timers,
      readPriceFile: priceFileReader(FILE_WORKER),
      parseTradePlan: tradePlanParser(FILE_WORKER),
      priceLines: createPriceLineRepo(db),
    });
    const session = sessions.create('quiet', {
      symbols: ['ACME'],
      feed: { kind: 'synthetic-live', speed: 60 },
    });
    sessions.start(session.id);
    // The watchdog is armed before the ticker starts.
    const [watchdog, ticker] = intervals.filter((i) => i.live);
    expect(ticker!.ms).toBe(1_000); // a 1m bar every second at 60×
    ticker!.callback();

    now += 2_500; // 2.5 intervals: still within the 3-interval allowance
    watchdog!.callback();
    now += 1_000;
    watchdog!.callback();
    watchdog!.callback();
    const runId = sessions.snapshot(session.id).runId!;
    const kinds = () => repo.alerts(runId).map((a) => a.kind);
    expect(kinds().filter((k) => k === 'feed-stalled')).toHaveLength(1);

    ticker!.callback();
    expect(kinds().filter((k) => k === 'feed-resumed')).toHaveLength(1);
    sessions.close();
    db.close();
  });

  test('returns far from the backtest expectation raise a drift alert once', async () => {
    const services = testServices(dataDir);
    try {
      // A band of ±0.001σ: any real run leaves it within the first bars after the 50-bar minimum.
      const { id } = await value<{ id: string }>(services, 'session:create', {
        name: 'drift',
        config: { symbols: ['ACME'], feed: { kind: 'synthetic-live', speed: 12_000 }, driftAlert: 0.001 },
      });
      await value(services, 'session:start', { sessionId: id });
      await until(
        async () =>
          (await value<SessionSnapshot>(services, 'session:get', { sessionId: id })).alerts.some(
            (a) => a.kind === 'drift',
          ),
        'a drift alert',
      );
      const drift = (await value<SessionSnapshot>(services, 'session:get', { sessionId: id })).alerts.find(
        (a) => a.kind === 'drift',
      )!;
      expect(drift.message).toMatch(/σ from the backtest expectation over \d+ bars/);
    } finally {
      await services.close();
    }
  });
});
