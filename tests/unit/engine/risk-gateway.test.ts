import { describe, expect, it } from 'vitest';
import type { RiskConfigInput } from '../../../src/main/engine/risk-gateway';
import { RiskConfigSchema } from '../../../src/main/engine/risk-gateway';
import type { OrderIntent } from '../../../src/main/engine/strategy';
import { buy, type Candle, closeLong, DAY, flat, run, START, scripted, sell, seriesOf } from './helpers';

const A = 'A';

function entry(
  risk: RiskConfigInput,
  candles: readonly Candle[] = [flat(100), flat(100)],
  script: Readonly<Record<number, readonly OrderIntent[]>> = { 0: [buy(A)] },
) {
  const result = run([{ series: seriesOf(A, candles), strategy: scripted(script) }], { risk });
  return { ...result, qty: result.fills[0]?.qty, reasons: result.collector.denials.map((d) => d.reason) };
}

describe('RiskConfig', () => {
  it('has the documented defaults', () => {
    const config = RiskConfigSchema.parse({});
    expect(config).toMatchObject({
      enabled: true,
      sizing: { mode: 'risk-based' },
      riskPerTrade: 0.02,
      stopLoss: 0.05,
      takeProfit: 0.1,
      maxOpenPositions: 3,
      maxDailyLoss: 0.05,
      maxGrossExposure: 1,
    });
  });

  it('names the field of a bad value', () => {
    const parsed = RiskConfigSchema.safeParse({ maxOpenPositions: 0 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['maxOpenPositions']);
  });
});

describe('sizing modes', () => {
  it('fixed quantity', () => {
    expect(entry({ sizing: { mode: 'fixed-qty', qty: 7 } }).qty).toBe(7);
  });

  it('fixed notional: 5,000 at 100 is 50 shares', () => {
    expect(entry({ sizing: { mode: 'fixed-notional', notional: 5_000 } }).qty).toBe(50);
  });

  it('percent of equity: 10% of 100,000 at 100 is 100 shares', () => {
    expect(entry({ sizing: { mode: 'percent-equity', fraction: 0.1 } }).qty).toBe(100);
  });

  it('risk-based: 2% of 100,000 over a 5% stop distance at 100 (5) is 400 shares', () => {
    expect(entry({ sizing: { mode: 'risk-based' } }).qty).toBe(400);
  });

  it('risk-based uses an intent’s own stop price: 2,000 over a distance of 2 is 1,000 shares', () => {
    expect(
      entry({ maxGrossExposure: 10 }, [flat(100), flat(100)], { 0: [buy(A, { stopLoss: 98 })] }).qty,
    ).toBe(1000);
  });

  it('ATR-based: 2,000 risked over 2 × ATR(3) of 2 is 500 shares', () => {
    // Bars with a range of 2 and no gaps: every true range is 2.
    const candles: Candle[] = [
      [100, 101, 99, 100],
      [100, 101, 99, 100],
      [100, 101, 99, 100],
      [100, 101, 99, 100],
      [100, 101, 99, 100],
    ];
    const sized = entry({ sizing: { mode: 'atr', period: 3, multiple: 2 } }, candles, { 3: [buy(A)] });
    expect(sized.qty).toBe(500);
  });

  it('ATR-based without enough history is denied, not thrown', () => {
    const sized = entry({ sizing: { mode: 'atr', period: 14, multiple: 2 } });
    expect(sized.fills).toHaveLength(0);
    expect(sized.reasons).toEqual(['ATR sizing needs 15 bars of history and a non-zero range']);
  });
});

describe('limits: each denial is an event with its reason', () => {
  it('max open positions: a fourth symbol is denied', () => {
    const symbols = ['A', 'B', 'C', 'D'];
    const { collector, fills } = run(
      symbols.map((s) => ({
        series: seriesOf(s, [flat(10), flat(10)]),
        strategy: scripted({ 0: [buy(s)] }),
      })),
      { risk: { sizing: { mode: 'fixed-qty', qty: 1 } } },
    );
    expect(fills.map((f) => f.symbol)).toEqual(['A', 'B', 'C']);
    expect(collector.denials).toHaveLength(1);
    expect(collector.denials[0]).toMatchObject({
      kind: 'order-denied',
      reason: 'max open positions (3) reached',
    });
    expect(collector.denials[0]!.intent.symbol).toBe('D');
  });

  it('max position size shrinks an entry to fit and denies one that cannot fit', () => {
    const risk = { sizing: { mode: 'fixed-qty', qty: 30 }, maxPositionQty: 40 } as const;
    const { fills, reasons } = entry(risk, [flat(10), flat(10), flat(10), flat(10)], {
      0: [buy(A)],
      1: [buy(A)],
      2: [buy(A)],
    });
    expect(fills.map((f) => f.qty)).toEqual([30, 10]);
    expect(reasons).toEqual(['max position size (40) leaves no room']);
  });

  it('the gross exposure cap shrinks the size to what equity allows', () => {
    // 100,000 equity at 100 a share: at most 1,000 shares under a 100% cap.
    expect(entry({ sizing: { mode: 'fixed-qty', qty: 5_000 } }).qty).toBe(1000);
    expect(entry({ sizing: { mode: 'fixed-qty', qty: 5_000 }, maxGrossExposure: 0.5 }).qty).toBe(500);
  });

  it('the gross exposure cap denies an entry when exposure is already full', () => {
    const { reasons } = entry(
      { sizing: { mode: 'fixed-qty', qty: 1_000 }, maxOpenPositions: 5 },
      [flat(100), flat(100), flat(100)],
      {
        0: [buy(A)],
        1: [buy(A)],
      },
    );
    expect(reasons).toEqual(['gross exposure cap (100% of equity) leaves no room']);
  });

  it('the per-trade max loss caps the size by the stop distance: 500 over 5 is 100 shares', () => {
    expect(entry({ sizing: { mode: 'fixed-qty', qty: 300 }, maxLossPerTrade: 500 }).qty).toBe(100);
  });

  it('an open against an existing position is denied: close it first', () => {
    const { reasons } = entry({ sizing: { mode: 'fixed-qty', qty: 1 } }, [flat(100), flat(100), flat(100)], {
      0: [buy(A)],
      1: [sell(A)],
    });
    expect(reasons).toEqual(['would reverse the open long position; close it first']);
  });

  it('a close without a position is denied', () => {
    const { reasons } = entry({}, [flat(100), flat(100)], { 0: [closeLong(A)] });
    expect(reasons).toEqual(['no open long position to close']);
  });

  it('risk-based sizing without any stop is denied', () => {
    expect(entry({ stopLoss: 0 }).reasons).toEqual(['risk-based sizing needs a stop-loss distance']);
  });
});

describe('trading states', () => {
  // Long 1,000 shares at 100 (the whole account); a 10% drop on bar 2 is a 10% daily loss.
  const crash: Candle[] = [flat(100), flat(100), flat(90), flat(90), flat(90)];
  const allIn = { sizing: { mode: 'fixed-qty', qty: 1_000 }, stopLoss: 0.5, takeProfit: 0 } as const;

  it('a daily-loss halt denies everything for the rest of that trading day, and trading resumes the next day', () => {
    // Hourly bars: day 1 at 10:00–13:00, day 2 at 10:00–11:00 (UTC days: the engine's default trading day).
    const HOUR = 3_600_000;
    const day1 = START + 10 * HOUR;
    const series = seriesOf(A, [flat(100), flat(100), flat(90), flat(90), flat(90), flat(90)], day1, HOUR);
    series.time[4] = START + DAY + 10 * HOUR;
    series.time[5] = START + DAY + 11 * HOUR;
    const result = run(
      [{ series, strategy: scripted({ 0: [buy(A)], 3: [closeLong(A)], 4: [closeLong(A)] }) }],
      { risk: allIn },
    );
    const { collector, engine } = result;
    // Halted at 12:00; the 13:00 exit is denied; at the next day's first bar the halt lifts and the exit goes.
    expect(collector.riskStates.map((c) => [c.from, c.to, c.time, c.limit])).toEqual([
      ['ACTIVE', 'HALTED', day1 + 2 * HOUR, 'daily-loss'],
      ['HALTED', 'ACTIVE', START + DAY + 10 * HOUR, undefined],
    ]);
    expect(collector.riskStates[0]!.reason).toBe('daily loss 10.00% reached the 5% limit');
    expect(collector.riskStates[1]!.reason).toBe('new trading day');
    expect(collector.denials.map((d) => d.reason)).toEqual([
      'trading halted: daily loss 10.00% reached the 5% limit',
    ]);
    expect(result.fills.map((f) => [f.side, f.time])).toEqual([
      ['buy', day1 + HOUR],
      ['sell', START + DAY + 11 * HOUR],
    ]);
    expect(engine.riskState).toBe('ACTIVE');
  });

  it('a drawdown halt lasts across days until a reset, which re-arms the limits from the equity then', () => {
    // Daily bars: the 10% fall on bar 2 trips the 8% drawdown limit; nothing lifts it on the days after.
    const { engine, collector, reasons } = entry({ ...allIn, maxDailyLoss: 1, maxDrawdown: 0.08 }, crash, {
      0: [buy(A)],
      3: [closeLong(A)],
      4: [closeLong(A)],
    });
    expect(engine.riskState).toBe('HALTED');
    expect(collector.riskStates.map((c) => [c.to, c.limit])).toEqual([['HALTED', 'drawdown']]);
    expect(reasons).toEqual([
      'trading halted: drawdown reached the 8% limit',
      'trading halted: drawdown reached the 8% limit',
    ]);
    engine.gateway.reset(0);
    expect(engine.riskState).toBe('ACTIVE');
    expect(collector.riskStates.at(-1)).toMatchObject({
      from: 'HALTED',
      to: 'ACTIVE',
      reason: 'reset by the user',
    });
    // 100,000 − 1,000 × 10 = 90,000: the day loss and the drawdown are now measured from there.
    expect(engine.gateway.limitBasis).toEqual({ dayStartEquity: 90_000, peakEquity: 90_000 });
  });

  it('REDUCING denies new entries but lets exits through, and lifts at the next day', () => {
    const { engine, collector, fills, reasons } = entry(
      { ...allIn, maxDailyLoss: 0.2, reduceAtDailyLoss: 0.05, maxOpenPositions: 3 },
      [flat(100), flat(100), flat(90), flat(90), flat(90)],
      { 0: [buy(A)], 2: [buy(A), closeLong(A)] },
    );
    expect(reasons).toEqual([expect.stringMatching(/^REDUCING: only orders that reduce exposure/)]);
    expect(fills.map((f) => f.side)).toEqual(['buy', 'sell']);
    expect(collector.riskStates.map((c) => c.to)).toEqual(['REDUCING', 'ACTIVE']);
    expect(engine.riskState).toBe('ACTIVE');
  });

  it('no-risk mode sizes intents and attaches no stops or targets, whatever the losses', () => {
    const { collector, engine } = entry({ ...allIn, enabled: false }, crash, { 0: [buy(A)] });
    expect(collector.finalOrders.filter((o) => o.role !== 'entry')).toHaveLength(0);
    expect(engine.riskState).toBe('ACTIVE');
  });
});
