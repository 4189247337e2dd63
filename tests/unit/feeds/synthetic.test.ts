import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SYMBOLS,
  defaultMarket,
  generateMarket,
  generateRegimes,
  generateSeries,
  REGIMES,
  type SyntheticOptions,
} from '../../../src/main/feeds/synthetic';
import { type BarSeries, barAt, barProblem, type Timeframe } from '../../../src/shared/domain/bars';

const newYork = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

/** Weekday and minutes after midnight in New York, independently of the code under test. */
function newYorkClock(ms: number): { weekday: string; minutes: number } {
  const parts = Object.fromEntries(newYork.formatToParts(ms).map((part) => [part.type, part.value]));
  return { weekday: parts['weekday']!, minutes: Number(parts['hour']) * 60 + Number(parts['minute']) };
}

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

function firstProblem(series: BarSeries): string | undefined {
  for (let i = 0; i < series.length; i++) {
    const problem = barProblem(barAt(series, i), i > 0 ? series.time[i - 1] : undefined);
    if (problem !== undefined) return `bar ${i}: ${problem}`;
  }
  return undefined;
}

function logReturns(series: BarSeries): number[] {
  const out: number[] = [];
  for (let i = 1; i < series.length; i++) out.push(Math.log(series.close[i]! / series.close[i - 1]!));
  return out;
}

function std(values: readonly number[]): number {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
}

function correlation(a: readonly number[], b: readonly number[]): number {
  const meanA = a.reduce((s, v) => s + v, 0) / a.length;
  const meanB = b.reduce((s, v) => s + v, 0) / b.length;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - meanA) * (b[i]! - meanB);
    aa += (a[i]! - meanA) ** 2;
    bb += (b[i]! - meanB) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('generator determinism', () => {
  const options: SyntheticOptions = { seed: 42, bars: 3000, timeframe: '5m' };

  it('the same options give identical arrays', () => {
    const a = generateMarket({ ...options, symbols: ['ACME', 'ZED'] });
    const b = generateMarket({ ...options, symbols: ['ACME', 'ZED'] });
    for (let s = 0; s < 2; s++) {
      for (const column of COLUMNS) expect(a[s]![column]).toEqual(b[s]![column]);
    }
  });

  it('another seed gives another market', () => {
    const a = generateSeries('ACME', options);
    const b = generateSeries('ACME', { ...options, seed: 43 });
    expect(a.time).toEqual(b.time);
    expect(a.close).not.toEqual(b.close);
  });

  it('a symbol does not depend on which other symbols are generated with it', () => {
    const alone = generateSeries('BOLT', options);
    const [, withOthers] = generateMarket({ ...options, symbols: ['ACME', 'BOLT', 'NEWCO'] });
    for (const column of COLUMNS) expect(withOthers![column]).toEqual(alone[column]);
  });

  it('asking for more bars extends the same series (prefix-stable)', () => {
    const short = generateSeries('EMBR', { ...options, bars: 1000 });
    const long = generateSeries('EMBR', options);
    for (const column of COLUMNS) expect(long[column].subarray(0, 1000)).toEqual(short[column]);
  });

  it('bad options are refused', () => {
    expect(() => generateSeries('X', { ...options, bars: -1 })).toThrow(RangeError);
    expect(() => generateSeries('X', { ...options, bars: 1.5 })).toThrow(RangeError);
    expect(() => generateSeries('X', { ...options, seed: Number.NaN })).toThrow(RangeError);
  });

  it('zero bars is an empty series', () => {
    expect(generateSeries('X', { ...options, bars: 0 }).length).toBe(0);
  });
});

describe('generator validity', () => {
  it('every bar of every seed, timeframe and calendar is a valid candle with increasing time (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.constantFrom<Timeframe>('1m', '5m', '15m', '1h', '1D'),
        fc.constantFrom('us-equities' as const, 'crypto' as const),
        fc.constantFrom('ACME', 'EMBR', 'CRUX', 'random-name'),
        fc.double({ min: 0.05, max: 1.2, noNaN: true }),
        (seed, timeframe, calendar, symbol, marketVolatility) => {
          const series = generateSeries(symbol, { seed, bars: 1500, timeframe, calendar, marketVolatility });
          expect(series.length).toBe(1500);
          expect(firstProblem(series)).toBeUndefined();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a very long daily series stays valid and finite (the price barrier holds)', () => {
    const series = generateSeries('EMBR', { seed: 9, bars: 200_000, timeframe: '1D' });
    expect(firstProblem(series)).toBeUndefined();
    const last = series.close[series.length - 1]!;
    expect(last).toBeGreaterThan(9.4 / 200);
    expect(last).toBeLessThan(9.4 * 200);
  });
});

describe('generator calendar', () => {
  it('equity intraday bars lie inside 09:30–16:00 New York on weekdays, across both DST changes', () => {
    for (const [timeframe, perSession] of [
      ['1m', 390],
      ['5m', 78],
      ['15m', 26],
      ['1h', 7],
    ] as const) {
      const series = generateSeries('ACME', {
        seed: 1,
        bars: perSession * 200,
        timeframe,
        start: Date.UTC(2024, 1, 1),
      });
      for (let i = 0; i < series.length; i++) {
        // Every session's first and last bar, and a sample in between (Intl is slow).
        const inSession = i % perSession;
        if (inSession !== 0 && inSession !== perSession - 1 && i % 7 !== 0) continue;
        const { weekday, minutes } = newYorkClock(series.time[i]!);
        expect(['Sat', 'Sun']).not.toContain(weekday);
        expect(minutes).toBeGreaterThanOrEqual(9 * 60 + 30);
        expect(minutes).toBeLessThan(16 * 60);
      }
      // 200 sessions from February 2024 include the March and November changes.
      expect(new Date(series.time[series.length - 1]!).toISOString() > '2024-11-04').toBe(true);
    }
  });

  it('the first bar after the March change opens at 13:30Z, the last before it at 14:30Z', () => {
    const series = generateSeries('ACME', {
      seed: 1,
      bars: 4 * 390,
      timeframe: '1m',
      start: Date.UTC(2024, 2, 7),
    });
    const opens = Array.from(series.time).filter((_, i) => i % 390 === 0);
    expect(opens.map((t) => new Date(t).toISOString())).toEqual([
      '2024-03-07T14:30:00.000Z',
      '2024-03-08T14:30:00.000Z',
      '2024-03-11T13:30:00.000Z',
      '2024-03-12T13:30:00.000Z',
    ]);
  });

  it('equity daily bars fall on weekdays at 00:00 UTC', () => {
    const series = generateSeries('ACME', { seed: 1, bars: 500, timeframe: '1D' });
    for (let i = 0; i < series.length; i++) {
      const date = new Date(series.time[i]!);
      expect(date.getUTCHours()).toBe(0);
      expect([0, 6]).not.toContain(date.getUTCDay());
    }
    expect(new Date(series.time[0]!).toISOString()).toBe('2023-01-02T00:00:00.000Z');
  });

  it('crypto bars run every day, UTC-aligned, without gaps', () => {
    const series = generateSeries('BTC', {
      seed: 1,
      bars: 3000,
      timeframe: '15m',
      calendar: 'crypto',
      start: 1,
    });
    expect(series.time[0]).toBe(900_000);
    for (let i = 1; i < series.length; i++) {
      expect(series.time[i]! - series.time[i - 1]!).toBe(900_000);
      expect(series.open[i]).toBe(series.close[i - 1]);
    }
  });
});

describe('generator behaviour', () => {
  it('all three regimes occur, and the volatile one is the most volatile', () => {
    const options: SyntheticOptions = { seed: 5, bars: 5000, timeframe: '1D' };
    const regimes = generateRegimes(options);
    const counts = REGIMES.map((_, k) => regimes.filter((regime) => regime === k).length);
    for (const count of counts) expect(count).toBeGreaterThan(250);
    const returns = logReturns(generateSeries('ACME', options));
    const byRegime = REGIMES.map((_, k) => returns.filter((_, i) => regimes[i + 1] === k));
    const [trending, ranging, volatile] = byRegime.map(std) as [number, number, number];
    expect(volatile).toBeGreaterThan(1.5 * trending);
    expect(trending).toBeGreaterThan(ranging);
  });

  it('regimes switch by a Markov chain: runs, not noise', () => {
    const regimes = generateRegimes({ seed: 11, bars: 5000, timeframe: '1D' });
    let switches = 0;
    for (let i = 1; i < regimes.length; i++) if (regimes[i] !== regimes[i - 1]) switches++;
    expect(switches).toBeGreaterThan(20);
    expect(switches).toBeLessThan(300);
  });

  it('symbols move with a common market factor, each to its own degree', () => {
    const market = generateMarket({ seed: 8, bars: 2000, timeframe: '1D', symbols: DEFAULT_SYMBOLS });
    const [acme, bolt, crux] = market.map(logReturns) as [number[], number[], number[]];
    expect(correlation(acme, bolt)).toBeGreaterThan(0.3);
    expect(correlation(acme, bolt)).toBeLessThan(0.95);
    expect(correlation(acme, crux)).toBeLessThan(correlation(acme, bolt));
    expect(correlation(acme, crux)).toBeGreaterThan(0.05);
  });

  it('intraday volume and volatility are U-shaped over the session', () => {
    const series = generateSeries('ACME', { seed: 3, bars: 390 * 80, timeframe: '1m' });
    const volume = new Float64Array(390);
    const move = new Float64Array(390);
    for (let i = 0; i < series.length; i++) {
      volume[i % 390]! += series.volume[i]!;
      move[i % 390]! += Math.abs(Math.log(series.close[i]! / series.open[i]!));
    }
    const mean = (column: Float64Array, from: number, to: number) =>
      column.subarray(from, to).reduce((sum, value) => sum + value, 0) / (to - from);
    const openVolume = mean(volume, 0, 15);
    const middayVolume = mean(volume, 150, 240);
    const closeVolume = mean(volume, 375, 390);
    expect(openVolume).toBeGreaterThan(2 * middayVolume);
    expect(closeVolume).toBeGreaterThan(1.5 * middayVolume);
    expect(mean(move, 0, 15)).toBeGreaterThan(1.5 * mean(move, 150, 240));
  });

  it('intraday bars gap only at the session open; in-session bars open at the previous close', () => {
    const series = generateSeries('DUNE', { seed: 4, bars: 78 * 100, timeframe: '5m' });
    let openingGaps = 0;
    for (let i = 1; i < series.length; i++) {
      if (i % 78 === 0) {
        if (series.open[i] !== series.close[i - 1]) openingGaps++;
      } else {
        expect(series.open[i]).toBe(series.close[i - 1]);
      }
    }
    expect(openingGaps).toBeGreaterThan(80);
  });

  it('daily bars gap overnight by plausible amounts, with rare large jumps', () => {
    const series = generateSeries('EMBR', { seed: 6, bars: 2520, timeframe: '1D' });
    const gaps: number[] = [];
    for (let i = 1; i < series.length; i++)
      gaps.push(Math.abs(Math.log(series.open[i]! / series.close[i - 1]!)));
    gaps.sort((a, b) => a - b);
    const median = gaps[gaps.length >> 1]!;
    expect(median).toBeGreaterThan(0.001);
    expect(median).toBeLessThan(0.03);
    const large = gaps.filter((gap) => gap > 0.1).length;
    expect(large).toBeGreaterThan(5);
    expect(large).toBeLessThan(250);
  });
});

describe('default market', () => {
  it('five made-up tickers, about three years of daily bars, all valid', () => {
    const market = defaultMarket();
    expect(market.map((series) => series.symbol)).toEqual([...DEFAULT_SYMBOLS]);
    for (const series of market) {
      expect(series.length).toBe(756);
      expect(series.timeframe).toBe('1D');
      expect(firstProblem(series)).toBeUndefined();
    }
    const volatility = Object.fromEntries(market.map((series) => [series.symbol, std(logReturns(series))]));
    expect(volatility['EMBR']).toBeGreaterThan(volatility['BOLT']!);
    expect(volatility['BOLT']).toBeGreaterThan(volatility['CRUX']!);
    expect(market[0]!.open[0]).toBe(142.5);
  });

  it('is the same every time it is asked for', () => {
    expect(defaultMarket()[1]!.close).toEqual(defaultMarket()[1]!.close);
  });

  it('intraday: four weeks of 1m from 2025-03-03, across the March change', () => {
    const market = defaultMarket('1m');
    expect(market[0]!.length).toBe(20 * 390);
    expect(new Date(market[0]!.time[0]!).toISOString()).toBe('2025-03-03T14:30:00.000Z');
    expect(new Date(market[0]!.time[390 * 5]!).toISOString()).toBe('2025-03-10T13:30:00.000Z');
    expect(firstProblem(market[4]!)).toBeUndefined();
  });
});
