import { describe, expect, it } from 'vitest';
import type { QuoteOrigin } from '../../../src/main/feeds/option-bar-quotes';
import { compareCsv, compareRows } from '../../../src/main/research/options-real-bars';
import type { OptionTrade } from '../../../src/main/research/options-report';

const at = (iso: string) => Date.parse(iso);

function trade(symbol: string, entry: string, exit: string, entryPrice: number, pnl: number): OptionTrade {
  return {
    symbol,
    side: 'long',
    qty: 2,
    entryTime: at(entry),
    entryPrice,
    exitTime: at(exit),
    exitPrice: entryPrice + pnl / 200,
    pnl,
    fees: 2.6,
    barsHeld: 1,
    exitReason: 'profit_target',
    underlyingPrice: 580,
    expiry: '2025-03-05',
    strike: 580,
  };
}

describe('the per-trade comparison of the model and real-bar runs', () => {
  const a = 'SPY250305P00580000';
  const b = 'SPY250306P00575000';
  const model = [
    trade(a, '2025-03-05T15:05:00Z', '2025-03-05T15:30:00Z', 1.2, 100),
    trade(b, '2025-03-06T15:05:00Z', '2025-03-06T15:10:00Z', 1.1, 50),
  ];
  // The real run did not trade 6 March (e.g. its entry was denied): that day's row has the model's side only.
  const real = [trade(a, '2025-03-05T15:05:00Z', '2025-03-05T15:20:00Z', 1.4, 80)];
  const origins: QuoteOrigin[] = [
    { symbol: a, time: at('2025-03-05T15:05:00Z'), from: 'bars' },
    { symbol: a, time: at('2025-03-05T15:10:00Z'), from: 'bars' },
    { symbol: a, time: at('2025-03-05T15:15:00Z'), from: 'model', reason: 'no_recent_bar' },
    { symbol: a, time: at('2025-03-05T15:20:00Z'), from: 'bars' },
    // After the real exit: not the trade's.
    { symbol: a, time: at('2025-03-05T15:25:00Z'), from: 'bars' },
    { symbol: b, time: at('2025-03-06T15:05:00Z'), from: 'model', reason: 'not_fetched' },
  ];

  it('pairs trades by day and contract and counts the real run’s quotes while each was held', () => {
    const rows = compareRows(model, real, origins);
    expect(rows.map((r) => [r.day, r.symbol, r.quotesFromBars, r.quotesFallback])).toEqual([
      ['2025-03-05', a, 3, 1],
      ['2025-03-06', b, 0, 1],
    ]);
    expect(compareCsv(rows).split('\n')).toEqual([
      'day,symbol,model_entry_price,real_entry_price,model_exit_price,real_exit_price,model_pnl,real_pnl,model_exit_reason,real_exit_reason,quotes_from_bars,quotes_fallback',
      `2025-03-05,${a},1.2,1.4,1.7,1.8,100,80,profit_target,profit_target,3,1`,
      `2025-03-06,${b},1.1,,1.35,,50,,profit_target,,0,1`,
      '',
    ]);
  });
});
