// The tearsheet: monthly returns checked by hand, trade statistics counted by hand, and the HTML a browser can parse
// holding the run's figures and nothing fetched from elsewhere.
import { Window } from 'happy-dom';
import { describe, expect, test } from 'vitest';
import { generateMarket } from '../../../src/main/feeds/synthetic';
import { runBacktest } from '../../../src/main/research/backtest';
import { periodDayOf, pnlByPeriod } from '../../../src/main/research/pnl-periods';
import { metricRows } from '../../../src/main/research/report';
import { monthlyReturns, tearsheetOfResult, tradeStatistics } from '../../../src/main/research/tearsheet';
import type { Trade } from '../../../src/shared/domain/trading';

const date = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);

describe('monthlyReturns', () => {
  // Start 10,000. Month-end equity (daily bars):
  //   2024-01-31 10,500 → Jan +5%            2024-02-29  9,975 → Feb −5% (of 10,500)
  //   (no bar in March: an empty cell)       2024-04-30 10,773 → Apr +8% (of 9,975)
  //   2024 total: 10,773 / 10,000 − 1 = +7.73% (compounded: 1.05 × 0.95 × 1.08 = 1.0773)
  //   2025-01-31 10,234.35 → Jan −5% (of 10,773); 2025 total −5%
  const curve = {
    time: ['2024-01-02', '2024-01-31', '2024-02-29', '2024-04-30', '2025-01-31'].map(date),
    equity: [10_100, 10_500, 9_975, 10_773, 10_234.35],
  };
  const rows = monthlyReturns(pnlByPeriod(curve, [], periodDayOf('us-equities', '1D'), 10_000));

  test('one row a year, a cell a month, the year’s total compounded', () => {
    expect(rows.map((r) => r.year)).toEqual([2024, 2025]);
    const [y2024, y2025] = rows;
    expect(y2024!.months[0]).toBeCloseTo(0.05, 12);
    expect(y2024!.months[1]).toBeCloseTo(-0.05, 12);
    expect(y2024!.months[2]).toBeNull();
    expect(y2024!.months[3]).toBeCloseTo(0.08, 12);
    expect(y2024!.months.slice(4)).toEqual(new Array(8).fill(null));
    expect(y2024!.total).toBeCloseTo(0.0773, 12);
    expect(y2025!.months[0]).toBeCloseTo(-0.05, 12);
    expect(y2025!.total).toBeCloseTo(-0.05, 12);
  });
});

describe('tradeStatistics', () => {
  const trade = (
    symbol: string,
    side: Trade['side'],
    pnl: number,
    barsHeld: number,
    exitReason: Trade['exitReason'],
  ): Trade => ({
    symbol,
    side,
    qty: 10,
    entryTime: 0,
    entryPrice: 100,
    exitTime: 1,
    exitPrice: 100 + pnl / 10,
    pnl,
    fees: 1,
    barsHeld,
    exitReason,
  });

  test('counts sides, winners, losers, exits and each symbol’s net P&L', () => {
    const stats = tradeStatistics([
      trade('ACME', 'long', 120, 4, 'signal'),
      trade('ACME', 'short', -40, 2, 'stop_loss'),
      trade('BOLT', 'long', 0, 6, 'signal'),
    ]);
    expect(stats).toMatchObject({
      trades: 3,
      long: 2,
      short: 1,
      wins: 1,
      losses: 1,
      netPnl: 80,
      fees: 3,
      averageBarsHeld: 4,
    });
    expect(stats.exitReasons).toEqual([
      ['signal', 2],
      ['stop_loss', 1],
    ]);
    expect(stats.bySymbol).toEqual([
      { symbol: 'ACME', trades: 2, wins: 1, pnl: 80 },
      { symbol: 'BOLT', trades: 1, wins: 0, pnl: 0 },
    ]);
  });
});

describe('tearsheetOfResult', () => {
  const series = generateMarket({
    symbols: ['ACME'],
    seed: 7,
    bars: 400,
    timeframe: '1D',
    start: date('2023-01-02'),
  });
  const result = runBacktest({ strategy: { id: 'sma-crossover', params: { fast: 5, slow: 20 } } }, series);
  const html = tearsheetOfResult(result, 'SMA 5/20 · ACME · 1D', 'synthetic market, seed 7');
  const doc = new new Window().DOMParser().parseFromString(html, 'text/html');

  test('is one HTML document with its styles and charts inline: no script, no external resource', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/src="http|href="http|<link|@import|url\(/i);
    expect(doc.querySelectorAll('style')).toHaveLength(1);
    expect(doc.querySelectorAll('svg')).toHaveLength(2);
    expect(doc.querySelector('svg polyline.own')?.getAttribute('points')?.split(' ').length).toBeGreaterThan(
      100,
    );
    expect(doc.querySelector('h1')?.textContent).toBe('SMA 5/20 · ACME · 1D');
  });

  test('holds the metrics beside buy-and-hold as the CLI prints them', () => {
    const table = doc.querySelector('table[aria-label="Metrics"]')!;
    const shown = [...table.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.children].map((cell) => cell.textContent),
    );
    expect(shown).toEqual(metricRows(result.metrics, result.benchmarkMetrics));
    expect(shown.find((r) => r[0] === 'Total return')![1]).toBe(
      `${(result.metrics.totalReturn! * 100).toFixed(2)}%`,
    );
  });

  test('has a row per year of the run in the monthly table and the round trips counted', () => {
    const years = [...doc.querySelectorAll('table[aria-label="Monthly returns"] tbody th')].map(
      (th) => th.textContent,
    );
    expect(years).toEqual(['2023', '2024']);
    const stats = doc.querySelector('table[aria-label="Trade statistics"]')!.textContent!;
    expect(stats).toContain(`Round trips${result.trades.length}`);
    expect(result.trades.length).toBeGreaterThan(0);
  });
});
