// The loopback fake Alpaca driven through the real, unmodified SDK (v4): REST through `fetchApi`, streams through
// `url`. Raw fetch and ws only where the SDK has no call (control API, connection limits).
import {
  type Alpaca,
  ApiError,
  AuthError,
  FetchError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  type streaming,
  TimeFrame,
  ValidationError,
} from '@alpacahq/alpaca-trade-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeAlpaca } from '../../../dev/fake-alpaca/server';
import {
  cents,
  fakeJson,
  futureTicks,
  lastPrice,
  sdk,
  sleep,
  startFake,
  TradeUpdates,
} from './fake-alpaca-helpers';

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

async function openUpdates(): Promise<TradeUpdates> {
  updates = await new TradeUpdates(alpaca, fake).open();
  return updates;
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('account, keys and assets', () => {
  it('serves the account with money fields as strings', async () => {
    const account = await alpaca.trading.account.getAccount();
    expect(account.status).toBe('ACTIVE');
    expect(account.cash).toBe('100000');
    expect(account.buyingPower).toBe('200000');
    expect(account.multiplier).toBe('2');
    expect(account.tradingBlocked).toBe(false);
    expect(typeof account.equity).toBe('string');
    expect(fake.keys.paper.keyId).toMatch(/^PK[A-Z0-9]{18}$/);
  });

  it('refuses wrong keys with 401 (AuthError), on REST and on the trading stream', async () => {
    const wrong = sdk(fake, { keyId: fake.keys.paper.keyId, secret: 'nope' });
    const error = await errorOf(wrong.trading.account.getAccount());
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(401);
    const stream = wrong.trading.stream({ url: fake.streamUrls.trading, reconnect: false });
    stream.connect();
    const result = await stream.waitForAuthenticationResult(3_000);
    expect(result.authenticated).toBe(false);
    expect(result.status).toBe('server_rejected');
  });

  it('has a blocked account that cannot trade and a live AK key the app must refuse', async () => {
    const blocked = sdk(fake, fake.keys.blocked);
    const account = await blocked.trading.account.getAccount();
    expect(account.accountBlocked).toBe(true);
    expect(account.tradingBlocked).toBe(true);
    const error = await errorOf(blocked.trading.orders.market({ symbol: 'AAPL', qty: 1, side: 'buy' }));
    expect(error).toBeInstanceOf(PermissionError);
    expect(fake.keys.live.keyId).toMatch(/^AK/);
    const live = await sdk(fake, fake.keys.live).trading.account.getAccount();
    expect(live.accountNumber).not.toMatch(/^PA/);
  });

  it('serves assets with tradable and shortable flags; an unknown symbol is 404', async () => {
    const aapl = await alpaca.trading.assets.getV2AssetsSymbolOrAssetId({ symbolOrAssetId: 'AAPL' });
    expect(aapl).toMatchObject({ symbol: 'AAPL', tradable: true, shortable: true, _class: 'us_equity' });
    const raw = await fakeJson(fake, 'GET', '/v2/assets/AAPL', undefined, fake.keys.paper);
    expect(raw.body).toMatchObject({ class: 'us_equity', tradable: true });
    const nosh = await alpaca.trading.assets.getV2AssetsSymbolOrAssetId({ symbolOrAssetId: 'NOSH' });
    expect(nosh.shortable).toBe(false);
    const otcq = await alpaca.trading.assets.getV2AssetsSymbolOrAssetId({ symbolOrAssetId: 'OTCQ' });
    expect(otcq.tradable).toBe(false);
    const btc = await alpaca.trading.assets.getV2AssetsSymbolOrAssetId({ symbolOrAssetId: 'BTC/USD' });
    expect(btc.symbol).toBe('BTC/USD');
    const missing = await errorOf(
      alpaca.trading.assets.getV2AssetsSymbolOrAssetId({ symbolOrAssetId: 'ZZZZ' }),
    );
    expect(missing).toBeInstanceOf(NotFoundError);

    expect(
      await errorOf(alpaca.trading.orders.market({ symbol: 'OTCQ', qty: 1, side: 'buy' })),
    ).toBeInstanceOf(ValidationError);
    expect(
      await errorOf(alpaca.trading.orders.market({ symbol: 'ZZZZ', qty: 1, side: 'buy' })),
    ).toBeInstanceOf(ValidationError);
    const short = await errorOf(alpaca.trading.orders.market({ symbol: 'NOSH', qty: 1, side: 'sell' }));
    expect(short).toBeInstanceOf(PermissionError);
    expect((short as Error).message).toMatch(/cannot be sold short/);
  });

  it('refuses orders beyond buying power with 403 insufficient buying power', async () => {
    const error = await errorOf(alpaca.trading.orders.market({ symbol: 'SPY', qty: 1000, side: 'buy' }));
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as PermissionError).code).toBe(40310000);
    expect((error as Error).message).toBe('insufficient buying power');
  });

  it('serves the clock and the calendar', async () => {
    const clock = await alpaca.trading.clock.legacyClock();
    expect(clock.isOpen).toBe(true);
    expect(clock.timestamp?.toISOString()).toBe('2025-03-05T15:00:00.000Z');
    expect(clock.nextClose?.toISOString()).toBe('2025-03-05T21:00:00.000Z');
    const days = await alpaca.trading.calendar.legacyCalendar({
      start: new Date('2025-04-14'),
      end: new Date('2025-04-22'),
    });
    // Good Friday (April 18) is closed.
    expect(days.map((d) => d.date?.toISOString().slice(0, 10))).toEqual([
      '2025-04-14',
      '2025-04-15',
      '2025-04-16',
      '2025-04-17',
      '2025-04-21',
      '2025-04-22',
    ]);
    expect(days[0]).toMatchObject({ open: '09:30', close: '16:00' });
    // The day after Thanksgiving closes at 13:00 and its after-hours at 17:00; it settles on the next trading day.
    const [friday] = await alpaca.trading.calendar.legacyCalendar({
      start: new Date('2025-11-28'),
      end: new Date('2025-11-28'),
    });
    expect(friday).toMatchObject({
      open: '09:30',
      close: '13:00',
      sessionOpen: '0400',
      sessionClose: '1700',
    });
  });
});

describe('orders and trade updates', () => {
  it('market order: new, then a fill at the next tick with an execution id; position and cash follow', async () => {
    const u = await openUpdates();
    const order = await alpaca.trading.orders.market({
      symbol: 'AAPL',
      qty: 5,
      side: 'buy',
      clientOrderId: 'mkt-1',
    });
    expect(order.status).toBe('new');
    expect(order.qty).toBe('5');
    await u.until((all) => all.some((x) => x.order.id === order.id && x.event === 'new'));
    const next = futureTicks(fake, 'AAPL', 1)[0]!;
    fake.advance(1);
    await u.until((all) => all.some((x) => x.order.id === order.id && x.event === 'fill'));
    const fill = u.forOrder(order.id!).find((x) => x.event === 'fill')!;
    expect(fill.executionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(fill.price)).toBeCloseTo(next, 6);
    expect(fill.qty).toBe('5');
    expect(fill.positionQty).toBe('5');
    const position = await alpaca.trading.positions.getOpenPosition({ symbolOrAssetId: 'AAPL' });
    expect(position.qty).toBe('5');
    expect(Number(position.avgEntryPrice)).toBeCloseTo(next, 6);
    const account = await alpaca.trading.account.getAccount();
    expect(Number(account.cash)).toBeCloseTo(100_000 - 5 * next, 2);
  });

  it('limit order: rests, is replaced (PATCH) through the market, fills; cancel is 204 then 422', async () => {
    const u = await openUpdates();
    const last = lastPrice(fake, 'MSFT');
    const order = await alpaca.trading.orders.limit({
      symbol: 'MSFT',
      qty: 2,
      side: 'buy',
      limitPrice: cents(last * 0.8),
      clientOrderId: 'lim-1',
    });
    fake.advance(5);
    expect((await alpaca.trading.orders.getOrderByOrderID({ orderId: order.id! })).status).toBe('new');
    const replacement = await alpaca.trading.orders.patchOrderByOrderId({
      orderId: order.id!,
      patchOrderRequest: { limitPrice: cents(last * 1.2) },
    });
    expect(replacement.replaces).toBe(order.id);
    const old = await alpaca.trading.orders.getOrderByOrderID({ orderId: order.id! });
    expect(old.status).toBe('replaced');
    expect(old.replacedBy).toBe(replacement.id);
    fake.advance(1);
    await u.until((all) => all.some((x) => x.order.id === replacement.id && x.event === 'fill'));
    expect(u.events(order.id!)).toEqual(['new', 'replaced']);
    expect(u.events(replacement.id!)).toEqual(['new', 'fill']);

    const resting = await alpaca.trading.orders.limit({
      symbol: 'MSFT',
      qty: 1,
      side: 'buy',
      limitPrice: cents(last * 0.5),
    });
    await alpaca.trading.orders.deleteOrderByOrderID({ orderId: resting.id! });
    await u.until((all) => all.some((x) => x.order.id === resting.id && x.event === 'canceled'));
    const again = await errorOf(alpaca.trading.orders.deleteOrderByOrderID({ orderId: resting.id! }));
    expect(again).toBeInstanceOf(ValidationError);
    expect(await errorOf(alpaca.trading.orders.getOrderByOrderID({ orderId: 'no-such-id' }))).toBeInstanceOf(
      NotFoundError,
    );
  });

  it('stop and stop-limit orders trigger when the path reaches the stop', async () => {
    const u = await openUpdates();
    const last = lastPrice(fake, 'NVDA');
    const high = Math.max(...futureTicks(fake, 'NVDA', 60));
    expect(high).toBeGreaterThan(last + 0.02);
    const stopPrice = Math.round(((last + high) / 2) * 100) / 100;
    const stop = await alpaca.trading.orders.stop({
      symbol: 'NVDA',
      qty: 3,
      side: 'buy',
      stopPrice: stopPrice.toFixed(2),
    });
    const stopLimit = await alpaca.trading.orders.stopLimit({
      symbol: 'NVDA',
      qty: 2,
      side: 'buy',
      stopPrice: stopPrice.toFixed(2),
      limitPrice: (Math.ceil(high) + 1).toFixed(2),
    });
    fake.advance(60);
    await u.until((all) =>
      [stop.id, stopLimit.id].every((id) => all.some((x) => x.order.id === id && x.event === 'fill')),
    );
    for (const id of [stop.id!, stopLimit.id!]) {
      const fill = u.forOrder(id).find((x) => x.event === 'fill')!;
      expect(Number(fill.price)).toBeGreaterThanOrEqual(stopPrice);
    }
    const position = await alpaca.trading.positions.getOpenPosition({ symbolOrAssetId: 'NVDA' });
    expect(position.qty).toBe('5');
  });

  it('trailing stop tracks the high-water mark and sells on the pullback', async () => {
    const u = await openUpdates();
    await alpaca.trading.orders.market({ symbol: 'TSLA', qty: 4, side: 'buy' });
    fake.advance(1);
    const trailing = await alpaca.trading.orders.trailingStop({
      symbol: 'TSLA',
      qty: 4,
      side: 'sell',
      trailPrice: '0.5',
    });
    expect(trailing.hwm).toBeDefined();
    expect(Number(trailing.stopPrice)).toBeCloseTo(Number(trailing.hwm) - 0.5, 2);
    fake.advance(240);
    await u.until((all) => all.some((x) => x.order.id === trailing.id && x.event === 'fill'));
    const filled = await alpaca.trading.orders.getOrderByOrderID({ orderId: trailing.id! });
    expect(Number(filled.hwm)).toBeGreaterThanOrEqual(Number(trailing.hwm));
    expect(Number(filled.filledAvgPrice)).toBeLessThanOrEqual(Number(filled.stopPrice) + 1e-9);
    expect(
      await errorOf(alpaca.trading.positions.getOpenPosition({ symbolOrAssetId: 'TSLA' })),
    ).toBeInstanceOf(NotFoundError);
  });

  it('bracket: legs held until the entry fills, then one leg fills and cancels the other (OCO)', async () => {
    const u = await openUpdates();
    const last = lastPrice(fake, 'AAPL');
    const ahead = futureTicks(fake, 'AAPL', 120);
    const takeProfit = Math.floor((Math.max(...ahead) - 0.01) * 100) / 100;
    const stopLoss = Math.floor(Math.min(...ahead, last) - 1);
    expect(takeProfit).toBeGreaterThan(last + 0.01);
    const order = await alpaca.trading.orders.bracket({
      symbol: 'AAPL',
      qty: 10,
      side: 'buy',
      takeProfit: { limitPrice: takeProfit.toFixed(2) },
      stopLoss: { stopPrice: stopLoss.toFixed(2) },
      clientOrderId: 'br-1',
    });
    expect(order.orderClass).toBe('bracket');
    expect(order.legs?.map((l) => [l.type, l.status])).toEqual([
      ['limit', 'held'],
      ['stop', 'held'],
    ]);
    const [tp, sl] = order.legs!;
    fake.advance(120);
    await u.until((all) => all.some((x) => x.order.id === tp!.id && x.event === 'fill'));
    await u.until((all) => all.some((x) => x.order.id === sl!.id && x.event === 'canceled'));
    expect(u.events(order.id!)).toEqual(['new', 'fill']);
    expect(u.events(tp!.id!)).toEqual(['new', 'fill']);
    expect(u.events(sl!.id!)).toEqual(['new', 'canceled']);
    const nested = await alpaca.trading.orders.getAllOrders({ status: 'all', nested: true });
    expect(nested).toHaveLength(1);
    expect(nested[0]!.legs).toHaveLength(2);
    const flat = await alpaca.trading.orders.getAllOrders({ status: 'all' });
    expect(flat).toHaveLength(3);
    expect(await alpaca.trading.positions.getAllOpenPositions()).toEqual([]);
  });

  it('oco exit on a position: the stop leg fills and the take-profit is cancelled', async () => {
    const u = await openUpdates();
    await alpaca.trading.orders.market({ symbol: 'SPY', qty: 3, side: 'buy' });
    fake.advance(1);
    const last = lastPrice(fake, 'SPY');
    const ahead = futureTicks(fake, 'SPY', 240);
    const low = Math.min(...ahead);
    expect(low).toBeLessThan(last - 0.05);
    const oco = await alpaca.trading.orders.oco({
      symbol: 'SPY',
      qty: 3,
      side: 'sell',
      takeProfit: { limitPrice: (Math.ceil(Math.max(...ahead)) + 5).toFixed(2) },
      stopLoss: { stopPrice: cents((last + low) / 2) },
    });
    expect(oco.orderClass).toBe('oco');
    fake.advance(240);
    const stopLeg = oco.legs![0]!;
    await u.until((all) => all.some((x) => x.order.id === stopLeg.id && x.event === 'fill'));
    await u.until((all) => all.some((x) => x.order.id === oco.id && x.event === 'canceled'));
    expect(await alpaca.trading.positions.getAllOpenPositions()).toEqual([]);
  });

  it('client order ids are unique (422 even after cancel) and found through orders:by_client_order_id', async () => {
    const first = await alpaca.trading.orders.limit({
      symbol: 'AAPL',
      qty: 1,
      side: 'buy',
      limitPrice: '1.00',
      clientOrderId: 'intent-42',
    });
    const duplicate = await errorOf(
      alpaca.trading.orders.limit({
        symbol: 'AAPL',
        qty: 1,
        side: 'buy',
        limitPrice: '1.00',
        clientOrderId: 'intent-42',
      }),
    );
    expect(duplicate).toBeInstanceOf(ValidationError);
    expect((duplicate as ValidationError).code).toBe(40010001);
    expect((duplicate as Error).message).toBe('client_order_id must be unique');
    await alpaca.trading.orders.deleteOrderByOrderID({ orderId: first.id! });
    expect(
      await errorOf(
        alpaca.trading.orders.market({ symbol: 'AAPL', qty: 1, side: 'buy', clientOrderId: 'intent-42' }),
      ),
    ).toBeInstanceOf(ValidationError);
    const found = await alpaca.trading.orders.getOrderByClientOrderId({ clientOrderId: 'intent-42' });
    expect(found.id).toBe(first.id);
    expect(found.status).toBe('canceled');
    expect(
      await errorOf(alpaca.trading.orders.getOrderByClientOrderId({ clientOrderId: 'never-sent' })),
    ).toBeInstanceOf(NotFoundError);
  });

  it('GET /v2/orders filters by status, symbols, side, and direction', async () => {
    await alpaca.trading.orders.limit({ symbol: 'AAPL', qty: 1, side: 'buy', limitPrice: '1.00' });
    await alpaca.trading.orders.limit({ symbol: 'MSFT', qty: 1, side: 'buy', limitPrice: '1.00' });
    const filled = await alpaca.trading.orders.market({ symbol: 'AAPL', qty: 1, side: 'buy' });
    fake.advance(1);
    expect((await alpaca.trading.orders.getAllOrders()).map((o) => o.symbol)).toEqual(['MSFT', 'AAPL']);
    expect((await alpaca.trading.orders.getAllOrders({ status: 'closed' })).map((o) => o.id)).toEqual([
      filled.id,
    ]);
    expect(await alpaca.trading.orders.getAllOrders({ status: 'all', symbols: ['AAPL'] })).toHaveLength(2);
    expect(await alpaca.trading.orders.getAllOrders({ status: 'all', side: 'sell' })).toHaveLength(0);
    const asc = await alpaca.trading.orders.getAllOrders({ status: 'all', direction: 'asc', limit: 2 });
    expect(asc.map((o) => o.symbol)).toEqual(['AAPL', 'MSFT']);
  });

  it('partial fills: a share of bar volume per bar, partial_fill events then fill, unique execution ids', async () => {
    const u = await openUpdates();
    await fakeJson(fake, 'POST', '/__fake/config', { fillParticipation: 0.0002 });
    const order = await alpaca.trading.orders.market({ symbol: 'NOSH', qty: 40, side: 'buy' });
    fake.advance(30);
    await u.until((all) => all.some((x) => x.order.id === order.id && x.event === 'fill'));
    const fills = u.forOrder(order.id!).filter((x) => x.event === 'partial_fill' || x.event === 'fill');
    expect(fills.length).toBeGreaterThan(1);
    expect(fills.slice(0, -1).every((x) => x.event === 'partial_fill')).toBe(true);
    expect(fills.reduce((sum, x) => sum + Number(x.qty), 0)).toBe(40);
    expect(new Set(fills.map((x) => x.executionId)).size).toBe(fills.length);
    expect(fills.at(-1)!.positionQty).toBe('40');
  });

  it('day orders expire at the close; orders sent while closed wait for the open', async () => {
    const u = await openUpdates();
    const day = await alpaca.trading.orders.limit({
      symbol: 'AAPL',
      qty: 1,
      side: 'buy',
      limitPrice: '1.00',
    });
    const gtc = await alpaca.trading.orders.limit({
      symbol: 'AAPL',
      qty: 1,
      side: 'buy',
      limitPrice: '1.00',
      timeInForce: 'gtc',
    });
    fake.advance(6 * 60 + 1); // past 16:00 New York
    await u.until((all) => all.some((x) => x.order.id === day.id && x.event === 'expired'));
    expect((await alpaca.trading.orders.getOrderByOrderID({ orderId: gtc.id! })).status).toBe('new');
    expect((await alpaca.trading.clock.legacyClock()).isOpen).toBe(false);
    const overnight = await alpaca.trading.orders.market({ symbol: 'AAPL', qty: 1, side: 'buy' });
    expect(overnight.status).toBe('accepted');
    fake.advance(17.5 * 60 + 1); // to the next open, 09:30
    await u.until((all) => all.some((x) => x.order.id === overnight.id && x.event === 'fill'));
    expect(u.events(overnight.id!)).toEqual(['new', 'fill']);
  });

  it('positions after fills match the fake, and a position can be closed', async () => {
    await alpaca.trading.orders.market({ symbol: 'AAPL', qty: 3, side: 'buy' });
    await alpaca.trading.orders.market({ symbol: 'MSFT', qty: 2, side: 'sell' });
    await alpaca.trading.orders.market({ symbol: 'BTC/USD', qty: '0.01', side: 'buy', timeInForce: 'gtc' });
    fake.advance(1);
    const positions = await alpaca.trading.positions.getAllOpenPositions();
    expect(positions.map((p) => [p.symbol, p.qty, p.side])).toEqual([
      ['AAPL', '3', 'long'],
      ['BTCUSD', '0.01', 'long'],
      ['MSFT', '-2', 'short'],
    ]);
    const state = fake.accountState(fake.broker.accounts.get(fake.keys.paper.keyId)!);
    expect(state.positions).toHaveLength(3);
    const account = await alpaca.trading.account.getAccount();
    expect(Number(account.shortMarketValue)).toBeLessThan(0);
    const close = await alpaca.trading.positions.deleteOpenPosition({ symbolOrAssetId: 'AAPL' });
    expect(close.side).toBe('sell');
    fake.advance(1);
    expect((await alpaca.trading.positions.getAllOpenPositions()).map((p) => p.symbol)).toEqual([
      'BTCUSD',
      'MSFT',
    ]);
  });
});

describe('market data REST', () => {
  it('pages bars with limit / page_token / next_page_token and ends with null', async () => {
    const start = new Date('2025-02-24T00:00:00Z');
    const end = new Date('2025-03-01T00:00:00Z');
    const whole = await alpaca.marketData.stocks.stockBars({
      symbols: 'AAPL,MSFT',
      timeframe: '1Min',
      start,
      end,
      limit: 10_000,
      feed: 'iex',
    });
    expect(whole.nextPageToken).toBeNull();
    const total = (whole.bars['AAPL']?.length ?? 0) + (whole.bars['MSFT']?.length ?? 0);
    expect(whole.bars['AAPL']).toHaveLength(5 * 390);
    let token: string | undefined;
    let pages = 0;
    const seen: string[] = [];
    do {
      const page = await alpaca.marketData.stocks.stockBars({
        symbols: 'AAPL,MSFT',
        timeframe: '1Min',
        start,
        end,
        limit: 1000,
        feed: 'iex',
        ...(token === undefined ? {} : { pageToken: token }),
      });
      for (const [symbol, bars] of Object.entries(page.bars)) {
        for (const bar of bars as unknown as Array<{ t: string }>) seen.push(`${symbol}@${bar.t}`);
      }
      token = page.nextPageToken ?? undefined;
      pages++;
    } while (token !== undefined);
    expect(pages).toBe(Math.ceil(total / 1000));
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    const collected = await alpaca.marketData.collectStockBarsBySymbol({
      symbols: ['AAPL', 'MSFT'],
      timeframe: TimeFrame.Day,
      start,
      end,
      feed: 'iex',
    });
    expect(collected['AAPL']).toHaveLength(5);
    expect(new Date(collected['AAPL']![0]!.t).toISOString()).toBe('2025-02-24T05:00:00.000Z');
  });

  it('refuses recent SIP data on the free plan (403) and serves SIP older than 15 minutes', async () => {
    const recent = await errorOf(
      alpaca.marketData.stocks.stockBars({ symbols: 'AAPL', timeframe: '1Min', feed: 'sip' }),
    );
    expect(recent).toBeInstanceOf(PermissionError);
    expect((recent as Error).message).toMatch(/subscription does not permit querying recent SIP data/);
    const end = new Date(fake.broker.now() - 20 * 60_000);
    const start = new Date(end.getTime() - 10 * 60_000);
    const sip = await alpaca.marketData.stocks.stockBars({
      symbols: 'AAPL',
      timeframe: '1Min',
      feed: 'sip',
      start,
      end,
    });
    const iex = await alpaca.marketData.stocks.stockBars({
      symbols: 'AAPL',
      timeframe: '1Min',
      feed: 'iex',
      start,
      end,
    });
    const [s, i] = [sip.bars['AAPL']![0]!, iex.bars['AAPL']![0]!] as Array<{ c: number; v: number }>;
    expect(s.c).toBe(i!.c);
    expect(i!.v).toBeLessThan(s!.v);
  });

  it('returns no bars for an unknown symbol, and crypto bars without keys', async () => {
    const unknown = await alpaca.marketData.stocks.stockBars({
      symbols: 'ZZZZ',
      timeframe: '1Min',
      feed: 'iex',
    });
    expect(unknown.bars).toEqual({});
    expect(unknown.nextPageToken).toBeNull();
    const crypto = await fetch(
      `${fake.url}/v1beta3/crypto/us/bars?symbols=BTC%2FUSD&timeframe=1Hour&start=2025-03-04T00:00:00Z&end=2025-03-04T23:59:59Z`,
    );
    const body = (await crypto.json()) as { bars: Record<string, unknown[]>; next_page_token: string | null };
    expect(body.bars['BTC/USD']).toHaveLength(24);
    expect(body.next_page_token).toBeNull();
  });
});

describe('fault injection', () => {
  it('429 with Retry-After: GETs are retried by the SDK; a POST surfaces RateLimitError and changes nothing', async () => {
    fake.addFault({
      kind: 'status',
      status: 429,
      retryAfter: 0.05,
      method: 'GET',
      path: '/v2/account',
      times: 1,
    });
    expect((await alpaca.trading.account.getAccount()).status).toBe('ACTIVE');
    fake.addFault({
      kind: 'status',
      status: 429,
      retryAfter: 3,
      method: 'POST',
      path: '/v2/orders',
      times: 1,
    });
    const error = await errorOf(
      alpaca.trading.orders.market({ symbol: 'AAPL', qty: 1, side: 'buy', clientOrderId: 'rl' }),
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(3000);
    expect(
      await errorOf(alpaca.trading.orders.getOrderByClientOrderId({ clientOrderId: 'rl' })),
    ).toBeInstanceOf(NotFoundError);
  });

  it('real rate limit: 200 requests per minute per key, then 429', async () => {
    const limited = await startFake({ rateLimitPerMinute: 3 });
    try {
      const client = sdk(limited, limited.keys.paper, { retry: false });
      for (let i = 0; i < 3; i++) await client.trading.clock.legacyClock();
      const error = await errorOf(client.trading.clock.legacyClock());
      expect(error).toBeInstanceOf(RateLimitError);
    } finally {
      await limited.close();
    }
  });

  it('5xx: the order is not placed and the SDK reports an ApiError', async () => {
    fake.addFault({ kind: 'status', status: 503, method: 'POST', path: '/v2/orders', times: 1 });
    const error = await errorOf(
      alpaca.trading.orders.market({ symbol: 'AAPL', qty: 1, side: 'buy', clientOrderId: 'x5' }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect(await alpaca.trading.orders.getAllOrders({ status: 'all' })).toHaveLength(0);
  });

  it('a dropped response leaves exactly one order that orders:by_client_order_id finds', async () => {
    const u = await openUpdates();
    fake.addFault({ kind: 'drop', method: 'POST', path: '/v2/orders', times: 1 });
    const error = await errorOf(
      alpaca.trading.orders.market({ symbol: 'AAPL', qty: 2, side: 'buy', clientOrderId: 'intent-dropped' }),
    );
    expect(error).toBeInstanceOf(FetchError);
    const found = await alpaca.trading.orders.getOrderByClientOrderId({ clientOrderId: 'intent-dropped' });
    expect(found.status).toBe('new');
    const all = await alpaca.trading.orders.getAllOrders({ status: 'all' });
    expect(all.filter((o) => o.clientOrderId === 'intent-dropped')).toHaveLength(1);
    await u.until((x) => x.some((e) => e.order.id === found.id && e.event === 'new'));
  });

  it('slow responses: a client timeout after the order was accepted; delay-before changes nothing', async () => {
    const impatient = sdk(fake, fake.keys.paper, { timeoutMs: 150 });
    fake.addFault({ kind: 'delay', delayMs: 600, method: 'POST', path: '/v2/orders', times: 1 });
    const error = await errorOf(
      impatient.trading.orders.market({ symbol: 'AAPL', qty: 1, side: 'buy', clientOrderId: 'slow-1' }),
    );
    expect(error).toBeInstanceOf(FetchError);
    expect((await alpaca.trading.orders.getOrderByClientOrderId({ clientOrderId: 'slow-1' })).status).toBe(
      'new',
    );
    fake.addFault({
      kind: 'delay',
      delayMs: 600,
      phase: 'before',
      method: 'GET',
      path: '/v2/clock',
      times: 1,
    });
    const started = Date.now();
    await alpaca.trading.clock.legacyClock();
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
  });

  it('trading-stream disconnect: the SDK reconnects, re-authorizes, and later events arrive', async () => {
    const u = await openUpdates();
    const reconnected = new Promise<void>((resolve) => u.stream.onReconnected(() => resolve()));
    expect(await fakeJson(fake, 'POST', '/__fake/disconnect', { stream: 'trading' })).toMatchObject({
      status: 200,
      body: { closed: 1 },
    });
    await reconnected;
    await u.until(() => fake.listeningTradingClients() === 1);
    const order = await alpaca.trading.orders.market({ symbol: 'AAPL', qty: 1, side: 'buy' });
    await u.until((all) => all.some((x) => x.order.id === order.id && x.event === 'new'));
  });

  it('silent stream: connected and authorized, but no events until the fault is lifted', async () => {
    const u = await openUpdates();
    await fakeJson(fake, 'POST', '/__fake/faults', { kind: 'silent-stream' });
    const quiet = await alpaca.trading.orders.market({ symbol: 'AAPL', qty: 1, side: 'buy' });
    fake.advance(1);
    await sleep(200);
    expect(u.forOrder(quiet.id!)).toEqual([]);
    expect((await alpaca.trading.orders.getOrderByOrderID({ orderId: quiet.id! })).status).toBe('filled');
    await fakeJson(fake, 'DELETE', '/__fake/faults');
    const loud = await alpaca.trading.orders.market({ symbol: 'AAPL', qty: 1, side: 'buy' });
    await u.until((all) => all.some((x) => x.order.id === loud.id && x.event === 'new'));
  });

  it('duplicate trade updates: the same fill (same execution_id) arrives twice', async () => {
    const u = await openUpdates();
    const order = await alpaca.trading.orders.market({ symbol: 'AAPL', qty: 1, side: 'buy' });
    await u.until((all) => all.some((x) => x.order.id === order.id));
    fake.addFault({ kind: 'duplicate-events', times: 1 });
    fake.advance(1);
    await u.until((all) => all.filter((x) => x.order.id === order.id && x.event === 'fill').length === 2);
    const fills = u.forOrder(order.id!).filter((x) => x.event === 'fill');
    expect(fills[0]!.executionId).toBe(fills[1]!.executionId);
  });

  it('the control API validates rules and lists them', async () => {
    const bad = await fakeJson(fake, 'POST', '/__fake/faults', { kind: 'status', status: 200 });
    expect(bad.status).toBe(400);
    const ok = await fakeJson(fake, 'POST', '/__fake/faults', {
      rules: [
        { kind: 'status', status: 500, path: '/v2/positions', probability: 0.5 },
        { kind: 'duplicate-events', times: 3 },
      ],
    });
    expect(ok.status).toBe(200);
    const listed = await fakeJson(fake, 'GET', '/__fake/faults');
    expect((listed.body as { faults: unknown[] }).faults).toHaveLength(2);
    const advanced = await fakeJson(fake, 'POST', '/__fake/advance', { minutes: 2 });
    expect(advanced.body).toMatchObject({ to: '2025-03-05T15:02:00.000Z', ticks: 8 });
  });
});

describe('market-data streams (msgpack)', () => {
  it('delivers minute bars for subscribed symbols, equal to the REST bars', async () => {
    const stream = alpaca.marketData.stockStream({ feed: 'iex', url: fake.streamUrls.iex, reconnect: false });
    const bars: streaming.StreamBar[] = [];
    stream.onBar((b) => bars.push(b));
    const subscribed = new Promise<void>((resolve) => stream.once('subscription', () => resolve()));
    stream.subscribeForBars(['AAPL', 'MSFT']);
    stream.connect();
    try {
      expect((await stream.waitForAuthenticationResult(3_000)).authenticated).toBe(true);
      await subscribed;
      fake.advance(2); // two bars complete: 15:00 and 15:01
      for (let i = 0; i < 50 && bars.length < 4; i++) await sleep(20);
      expect(bars.map((b) => b.symbol).sort()).toEqual(['AAPL', 'AAPL', 'MSFT', 'MSFT']);
      const rest = await alpaca.marketData.stocks.stockBars({
        symbols: 'AAPL',
        timeframe: '1Min',
        feed: 'iex',
        start: new Date('2025-03-05T15:00:00Z'),
      });
      const first = bars.find((b) => b.symbol === 'AAPL')!;
      const restFirst = rest.bars['AAPL']![0] as unknown as { t: string; c: number; v: number };
      expect(first.timestamp.toISOString()).toBe(new Date(restFirst.t).toISOString());
      expect(first.close).toBe(restFirst.c);
      expect(first.volume).toBe(restFirst.v);

      // One stock connection per account: a second one is refused with 406.
      const second = alpaca.marketData.stockStream({
        feed: 'iex',
        url: fake.streamUrls.iex,
        reconnect: false,
      });
      const errors: string[] = [];
      second.onError((e) => errors.push(e));
      second.connect();
      for (let i = 0; i < 50 && errors.length === 0; i++) await sleep(20);
      expect(errors).toContain('connection limit exceeded');
      second.disconnect();
    } finally {
      stream.disconnect();
    }
  });

  it('refuses the SIP stream on the free plan and streams crypto bars', async () => {
    const sip = alpaca.marketData.stockStream({ feed: 'sip', url: fake.streamUrls.sip, reconnect: false });
    const errors: string[] = [];
    sip.onError((e) => errors.push(e));
    sip.connect();
    for (let i = 0; i < 50 && errors.length === 0; i++) await sleep(20);
    expect(errors).toContain('insufficient subscription');
    sip.disconnect();

    const crypto = alpaca.marketData.cryptoStream({ url: fake.streamUrls.crypto, reconnect: false });
    const bars: streaming.StreamBar[] = [];
    crypto.onBar((b) => bars.push(b));
    const subscribed = new Promise<void>((resolve) => crypto.once('subscription', () => resolve()));
    crypto.subscribeForBars(['BTC/USD']);
    crypto.connect();
    try {
      await subscribed;
      fake.advance(2);
      for (let i = 0; i < 50 && bars.length < 2; i++) await sleep(20);
      expect(bars.map((b) => b.symbol)).toEqual(['BTC/USD', 'BTC/USD']);
      expect(bars[0]!.volume).toBeGreaterThan(0);
    } finally {
      crypto.disconnect();
    }
  });
});
