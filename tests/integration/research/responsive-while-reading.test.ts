// Reading a big price file must not stop the rest of the app: while a backtest's ~30 MB CSV is read and parsed, a
// cheap call (app:info) that arrives meanwhile is answered at once. Calls "arrive" on timers, as messages from the
// socket do, so a main thread busy parsing shows up as their lateness.
import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createServices, type Services } from '../../../src/main/services';
import { tempDataDir } from '../../support/host-process';

let dataDir: string;
let services: Services;

beforeEach(() => {
  dataDir = tempDataDir('marketboss-responsive-');
  services = createServices({ dataDir, version: 'test', transport: 'websocket', electronVersion: null });
});
afterEach(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** About 30 MB of one-minute bars (~580k rows), written in chunks so the test itself never holds it as a string. */
async function writeBigCsv(path: string): Promise<number> {
  const out = createWriteStream(path);
  out.write('timestamp,open,high,low,close,volume\n');
  const start = Date.UTC(2020, 0, 2, 14, 30) / 1000;
  let size = 0;
  let price = 100;
  let rows = 0;
  while (size < 30_000_000) {
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++, rows++) {
      price = Math.max(1, price + Math.sin(rows / 50) * 0.05);
      const open = price.toFixed(4);
      const close = (price + 0.01).toFixed(4);
      lines.push(
        `${start + rows * 60},${open},${(price + 0.05).toFixed(4)},${(price - 0.05).toFixed(4)},${close},${1000 + (rows % 97)}`,
      );
    }
    const chunk = `${lines.join('\n')}\n`;
    size += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return size;
}

test('app:info answers within 300 ms while a backtest reads a 30 MB CSV', async () => {
  const path = join(dataDir, 'minutes.csv');
  expect(await writeBigCsv(path)).toBeGreaterThan(29_000_000);

  // Arrange: a cheap call every 50 ms, each timed from the moment it was due.
  const waits: number[] = [];
  let reading = true;
  const probes = (async () => {
    while (reading) {
      const due = performance.now() + 50;
      await new Promise((resolve) => setTimeout(resolve, 50));
      const answer = await services.dispatch('app:info', {});
      expect(answer.ok).toBe(true);
      waits.push(performance.now() - due);
    }
  })();

  // Act: the backtest is accepted once its file is read and validated (the slow part).
  await new Promise((resolve) => setTimeout(resolve, 120));
  const run = await services.dispatch('backtest:run', {
    data: { source: 'csv', files: [{ path, symbol: 'MIN' }] },
  });
  reading = false;
  await probes;
  if (run.ok) await services.dispatch('backtest:cancel', { runId: (run.value as { runId: string }).runId });

  // Assert
  expect(run.ok).toBe(true);
  expect(waits.length).toBeGreaterThan(2);
  expect(Math.max(...waits)).toBeLessThan(300);
});
