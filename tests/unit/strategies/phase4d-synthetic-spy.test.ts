// The simulator's SPY must be tradable by Phase 4D out of the box: a name-seeded profile once made it a $117 stock
// with a realised volatility near 60%, so every day was skipped as high_vix and the 2K preset never traded.
import { describe, expect, it } from 'vitest';
import { realisedVix } from '../../../src/main/feeds/realised-vix';
import { generateSeries, profileFor } from '../../../src/main/feeds/synthetic';
import { isTradingDay } from '../../../src/main/market/calendar';
import { runOptionsBacktest } from '../../../src/main/research/options-backtest';

describe('the synthetic SPY under Phase 4D', () => {
  it('starts near its 2025 price and passes the default filters on most days', () => {
    expect(profileFor('SPY').startPrice).toBe(560);
    for (const seed of [1, 7, 42]) {
      const spy = generateSeries('SPY', {
        seed,
        bars: 120 * 78,
        timeframe: '5m',
        start: Date.UTC(2025, 0, 2),
        tradingDay: (day) => isTradingDay('us-equities', day),
      });
      const { report } = runOptionsBacktest({
        underlying: spy,
        preset: '2k',
        params: {},
        volatility: realisedVix(spy),
        cash: 2_000,
      });
      // Above 500 the strike buffer is 0.50: the puts bought are in the money, as the strategy means them to be.
      expect(spy.close[0]).toBeGreaterThan(500);
      expect(report.tradingDays).toBeGreaterThan(90);
      expect(report.executionRate).toBeGreaterThan(0.4);
    }
  });
});
