import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarDataError, parseBarsCsv, readBarsCsv } from '../../../src/main/feeds/csv';

// Random valid price files in every shape the reader accepts, read from disk through windows as small as 16 bytes
// (so rows, quotes and CRLF pairs straddle window edges) and from text: the columns come back exactly.
const dir = mkdtempSync(join(tmpdir(), 'marketboss-csv-stream-'));
let fileNumber = 0;

const bar = fc.record({
  open: fc.integer({ min: 1, max: 10_000_000 }),
  close: fc.integer({ min: 1, max: 10_000_000 }),
  up: fc.integer({ min: 0, max: 100_000 }),
  down: fc.integer({ min: 0, max: 100_000 }),
  volume: fc.integer({ min: 0, max: 1_000_000_000 }),
});

const shape = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t'),
  lineEnd: fc.constantFrom('\n', '\r\n', '\r'),
  bom: fc.boolean(),
  quoteEvery: fc.integer({ min: 0, max: 3 }),
  blankEvery: fc.integer({ min: 0, max: 4 }),
  leadingBlank: fc.boolean(),
  finalBreak: fc.boolean(),
  window: fc.integer({ min: 16, max: 300 }),
});

describe('reading a price file in windows', { timeout: 30_000 }, () => {
  it('random valid files come back bar for bar, whatever the window', () => {
    fc.assert(
      fc.property(fc.array(bar, { minLength: 2, maxLength: 120 }), shape, (bars, s) => {
        const day = 86_400_000;
        const start = Date.UTC(2020, 0, 1);
        const d = s.delimiter;
        const q = (text: string, k: number): string =>
          s.quoteEvery > 0 && k % s.quoteEvery === 0 ? `"${text}"` : text;
        const lines: string[] = [];
        if (s.leadingBlank) lines.push('', '  ');
        lines.push(['Date', 'Open', 'High', 'Low', 'Close', 'Volume'].join(d));
        const expected = {
          time: [] as number[],
          open: [] as number[],
          high: [] as number[],
          low: [] as number[],
        };
        bars.forEach((b, k) => {
          const open = b.open / 10_000;
          const close = b.close / 10_000;
          const high = (Math.max(b.open, b.close) + b.up) / 10_000;
          const low = Math.max(1, Math.min(b.open, b.close) - b.down) / 10_000;
          const time = start + k * day;
          expected.time.push(time);
          expected.open.push(open);
          expected.high.push(high);
          expected.low.push(low);
          const date = new Date(time).toISOString().slice(0, 10);
          lines.push([q(date, k), open, q(String(high), k + 1), low, close, b.volume].join(d));
          if (s.blankEvery > 0 && k % s.blankEvery === 0) lines.push('');
        });
        const text = `${s.bom ? '\ufeff' : ''}${lines.join(s.lineEnd)}${s.finalBreak ? s.lineEnd : ''}`;
        const path = join(dir, `p${fileNumber++}.csv`);
        writeFileSync(path, text);
        for (const result of [
          readBarsCsv(path, { symbol: 'T', windowBytes: s.window }),
          parseBarsCsv(text, 'p.csv', { symbol: 'T' }),
        ]) {
          const series = result.series;
          expect(series.length).toBe(bars.length);
          expect(Array.from(series.time)).toEqual(expected.time);
          expect(Array.from(series.open)).toEqual(expected.open);
          expect(Array.from(series.high)).toEqual(expected.high);
          expect(Array.from(series.low)).toEqual(expected.low);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a bad row is refused with its physical line, wherever the window edges fall', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 60 }),
        fc.integer({ min: 0, max: 59 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.integer({ min: 16, max: 200 }),
        (rows, badAt, lineEnd, window) => {
          const bad = badAt % rows;
          const lines = ['date,open,high,low,close,volume'];
          for (let k = 0; k < rows; k++) {
            const date = new Date(Date.UTC(2021, 0, 1 + k)).toISOString().slice(0, 10);
            lines.push(k === bad ? `${date},10,9,8,10,1` : `${date},10,11,9,10,1`);
          }
          const path = join(dir, `bad${fileNumber++}.csv`);
          writeFileSync(path, lines.join(lineEnd));
          try {
            readBarsCsv(path, { symbol: 'T', windowBytes: window });
            expect.unreachable('the bad row was accepted');
          } catch (error) {
            expect(error).toBeInstanceOf(BarDataError);
            expect((error as BarDataError).line).toBe(bad + 2);
            expect((error as BarDataError).field).toBe('high');
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a row longer than the window grows it', () => {
    const note = 'x'.repeat(5_000);
    const text = `date,open,high,low,close,volume,note\n2024-01-02,1,2,1,1,1,"${note}"\n2024-01-03,1,2,1,1,1,${note}\n`;
    const path = join(dir, 'long-rows.csv');
    writeFileSync(path, text);
    expect(readBarsCsv(path, { symbol: 'T', windowBytes: 64 }).series.length).toBe(2);
  });

  it('an unclosed quote at the end of a windowed file names the row’s line', () => {
    const path = join(dir, 'unclosed.csv');
    writeFileSync(path, 'date,open,high,low,close,volume\n2024-01-02,1,2,1,1,1\n2024-01-03,"1,2,1,1,1\n');
    expect(() => readBarsCsv(path, { symbol: 'T', windowBytes: 16 })).toThrow(
      'unclosed.csv line 3: a quoted field is never closed',
    );
  });
});
