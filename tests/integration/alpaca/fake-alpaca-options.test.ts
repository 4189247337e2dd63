// The fake Alpaca's options (issue #15) through the real, unmodified SDK: contracts, chain and symbol snapshots with
// greeks, option bars, and option orders and positions with Alpaca's rules. The clock starts at 2025-03-05 10:00
// New York (a Wednesday; the session closes at 21:00 UTC).
import {
  type Alpaca,
  NotFoundError,
  PermissionError,
  type streaming,
  ValidationError,
} from '@alpacahq/alpaca-trade-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeAlpaca } from '../../../dev/fake-alpaca/server';
import { americanPrice, blackScholes } from '../../../src/main/engine/option-pricing';
import { syntheticOptionQuotes } from '../../../src/main/feeds/synthetic-options';
import { occSymbol } from '../../../src/shared/domain/options';
import { fakeJson, lastPrice, sdk, startFake, TradeUpdates } from './fake-alpaca-helpers';

let fake: FakeAlpaca;
let alpaca: Alpaca;
let updates: TradeUpdates | null = null;

beforeEach(async () => {
  fake = await startFake();
  alpaca = sdk(fake);
});

afterEach(async () => {
  updates?.close();
  updates = null;
  await fake.close();
});

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const CLOSE = Date.parse('2025-03-05T21:00:00Z');
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** SPY's contract at the whole-dollar strike nearest the fake's SPY price, `offset` dollars away. */
function spyContract(right: 'call' | 'put', expiry: string, offset = 0): string {
  return occSymbol({ root: 'SPY', expiry, right, strike: Math.round(lastPrice(fake, 'SPY')) + offset });
}

async function snapshotOf(symbol: string) {
  const { snapshots } = await alpaca.marketData.options.optionSnapshots({ symbols: symbol });
  const snapshot = snapshots[symbol];
  if (snapshot === undefined) throw new Error(`no snapshot for ${symbol}`);
  return snapshot;
}

const timeOf = (bar: { t: unknown }): string => String(bar.t);

function fillOf(u: TradeUpdates, orderId: string): streaming.TradeUpdate {
  const fill = u.forOrder(orderId).find((x) => x.event === 'fill');
  if (fill === undefined) throw new Error(`no fill for ${orderId}`);
  return fill;
}

describe('option contracts', () => {
  it('lists a daily SPY chain: ten trading-day expiries, $1 strikes ±25 around the open, Alpaca field types', async () => {
    const { optionContracts, nextPageToken } = await alpaca.trading.assets.getOptionsContracts({
      underlyingSymbols: 'SPY',
      expirationDateGte: day('2025-03-05'),
      expirationDateLte: day('2025-03-18'),
      type: 'put',
      limit: 10_000,
    });
    expect(nextPageToken).toBeUndefined();
    const expiries = [...new Set(optionContracts.map((c) => c.expirationDate.toISOString().slice(0, 10)))];
    // Ten trading days from Wednesday March 5 (no holiday in between).
    expect(expiries).toEqual([
      '2025-03-05',
      '2025-03-06',
      '2025-03-07',
      '2025-03-10',
      '2025-03-11',
      '2025-03-12',
      '2025-03-13',
      '2025-03-14',
      '2025-03-17',
      '2025-03-18',
    ]);
    const open = fake.broker.market.find('SPY')!;
    const todayOpen = open.bar(open.barAt(Date.parse('2025-03-05T14:30:00Z'))).open;
    const newest = optionContracts.filter((c) => c.expirationDate.toISOString().startsWith('2025-03-18'));
    const strikes = newest.map((c) => Number(c.strikePrice));
    // The newest expiry was first listed today: exactly 51 strikes around today's open.
    expect(strikes[0]).toBe(Math.round(todayOpen) - 25);
    expect(strikes.at(-1)).toBe(Math.round(todayOpen) + 25);
    expect(strikes).toEqual(Array.from({ length: 51 }, (_, i) => strikes[0]! + i));
    const c = newest[0]!;
    expect(c).toMatchObject({
      status: 'active',
      tradable: true,
      rootSymbol: 'SPY',
      underlyingSymbol: 'SPY',
      type: 'put',
      style: 'american',
      multiplier: '100',
      size: '100',
    });
    expect(typeof c.strikePrice).toBe('string');
    expect(typeof c.openInterest).toBe('string');
    expect(c.symbol).toBe(
      occSymbol({ root: 'SPY', expiry: '2025-03-18', right: 'put', strike: strikes[0]! }),
    );
    expect(c.name).toBe(`SPY Mar 18 2025 ${strikes[0]} Put`);
    // Beyond the dailies, the monthlies within 45 trading days: March 21, and April 17 (April 18 is Good Friday).
    const monthlies = await alpaca.trading.assets.getOptionsContracts({
      underlyingSymbols: 'SPY',
      expirationDateGte: day('2025-03-19'),
      expirationDateLte: day('2025-06-30'),
      strikePriceGte: Math.round(todayOpen),
      strikePriceLte: Math.round(todayOpen),
    });
    expect(
      monthlies.optionContracts.map((x) => `${x.expirationDate.toISOString().slice(0, 10)} ${x.type}`),
    ).toEqual(['2025-03-21 call', '2025-03-21 put', '2025-04-17 call', '2025-04-17 put']);
    // Listed since an earlier day, the near expiries' strikes reach further than today's ±25.
    const near = optionContracts.filter((x) => x.expirationDate.toISOString().startsWith('2025-03-05'));
    expect(near.length).toBeGreaterThanOrEqual(51);
  });

  it('filters by type, strike and expiry; pages with next_page_token; defaults to expiries before the weekend', async () => {
    // Strikes from today's open up: listed on every expiry whatever path the synthetic SPY took to get here.
    const spy = fake.broker.market.find('SPY')!;
    const low = Math.round(spy.bar(spy.barAt(Date.parse('2025-03-05T14:30:00Z'))).open);
    const filtered = await alpaca.trading.assets.getOptionsContracts({
      underlyingSymbols: 'SPY',
      expirationDate: day('2025-03-07'),
      type: 'call',
      strikePriceGte: low,
      strikePriceLte: low + 5,
    });
    expect(filtered.optionContracts.map((c) => c.strikePrice)).toEqual(
      Array.from({ length: 6 }, (_, i) => String(low + i)),
    );
    expect(filtered.optionContracts.every((c) => c.type === 'call')).toBe(true);

    const all = await alpaca.trading.assets.getOptionsContracts({ underlyingSymbols: 'SPY', limit: 10_000 });
    const defaultExpiries = new Set(
      all.optionContracts.map((c) => c.expirationDate.toISOString().slice(0, 10)),
    );
    expect([...defaultExpiries]).toEqual(['2025-03-05', '2025-03-06', '2025-03-07']);

    const paged: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = await alpaca.trading.assets.getOptionsContracts({
        underlyingSymbols: 'SPY',
        limit: 40,
        ...(pageToken === undefined ? {} : { pageToken }),
      });
      expect(page.optionContracts.length).toBeLessThanOrEqual(40);
      paged.push(...page.optionContracts.map((c) => c.symbol));
      pageToken = page.nextPageToken ?? undefined;
      pages++;
    } while (pageToken !== undefined);
    expect(pages).toBe(Math.ceil(all.optionContracts.length / 40));
    expect(paged).toEqual(all.optionContracts.map((c) => c.symbol));

    expect(
      (await alpaca.trading.assets.getOptionsContracts({ underlyingSymbols: 'AAPL' })).optionContracts,
    ).toEqual([]);
    const tooMany = await errorOf(alpaca.trading.assets.getOptionsContracts({ limit: 10_001 }));
    expect(tooMany).toBeInstanceOf(ValidationError);
  });

  it('looks a contract up by symbol or id; unknown is 404', async () => {
    const symbol = spyContract('put', '2025-03-07');
    const bySymbol = await alpaca.trading.assets.getOptionContractSymbolOrId({ symbolOrId: symbol });
    expect(bySymbol.symbol).toBe(symbol);
    expect(bySymbol.deliverables?.[0]).toMatchObject({ symbol: 'SPY', amount: '100' });
    const byId = await alpaca.trading.assets.getOptionContractSymbolOrId({ symbolOrId: bySymbol.id });
    expect(byId.symbol).toBe(symbol);
    // Close price and open interest as of the latest close (yesterday's, at 10:00): the mid then, as the
    // snapshot's previous daily bar closes.
    expect(bySymbol.closePriceDate?.toISOString().slice(0, 10)).toBe('2025-03-04');
    expect(bySymbol.openInterestDate?.toISOString().slice(0, 10)).toBe('2025-03-04');
    expect(Number(bySymbol.closePrice)).toBe((await snapshotOf(symbol)).prevDailyBar!.c);
    // Unknown: a strike far off the chain, a Saturday, no chain for AAPL, beyond the listing, expired long ago.
    for (const unknown of [
      'SPY250307P09990000',
      'SPY250308P00540000',
      'AAPL250307P00200000',
      'SPY250620P00540000',
      'SPY250203P00540000',
      'nonsense',
    ]) {
      const error = await errorOf(alpaca.trading.assets.getOptionContractSymbolOrId({ symbolOrId: unknown }));
      expect(error, unknown).toBeInstanceOf(NotFoundError);
    }
  });
});

describe('option market data', () => {
  it('chain snapshots: quotes from the pricing model at the fake clock, greeks, bars; the SDK parses them', async () => {
    const spot = lastPrice(fake, 'SPY');
    const strike = Math.round(spot);
    const { snapshots } = await alpaca.marketData.options.optionChain({
      underlyingSymbol: 'SPY',
      type: 'put',
      expirationDate: day('2025-03-07'),
      strikePriceGte: strike - 2,
      strikePriceLte: strike + 2,
    });
    const symbols = Object.keys(snapshots);
    expect(symbols).toHaveLength(5);
    const symbol = occSymbol({ root: 'SPY', expiry: '2025-03-07', right: 'put', strike });
    const s = snapshots[symbol]!;
    const quote = s.latestQuote!;
    expect(quote.t).toBeInstanceOf(Date);
    expect(quote.t.toISOString()).toBe('2025-03-05T15:00:00.000Z');
    expect(quote.bp).toBeLessThan(quote.ap);
    // The model by hand: an American put, σ 18%, r 4.5%, to Friday's 16:00 close; bid/ask ±2% to the cent.
    const years = (Date.parse('2025-03-07T21:00:00Z') - fake.broker.now()) / (365 * 86_400_000);
    const input = { right: 'put' as const, spot, strike, years, volatility: 0.18, rate: 0.045 };
    const price = americanPrice(input, 400);
    expect(quote.bp).toBeGreaterThanOrEqual(Math.floor(price * 0.98 * 100) / 100 - 0.01);
    expect(quote.bp).toBeLessThanOrEqual(Math.floor(price * 0.98 * 100) / 100 + 0.01);
    expect(quote.ap).toBeGreaterThanOrEqual(Math.ceil(price * 1.02 * 100) / 100 - 0.01);
    expect(quote.ap).toBeLessThanOrEqual(Math.ceil(price * 1.02 * 100) / 100 + 0.01);
    // …and exactly the app's synthetic quote at the same σ (what the monitor holds fills against).
    const app = syntheticOptionQuotes({
      underlying: 'SPY',
      volatility: () => 0.18,
      underlyingPrice: () => spot,
      rate: 0.045,
      spread: 0.04,
    }).quote(symbol, fake.broker.now(), spot)!;
    expect([quote.bp, quote.ap]).toEqual([app.bid, app.ask]);
    const greeks = blackScholes(input);
    expect(s.greeks!.delta).toBeCloseTo(greeks.delta, 3);
    expect(s.greeks!.delta).toBeLessThan(0);
    expect(s.greeks!.gamma).toBeGreaterThan(0);
    expect(s.greeks!.theta).toBeCloseTo(greeks.theta / 365, 3);
    expect(s.greeks!.vega).toBeCloseTo(greeks.vega / 100, 3);
    expect(s.impliedVolatility).toBe(0.18);
    expect(s.latestTrade!.p).toBeGreaterThanOrEqual(quote.bp);
    expect(s.latestTrade!.p).toBeLessThanOrEqual(quote.ap);
    expect(s.minuteBar!.t.toISOString()).toBe('2025-03-05T14:59:00.000Z');
    expect(s.dailyBar!.t.toISOString()).toBe('2025-03-05T05:00:00.000Z');
    expect(s.prevDailyBar!.t.toISOString()).toBe('2025-03-04T05:00:00.000Z');
    for (const bar of [s.minuteBar!, s.dailyBar!, s.prevDailyBar!]) {
      expect(bar.l).toBeLessThanOrEqual(Math.min(bar.o, bar.c));
      expect(bar.h).toBeGreaterThanOrEqual(Math.max(bar.o, bar.c));
      expect(bar.v).toBeGreaterThan(0);
    }

    // The quotes move with SPY: half an hour later, a put and a call move opposite ways as SPY moves.
    const call = occSymbol({ root: 'SPY', expiry: '2025-03-07', right: 'call', strike });
    const callBefore = (await snapshotOf(call)).latestQuote!;
    fake.advance(30);
    const spotLater = lastPrice(fake, 'SPY');
    expect(spotLater).not.toBe(spot);
    const putLater = (await snapshotOf(symbol)).latestQuote!;
    const callLater = (await snapshotOf(call)).latestQuote!;
    const up = spotLater > spot;
    expect(putLater.bp + putLater.ap < quote.bp + quote.ap).toBe(up);
    expect(callLater.bp + callLater.ap > callBefore.bp + callBefore.ap).toBe(up);
    expect(putLater.t.toISOString()).toBe('2025-03-05T15:30:00.000Z');
  });

  it('symbol snapshots leave out unknown symbols; chain snapshots page', async () => {
    const put = spyContract('put', '2025-03-06');
    const call = spyContract('call', '2025-03-06', 3);
    const { snapshots } = await alpaca.marketData.options.optionSnapshots({
      symbols: `${put},${call},SPY250306P09990000`,
    });
    expect(Object.keys(snapshots).sort()).toEqual([call, put].sort());
    expect(snapshots[call]!.greeks!.delta).toBeGreaterThan(0);

    const all = await alpaca.marketData.options.optionChain({
      underlyingSymbol: 'SPY',
      expirationDate: day('2025-03-06'),
      limit: 1000,
    });
    const count = Object.keys(all.snapshots).length;
    expect(count).toBeGreaterThanOrEqual(102);
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await alpaca.marketData.options.optionChain({
        underlyingSymbol: 'SPY',
        expirationDate: day('2025-03-06'),
        limit: 50,
        ...(pageToken === undefined ? {} : { pageToken }),
      });
      seen.push(...Object.keys(page.snapshots));
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken !== undefined);
    expect(seen).toEqual(Object.keys(all.snapshots));
    const none = await alpaca.marketData.options.optionChain({ underlyingSymbol: 'AAPL' });
    expect(none.snapshots).toEqual({});
  });

  it('option bars: minute bars of the session so far, 5Min aggregates of them, daily bars, paging', async () => {
    const symbol = spyContract('put', '2025-03-07');
    const start = new Date('2025-03-05T14:30:00Z');
    const minutes = await alpaca.marketData.options.optionBars({
      symbols: symbol,
      timeframe: '1Min',
      start,
      end: new Date('2025-03-05T14:59:00Z'),
    });
    const bars = minutes.bars[symbol]!;
    expect(bars).toHaveLength(30);
    // The SDK hands option bars over as sent (OptionBarsRespFromJSON does not map them): `t` stays a string.
    expect(timeOf(bars[0]!)).toBe('2025-03-05T14:30:00Z');
    const fives = await alpaca.marketData.options.optionBars({
      symbols: symbol,
      timeframe: '5Min',
      start,
      end: new Date('2025-03-05T14:55:00Z'),
    });
    const five = fives.bars[symbol]!;
    expect(five).toHaveLength(6);
    for (let k = 0; k < 6; k++) {
      const group = bars.slice(k * 5, k * 5 + 5);
      expect(five[k]!.o).toBe(group[0]!.o);
      expect(five[k]!.c).toBe(group[4]!.c);
      expect(five[k]!.h).toBe(Math.max(...group.map((b) => b.h)));
      expect(five[k]!.l).toBe(Math.min(...group.map((b) => b.l)));
      expect(five[k]!.v).toBe(group.reduce((sum, b) => sum + b.v, 0));
    }
    // The last minute bar's close is the snapshot's minute bar close (one model, one price).
    expect(bars.at(-1)!.c).toBe((await snapshotOf(symbol)).minuteBar!.c);

    const daily = await alpaca.marketData.options.optionBars({
      symbols: symbol,
      timeframe: '1Day',
      start: new Date('2025-03-03T00:00:00Z'),
    });
    expect(daily.bars[symbol]!.map(timeOf)).toEqual([
      '2025-03-03T05:00:00Z',
      '2025-03-04T05:00:00Z',
      '2025-03-05T05:00:00Z',
    ]);

    const first = await alpaca.marketData.options.optionBars({
      symbols: symbol,
      timeframe: '1Min',
      start,
      limit: 20,
    });
    expect(first.bars[symbol]).toHaveLength(20);
    expect(first.nextPageToken).toBeTruthy();
    const second = await alpaca.marketData.options.optionBars({
      symbols: symbol,
      timeframe: '1Min',
      start,
      limit: 20,
      pageToken: first.nextPageToken!,
    });
    expect([...first.bars[symbol]!, ...second.bars[symbol]!]).toEqual(bars);
    expect(second.nextPageToken).toBeNull();
  });
});

describe('option orders and positions', () => {
  it('buy to open at the ask, sell to close at the bid: trade updates, position × 100, cash by hand', async () => {
    const u = await new TradeUpdates(alpaca, fake).open();
    updates = u;
    const symbol = spyContract('put', '2025-03-07', -2);
    const account = await alpaca.trading.account.getAccount();
    expect(account.optionsApprovedLevel).toBe(3);
    expect(account.optionsTradingLevel).toBe(3);
    expect(account.optionsBuyingPower).toBe('100000');

    const buy = await alpaca.trading.orders.market({ symbol, qty: 2, side: 'buy', clientOrderId: 'opt-buy' });
    expect(buy).toMatchObject({ status: 'new', qty: '2', symbol, timeInForce: 'day' });
    expect(buy.assetClass).toBe('us_option');
    fake.advance(0.25);
    await u.until((all) => all.some((x) => x.order.id === buy.id && x.event === 'fill'));
    const ask = (await snapshotOf(symbol)).latestQuote!.ap;
    const bought = fillOf(u, buy.id!);
    // Filled at the ask of the tick it matched on (the clock has not moved since).
    expect(Number(bought.price)).toBe(ask);
    expect(bought.qty).toBe('2');
    expect(bought.positionQty).toBe('2');

    const position = await alpaca.trading.positions.getOpenPosition({ symbolOrAssetId: symbol });
    expect(position).toMatchObject({ symbol, qty: '2', side: 'long', assetClass: 'us_option' });
    // Premium per share × 100 shares × 2 contracts.
    expect(Number(position.costBasis)).toBeCloseTo(ask * 200, 2);
    const mark = Number(position.currentPrice);
    expect(Number(position.lastdayPrice)).toBeCloseTo((await snapshotOf(symbol)).prevDailyBar!.c, 2);
    expect(Number(position.marketValue)).toBeCloseTo(mark * 200, 2);
    const afterBuy = await alpaca.trading.account.getAccount();
    expect(Number(afterBuy.cash)).toBeCloseTo(100_000 - ask * 200, 2);
    expect(Number(afterBuy.optionsBuyingPower)).toBeCloseTo(100_000 - ask * 200, 2);
    expect(Number(afterBuy.equity)).toBeCloseTo(100_000 - ask * 200 + mark * 200, 2);

    fake.advance(10);
    const sell = await alpaca.trading.orders.market({ symbol, qty: 2, side: 'sell' });
    fake.advance(0.25);
    await u.until((all) => all.some((x) => x.order.id === sell.id && x.event === 'fill'));
    const bid = (await snapshotOf(symbol)).latestQuote!.bp;
    const sold = fillOf(u, sell.id!);
    expect(Number(sold.price)).toBe(bid);
    expect(sold.positionQty).toBe('0');
    expect(u.events(sell.id!)).toEqual(['new', 'fill']);
    expect((await alpaca.trading.positions.getAllOpenPositions()).map((p) => p.symbol)).not.toContain(symbol);
    const end = await alpaca.trading.account.getAccount();
    // Cash: 100,000 − ask × 200 + bid × 200.
    expect(Number(end.cash)).toBeCloseTo(100_000 + (bid - ask) * 200, 2);
  });

  it('a limit buy rests until the ask reaches it, then fills at the limit', async () => {
    // Read the contract's asks over the next two hours from the fake's own model, and bid the lowest of them after
    // the first ten minutes: the order must rest until that tick and fill there at the limit.
    const now = fake.broker.now();
    const ticks = Array.from({ length: 8 * 60 }, (_, i) => now + (i + 1) * 15_000);
    let symbol = '';
    let limit = 0;
    let reached = 0;
    for (const [right, offset] of [0, -3, 3, -6, 6].flatMap((o) => [
      ['call', o] as const,
      ['put', o] as const,
    ])) {
      const candidate = spyContract(right, '2025-03-07', offset);
      const path = fake.broker.options.find(candidate)!;
      const asks = ticks.map((t) => path.quote(t).ask);
      const lowest = Math.min(...asks.slice(40));
      const first = asks.findIndex((a) => a <= lowest);
      if (first >= 40) {
        symbol = candidate;
        limit = lowest;
        reached = ticks[first]!;
        break;
      }
    }
    expect(symbol).not.toBe('');
    const order = await alpaca.trading.orders.limit({
      symbol,
      qty: 1,
      side: 'buy',
      limitPrice: limit.toFixed(2),
    });
    fake.broker.advanceTo(reached - 15_000);
    expect((await alpaca.trading.orders.getOrderByOrderID({ orderId: order.id! })).status).toBe('new');
    fake.broker.advanceTo(reached);
    const filled = await alpaca.trading.orders.getOrderByOrderID({ orderId: order.id! });
    expect(filled.status).toBe('filled');
    expect(filled.filledAt?.getTime()).toBe(reached);
    expect(Number(filled.filledAvgPrice)).toBe(limit);
    const account = await alpaca.trading.account.getAccount();
    expect(Number(account.cash)).toBeCloseTo(100_000 - limit * 100, 2);
  });

  it('refuses what Alpaca refuses: fractional qty, gtc, notional, brackets, unknown contracts, uncovered sells', async () => {
    const symbol = spyContract('put', '2025-03-07');
    const cases: Array<[string, Promise<unknown>, typeof ValidationError | typeof PermissionError, RegExp]> =
      [
        [
          'fractional',
          alpaca.trading.orders.market({ symbol, qty: 1.5, side: 'buy' }),
          ValidationError,
          /qty must be integer/,
        ],
        [
          'gtc',
          alpaca.trading.orders.market({ symbol, qty: 1, side: 'buy', timeInForce: 'gtc' }),
          ValidationError,
          /time_in_force .*not supported for options/,
        ],
        [
          'notional',
          alpaca.trading.orders.market({ symbol, notional: 500, side: 'buy' }),
          ValidationError,
          /notional/,
        ],
        [
          'bracket',
          alpaca.trading.orders.bracket({
            symbol,
            qty: 1,
            side: 'buy',
            takeProfit: { limitPrice: '50' },
            stopLoss: { stopPrice: '1' },
          }),
          ValidationError,
          /order_class bracket is not supported for options/,
        ],
        [
          'unknown contract',
          alpaca.trading.orders.market({ symbol: 'SPY250307P09990000', qty: 1, side: 'buy' }),
          ValidationError,
          /not found/,
        ],
        [
          'sell to open',
          alpaca.trading.orders.market({ symbol, qty: 1, side: 'sell' }),
          PermissionError,
          /uncovered option contracts/,
        ],
        [
          'beyond options buying power',
          alpaca.trading.orders.market({ symbol, qty: 10_000, side: 'buy' }),
          PermissionError,
          /insufficient options buying power/,
        ],
      ];
    for (const [name, promise, kind, message] of cases) {
      const error = await errorOf(promise);
      expect(error, name).toBeInstanceOf(kind);
      expect(error.message, name).toMatch(message);
    }
    expect(await alpaca.trading.orders.getAllOrders({ status: 'all' })).toEqual([]);

    await alpaca.trading.orders.market({ symbol, qty: 1, side: 'buy' });
    fake.advance(0.25);
    const tooMany = await errorOf(alpaca.trading.orders.market({ symbol, qty: 2, side: 'sell' }));
    expect(tooMany).toBeInstanceOf(PermissionError);
    expect(tooMany.message).toMatch(/insufficient qty available/);

    // A replacement may not make an option order gtc or fractional either.
    const resting = await alpaca.trading.orders.limit({ symbol, qty: 1, side: 'buy', limitPrice: '0.01' });
    for (const patch of [{ timeInForce: 'gtc' as const }, { qty: '1.5' }]) {
      const error = await errorOf(
        alpaca.trading.orders.patchOrderByOrderId({ orderId: resting.id!, patchOrderRequest: patch }),
      );
      expect(error, JSON.stringify(patch)).toBeInstanceOf(ValidationError);
    }
  });

  it('a level-1 account may not buy puts (403); the control API sets the level', async () => {
    const set = await fakeJson(fake, 'POST', `/__fake/accounts/${fake.keys.paper.keyId}`, {
      optionsLevel: 1,
    });
    expect(set.status).toBe(200);
    const account = await alpaca.trading.account.getAccount();
    expect(account.optionsTradingLevel).toBe(1);
    expect(account.optionsApprovedLevel).toBe(1);
    const error = await errorOf(
      alpaca.trading.orders.market({ symbol: spyContract('put', '2025-03-07'), qty: 1, side: 'buy' }),
    );
    expect(error).toBeInstanceOf(PermissionError);
    expect(error.message).toMatch(/level 1 does not permit buying options/);
    fake.setOptionsLevel(fake.keys.paper.keyId, 2);
    const order = await alpaca.trading.orders.market({
      symbol: spyContract('put', '2025-03-07'),
      qty: 1,
      side: 'buy',
    });
    expect(order.status).toBe('new');
    const bad = await fakeJson(fake, 'POST', `/__fake/accounts/${fake.keys.paper.keyId}`, {
      optionsLevel: 7,
    });
    expect(bad.status).toBe(400);
  });

  it('day orders expire at the close; positions reaching expiry are settled in cash at intrinsic value', async () => {
    const u = await new TradeUpdates(alpaca, fake).open();
    updates = u;
    const resting = await alpaca.trading.orders.limit({
      symbol: spyContract('put', '2025-03-07', -10),
      qty: 1,
      side: 'buy',
      limitPrice: '0.01',
    });
    // Today's contracts: a put 5 above SPY (in the money unless SPY rallies $5) and a call 5 above (likely worthless).
    const put = spyContract('put', '2025-03-05', 5);
    const call = spyContract('call', '2025-03-05', 5);
    await alpaca.trading.orders.market({ symbol: put, qty: 2, side: 'buy' });
    await alpaca.trading.orders.market({ symbol: call, qty: 1, side: 'buy' });
    fake.advance(0.25);
    const cashBefore = Number((await alpaca.trading.account.getAccount()).cash);
    expect((await alpaca.trading.positions.getAllOpenPositions()).map((p) => p.symbol).sort()).toEqual(
      [call, put].sort(),
    );

    fake.broker.advanceTo(CLOSE + 60_000);
    await u.until((all) => all.some((x) => x.order.id === resting.id && x.event === 'expired'));
    const expired = await alpaca.trading.orders.getOrderByOrderID({ orderId: resting.id! });
    expect(expired.status).toBe('expired');
    expect(expired.expiredAt?.toISOString()).toBe('2025-03-05T21:00:00.000Z');

    expect(await alpaca.trading.positions.getAllOpenPositions()).toEqual([]);
    // SPY's last price of the day (the 15:59 bar's close) against the strikes.
    const spyClose = fake.broker.market.find('SPY')!.lastPrice(CLOSE);
    const putStrike = Number(put.slice(-8)) / 1000;
    const callStrike = Number(call.slice(-8)) / 1000;
    const putValue = Math.max(putStrike - spyClose, 0);
    const callValue = Math.max(spyClose - callStrike, 0);
    const cashAfter = Number((await alpaca.trading.account.getAccount()).cash);
    expect(cashAfter).toBeCloseTo(cashBefore + putValue * 200 + callValue * 100, 2);
    const state = await fakeJson(fake, 'GET', `/__fake/accounts/${fake.keys.paper.keyId}`);
    const settlements = (state.body as { optionSettlements: Array<Record<string, unknown>> })
      .optionSettlements;
    expect(settlements.map((s) => s['symbol']).sort()).toEqual([call, put].sort());
    expect(settlements.find((s) => s['symbol'] === put)).toMatchObject({
      qty: 2,
      underlyingPrice: spyClose,
      time: '2025-03-05T21:00:00.000Z',
    });

    // Expired contracts are inactive and no longer tradable.
    const contract = await alpaca.trading.assets.getOptionContractSymbolOrId({ symbolOrId: put });
    expect(contract.status).toBe('inactive');
    expect(contract.tradable).toBe(false);
    const late = await errorOf(alpaca.trading.orders.market({ symbol: put, qty: 1, side: 'buy' }));
    expect(late).toBeInstanceOf(ValidationError);
    const inactive = await alpaca.trading.assets.getOptionsContracts({
      underlyingSymbols: 'SPY',
      status: 'inactive',
      expirationDate: day('2025-03-05'),
      limit: 10_000,
    });
    expect(inactive.optionContracts.map((c) => c.symbol)).toContain(put);

    // Accepted after the close, an order waits for the next open and fills at the opening tick's ask.
    const later = spyContract('put', '2025-03-07');
    const queued = await alpaca.trading.orders.market({ symbol: later, qty: 1, side: 'buy' });
    expect(queued.status).toBe('accepted');
    const open = Date.parse('2025-03-06T14:30:00Z');
    fake.broker.advanceTo(open + 15_000);
    const done = await alpaca.trading.orders.getOrderByOrderID({ orderId: queued.id! });
    expect(done.status).toBe('filled');
    expect(done.filledAt?.getTime()).toBe(open);
    expect(Number(done.filledAvgPrice)).toBe(fake.broker.options.find(later)!.quote(open).ask);
  });

  it('restart-safe: a new client (a restarted app) sees the option position and its orders', async () => {
    const symbol = spyContract('put', '2025-03-10');
    const order = await alpaca.trading.orders.market({
      symbol,
      qty: 3,
      side: 'buy',
      clientOrderId: 'keep-me',
    });
    fake.advance(0.25);
    const again = sdk(fake);
    const positions = await again.trading.positions.getAllOpenPositions();
    expect(positions).toHaveLength(1);
    expect(positions[0]).toMatchObject({ symbol, qty: '3', assetClass: 'us_option' });
    const byClient = await again.trading.orders.getOrderByClientOrderId({ clientOrderId: 'keep-me' });
    expect(byClient).toMatchObject({ id: order.id, status: 'filled', filledQty: '3' });
    const orders = await again.trading.orders.getAllOrders({ status: 'closed', symbols: symbol });
    expect(orders.map((o) => o.id)).toEqual([order.id]);

    // Closing it through DELETE /v2/positions/{symbol} sells the contracts at the bid.
    const close = await again.trading.positions.deleteOpenPosition({ symbolOrAssetId: symbol });
    expect(close).toMatchObject({ symbol, side: 'sell', qty: '3', type: 'market', timeInForce: 'day' });
    fake.advance(0.25);
    expect(await again.trading.positions.getAllOpenPositions()).toEqual([]);
  });
});
