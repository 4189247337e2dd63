// The trader's price lines on a session: stored in SQLite (migration 0011), an alert raised through the run's
// alerts when a live bar's close crosses one (once per crossing), and nothing raised again after a restart.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { PriceLine } from '../../../src/shared/domain/chart-tools';
import type { SessionSnapshot } from '../../../src/shared/domain/session';
import { tempDataDir } from '../../support/host-process';
import { testServices, until, callValue as value } from './session-test-services';

let dataDir: string;
beforeEach(() => {
  dataDir = tempDataDir('marketboss-lines-');
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** Daily bars whose closes are given (open = close, a ±0.5 range, so only the close moves the line's side). */
function writeCloses(path: string, closes: readonly number[]): void {
  const start = Date.UTC(2024, 0, 1);
  const lines = ['date,open,high,low,close,volume'];
  closes.forEach((close, i) => {
    const date = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
    lines.push(`${date},${close},${close + 0.5},${close - 0.5},${close},1000`);
  });
  writeFileSync(path, `${lines.join('\n')}\n`);
}

// Oldest first (the snapshot lists the newest first).
const priceAlerts = (snapshot: SessionSnapshot) =>
  snapshot.alerts.filter((a) => a.kind === 'price-line').sort((a, b) => a.id - b.id);

describe('price lines', () => {
  test('a line crossed up then down by closes alerts twice; a wick through it and a line without alert do not; a restart keeps the lines and raises nothing again', async () => {
    // 60 bars at 100 (the warm-up is history, never alerted), a wick to 105.4 that closes at 104.9, then 110 for
    // 10 bars (one crossing up), then 100 (one crossing down).
    const closes = [...Array(60).fill(100), 104.9, ...Array(10).fill(110), ...Array(10).fill(100)];
    const file = join(dataDir, 'acme.csv');
    writeCloses(file, closes);
    const config = {
      symbols: ['ACME'],
      timeframe: '1D',
      strategy: { id: 'sma-crossover', params: { fast: 5, slow: 20 } },
      feed: { kind: 'replay', files: { ACME: file }, speed: 86_400_000 },
    };
    const first = testServices(dataDir);
    let sessionId = '';
    try {
      ({ id: sessionId } = await value<{ id: string }>(first, 'session:create', { name: 'lines', config }));
      const line = await value<PriceLine>(first, 'session:price-line-add', {
        sessionId,
        line: { symbol: 'acme', price: 105, alert: true },
      });
      expect(line).toMatchObject({ symbol: 'ACME', price: 105, alert: true, lastCrossedAt: null });
      // A line without an alert, right where price crosses: drawn, never alerting.
      await value(first, 'session:price-line-add', { sessionId, line: { symbol: 'ACME', price: 106 } });
      // A typo'd symbol is refused in words.
      expect(
        await first.dispatch('session:price-line-add', {
          sessionId,
          line: { symbol: 'NOPE', price: 1, alert: true },
        }),
      ).toMatchObject({ ok: false, error: { message: "NOPE is not one of this session's symbols (ACME)" } });

      await value(first, 'session:start', { sessionId });
      await until(
        async () =>
          (await value<SessionSnapshot>(first, 'session:get', { sessionId })).session.status === 'stopped',
        'the end of the data',
      );
      const snapshot = await value<SessionSnapshot>(first, 'session:get', { sessionId });
      const alerts = priceAlerts(snapshot);
      expect(alerts.map((a) => a.message)).toEqual([
        'ACME crossed above your line at 105.00: closed at 110.00, the bar before at 104.90',
        'ACME crossed below your line at 105.00: closed at 100.00, the bar before at 110.00',
      ]);
      expect(alerts.map((a) => a.time)).toEqual([
        Date.UTC(2024, 0, 1) + 61 * 86_400_000,
        Date.UTC(2024, 0, 1) + 71 * 86_400_000,
      ]);
      const events = await value<{ events: { message: string }[] }>(first, 'session:events', {
        sessionId,
        text: 'your line',
      });
      expect(events.events).toHaveLength(2);
    } finally {
      await first.close();
    }

    const second = testServices(dataDir);
    try {
      await second.sessions.recovered();
      const lines = await value<PriceLine[]>(second, 'session:price-lines', { sessionId });
      expect(lines.map((l) => [l.price, l.alert, l.lastCrossedAt])).toEqual([
        [105, true, Date.UTC(2024, 0, 1) + 71 * 86_400_000],
        [106, false, null],
      ]);
      const moved = await value<PriceLine>(second, 'session:price-line-update', {
        sessionId,
        lineId: lines[1]!.id,
        change: { price: 107.5, alert: true },
      });
      expect(moved).toMatchObject({ price: 107.5, alert: true });
      expect(await value(second, 'session:price-line-delete', { sessionId, lineId: lines[0]!.id })).toEqual({
        deleted: true,
      });
      expect(
        (await value<PriceLine[]>(second, 'session:price-lines', { sessionId })).map((l) => l.price),
      ).toEqual([107.5]);
      expect(
        await second.dispatch('session:price-line-update', {
          sessionId,
          lineId: lines[0]!.id,
          change: { alert: false },
        }),
      ).toMatchObject({ ok: false, error: { code: 'not-found' } });
      const snapshot = await value<SessionSnapshot>(second, 'session:get', { sessionId });
      expect(priceAlerts(snapshot)).toHaveLength(2);
    } finally {
      await second.close();
    }
  });
});
