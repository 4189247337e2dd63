// Trading REST: the account, orders (submit, list, look up, cancel, replace) and positions (list, close).
import type { FakeBroker } from '../broker';
import { type Account, AlpacaHttpError, type OrderQuery, type OrderRecord } from '../broker-model';

import {
  badRequest,
  type Ctx,
  OrderBodySchema,
  PatchBodySchema,
  parseTime,
  type Reply,
  str,
  zodMessage,
} from './http';
import type { MarketDataRoutes } from './market-data';
import type { ReferenceRoutes } from './reference';

/** What a route group needs from the server: the fake broker, the data plan, and the other groups. */
export interface RouteHost {
  readonly broker: FakeBroker;
  readonly plan: 'basic' | 'sip';
  readonly trading: TradingRoutes;
  readonly reference: ReferenceRoutes;
  readonly marketData: MarketDataRoutes;
}

export class TradingRoutes {
  constructor(private readonly host: RouteHost) {}

  acct(ctx: Ctx): Account {
    return ctx.account!;
  }

  getAccount(ctx: Ctx): Reply {
    return { status: 200, body: this.host.broker.accountJson(this.acct(ctx)) };
  }

  orderBody(account: Account, order: OrderRecord, nested = true): Record<string, unknown> {
    return this.host.broker.orderJson(account, order, nested);
  }

  postOrder(ctx: Ctx): Reply {
    const parsed = OrderBodySchema.safeParse(ctx.body ?? {});
    if (!parsed.success)
      throw new AlpacaHttpError(422, { code: 42210000, message: zodMessage(parsed.error) });
    const b = parsed.data;
    const order = this.host.broker.submit(this.acct(ctx), {
      symbol: b.symbol,
      qty: str(b.qty),
      notional: str(b.notional),
      side: b.side,
      type: b.type,
      time_in_force: b.time_in_force,
      limit_price: str(b.limit_price),
      stop_price: str(b.stop_price),
      trail_price: str(b.trail_price),
      trail_percent: str(b.trail_percent),
      extended_hours: b.extended_hours,
      client_order_id: b.client_order_id,
      order_class: b.order_class,
      take_profit:
        b.take_profit === undefined ? undefined : { limit_price: String(b.take_profit.limit_price) },
      stop_loss:
        b.stop_loss === undefined
          ? undefined
          : { stop_price: String(b.stop_loss.stop_price), limit_price: str(b.stop_loss.limit_price) },
    });
    return { status: 200, body: this.orderBody(this.acct(ctx), order) };
  }

  listOrders(ctx: Ctx): Reply {
    const q = ctx.url.searchParams;
    const status = q.get('status') ?? 'open';
    if (status !== 'open' && status !== 'closed' && status !== 'all')
      throw badRequest(`invalid status ${status}`);
    const direction = q.get('direction') ?? 'desc';
    if (direction !== 'asc' && direction !== 'desc') throw badRequest(`invalid direction ${direction}`);
    const limit = q.get('limit') === null ? 50 : Number(q.get('limit'));
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw badRequest('limit must be between 1 and 500');
    const side = q.get('side');
    if (side !== null && side !== 'buy' && side !== 'sell') throw badRequest(`invalid side ${side}`);
    const symbols = q.get('symbols');
    const query: OrderQuery = {
      status,
      limit,
      direction,
      nested: q.get('nested') === 'true',
    };
    const after = parseTime(q.get('after'), 'after');
    const until = parseTime(q.get('until'), 'until');
    if (after !== undefined) query.after = after;
    if (until !== undefined) query.until = until;
    if (symbols !== null && symbols !== '') {
      query.symbols = symbols
        .split(',')
        .map((s) => this.host.broker.findTradable(s.trim())?.asset.symbol ?? s.trim());
    }
    if (side !== null) query.side = side;
    const account = this.acct(ctx);
    return {
      status: 200,
      body: this.host.broker.listOrders(account, query).map((o) => this.orderBody(account, o, query.nested)),
    };
  }

  getOrder(ctx: Ctx): Reply {
    const account = this.acct(ctx);
    const order = this.host.broker.getOrder(account, ctx.params[0]!);
    return {
      status: 200,
      body: this.orderBody(account, order, ctx.url.searchParams.get('nested') === 'true'),
    };
  }

  getByClientId(ctx: Ctx): Reply {
    const id = ctx.url.searchParams.get('client_order_id');
    if (id === null)
      throw new AlpacaHttpError(422, { code: 42210000, message: 'client_order_id is required' });
    const account = this.acct(ctx);
    return { status: 200, body: this.orderBody(account, this.host.broker.getByClientId(account, id)) };
  }

  cancelOrder(ctx: Ctx): Reply {
    this.host.broker.cancel(this.acct(ctx), ctx.params[0]!);
    return { status: 204 };
  }

  cancelAll(ctx: Ctx): Reply {
    const account = this.acct(ctx);
    const canceled = this.host.broker.cancelAll(account);
    return {
      status: 207,
      body: canceled.map((o) => ({ id: o.id, status: 200, body: this.orderBody(account, o) })),
    };
  }

  patchOrder(ctx: Ctx): Reply {
    const parsed = PatchBodySchema.safeParse(ctx.body ?? {});
    if (!parsed.success)
      throw new AlpacaHttpError(422, { code: 42210000, message: zodMessage(parsed.error) });
    const b = parsed.data;
    const account = this.acct(ctx);
    const order = this.host.broker.replace(account, ctx.params[0]!, {
      qty: str(b.qty),
      time_in_force: b.time_in_force,
      limit_price: str(b.limit_price),
      stop_price: str(b.stop_price),
      trail: str(b.trail),
      client_order_id: b.client_order_id,
    });
    return { status: 200, body: this.orderBody(account, order) };
  }

  listPositions(ctx: Ctx): Reply {
    const account = this.acct(ctx);
    const positions = [...account.positions.values()].sort((a, b) => a.symbol.localeCompare(b.symbol));
    return { status: 200, body: positions.map((p) => this.host.broker.positionJson(p)) };
  }

  getPosition(ctx: Ctx): Reply {
    const account = this.acct(ctx);
    const path = this.host.broker.findTradable(ctx.params[0]!);
    const position = path === undefined ? undefined : account.positions.get(path.asset.symbol);
    if (position === undefined)
      throw new AlpacaHttpError(404, { code: 40410000, message: 'position does not exist' });
    return { status: 200, body: this.host.broker.positionJson(position) };
  }

  closePosition(ctx: Ctx): Reply {
    const account = this.acct(ctx);
    const q = ctx.url.searchParams;
    const qty = q.get('qty') === null ? undefined : Number(q.get('qty'));
    const percentage = q.get('percentage') === null ? undefined : Number(q.get('percentage'));
    if (qty !== undefined && !(qty > 0)) throw badRequest('invalid qty');
    if (percentage !== undefined && !(percentage > 0 && percentage <= 100))
      throw badRequest('invalid percentage');
    const order = this.host.broker.closePosition(account, ctx.params[0]!, qty, percentage);
    return { status: 200, body: this.orderBody(account, order) };
  }

  closeAll(ctx: Ctx): Reply {
    const account = this.acct(ctx);
    if (ctx.url.searchParams.get('cancel_orders') === 'true') this.host.broker.cancelAll(account);
    const out: unknown[] = [];
    for (const p of [...account.positions.values()]) {
      const symbol = this.host.broker.positionJson(p)['symbol'];
      try {
        const order = this.host.broker.closePosition(account, p.symbol);
        out.push({ symbol, status: 200, body: this.orderBody(account, order) });
      } catch (error) {
        if (!(error instanceof AlpacaHttpError)) throw error;
        out.push({ symbol, status: error.status, body: error.body });
      }
    }
    return { status: 207, body: out };
  }
}
