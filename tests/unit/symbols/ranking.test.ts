import { describe, expect, test } from 'vitest';
import { dayChange, matchRank, rankSymbols, type SymbolInfo } from '../../../src/shared/domain/symbols';

const info = (symbol: string, name: string, tradable = true): SymbolInfo => ({
  symbol,
  name,
  source: 'alpaca',
  assetClass: 'us_equity',
  exchange: 'NASDAQ',
  tradable,
  shortable: true,
  fractionable: true,
});

const LIST = [
  info('AAPB', 'GraniteShares 2x Long AAPL Daily ETF'),
  info('MSFT', 'Microsoft Corporation Common Stock'),
  info('AAPL', 'Apple Inc. Common Stock'),
  info('APLE', 'Apple Hospitality REIT, Inc.'),
  info('AA', 'Alcoa Corporation'),
  info('PINE', 'Alpine Income Property Trust'),
  info('AAPD', 'Direxion Daily AAPL Bear 1X Shares', false),
];

describe('symbol ranking', () => {
  test('the exact ticker comes first, then ticker prefixes (shorter first), then names', () => {
    const ranked = rankSymbols('aa', LIST, 10).map((s) => s.symbol);
    expect(ranked).toEqual(['AA', 'AAPB', 'AAPL', 'AAPD']);
  });

  test('a ticker prefix beats a name match: "aapl" finds AAPL first, the AAPL ETFs by name after', () => {
    expect(rankSymbols('aapl', LIST, 10).map((s) => s.symbol)).toEqual(['AAPL', 'AAPB', 'AAPD']);
  });

  test('names match by the start of each word, every query word must match', () => {
    expect(rankSymbols('apple', LIST, 10).map((s) => s.symbol)).toEqual(['AAPL', 'APLE']);
    expect(rankSymbols('apple hosp', LIST, 10).map((s) => s.symbol)).toEqual(['APLE']);
    expect(rankSymbols('micro corp', LIST, 10).map((s) => s.symbol)).toEqual(['MSFT']);
    // "pine" is a ticker; "alpine" contains it only inside a word, so Alcoa etc. do not match.
    expect(rankSymbols('pine', LIST, 10).map((s) => s.symbol)).toEqual(['PINE']);
  });

  test('within a rank, tradable symbols come before untradable ones', () => {
    const ranked = rankSymbols('aap', [info('AAPD', 'x', false), info('AAPB', 'y')], 10);
    expect(ranked.map((s) => s.symbol)).toEqual(['AAPB', 'AAPD']);
  });

  test('an empty query lists nothing; the limit cuts the tail', () => {
    expect(rankSymbols('  ', LIST, 10)).toEqual([]);
    expect(rankSymbols('a', LIST, 2).map((s) => s.symbol)).toEqual(['AA', 'AAPB']);
    expect(matchRank('zzz', 'AAPL', 'Apple')).toBeNull();
  });

  test('day change: last minus the previous close, in dollars and percent', () => {
    expect(dayChange(105, 100)).toEqual({ change: 5, changePct: 5 });
    expect(dayChange(95, null)).toEqual({ change: null, changePct: null });
  });
});
