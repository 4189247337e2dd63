// Options REST: contracts (trading API, /v2/options/contracts) and market data (/v1beta1/options: chain and symbol
// snapshots with quotes and greeks, historical bars), over the chain in option-chain.ts at the fake's clock.
import { aggregateBars } from '../../../src/main/feeds/aggregate';
import { currentOrPreviousSession, sessionOnDay } from '../../../src/main/market/calendar';
import { weekdayOfDay } from '../../../src/main/market/new-york-time';
import { type DayNumber, dayFromIsoDate } from '../../../src/main/market/nyse-holidays';
import { type BarSeries, TIMEFRAME_MS } from '../../../src/shared/domain/bars';
import { AlpacaHttpError } from '../broker-model';
import { decimal, isoTime } from '../format';
import { MINUTE_MS, roundTo, type WireBar } from '../market';
import type { ContractQuery, OptionChain, OptionPath } from '../option-chain';
import { badRequest, type Ctx, type Reply } from './http';
import type { BarsWindow, MarketDataRoutes } from './market-data';
import type { RouteHost } from './trading';

/** The trading API refuses a bad query with 422 and Alpaca's validation code. */
const unprocessable = (message: string) => new AlpacaHttpError(422, { code: 42210000, message });

function encodeToken(symbol: string): string {
  return Buffer.from(symbol, 'utf8').toString('base64url');
}

function decodeToken(token: string | null): string | null {
  if (token === null || token === '') return null;
  const symbol = Buffer.from(token, 'base64url').toString('utf8');
  if (!/^[A-Z]{1,6}\d{6}[CP]\d{8}$/.test(symbol)) throw badRequest('invalid page_token');
  return symbol;
}

/** The page of `items` (sorted by symbol) after the token's symbol, and the next token when more are left. */
function page(
  items: readonly OptionPath[],
  after: string | null,
  limit: number,
): { items: OptionPath[]; next: string | null } {
  const from = after === null ? 0 : items.findIndex((p) => p.symbol > after);
  if (from < 0) return { items: [], next: null };
  const slice = items.slice(from, from + limit);
  const more = from + limit < items.length;
  return { items: slice, next: more ? encodeToken(slice[slice.length - 1]!.symbol) : null };
}

export class OptionRoutes {
  constructor(private readonly host: RouteHost & { readonly marketData: MarketDataRoutes }) {}

  private get chain(): OptionChain {
    return this.host.broker.options;
  }

  // --- Contracts (trading API) ------------------------------------------------------------------------------------

  contractJson(path: OptionPath, deliverables: boolean): Record<string, unknown> {
    const now = this.host.broker.now();
    const c = path.contract;
    // Close price and open interest are as of the latest close.
    const previous = this.chain.lastClosedSession(now);
    const listedThen = previous.close > this.chain.firstListedOpen(path) && previous.open < path.expiryClose;
    const closePrice = listedThen ? this.chain.quote(path, previous.close).mid : null;
    const spot = this.chain.underlying.lastPrice(previous.close);
    const active = path.active(now);
    return {
      id: path.assetId,
      symbol: path.symbol,
      name: path.asset.name,
      status: active ? 'active' : 'inactive',
      tradable: active,
      expiration_date: c.expiry,
      root_symbol: c.root,
      underlying_symbol: c.root,
      underlying_asset_id: this.chain.underlying.assetId,
      type: c.right,
      style: 'american',
      strike_price: decimal(c.strike, 3),
      multiplier: String(path.multiplier),
      size: String(path.multiplier),
      open_interest: String(this.chain.openInterest(path, spot)),
      open_interest_date: previous.date,
      close_price: closePrice === null ? null : decimal(Math.max(0.01, roundTo(closePrice, 2)), 2),
      close_price_date: closePrice === null ? null : previous.date,
      ppind: true,
      ...(deliverables
        ? {
            deliverables: [
              {
                type: 'equity',
                symbol: c.root,
                asset_id: this.chain.underlying.assetId,
                amount: String(path.multiplier),
                allocation_percentage: '100',
                settlement_type: 'T+1',
                settlement_method: 'CCC',
                delayed_settlement: false,
              },
            ],
          }
        : {}),
    };
  }

  /** GET /v2/options/contracts */
  listContracts(ctx: Ctx): Reply {
    const q = ctx.url.searchParams;
    const status = q.get('status') ?? 'active';
    if (status !== 'active' && status !== 'inactive') throw unprocessable(`invalid status: ${status}`);
    const type = q.get('type');
    if (type !== null && type !== 'call' && type !== 'put') throw unprocessable(`invalid type: ${type}`);
    const style = q.get('style');
    if (style !== null && style !== 'american' && style !== 'european')
      throw unprocessable(`invalid style: ${style}`);
    const limit = this.limitParam(q.get('limit'), 100, 10_000, unprocessable);
    const date = (name: string) => {
      const text = q.get(name);
      if (text === null || text === '') return undefined;
      try {
        return dayFromIsoDate(text);
      } catch {
        throw unprocessable(`invalid ${name}: ${text} (YYYY-MM-DD)`);
      }
    };
    const exact = date('expiration_date');
    let from = exact ?? date('expiration_date_gte');
    let to = exact ?? date('expiration_date_lte');
    if (exact === undefined && from === undefined && to === undefined) {
      // Alpaca's default: contracts expiring before the upcoming weekend.
      const day = this.chain.listingDay();
      to = day + (5 - weekdayOfDay(day));
      from = undefined;
    }
    const query: ContractQuery = {
      status,
      ...this.underlyingsParam(q.get('underlying_symbols')),
      ...(from === undefined ? {} : { expiryFrom: from }),
      ...(to === undefined ? {} : { expiryTo: to }),
      ...(q.get('root_symbol') ? { root: q.get('root_symbol')!.toUpperCase() } : {}),
      ...(type === null ? {} : { type }),
      ...(style === null ? {} : { style }),
      ...this.strikeParams(q, unprocessable),
    };
    const all = this.chain.list(query);
    const { items, next } = page(all, decodeToken(q.get('page_token')), limit);
    const deliverables = q.get('show_deliverables') === 'true';
    return {
      status: 200,
      body: { option_contracts: items.map((p) => this.contractJson(p, deliverables)), next_page_token: next },
    };
  }

  /** GET /v2/options/contracts/{symbol_or_id} */
  getContract(ctx: Ctx): Reply {
    const key = ctx.params[0]!;
    const path = this.chain.find(key.toUpperCase()) ?? this.chain.findById(key);
    if (path === undefined)
      throw new AlpacaHttpError(404, { code: 40410000, message: 'option contract not found' });
    return { status: 200, body: this.contractJson(path, true) };
  }

  private underlyingsParam(text: string | null): { underlyings?: string[] } {
    if (text === null || text.trim() === '') return {};
    return {
      underlyings: text
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter((s) => s !== ''),
    };
  }

  private strikeParams(
    q: URLSearchParams,
    fail: (message: string) => Error,
  ): { strikeFrom?: number; strikeTo?: number } {
    const out: { strikeFrom?: number; strikeTo?: number } = {};
    for (const [name, key] of [
      ['strike_price_gte', 'strikeFrom'],
      ['strike_price_lte', 'strikeTo'],
    ] as const) {
      const text = q.get(name);
      if (text === null || text === '') continue;
      const value = Number(text);
      if (!Number.isFinite(value) || value < 0) throw fail(`invalid ${name}: ${text}`);
      out[key] = value;
    }
    return out;
  }

  private limitParam(text: string | null, fallback: number, max: number, fail: (m: string) => Error): number {
    if (text === null || text === '') return fallback;
    const limit = Number(text);
    if (!Number.isInteger(limit) || limit < 1 || limit > max) throw fail(`invalid limit: must be 1..${max}`);
    return limit;
  }

  // --- Snapshots (market data) ------------------------------------------------------------------------------------

  private feedParam(ctx: Ctx): void {
    const feed = ctx.url.searchParams.get('feed');
    if (feed !== null && feed !== 'indicative' && feed !== 'opra') throw badRequest(`invalid feed: ${feed}`);
  }

  /** Alpaca's snapshot of one contract at the fake's clock (quotes stop at the close, and at the expiry). */
  snapshotJson(path: OptionPath): Record<string, unknown> {
    const now = this.host.broker.now();
    const at = Math.min(this.chain.quoteTime(now), path.expiryClose);
    const quote = this.chain.quote(path, at);
    const g = quote.greeks;
    const sizeSeed = Math.round(quote.mid * 1000) + path.contract.strike;
    const out: Record<string, unknown> = {
      latestQuote: {
        ap: quote.ask,
        as: 5 + (sizeSeed % 40),
        ax: 'C',
        bp: quote.bid,
        bs: 5 + ((sizeSeed * 7) % 40),
        bx: 'C',
        c: 'A',
        t: isoTime(quote.time),
      },
      latestTrade: {
        c: 'I',
        p: Math.max(0.01, roundTo(quote.mid, 2)),
        s: 1 + (sizeSeed % 10),
        t: isoTime(quote.time),
        x: 'C',
      },
      // Alpaca's units: theta per calendar day, vega and rho per point (1%).
      greeks: {
        delta: roundTo(g.delta, 4),
        gamma: roundTo(g.gamma, 4),
        rho: roundTo(g.rho / 100, 4),
        theta: roundTo(g.theta / 365, 4),
        vega: roundTo(g.vega / 100, 4),
      },
      impliedVolatility: this.chain.model.volatility,
    };
    const minute = this.chain.underlying.lastBarStartingAtOrBefore(at - MINUTE_MS);
    const minuteBar = minute < 0 ? null : this.chain.minuteBar(path, minute);
    if (minuteBar !== null) out['minuteBar'] = minuteBar;
    const session = currentOrPreviousSession('us-equities', at);
    const daily = this.chain.dailyBar(path, session.day, now);
    if (daily !== null) out['dailyBar'] = daily;
    const previous = currentOrPreviousSession('us-equities', session.open - 1);
    const prevDaily = this.chain.dailyBar(path, previous.day, now);
    if (prevDaily !== null) out['prevDailyBar'] = prevDaily;
    return out;
  }

  private snapshotsReply(paths: readonly OptionPath[], ctx: Ctx): Reply {
    const q = ctx.url.searchParams;
    const limit = this.limitParam(q.get('limit'), 100, 1000, badRequest);
    const { items, next } = page(paths, decodeToken(q.get('page_token')), limit);
    const snapshots: Record<string, unknown> = {};
    for (const path of items) snapshots[path.symbol] = this.snapshotJson(path);
    return { status: 200, body: { snapshots, next_page_token: next } };
  }

  /** GET /v1beta1/options/snapshots/{underlying}: the active chain, filtered. */
  chainSnapshots(ctx: Ctx): Reply {
    this.feedParam(ctx);
    const q = ctx.url.searchParams;
    const type = q.get('type');
    if (type !== null && type !== 'call' && type !== 'put') throw badRequest(`invalid type: ${type}`);
    const date = (name: string) => {
      const text = q.get(name);
      if (text === null || text === '') return undefined;
      try {
        return dayFromIsoDate(text);
      } catch {
        throw badRequest(`invalid ${name}: ${text} (YYYY-MM-DD)`);
      }
    };
    const exact = date('expiration_date');
    const from = exact ?? date('expiration_date_gte');
    const to = exact ?? date('expiration_date_lte');
    const query: ContractQuery = {
      status: 'active',
      underlyings: [ctx.params[0]!.toUpperCase()],
      ...(from === undefined ? {} : { expiryFrom: from }),
      ...(to === undefined ? {} : { expiryTo: to }),
      ...(q.get('root_symbol') ? { root: q.get('root_symbol')!.toUpperCase() } : {}),
      ...(type === null ? {} : { type }),
      ...this.strikeParams(q, badRequest),
    };
    return this.snapshotsReply(this.chain.list(query), ctx);
  }

  /** GET /v1beta1/options/snapshots?symbols=: listed contracts only (others are left out, as Alpaca does). */
  symbolSnapshots(ctx: Ctx): Reply {
    this.feedParam(ctx);
    const symbols = this.host.marketData.symbolsParam(ctx).map((s) => s.toUpperCase());
    if (symbols.length > 100) throw badRequest('too many symbols: at most 100');
    const paths = [...new Set(symbols)]
      .map((s) => this.chain.find(s))
      .filter((p): p is OptionPath => p !== undefined)
      .sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
    return this.snapshotsReply(paths, ctx);
  }

  // --- Bars (market data) -----------------------------------------------------------------------------------------

  /** GET /v1beta1/options/bars */
  bars(ctx: Ctx): Reply {
    const symbols = this.host.marketData.symbolsParam(ctx).map((s) => s.toUpperCase());
    const now = this.host.broker.now();
    const window = this.host.marketData.barsWindow(ctx, Date.parse(`${isoTime(now).slice(0, 10)}T00:00:00Z`));
    const { bars, next } = this.host.marketData.pageBars(window, symbols, (symbol) => {
      const path = this.chain.find(symbol);
      return path === undefined ? null : this.optionBars(path, window);
    });
    return { status: 200, body: { bars, next_page_token: next } };
  }

  /** The contract's bars in the window: minute bars (aggregated for 5Min…1Hour), or one bar per session for 1Day. */
  private optionBars(path: OptionPath, window: BarsWindow): WireBar[] {
    const { start, end, now, timeframe } = window;
    const listedFrom = this.chain.firstListedOpen(path);
    if (timeframe === '1D') {
      const out: WireBar[] = [];
      const first = Math.floor(Math.max(start, listedFrom) / 86_400_000) - 1;
      const last = Math.floor(Math.min(end, now) / 86_400_000);
      for (let day: DayNumber = first; day <= last; day++) {
        if (sessionOnDay('us-equities', day) === null) continue;
        const bar = this.chain.dailyBar(path, day, now);
        if (bar === null) continue;
        const t = Date.parse(bar.t);
        if (t >= start && t <= end) out.push(bar);
      }
      return out;
    }
    // Aggregated buckets start at the session open: build from the open of the start's day so they are whole.
    const from =
      timeframe === '1m'
        ? start
        : (sessionOnDay('us-equities', Math.floor(start / 86_400_000))?.open ?? start - 86_400_000);
    // …and through the end of the last bucket that starts by `end`.
    const to = timeframe === '1m' ? end : end + TIMEFRAME_MS[timeframe] - MINUTE_MS;
    const minutes = this.minuteBars(path, Math.max(from, listedFrom), to, now);
    if (timeframe === '1m') return minutes;
    const series: BarSeries = {
      symbol: path.symbol,
      timeframe: '1m',
      time: Float64Array.from(minutes, (b) => Date.parse(b.t)),
      open: Float64Array.from(minutes, (b) => b.o),
      high: Float64Array.from(minutes, (b) => b.h),
      low: Float64Array.from(minutes, (b) => b.l),
      close: Float64Array.from(minutes, (b) => b.c),
      volume: Float64Array.from(minutes, (b) => b.v),
      length: minutes.length,
    };
    const aggregated = aggregateBars(series, timeframe, 'us-equities');
    const out: WireBar[] = [];
    for (let i = 0; i < aggregated.length; i++) {
      const t = aggregated.time[i]!;
      if (t < start || t > end) continue;
      const h = aggregated.high[i]!;
      const l = aggregated.low[i]!;
      const c = aggregated.close[i]!;
      const v = aggregated.volume[i]!;
      out.push({
        t: new Date(t).toISOString().replace('.000Z', 'Z'),
        o: aggregated.open[i]!,
        h,
        l,
        c,
        v,
        n: Math.max(1, Math.round(v / 3)),
        vw: roundTo((h + l + c) / 3, 4),
      });
    }
    return out;
  }

  /** Completed minute bars with start time in [from, to], while the contract is listed. */
  private minuteBars(path: OptionPath, from: number, to: number, now: number): WireBar[] {
    const underlying = this.chain.underlying;
    const last = Math.min(to, now - MINUTE_MS, path.expiryClose - MINUTE_MS);
    if (last < from) return [];
    underlying.ensure(last);
    const out: WireBar[] = [];
    const firstIndex = underlying.lastBarStartingAtOrBefore(from - 1) + 1;
    const lastIndex = underlying.lastBarStartingAtOrBefore(last);
    for (let i = firstIndex; i <= lastIndex; i++) {
      const bar = this.chain.minuteBar(path, i);
      if (bar !== null) out.push(bar);
    }
    return out;
  }
}
