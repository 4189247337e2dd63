import { describe, expect, test } from 'vitest';
import { closeOn, firstMissingDay, parseVixHistory } from '../../../src/main/feeds/vix-history';
import { dayFromIsoDate } from '../../../src/main/market/nyse-holidays';

const FILE = `DATE,OPEN,HIGH,LOW,CLOSE
01/02/2025,17.21,18.08,16.65,17.93
01/03/2025,17.66,17.69,16.07,16.13
01/06/2025,15.71,16.86,15.12,16.04
`;

describe("the CBOE's VIX history", () => {
  test('reads closes by New York date', () => {
    const vix = parseVixHistory(FILE, 'VIX_History.csv');
    expect(vix.source).toBe('VIX_History.csv (CBOE VIX)');
    expect(closeOn(vix, dayFromIsoDate('2025-01-03'))).toBe(16.13);
    expect(closeOn(vix, dayFromIsoDate('2025-01-04'))).toBeUndefined();
  });

  test('names the first trading day it does not cover', () => {
    const vix = parseVixHistory(FILE, 'VIX_History.csv');
    const days = ['2025-01-02', '2025-01-03', '2025-01-06', '2025-01-07', '2025-01-08'].map(dayFromIsoDate);
    expect(firstMissingDay(vix, days.slice(0, 3))).toBeNull();
    expect(firstMissingDay(vix, days)).toBe('2025-01-07');
  });

  test('bad rows are refused with the file, line and field', () => {
    expect(() => parseVixHistory('Date;Close\n', 'v.csv')).toThrow(/v\.csv line 1: the header is/);
    expect(() => parseVixHistory(`${FILE}2025-01-07,1,1,1,1\n`, 'v.csv')).toThrow(
      /v\.csv line 5, field DATE: "2025-01-07" is not a date MM\/DD\/YYYY/,
    );
    expect(() => parseVixHistory(`${FILE}02/30/2025,1,1,1,1\n`, 'v.csv')).toThrow(
      /line 5, field DATE: "02\/30\/2025" is not a calendar date/,
    );
    expect(() => parseVixHistory(`${FILE}01/07/2025,1,1,1,\n`, 'v.csv')).toThrow(
      /line 5, field CLOSE: "" is not a positive number/,
    );
    expect(() => parseVixHistory(`${FILE}01/03/2025,1,1,1,1\n`, 'v.csv')).toThrow(
      /line 5, field DATE: 2025-01-03 does not come after 2025-01-06/,
    );
  });
});
