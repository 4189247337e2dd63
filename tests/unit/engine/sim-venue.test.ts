import { describe, expect, it } from 'vitest';
import { buy, type Candle, closeLong, DAY, flat, run, START, scripted, seriesOf } from './helpers';

const A = 'A';

function fillsOf(
  candles: readonly Candle[],
  script: Parameters<typeof scripted>[0],
  options: Parameters<typeof run>[1] = {},
) {
  const result = run([{ series: seriesOf(A, candles), strategy: scripted(script) }], options);
  return { ...result, prices: result.fills.map((f) => f.price) };
}

describe('fill models', () => {
  it('a market order decided at a close fills at the next bar’s open (default)', () => {
    const { fills } = fillsOf([[100, 101, 99, 100], [102, 103, 101, 102], flat(103)], { 0: [buy(A)] });
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ side: 'buy', qty: 10, price: 102, time: START + DAY });
  });

  it('same-bar-close fills a market order at the close it was decided on', () => {
    const { fills } = fillsOf(
      [
        [100, 101, 99, 100.5],
        [102, 103, 101, 102],
      ],
      { 0: [buy(A)] },
      {
        venue: { fill: 'same-close' },
      },
    );
    expect(fills[0]).toMatchObject({ price: 100.5, time: START });
  });

  it('latency in bars delays the arrival: decided at bar 0 with latency 2, filled at bar 3’s open', () => {
    const { fills } = fillsOf(
      [flat(100), flat(101), flat(102), flat(103), flat(104)],
      { 0: [buy(A)] },
      {
        venue: { latencyBars: 2 },
      },
    );
    expect(fills[0]).toMatchObject({ price: 103, time: START + 3 * DAY });
  });
});

describe('intrabar rules', () => {
  it('a buy limit does not fill when the low only touches it, and fills at the limit when the bar trades through', () => {
    const { prices, fills } = fillsOf([flat(100), [100, 101, 98, 99], [99, 99.5, 97, 98.5], flat(99)], {
      0: [buy(A, { type: 'limit', limitPrice: 98 })],
    });
    expect(prices).toEqual([98]);
    expect(fills[0]!.time).toBe(START + 2 * DAY);
  });

  it('a buy limit fills at a better open when the bar gaps below it', () => {
    const { prices } = fillsOf([flat(100), [97, 99, 96, 98]], {
      0: [buy(A, { type: 'limit', limitPrice: 98 })],
    });
    expect(prices).toEqual([97]);
  });

  it('a buy stop triggers on touch and fills at the stop', () => {
    const { prices } = fillsOf([flat(100), [100, 105, 99, 104]], {
      0: [buy(A, { type: 'stop', stopPrice: 105 })],
    });
    expect(prices).toEqual([105]);
  });

  it('a buy stop gapped through fills at the open', () => {
    const { prices } = fillsOf([flat(100), [107, 108, 106, 107]], {
      0: [buy(A, { type: 'stop', stopPrice: 105 })],
    });
    expect(prices).toEqual([107]);
  });

  it('a stop-limit fills at its stop when triggered inside the limit', () => {
    const { prices } = fillsOf([flat(100), [100, 105.5, 99, 105]], {
      0: [buy(A, { type: 'stop_limit', stopPrice: 105, limitPrice: 106 })],
    });
    expect(prices).toEqual([105]);
  });

  it('a stop-limit gapped beyond its limit rests as a limit and fills when a later bar trades through it', () => {
    const { prices, fills } = fillsOf([flat(100), [108, 109, 107, 108], [107, 108, 105, 107]], {
      0: [buy(A, { type: 'stop_limit', stopPrice: 105, limitPrice: 106 })],
    });
    expect(prices).toEqual([106]);
    expect(fills[0]!.time).toBe(START + 2 * DAY);
  });

  it('a trailing stop follows the high of earlier bars and fills when the low touches it', () => {
    // Entry at bar 1's open (100): stop 90. Bar 1 makes a high of 110 after the check, so the stop rises to 99.
    const { fills, trades } = fillsOf(
      [flat(100), [100, 110, 99, 108], [108, 109, 98, 100], flat(100)],
      { 0: [buy(A)] },
      {
        risk: { sizing: { mode: 'fixed-qty', qty: 10 }, stopLoss: 0, takeProfit: 0, trailingStop: 0.1 },
      },
    );
    expect(fills.map((f) => [f.side, f.price])).toEqual([
      ['buy', 100],
      ['sell', 99],
    ]);
    expect(trades[0]!.exitReason).toBe('trailing_stop');
  });

  const bracket = { sizing: { mode: 'fixed-qty', qty: 10 }, stopLoss: 0.05, takeProfit: 0.1 } as const;

  it('a stop and a target hit in the same bar: the stop fills first, and the run counts it', () => {
    const { fills, collector, engine, trades } = fillsOf(
      [flat(100), [100, 111, 94, 100], flat(100)],
      { 0: [buy(A)] },
      {
        risk: bracket,
      },
    );
    expect(fills.map((f) => [f.side, f.price])).toEqual([
      ['buy', 100],
      ['sell', 95],
    ]);
    expect(trades[0]!.exitReason).toBe('stop_loss');
    expect(engine.venue.stats.stopAndTargetSameBar).toBe(1);
    const target = collector.finalOrders.find((o) => o.role === 'take_profit');
    expect(target?.status).toBe('canceled');
  });

  it('a gap above the target fills the target at the open and cancels the stop (one-cancels-other)', () => {
    const { fills, collector, engine, trades } = fillsOf(
      [flat(100), [100, 101, 99, 100], [112, 113, 111, 112]],
      { 0: [buy(A)] },
      {
        risk: bracket,
      },
    );
    expect(fills.map((f) => f.price)).toEqual([100, 112]);
    expect(trades[0]!.exitReason).toBe('take_profit');
    expect(collector.finalOrders.find((o) => o.role === 'stop_loss')?.status).toBe('canceled');
    expect(engine.venue.stats.stopAndTargetSameBar).toBe(0);
  });

  it('a gap below the stop fills the stop at the open', () => {
    const { prices } = fillsOf(
      [flat(100), [100, 101, 99, 100], [90, 91, 89, 90]],
      { 0: [buy(A)] },
      { risk: bracket },
    );
    expect(prices).toEqual([100, 90]);
  });

  it('a signal exit cancels the bracket legs it no longer needs', () => {
    const { collector, engine, trades } = fillsOf(
      [flat(100), flat(101), flat(102), flat(103)],
      { 0: [buy(A)], 1: [closeLong(A)] },
      {
        risk: bracket,
      },
    );
    expect(trades.map((t) => t.exitReason)).toEqual(['signal']);
    expect(engine.portfolio.qty[0]).toBe(0);
    const legs = collector.finalOrders.filter((o) => o.role === 'stop_loss' || o.role === 'take_profit');
    expect(legs.map((o) => o.status)).toEqual(['canceled', 'canceled']);
  });
});

describe('costs, partial fills, rejections and time in force', () => {
  it('slippage in bps moves buys up and sells down', () => {
    const { prices } = fillsOf(
      [flat(100), flat(100), flat(200)],
      { 0: [buy(A)], 1: [closeLong(A)] },
      {
        venue: { slippageBps: 100 },
      },
    );
    expect(prices).toEqual([101, 198]);
  });

  it('slippage as a fixed amount', () => {
    const { prices } = fillsOf([flat(100), flat(100)], { 0: [buy(A)] }, { venue: { slippageAmount: 0.5 } });
    expect(prices).toEqual([100.5]);
  });

  it('commission per share, per order and as a percent of notional add up on the first fill', () => {
    const { fills, engine } = fillsOf(
      [flat(100), flat(100)],
      { 0: [buy(A)] },
      {
        venue: { commissionPerShare: 0.01, commissionPerOrder: 1, commissionPercent: 0.1 },
      },
    );
    // 10 × 0.01 + 1 + 0.1% × 1,000 = 2.1
    expect(fills[0]!.fee).toBeCloseTo(2.1, 12);
    expect(engine.portfolio.cash).toBeCloseTo(100_000 - 1_000 - 2.1, 9);
  });

  it('a share of bar volume caps each bar’s fill: 10 shares at 10% of 50 fill 5 and 5', () => {
    const { fills, engine, collector } = fillsOf(
      [flat(100, 50), flat(101, 50), flat(102, 50), flat(103, 50)],
      { 0: [buy(A)] },
      {
        venue: { maxVolumeShare: 0.1 },
      },
    );
    expect(fills.map((f) => [f.qty, f.price])).toEqual([
      [5, 101],
      [5, 102],
    ]);
    expect(engine.venue.stats.partialFills).toBe(1);
    expect(collector.orderEvents.map((e) => e.order.status)).toContain('partially_filled');
  });

  it('a per-order commission is charged once even when the order fills in parts', () => {
    const { fills } = fillsOf(
      [flat(100, 50), flat(101, 50), flat(102, 50)],
      { 0: [buy(A)] },
      {
        venue: { maxVolumeShare: 0.1, commissionPerOrder: 1 },
      },
    );
    expect(fills.map((f) => f.fee)).toEqual([1, 0]);
  });

  it('random rejections: probability 1 rejects every order and nothing fills', () => {
    const { fills, collector, engine } = fillsOf(
      [flat(100), flat(100)],
      { 0: [buy(A)] },
      {
        venue: { rejectProbability: 1 },
      },
    );
    expect(fills).toHaveLength(0);
    expect(collector.finalOrders[0]?.status).toBe('rejected');
    expect(engine.venue.stats.randomRejections).toBe(1);
  });

  it('random rejections are seeded: the same seed rejects the same orders', () => {
    const script = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [i * 2, [buy(A)]]).concat(
        Array.from({ length: 40 }, (_, i) => [i * 2 + 1, [closeLong(A)]]),
      ),
    );
    const candles = Array.from({ length: 82 }, () => flat(100));
    const statuses = (seed: number) =>
      fillsOf(candles, script, { venue: { rejectProbability: 0.5 }, seed }).collector.finalOrders.map(
        (o) => o.status,
      );
    expect(statuses(7)).toEqual(statuses(7));
    expect(statuses(7)).not.toEqual(statuses(8));
    expect(statuses(7)).toContain('rejected');
  });

  it('a day limit order not filled during its day expires', () => {
    const { fills, collector } = fillsOf([flat(100), flat(100), flat(100), [100, 100, 80, 85]], {
      0: [buy(A, { type: 'limit', limitPrice: 90, timeInForce: 'day' })],
    });
    expect(fills).toHaveLength(0);
    expect(collector.finalOrders[0]?.status).toBe('expired');
  });

  it('an immediate-or-cancel order not filled on its first bar is canceled', () => {
    const { collector } = fillsOf([flat(100), flat(100), [100, 100, 80, 85]], {
      0: [buy(A, { type: 'limit', limitPrice: 90, timeInForce: 'ioc' })],
    });
    expect(collector.finalOrders[0]?.status).toBe('canceled');
  });
});
