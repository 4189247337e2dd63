import { describe, expect, test } from 'vitest';
import {
  chooseExpiry,
  chooseStrike,
  exitReason,
  PHASE4D_PRESETS,
  phase4dFiltersSchema,
  skipReason,
  strikeBuffer,
} from '../../../src/main/strategies/phase4d-rules';

const filters = phase4dFiltersSchema.parse({});

describe('which days Phase 4D skips', () => {
  test.each([
    [25, 4, null],
    [25.01, 4, 'high_vix'],
    [30, 9, 'high_vix'],
    [20, 8, 'moderate_volatility'],
    [20, 8.01, 'extreme_volatility'],
    [20, 5, null],
    [20, 5.01, 'moderate_volatility'],
    [24.99, 0.5, null],
  ])('VIX %d, range $%d → %s', (vixClose, range, reason) => {
    expect(skipReason({ vixClose, range }, filters)).toBe(reason);
  });
});

describe('which put it buys', () => {
  test.each([
    [400, 0],
    [400.01, 0.3],
    [500, 0.3],
    [500.01, 0.5],
    [399.99, 0],
  ])('SPY at %d aims %d above', (spot, buffer) => {
    expect(strikeBuffer(spot)).toBe(buffer);
  });

  test('the listed strike nearest the target; a tie goes to the higher strike', () => {
    const dollars = [498, 499, 500, 501, 502, 503];
    expect(chooseStrike(500.2, dollars)).toBe(501); // target 500.7
    expect(chooseStrike(500.0, dollars)).toBe(500); // target 500.3 (500 is not above 500)
    expect(chooseStrike(500.01, dollars)).toBe(501); // target 500.51
    expect(chooseStrike(499.99, [499, 500, 501])).toBe(500); // target 500.29
    expect(chooseStrike(450.2, [450, 451])).toBe(451); // target 450.5: a tie, the higher strike
    expect(chooseStrike(380.5, [380, 381])).toBe(381); // no buffer under 400: 380.5 ties
    expect(() => chooseStrike(500, [])).toThrow(/no strikes are listed/);
  });

  test('the nearest expiry on or after the entry day (0DTE when listed)', () => {
    const listed = ['2025-01-15', '2025-01-16', '2025-01-17', '2025-01-13'];
    expect(chooseExpiry('2025-01-15', listed)).toBe('2025-01-15');
    expect(chooseExpiry('2025-01-14', listed)).toBe('2025-01-15');
    expect(chooseExpiry('2025-01-15', listed, 1)).toBe('2025-01-16');
    expect(() => chooseExpiry('2025-01-18', listed)).toThrow(/no expiry listed on or after 2025-01-18/);
  });
});

describe('when it exits', () => {
  const two = {
    contracts: 2,
    entryPremium: 5,
    profitTarget: 0.5,
    maxLossPerTrade: 200,
    minutesBeforeClose: 10,
  };

  test('at 50% of the premium paid: $5 × 100 × 2 = $1,000 paid, out at +$500', () => {
    expect(exitReason({ ...two, exitPremium: 7.49, minutesToClose: 100 })).toBeNull(); // +$498
    expect(exitReason({ ...two, exitPremium: 7.5, minutesToClose: 100 })).toBe('profit_target'); // +$500
  });

  test('at a loss beyond the per-trade maximum ($200 on the 2K preset)', () => {
    expect(exitReason({ ...two, exitPremium: 4.0, minutesToClose: 100 })).toBeNull(); // −$200: not beyond
    expect(exitReason({ ...two, exitPremium: 3.99, minutesToClose: 100 })).toBe('max_loss'); // −$202
  });

  test('10 minutes before the close, whatever the P&L', () => {
    expect(exitReason({ ...two, exitPremium: 5.1, minutesToClose: 11 })).toBeNull();
    expect(exitReason({ ...two, exitPremium: 5.1, minutesToClose: 10 })).toBe('end_of_day');
  });

  test('the presets are the strategy’s', () => {
    expect(PHASE4D_PRESETS['2k']).toMatchObject({
      contracts: 2,
      maxDailyLoss: 500,
      maxLossPerTrade: 200,
      spread: 0.03,
      slippage: 0.005,
      targetDailyPnl: 34.38,
    });
    expect(PHASE4D_PRESETS['25k']).toMatchObject({
      contracts: 25,
      maxDailyLoss: 1500,
      maxLossPerTrade: 1000,
      spread: 0.035,
      slippage: 0.008,
      targetDailyPnl: 341.77,
    });
  });
});
