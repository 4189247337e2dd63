import { describe, expect, it } from 'vitest';
import type { OptionQuoteSource } from '../../../src/main/engine/option-desk';
import {
  barQuoteSource,
  lastCompletedClose,
  recordingQuotes,
} from '../../../src/main/feeds/option-bar-quotes';
import { VIXY_LABEL, vixyAsVix } from '../../../src/main/feeds/vixy-vix';

const SYMBOL = 'SPY250305P00580000';
/** 2025-03-05 (New York winter time, UTC−5) at hh:mm New York. */
const at = (hhmm: string, day = '2025-03-05') => Date.parse(`${day}T${hhmm}:00-05:00`);
const MIN = 60_000;

/** A model that quotes every contract 9.00 / 9.10, so a fallback is plain to see. */
const model: OptionQuoteSource = {
  label: 'synthetic option prices: test model',
  synthetic: true,
  listed: () => ({ underlying: 'SPY', expiries: [{ expiry: '2025-03-05', strikes: [580] }] }),
  quote: (symbol, time, underlyingPrice) =>
    symbol.startsWith('SPY') ? { symbol, bid: 9, ask: 9.1, time, underlyingPrice } : undefined,
};

// 1-minute bars starting 10:00 (close 1.00, complete at 10:01) and 10:05 (close 2.00, complete at 10:06).
const bars = new Map([
  [
    SYMBOL,
    [
      { time: at('10:00'), close: 1 },
      { time: at('10:05'), close: 2 },
    ],
  ],
]);
const source = (fetched = true) =>
  barQuoteSource({ model, bars, fetched: () => fetched, spread: 0.03, stalenessMs: 15 * MIN });

describe('quotes from option bars', () => {
  it('reads the last bar completed at or before t, never one still forming or after it', () => {
    const quotes = source();
    // 10:05:30: the 10:05 bar is still forming (it completes at 10:06): the 10:00 bar's close prices it.
    expect(quotes.quote(SYMBOL, at('10:05') + 30_000, 580)).toMatchObject({ bid: 0.98, ask: 1.02 });
    // 10:06: the 10:05 bar has completed.
    expect(quotes.quote(SYMBOL, at('10:06'), 580)).toMatchObject({ bid: 1.97, ask: 2.03 });
    // Before the first bar completes (10:00:59) there is nothing: the model's quote.
    expect(quotes.quote(SYMBOL, at('10:01') - 1, 580)).toMatchObject({ bid: 9, ask: 9.1 });
    expect(lastCompletedClose(bars.get(SYMBOL)!, at('10:06') - 1, MIN, 15 * MIN)).toBe(1);
  });

  it('uses a close for 15 minutes after its bar completed, then falls back to the model and counts why', () => {
    const quotes = source();
    // The 10:05 bar completed at 10:06: good through 10:21, stale a millisecond later.
    expect(quotes.quote(SYMBOL, at('10:21'), 580)).toMatchObject({ bid: 1.97, ask: 2.03 });
    expect(quotes.quote(SYMBOL, at('10:21') + 1, 580)).toMatchObject({ bid: 9, ask: 9.1 });
    expect(quotes.origins().map((o) => [o.from, o.reason])).toEqual([
      ['bars', undefined],
      ['model', 'no_recent_bar'],
    ]);
  });

  it('rounds as the synthetic source does: bid down, ask up, to the cent', () => {
    const quotes = barQuoteSource({
      model,
      bars: new Map([[SYMBOL, [{ time: at('10:00'), close: 1.234 }]]]),
      fetched: () => true,
      spread: 0.03,
    });
    // 1.234 × 0.985 = 1.21549 → 1.21; 1.234 × 1.015 = 1.25251 → 1.26.
    expect(quotes.quote(SYMBOL, at('10:02'), 580)).toEqual({
      symbol: SYMBOL,
      bid: 1.21,
      ask: 1.26,
      time: at('10:02'),
      underlyingPrice: 580,
    });
  });

  it('falls back before February 2024 and for a contract or day not fetched, each counted once per moment', () => {
    const early = 'SPY240131P00480000';
    const quotes = barQuoteSource({
      model,
      bars: new Map([[early, [{ time: at('10:00', '2024-01-31'), close: 3 }]]]),
      fetched: (symbol) => symbol === early,
      spread: 0.03,
    });
    // Bars or not, Alpaca has no option history before 2024-02: the model's price.
    expect(quotes.quote(early, at('10:02', '2024-01-31'), 480)).toMatchObject({ bid: 9 });
    expect(quotes.quote(SYMBOL, at('10:02'), 580)).toMatchObject({ bid: 9 });
    expect(quotes.quote(SYMBOL, at('10:02'), 580)).toMatchObject({ bid: 9 });
    expect(quotes.origins().map((o) => o.reason)).toEqual(['before_history', 'not_fetched']);
    // What the model does not quote (another root, an expired contract) has no quote from bars either.
    expect(quotes.quote('QQQ250305P00500000', at('10:02'), 500)).toBeUndefined();
    expect(quotes.label).toBe(
      'real option bars from Alpaca where they exist, synthetic elsewhere (synthetic option prices: test model)',
    );
  });

  it('a recording source notes each contract quoted, by New York trading day', () => {
    const recorded = recordingQuotes(model);
    recorded.quote(SYMBOL, at('15:59'), 580);
    recorded.quote(SYMBOL, at('10:00', '2025-03-06'), 580);
    recorded.quote('QQQ250305P00500000', at('10:00'), 500);
    expect([...recorded.byDay].map(([day, s]) => [day, [...s]])).toEqual([
      ['2025-03-05', [SYMBOL]],
      ['2025-03-06', [SYMBOL]],
    ]);
  });
});

describe('VIXY as an approximation of VIX', () => {
  const days = Array.from({ length: 25 }, (_, i) => 20_000 + i);

  it('reads 20 while VIXY holds its month, more on a spike, from closes up to the day only', () => {
    const closes = days.map((_, i) => (i === 22 ? 13 : 10));
    const vix = vixyAsVix(days, closes);
    expect(vix.source).toBe(VIXY_LABEL);
    // The first 19 sessions have no full window.
    expect([...vix.days]).toEqual(days.slice(19));
    expect(vix.closes[0]).toBeCloseTo(20, 10);
    // 13 against a 20-session mean of (19 × 10 + 13) / 20 = 10.15: 20 × 13 / 10.15 = 25.62.
    expect(vix.closes[22 - 19]).toBeCloseTo((20 * 13) / 10.15, 10);
    // The day before the spike does not see it.
    expect(vix.closes[21 - 19]).toBeCloseTo(20, 10);
  });

  it("does not drift with VIXY's roll decay: a steady fall reads a steady level", () => {
    const closes = days.map((_, i) => 50 * 0.99 ** i);
    const vix = vixyAsVix(days, closes);
    expect(vix.closes[vix.closes.length - 1]).toBeCloseTo(vix.closes[0]!, 8);
  });
});
