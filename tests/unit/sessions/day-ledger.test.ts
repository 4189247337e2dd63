import { describe, expect, it } from 'vitest';
import { DayLedger } from '../../../src/main/sessions/day-ledger';

const at = (iso: string) => Date.parse(iso);

describe('DayLedger', () => {
  it('the first day starts at the starting cash; a new UTC day starts at the last equity of the day before', () => {
    const day = new DayLedger(10_000);

    day.roll(at('2025-03-03T15:00:00Z'), { realizedNet: 0, fees: 0, trades: 0 });
    const monday = day.close(10_050, { realizedNet: 40, fees: 2, trades: 1 });
    day.roll(at('2025-03-03T15:01:00Z'), { realizedNet: 40, fees: 2, trades: 1 });
    const mondayLater = day.close(10_100, { realizedNet: 90, fees: 3, trades: 2 });
    day.roll(at('2025-03-04T15:00:00Z'), { realizedNet: 90, fees: 3, trades: 2 });
    const tuesday = day.close(10_080, { realizedNet: 70, fees: 4, trades: 3 });

    expect(monday).toEqual({
      day: '2025-03-03',
      startEquity: 10_000,
      endEquity: 10_050,
      realizedPnl: 40,
      fees: 2,
      trades: 1,
    });
    expect(mondayLater).toMatchObject({ startEquity: 10_000, endEquity: 10_100, realizedPnl: 90, trades: 2 });
    expect(tuesday).toEqual({
      day: '2025-03-04',
      startEquity: 10_100,
      endEquity: 10_080,
      realizedPnl: -20,
      fees: 1,
      trades: 1,
    });
    expect(day.dayStartEquity).toBe(10_100);
    expect(day.previousEquity).toBe(10_080);
  });
});
