// The trader's own indicators on a session's and a backtest's chart through the API (chart:indicators): the same
// kernels over the bars the chart shows, and refusals in words.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { computeIndicator } from '../../../src/main/charts/indicator-lines';
import type { ChartIndicatorLines } from '../../../src/shared/domain/chart-tools';
import type { SessionSnapshot } from '../../../src/shared/domain/session';
import { tempDataDir } from '../../support/host-process';
import { testServices, until, callValue as value } from './session-test-services';

let dataDir: string;
beforeEach(() => {
  dataDir = tempDataDir('marketboss-userind-');
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('chart:indicators', () => {
  test("a session's RSI and VWAP are the kernels over its stored bars; bad asks are refused in words", async () => {
    const closes = Array.from({ length: 120 }, (_, i) => 100 + 10 * Math.sin(i / 7) + (i % 3));
    const file = join(dataDir, 'acme.csv');
    const start = Date.UTC(2024, 0, 1);
    const rows = closes.map((c, i) => {
      const date = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
      return `${date},${c},${c + 1},${c - 1},${c},${1000 + i}`;
    });
    writeFileSync(file, `date,open,high,low,close,volume\n${rows.join('\n')}\n`);
    const services = testServices(dataDir);
    try {
      const config = {
        symbols: ['ACME'],
        timeframe: '1D',
        feed: { kind: 'replay', files: { ACME: file }, speed: 86_400_000 },
      };
      const { id: sessionId } = await value<{ id: string }>(services, 'session:create', {
        name: 'ind',
        config,
      });
      await value(services, 'session:start', { sessionId });
      await until(
        async () =>
          (await value<SessionSnapshot>(services, 'session:get', { sessionId })).session.status === 'stopped',
        'the end of the data',
      );
      const lines = await value<ChartIndicatorLines>(services, 'chart:indicators', {
        chart: { kind: 'session', sessionId, symbol: 'ACME' },
        indicators: [{ kind: 'rsi', period: 14 }, { kind: 'vwap' }],
      });
      expect(lines.time).toHaveLength(120);
      const bars = {
        time: Float64Array.from(lines.time),
        open: Float64Array.from(closes),
        high: Float64Array.from(closes, (c) => c + 1),
        low: Float64Array.from(closes, (c) => c - 1),
        close: Float64Array.from(closes),
        volume: Float64Array.from(closes, (_, i) => 1000 + i),
        length: 120,
      };
      const rsi = computeIndicator({ kind: 'rsi', period: 14, pane: 'lower' }, bars).lines[0]!.values;
      expect(Array.from(lines.indicators[0]!.lines[0]!.values)).toEqual(Array.from(rsi));
      // Daily bars: each is its own New York day, so VWAP is that bar's typical price.
      expect(Array.from(lines.indicators[1]!.lines[0]!.values)).toEqual(
        closes.map((c) => (c + 1 + (c - 1) + c) / 3),
      );

      expect(
        await services.dispatch('chart:indicators', {
          chart: { kind: 'session', sessionId, symbol: 'ACME', timeframe: '1h' },
          indicators: [{ kind: 'vwap' }],
        }),
      ).toMatchObject({
        ok: false,
        error: { message: 'this session trades 1D bars; it cannot be shown as 1h (finer than its bars)' },
      });
      const bad = await services.dispatch('chart:indicators', {
        chart: { kind: 'session', sessionId, symbol: 'ACME' },
        indicators: [{ kind: 'macd', fast: 30, slow: 26, signal: 9 }],
      });
      expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
      expect(JSON.stringify(bad)).toContain('the fast period must be shorter than the slow');
    } finally {
      await services.close();
    }
  });
});
