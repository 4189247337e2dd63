import { describe, expect, it } from 'vitest';
import { type EngineEvent, EventCollector, type LedgerSink } from '../../../src/main/engine/events';
import { fillList } from '../../../src/main/engine/fill-table';
import { sequentialIds } from '../../../src/main/engine/ids';
import { optionBookProblems } from '../../../src/main/engine/option-book';
import type { OptionIntent, OptionQuoteSource, OptionRiskLimits } from '../../../src/main/engine/option-desk';
import { OptionsEngine } from '../../../src/main/engine/option-engine';
import { optionSimVenue } from '../../../src/main/engine/option-sim-venue';
import { tradeList } from '../../../src/main/engine/trade-table';
import type { BarSeries } from '../../../src/shared/domain/bars';
import type { OptionDayDecision } from '../../../src/shared/domain/options';
import {
  BAR_MS,
  buyPut,
  DAY1,
  DAY2,
  PUT_D1,
  PUT_D2,
  scriptedOptions,
  scriptedQuotes,
  sellPut,
  sessionBars,
  testSession,
  underlying,
} from './option-helpers';

// Day 1's bars start 14:30, 15:00, 15:30, 16:00 (indexes 0–3) and are decided at their closes c(0)…c(3); c(3) is
// the session's close (16:30). Day 2's are indexes 4–7.
const TIMES = [...sessionBars(DAY1), ...sessionBars(DAY2)];
const c = (i: number) => TIMES[i]! + BAR_MS;
const SPY = [466, 465.5, 465, 465.25, 467, 466.5, 466, 468];

interface Setup {
  bars?: BarSeries;
  quotes: OptionQuoteSource;
  script: Readonly<Record<number, readonly OptionIntent[]>>;
  decisions?: Readonly<Record<number, OptionDayDecision>>;
  cash?: number;
  limits?: OptionRiskLimits;
  closeAtEnd?: boolean;
  sink?: LedgerSink;
}

function engineFor(setup: Setup) {
  const strategy = scriptedOptions(setup.script, setup.decisions);
  const collector = new EventCollector();
  const engine = new OptionsEngine(
    {
      underlying: setup.bars ?? underlying(TIMES, SPY),
      strategy,
      quotes: setup.quotes,
      sessionOf: testSession,
      cash: setup.cash ?? 10_000,
      ids: sequentialIds('t'),
      sink: setup.sink ?? collector,
      timeframeMs: BAR_MS,
      ...(setup.limits !== undefined && { limits: setup.limits }),
      ...(setup.closeAtEnd !== undefined && { closeAtEnd: setup.closeAtEnd }),
    },
    optionSimVenue({ slippage: 0.005, commissionPerContract: 0.65 }),
  );
  return { engine, strategy, collector };
}

const statuses = (collector: EventCollector) =>
  collector.orderEvents.map((e) => `${e.order.id} ${e.order.status}`);

describe('OptionsEngine', () => {
  it('buys at the ask with slippage and commission, marks at the bid, sells at the bid: cash and P&L by hand', () => {
    const quotes = scriptedQuotes({ [PUT_D2]: { [c(0)]: [4.9, 5], [c(1)]: [7, 7.1], [c(2)]: [7.2, 7.3] } });
    const { engine, strategy, collector } = engineFor({
      quotes,
      script: {
        0: [buyPut(PUT_D2, 2)],
        1: [sellPut(PUT_D2, 2, { exitReason: 'profit_target', reason: 'profit target 50%' })],
      },
    });
    engine.step();
    // 5.00 × 1.005 = 5.025; 5.025 × 100 × 2 = 1005 + 2 × 0.65 = 1006.30 → cash 8993.70;
    // marked at the bid 4.90: 8993.70 + 4.90 × 200 = 9973.70.
    expect(engine.book.cash).toBeCloseTo(8993.7, 9);
    expect(engine.curve.equity[0]).toBeCloseTo(9973.7, 9);
    expect(engine.curve.time[0]).toBe(TIMES[0]);
    expect(engine.holdings()).toMatchObject([
      { symbol: PUT_D2, contracts: 2, avgPremium: expect.closeTo(5.025, 12), bid: 4.9 },
    ]);
    engine.step();
    // Marked at 7.00 before the decision: 8993.70 + 1400 = 10393.70; sold at 7.00 × 0.995 = 6.965:
    // + 6.965 × 200 − 1.30 = 1391.70 → cash 10385.40; pnl (6.965 − 5.025) × 200 − 2.60 = 385.40.
    expect(strategy.seen[1]).toMatchObject({
      equity: expect.closeTo(10_393.7, 9),
      cash: expect.closeTo(8993.7, 9),
      holdings: [{ symbol: PUT_D2, contracts: 2, bid: 7 }],
      workingOrders: 0,
      dayPnl: 0,
      day: '2024-01-02',
      time: c(1),
    });
    expect(engine.book.cash).toBeCloseTo(10_385.4, 9);
    expect(engine.curve.equity[1]).toBeCloseTo(10_385.4, 9);
    expect(engine.book.dayPnl).toBeCloseTo(385.4, 9);
    expect(optionBookProblems(engine.book)).toEqual([]);

    const [trade] = tradeList(collector.trades.table());
    expect(trade).toEqual({
      symbol: PUT_D2,
      side: 'long',
      qty: 2,
      entryTime: c(0),
      entryPrice: expect.closeTo(5.025, 9),
      exitTime: c(1),
      exitPrice: expect.closeTo(6.965, 9),
      pnl: expect.closeTo(385.4, 9),
      fees: expect.closeTo(2.6, 9),
      barsHeld: 1,
      exitReason: 'profit_target',
    });
    expect(fillList(collector.fills.table())).toEqual([
      {
        executionId: 't-x1',
        orderId: 't-o1',
        symbol: PUT_D2,
        side: 'buy',
        qty: 2,
        price: expect.closeTo(5.025, 12),
        fee: expect.closeTo(1.3, 12),
        time: c(0),
        decisionPrice: expect.closeTo(5.025, 12),
      },
      {
        executionId: 't-x2',
        orderId: 't-o2',
        symbol: PUT_D2,
        side: 'sell',
        qty: 2,
        price: expect.closeTo(6.965, 12),
        fee: expect.closeTo(1.3, 12),
        time: c(1),
        decisionPrice: expect.closeTo(6.965, 12),
      },
    ]);
    expect(statuses(collector)).toEqual([
      't-o1 new',
      't-o1 accepted',
      't-o1 filled',
      't-o2 new',
      't-o2 accepted',
      't-o2 filled',
    ]);
    // The equity engine's order snapshot (toOrder): a day order with a client order id from the OCC symbol.
    expect(collector.finalOrders[1]).toEqual({
      id: 't-o2',
      clientOrderId: 't-SPY240103P00-2',
      symbol: PUT_D2,
      side: 'sell',
      type: 'market',
      role: 'exit',
      qty: 2,
      limitPrice: undefined,
      stopPrice: undefined,
      trailPercent: undefined,
      timeInForce: 'day',
      parentId: undefined,
      createdAt: c(1),
      status: 'filled',
      filledQty: 2,
      avgFillPrice: expect.closeTo(6.965, 12),
      statusReason: undefined,
      manual: undefined,
    });
    expect(collector.orderEvents[0]!.time).toBe(c(0));
  });

  it('settles a put still held at its expiry close at intrinsic value, without commission', () => {
    const quotes = scriptedQuotes({
      [PUT_D1]: { [c(0)]: [4.9, 5], [c(1)]: [5.4, 5.5], [c(2)]: [5.9, 6], [c(3)]: [4.7, 4.8] },
    });
    const { engine, collector } = engineFor({ quotes, script: { 0: [buyPut(PUT_D1, 2)] } });
    engine.run();
    // SPY closes 465.25 at 16:30: 470 − 465.25 = 4.75 per share; 8993.70 + 4.75 × 200 = 9943.70.
    // pnl (4.75 − 5.025) × 200 − 1.30 (the opening commission only) = −55 − 1.30 = −56.30.
    expect(engine.book.cash).toBeCloseTo(9943.7, 9);
    expect(engine.holdings()).toEqual([]);
    const [trade] = tradeList(collector.trades.table());
    expect(trade).toMatchObject({
      symbol: PUT_D1,
      qty: 2,
      exitTime: c(3),
      exitPrice: expect.closeTo(4.75, 9),
      fees: expect.closeTo(1.3, 9),
      pnl: expect.closeTo(-56.3, 9),
      exitReason: 'expiry',
      barsHeld: 3,
    });
    const fills = fillList(collector.fills.table());
    expect(fills[1]).toMatchObject({
      side: 'sell',
      qty: 2,
      price: expect.closeTo(4.75, 9),
      fee: 0,
      time: c(3),
    });
    const settlement = collector.finalOrders[1]!;
    expect(settlement).toMatchObject({ side: 'sell', role: 'exit', status: 'filled', timeInForce: 'day' });
    expect(engine.curve.equity[3]).toBeCloseTo(9943.7, 9);
    // Day 2 has nothing left to settle or sell.
    expect(tradeList(collector.trades.table())).toHaveLength(1);
  });

  it('expires a day order still working at the session close, and reserves its cash while it works', () => {
    const quotes = scriptedQuotes({ [PUT_D2]: { [c(1)]: [4.9, 5], [c(2)]: [4.9, 5], [c(3)]: [4.9, 5] } });
    const { engine, strategy, collector } = engineFor({
      cash: 800,
      quotes,
      script: {
        // Limit 4.00 below the ask: it rests, holding 4.00 × 100 + 0.65 = 400.65 of the 800.
        1: [buyPut(PUT_D2, 1, { type: 'limit', limitPrice: 4 })],
        // 5.025 × 100 + 0.65 = 503.15 > 800 − 400.65 = 399.35 available: denied.
        2: [buyPut(PUT_D2, 1)],
      },
    });
    engine.step();
    engine.step();
    engine.step();
    expect(strategy.seen[2]!.workingOrders).toBe(1);
    expect(collector.denials.map((d) => d.reason)).toEqual([
      `not enough cash: 1 × ${PUT_D2} at 5.0250 × 100 + $0.65 commission = $503.15, cash available $399.35`,
    ]);
    engine.step(); // bar 3 closes the session at 16:30
    expect(collector.finalOrders).toMatchObject([
      { id: 't-o1', status: 'expired', statusReason: 'day order: not filled by the close', filledQty: 0 },
    ]);
    expect(collector.orderEvents.at(-1)!.time).toBe(c(3));
    expect(engine.venue.hasWork()).toBe(false);
    expect(engine.book.cash).toBe(800);
  });

  it('denies what cannot be sent, with the reason in words and the equity engine denial shape', () => {
    const quotes = scriptedQuotes({ [PUT_D2]: { [c(0)]: [4.9, 5], [c(4)]: [4.9, 5] } });
    const { engine, collector } = engineFor({
      cash: 1000,
      limits: { maxContracts: 3 },
      quotes,
      script: {
        0: [
          buyPut(PUT_D2, 2), // 1006.30 > 1000
          buyPut(PUT_D2, 1.5),
          buyPut('QQQ240103P00400000', 1),
          buyPut('SPY 470 put', 1),
          sellPut(PUT_D2, 1),
          { ...buyPut(PUT_D2, 1), side: 'sell' },
          buyPut(PUT_D2, 4),
          buyPut(PUT_D2, 1, { type: 'limit', limitPrice: 0 }),
        ],
        4: [buyPut(PUT_D1, 1)],
      },
    });
    engine.run();
    expect(collector.denials.map((d) => d.reason)).toEqual([
      `not enough cash: 2 × ${PUT_D2} at 5.0250 × 100 + $1.30 commission = $1006.30, cash available $1000.00`,
      '1.5 contracts: options are bought and sold in whole contracts (1 or more)',
      'QQQ240103P00400000 is an option on QQQ; this run trades SPY options',
      expect.stringMatching(/^"SPY 470 put" is not an OCC option symbol/),
      `no open position in ${PUT_D2} to close`,
      `selling ${PUT_D2} to open (writing options) is not supported: the run buys to open`,
      'max contracts: 0 held or working + 4 would exceed the limit of 3',
      'a limit order needs a positive limit price per share (got 0)',
      `${PUT_D1} expired on 2024-01-02`,
    ]);
    expect(collector.denials[0]).toEqual({
      kind: 'order-denied',
      reason: expect.any(String),
      intent: {
        symbol: PUT_D2,
        side: 'buy',
        purpose: 'open',
        type: 'market',
        qty: 2,
        timeInForce: 'day',
        reason: 'test entry',
      },
      time: c(0),
    });
    expect(collector.orderEvents).toEqual([]);
    expect(engine.book.cash).toBe(1000);
  });

  it("blocks new entries once the day's realized loss reaches maxDailyLoss, and lifts it the next day", () => {
    const quotes = scriptedQuotes({
      [PUT_D2]: { [c(0)]: [4.9, 5], [c(1)]: [4.8, 4.9], [c(2)]: [4.8, 4.9], [c(4)]: [4.8, 4.9] },
    });
    const { engine, strategy, collector } = engineFor({
      limits: { maxDailyLoss: 50 },
      quotes,
      script: {
        0: [buyPut(PUT_D2, 2)],
        // 4.80 × 0.995 = 4.776: (4.776 − 5.025) × 200 − 2.60 = −49.80 − 2.60 = −52.40 ≤ −50.
        1: [sellPut(PUT_D2, 2, { exitReason: 'max_loss' })],
        2: [buyPut(PUT_D2, 1)],
        4: [buyPut(PUT_D2, 1)],
      },
    });
    engine.run();
    expect(collector.denials.map((d) => [d.time, d.reason])).toEqual([
      [
        c(2),
        "max daily loss: the day's realized P&L −$52.40 reached the −$50.00 limit; no new entries today",
      ],
    ]);
    expect(strategy.seen[2]!.dayPnl).toBeCloseTo(-52.4, 9);
    expect(strategy.seen[4]!.dayPnl).toBe(0);
    // Day 2's entry went through; PUT_D2 expires that day and SPY closes at 468: worth 470 − 468 = 2.00.
    const trades = tradeList(collector.trades.table());
    expect(trades.map((t) => t.exitReason)).toEqual(['max_loss', 'expiry']);
    expect(trades[1]!.exitPrice).toBeCloseTo(2, 9);
  });

  it('sells what is open at the end of data at the bid (end_of_data), or keeps it when closeAtEnd is false', () => {
    const bars = underlying(TIMES.slice(0, 2), SPY.slice(0, 2));
    const quotes = scriptedQuotes({ [PUT_D2]: { [c(0)]: [4.9, 5], [c(1)]: [5.5, 5.6] } });
    const { engine, collector } = engineFor({ bars, quotes, script: { 0: [buyPut(PUT_D2, 2)] } });
    engine.run();
    // 5.50 × 0.995 = 5.4725: (5.4725 − 5.025) × 200 − 2.60 = 89.50 − 2.60 = 86.90.
    expect(tradeList(collector.trades.table())).toMatchObject([
      { exitReason: 'end_of_data', exitTime: c(1), pnl: expect.closeTo(86.9, 9) },
    ]);
    expect(engine.curve.equity[1]).toBeCloseTo(10_086.9, 9);
    expect(engine.holdings()).toEqual([]);

    const kept = engineFor({ bars, quotes, closeAtEnd: false, script: { 0: [buyPut(PUT_D2, 2)] } });
    kept.engine.run();
    expect(tradeList(kept.collector.trades.table())).toEqual([]);
    // 8993.70 + 5.50 × 200 = 10093.70
    expect(kept.engine.curve.equity[1]).toBeCloseTo(10_093.7, 9);
    expect(kept.engine.holdings()).toHaveLength(1);
  });

  it('flattens now: cancels working orders and market-sells every holding (exit reason flatten)', () => {
    const quotes = scriptedQuotes({ [PUT_D2]: { [c(0)]: [4.9, 5] } });
    const { engine, collector } = engineFor({
      quotes,
      script: { 0: [buyPut(PUT_D2, 2), buyPut(PUT_D2, 1, { type: 'limit', limitPrice: 3 })] },
    });
    engine.step();
    engine.flatten('session stopped by the user', c(0));
    expect(statuses(collector).slice(-5)).toEqual([
      't-o2 accepted',
      't-o2 canceled',
      't-o3 new',
      't-o3 accepted',
      't-o3 filled',
    ]);
    // 4.90 × 0.995 = 4.8755: (4.8755 − 5.025) × 200 − 2.60 = −29.90 − 2.60 = −32.50.
    expect(tradeList(collector.trades.table())).toMatchObject([
      { exitReason: 'flatten', pnl: expect.closeTo(-32.5, 9) },
    ]);
    expect(engine.holdings()).toEqual([]);
  });

  it('closes a session whose closing bar is missing before the next session starts', () => {
    // Day 1 ends after 15:00 (bars 0–1), then day 2.
    const times = [...TIMES.slice(0, 2), ...TIMES.slice(4)];
    const bars = underlying(times, [466, 465.4, 467, 466.5, 466, 468]);
    const quotes = scriptedQuotes({ [PUT_D1]: { [c(0)]: [4.9, 5] } });
    const { engine, collector } = engineFor({
      bars,
      quotes,
      script: { 0: [buyPut(PUT_D1, 1), buyPut(PUT_D1, 1, { type: 'limit', limitPrice: 4 })] },
    });
    engine.run();
    const closeD1 = testSession(DAY1).closeTime;
    // The resting limit expires at day 1's close; the put settles at 470 − 465.40 = 4.60 (the last price known).
    expect(collector.finalOrders.map((o) => [o.id, o.status])).toEqual([
      ['t-o1', 'filled'],
      ['t-o2', 'expired'],
      ['t-o3', 'filled'],
    ]);
    expect(tradeList(collector.trades.table())).toMatchObject([
      { exitReason: 'expiry', exitTime: closeD1, exitPrice: expect.closeTo(4.6, 9) },
    ]);
  });

  it('gathers the day decisions and steps bars appended to a live series', () => {
    const full = underlying(TIMES, SPY);
    const live = { ...full, length: 4 };
    const decisions = {
      0: { day: '2024-01-02', decision: 'skipped', reason: 'high_vix', inputs: { vixClose: 26 } },
      4: { day: '2024-01-03', decision: 'no_entry', reason: 'no quote', inputs: {} },
    } as const;
    const { engine } = engineFor({ bars: live, quotes: scriptedQuotes({}), script: {}, decisions });
    let steps = 0;
    while (engine.step()) steps++;
    expect(steps).toBe(4);
    expect(engine.decisions).toEqual([decisions[0]]);
    live.length = 8;
    while (engine.step()) steps++;
    expect(steps).toBe(8);
    expect(engine.decisions).toEqual([decisions[0], decisions[4]]);
    expect(engine.curve.length).toBe(8);
    expect(Array.from(engine.curve.equity.subarray(0, 8))).toEqual(Array(8).fill(10_000));
  });

  it('is deterministic: the same inputs give the same events, curve and book', () => {
    const runOnce = () => {
      const events: unknown[] = [];
      const sink: LedgerSink = {
        record(event: EngineEvent) {
          events.push(
            event.kind === 'fill'
              ? { kind: 'fill', fill: event.fill.toFill() }
              : event.kind === 'trade'
                ? { kind: 'trade', trade: { ...event.trade } }
                : event,
          );
        },
      };
      const quotes = scriptedQuotes({
        [PUT_D1]: { [c(0)]: [4.9, 5], [c(1)]: [5.9, 6] },
        [PUT_D2]: { [c(2)]: [3, 3.1], [c(4)]: [2.5, 2.6], [c(5)]: [3.5, 3.6] },
      });
      const { engine } = engineFor({
        sink,
        quotes,
        script: {
          0: [buyPut(PUT_D1, 2)],
          1: [sellPut(PUT_D1, 2, { exitReason: 'profit_target' })],
          2: [buyPut(PUT_D2, 1, { type: 'limit', limitPrice: 2.7 })],
          4: [buyPut(PUT_D2, 3)],
          5: [sellPut(PUT_D2, 3)],
        },
      });
      engine.run();
      // Flat at the end: every dollar gained or lost is in the trades (pnl after both sides' commissions).
      expect(engine.holdings()).toEqual([]);
      const pnl = events.reduce<number>(
        (sum, e) =>
          sum + ((e as { kind: string }).kind === 'trade' ? (e as { trade: { pnl: number } }).trade.pnl : 0),
        0,
      );
      expect(engine.book.cash - 10_000).toBeCloseTo(pnl, 9);
      expect(optionBookProblems(engine.book)).toEqual([]);
      return {
        events,
        equity: Array.from(engine.curve.equity.subarray(0, engine.curve.length)),
        cash: engine.book.cash,
      };
    };
    const first = runOnce();
    expect(first.events.length).toBeGreaterThan(10);
    expect(runOnce()).toEqual(first);
  });
});

describe('OptionsEngine at the edges of a session', () => {
  it('denies an intent decided outside the regular session and asks the calendar once per session', () => {
    // A pre-market bar 13:30–14:00 (closes before the 14:30 open), then day 1's four bars.
    const times = [DAY1 + 13.5 * 3_600_000, ...sessionBars(DAY1)];
    const bars = underlying(times, [465, 466, 465.5, 465, 465.25]);
    let asked = 0;
    const strategy = scriptedOptions({ 0: [buyPut(PUT_D2, 1)] });
    const collector = new EventCollector();
    const engine = new OptionsEngine(
      {
        underlying: bars,
        strategy,
        quotes: scriptedQuotes({ [PUT_D2]: { [times[0]! + BAR_MS]: [4.9, 5] } }),
        sessionOf: (time) => {
          asked++;
          return testSession(time);
        },
        cash: 10_000,
        ids: sequentialIds('t'),
        sink: collector,
        timeframeMs: BAR_MS,
      },
      optionSimVenue({ slippage: 0.005, commissionPerContract: 0.65 }),
    );
    engine.run();
    expect(collector.denials.map((d) => d.reason)).toEqual([
      'options trade in the regular session only (the 2024-01-02 session)',
    ]);
    // The pre-market bar asks and gets day 1's session; the session's own four bars reuse it.
    expect(asked).toBe(1);
  });

  it("gives the underlying's price at a decision time (a trade's entry)", () => {
    const { engine } = engineFor({ quotes: scriptedQuotes({}), script: {} });
    expect(engine.underlyingPriceAt(c(0) - 1)).toBeUndefined();
    expect(engine.underlyingPriceAt(c(0))).toBe(SPY[0]);
    expect(engine.underlyingPriceAt(c(2) + 1)).toBe(SPY[2]);
    expect(engine.underlyingPriceAt(c(7))).toBe(SPY[7]);
  });

  it('closes only what is held and not already being sold', () => {
    const quotes = scriptedQuotes({ [PUT_D2]: { [c(0)]: [4.9, 5], [c(1)]: [0, 5.1], [c(2)]: [5, 5.1] } });
    const { engine, collector } = engineFor({
      quotes,
      script: {
        0: [buyPut(PUT_D2, 2)],
        // No bid at c(1): the sell of 5 is clipped to the 2 held and rests; a second close finds nothing left.
        1: [sellPut(PUT_D2, 5), sellPut(PUT_D2, 1)],
      },
    });
    engine.step();
    engine.step();
    expect(collector.denials.map((d) => d.reason)).toEqual([
      `the 2 contracts of ${PUT_D2} are already being sold by a working order`,
    ]);
    expect(engine.venue.workingOrders()).toMatchObject([{ qty: 2, side: 'sell' }]);
    engine.step(); // the bid comes back: 5.00 × 0.995 = 4.975
    expect(tradeList(collector.trades.table())).toMatchObject([
      { qty: 2, exitPrice: expect.closeTo(4.975, 9) },
    ]);
  });
});
