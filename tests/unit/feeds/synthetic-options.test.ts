import { describe, expect, test } from 'vitest';
import { americanPrice, blackScholes } from '../../../src/main/engine/option-pricing';
import { DataFileError } from '../../../src/main/feeds/errors';
import {
  centsDown,
  centsUp,
  priceFromBars,
  SYNTHETIC_TREE_STEPS,
  syntheticOptionQuotes,
} from '../../../src/main/feeds/synthetic-options';
import { parseVixHistory, type VolatilityHistory } from '../../../src/main/feeds/vix-history';
import { newYorkWallToUtc } from '../../../src/main/market/new-york-time';
import { dayFromIsoDate } from '../../../src/main/market/nyse-holidays';
import type { BarSeries } from '../../../src/shared/domain/bars';

const YEAR_MS = 365 * 86_400_000;
const MINUTE = 60_000;

/** New York wall time on `date` as epoch ms. */
function ny(date: string, hh: number, mm: number): number {
  return newYorkWallToUtc(dayFromIsoDate(date), (hh * 60 + mm) * MINUTE);
}

// Thu 2024-03-28 is the session before Good Friday (closed); Mon 2024-04-01 follows it.
const vix: VolatilityHistory = parseVixHistory(
  [
    'DATE,OPEN,HIGH,LOW,CLOSE',
    '03/26/2024,13,14,12,13.10',
    '03/27/2024,13,14,12,12.80',
    '03/28/2024,13,14,12,13.01',
    '04/01/2024,13,14,12,13.65',
  ].join('\n'),
  'VIX_History.csv',
);

function source(spot: number | null = 512.37, spread = 0.03) {
  return syntheticOptionQuotes({
    underlying: 'SPY',
    volatility: vix,
    underlyingPrice: () => spot ?? undefined,
    rate: 0.045,
    spread,
  });
}

describe('synthetic option quotes', () => {
  test('a put is the CRR American price with σ = the previous VIX close, bid/ask around it to the cent', () => {
    // Mon 2024-04-01 11:00: the previous session is Thu 03-28 (Good Friday is closed): σ = 13.01 / 100.
    const now = ny('2024-04-01', 11, 0);
    const quote = source().quote('SPY240401P00512000', now, 511.8);
    const years = (ny('2024-04-01', 16, 0) - now) / YEAR_MS;
    const input = { right: 'put' as const, spot: 511.8, strike: 512, years, volatility: 0.1301, rate: 0.045 };
    const model = americanPrice(input, SYNTHETIC_TREE_STEPS);
    expect(quote).toBeDefined();
    expect(quote?.bid).toBe(Math.floor(model * 0.985 * 100) / 100);
    expect(quote?.ask).toBe(Math.ceil(model * 1.015 * 100) / 100);
    expect(quote?.impliedVolatility).toBe(0.1301);
    const greeks = blackScholes(input);
    expect(quote?.delta).toBeCloseTo(greeks.delta, 12);
    expect(quote?.gamma).toBeCloseTo(greeks.gamma, 12);
    expect(quote?.theta).toBeCloseTo(greeks.theta, 12);
    expect(quote?.vega).toBeCloseTo(greeks.vega, 12);
    expect(quote?.underlyingPrice).toBe(511.8);
    expect(quote?.time).toBe(now);
    // The tree agrees with a fine one to well under a cent.
    expect(Math.abs(model - americanPrice(input, 1600))).toBeLessThan(0.003);
  });

  test('a call is priced with Black–Scholes', () => {
    const now = ny('2024-03-28', 10, 5);
    const quote = source().quote('SPY240402C00515000', now, 512);
    const years = (ny('2024-04-02', 16, 0) - now) / YEAR_MS;
    const model = blackScholes({
      right: 'call',
      spot: 512,
      strike: 515,
      years,
      volatility: 0.128,
      rate: 0.045,
    });
    expect(quote?.bid).toBe(centsDown(model.price * 0.985));
    expect(quote?.ask).toBe(centsUp(model.price * 1.015));
  });

  test('at the expiry close the time to expiry is one minute; after it there is no quote', () => {
    const close = ny('2024-04-01', 16, 0);
    const quote = source().quote('SPY240401P00520000', close, 512);
    const model = americanPrice(
      { right: 'put', spot: 512, strike: 520, years: MINUTE / YEAR_MS, volatility: 0.1301, rate: 0.045 },
      SYNTHETIC_TREE_STEPS,
    );
    expect(quote?.ask).toBe(centsUp(model * 1.015));
    expect(source().quote('SPY240401P00520000', close + 1, 512)).toBeUndefined();
  });

  test('nobody bids below a cent: a far out-of-the-money put has no bid and a one-cent ask', () => {
    const quote = source().quote('SPY240401P00400000', ny('2024-04-01', 15, 0), 512);
    expect(quote?.bid).toBe(0);
    expect(quote?.ask).toBe(0.01);
  });

  test('cents: bid rounds down, ask rounds up, exact cents stay', () => {
    expect(centsDown(4.019)).toBe(4.01);
    expect(centsUp(4.011)).toBe(4.02);
    // 4.02 × 100 is 401.99999999999994 in floating point: still 4.02 both ways.
    expect(centsDown(4.02)).toBe(4.02);
    expect(centsUp(4.02)).toBe(4.02);
    expect(centsUp(1.1 * 1.005)).toBe(1.11);
  });

  test('no quote for another underlying, a non-trading expiry, or a symbol that is not OCC', () => {
    const s = source();
    const now = ny('2024-04-01', 11, 0);
    expect(s.quote('QQQ240401P00512000', now, 512)).toBeUndefined();
    expect(s.quote('SPY240329P00512000', now, 512)).toBeUndefined(); // Good Friday: never listed
    expect(s.quote('not a symbol', now, 512)).toBeUndefined();
  });

  test('a day whose previous session the VIX file lacks is refused by name', () => {
    // 2024-03-26's previous session is 03-25, which the file does not have.
    const ask = () => source().quote('SPY240326P00512000', ny('2024-03-26', 10, 0), 512);
    expect(ask).toThrow(DataFileError);
    expect(ask).toThrow(
      /VIX_History\.csv \(CBOE VIX\) has no close for 2024-03-25, the session before 2024-03-26/,
    );
  });

  test('lists one expiry per trading day from today, and $1 strikes ±20 around the spot', () => {
    const listing = source(512.37).listed('SPY', ny('2024-03-28', 10, 0));
    expect(listing?.underlying).toBe('SPY');
    expect(listing?.expiries).toHaveLength(25); // five weeks of daily expiries
    expect(listing?.expiries.slice(0, 10).map((e) => e.expiry)).toEqual([
      '2024-03-28',
      '2024-04-01', // Good Friday 03-29 and the weekend are not trading days
      '2024-04-02',
      '2024-04-03',
      '2024-04-04',
      '2024-04-05',
      '2024-04-08',
      '2024-04-09',
      '2024-04-10',
      '2024-04-11',
    ]);
    const strikes = listing?.expiries[0]?.strikes ?? [];
    expect(strikes).toHaveLength(41);
    expect(strikes[0]).toBe(492);
    expect(strikes[40]).toBe(532);
    expect(strikes[20]).toBe(512);
  });

  test("after today's close the chain starts at the next session; no price, no chain; other underlyings none", () => {
    const listing = source().listed('SPY', ny('2024-03-28', 16, 0));
    expect(listing?.expiries[0]?.expiry).toBe('2024-04-01');
    expect(source(null).listed('SPY', ny('2024-03-28', 10, 0))).toBeUndefined();
    expect(source().listed('QQQ', ny('2024-03-28', 10, 0))).toBeUndefined();
  });

  test('half-dollar steps list thousandths exactly', () => {
    const s = syntheticOptionQuotes({
      underlying: 'SPY',
      volatility: () => 0.2,
      volatilitySource: 'a test',
      underlyingPrice: () => 100.3,
      rate: 0.04,
      spread: 0.03,
      strikeStep: 0.5,
      strikeRange: 1,
      expiries: 1,
    });
    expect(s.listed('SPY', ny('2024-04-01', 10, 0))?.expiries[0]?.strikes).toEqual([
      99.5, 100, 100.5, 101, 101.5,
    ]);
    expect(s.label).toBe('synthetic option prices: CRR American puts, σ = previous VIX close from a test');
  });

  test('the label names the VIX source', () => {
    expect(source().label).toBe(
      'synthetic option prices: CRR American puts, σ = previous VIX close from VIX_History.csv (CBOE VIX)',
    );
    expect(source().synthetic).toBe(true);
  });

  test('the spot from bars is the close of the last bar closed by then', () => {
    const bars: BarSeries = {
      symbol: 'SPY',
      timeframe: '5m',
      time: Float64Array.from([0, 300_000, 600_000]),
      open: Float64Array.from([1, 2, 3]),
      high: Float64Array.from([1, 2, 3]),
      low: Float64Array.from([1, 2, 3]),
      close: Float64Array.from([10, 20, 30]),
      volume: Float64Array.from([0, 0, 0]),
      length: 3,
    };
    const at = priceFromBars(bars);
    expect(at(299_999)).toBeUndefined();
    expect(at(300_000)).toBe(10);
    expect(at(899_999)).toBe(20);
    expect(at(900_000)).toBe(30);
    // A live series replaced as it grows: the function's current one is read at each question.
    let live: BarSeries = { ...bars, length: 1 };
    const liveAt = priceFromBars(() => live);
    expect(liveAt(900_000)).toBe(10);
    live = bars;
    expect(liveAt(900_000)).toBe(30);
  });

  test('a year of 5-minute quotes of a held contract takes seconds, not minutes', () => {
    const s = source();
    // A day of 78 closes, twice each (the strategy and the mark), over 40 days: 3,120 distinct quotes.
    const start = performance.now();
    let quotes = 0;
    for (let d = 0; d < 40; d++) {
      for (let i = 1; i <= 78; i++) {
        const time = ny('2024-04-01', 9, 30) + i * 5 * MINUTE;
        const spot = 512 + Math.sin(d * 78 + i);
        for (let twice = 0; twice < 2; twice++) s.quote('SPY240401P00512000', time + d, spot);
        quotes++;
      }
    }
    const perQuoteMs = (performance.now() - start) / quotes;
    console.log(`synthetic put quote: ${(perQuoteMs * 1000).toFixed(0)} µs`);
    // 20k quotes (a year) at this rate; generous for a shared machine.
    expect(perQuoteMs * 20_000).toBeLessThan(60_000);
  });
});
