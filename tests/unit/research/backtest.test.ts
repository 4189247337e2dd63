import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillList } from '../../../src/main/engine/fill-table';
import type { OrderIntent, StrategyContext } from '../../../src/main/engine/strategy';
import { generateMarket } from '../../../src/main/feeds/synthetic';
import { runBacktest } from '../../../src/main/research/backtest';
import { equityCsv, fillsCsv, reportJson, tradesCsv } from '../../../src/main/research/report';
import { type BacktestConfigInput, ConfigError } from '../../../src/main/strategies/run-config';
import { smaCrossover } from '../../../src/main/strategies/sma-crossover';
import type { BarSeries } from '../../../src/shared/domain/bars';
import { slippagePerUnit } from '../../../src/shared/domain/trading';
import { type Candle, DAY, run, START, seriesOf } from '../engine/helpers';

/** [open, close] → a candle half a point wider than its body. */
function body(open: number, close: number): Candle {
  return [open, Math.max(open, close) + 0.5, Math.min(open, close) - 0.5, close];
}

describe('golden SMA crossover backtest (fast 2, slow 3, 10 shares, next-open fills, no costs)', () => {
  // Hand calculation. i: open → close; SMA2, SMA3 of closes; d = SMA2 − SMA3.
  //   0: 10 → 10                     (SMAs not defined yet)
  //   1: 10 → 10                     (SMA3 not defined yet)
  //   2: 10 → 10   SMA2 10,   SMA3 10       d = 0    (first d: nothing to cross from)
  //   3: 10 → 13   SMA2 11.5, SMA3 11       d = +0.5 crosses above 0: buy at bar 4's open
  //   4: 12.5 → 13 SMA2 13,   SMA3 12       d = +1   → BUY 10 @ 12.5; equity at the close 9,875 + 130 = 10,005
  //   5: 13 → 10   SMA2 11.5, SMA3 12       d = −0.5 crosses below 0: sell at bar 6's open
  //   6: 9.5 → 9   SMA2 9.5,  SMA3 10.67    d < 0    → SELL 10 @ 9.5: trade 1 P&L 10 × (9.5 − 12.5) = −30, 2 bars
  //   7: 9 → 12    SMA2 10.5, SMA3 10.33    d = +0.17 crosses above: buy at bar 8's open
  //   8: 12.8 → 14 SMA2 13,   SMA3 11.67             → BUY 10 @ 12.8
  //   9: 14 → 15   end of data: closed at the last close 15: trade 2 P&L 10 × (15 − 12.8) = +22, 1 bar
  // End equity 10,000 − 30 + 22 = 9,992.
  const series = seriesOf('GOLD', [
    body(10, 10),
    body(10, 10),
    body(10, 10),
    body(10, 13),
    body(12.5, 13),
    body(13, 10),
    body(9.5, 9),
    body(9, 12),
    body(12.8, 14),
    body(14, 15),
  ]);
  const config: BacktestConfigInput = {
    cash: 10_000,
    strategy: { id: 'sma-crossover', params: { fast: 2, slow: 3 } },
    risk: { enabled: false, sizing: { mode: 'fixed-qty', qty: 10 } },
  };
  const result = runBacktest(config, [series]);

  it('makes the two round trips worked out by hand', () => {
    const fills = fillList(result.fills).map((f) => [f.side, f.qty, f.price, (f.time - START) / DAY]);
    expect(fills).toEqual([
      ['buy', 10, 12.5, 4],
      ['sell', 10, 9.5, 6],
      ['buy', 10, 12.8, 8],
      ['sell', 10, 15, 9],
    ]);
    // Market orders are meant to fill at the close they were decided on (bars 3, 5, 7: 13, 10, 12); the open of the
    // next bar is where they did. Slippage per share as a cost: buy 12.5 − 13 = −0.5 (better), sell 10 − 9.5 = +0.5, buy 12.8 − 12 = +0.8.
    const decided = fillList(result.fills).map((f) => f.decisionPrice);
    expect(decided.slice(0, 3)).toEqual([13, 10, 12]);
    const slips = fillList(result.fills)
      .slice(0, 3)
      .map((f) => Number(slippagePerUnit(f)!.toFixed(9)));
    expect(slips).toEqual([-0.5, 0.5, 0.8]);
    expect(result.trades).toHaveLength(2);
    expect(result.trades[0]).toMatchObject({
      side: 'long',
      qty: 10,
      entryPrice: 12.5,
      exitPrice: 9.5,
      barsHeld: 2,
    });
    expect(result.trades[0]!.pnl).toBeCloseTo(-30, 9);
    expect(result.trades[0]!.exitReason).toBe('signal');
    expect(result.trades[1]).toMatchObject({
      entryPrice: 12.8,
      exitPrice: 15,
      barsHeld: 1,
      exitReason: 'end_of_data',
    });
    expect(result.trades[1]!.pnl).toBeCloseTo(22, 9);
  });

  it('marks equity to each close', () => {
    expect(result.equity.equity[3]).toBe(10_000);
    expect(result.equity.equity[4]).toBe(10_005);
    expect(result.equity.cash[4]).toBe(9_875);
    expect(result.equity.equity[9]).toBeCloseTo(9_992, 9);
    expect(result.metrics.totalReturn).toBeCloseTo(-0.0008, 12);
    expect(result.metrics.trades).toBe(2);
  });

  it('writes the files with ISO times and the documented columns', () => {
    expect(fillsCsv(result).split('\n').slice(0, 2)).toEqual([
      'time,symbol,side,qty,price,fee,order_id',
      '2024-01-05T00:00:00.000Z,GOLD,buy,10,12.5,0,bt-o1',
    ]);
    expect(tradesCsv(result).split('\n')[1]).toBe(
      'GOLD,long,10,2024-01-05T00:00:00.000Z,12.5,2024-01-07T00:00:00.000Z,9.5,-30,0,2,signal',
    );
    expect(equityCsv(result).split('\n')[5]).toBe('2024-01-05T00:00:00.000Z,10005,9875,0');
  });
});

describe('backtest runs', () => {
  const market = generateMarket({ seed: 5, bars: 400, timeframe: '1D', symbols: ['AAA', 'BBB', 'CCC'] });
  const config: BacktestConfigInput = {
    seed: 42,
    strategy: { id: 'sma-crossover', params: { fast: 5, slow: 20, allowShort: true } },
    venue: { slippageBps: 3, commissionPerShare: 0.005, rejectProbability: 0.05, maxVolumeShare: 0.5 },
    risk: { trailingStop: 0.04, maxDailyLoss: 0.5 },
  };

  it('are deterministic: the same config and seed write byte-identical files', () => {
    const files = () => {
      const r = runBacktest(config, market);
      return [fillsCsv(r), tradesCsv(r), equityCsv(r), reportJson(r)];
    };
    const first = files();
    expect(files()).toEqual(first);
    expect(first[0]!.split('\n').length).toBeGreaterThan(10);
  });

  it('trade several symbols from one account, each with its own strategy instance', () => {
    const r = runBacktest(
      { ...config, strategies: { CCC: { id: 'sma-crossover', params: { fast: 3, slow: 8 } } } },
      market,
    );
    expect(new Set(r.trades.map((t) => t.symbol))).toEqual(new Set(['AAA', 'BBB', 'CCC']));
    expect(r.strategies['CCC']).toEqual({
      id: 'sma-crossover',
      params: { fast: 3, slow: 8, allowShort: false },
    });
    expect(r.equity.length).toBe(400);
  });

  it('a strategy parameter error names the field', () => {
    expect(() =>
      runBacktest({ strategy: { id: 'sma-crossover', params: { fast: 30, slow: 20 } } }, market),
    ).toThrow(new ConfigError('strategy.params.fast', 'must be less than the slow period (20)'));
    expect(() => runBacktest({ venue: { fill: 'later' } } as never, market)).toThrow(/^venue\.fill: /);
  });

  it('aligns bars by time across symbols whose histories start and end at different times', () => {
    const early = seriesOf(
      'EARLY',
      Array.from({ length: 6 }, () => body(10, 10)),
    );
    const late = seriesOf(
      'LATE',
      Array.from({ length: 6 }, () => body(20, 20)),
      START + 3 * DAY,
    );
    const r = runBacktest({ risk: { enabled: false, sizing: { mode: 'fixed-qty', qty: 1 } } }, [early, late]);
    expect(Array.from(r.equity.time)).toEqual(Array.from({ length: 9 }, (_, i) => START + i * DAY));
  });
});

describe('the one-market fast loop', () => {
  it('gives exactly what the general step() loop gives', () => {
    const [series] = generateMarket({ seed: 9, bars: 600, timeframe: '1D', symbols: ['ONE'] });
    const make = () => {
      const params = smaCrossover.params.parse({ fast: 4, slow: 12, allowShort: true });
      return {
        series: series!,
        strategy: smaCrossover.create(params, 'ONE'),
        warmup: smaCrossover.warmup(params),
      };
    };
    const options = {
      risk: { sizing: { mode: 'percent-equity', fraction: 0.5 }, trailingStop: 0.03 },
      venue: { slippageBps: 2, maxVolumeShare: 0.01 },
      closeAtEnd: true,
    } as const;
    const fast = run([make()], options);
    // Two markets force the general loop; the second never trades (its bars are all after the first's).
    const idle = seriesOf('IDLE', [body(5, 5)], START + 10_000 * DAY);
    const general = run([make(), { series: idle, strategy: { onBar: () => undefined } }], options);
    expect(general.fills).toEqual(fast.fills);
    // The end-of-data close is booked at the run's last bar time, which the idle market moves later.
    expect(Array.from(general.engine.curve.equity.subarray(0, 599))).toEqual(
      Array.from(fast.engine.curve.equity.subarray(0, 599)),
    );
    expect(general.engine.curve.equity[600]).toBe(fast.engine.curve.equity[599]);
    expect(fast.fills.length).toBeGreaterThan(10);
  });
});

describe('no look-ahead (property)', () => {
  /** A strategy whose decisions depend on everything it can see: bars back to the start, position and equity. */
  function nosy(symbol: string, log: string[]) {
    return {
      onBar(ctx: StrategyContext): readonly OrderIntent[] | undefined {
        const bar = ctx.bar;
        const lookback = Math.min(bar.index, 3);
        let sum = 0;
        for (let back = 0; back <= lookback; back++) sum += bar.ago('close', back) - bar.ago('open', back);
        log.push(`${bar.index}:${bar.close}:${ctx.position}:${ctx.equity.toFixed(6)}:${sum.toFixed(6)}`);
        if (sum > 1 && ctx.position <= 0)
          return [{ symbol, side: 'buy', purpose: ctx.position < 0 ? 'close' : 'open', reason: 'up' }];
        if (sum < -1 && ctx.position > 0) return [{ symbol, side: 'sell', purpose: 'close', reason: 'down' }];
        return undefined;
      },
    };
  }

  const candles = fc.array(
    fc.tuple(fc.double({ min: 50, max: 60, noNaN: true }), fc.double({ min: 50, max: 60, noNaN: true })),
    { minLength: 8, maxLength: 40 },
  );

  it('changing any bar after i never changes the decisions and fills up to i', () => {
    fc.assert(
      fc.property(candles, candles, fc.nat(), (original, replacement, cut) => {
        const k = cut % original.length;
        const changed = original.map((pair, i) =>
          i > k ? (replacement[i % replacement.length] ?? pair) : pair,
        );
        const runWith = (pairs: readonly (readonly [number, number])[]) => {
          const series: BarSeries = seriesOf(
            'X',
            pairs.map(([o, c]) => body(o, c)),
          );
          const log: string[] = [];
          const sma = smaCrossover.params.parse({ fast: 2, slow: 4 });
          const r = run(
            [
              { series, strategy: nosy('X', log) },
              {
                series: { ...series, symbol: 'Y' },
                strategy: smaCrossover.create(sma, 'Y'),
                warmup: smaCrossover.warmup(sma),
              },
            ],
            {
              risk: { sizing: { mode: 'fixed-qty', qty: 5 }, maxDailyLoss: 1 },
              venue: { fill: 'next-open' },
            },
          );
          const cutoff = series.time[k]!;
          return {
            decisions: log.slice(0, k + 1),
            fills: r.fills.filter((f) => f.time <= cutoff),
            equity: Array.from(r.engine.curve.equity.subarray(0, k + 1)),
          };
        };
        expect(runWith(changed)).toEqual(runWith(original));
      }),
      { numRuns: 300 },
    );
  });

  it('reading a bar after the current one throws', () => {
    const series = seriesOf('X', [body(10, 10), body(10, 11)]);
    let error: unknown;
    run([
      {
        series,
        strategy: {
          onBar(ctx) {
            if (ctx.bar.index === 0) {
              try {
                ctx.bar.ago('close', -1);
              } catch (caught) {
                error = caught;
              }
            }
            return undefined;
          },
        },
      },
    ]);
    expect(error).toBeInstanceOf(RangeError);
  });
});
