import { describe, expect, test } from 'vitest';
import { realisedVix, sessionCloses } from '../../../src/main/feeds/realised-vix';
import { closeOn } from '../../../src/main/feeds/vix-history';
import { addTradingDays } from '../../../src/main/market/calendar';
import { newYorkWallToUtc } from '../../../src/main/market/new-york-time';
import { dayFromIsoDate, isoDate } from '../../../src/main/market/nyse-holidays';
import type { BarSeries, Timeframe } from '../../../src/shared/domain/bars';

const MINUTE = 60_000;
const FIRST = dayFromIsoDate('2024-01-02');

/** `closes.length` sessions from 2024-01-02 of regular-hours `minutes` bars, each session flat at its close. */
function bars(closes: readonly number[], minutes: number, timeframe: Timeframe): BarSeries {
  const time: number[] = [];
  const close: number[] = [];
  closes.forEach((c, i) => {
    const day = addTradingDays('us-equities', FIRST, i);
    const open = newYorkWallToUtc(day, 570 * MINUTE);
    const end = newYorkWallToUtc(day, 960 * MINUTE);
    // A pre-market print that is not the session's close (intraday only).
    if (minutes < 1440) {
      time.push(open - 60 * MINUTE);
      close.push(c * 3);
    }
    for (
      let t = minutes < 1440 ? open : day * 86_400_000;
      t < (minutes < 1440 ? end : day * 86_400_000 + 1);
      t += minutes * MINUTE
    ) {
      time.push(t);
      close.push(c);
    }
  });
  const f = (values: number[]) => Float64Array.from(values);
  return {
    symbol: 'SPY',
    timeframe,
    time: f(time),
    open: f(close),
    high: f(close),
    low: f(close),
    close: f(close),
    volume: new Float64Array(time.length),
    length: time.length,
  };
}

/** A second, plain implementation: mean, then squared deviations, over the last 20 log returns. */
function expectedVix(closes: readonly number[], at: number): number {
  const returns: number[] = [];
  for (let j = at - 19; j <= at; j++)
    returns.push(Math.log((closes[j] as number) / (closes[j - 1] as number)));
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1);
  return Math.sqrt(variance) * Math.sqrt(252) * 100;
}

// 30 sessions of a zig-zag walk with a drift.
const CLOSES = Array.from(
  { length: 30 },
  (_, i) => 400 * Math.exp(0.001 * i + (i % 2 === 0 ? 0.01 : -0.004) * (i % 3)),
);

describe('synthetic VIX from realised volatility', () => {
  test.each([
    ['5m', 5],
    ['1D', 1440],
  ] as const)(
    '%s bars: each session from the 21st has the last 20 returns annualised × 100',
    (timeframe, minutes) => {
      const history = realisedVix(bars(CLOSES, minutes, timeframe));
      expect(history.source).toBe('synthetic VIX (realised volatility of SPY)');
      expect(history.days).toHaveLength(10);
      expect(isoDate(history.days[0] as number)).toBe(isoDate(addTradingDays('us-equities', FIRST, 20)));
      for (let i = 20; i < 30; i++) {
        const day = addTradingDays('us-equities', FIRST, i);
        expect(closeOn(history, day)).toBeCloseTo(expectedVix(CLOSES, i), 10);
      }
      // The 20th session has only 19 returns before it: no value.
      expect(closeOn(history, addTradingDays('us-equities', FIRST, 19))).toBeUndefined();
    },
  );

  test('a flat market has a VIX of 0', () => {
    const history = realisedVix(bars(Array(22).fill(500), 1440, '1D'));
    expect(Array.from(history.closes)).toEqual([0, 0]);
  });

  test('a growing series gains a session when its last bar has closed, not before', () => {
    const full = bars(CLOSES.slice(0, 22), 5, '5m');
    let visible = full.length - 1; // all but the 15:55 bar of the 22nd session
    const live = {
      ...full,
      get length() {
        return visible;
      },
    };
    const history = realisedVix(() => live);
    expect(history.days).toHaveLength(1);
    visible = full.length;
    expect(history.days).toHaveLength(2);
    expect(closeOn(history, addTradingDays('us-equities', FIRST, 21))).toBeCloseTo(
      expectedVix(CLOSES, 21),
      10,
    );
  });

  test("session closes skip extended-hours prints and a trading day's unfinished session", () => {
    const b = bars([100, 101, 102], 30, '1h');
    const { closes } = sessionCloses({ ...b, timeframe: '5m' });
    // 30-minute bars read as 5-minute ones end at 15:35: the last session is not complete.
    expect(closes).toEqual([100, 101]);
    expect(sessionCloses(b).closes).toEqual([100, 101, 102]);
  });

  test('a window under 2 sessions is refused', () => {
    expect(() => realisedVix(bars(CLOSES, 1440, '1D'), { sessions: 1 })).toThrow(/2 or more sessions/);
  });
});
