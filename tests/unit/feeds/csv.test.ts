import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BarDataError,
  type CsvImportOptions,
  DataFileError,
  parseBarsCsv,
  parseDecimal,
  parseTimestamp,
  readBarsCsv,
} from '../../../src/main/feeds/csv';

const fixtures = join(__dirname, '../../fixtures/csv');
const options: CsvImportOptions = { symbol: 'TEST' };

function times(text: string, extra: Partial<CsvImportOptions> = {}): string[] {
  const { series } = parseBarsCsv(text, 'prices.csv', { ...options, ...extra });
  return Array.from(series.time.subarray(0, series.length), (t) => new Date(t).toISOString());
}

function errorOf(run: () => unknown): BarDataError {
  try {
    run();
  } catch (error) {
    if (error instanceof BarDataError) return error;
    throw error;
  }
  throw new Error('expected a BarDataError');
}

const ROWS = '2024-01-02,100,101,99,100.5,1000\n2024-01-03,100.5,102,100,101,1200\n';

describe('CSV header', () => {
  it.each([
    ['Date,Open,High,Low,Close,Volume'],
    ['date,open,high,low,close,volume'],
    ['TIME,O,H,L,C,V'],
    ['timestamp,o,h,l,c,v'],
    ['t,open,high,low,close,volume'],
    [' Date , Open , High , Low , Close , Volume '],
    ['"Date","Open","High","Low","Close","Volume"'],
  ])('accepts header %s', (header) => {
    const { series } = parseBarsCsv(`${header}\n${ROWS}`, 'prices.csv', options);
    expect(series.length).toBe(2);
    expect(Array.from(series.close)).toEqual([100.5, 101]);
    expect(Array.from(series.volume)).toEqual([1000, 1200]);
    expect(series.symbol).toBe('TEST');
  });

  it('columns may come in any order, and unknown columns are ignored', () => {
    const text =
      'volume,close,note,low,high,open,date\n1000,100.5,x,99,101,100,2024-01-02\n1200,101,y,100,102,100.5,2024-01-03\n';
    const { series } = parseBarsCsv(text, 'prices.csv', options);
    expect(Array.from(series.open)).toEqual([100, 100.5]);
    expect(Array.from(series.high)).toEqual([101, 102]);
  });

  it('a missing required column is an error naming it and listing the header found', () => {
    const error = errorOf(() =>
      parseBarsCsv('Date,Open,High,Low,Volume\n2024-01-02,1,1,1,1\n', 'prices.csv', options),
    );
    expect(error.message).toBe(
      'prices.csv line 1: missing column close (accepted names: close, c); header found: "Date", "Open", "High", "Low", "Volume"',
    );
  });

  it('a file that is not a price file is quoted only by its first columns, each cut short', () => {
    const passwd = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n';
    const wide = `${Array.from({ length: 12 }, (_, i) => `column number ${i}`).join(',')}\n1,2\n`;

    const one = errorOf(() => parseBarsCsv(passwd, 'passwd', options));
    const many = errorOf(() => parseBarsCsv(wide, 'wide.csv', options));

    expect(one.message).toBe(
      'passwd line 1: missing column time (accepted names: timestamp, datetime, time, date, t); header found: "root:x:0:0:root:/root:/b…"',
    );
    expect(many.message).toMatch(/header found: "column number 0", .*"column number 7" and 4 more$/);
  });

  it('a long cell is quoted cut short in a row error', () => {
    const error = errorOf(() =>
      parseBarsCsv(
        `date,open,high,low,close,volume\n2024-01-02,${'9'.repeat(10)}x${'y'.repeat(60)},1,1,1,1\n`,
        'p.csv',
        options,
      ),
    );
    expect(error.message).toBe('p.csv line 2, field open: "9999999999xyyyyyyyyyyyyy…" is not a number');
  });

  it('a separate date and time-of-day column are joined', () => {
    const text =
      'Date,Time,Open,High,Low,Close,Volume\n2024-01-02,09:30,1,2,1,1,5\n2024-01-02,09:31:00,1,2,1,1,5\n';
    expect(times(text)).toEqual(['2024-01-02T09:30:00.000Z', '2024-01-02T09:31:00.000Z']);
  });

  it('semicolon- and tab-separated files are read too', () => {
    expect(
      times('date;open;high;low;close;volume\n2024-01-02;1;1;1;1;1\n2024-01-03;1;1;1;1;1\n'),
    ).toHaveLength(2);
    expect(
      times('date\topen\thigh\tlow\tclose\tvolume\n2024-01-02\t1\t1\t1\t1\t1\n2024-01-03\t1\t1\t1\t1\t1\n'),
    ).toHaveLength(2);
  });
});

describe('CSV time formats', () => {
  const header = 'time,open,high,low,close,volume\n';
  const row = (time: string) => `${time},1,1,1,1,1\n`;
  const one = (time: string) => times(header + row(time), { timeframe: '1m' })[0];

  it.each([
    ['2024-03-08', '2024-03-08T00:00:00.000Z'],
    ['2024-03-08T14:30', '2024-03-08T14:30:00.000Z'],
    ['2024-03-08T14:30:15', '2024-03-08T14:30:15.000Z'],
    ['2024-03-08 14:30:15', '2024-03-08T14:30:15.000Z'],
    ['2024-03-08T14:30:15.250', '2024-03-08T14:30:15.250Z'],
    ['2024-03-08T14:30:15.250Z', '2024-03-08T14:30:15.250Z'],
    ['2024-03-08T09:30:00-05:00', '2024-03-08T14:30:00.000Z'],
    ['2024-03-08T09:30:00-0500', '2024-03-08T14:30:00.000Z'],
    ['2024-03-08T20:00:00+05:30', '2024-03-08T14:30:00.000Z'],
    ['"2024-03-08T14:30:00Z"', '2024-03-08T14:30:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('ISO %s is %s (no offset means UTC)', (text, iso) => {
    expect(one(text)).toBe(iso);
  });

  it.each([
    ['1709908200', '2024-03-08T14:30:00.000Z', 'epoch seconds'],
    ['1709908200.5', '2024-03-08T14:30:00.500Z', 'fractional epoch seconds'],
    ['1709908200000', '2024-03-08T14:30:00.000Z', 'epoch milliseconds'],
    ['1709908200000000', '2024-03-08T14:30:00.000Z', 'epoch microseconds'],
    ['1709908200000000000', '2024-03-08T14:30:00.000Z', 'epoch nanoseconds'],
  ])('%s is %s (%s, told apart by magnitude)', (text, iso) => {
    expect(one(text)).toBe(iso);
  });

  it.each([
    ['2024-13-01'],
    ['2024-02-30'],
    ['2023-02-29'],
    ['2024-03-08T25:00'],
    ['yesterday'],
    ['2024-03-08T14:30+5'],
  ])('rejects %s as a time, naming the field and value', (text) => {
    const error = errorOf(() => one(text));
    expect(error.line).toBe(2);
    expect(error.field).toBe('time');
    expect(error.message).toContain(`prices.csv line 2, field time: "${text}" is not a date/time`);
  });
});

describe('CSV validation', () => {
  const header = 'date,open,high,low,close,volume\n';
  const good = '2024-01-02,100,101,99,100.5,1000\n';

  it.each([
    [
      '2024-01-03,100,99.5,98,101,1000',
      'high',
      'prices.csv line 3, field high: 99.5 is below max(open 100, close 101)',
    ],
    [
      '2024-01-03,100,102,100.5,101,1000',
      'low',
      'prices.csv line 3, field low: 100.5 is above min(open 100, close 101)',
    ],
    ['2024-01-03,100,102,99,101,-1', 'volume', 'prices.csv line 3, field volume: -1 is negative'],
    ['2024-01-03,abc,102,99,101,1', 'open', 'prices.csv line 3, field open: "abc" is not a number'],
    ['2024-01-03,100,102,99,,1', 'close', 'prices.csv line 3, field close: (empty) is not a number'],
    ['2024-01-03,100,inf,99,101,1', 'high', 'prices.csv line 3, field high: Infinity is not a finite number'],
    [
      '2024-01-03,0,102,0,101,1',
      'open',
      'prices.csv line 3, field open: 0 is not positive (prices must be positive)',
    ],
    [
      '2024-01-03,100,102,99',
      'close',
      'prices.csv line 3, field close: missing (the row has 4 fields, column 5 is needed)',
    ],
    [
      '2024-01-02,100,102,99,101,1',
      'time',
      'prices.csv line 3, field time: 2024-01-02T00:00:00.000Z is not after the previous bar (2024-01-02T00:00:00.000Z)',
    ],
    [
      '2024-01-01,100,102,99,101,1',
      'time',
      'prices.csv line 3, field time: 2024-01-01T00:00:00.000Z is not after the previous bar (2024-01-02T00:00:00.000Z)',
    ],
  ])('bad row %s fails on field %s with file, line and value', (row, field, message) => {
    const error = errorOf(() =>
      parseBarsCsv(`${header}${good}${row}\n`, 'prices.csv', { ...options, timeframe: '1D' }),
    );
    expect(error).toBeInstanceOf(BarDataError);
    expect(error.file).toBe('prices.csv');
    expect(error.line).toBe(3);
    expect(error.field).toBe(field);
    expect(error.message).toBe(message);
  });

  it('line numbers count blank lines and lines inside quoted fields', () => {
    const text = [
      'date,open,high,low,close,volume,note',
      '',
      '2024-01-02,100,101,99,100.5,1000,fine',
      '"2024-01-03",100,101,99,100.5,1,"two',
      'lines"',
      '',
      '2024-01-04,100,99,98,101,1,bad',
    ].join('\r\n');
    const error = errorOf(() => parseBarsCsv(text, 'prices.csv', options));
    expect(error.line).toBe(7);
    expect(error.field).toBe('high');
  });

  it('skipInvalid skips and counts bad rows, keeps their messages, and checks time against the last good row', () => {
    const result = readBarsCsv(join(fixtures, 'bad-rows.csv'), { ...options, skipInvalid: true });
    expect(result.series.length).toBe(4);
    expect(result.skipped).toBe(2);
    expect(result.problems).toEqual([
      'bad-rows.csv line 4, field high: 99.5 is below max(open 100, close 101)',
      'bad-rows.csv line 5, field volume: -5 is negative',
    ]);
    expect(Array.from(result.series.close)).toEqual([100.5, 101, 101.8, 102]);
  });

  it('skipInvalid keeps only the first maxProblems messages but counts every skipped row', () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${1_700_000_000 + i * 60},1,0.5,1,1,1`).join('\n');
    const result = parseBarsCsv(`t,o,h,l,c,v\n${rows}\n1800000000,1,1,1,1,1\n`, 'p.csv', {
      ...options,
      timeframe: '1m',
      skipInvalid: true,
      maxProblems: 3,
    });
    expect(result.skipped).toBe(50);
    expect(result.problems).toHaveLength(3);
    expect(result.series.length).toBe(1);
  });

  it('without skipInvalid the first bad row throws', () => {
    expect(() => readBarsCsv(join(fixtures, 'bad-rows.csv'), options)).toThrow(
      'bad-rows.csv line 4, field high: 99.5 is below max(open 100, close 101)',
    );
  });
});

describe('CSV text handling', () => {
  it('an empty file is a clear error', () => {
    expect(() => parseBarsCsv('', 'prices.csv', options)).toThrow(
      'prices.csv: the file is empty (no header, no rows)',
    );
    expect(() => parseBarsCsv('\ufeff\r\n  \r\n', 'prices.csv', options)).toThrow('the file is empty');
  });

  it('a header without rows is a clear error', () => {
    expect(() => parseBarsCsv('date,open,high,low,close,volume\r\n\r\n', 'prices.csv', options)).toThrow(
      'prices.csv: the file has a header but no rows',
    );
  });

  it('BOM, CRLF, quoted fields and blank trailing lines are handled, and adj close adjusts OHLC', () => {
    const result = readBarsCsv(join(fixtures, 'yahoo-daily.csv'), options);
    const { series } = result;
    expect(series.length).toBe(5);
    expect(result.adjusted).toBe(true);
    expect(series.timeframe).toBe('1D');
    expect(new Date(series.time[0]!).toISOString()).toBe('2024-01-02T00:00:00.000Z');
    const factor = 184.94 / 185.64;
    expect(series.close[0]).toBeCloseTo(184.94, 10);
    expect(series.open[0]).toBeCloseTo(187.15 * factor, 10);
    expect(series.high[0]).toBeCloseTo(188.44 * factor, 10);
    expect(series.low[0]).toBeCloseTo(183.89 * factor, 10);
    expect(series.volume[0]).toBe(82488700);
  });

  it('adjust: false ignores adj close', () => {
    const result = readBarsCsv(join(fixtures, 'yahoo-daily.csv'), { ...options, adjust: false });
    expect(result.adjusted).toBe(false);
    expect(result.series.close[0]).toBe(185.64);
  });

  it('quoted fields may hold delimiters and escaped quotes in ignored columns', () => {
    const text =
      'date,note,open,high,low,close,volume\r\n2024-01-02,"a, ""b""",1,1,1,1,1\r\n2024-01-03,"",1,1,1,1,1';
    expect(times(text)).toEqual(['2024-01-02T00:00:00.000Z', '2024-01-03T00:00:00.000Z']);
  });

  it('an unterminated quote is an error with the line', () => {
    expect(() =>
      parseBarsCsv('date,open,high,low,close,volume\n"2024-01-02,1,1,1,1,1\n', 'p.csv', options),
    ).toThrow('p.csv line 2: a quoted field is never closed');
  });

  it('the delimiter comes from the header even after leading blank lines', () => {
    const text = '\n  \ndate;open;high;low;close;volume\n2024-01-02;1;1;1;1;1\n2024-01-03;1;1;1;1;1\n';
    expect(times(text)).toEqual(['2024-01-02T00:00:00.000Z', '2024-01-03T00:00:00.000Z']);
  });

  it('with CR line ends, a line break inside a quoted field still counts as a line', () => {
    const text = [
      'date,open,high,low,close,volume,note',
      '2024-01-02,1,2,1,1,1,"two\rlines"',
      '2024-01-03,1,0,1,1,1,bad',
    ].join('\r');
    const error = errorOf(() => parseBarsCsv(text, 'prices.csv', options));
    expect(error.line).toBe(4);
    expect(error.field).toBe('high');
  });

  it('a file that does not exist is a DataFileError naming its path', () => {
    const path = join(fixtures, 'no-such-file.csv');
    expect(() => readBarsCsv(path, options)).toThrow(new DataFileError(`${path} does not exist`));
  });

  it('epoch milliseconds with short headers, timeframe inferred', () => {
    const result = readBarsCsv(join(fixtures, 'epoch-ms-1m.csv'), options);
    expect(result.series.timeframe).toBe('1m');
    expect(result.timeframeNote).toBe('inferred 1m: the most common step (1 min) in 3 of 3 steps');
    expect(new Date(result.series.time[0]!).toISOString()).toBe('2024-03-08T14:30:00.000Z');
  });
});

describe('CSV timeframe inference', () => {
  const header = 't,o,h,l,c,v\n';
  const rows = (seconds: number[]) => seconds.map((s) => `${s},1,1,1,1,1`).join('\n');

  it('the most common step wins (weekends and overnight gaps do not matter)', () => {
    const days = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11].map((d) => 1_704_153_600 + d * 86_400);
    const result = parseBarsCsv(header + rows(days), 'p.csv', options);
    expect(result.series.timeframe).toBe('1D');
    expect(result.timeframeNote).toBe('inferred 1D: the most common step (1 day) in 8 of 9 steps');
  });

  it('a given timeframe is used as is', () => {
    const result = parseBarsCsv(header + rows([0, 60, 120]), 'p.csv', { ...options, timeframe: '5m' });
    expect(result.series.timeframe).toBe('5m');
    expect(result.timeframeNote).toBe('given: 5m');
  });

  it('an unsupported step is an error naming it', () => {
    expect(() => parseBarsCsv(header + rows([0, 1800, 3600, 5400]), 'p.csv', options)).toThrow(
      'p.csv, field time: cannot infer the timeframe: the most common step is 30 min (3 of 3), which is none of 1m, 5m, 15m, 1h, 1D; pass timeframe',
    );
  });

  it('a tie between steps is an error naming both', () => {
    expect(() => parseBarsCsv(header + rows([0, 60, 360]), 'p.csv', options)).toThrow(
      'cannot infer the timeframe: steps of 1 min and 5 min are equally common (1 each); pass timeframe',
    );
  });

  it('a single bar cannot tell its timeframe', () => {
    expect(() => parseBarsCsv(header + rows([0]), 'p.csv', options)).toThrow(
      'cannot infer the timeframe from 1 bar',
    );
  });
});

describe('number and time parsing', () => {
  it('parseDecimal agrees with Number() on many decimals', () => {
    const samples = [
      '0',
      '-0.5',
      '+3',
      '187.15',
      '0.000123',
      '123456789012345',
      '1234567890123456789',
      '1e5',
      '.5',
      '5.',
    ];
    for (let i = 0; i < 2000; i++) samples.push((Math.sin(i) * 10 ** (i % 9)).toFixed(i % 7));
    for (const text of samples) expect(parseDecimal(Buffer.from(text), 0, text.length)).toBe(Number(text));
  });

  it('parseDecimal refuses text that is not a number', () => {
    for (const text of ['', ' ', 'abc', '1.2.3', '0x10', '-', '.', '1,5']) {
      expect(parseDecimal(Buffer.from(text), 0, text.length)).toBeNaN();
    }
  });

  it('parseTimestamp agrees with Date.parse on ISO datetimes with Z across many dates', () => {
    for (let i = 0; i < 500; i++) {
      const iso = new Date(Date.UTC(1990, 0, 1) + i * 86_400_000 * 29.37).toISOString();
      expect(parseTimestamp(Buffer.from(iso), 0, iso.length)).toBe(Date.parse(iso));
    }
  });
});

describe('CSV date and time columns', () => {
  it('a date column holding full datetimes is used alone even when a time column exists', () => {
    const text =
      'date,time,open,high,low,close,volume\n2024-01-02T14:30:00Z,ignored,1,1,1,1,1\n2024-01-02T14:31:00Z,x,1,1,1,1,1\n';
    // `time` is preferred over `date`, so a non-time `time` column is the time column: it must parse.
    expect(() => parseBarsCsv(text, 'p.csv', options)).toThrow(
      'p.csv line 2, field time: "ignored" is not a date/time',
    );
  });

  it('a time-of-day that is cut short or out of range is refused', () => {
    for (const clock of ['09:3', '24:00', '09:60', '09:30:61', '09:30:00.']) {
      const text = `date,time,open,high,low,close,volume\n2024-01-02,${clock},1,1,1,1,1\n`;
      expect(() => parseBarsCsv(text, 'p.csv', { ...options, timeframe: '1m' })).toThrow(/field time/);
    }
  });
});
