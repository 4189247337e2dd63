// Speed of the data layer, measured once (not a timed test): `npx tsx tests/unit/feeds/measure-speed.ts`.
// Prints rows/s for CSV import (ISO and epoch times), bars/s for the generator and for aggregation.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregateBars } from '../../../src/main/feeds/aggregate';
import { readBarsCsv } from '../../../src/main/feeds/csv';
import { generateMarket, generateSeries } from '../../../src/main/feeds/synthetic';

const MILLION = 1_000_000;

function timed<T>(label: string, count: number, unit: string, run: () => T): T {
  const start = performance.now();
  const result = run();
  const ms = performance.now() - start;
  const rate = Math.round((count / ms) * 1000).toLocaleString('en-US');
  console.log(`${label.padEnd(50)} ${ms.toFixed(0).padStart(6)} ms  ${rate.padStart(12)} ${unit}/s`);
  return result;
}

timed('generateSeries 1D x 1,000,000', MILLION, 'bars', () =>
  generateSeries('ACME', { seed: 1, bars: MILLION, timeframe: '1D' }),
);
timed('generateMarket 1D 10 symbols x 1,000,000', 10 * MILLION, 'bars', () =>
  generateMarket({ seed: 1, bars: MILLION, timeframe: '1D', symbols: 'ABCDEFGHIJ'.split('') }),
);
const minutes = timed('generateSeries 1m x 1,000,000', MILLION, 'bars', () =>
  generateSeries('ACME', { seed: 1, bars: MILLION, timeframe: '1m' }),
);
for (const to of ['5m', '1h', '1D'] as const) {
  timed(`aggregateBars 1m -> ${to} (us-equities)`, MILLION, 'bars', () =>
    aggregateBars(minutes, to, 'us-equities'),
  );
}

const directory = mkdtempSync(join(tmpdir(), 'marketboss-csv-'));
try {
  const iso: string[] = ['timestamp,open,high,low,close,volume'];
  const epoch: string[] = ['t,o,h,l,c,v'];
  for (let i = 0; i < minutes.length; i++) {
    const prices = `${minutes.open[i]},${minutes.high[i]},${minutes.low[i]},${minutes.close[i]},${minutes.volume[i]}`;
    iso.push(`${new Date(minutes.time[i]!).toISOString()},${prices}`);
    epoch.push(`${minutes.time[i]! / 1000},${prices}`);
  }
  writeFileSync(join(directory, 'iso.csv'), `${iso.join('\n')}\n`);
  writeFileSync(join(directory, 'epoch.csv'), `${epoch.join('\r\n')}\r\n`);
  iso.length = 0;
  epoch.length = 0;
  for (const name of ['iso.csv', 'epoch.csv']) {
    timed(`readBarsCsv ${name} (1,000,000 rows, inferred)`, MILLION, 'rows', () =>
      readBarsCsv(join(directory, name), { symbol: 'ACME' }),
    );
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
