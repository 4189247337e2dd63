// Reference REST: assets, the market clock and the trading calendar.
import {
  AFTER_HOURS_END_MS,
  addTradingDays,
  EARLY_AFTER_HOURS_END_MS,
  nextClose,
  nextOpen,
  PRE_MARKET_MS,
  sessionOnDay,
} from '../../../src/main/market/calendar';
import { newYorkTimeOfDay } from '../../../src/main/market/new-york-time';
import { dayFromIsoDate, isoDate } from '../../../src/main/market/nyse-holidays';
import { AlpacaHttpError } from '../broker-model';
import { newYorkIso } from '../format';
import type { SymbolPath } from '../market';

import { badRequest, type Ctx, type Reply } from './http';
import type { RouteHost } from './trading';

/** `HH:MM` (or `HHMM`) of a time of day in milliseconds, as /v2/calendar writes it. */
function wallClock(msOfDay: number, separator: ':' | ''): string {
  const minutes = Math.round(msOfDay / 60_000);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}${separator}${String(minutes % 60).padStart(2, '0')}`;
}

export class ReferenceRoutes {
  constructor(private readonly host: RouteHost) {}

  assetJson(path: SymbolPath): Record<string, unknown> {
    const a = path.asset;
    return {
      id: path.assetId,
      class: a.assetClass,
      exchange: a.exchange,
      symbol: a.symbol,
      name: a.name,
      status: a.status,
      tradable: a.tradable,
      marginable: a.marginable,
      maintenance_margin_requirement: a.marginable ? 30 : 100,
      margin_requirement_long: a.marginable ? '50' : '100',
      margin_requirement_short: a.shortable ? '150' : '100',
      shortable: a.shortable,
      easy_to_borrow: a.easyToBorrow,
      fractionable: a.fractionable,
      attributes: a.fractionable && a.assetClass === 'us_equity' ? ['fractional_eh_enabled'] : [],
      ...(a.assetClass === 'crypto'
        ? { min_order_size: '0.0001', min_trade_increment: '0.000000001', price_increment: '0.01' }
        : {}),
    };
  }

  listAssets(ctx: Ctx): Reply {
    const q = ctx.url.searchParams;
    const status = q.get('status');
    const assetClass = q.get('asset_class');
    const paths = [...this.host.broker.market.paths.values()].filter(
      (p) =>
        (status === null || p.asset.status === status) &&
        (assetClass === null || p.asset.assetClass === assetClass),
    );
    return { status: 200, body: paths.map((p) => this.assetJson(p)) };
  }

  getAsset(ctx: Ctx): Reply {
    const key = ctx.params[0]!;
    const path = this.host.broker.market.find(key) ?? this.host.broker.market.findById(key);
    if (path === undefined) throw new AlpacaHttpError(404, { code: 40410000, message: 'asset not found' });
    return { status: 200, body: this.assetJson(path) };
  }

  getClock(): Reply {
    const now = this.host.broker.now();
    const open = this.host.broker.marketOpen(this.host.broker.market.find('SPY')!);
    return {
      status: 200,
      body: {
        timestamp: newYorkIso(now),
        is_open: open,
        next_open: newYorkIso(nextOpen('us-equities', now)),
        next_close: newYorkIso(nextClose('us-equities', now)),
      },
    };
  }

  getCalendar(ctx: Ctx): Reply {
    const q = ctx.url.searchParams;
    const nowDay = Math.floor(this.host.broker.now() / 86_400_000);
    const parseDay = (text: string | null, fallback: number): number => {
      if (text === null || text === '') return fallback;
      try {
        return dayFromIsoDate(text.slice(0, 10));
      } catch {
        throw badRequest(`invalid date ${text}`);
      }
    };
    const start = parseDay(q.get('start'), nowDay);
    const end = parseDay(q.get('end'), nowDay + 30);
    if (end - start > 3_660) throw badRequest('date range too long');
    const out: unknown[] = [];
    for (let day = start; day <= end; day++) {
      const session = sessionOnDay('us-equities', day);
      if (session === null) continue;
      out.push({
        date: session.date,
        open: wallClock(newYorkTimeOfDay(session.open), ':'),
        close: wallClock(newYorkTimeOfDay(session.close), ':'),
        session_open: wallClock(PRE_MARKET_MS, ''),
        session_close: wallClock(session.earlyClose ? EARLY_AFTER_HOURS_END_MS : AFTER_HOURS_END_MS, ''),
        settlement_date: isoDate(addTradingDays('us-equities', day, 1)),
      });
    }
    return { status: 200, body: out };
  }

  // --- Market data REST -----------------------------------------------------------------------------------------
}
