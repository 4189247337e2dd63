// Alpaca paper options against the fake through the real SDK: the SPY chain listed and quoted, the live quote
// source refreshed, option orders through AlpacaOptionVenue (the equity venue's journaled path: client order ids,
// stream updates applied as events) — a limit buy of 2 contracts filled into a position, a market sell to close,
// refusals (fractional contracts, gtc, options level 1) as rejections with Alpaca's reason, day expiry at the
// close — the level-1 account failing validation, and a restart (new client and broker) adopting the position.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeAlpaca } from '../../../dev/fake-alpaca/server';
import { AlpacaBroker } from '../../../src/main/adapters/alpaca/broker';
import { createAlpacaClient } from '../../../src/main/adapters/alpaca/client';
import { AlpacaOptionQuotes } from '../../../src/main/adapters/alpaca/option-quotes';
import { validateOptions } from '../../../src/main/adapters/alpaca/option-validate';
import {
  type AlpacaOptionVenue,
  alpacaOptionVenueFactory,
} from '../../../src/main/adapters/alpaca/option-venue';
import { AlpacaOptionData } from '../../../src/main/adapters/alpaca/options';
import { adoptOptionPositions, prepareAlpacaOptionStart } from '../../../src/main/adapters/alpaca/reconcile';
import { EventCollector } from '../../../src/main/engine/events';
import { sequentialIds } from '../../../src/main/engine/ids';
import type {
  OptionIntent,
  OptionStrategy,
  OptionStrategyContext,
} from '../../../src/main/engine/option-desk';
import { OptionsEngine } from '../../../src/main/engine/option-engine';
import { OrderManager, OrderTicket, type WorkingOrder } from '../../../src/main/engine/orders';
import { tradeList } from '../../../src/main/engine/trade-table';
import type { VenueReports } from '../../../src/main/engine/venue';
import { sessionOnDay } from '../../../src/main/market/calendar';
import type { BarSeries } from '../../../src/shared/domain/bars';
import type { OptionQuote } from '../../../src/shared/domain/options';
import { eventually } from './alpaca-session-helpers';
import { fakeJson, lastPrice, sdk, startFake } from './fake-alpaca-helpers';

// The fake's clock starts on Wednesday 2025-03-05 at 10:00 New York.
const DAY = '2025-03-05';

/** The engine's side of VenueReports, as the OptionsEngine keeps it: orders moved through the state machine. */
class RecordingReports implements VenueReports {
  readonly manager: OrderManager;
  /** `firstNumber`: order numbers go on from there (a restarted run keeps its counts, so its ids stay unique). */
  constructor(firstNumber = 0) {
    this.manager = new OrderManager(sequentialIds('ot', firstNumber), 1);
  }
  readonly log: string[] = [];
  onAccepted(order: WorkingOrder): void {
    this.manager.transition(order, 'accepted');
    this.log.push(`accepted ${order.clientOrderId}`);
  }
  onRejected(order: WorkingOrder, reason: string): void {
    this.manager.transition(order, 'rejected', reason);
    this.log.push(`rejected ${order.clientOrderId}: ${reason}`);
  }
  onFill(order: WorkingOrder, qty: number, price: number, fee: number): void {
    this.manager.recordFill(order, qty, price, fee);
    this.log.push(`fill ${order.clientOrderId} ${qty} @ ${price}`);
  }
  onCanceled(order: WorkingOrder, reason: string): void {
    this.manager.transition(order, 'canceled', reason);
    this.log.push(`canceled ${order.clientOrderId}: ${reason}`);
  }
  onExpired(order: WorkingOrder, reason: string): void {
    this.manager.transition(order, 'expired', reason);
    this.log.push(`expired ${order.clientOrderId}: ${reason}`);
  }
}

let fake: FakeAlpaca;
let broker: AlpacaBroker;
let reports: RecordingReports;
let venue: AlpacaOptionVenue;
let data: AlpacaOptionData;
const notes: string[] = [];

/** The run's loop in miniature: broker events applied in order as they arrive (AlpacaRun journals them first). */
function drain(): void {
  for (const event of venue.orders.takeEvents()) venue.orders.apply(event);
}

async function connect(firstOrderNumber = 0): Promise<void> {
  broker = new AlpacaBroker({
    alpaca: sdk(fake, fake.keys.paper, { timeoutMs: 2_000, retry: false }),
    streamUrl: fake.streamUrls.trading,
    lookupDelayMs: 10,
    reconnect: { initialMs: 50, maxMs: 100 },
  });
  reports = new RecordingReports(firstOrderNumber);
  venue = alpacaOptionVenueFactory(broker, {
    wake: () => queueMicrotask(drain),
    note: (_level, message) => notes.push(message),
    now: () => fake.broker.now(),
  })(reports, new AlpacaOptionQuotes({ data }));
  await broker.connect({
    onTradeUpdate: (u) =>
      venue.orders.push({
        kind: 'update',
        order: u.order,
        ...(u.execution !== undefined && { execution: u.execution }),
        time: u.time,
      }),
    onStreamState: () => {},
    onResyncDue: () => {},
  });
}

beforeEach(async () => {
  fake = await startFake({ seed: 11 });
  data = new AlpacaOptionData({ alpaca: sdk(fake) });
  notes.length = 0;
  await connect();
});

afterEach(async () => {
  broker.close();
  await fake.close();
});

/** An option order as the OptionsEngine makes one from an OptionIntent (symbolIndex 0, a day order). */
function optionOrder(
  symbol: string,
  side: 'buy' | 'sell',
  contracts: number,
  limitPrice?: number,
  timeInForce: 'day' | 'gtc' = 'day',
): WorkingOrder {
  const ticket = new OrderTicket();
  ticket.symbol = symbol;
  ticket.symbolIndex = 0;
  ticket.side = side;
  ticket.type = limitPrice === undefined ? 'market' : 'limit';
  ticket.role = side === 'buy' ? 'entry' : 'exit';
  ticket.qty = contracts;
  ticket.limitPrice = limitPrice;
  ticket.timeInForce = timeInForce;
  ticket.reason = side === 'buy' ? 'phase 4D entry' : 'profit target';
  if (side === 'sell') ticket.exitReason = 'profit_target';
  ticket.referencePrice = limitPrice ?? 1;
  ticket.time = fake.broker.now();
  return reports.manager.create(ticket);
}

/** The put nearest the money expiring on `expiry` (today by default), with its quote. */
async function atTheMoneyPut(expiry = DAY): Promise<OptionQuote> {
  const spot = lastPrice(fake, 'SPY');
  const quotes = await data.chain(
    { underlying: 'SPY', from: expiry, right: 'put', strikeFrom: spot - 3, strikeTo: spot + 3 },
    spot,
  );
  expect(quotes.length).toBeGreaterThan(0);
  return quotes.reduce((best, q) =>
    Math.abs(strikeOf(q.symbol) - spot) < Math.abs(strikeOf(best.symbol) - spot) ? q : best,
  );
}
const strikeOf = (symbol: string) => Number(symbol.slice(-8)) / 1000;

function send(order: WorkingOrder): void {
  venue.submit(order, fake.broker.now(), lastPrice(fake, 'SPY'));
  venue.orders.flush();
}

/** Sends the order and waits until Alpaca holds it (the fake's clock only moves when a test advances it). */
async function sendHeld(order: WorkingOrder): Promise<void> {
  send(order);
  await eventually(`${order.clientOrderId} at Alpaca`, () => order.status !== 'new');
}

describe('Alpaca option data from the fake', () => {
  it('lists the SPY put chain from today for a week: daily expiries, $1 strikes around the spot', async () => {
    const listing = await data.listing({ underlying: 'SPY', from: DAY, to: '2025-03-12', right: 'put' });
    const expiries = listing.expiries.map((e) => e.expiry);
    expect(expiries).toEqual([
      '2025-03-05',
      '2025-03-06',
      '2025-03-07',
      '2025-03-10',
      '2025-03-11',
      '2025-03-12',
    ]);
    const today = listing.expiries[0]!.strikes;
    const spot = lastPrice(fake, 'SPY');
    expect(today[0]).toBeLessThan(spot - 20);
    expect(today[today.length - 1]).toBeGreaterThan(spot + 20);
    expect(today.every((k, i) => i === 0 || k - today[i - 1]! === 1)).toBe(true);
    await expect(data.listing({ underlying: 'SPY', from: '2025-03-08', to: '2025-03-09' })).rejects.toThrow(
      'Alpaca lists no SPY option contracts expiring 2025-03-08 to 2025-03-09',
    );
    const symbol = `SPY250305P${String(today[5]! * 1000).padStart(8, '0')}`;
    expect(await data.contract(symbol)).toMatchObject({
      symbol,
      expiry: DAY,
      strike: today[5],
      multiplier: 100,
    });
    await expect(data.contract('SPY250305P09990000')).rejects.toThrow(
      'Alpaca has no option contract SPY250305P09990000',
    );
  });

  it('the quote source refreshes from snapshots: the listing for the day, quotes that follow SPY', async () => {
    const quotes = new AlpacaOptionQuotes({ data, right: 'put' });
    const put = await atTheMoneyPut();
    const spot = lastPrice(fake, 'SPY');
    await quotes.refresh('SPY', DAY, spot);
    const now = fake.broker.now();
    expect(quotes.listed('SPY', now)?.expiries[0]?.expiry).toBe(DAY);
    const first = quotes.quote(put.symbol, now, spot)!;
    expect(first.bid).toBeGreaterThan(0);
    expect(first.ask).toBeGreaterThan(first.bid);
    expect(first.delta).toBeLessThan(0);
    expect(first.impliedVolatility).toBeGreaterThan(0);
    fake.advance(30);
    const later = lastPrice(fake, 'SPY');
    await quotes.refresh('SPY', DAY, later);
    const second = quotes.quote(put.symbol, fake.broker.now(), later)!;
    expect(second.time).toBeGreaterThan(first.time);
    expect(second.underlyingPrice).toBe(later);
    // A put is worth more when SPY is lower (a half-hour of time decay aside, which is far smaller than a $ move).
    if (Math.abs(later - spot) > 0.5) expect(Math.sign(second.bid - first.bid)).toBe(Math.sign(spot - later));
  });

  it('option bars of a contract are read for the session so far', async () => {
    const put = await atTheMoneyPut();
    fake.advance(15);
    const now = fake.broker.now();
    const bars = await data.bars([put.symbol], '5Min', Date.parse('2025-03-05T14:30:00Z'), now);
    const series = bars[put.symbol] ?? [];
    expect(series.length).toBeGreaterThan(0);
    for (const bar of series) expect(bar.low).toBeLessThanOrEqual(bar.high);
  });
});

describe('AlpacaOptionVenue against the fake', () => {
  it('buys 2 contracts with a limit, the fill is reported, the account holds them; a market sell closes them', async () => {
    const put = await atTheMoneyPut();
    const buy = optionOrder(put.symbol, 'buy', 2, Math.round((put.ask + 0.05) * 100) / 100);
    await sendHeld(buy);
    fake.advance(1);
    await eventually('the buy filled', () => buy.status === 'filled');
    expect(buy.filledQty).toBe(2);
    expect(buy.avgFillPrice).toBeGreaterThan(0);
    expect(buy.avgFillPrice).toBeLessThanOrEqual(buy.limitPrice!);
    const positions = await broker.positions();
    const held = positions.find((p) => p.symbol === put.symbol)!;
    expect(held).toMatchObject({ qty: 2, assetClass: 'us_option', multiplier: 100 });
    expect(held.avgEntryPrice).toBeCloseTo(buy.avgFillPrice, 6);
    // The order Alpaca holds: a day limit for whole contracts, premium in cents, our client order id.
    const placed = await broker.orderByClientId(buy.clientOrderId);
    expect(placed).toMatchObject({ symbol: put.symbol, qty: 2, type: 'limit', status: 'filled' });

    const sell = optionOrder(put.symbol, 'sell', 2);
    await sendHeld(sell);
    fake.advance(1);
    await eventually('the sell filled', () => sell.status === 'filled');
    expect(sell.avgFillPrice).toBeGreaterThan(0);
    expect((await broker.positions()).some((p) => p.symbol === put.symbol)).toBe(false);
    expect(reports.log.filter((l) => l.startsWith('fill'))).toHaveLength(2);
    expect(venue.workingOrders()).toHaveLength(0);
  });

  it('a resend after a lost answer finds the order by its client order id instead of placing it twice', async () => {
    const put = await atTheMoneyPut();
    fake.addFault({ kind: 'drop', method: 'POST', path: '/v2/orders', times: 1 });
    const buy = optionOrder(put.symbol, 'buy', 1, Math.round((put.ask + 0.05) * 100) / 100);
    send(buy);
    await eventually('the buy found by its id', () =>
      notes.some((n) => n.includes(`${buy.clientOrderId}: the answer was lost; found at Alpaca`)),
    );
    const account = await fakeJson(fake, 'GET', `/__fake/accounts/${fake.keys.paper.keyId}`);
    const orders = (account.body as { orders: { client_order_id: string }[] }).orders;
    expect(orders.filter((o) => o.client_order_id === buy.clientOrderId)).toHaveLength(1);
  });

  it('fractional contracts and gtc are refused by Alpaca, and the refusal reaches the run with its reason', async () => {
    const put = await atTheMoneyPut();
    const fractional = optionOrder(put.symbol, 'buy', 1.5, put.ask);
    send(fractional);
    await eventually('the refusal', () => fractional.status === 'rejected');
    expect(fractional.statusReason).toBe('Alpaca refused the order: qty must be integer');
    // The venue sends every option order as a day order (Alpaca takes no other for options) …
    const gtcIntent = optionOrder(put.symbol, 'buy', 1, Math.round(put.bid * 50) / 100, 'gtc');
    send(gtcIntent);
    await eventually('the day order accepted', () => gtcIntent.status === 'accepted');
    expect((await broker.orderByClientId(gtcIntent.clientOrderId))?.status).toBe('new');
    // … and the broker path under it hands Alpaca's refusal of a gtc option order back in its words.
    const refused = await broker.submit({
      clientOrderId: 'gtc-direct',
      symbol: put.symbol,
      side: 'buy',
      type: 'limit',
      qty: 1,
      limitPrice: put.bid,
      timeInForce: 'gtc',
    });
    expect(refused).toEqual({
      kind: 'refused',
      status: 422,
      reason: 'order_time_in_force provided not supported for options trading',
    });
    // A stop order never leaves MarketBoss: Alpaca takes market and limit for options.
    const ticket = new OrderTicket();
    Object.assign(ticket, {
      symbol: put.symbol,
      side: 'sell',
      type: 'stop',
      role: 'exit',
      qty: 1,
      stopPrice: 1,
    });
    ticket.timeInForce = 'day';
    ticket.referencePrice = 1;
    const stop = reports.manager.create(ticket);
    send(stop);
    expect(stop.statusReason).toBe('Alpaca takes market and limit orders for options, not stop');
  });

  it('a limit left working expires at the close (day order), reported as expired', async () => {
    // Next week's put: a bid at a fifth of its price is not reached by the close (today's could decay to it).
    const put = await atTheMoneyPut('2025-03-12');
    const low = optionOrder(put.symbol, 'buy', 2, Math.max(0.01, Math.round(put.bid * 20) / 100));
    send(low);
    await eventually('accepted', () => low.status === 'accepted');
    expect(venue.workingOrders()).toEqual([low]);
    venue.endOfDay(fake.broker.now()); // nothing at Alpaca's venue: Alpaca expires the order itself
    expect(low.status).toBe('accepted');
    fake.advance(6 * 60 + 5); // past 16:00 New York
    await eventually('expired', () => low.status === 'expired');
    expect(low.statusReason).toBe('expired at Alpaca');
    expect(venue.workingOrders()).toHaveLength(0);
  });

  it('a level-1 account: the buy is refused with Alpaca’s reason, and validation fails with a clear line', async () => {
    await fakeJson(fake, 'POST', `/__fake/accounts/${fake.keys.paper.keyId}`, { optionsLevel: 1 });
    const put = await atTheMoneyPut();
    const buy = optionOrder(put.symbol, 'buy', 2, put.ask);
    send(buy);
    await eventually('the refusal', () => buy.status === 'rejected');
    expect(buy.statusReason).toBe(
      'Alpaca refused the order: options trading level 1 does not permit buying options (level 2 needed)',
    );
    const alpaca = createAlpacaClient({
      ...fake.keys.paper,
      baseUrls: { trading: fake.url, data: fake.url },
      options: { rateLimit: false, retry: false, timeoutMs: 5_000 },
    });
    const report = await validateOptions(alpaca, {
      keyId: fake.keys.paper.keyId,
      underlying: 'SPY',
      volatility: { kind: 'synthetic' },
      entryCost: 500,
    });
    const level = report.checks.find((c) => c.id === 'options-level')!;
    expect(level).toMatchObject({ status: 'fail' });
    expect(level.detail).toMatch(/^options trading level 1 .*buying puts needs level 2/);
    expect(report.ready).toBe(false);
    expect(report.checks.find((c) => c.id === 'option-chain')?.status).toBe('pass');
    expect(report.checks.find((c) => c.id === 'option-quotes')?.status).toBe('pass');
  });

  it('the paper account (options level 3) passes every options line of validation, the VIX file included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vix-'));
    const vix = join(dir, 'VIX_History.csv');
    writeFileSync(vix, 'DATE,OPEN,HIGH,LOW,CLOSE\n03/03/2025,21,23,20,22.8\n03/04/2025,22,24,21,23.1\n');
    const alpaca = createAlpacaClient({
      ...fake.keys.paper,
      baseUrls: { trading: fake.url, data: fake.url },
      options: { rateLimit: false, retry: false, timeoutMs: 5_000 },
    });
    const report = await validateOptions(alpaca, {
      keyId: fake.keys.paper.keyId,
      underlying: 'SPY',
      volatility: { kind: 'csv', path: vix },
      entryCost: 500,
    });
    const lines = Object.fromEntries(report.checks.map((c) => [c.id, `${c.status}: ${c.detail}`]));
    expect(lines['options-level']).toMatch(/^pass: options trading level 3/);
    expect(lines['options-buying-power']).toMatch(
      /^pass: options buying power \$[\d,.]+ covers one entry of about \$500\.00$/,
    );
    expect(lines['option-chain']).toMatch(
      /^pass: SPY puts listed for the session of 2025-03-05: \d+ expiries from 2025-03-05 \(same-day\)/,
    );
    expect(lines['option-quotes']).toMatch(/^pass: \d+ SPY puts expiring 2025-03-05 quoted within \$20 of/);
    expect(lines.volatility).toBe(
      'pass: VIX_History.csv (CBOE VIX): VIX closed at 23.1 on 2025-03-04, the session before 2025-03-05',
    );
    expect(report.ready).toBe(true);
  });

  it('a restart with a new client and broker adopts the open option position: contracts and avg premium', async () => {
    const put = await atTheMoneyPut();
    const buy = optionOrder(put.symbol, 'buy', 2, Math.round((put.ask + 0.05) * 100) / 100);
    await sendHeld(buy);
    fake.advance(1);
    await eventually('filled', () => buy.status === 'filled');
    broker.close();
    // The app restarts: nothing of the old venue survives but the account at Alpaca (and the run's order count).
    await connect(reports.manager.created);
    const found = await adoptOptionPositions(broker, 'SPY');
    expect(found.adopt).toHaveLength(1);
    const adopted = found.adopt[0]!;
    expect(adopted.symbol).toBe(put.symbol);
    expect(adopted.contracts).toBe(2);
    expect(adopted.avgPremium).toBeCloseTo(buy.avgFillPrice, 6);
    expect(adopted.contract).toMatchObject({
      root: 'SPY',
      expiry: DAY,
      right: 'put',
      strike: strikeOf(put.symbol),
    });
    const prepared = await prepareAlpacaOptionStart(broker, { underlying: 'SPY', capital: 2_000 });
    expect(prepared.adoptOptions).toEqual(found.adopt);
    expect(prepared.report.canStart).toBe(true);
    expect(prepared.report.needsAcceptance).toBe(true);
    expect(prepared.report.items.find((i) => i.kind === 'position')?.message).toContain(
      `the account holds 2 ${put.symbol}`,
    );
    // The adopted contracts can be sold by the new venue.
    const sell = optionOrder(put.symbol, 'sell', 2);
    await sendHeld(sell);
    fake.advance(1);
    await eventually('sold', () => sell.status === 'filled');
    expect((await adoptOptionPositions(broker, 'SPY')).adopt).toEqual([]);
  });

  it('an id already used at Alpaca by another order (counts lost in a restart) is refused, not taken as filled', async () => {
    const put = await atTheMoneyPut();
    const buy = optionOrder(put.symbol, 'buy', 2, Math.round((put.ask + 0.05) * 100) / 100);
    await sendHeld(buy);
    fake.advance(1);
    await eventually('filled', () => buy.status === 'filled');
    broker.close();
    await connect(0); // numbering restarts at 1: the sell gets the buy's client order id
    const sell = optionOrder(put.symbol, 'sell', 2);
    expect(sell.clientOrderId).toBe(buy.clientOrderId);
    send(sell);
    await eventually('the refusal', () => sell.status === 'rejected');
    expect(sell.statusReason).toBe(
      `Alpaca refused the order: client order id ${buy.clientOrderId} is already used at Alpaca by another order (buy 2 ${put.symbol}, filled)`,
    );
    expect(sell.filledQty).toBe(0);
  });
});

describe('the OptionsEngine on Alpaca: AlpacaOptionVenue and AlpacaOptionQuotes', () => {
  it('buys 2 puts, sees the order working at Alpaca, books the fill, sells to close: cash moves by the P&L × 100', async () => {
    const BAR = 5 * 60_000;
    const spy = fake.broker.market.find('SPY')!;
    const start = fake.broker.now();
    // Four 5-minute bars from now, closing at the fake's SPY price at each close.
    const times = [0, 1, 2, 3].map((k) => start + k * BAR);
    const closes = times.map((t) => spy.lastPrice(t + BAR - 1));
    const f64 = (values: readonly number[]) => Float64Array.from(values);
    const series: BarSeries = {
      symbol: 'SPY',
      timeframe: '5m',
      length: times.length,
      time: f64(times),
      open: f64(closes),
      high: f64(closes),
      low: f64(closes),
      close: f64(closes),
      volume: f64(times.map(() => 1000)),
    };
    const seen: { working: number; contracts: number }[] = [];
    let chosen = '';
    const strategy: OptionStrategy = {
      onBar(ctx: OptionStrategyContext): readonly OptionIntent[] | undefined {
        seen.push({ working: ctx.workingOrders, contracts: ctx.holdings[0]?.contracts ?? 0 });
        const step = seen.length - 1;
        if (step === 0) {
          const listing = ctx.quotes.listed('SPY', ctx.time)!;
          const strikes = listing.expiries[0]!.strikes;
          const spot = ctx.bar.close;
          const strike = strikes.reduce((a, b) => (Math.abs(b - spot) < Math.abs(a - spot) ? b : a));
          chosen = `SPY250305P${String(strike * 1000).padStart(8, '0')}`;
          const quote = ctx.quotes.quote(chosen, ctx.time, spot)!;
          const limitPrice = Math.ceil((quote.ask + 0.05) * 100) / 100;
          return [
            {
              symbol: chosen,
              side: 'buy',
              purpose: 'open',
              contracts: 2,
              type: 'limit',
              limitPrice,
              reason: 'entry',
            },
          ];
        }
        if (step === 2 && ctx.holdings.length > 0) {
          return [
            {
              symbol: chosen,
              side: 'sell',
              purpose: 'close',
              contracts: 2,
              type: 'market',
              exitReason: 'profit_target',
              reason: 'exit',
            },
          ];
        }
        return undefined;
      },
      takeDecisions: () => [],
    };
    const quotes = new AlpacaOptionQuotes({ data, right: 'put' });
    const sink = new EventCollector();
    const engine = new OptionsEngine(
      {
        underlying: series,
        strategy,
        quotes,
        sessionOf: (time) => {
          const session = sessionOnDay('us-equities', DAY)!;
          expect(time).toBeGreaterThanOrEqual(session.open);
          return { day: session.date, openTime: session.open, closeTime: session.close };
        },
        cash: 10_000,
        ids: sequentialIds('oe'),
        sink,
        timeframeMs: BAR,
        closeAtEnd: false,
      },
      alpacaOptionVenueFactory(broker, {
        wake: () => queueMicrotask(() => applyTo(engine)),
        note: (_level, message) => notes.push(message),
        now: () => fake.broker.now(),
      }),
    );
    const applyTo = (e: typeof engine) => {
      for (const event of e.venue.orders.takeEvents()) e.venue.orders.apply(event);
    };
    // The stream's updates go to this engine's venue (the suite's venue is not used here).
    broker.close();
    await broker.connect({
      onTradeUpdate: (u) =>
        engine.venue.orders.push({
          kind: 'update',
          order: u.order,
          ...(u.execution !== undefined && { execution: u.execution }),
          time: u.time,
        }),
      onStreamState: () => {},
      onResyncDue: () => {},
    });
    const held = () => engine.venue.workingOrders().every((o) => o.status !== 'new');
    /** A bar: quotes refreshed (the run awaits this first), the step, the orders sent after it. */
    const bar = async (k: number) => {
      await quotes.refresh(
        'SPY',
        DAY,
        closes[k]!,
        engine.holdings().map((h) => h.symbol),
      );
      engine.step();
      engine.venue.orders.flush();
      await eventually(`bar ${k}'s orders at Alpaca`, held);
    };

    fake.advance(5);
    await bar(0);
    // The entry works at Alpaca: the next bar (before any fill) tells the strategy so.
    expect(engine.venue.hasWork()).toBe(true);
    await bar(1);
    expect(seen[1]).toEqual({ working: 1, contracts: 0 });
    fake.advance(5);
    await eventually('the entry filled', () => engine.holdings().length === 1);
    const entry = engine.holdings()[0]!;
    expect(entry).toMatchObject({ symbol: chosen, contracts: 2 });
    await bar(2);
    expect(seen[2]).toEqual({ working: 0, contracts: 2 });
    fake.advance(5);
    await eventually('the exit filled', () => engine.holdings().length === 0);
    await bar(3);
    expect(seen[3]).toEqual({ working: 0, contracts: 0 });

    const [trade] = tradeList(sink.trades.table());
    expect(trade).toMatchObject({ symbol: chosen, qty: 2, exitReason: 'profit_target' });
    expect(trade!.entryPrice).toBeCloseTo(entry.avgPremium, 9);
    // Cash: 10,000 − entry × 100 × 2 + exit × 100 × 2 (Alpaca charges no commission: the fills carry no fee).
    expect(engine.book.cash).toBeCloseTo(10_000 + (trade!.exitPrice - trade!.entryPrice) * 200, 6);
    expect(trade!.pnl).toBeCloseTo((trade!.exitPrice - trade!.entryPrice) * 200, 6);
    const account = await broker.account();
    expect(account.cash).toBeCloseTo(100_000 + trade!.pnl, 6);
  });
});
