import { describe, expect, test } from 'vitest';
import {
  haltedText,
  haltHeadline,
  rejectionsText,
} from '../../../src/renderer/src/views/backtests/run-account';

describe('a backtest’s account and halts in words', () => {
  const stats = {
    barTimes: 2_500,
    haltedBarTimes: 2_280,
    haltedShare: 0.912,
    haltHeadline: 'Trading halted by the drawdown limit from 2017-03-02 to the end: 91% of the run',
    rejections: { 'insufficient cash': 4 },
  };

  test('the halt is a headline with the halted bars, and a metrics row with the share', () => {
    expect(haltHeadline(stats)).toBe(
      'Trading halted by the drawdown limit from 2017-03-02 to the end: 91% of the run (2,280 of 2,500 bars).',
    );
    expect(haltedText(stats)).toBe('91% (2,280 bars)');
    expect(haltHeadline({ ...stats, haltHeadline: null, haltedBarTimes: 0, haltedShare: 0 })).toBeNull();
    expect(haltedText({ ...stats, haltedBarTimes: 0, haltedShare: 0 })).toBe('none');
  });

  test('rejections are counted by reason', () => {
    expect(rejectionsText(stats)).toBe('4 (insufficient cash)');
    expect(
      rejectionsText({ rejections: { 'insufficient cash': 3, 'short sale in a cash account': 1 } }),
    ).toBe('4 (insufficient cash 3, short sale in a cash account 1)');
    expect(rejectionsText({ rejections: {} })).toBe('none');
  });

  test('a run stored before these were counted shows a dash, not zero', () => {
    expect(haltedText({ bars: 10 })).toBe('—');
    expect(rejectionsText(null)).toBe('—');
    expect(haltHeadline({ bars: 10 })).toBeNull();
  });
});
