// Alpaca's option data through the real SDK against recorded answers (Alpaca's wire JSON, served by a stand-in
// fetch): contracts and chain snapshots mapped to listings and quotes, pages followed, bad answers named, the
// live quote source refreshed once a day for the listing and every bar for the quotes.
import { Alpaca, trading } from '@alpacahq/alpaca-trade-api';
import { describe, expect, it } from 'vitest';
import {
  brokerAccountOf,
  brokerPositionOf,
  postOrderRequestOf,
} from '../../../../src/main/adapters/alpaca/broker-shapes';
import { AlpacaOptionQuotes } from '../../../../src/main/adapters/alpaca/option-quotes';
import {
  listingOf,
  optionContractOf,
  optionQuoteOf,
} from '../../../../src/main/adapters/alpaca/option-shapes';
import { AlpacaOptionData, OptionDataError } from '../../../../src/main/adapters/alpaca/options';
import { optionPositionsOf } from '../../../../src/main/adapters/alpaca/reconcile';

// ---- recorded wire JSON (Alpaca's field names; strikes and multipliers as strings, as Alpaca sends them) ----

const contractJson = (expiry: string, strike: number, type: 'put' | 'call' = 'put') => {
  const [y, m, d] = expiry.split('-');
  const symbol = `SPY${y!.slice(2)}${m}${d}${type === 'put' ? 'P' : 'C'}${String(strike * 1000).padStart(8, '0')}`;
  return {
    id: `id-${symbol}`,
    symbol,
    name: `SPY ${expiry} ${strike} ${type}`,
    status: 'active',
    tradable: true,
    expiration_date: expiry,
    root_symbol: 'SPY',
    underlying_symbol: 'SPY',
    underlying_asset_id: 'b28f4066-5c6d-479b-a2af-85dc1a8f16fb',
    type,
    style: 'american',
    strike_price: String(strike),
    multiplier: '100',
    size: '100',
    open_interest: '1200',
    open_interest_date: '2025-03-04',
    close_price: '2.15',
    close_price_date: '2025-03-04',
  };
};

const snapshotJson = (bid: number, ask: number, t = '2025-03-05T15:29:59.5Z') => ({
  latestQuote: { ap: ask, as: 10, ax: 'C', bp: bid, bs: 12, bx: 'X', c: 'A', t },
  latestTrade: { c: 'I', p: (bid + ask) / 2, s: 1, t, x: 'C' },
  greeks: { delta: -0.52, gamma: 0.09, rho: -0.01, theta: -0.8, vega: 0.12 },
  impliedVolatility: 0.18,
});

interface Asked {
  readonly path: string;
  readonly query: URLSearchParams;
}

/** The real SDK, whose fetch answers from `route` (a status and JSON body per request). */
function recordedSdk(route: (path: string, query: URLSearchParams) => { status?: number; body: unknown }): {
  alpaca: Alpaca;
  asked: Asked[];
} {
  const asked: Asked[] = [];
  const alpaca = new Alpaca({
    keyId: 'PKTEST',
    secret: 'secret',
    paper: true,
    rateLimit: false,
    retry: false,
    fetchApi: async (url: string) => {
      const u = new URL(url);
      asked.push({ path: u.pathname, query: u.searchParams });
      const answer = route(u.pathname, u.searchParams);
      return new Response(JSON.stringify(answer.body), {
        status: answer.status ?? 200,
        headers: { 'Content-Type': 'application/json' },
      });
    },
  });
  return { alpaca, asked };
}

describe('option shapes (SDK objects → domain)', () => {
  it('a contract: string strike and multiplier parsed, the expiry as a date, the OCC symbol checked', async () => {
    const { alpaca } = recordedSdk(() => ({
      body: { option_contracts: [contractJson('2025-03-05', 571)], next_page_token: null },
    }));
    const [contract] = await new AlpacaOptionData({ alpaca }).contracts({
      underlying: 'spy',
      from: '2025-03-05',
    });
    expect(contract).toEqual({
      symbol: 'SPY250305P00571000',
      underlying: 'SPY',
      expiry: '2025-03-05',
      right: 'put',
      strike: 571,
      style: 'american',
      tradable: true,
      multiplier: 100,
    });
  });

  it('a contract whose symbol disagrees with its fields, or a strike that is not a number, is named', () => {
    const wrong = {
      ...contractJson('2025-03-05', 571),
      strikePrice: '572',
      expirationDate: new Date('2025-03-05'),
    };
    expect(() =>
      optionContractOf({ ...wrong, underlyingSymbol: 'SPY', type: 'put', style: 'american', tradable: true }),
    ).toThrow(
      'Alpaca sent an unreadable option contract SPY250305P00571000: the symbol says put 571 expiring 2025-03-05, the fields put 572 expiring 2025-03-05',
    );
    expect(() =>
      optionContractOf({
        symbol: 'SPY250305P00571000',
        underlyingSymbol: 'SPY',
        expirationDate: new Date('2025-03-05'),
        type: 'put',
        style: 'american',
        tradable: true,
        strikePrice: 'n/a',
      }),
    ).toThrow('option contract SPY250305P00571000: strikePrice: not a number: "n/a"');
  });

  it('a snapshot as a quote: bid/ask per share, its time, greeks and IV; no two-sided quote → none', () => {
    const quote = optionQuoteOf(
      'SPY250305P00571000',
      {
        latestQuote: { ap: 2.2, bp: 2.1, t: new Date('2025-03-05T15:29:59.500Z') },
        greeks: { delta: -0.52, gamma: 0.09, theta: -0.8, vega: 0.12, rho: -0.01 },
        impliedVolatility: 0.18,
      },
      571.2,
    );
    expect(quote).toEqual({
      symbol: 'SPY250305P00571000',
      bid: 2.1,
      ask: 2.2,
      time: Date.parse('2025-03-05T15:29:59.500Z'),
      underlyingPrice: 571.2,
      impliedVolatility: 0.18,
      delta: -0.52,
      gamma: 0.09,
      theta: -0.8,
      vega: 0.12,
    });
    expect(optionQuoteOf('X', {}, 571)).toBeNull();
    expect(optionQuoteOf('X', { latestQuote: { ap: 0.05, bp: 0, t: new Date() } }, 571)).toBeNull();
    expect(() => optionQuoteOf('X', { latestQuote: { ap: 1, bp: 1.2, t: new Date() } }, 571)).toThrow(
      'option snapshot of X: latestQuote: the bid 1.2 is above the ask 1',
    );
    expect(() => optionQuoteOf('X', { latestQuote: { ap: '1', bp: 0.9, t: new Date() } }, 571)).toThrow(
      'option snapshot of X (latest quote): ap:',
    );
  });

  it('a listing: expiries ascending, each strike once and ascending', () => {
    const contracts = ['2025-03-07', '2025-03-05'].flatMap((expiry) =>
      [572, 570, 571].flatMap((strike) => [
        optionContractOf(sdkShaped(contractJson(expiry, strike, 'put'))),
        optionContractOf(sdkShaped(contractJson(expiry, strike, 'call'))),
      ]),
    );
    expect(listingOf('SPY', contracts)).toEqual({
      underlying: 'SPY',
      expiries: [
        { expiry: '2025-03-05', strikes: [570, 571, 572] },
        { expiry: '2025-03-07', strikes: [570, 571, 572] },
      ],
    });
  });
});

/** What the SDK makes of a wire contract (its own deserializer: camelCase, the expiry as a Date). */
const sdkShaped = (json: ReturnType<typeof contractJson>): unknown => trading.OptionContractFromJSON(json);

describe('AlpacaOptionData through the SDK', () => {
  it('follows the contracts pages and asks for the expiry window, the right and the strikes', async () => {
    const { alpaca, asked } = recordedSdk((_path, query) =>
      query.get('page_token') === null
        ? { body: { option_contracts: [contractJson('2025-03-05', 570)], next_page_token: 'p2' } }
        : { body: { option_contracts: [contractJson('2025-03-05', 571)], next_page_token: null } },
    );
    const listing = await new AlpacaOptionData({ alpaca }).listing({
      underlying: 'SPY',
      from: '2025-03-05',
      to: '2025-03-12',
      right: 'put',
      strikeFrom: 550,
      strikeTo: 590,
    });
    expect(listing.expiries).toEqual([{ expiry: '2025-03-05', strikes: [570, 571] }]);
    expect(asked.map((a) => a.path)).toEqual(['/v2/options/contracts', '/v2/options/contracts']);
    const first = asked[0]!.query;
    expect(Object.fromEntries(first)).toMatchObject({
      underlying_symbols: 'SPY',
      status: 'active',
      expiration_date_gte: '2025-03-05',
      expiration_date_lte: '2025-03-12',
      type: 'put',
      strike_price_gte: '550',
      strike_price_lte: '590',
    });
    expect(asked[1]!.query.get('page_token')).toBe('p2');
  });

  it('no contract at all is an error naming the underlying and the expiry', async () => {
    const { alpaca } = recordedSdk(() => ({ body: { option_contracts: [], next_page_token: null } }));
    const data = new AlpacaOptionData({ alpaca });
    await expect(data.listing({ underlying: 'SPY', from: '2025-03-05' })).rejects.toThrow(
      new OptionDataError('Alpaca lists no SPY option contracts expiring 2025-03-05'),
    );
    await expect(
      data.listing({ underlying: 'SPY', from: '2025-03-05', to: '2025-03-12', right: 'put' }),
    ).rejects.toThrow('Alpaca lists no SPY put contracts expiring 2025-03-05 to 2025-03-12');
  });

  it('a refused request names what was asked and Alpaca’s reason; a repeated page token stops the paging', async () => {
    const refused = recordedSdk(() => ({
      status: 403,
      body: { code: 40310000, message: 'subscription does not permit querying option data' },
    }));
    await expect(
      new AlpacaOptionData({ alpaca: refused.alpaca }).chain({ underlying: 'SPY', from: '2025-03-05' }, 571),
    ).rejects.toThrow(
      'Alpaca refused the SPY option chain: HTTP 403: subscription does not permit querying option data',
    );
    const looping = recordedSdk(() => ({ body: { snapshots: {}, next_page_token: 'same' } }));
    await expect(
      new AlpacaOptionData({ alpaca: looping.alpaca }).chain({ underlying: 'SPY', from: '2025-03-05' }, 571),
    ).rejects.toThrow('Alpaca sent the same page token twice for the SPY option chain; stopped paging');
  });

  it('chain snapshots over two pages become quotes; an unquoted contract is left out', async () => {
    const { alpaca, asked } = recordedSdk((_path, query) =>
      query.get('page_token') === null
        ? {
            body: {
              snapshots: { SPY250305P00571000: snapshotJson(2.1, 2.2), SPY250305P00570000: {} },
              next_page_token: 'n',
            },
          }
        : { body: { snapshots: { SPY250305P00572000: snapshotJson(2.6, 2.7) }, next_page_token: null } },
    );
    const quotes = await new AlpacaOptionData({ alpaca, feed: 'indicative' }).chain(
      { underlying: 'SPY', from: '2025-03-05', right: 'put' },
      571.2,
    );
    expect(quotes.map((q) => [q.symbol, q.bid, q.ask, q.underlyingPrice])).toEqual([
      ['SPY250305P00571000', 2.1, 2.2, 571.2],
      ['SPY250305P00572000', 2.6, 2.7, 571.2],
    ]);
    expect(asked[0]!.path).toBe('/v1beta1/options/snapshots/SPY');
    expect(asked[0]!.query.get('feed')).toBe('indicative');
    expect(asked[0]!.query.get('type')).toBe('put');
  });

  it('option bars are read per contract across pages; an impossible bar is named', async () => {
    const bar = (t: string, o: number, h: number, l: number, c: number) => ({
      t,
      o,
      h,
      l,
      c,
      v: 5,
      n: 2,
      vw: c,
    });
    const { alpaca } = recordedSdk((_path, query) =>
      query.get('page_token') === null
        ? {
            body: {
              bars: { SPY250305P00571000: [bar('2025-03-05T14:30:00Z', 2, 2.2, 1.9, 2.1)] },
              next_page_token: 'x',
            },
          }
        : {
            body: {
              bars: { SPY250305P00571000: [bar('2025-03-05T14:35:00Z', 2.1, 2.3, 2, 2.2)] },
              next_page_token: null,
            },
          },
    );
    const bars = await new AlpacaOptionData({ alpaca }).bars(
      ['SPY250305P00571000'],
      '5Min',
      Date.parse('2025-03-05T14:30:00Z'),
      Date.parse('2025-03-05T15:00:00Z'),
    );
    expect(bars.SPY250305P00571000!.map((b) => [b.time, b.close])).toEqual([
      [Date.parse('2025-03-05T14:30:00Z'), 2.1],
      [Date.parse('2025-03-05T14:35:00Z'), 2.2],
    ]);
    const bad = recordedSdk(() => ({
      body: {
        bars: { SPY250305P00571000: [bar('2025-03-05T14:30:00Z', 2, 2.05, 1.9, 2.1)] },
        next_page_token: null,
      },
    }));
    await expect(
      new AlpacaOptionData({ alpaca: bad.alpaca }).bars(['SPY250305P00571000'], '5Min', 0, 1),
    ).rejects.toThrow('option bar 0 of SPY250305P00571000: open 2 / close 2.1 outside low 1.9 – high 2.05');
  });
});

describe('AlpacaOptionQuotes (the live quote source)', () => {
  function chainServer() {
    let bid = 2.1;
    const served = recordedSdk((path) => {
      if (path === '/v2/options/contracts')
        return {
          body: {
            option_contracts: [570, 571, 572].map((k) => contractJson('2025-03-05', k)),
            next_page_token: null,
          },
        };
      if (path === '/v1beta1/options/snapshots/SPY')
        return {
          body: { snapshots: { SPY250305P00571000: snapshotJson(bid, bid + 0.1) }, next_page_token: null },
        };
      // per-symbol snapshots: a held contract outside the chain's strike window
      return { body: { snapshots: { SPY250305P00600000: snapshotJson(28.5, 28.9) }, next_page_token: null } };
    });
    return { ...served, setBid: (value: number) => (bid = value) };
  }
  const DAY_TIME = Date.parse('2025-03-05T15:30:00Z');

  it('lists the day once, quotes every refresh, and answers nothing before its day was refreshed', async () => {
    const { alpaca, asked, setBid } = chainServer();
    const quotes = new AlpacaOptionQuotes({ data: new AlpacaOptionData({ alpaca }), right: 'put' });
    expect(quotes.label).toBe('Alpaca option quotes (snapshots)');
    expect(quotes.synthetic).toBe(false);
    expect(quotes.listed('SPY', DAY_TIME)).toBeUndefined();
    await quotes.refresh('SPY', '2025-03-05', 571.2);
    expect(quotes.listed('SPY', DAY_TIME)?.expiries).toEqual([
      { expiry: '2025-03-05', strikes: [570, 571, 572] },
    ]);
    expect(quotes.listed('SPY', DAY_TIME + 86_400_000)).toBeUndefined();
    expect(quotes.quote('SPY250305P00571000', DAY_TIME, 571.2)?.bid).toBe(2.1);
    setBid(1.8);
    await quotes.refresh('SPY', '2025-03-05', 572.4);
    const q = quotes.quote('SPY250305P00571000', DAY_TIME, 572.4)!;
    expect([q.bid, q.underlyingPrice]).toEqual([1.8, 572.4]);
    expect(asked.filter((a) => a.path === '/v2/options/contracts')).toHaveLength(1);
    const chainAsk = asked.find((a) => a.path === '/v1beta1/options/snapshots/SPY')!.query;
    expect([chainAsk.get('strike_price_gte'), chainAsk.get('strike_price_lte')]).toEqual(['551.2', '591.2']);
    expect(chainAsk.get('expiration_date_lte')).toBe('2025-03-12');
  });

  it('a held contract outside the chain window is quoted from its own snapshot', async () => {
    const { alpaca, asked } = chainServer();
    const quotes = new AlpacaOptionQuotes({ data: new AlpacaOptionData({ alpaca }) });
    await quotes.refresh('SPY', '2025-03-05', 571.2, ['SPY250305P00600000', 'SPY250305P00571000']);
    expect(quotes.quote('SPY250305P00600000', DAY_TIME, 571.2)?.bid).toBe(28.5);
    const single = asked.find((a) => a.path === '/v1beta1/options/snapshots')!;
    expect(single.query.get('symbols')).toBe('SPY250305P00600000');
  });
});

describe('AlpacaOptionQuotes follows what is asked for', () => {
  it('a contract asked for (a holding marked) outside the chain window is quoted from the next refresh on', async () => {
    const served = recordedSdk((path) => {
      if (path === '/v2/options/contracts')
        return { body: { option_contracts: [contractJson('2025-03-05', 571)], next_page_token: null } };
      if (path === '/v1beta1/options/snapshots/SPY')
        return { body: { snapshots: { SPY250305P00571000: snapshotJson(2.1, 2.2) }, next_page_token: null } };
      return { body: { snapshots: { SPY250305P00600000: snapshotJson(28.5, 28.9) }, next_page_token: null } };
    });
    const quotes = new AlpacaOptionQuotes({ data: new AlpacaOptionData({ alpaca: served.alpaca }) });
    // A run that knows bars only: the bar's close time gives the trading day (10:30 New York → 2025-03-05).
    const live = quotes.forUnderlying('SPY');
    const time = Date.parse('2025-03-05T15:30:00Z');
    await live.refresh(time, 571.2);
    expect(live.listed('SPY', time)?.expiries[0]?.expiry).toBe('2025-03-05');
    expect(live.quote('SPY250305P00600000', time, 571.2)).toBeUndefined();
    await live.refresh(time + 300_000, 571.4);
    expect(live.quote('SPY250305P00600000', time + 300_000, 571.4)?.bid).toBe(28.5);
    expect(live.label).toBe('Alpaca option quotes (snapshots)');
    const single = served.asked.filter((a) => a.path === '/v1beta1/options/snapshots');
    expect(single.map((a) => a.query.get('symbols'))).toEqual(['SPY250305P00600000']);
  });
});

describe('broker shapes for options', () => {
  it('an option position: asset class us_option, 100 shares a contract; the account’s options fields', () => {
    const position = brokerPositionOf({
      symbol: 'SPY250305P00571000',
      qty: '2',
      side: 'long',
      avgEntryPrice: '2.2',
      marketValue: '420',
      assetClass: 'us_option',
    });
    expect(position).toMatchObject({ qty: 2, avgEntryPrice: 2.2, assetClass: 'us_option', multiplier: 100 });
    expect(brokerPositionOf({ symbol: 'SPY', qty: '3', avgEntryPrice: '571' })).toMatchObject({
      assetClass: 'us_equity',
      multiplier: 1,
    });
    const account = brokerAccountOf({
      status: 'ACTIVE',
      cash: '2000',
      equity: '2000',
      buyingPower: '4000',
      optionsTradingLevel: 1,
      optionsApprovedLevel: 2,
      optionsBuyingPower: '2000',
    });
    expect(account).toMatchObject({
      optionsTradingLevel: 1,
      optionsApprovedLevel: 2,
      optionsBuyingPower: 2000,
    });
    expect(() =>
      brokerAccountOf({
        status: 'ACTIVE',
        cash: '1',
        equity: '1',
        buyingPower: '1',
        optionsTradingLevel: 1.5,
      }),
    ).toThrow('optionsTradingLevel: not an options level: 1.5');
  });

  it('an option order: premium in whole cents at any price (a stock below $1 keeps 4 decimals)', () => {
    const base = {
      clientOrderId: 'c',
      side: 'buy' as const,
      type: 'limit' as const,
      qty: 2,
      timeInForce: 'day' as const,
    };
    expect(postOrderRequestOf({ ...base, symbol: 'SPY250305P00571000', limitPrice: 0.4567 })).toMatchObject({
      symbol: 'SPY250305P00571000',
      qty: '2',
      timeInForce: 'day',
      limitPrice: '0.46',
    });
    expect(postOrderRequestOf({ ...base, symbol: 'PENNY', limitPrice: 0.4567 }).limitPrice).toBe('0.4567');
  });

  it('positions sorted for an options run: long contracts on the underlying adopted, a short one named', () => {
    const p = (symbol: string, qty: number, assetClass = 'us_option') => ({
      symbol,
      qty,
      avgEntryPrice: 2.2,
      marketValue: 0,
      assetClass,
      multiplier: assetClass === 'us_option' ? 100 : 1,
    });
    const found = optionPositionsOf(
      [
        p('SPY250305P00571000', 2),
        p('SPY250305C00580000', -1),
        p('QQQ250305P00500000', 1),
        p('SPY', 5, 'us_equity'),
      ],
      'spy',
    );
    expect(found.adopt).toEqual([
      {
        symbol: 'SPY250305P00571000',
        contract: { root: 'SPY', expiry: '2025-03-05', right: 'put', strike: 571 },
        contracts: 2,
        avgPremium: 2.2,
      },
    ]);
    expect(found.problems).toEqual([
      'the account is short 1 SPY250305C00580000; an options run only buys, so close it first',
    ]);
    expect(found.others.map((o) => o.symbol)).toEqual(['QQQ250305P00500000', 'SPY']);
  });
});
