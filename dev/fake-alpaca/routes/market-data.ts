// Market-data REST: historical bars (stocks and crypto, paged) and the latest bar, trade and quote.

import type { Timeframe } from '../../../src/shared/domain/bars';
import { isoTime } from '../format';
import { type Feed, MINUTE_MS, parseTimeframe, type SymbolPath, type WireBar } from '../market';

import { badRequest, type Ctx, parseTime, type Reply, ReplyError } from './http';
import type { RouteHost } from './trading';

export interface BarsWindow {
  timeframe: Timeframe;
  start: number;
  end: number;
  now: number;
  limit: number;
  sort: 'asc' | 'desc';
  cursor: { symbol: string; t: string } | null;
}

/** Basic-plan accounts may not read SIP data newer than this (Alpaca's 15-minute rule). */
const SIP_DELAY_MS = 15 * MINUTE_MS;

export class MarketDataRoutes {
  private tradeSeq = 1_000;

  constructor(private readonly host: RouteHost) {}

  /** The window, size and page of a bars request (timeframe, start, end, limit, sort, page_token). */
  barsWindow(ctx: Ctx, defaultStart: number): BarsWindow {
    const q = ctx.url.searchParams;
    const timeframeText = q.get('timeframe');
    if (timeframeText === null) throw badRequest('timeframe is required');
    const timeframe = parseTimeframe(timeframeText);
    if (timeframe === null)
      throw badRequest(
        `invalid timeframe: ${timeframeText} (the fake serves 1Min, 5Min, 15Min, 1Hour, 1Day)`,
      );
    const now = this.host.broker.now();
    const start = parseTime(q.get('start'), 'start') ?? defaultStart;
    const end = parseTime(q.get('end'), 'end') ?? now;
    if (end < start) throw badRequest('end should not be before start');
    const limitText = q.get('limit');
    const limit = limitText === null ? 1000 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      throw badRequest('invalid limit: must be 1..10000');
    const sort = q.get('sort') ?? 'asc';
    if (sort !== 'asc' && sort !== 'desc') throw badRequest(`invalid sort: ${sort}`);
    const token = q.get('page_token');
    let cursor: { symbol: string; t: string } | null = null;
    if (token !== null && token !== '') {
      const decoded = Buffer.from(token, 'base64url').toString('utf8');
      const sep = decoded.lastIndexOf('|');
      if (sep < 0) throw badRequest('invalid page_token');
      cursor = { symbol: decoded.slice(0, sep), t: decoded.slice(sep + 1) };
    }
    return { timeframe, start, end, now, limit, sort, cursor };
  }

  /**
   * One page of bars over `symbols` (sorted; `barsOf` gives a symbol's bars oldest first, or null when it has
   * none): at most `limit` bars across symbols, and the token of the next bar when more are left.
   */
  pageBars(
    window: BarsWindow,
    symbols: string[],
    barsOf: (symbol: string) => WireBar[] | null,
  ): { bars: Record<string, WireBar[]>; next: string | null } {
    const { cursor, limit } = window;
    const ordered = [...new Set(symbols)].sort();
    const out: Record<string, WireBar[]> = {};
    let count = 0;
    let started = cursor === null;
    for (const symbol of ordered) {
      if (!started && symbol < cursor!.symbol) continue;
      let bars = barsOf(symbol);
      if (bars === null) continue;
      if (window.sort === 'desc') bars = bars.reverse();
      for (const bar of bars) {
        if (!started) {
          if (symbol === cursor!.symbol && bar.t === cursor!.t) started = true;
          else if (symbol > cursor!.symbol) started = true;
          else continue;
        }
        if (count === limit) {
          return { bars: out, next: Buffer.from(`${symbol}|${bar.t}`, 'utf8').toString('base64url') };
        }
        const list = out[symbol] ?? [];
        out[symbol] = list;
        list.push(bar);
        count++;
      }
    }
    return { bars: out, next: null };
  }

  barsQuery(
    ctx: Ctx,
    symbols: string[],
    crypto: boolean,
  ): { bars: Record<string, WireBar[]>; next: string | null } {
    const q = ctx.url.searchParams;
    const now = this.host.broker.now();
    const dayStart = crypto
      ? Math.floor(now / 86_400_000) * 86_400_000
      : Date.parse(`${isoTime(now).slice(0, 10)}T00:00:00Z`);
    const window = this.barsWindow(ctx, dayStart);
    let feed: Feed = 'iex';
    if (!crypto) {
      const feedText = q.get('feed') ?? (this.host.plan === 'sip' ? 'sip' : 'iex');
      if (feedText !== 'iex' && feedText !== 'sip') throw badRequest(`invalid feed: ${feedText}`);
      feed = feedText;
    }
    if (!crypto && feed === 'sip' && this.host.plan === 'basic' && window.end > now - SIP_DELAY_MS) {
      throw new ReplyError(403, {
        code: 40310000,
        message: 'subscription does not permit querying recent SIP data',
      });
    }
    return this.pageBars(window, symbols, (symbol) => {
      const path = this.host.broker.market.find(symbol);
      if (path === undefined || (path.asset.assetClass === 'crypto') !== crypto) return null;
      return path.bars(window.timeframe, window.start, window.end, now, feed);
    });
  }

  symbolsParam(ctx: Ctx): string[] {
    const values = ctx.url.searchParams.getAll('symbols');
    const symbols = values
      .flatMap((v) => v.split(','))
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (symbols.length === 0) throw badRequest('symbols is required');
    return symbols;
  }

  stockBars(ctx: Ctx, single: string | null): Reply {
    const symbols =
      single === null ? this.symbolsParam(ctx).map((s) => s.toUpperCase()) : [single.toUpperCase()];
    const { bars, next } = this.barsQuery(ctx, symbols, false);
    if (single !== null) {
      return {
        status: 200,
        body: { symbol: symbols[0], bars: bars[symbols[0]!] ?? [], next_page_token: next },
      };
    }
    return { status: 200, body: { bars, next_page_token: next } };
  }

  cryptoBars(ctx: Ctx): Reply {
    const { bars, next } = this.barsQuery(ctx, this.symbolsParam(ctx), true);
    return { status: 200, body: { bars, next_page_token: next } };
  }

  latest(ctx: Ctx, what: 'bars' | 'trades' | 'quotes', single: string | null, crypto: boolean): Reply {
    const symbols = single === null ? this.symbolsParam(ctx) : [single];
    const now = this.host.broker.now();
    const feedText = ctx.url.searchParams.get('feed') ?? 'iex';
    if (!crypto && feedText !== 'iex' && feedText !== 'sip' && feedText !== 'delayed_sip') {
      throw badRequest(`invalid feed: ${feedText}`);
    }
    if (!crypto && feedText === 'sip' && this.host.plan === 'basic') {
      throw new ReplyError(403, {
        code: 40310000,
        message: 'subscription does not permit querying recent SIP data',
      });
    }
    const feed: Feed = feedText === 'iex' ? 'iex' : 'sip';
    const out: Record<string, unknown> = {};
    for (const symbol of symbols) {
      const path = this.host.broker.market.find(symbol);
      if (path === undefined || (path.asset.assetClass === 'crypto') !== crypto) continue;
      const i = path.lastBarStartingAtOrBefore(now - MINUTE_MS);
      if (i < 0) continue;
      const price = path.lastPrice(now);
      const stamp = new Date(Math.min(now, path.bar(i).time + 59_000)).toISOString();
      if (what === 'bars') out[path.asset.symbol] = path.minuteWireBar(i, feed);
      else if (what === 'trades') out[path.asset.symbol] = this.tradeJson(path, price, 100, stamp, crypto);
      else out[path.asset.symbol] = this.quoteJson(path, price, stamp, crypto);
    }
    if (single !== null) {
      const key = what === 'bars' ? 'bar' : what === 'trades' ? 'trade' : 'quote';
      const value = out[Object.keys(out)[0] ?? ''];
      if (value === undefined) return { status: 200, body: { symbol: single, [key]: null } };
      return { status: 200, body: { symbol: single.toUpperCase(), [key]: value } };
    }
    return { status: 200, body: { [what]: out } };
  }

  tradeJson(
    path: SymbolPath,
    price: number,
    size: number,
    t: string,
    crypto: boolean,
  ): Record<string, unknown> {
    this.tradeSeq++;
    if (crypto) return { t, p: price, s: size, i: this.tradeSeq, tks: 'B' };
    return {
      t,
      x: 'V',
      p: price,
      s: size,
      c: ['@'],
      i: this.tradeSeq,
      z: path.asset.exchange === 'NYSE' ? 'A' : 'C',
    };
  }

  quoteJson(path: SymbolPath, price: number, t: string, crypto: boolean): Record<string, unknown> {
    const half = crypto ? Math.max(0.01, Math.round(price * 0.00005 * 100) / 100) : 0.01;
    const bp = Math.round((price - half) * 100) / 100;
    const ap = Math.round((price + half) * 100) / 100;
    if (crypto) return { t, bp, bs: 0.5, ap, as: 0.5 };
    return {
      t,
      bx: 'V',
      bp,
      bs: 2,
      ax: 'V',
      ap,
      as: 3,
      c: ['R'],
      z: path.asset.exchange === 'NYSE' ? 'A' : 'C',
    };
  }

  // --- Control API ----------------------------------------------------------------------------------------------
}
