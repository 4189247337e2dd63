import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { periodDayOf, pnlByPeriod } from '../../../src/main/research/pnl-periods';

const date = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
const daily = periodDayOf('us-equities', '1D');

describe('pnlByPeriod', () => {
  // Daily bars (stamped 00:00 UTC of their date) across a week boundary, the month end and the year end.
  //   start 10,000
  //   Fri 2024-12-27  10,100  (+100)   ISO week 2024-W52
  //   Mon 2024-12-30  10,050  (−50)    ISO week 2025-W01 (its Thursday is 2 January)
  //   Tue 2024-12-31  10,200  (+150)   last day of December and of 2024
  //   Thu 2025-01-02  10,150  (−50)
  //   Fri 2025-01-03  10,300  (+150)
  //   Mon 2025-01-06  10,250  (−50)    ISO week 2025-W02
  const curve = {
    time: ['2024-12-27', '2024-12-30', '2024-12-31', '2025-01-02', '2025-01-03', '2025-01-06'].map(date),
    equity: [10_100, 10_050, 10_200, 10_150, 10_300, 10_250],
  };
  const trades = [
    { exitTime: date('2024-12-30'), pnl: -50 },
    { exitTime: date('2024-12-31'), pnl: 150 },
    { exitTime: date('2025-01-03'), pnl: 150 },
    { exitTime: date('2025-01-03'), pnl: 20 },
  ];
  const periods = pnlByPeriod(curve, trades, daily, 10_000);

  it('days: the equity change of each day, its return on the day’s opening equity, the trades closed in it', () => {
    expect(periods.day.map((r) => [r.label, r.pnl, r.trades, r.wins])).toEqual([
      ['2024-12-27', 100, 0, 0],
      ['2024-12-30', -50, 1, 0],
      ['2024-12-31', 150, 1, 1],
      ['2025-01-02', -50, 0, 0],
      ['2025-01-03', 150, 2, 2],
      ['2025-01-06', -50, 0, 0],
    ]);
    expect(periods.day[0]!.returnPct).toBeCloseTo(0.01, 12);
    expect(periods.day[1]!.returnPct).toBeCloseTo(-50 / 10_100, 12);
    expect(periods.day[0]!.start).toBe(date('2024-12-27'));
    // The days add up to the whole run: 10,250 − 10,000.
    expect(periods.day.reduce((sum, r) => sum + r.pnl, 0)).toBe(250);
  });

  it('ISO weeks across the year end: the week of 30 December 2024 is 2025-W01', () => {
    expect(periods.week.map((r) => [r.label, r.pnl, r.trades, r.start])).toEqual([
      ['2024-W52', 100, 0, date('2024-12-23')],
      ['2025-W01', 200, 4, date('2024-12-30')],
      ['2025-W02', -50, 0, date('2025-01-06')],
    ]);
  });

  it('months and years split at the month end and the year end', () => {
    expect(periods.month.map((r) => [r.label, r.pnl, r.trades, r.wins, r.start])).toEqual([
      ['2024-12', 200, 2, 1, date('2024-12-01')],
      ['2025-01', 50, 2, 2, date('2025-01-01')],
    ]);
    expect(periods.month[1]!.returnPct).toBeCloseTo(50 / 10_200, 12);
    expect(periods.year.map((r) => [r.label, r.pnl, r.trades])).toEqual([
      ['2024', 200, 2],
      ['2025', 50, 2],
    ]);
  });

  it('intraday: US equities by New York date, crypto by UTC date', () => {
    // 2024-03-15 19:00 UTC is 15:00 in New York (EDT); 2024-03-16 01:00 UTC is 21:00 on the 15th in New York.
    const intraday = {
      time: [
        Date.parse('2024-03-15T19:00:00Z'),
        Date.parse('2024-03-16T01:00:00Z'),
        Date.parse('2024-03-18T14:00:00Z'),
      ],
      equity: [1_010, 1_030, 1_000],
    };
    const equities = pnlByPeriod(intraday, [], periodDayOf('us-equities', '1h'), 1_000);
    expect(equities.day.map((r) => [r.label, r.pnl])).toEqual([
      ['2024-03-15', 30],
      ['2024-03-18', -30],
    ]);
    const crypto = pnlByPeriod(intraday, [], periodDayOf('crypto', '1h'), 1_000);
    expect(crypto.day.map((r) => [r.label, r.pnl])).toEqual([
      ['2024-03-15', 10],
      ['2024-03-16', 20],
      ['2024-03-18', -30],
    ]);
  });

  it('without a starting equity the first point is the base; an empty curve has no rows', () => {
    expect(pnlByPeriod(curve, [], daily).day[0]!.pnl).toBe(0);
    expect(pnlByPeriod({ time: [], equity: [] }, [], daily, 100)).toEqual({
      day: [],
      week: [],
      month: [],
      year: [],
    });
  });

  it('every period kind adds up to the whole run’s P&L, and labels are unique and in order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 5 * 86_400_000 }),
            fc.double({ min: -500, max: 500, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 200,
          },
        ),
        fc.constantFrom('us-equities' as const, 'crypto' as const),
        (steps, calendar) => {
          let time = Date.parse('2023-12-20T15:00:00Z');
          let equity = 50_000;
          const c = { time: [] as number[], equity: [] as number[] };
          for (const [gap, change] of steps) {
            time += gap;
            equity += change;
            c.time.push(time);
            c.equity.push(equity);
          }
          const result = pnlByPeriod(c, [], periodDayOf(calendar, '1m'), 50_000);
          for (const rows of Object.values(result)) {
            const total = rows.reduce((sum, r) => sum + r.pnl, 0);
            expect(total).toBeCloseTo(equity - 50_000, 6);
            const labels = rows.map((r) => r.label);
            expect([...labels].sort()).toEqual(labels);
            expect(new Set(labels).size).toBe(labels.length);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
