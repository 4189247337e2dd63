// The loopback fake Alpaca: one HTTP server on 127.0.0.1 serving trading REST, market-data REST, the trading stream
// (JSON, /stream), the market-data streams (msgpack, /v2/iex, /v2/sip, /v1beta3/crypto/us) and a control API under
// /__fake/ (faults, clock, state). See README.md in this folder.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { decode as msgpackDecode, encode as msgpackEncode } from '@msgpack/msgpack';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { nextClose, nextOpen, sessionOnDay } from '../../src/main/market/calendar';
import { dayFromIsoDate, isoDate } from '../../src/main/market/nyse-holidays';
import {
  type Account,
  type AccountConfig,
  AlpacaHttpError,
  Engine,
  type FillInfo,
  type OrderQuery,
  type OrderRecord,
  type TradeEvent,
} from './engine';
import { FaultBodySchema, type FaultRule, Faults, type HttpFault } from './faults';
import { fakeStreamUrls, fetchRewritingAlpacaTo } from './fetch';
import { isoTime, newYorkIso } from './format';
import { keyPair } from './ids';
import {
  FAKE_ASSETS,
  type Feed,
  MINUTE_MS,
  parseTimeframe,
  type SymbolPath,
  TICK_MS,
  type WireBar,
} from './market';

export interface FakeAlpacaOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Seeds the price paths, ids, keys and probabilistic faults. Default 1. */
  seed?: number;
  /** The simulated clock's start, epoch ms. Default 2025-03-05T15:00:00Z (10:00 New York, a Wednesday; open). */
  startTime?: number;
  /** Days of 1-minute history before startTime. Default 30. */
  historyDays?: number;
  /** Accounts; default: a paper account (PK…), a blocked paper account and a live account (AK…), keys from the seed. */
  accounts?: AccountConfig[];
  /** Real milliseconds per simulated minute; 0 (default) = the clock only moves through advance(). */
  minuteMs?: number;
  /** Share of each bar's volume orders may fill (default 0.05). */
  fillParticipation?: number;
  /** Requests per minute per key and API (trading, data) before 429; 0 disables. Default 200. */
  rateLimitPerMinute?: number;
  /** Market-data plan: 'basic' (free: IEX, no recent SIP) or 'sip' (paid). Default 'basic'. */
  plan?: 'basic' | 'sip';
}

export interface FakeKeys {
  keyId: string;
  secret: string;
}

const DEFAULT_START = Date.UTC(2025, 2, 5, 15, 0, 0);
const SIP_DELAY_MS = 15 * MINUTE_MS;

type Api = 'trading' | 'data' | 'crypto';

interface Reply {
  status: number;
  body?: unknown;
}

interface Ctx {
  url: URL;
  params: string[];
  account: Account | null;
  body: unknown;
}

interface Route {
  method: string;
  pattern: RegExp;
  api: Api;
  handle(ctx: Ctx): Reply;
}

const OrderBodySchema = z.object({
  symbol: z.string().min(1),
  qty: z.union([z.string(), z.number()]).optional(),
  notional: z.union([z.string(), z.number()]).optional(),
  side: z.enum(['buy', 'sell']),
  type: z.enum(['market', 'limit', 'stop', 'stop_limit', 'trailing_stop']),
  time_in_force: z.string(),
  limit_price: z.union([z.string(), z.number()]).optional(),
  stop_price: z.union([z.string(), z.number()]).optional(),
  trail_price: z.union([z.string(), z.number()]).optional(),
  trail_percent: z.union([z.string(), z.number()]).optional(),
  extended_hours: z.boolean().optional(),
  client_order_id: z.string().optional(),
  order_class: z.string().optional(),
  position_intent: z.string().optional(),
  take_profit: z.object({ limit_price: z.union([z.string(), z.number()]) }).optional(),
  stop_loss: z
    .object({
      stop_price: z.union([z.string(), z.number()]),
      limit_price: z.union([z.string(), z.number()]).optional(),
    })
    .optional(),
});

const PatchBodySchema = z.object({
  qty: z.union([z.string(), z.number()]).optional(),
  time_in_force: z.string().optional(),
  limit_price: z.union([z.string(), z.number()]).optional(),
  stop_price: z.union([z.string(), z.number()]).optional(),
  trail: z.union([z.string(), z.number()]).optional(),
  client_order_id: z.string().optional(),
});

const AdvanceBodySchema = z.union([
  z.object({ minutes: z.number().positive().max(525_600) }),
  z.object({ to: z.string() }),
]);
const DisconnectBodySchema = z.object({
  stream: z.enum(['trading', 'market-data', 'all']).default('trading'),
});
const ConfigBodySchema = z.object({
  fillParticipation: z.number().positive().max(1).optional(),
  minuteMs: z.number().int().min(0).optional(),
  rateLimitPerMinute: z.number().int().min(0).optional(),
});

const str = (v: string | number | undefined): string | undefined => (v === undefined ? undefined : String(v));

class ReplyError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

function badRequest(message: string): ReplyError {
  return new ReplyError(400, { code: 40010000, message });
}

function zodMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue === undefined ? 'invalid request' : `${issue.path.join('.') || 'body'}: ${issue.message}`;
}

function parseTime(text: string | null, name: string): number | undefined {
  if (text === null || text === '') return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (Number.isNaN(ms)) throw badRequest(`invalid ${name}: ${text}`);
  return ms;
}

interface TradingClient {
  ws: WebSocket;
  account: Account | null;
  listening: boolean;
}

interface DataClient {
  ws: WebSocket;
  feed: Feed | 'crypto';
  msgpack: boolean;
  account: Account | null;
  limitKey: string | null;
  subs: Record<'trades' | 'quotes' | 'bars' | 'updatedBars' | 'dailyBars', Set<string>>;
}

const DATA_CHANNELS = ['trades', 'quotes', 'bars', 'updatedBars', 'dailyBars'] as const;

export class FakeAlpaca {
  readonly engine: Engine;
  readonly faults: Faults;
  readonly keys: { paper: FakeKeys; blocked: FakeKeys; live: FakeKeys };
  readonly plan: 'basic' | 'sip';
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly tradingClients = new Set<TradingClient>();
  private readonly dataClients = new Set<DataClient>();
  private readonly dataLimits = new Map<string, DataClient>();
  private readonly sockets = new Set<Socket>();
  private readonly rateWindows = new Map<string, number[]>();
  private rateLimitPerMinute: number;
  private minuteMs: number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private port = 0;
  private tradeSeq = 1_000;

  private constructor(options: FakeAlpacaOptions) {
    const seed = options.seed ?? 1;
    const paper = keyPair(seed, 'paper', false);
    const blocked = keyPair(seed, 'blocked', false);
    const live = keyPair(seed, 'live', true);
    this.keys = { paper, blocked, live };
    this.plan = options.plan ?? 'basic';
    this.engine = new Engine({
      seed,
      startTime: options.startTime ?? DEFAULT_START,
      historyDays: options.historyDays ?? 30,
      fillParticipation: options.fillParticipation ?? 0.05,
      accounts: options.accounts ?? [paper, { ...blocked, blocked: true }, live],
    });
    this.faults = new Faults(seed);
    this.rateLimitPerMinute = options.rateLimitPerMinute ?? 200;
    this.minuteMs = options.minuteMs ?? 0;
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket as Socket, head));
    this.engine.listen({
      tradeUpdate: (account, event, order, fill) => this.publishTradeUpdate(account, event, order, fill),
      tick: (path, price, size, time) => this.publishTick(path, price, size, time),
      bar: (path, index) => this.publishBar(path, index),
    });
  }

  static async start(options: FakeAlpacaOptions = {}): Promise<FakeAlpaca> {
    const fake = new FakeAlpaca(options);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    fake.port = (fake.server.address() as AddressInfo).port;
    fake.setMinuteMs(fake.minuteMs);
    return fake;
  }

  /** http://127.0.0.1:PORT */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get streamUrls(): { trading: string; iex: string; sip: string; crypto: string } {
    return fakeStreamUrls(this.url);
  }

  /** A fetch for the SDK's `fetchApi` option that sends Alpaca's hosts here. */
  get fetchApi(): (url: string, init: RequestInit) => Promise<Response> {
    return fetchRewritingAlpacaTo(this.url);
  }

  /** Moves the simulated clock forward by `minutes` (ticks of 15 s: orders match, streams publish). */
  advance(minutes: number): { from: string; to: string; ticks: number } {
    const r = this.engine.advanceMinutes(minutes);
    return { from: isoTime(r.from), to: isoTime(r.to), ticks: r.ticks };
  }

  addFault(rule: FaultRule): number {
    return this.faults.add(rule);
  }

  /** Drops every trading-stream (or market-data) connection as a network failure would (no close frame). */
  disconnectStreams(stream: 'trading' | 'market-data' | 'all' = 'trading'): number {
    let closed = 0;
    if (stream !== 'market-data') {
      for (const c of this.tradingClients) {
        c.ws.terminate();
        closed++;
      }
    }
    if (stream !== 'trading') {
      for (const c of this.dataClients) {
        c.ws.terminate();
        closed++;
      }
    }
    return closed;
  }

  setMinuteMs(minuteMs: number): void {
    this.minuteMs = minuteMs;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (minuteMs > 0) {
      this.timer = setInterval(
        () => this.engine.advanceTo(this.engine.now() + TICK_MS),
        Math.max(1, minuteMs / (MINUTE_MS / TICK_MS)),
      );
      this.timer.unref?.();
    }
  }

  /** Open trading-stream connections that have authenticated and listen to trade_updates. */
  listeningTradingClients(): number {
    return [...this.tradingClients].filter((c) => c.listening).length;
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    for (const c of this.tradingClients) c.ws.terminate();
    for (const c of this.dataClients) c.ws.terminate();
    this.wss.close();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- HTTP -----------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const requestId = randomUUID();
    res.setHeader('X-Request-ID', requestId);
    let raw = '';
    try {
      raw = await readBody(req);
    } catch {
      res.destroy();
      return;
    }
    if (url.pathname.startsWith('/__fake/')) {
      this.send(res, this.control(method, url, raw));
      return;
    }
    const fault = this.faults.matchHttp(method, url.pathname);
    if (fault?.kind === 'status') {
      this.send(res, this.faultReply(fault), fault.status === 429 ? this.rateHeaders(null, fault) : {});
      return;
    }
    if (fault?.kind === 'delay' && fault.phase === 'before') await sleep(fault.delayMs);
    let reply: Reply;
    let headers: Record<string, string> = {};
    try {
      const found = this.route(method, url.pathname);
      if (found === null) throw new ReplyError(404, { code: 40410000, message: 'endpoint not found' });
      const { route, params } = found;
      let account: Account | null = null;
      if (route.api !== 'crypto') {
        account = this.engine.authenticate(
          headerOf(req, 'apca-api-key-id'),
          headerOf(req, 'apca-api-secret-key'),
        );
        if (account === null) throw new ReplyError(401, { message: 'unauthorized.' });
      }
      const bucket = account === null ? null : `${route.api}:${account.keyId}`;
      headers = this.rateHeaders(bucket, null);
      if (bucket !== null && this.overLimit(bucket)) {
        throw new ReplyError(429, { code: 42910000, message: 'rate limit exceeded' });
      }
      let body: unknown;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch {
          throw new ReplyError(400, { code: 40010000, message: 'request body format is invalid' });
        }
      }
      reply = route.handle({ url, params, account, body });
    } catch (error) {
      if (error instanceof AlpacaHttpError || error instanceof ReplyError) {
        reply = { status: error.status, body: error.body };
        if (error.status === 429) headers['Retry-After'] = '1';
      } else {
        reply = { status: 500, body: { code: 50010000, message: `internal error: ${String(error)}` } };
      }
    }
    if (fault?.kind === 'drop') {
      // The request took effect; the client never hears about it.
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delay' && fault.phase !== 'before') await sleep(fault.delayMs);
    if (res.destroyed || req.socket.destroyed) return;
    this.send(res, reply, headers);
  }

  private faultReply(fault: Extract<HttpFault, { kind: 'status' }>): Reply {
    const messages: Record<number, string> = {
      429: 'rate limit exceeded',
      500: 'internal server error',
      502: 'bad gateway',
      503: 'service unavailable',
      504: 'gateway timeout',
    };
    const code = fault.status === 429 ? 42910000 : fault.status * 100_000;
    return {
      status: fault.status,
      body: { code, message: fault.message ?? messages[fault.status] ?? 'injected fault' },
    };
  }

  private rateHeaders(
    bucket: string | null,
    fault: Extract<HttpFault, { kind: 'status' }> | null,
  ): Record<string, string> {
    const limit = this.rateLimitPerMinute || 200;
    const now = Date.now();
    if (fault !== null) {
      const retryAfter = fault.retryAfter ?? 1;
      return {
        'Retry-After': String(retryAfter),
        'X-RateLimit-Limit': String(limit),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(Math.ceil((now + retryAfter * 1000) / 1000)),
      };
    }
    const window = bucket === null ? [] : (this.rateWindows.get(bucket) ?? []);
    const recent = window.filter((t) => t > now - 60_000);
    const reset =
      recent.length > 0 ? Math.ceil((recent[0]! + 60_000) / 1000) : Math.ceil((now + 60_000) / 1000);
    return {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(Math.max(0, limit - recent.length - 1)),
      'X-RateLimit-Reset': String(reset),
    };
  }

  private overLimit(bucket: string): boolean {
    if (this.rateLimitPerMinute <= 0) return false;
    const now = Date.now();
    const window = (this.rateWindows.get(bucket) ?? []).filter((t) => t > now - 60_000);
    if (window.length >= this.rateLimitPerMinute) {
      this.rateWindows.set(bucket, window);
      return true;
    }
    window.push(now);
    this.rateWindows.set(bucket, window);
    return false;
  }

  private send(res: ServerResponse, reply: Reply, headers: Record<string, string> = {}): void {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (reply.body === undefined) {
      res.writeHead(reply.status);
      res.end();
      return;
    }
    const text = JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'Content-Type': 'application/json; charset=UTF-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  // --- Routes ---------------------------------------------------------------------------------------------------

  private readonly routes: Route[] = [
    { method: 'GET', pattern: /^\/v2\/account$/, api: 'trading', handle: (c) => this.getAccount(c) },
    { method: 'GET', pattern: /^\/v2\/orders$/, api: 'trading', handle: (c) => this.listOrders(c) },
    { method: 'POST', pattern: /^\/v2\/orders$/, api: 'trading', handle: (c) => this.postOrder(c) },
    { method: 'DELETE', pattern: /^\/v2\/orders$/, api: 'trading', handle: (c) => this.cancelAll(c) },
    {
      method: 'GET',
      pattern: /^\/v2\/orders:by_client_order_id$/,
      api: 'trading',
      handle: (c) => this.getByClientId(c),
    },
    { method: 'GET', pattern: /^\/v2\/orders\/([^/]+)$/, api: 'trading', handle: (c) => this.getOrder(c) },
    {
      method: 'DELETE',
      pattern: /^\/v2\/orders\/([^/]+)$/,
      api: 'trading',
      handle: (c) => this.cancelOrder(c),
    },
    {
      method: 'PATCH',
      pattern: /^\/v2\/orders\/([^/]+)$/,
      api: 'trading',
      handle: (c) => this.patchOrder(c),
    },
    { method: 'GET', pattern: /^\/v2\/positions$/, api: 'trading', handle: (c) => this.listPositions(c) },
    { method: 'DELETE', pattern: /^\/v2\/positions$/, api: 'trading', handle: (c) => this.closeAll(c) },
    {
      method: 'GET',
      pattern: /^\/v2\/positions\/([^/]+)$/,
      api: 'trading',
      handle: (c) => this.getPosition(c),
    },
    {
      method: 'DELETE',
      pattern: /^\/v2\/positions\/([^/]+)$/,
      api: 'trading',
      handle: (c) => this.closePosition(c),
    },
    { method: 'GET', pattern: /^\/v2\/assets$/, api: 'trading', handle: (c) => this.listAssets(c) },
    { method: 'GET', pattern: /^\/v2\/assets\/([^/]+)$/, api: 'trading', handle: (c) => this.getAsset(c) },
    { method: 'GET', pattern: /^\/v2\/clock$/, api: 'trading', handle: () => this.getClock() },
    { method: 'GET', pattern: /^\/v2\/calendar$/, api: 'trading', handle: (c) => this.getCalendar(c) },
    { method: 'GET', pattern: /^\/v2\/stocks\/bars$/, api: 'data', handle: (c) => this.stockBars(c, null) },
    {
      method: 'GET',
      pattern: /^\/v2\/stocks\/bars\/latest$/,
      api: 'data',
      handle: (c) => this.latest(c, 'bars', null, false),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/stocks\/trades\/latest$/,
      api: 'data',
      handle: (c) => this.latest(c, 'trades', null, false),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/stocks\/quotes\/latest$/,
      api: 'data',
      handle: (c) => this.latest(c, 'quotes', null, false),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/stocks\/([^/]+)\/bars$/,
      api: 'data',
      handle: (c) => this.stockBars(c, c.params[0]!),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/stocks\/([^/]+)\/bars\/latest$/,
      api: 'data',
      handle: (c) => this.latest(c, 'bars', c.params[0]!, false),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/stocks\/([^/]+)\/trades\/latest$/,
      api: 'data',
      handle: (c) => this.latest(c, 'trades', c.params[0]!, false),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/stocks\/([^/]+)\/quotes\/latest$/,
      api: 'data',
      handle: (c) => this.latest(c, 'quotes', c.params[0]!, false),
    },
    {
      method: 'GET',
      pattern: /^\/v1beta3\/crypto\/us\/bars$/,
      api: 'crypto',
      handle: (c) => this.cryptoBars(c),
    },
    {
      method: 'GET',
      pattern: /^\/v1beta3\/crypto\/us\/latest\/bars$/,
      api: 'crypto',
      handle: (c) => this.latest(c, 'bars', null, true),
    },
    {
      method: 'GET',
      pattern: /^\/v1beta3\/crypto\/us\/latest\/trades$/,
      api: 'crypto',
      handle: (c) => this.latest(c, 'trades', null, true),
    },
    {
      method: 'GET',
      pattern: /^\/v1beta3\/crypto\/us\/latest\/quotes$/,
      api: 'crypto',
      handle: (c) => this.latest(c, 'quotes', null, true),
    },
  ];

  private route(method: string, pathname: string): { route: Route; params: string[] } | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(pathname);
      if (m !== null) return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
    }
    return null;
  }

  private acct(ctx: Ctx): Account {
    return ctx.account!;
  }

  private getAccount(ctx: Ctx): Reply {
    return { status: 200, body: this.engine.accountJson(this.acct(ctx)) };
  }

  private orderBody(account: Account, order: OrderRecord, nested = true): Record<string, unknown> {
    return this.engine.orderJson(account, order, nested);
  }

  private postOrder(ctx: Ctx): Reply {
    const parsed = OrderBodySchema.safeParse(ctx.body ?? {});
    if (!parsed.success)
      throw new AlpacaHttpError(422, { code: 42210000, message: zodMessage(parsed.error) });
    const b = parsed.data;
    const order = this.engine.submit(this.acct(ctx), {
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

  private listOrders(ctx: Ctx): Reply {
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
        .map((s) => this.engine.market.find(s.trim())?.asset.symbol ?? s.trim());
    }
    if (side !== null) query.side = side;
    const account = this.acct(ctx);
    return {
      status: 200,
      body: this.engine.listOrders(account, query).map((o) => this.orderBody(account, o, query.nested)),
    };
  }

  private getOrder(ctx: Ctx): Reply {
    const account = this.acct(ctx);
    const order = this.engine.getOrder(account, ctx.params[0]!);
    return {
      status: 200,
      body: this.orderBody(account, order, ctx.url.searchParams.get('nested') === 'true'),
    };
  }

  private getByClientId(ctx: Ctx): Reply {
    const id = ctx.url.searchParams.get('client_order_id');
    if (id === null)
      throw new AlpacaHttpError(422, { code: 42210000, message: 'client_order_id is required' });
    const account = this.acct(ctx);
    return { status: 200, body: this.orderBody(account, this.engine.getByClientId(account, id)) };
  }

  private cancelOrder(ctx: Ctx): Reply {
    this.engine.cancel(this.acct(ctx), ctx.params[0]!);
    return { status: 204 };
  }

  private cancelAll(ctx: Ctx): Reply {
    const account = this.acct(ctx);
    const canceled = this.engine.cancelAll(account);
    return {
      status: 207,
      body: canceled.map((o) => ({ id: o.id, status: 200, body: this.orderBody(account, o) })),
    };
  }

  private patchOrder(ctx: Ctx): Reply {
    const parsed = PatchBodySchema.safeParse(ctx.body ?? {});
    if (!parsed.success)
      throw new AlpacaHttpError(422, { code: 42210000, message: zodMessage(parsed.error) });
    const b = parsed.data;
    const account = this.acct(ctx);
    const order = this.engine.replace(account, ctx.params[0]!, {
      qty: str(b.qty),
      time_in_force: b.time_in_force,
      limit_price: str(b.limit_price),
      stop_price: str(b.stop_price),
      trail: str(b.trail),
      client_order_id: b.client_order_id,
    });
    return { status: 200, body: this.orderBody(account, order) };
  }

  private listPositions(ctx: Ctx): Reply {
    const account = this.acct(ctx);
    const positions = [...account.positions.values()].sort((a, b) => a.symbol.localeCompare(b.symbol));
    return { status: 200, body: positions.map((p) => this.engine.positionJson(p)) };
  }

  private getPosition(ctx: Ctx): Reply {
    const account = this.acct(ctx);
    const path = this.engine.market.find(ctx.params[0]!);
    const position = path === undefined ? undefined : account.positions.get(path.asset.symbol);
    if (position === undefined)
      throw new AlpacaHttpError(404, { code: 40410000, message: 'position does not exist' });
    return { status: 200, body: this.engine.positionJson(position) };
  }

  private closePosition(ctx: Ctx): Reply {
    const account = this.acct(ctx);
    const q = ctx.url.searchParams;
    const qty = q.get('qty') === null ? undefined : Number(q.get('qty'));
    const percentage = q.get('percentage') === null ? undefined : Number(q.get('percentage'));
    if (qty !== undefined && !(qty > 0)) throw badRequest('invalid qty');
    if (percentage !== undefined && !(percentage > 0 && percentage <= 100))
      throw badRequest('invalid percentage');
    const order = this.engine.closePosition(account, ctx.params[0]!, qty, percentage);
    return { status: 200, body: this.orderBody(account, order) };
  }

  private closeAll(ctx: Ctx): Reply {
    const account = this.acct(ctx);
    if (ctx.url.searchParams.get('cancel_orders') === 'true') this.engine.cancelAll(account);
    const out: unknown[] = [];
    for (const p of [...account.positions.values()]) {
      const symbol = this.engine.positionJson(p)['symbol'];
      try {
        const order = this.engine.closePosition(account, p.symbol);
        out.push({ symbol, status: 200, body: this.orderBody(account, order) });
      } catch (error) {
        if (!(error instanceof AlpacaHttpError)) throw error;
        out.push({ symbol, status: error.status, body: error.body });
      }
    }
    return { status: 207, body: out };
  }

  private assetJson(path: SymbolPath): Record<string, unknown> {
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

  private listAssets(ctx: Ctx): Reply {
    const q = ctx.url.searchParams;
    const status = q.get('status');
    const assetClass = q.get('asset_class');
    const paths = [...this.engine.market.paths.values()].filter(
      (p) =>
        (status === null || p.asset.status === status) &&
        (assetClass === null || p.asset.assetClass === assetClass),
    );
    return { status: 200, body: paths.map((p) => this.assetJson(p)) };
  }

  private getAsset(ctx: Ctx): Reply {
    const key = ctx.params[0]!;
    const path = this.engine.market.find(key) ?? this.engine.market.findById(key);
    if (path === undefined) throw new AlpacaHttpError(404, { code: 40410000, message: 'asset not found' });
    return { status: 200, body: this.assetJson(path) };
  }

  private getClock(): Reply {
    const now = this.engine.now();
    const open = this.engine.marketOpen(this.engine.market.find('SPY')!);
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

  private getCalendar(ctx: Ctx): Reply {
    const q = ctx.url.searchParams;
    const nowDay = Math.floor(this.engine.now() / 86_400_000);
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
      let settlement = day + 1;
      while (sessionOnDay('us-equities', settlement) === null) settlement++;
      out.push({
        date: session.date,
        open: '09:30',
        close: session.earlyClose ? '13:00' : '16:00',
        session_open: '0400',
        session_close: session.earlyClose ? '1700' : '2000',
        settlement_date: isoDate(settlement),
      });
    }
    return { status: 200, body: out };
  }

  // --- Market data REST -----------------------------------------------------------------------------------------

  private barsQuery(
    ctx: Ctx,
    symbols: string[],
    crypto: boolean,
  ): { bars: Record<string, WireBar[]>; next: string | null } {
    const q = ctx.url.searchParams;
    const timeframeText = q.get('timeframe');
    if (timeframeText === null) throw badRequest('timeframe is required');
    const timeframe = parseTimeframe(timeframeText);
    if (timeframe === null)
      throw badRequest(
        `invalid timeframe: ${timeframeText} (the fake serves 1Min, 5Min, 15Min, 1Hour, 1Day)`,
      );
    const now = this.engine.now();
    let feed: Feed = 'iex';
    if (!crypto) {
      const feedText = q.get('feed') ?? (this.plan === 'sip' ? 'sip' : 'iex');
      if (feedText !== 'iex' && feedText !== 'sip') throw badRequest(`invalid feed: ${feedText}`);
      feed = feedText;
    }
    const dayStart = crypto
      ? Math.floor(now / 86_400_000) * 86_400_000
      : Date.parse(`${isoTime(now).slice(0, 10)}T00:00:00Z`);
    const start = parseTime(q.get('start'), 'start') ?? dayStart;
    const end = parseTime(q.get('end'), 'end') ?? now;
    if (end < start) throw badRequest('end should not be before start');
    if (!crypto && feed === 'sip' && this.plan === 'basic' && end > now - SIP_DELAY_MS) {
      throw new ReplyError(403, {
        code: 40310000,
        message: 'subscription does not permit querying recent SIP data',
      });
    }
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
    const ordered = [...new Set(symbols)].sort();
    const out: Record<string, WireBar[]> = {};
    let count = 0;
    let started = cursor === null;
    for (const symbol of ordered) {
      const path = this.engine.market.find(symbol);
      if (path === undefined || (path.asset.assetClass === 'crypto') !== crypto) continue;
      if (!started && symbol < cursor!.symbol) continue;
      let bars = path.bars(timeframe, start, end, now, feed);
      if (sort === 'desc') bars = bars.reverse();
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

  private symbolsParam(ctx: Ctx): string[] {
    const values = ctx.url.searchParams.getAll('symbols');
    const symbols = values
      .flatMap((v) => v.split(','))
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (symbols.length === 0) throw badRequest('symbols is required');
    return symbols;
  }

  private stockBars(ctx: Ctx, single: string | null): Reply {
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

  private cryptoBars(ctx: Ctx): Reply {
    const { bars, next } = this.barsQuery(ctx, this.symbolsParam(ctx), true);
    return { status: 200, body: { bars, next_page_token: next } };
  }

  private latest(
    ctx: Ctx,
    what: 'bars' | 'trades' | 'quotes',
    single: string | null,
    crypto: boolean,
  ): Reply {
    const symbols = single === null ? this.symbolsParam(ctx) : [single];
    const now = this.engine.now();
    const feedText = ctx.url.searchParams.get('feed') ?? 'iex';
    if (!crypto && feedText !== 'iex' && feedText !== 'sip' && feedText !== 'delayed_sip') {
      throw badRequest(`invalid feed: ${feedText}`);
    }
    if (!crypto && feedText === 'sip' && this.plan === 'basic') {
      throw new ReplyError(403, {
        code: 40310000,
        message: 'subscription does not permit querying recent SIP data',
      });
    }
    const feed: Feed = feedText === 'iex' ? 'iex' : 'sip';
    const out: Record<string, unknown> = {};
    for (const symbol of symbols) {
      const path = this.engine.market.find(symbol);
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

  private tradeJson(
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

  private quoteJson(path: SymbolPath, price: number, t: string, crypto: boolean): Record<string, unknown> {
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

  private control(method: string, url: URL, raw: string): Reply {
    let body: unknown = {};
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        return { status: 400, body: { message: 'invalid JSON' } };
      }
    }
    const path = url.pathname;
    const fail = (error: z.ZodError): Reply => ({ status: 400, body: { message: zodMessage(error) } });
    if (path === '/__fake/faults' && method === 'GET')
      return { status: 200, body: { faults: this.faults.list() } };
    if (path === '/__fake/faults' && method === 'DELETE') {
      this.faults.clear();
      return { status: 200, body: { faults: [] } };
    }
    if (path === '/__fake/faults' && method === 'POST') {
      const parsed = FaultBodySchema.safeParse(body);
      if (!parsed.success) return fail(parsed.error);
      const rules = 'rules' in parsed.data ? parsed.data.rules : [parsed.data];
      if ('rules' in parsed.data && parsed.data.replace === true) this.faults.clear();
      return { status: 200, body: { ids: rules.map((r) => this.faults.add(r)), faults: this.faults.list() } };
    }
    const faultId = /^\/__fake\/faults\/(\d+)$/.exec(path);
    if (faultId !== null && method === 'DELETE') {
      return this.faults.remove(Number(faultId[1]))
        ? { status: 204 }
        : { status: 404, body: { message: 'no such fault' } };
    }
    if (path === '/__fake/advance' && method === 'POST') {
      const parsed = AdvanceBodySchema.safeParse(body);
      if (!parsed.success) return fail(parsed.error);
      if ('minutes' in parsed.data) return { status: 200, body: this.advance(parsed.data.minutes) };
      const to = Date.parse(parsed.data.to);
      if (Number.isNaN(to) || to < this.engine.now())
        return { status: 400, body: { message: 'to must be a future time' } };
      const r = this.engine.advanceTo(to);
      return { status: 200, body: { from: isoTime(r.from), to: isoTime(r.to), ticks: r.ticks } };
    }
    if (path === '/__fake/disconnect' && method === 'POST') {
      const parsed = DisconnectBodySchema.safeParse(body);
      if (!parsed.success) return fail(parsed.error);
      return { status: 200, body: { closed: this.disconnectStreams(parsed.data.stream) } };
    }
    if (path === '/__fake/config' && method === 'POST') {
      const parsed = ConfigBodySchema.safeParse(body);
      if (!parsed.success) return fail(parsed.error);
      if (parsed.data.fillParticipation !== undefined)
        this.engine.fillParticipation = parsed.data.fillParticipation;
      if (parsed.data.minuteMs !== undefined) this.setMinuteMs(parsed.data.minuteMs);
      if (parsed.data.rateLimitPerMinute !== undefined)
        this.rateLimitPerMinute = parsed.data.rateLimitPerMinute;
      return { status: 200, body: this.config() };
    }
    if (path === '/__fake/state' && method === 'GET') return { status: 200, body: this.state() };
    const accountMatch = /^\/__fake\/accounts\/([^/]+)$/.exec(path);
    if (accountMatch !== null && method === 'GET') {
      const account = this.engine.accounts.get(decodeURIComponent(accountMatch[1]!));
      if (account === undefined) return { status: 404, body: { message: 'no such account' } };
      return { status: 200, body: this.accountState(account) };
    }
    return { status: 404, body: { message: `no control endpoint ${method} ${path}` } };
  }

  config(): Record<string, unknown> {
    return {
      fillParticipation: this.engine.fillParticipation,
      minuteMs: this.minuteMs,
      rateLimitPerMinute: this.rateLimitPerMinute,
      plan: this.plan,
    };
  }

  state(): Record<string, unknown> {
    return {
      now: isoTime(this.engine.now()),
      isOpen: this.engine.marketOpen(this.engine.market.find('SPY')!),
      config: this.config(),
      faults: this.faults.list(),
      streams: { trading: this.tradingClients.size, marketData: this.dataClients.size },
      accounts: [...this.engine.accounts.values()].map((a) => ({
        keyId: a.keyId,
        live: a.live,
        blocked: a.blocked,
        orders: a.orders.size,
        positions: a.positions.size,
      })),
      assets: FAKE_ASSETS.map((a) => a.symbol),
    };
  }

  /** Everything about one account: the /v2/account body, positions and every order (legs listed separately). */
  accountState(account: Account): { account: unknown; positions: unknown[]; orders: unknown[] } {
    return {
      account: this.engine.accountJson(account),
      positions: [...account.positions.values()].map((p) => this.engine.positionJson(p)),
      orders: this.engine.sortedOrders(account).map((o) => this.engine.orderJson(account, o, false)),
    };
  }

  // --- Streams --------------------------------------------------------------------------------------------------

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const feed: Feed | 'crypto' | null =
      pathname === '/v2/iex'
        ? 'iex'
        : pathname === '/v2/sip'
          ? 'sip'
          : pathname === '/v1beta3/crypto/us'
            ? 'crypto'
            : null;
    if (pathname !== '/stream' && feed === null) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (pathname === '/stream') this.acceptTrading(ws);
      else this.acceptData(ws, feed!, (req.headers['content-type'] ?? '').includes('msgpack'));
    });
  }

  private acceptTrading(ws: WebSocket): void {
    const client: TradingClient = { ws, account: null, listening: false };
    this.tradingClients.add(client);
    const send = (frame: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.from(JSON.stringify(frame)), { binary: true });
    };
    const authTimer = setTimeout(() => {
      if (client.account === null) ws.close(1008, 'auth timeout');
    }, 10_000);
    ws.on('close', () => {
      clearTimeout(authTimer);
      this.tradingClients.delete(client);
    });
    ws.on('error', () => undefined);
    ws.on('message', (data: RawData) => {
      let frame: { action?: unknown; data?: Record<string, unknown> };
      try {
        frame = JSON.parse(rawToBuffer(data).toString('utf8'));
      } catch {
        send({ stream: 'authorization', data: { action: 'unknown', status: 'unauthorized' } });
        return;
      }
      if (frame.action === 'authenticate' || frame.action === 'auth') {
        const d = frame.data ?? {};
        const account = this.engine.authenticate(
          typeof d['key_id'] === 'string' ? d['key_id'] : undefined,
          typeof d['secret_key'] === 'string' ? d['secret_key'] : undefined,
        );
        if (account === null) {
          send({ stream: 'authorization', data: { action: 'authenticate', status: 'unauthorized' } });
          ws.close(1008, 'unauthorized');
          return;
        }
        client.account = account;
        send({ stream: 'authorization', data: { action: 'authenticate', status: 'authorized' } });
        return;
      }
      if (frame.action === 'listen') {
        if (client.account === null) {
          send({ stream: 'authorization', data: { action: 'listen', status: 'unauthorized' } });
          return;
        }
        const streams = Array.isArray(frame.data?.['streams']) ? (frame.data['streams'] as unknown[]) : [];
        client.listening = streams.includes('trade_updates');
        send({ stream: 'listening', data: { streams: client.listening ? ['trade_updates'] : [] } });
        return;
      }
      send({ stream: 'listening', data: { error: `unknown action ${String(frame.action)}` } });
    });
  }

  private publishTradeUpdate(
    account: Account,
    event: TradeEvent,
    order: OrderRecord,
    fill: FillInfo | null,
  ): void {
    const data: Record<string, unknown> = {
      event,
      timestamp: isoTime(this.engine.now()),
      order: this.engine.orderJson(account, order, true),
    };
    if (fill !== null) {
      data['execution_id'] = fill.executionId;
      data['price'] = String(fill.price);
      data['qty'] = String(fill.qty);
      data['position_qty'] = String(fill.positionQty);
    }
    const listeners = [...this.tradingClients].filter((c) => c.listening && c.account === account);
    if (listeners.length === 0) return;
    if (this.faults.matchStream('silent-stream')) return;
    const copies = this.faults.matchStream('duplicate-events') ? 2 : 1;
    const text = Buffer.from(JSON.stringify({ stream: 'trade_updates', data }));
    for (const c of listeners) {
      for (let i = 0; i < copies; i++) if (c.ws.readyState === c.ws.OPEN) c.ws.send(text, { binary: true });
    }
  }

  private acceptData(ws: WebSocket, feed: Feed | 'crypto', msgpack: boolean): void {
    const client: DataClient = {
      ws,
      feed,
      msgpack,
      account: null,
      limitKey: null,
      subs: {
        trades: new Set(),
        quotes: new Set(),
        bars: new Set(),
        updatedBars: new Set(),
        dailyBars: new Set(),
      },
    };
    this.dataClients.add(client);
    const send = (frames: unknown[]) => this.sendData(client, frames);
    ws.on('close', () => {
      this.dataClients.delete(client);
      if (client.limitKey !== null && this.dataLimits.get(client.limitKey) === client) {
        this.dataLimits.delete(client.limitKey);
      }
    });
    ws.on('error', () => undefined);
    send([{ T: 'success', msg: 'connected' }]);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      let message: Record<string, unknown>;
      try {
        const buffer = rawToBuffer(data);
        const decoded: unknown = isBinary ? msgpackDecode(buffer) : JSON.parse(buffer.toString('utf8'));
        if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded))
          throw new Error('not a map');
        message = decoded as Record<string, unknown>;
      } catch {
        send([{ T: 'error', code: 400, msg: 'invalid syntax' }]);
        return;
      }
      const action = message['action'];
      if (action === 'auth') {
        if (client.account !== null) {
          send([{ T: 'error', code: 403, msg: 'already authenticated' }]);
          return;
        }
        const account = this.engine.authenticate(
          typeof message['key'] === 'string' ? message['key'] : undefined,
          typeof message['secret'] === 'string' ? message['secret'] : undefined,
        );
        if (account === null) {
          send([{ T: 'error', code: 402, msg: 'auth failed' }]);
          ws.close();
          return;
        }
        const limitKey = `${account.keyId}:${feed === 'crypto' ? 'crypto' : 'stocks'}`;
        if (this.dataLimits.has(limitKey)) {
          send([{ T: 'error', code: 406, msg: 'connection limit exceeded' }]);
          ws.close();
          return;
        }
        if (feed === 'sip' && this.plan === 'basic') {
          send([{ T: 'error', code: 409, msg: 'insufficient subscription' }]);
          ws.close();
          return;
        }
        client.account = account;
        client.limitKey = limitKey;
        this.dataLimits.set(limitKey, client);
        send([{ T: 'success', msg: 'authenticated' }]);
        return;
      }
      if (action === 'subscribe' || action === 'unsubscribe') {
        if (client.account === null) {
          send([{ T: 'error', code: 401, msg: 'not authenticated' }]);
          return;
        }
        for (const channel of DATA_CHANNELS) {
          const list = message[channel];
          if (!Array.isArray(list)) continue;
          for (const s of list) {
            if (typeof s !== 'string') continue;
            const symbol = s === '*' ? '*' : (this.engine.market.find(s)?.asset.symbol ?? s.toUpperCase());
            if (action === 'subscribe') client.subs[channel].add(symbol);
            else client.subs[channel].delete(symbol);
          }
        }
        const frame: Record<string, unknown> = { T: 'subscription' };
        for (const channel of DATA_CHANNELS) frame[channel] = [...client.subs[channel]];
        if (feed !== 'crypto') {
          frame['statuses'] = [];
          frame['lulds'] = [];
          frame['corrections'] = [];
          frame['cancelErrors'] = [];
        } else frame['orderbooks'] = [];
        send([frame]);
        return;
      }
      send([{ T: 'error', code: 400, msg: 'invalid syntax' }]);
    });
  }

  private sendData(client: DataClient, frames: unknown[]): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    if (client.msgpack) client.ws.send(msgpackEncode(frames));
    else client.ws.send(JSON.stringify(frames, (_k, v: unknown) => v));
  }

  private subscribers(path: SymbolPath, channel: (typeof DATA_CHANNELS)[number]): DataClient[] {
    const crypto = path.asset.assetClass === 'crypto';
    const out: DataClient[] = [];
    for (const c of this.dataClients) {
      if (c.account === null || (c.feed === 'crypto') !== crypto) continue;
      const subs = c.subs[channel];
      if (subs.has(path.asset.symbol) || subs.has('*')) out.push(c);
    }
    return out;
  }

  private publishBar(path: SymbolPath, index: number): void {
    for (const c of this.subscribers(path, 'bars')) {
      const bar = path.minuteWireBar(index, c.feed === 'sip' ? 'sip' : 'iex');
      this.sendData(c, [{ T: 'b', S: path.asset.symbol, ...bar, t: new Date(bar.t) }]);
    }
  }

  private publishTick(path: SymbolPath, price: number, size: number, time: number): void {
    const trades = this.subscribers(path, 'trades');
    const quotes = this.subscribers(path, 'quotes');
    if (trades.length === 0 && quotes.length === 0) return;
    const crypto = path.asset.assetClass === 'crypto';
    const t = new Date(time);
    for (const c of trades) {
      const s = c.feed === 'iex' ? Math.max(1, Math.round(size * 0.025)) : size;
      this.sendData(c, [{ T: 't', S: path.asset.symbol, ...this.tradeJson(path, price, s, '', crypto), t }]);
    }
    for (const c of quotes) {
      this.sendData(c, [{ T: 'q', S: path.asset.symbol, ...this.quoteJson(path, price, '', crypto), t }]);
    }
  }
}

export function startFakeAlpaca(options: FakeAlpacaOptions = {}): Promise<FakeAlpaca> {
  return FakeAlpaca.start(options);
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
