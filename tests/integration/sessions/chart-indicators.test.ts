// The session chart's indicator lines: a snapshot carries them over its bars, each bar push carries their values at
// that bar, and both agree with the lines computed over the run's whole stored history.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { computeIndicators, strategyIndicatorSpecs } from '../../../src/main/charts/indicator-lines';
import { databaseFile } from '../../../src/main/paths';
import type { Services } from '../../../src/main/services';
import { openDatabase } from '../../../src/main/store/database';
import { createSessionRepo } from '../../../src/main/store/session-repo';
import type { ChartBars } from '../../../src/shared/domain/bars';
import type { BarPush, SessionChartBars, SessionSnapshot } from '../../../src/shared/domain/session';
import { tempDataDir } from '../../support/host-process';
import { callValue, testServices } from './session-test-services';

let dataDir: string;
let services: Services;
let pushes: BarPush[];

const value = <T>(name: string, arg: unknown): Promise<T> => callValue<T>(services, name, arg);

beforeEach(() => {
  dataDir = tempDataDir('marketboss-chart-');
  services = testServices(dataDir);
  pushes = [];
  services.pushes.subscribe((topic, batch) => {
    if (topic === 'bar') pushes.push(...(batch as BarPush[]));
  });
});
afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('indicator lines on a session chart', () => {
  test('MACD lines: snapshot and pushes match the whole history computed at once', async () => {
    const config = {
      symbols: ['ACME'],
      feed: { kind: 'synthetic-live', speed: 12_000 },
      strategy: { id: 'macd', params: {} },
    };
    const { id } = await value<{ id: string }>('session:create', { name: 'lines', config });
    await value('session:start', { sessionId: id });
    const started = Date.now();
    while (pushes.length < 2_300 && Date.now() - started < 30_000)
      await new Promise((r) => setTimeout(r, 20));
    await value('session:stop', { sessionId: id, flatten: false });
    const snapshot = await value<SessionSnapshot>('session:get', { sessionId: id });
    const acme = snapshot.bars.ACME!;

    // What the whole stored history gives at once, with the very specs the strategy trades on.
    const repo = createSessionRepo(openDatabase(databaseFile(dataDir)));
    const all = repo.bars(snapshot.runId!, 'ACME');
    const columns = {
      time: Float64Array.from(all.time),
      open: Float64Array.from(all.open),
      high: Float64Array.from(all.high),
      low: Float64Array.from(all.low),
      close: Float64Array.from(all.close),
      volume: Float64Array.from(all.volume),
      length: all.time.length,
    };
    const whole = computeIndicators(strategyIndicatorSpecs(snapshot.session.config, 'ACME'), columns);
    expect(whole.map((set) => set.label)).toEqual(acme.indicators.map((set) => set.label));
    expect(acme.indicators.length).toBeGreaterThan(0);
    expect(columns.length).toBeGreaterThan(2_000);

    // The snapshot: the newest 2,000 bars, its lines (computed over 2,000 + warm-up bars) equal to the whole's.
    expect(acme.length).toBe(2_000);
    const offset = columns.length - 2_000;
    expect(acme.time[0]).toBe(columns.time[offset]);
    acme.indicators.forEach((set, i) => {
      set.lines.forEach((line, j) => {
        const expected = whole[i]!.lines[j]!.values;
        for (let k = 0; k < 2_000; k++) {
          const want = expected[offset + k]!;
          if (Number.isNaN(want)) expect(line.values[k]).toBeNaN();
          else
            expect(Math.abs(line.values[k]! - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
        }
      });
    });

    // Every push: the values of the flat lines at that bar, exactly the whole history's (same steppers, same bars).
    const flat = whole.flatMap((set) => set.lines.map((line) => line.values));
    const index = new Map(Array.from(columns.time, (t, i) => [t, i]));
    const acmePushes = pushes.filter((p) => p.symbol === 'ACME');
    expect(acmePushes.length).toBeGreaterThan(100);
    for (const push of acmePushes) {
      const i = index.get(push.time)!;
      expect(push.indicators).toHaveLength(flat.length);
      push.indicators!.forEach((v, k) => {
        const want = flat[k]![i]!;
        if (Number.isNaN(want)) expect(v).toBeNull();
        else expect(v).toBe(want);
      });
    }
  }, 60_000);

  test("a coarser chart: the run's 1m bars aggregated to 5m (checked by hand), lines sampled", async () => {
    const config = {
      symbols: ['ACME'],
      feed: { kind: 'synthetic-live', speed: 12_000 },
      strategy: { id: 'sma-crossover', params: { fast: 3, slow: 8 } },
    };
    const { id } = await value<{ id: string }>('session:create', { name: 'coarse', config });
    await value('session:start', { sessionId: id });
    const started = Date.now();
    while (pushes.length < 400 && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 20));
    await value('session:stop', { sessionId: id, flatten: false });
    const snapshot = await value<SessionSnapshot>('session:get', { sessionId: id });
    const fine = snapshot.bars.ACME!;
    const coarse = await value<SessionChartBars>('session:bars', {
      sessionId: id,
      symbol: 'ACME',
      timeframe: '5m',
    });
    expect(coarse.through).toBe(fine.time[fine.length - 1]);
    expect(coarse.length).toBeGreaterThan(50);

    // A full 5-minute bar in the middle: the five 1m bars that open in its span, folded by hand.
    const k = Math.floor(coarse.length / 2);
    const t0 = coarse.time[k]!;
    const inside = Array.from(fine.time)
      .map((t, i) => [t, i] as const)
      .filter(([t]) => t >= t0 && t < t0 + 300_000)
      .map(([, i]) => i);
    expect(inside).toHaveLength(5);
    expect(coarse.open[k]).toBe(fine.open[inside[0]!]);
    expect(coarse.close[k]).toBe(fine.close[inside[4]!]);
    expect(coarse.high[k]).toBe(Math.max(...inside.map((i) => fine.high[i]!)));
    expect(coarse.low[k]).toBe(Math.min(...inside.map((i) => fine.low[i]!)));
    expect(coarse.volume[k]).toBeCloseTo(
      inside.reduce((sum, i) => sum + fine.volume[i]!, 0),
      6,
    );
    // Each coarse bar's SMA is the one at its last 1m bar (what the strategy saw at the coarse bar's close).
    const sma = (chart: ChartBars) => chart.indicators.find((set) => set.id === 'sma-8')!.lines[0]!.values;
    expect(sma(coarse)[k]).toBeCloseTo(sma(fine)[inside[4]!]!, 9);

    const finer = await services.dispatch('session:bars', { sessionId: id, symbol: 'ACME', timeframe: '1m' });
    expect(finer.ok).toBe(true);
    const other = await services.dispatch('session:bars', { sessionId: id, symbol: 'ZZZ', timeframe: '5m' });
    expect(other).toMatchObject({ ok: false, error: { code: 'not-found' } });
  }, 60_000);
});
