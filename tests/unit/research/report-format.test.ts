import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysFromCivil, isoDateOfDay } from '../../../src/main/market/new-york-time';
import { iso, num, textOf } from '../../../src/main/research/report';
import { writeTextFile } from '../../../src/main/research/text-file';

// The writers' number and time texts are their definitions made fast; these hold them to the definitions.
const numByDefinition = (value: number): string => String(Number(value.toFixed(10)));

describe('the CSV writers’ number and time texts', { timeout: 30_000 }, () => {
  it('num is String(Number(value.toFixed(10))) for every double', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        expect(num(value)).toBe(numByDefinition(value));
      }),
      { numRuns: 30_000 },
    );
  });

  it('num agrees on prices, P&L and equity with binary noise, and at the edges of its fast path', () => {
    const prices = fc.integer({ min: 1, max: 100_000_000 }).map((n) => n / 10_000);
    fc.assert(
      fc.property(prices, fc.integer({ min: 1, max: 100_000 }), prices, (price, qty, cash) => {
        for (const value of [cash * 1000 - qty * price, qty * price, -qty * price, price / 3]) {
          expect(num(value)).toBe(numByDefinition(value));
        }
      }),
      { numRuns: 10_000 },
    );
    const edges = [0, -0, 1e-6, -1e-6, 9.99999e-7, 1e21, 1e20, 99_999.99999999999, 100_000.00000000001];
    for (const value of [...edges, 123_456.789_012_345_67, -0.000_000_000_01, Number.NaN, -Infinity]) {
      expect(num(value)).toBe(numByDefinition(value));
    }
    expect(num(60_065.000_800_000_01)).toBe('60065.0008');
  });

  it('iso is toISOString for any time, reusing the day across calls', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_198_755_200_000, max: 300_000_000_000_000 }), (time) => {
        expect(iso(time)).toBe(new Date(time).toISOString());
        expect(iso(time + 1)).toBe(new Date(time + 1).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('isoDateOfDay inverts daysFromCivil from year 0 to 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: daysFromCivil(0, 1, 1), max: daysFromCivil(9999, 12, 31) }), (day) => {
        expect(isoDateOfDay(day)).toBe(new Date(day * 86_400_000).toISOString().slice(0, 10));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('writeTextFile', { timeout: 30_000 }, () => {
  it('writes the sink’s text in pieces and leaves no partial file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marketboss-text-file-'));
    const path = join(dir, 'rows.csv');
    const row = (k: number): string => `${k},${num(k / 7)}\n`;
    writeTextFile(path, (sink) => {
      for (let k = 0; k < 200_000; k++) sink.write(row(k));
    });
    expect(readFileSync(path, 'utf8')).toBe(
      textOf((sink) => {
        for (let k = 0; k < 200_000; k++) sink.write(row(k));
      }),
    );
    expect(readdirSync(dir)).toEqual(['rows.csv']);
  });

  it('removes the partial file when the writer throws, keeping an older complete file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marketboss-text-file-'));
    const path = join(dir, 'rows.csv');
    writeTextFile(path, (sink) => sink.write('old\n'));
    expect(() =>
      writeTextFile(path, (sink) => {
        sink.write('new\n');
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(readFileSync(path, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['rows.csv']);
  });
});
