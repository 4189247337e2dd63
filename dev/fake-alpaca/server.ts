// The loopback fake Alpaca: one HTTP server on 127.0.0.1 serving trading REST, market-data REST, the trading stream
// (JSON, /stream), the market-data streams (msgpack, /v2/iex, /v2/sip, /v1beta3/crypto/us) and a control API under
// /__fake/ (faults, clock, state). See README.md in this folder.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { z } from 'zod';
import { FakeBroker } from './broker';
import { type Account, type AccountConfig, AlpacaHttpError, type OptionsLevel } from './broker-model';
import { FaultBodySchema, type FaultRule, Faults, type HttpFault } from './faults';
import { fakeStreamUrls, fetchRewritingAlpacaTo } from './fetch';
import { isoTime } from './format';
import { keyPair } from './ids';
import { FAKE_ASSETS, type Feed, MINUTE_MS, TICK_MS } from './market';
import { DEFAULT_OPTION_MODEL, type OptionModel } from './option-chain';
import {
  AccountBodySchema,
  AdvanceBodySchema,
  ConfigBodySchema,
  DisconnectBodySchema,
  type Reply,
  ReplyError,
  type Route,
  zodMessage,
} from './routes/http';
import { MarketDataRoutes } from './routes/market-data';
import { OptionRoutes } from './routes/options';
import { ReferenceRoutes } from './routes/reference';
import { TradingRoutes } from './routes/trading';
import { MarketDataStreams } from './streams/market-data-stream';
import { TradingStream } from './streams/trading-stream';

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
  /** Option pricing: volatility (0.18), rate (0.045), spread as a fraction of the price (0.04). */
  optionModel?: Partial<OptionModel>;
}

export interface FakeKeys {
  keyId: string;
  secret: string;
}

const DEFAULT_START = Date.UTC(2025, 2, 5, 15, 0, 0);

export class FakeAlpaca {
  readonly broker: FakeBroker;
  readonly faults: Faults;
  readonly keys: { paper: FakeKeys; blocked: FakeKeys; live: FakeKeys };
  readonly plan: 'basic' | 'sip';
  readonly trading: TradingRoutes = new TradingRoutes(this);
  readonly reference: ReferenceRoutes = new ReferenceRoutes(this);
  readonly marketData: MarketDataRoutes = new MarketDataRoutes(this);
  readonly options: OptionRoutes = new OptionRoutes(this);
  readonly tradingStream: TradingStream = new TradingStream(this);
  readonly dataStreams: MarketDataStreams = new MarketDataStreams(this);
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly sockets = new Set<Socket>();
  private readonly rateWindows = new Map<string, number[]>();
  private rateLimitPerMinute: number;
  private minuteMs: number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private port = 0;

  private constructor(options: FakeAlpacaOptions) {
    const seed = options.seed ?? 1;
    const paper = keyPair(seed, 'paper', false);
    const blocked = keyPair(seed, 'blocked', false);
    const live = keyPair(seed, 'live', true);
    this.keys = { paper, blocked, live };
    this.plan = options.plan ?? 'basic';
    this.broker = new FakeBroker({
      seed,
      startTime: options.startTime ?? DEFAULT_START,
      historyDays: options.historyDays ?? 30,
      fillParticipation: options.fillParticipation ?? 0.05,
      accounts: options.accounts ?? [paper, { ...blocked, blocked: true }, live],
      optionModel: { ...DEFAULT_OPTION_MODEL, ...options.optionModel },
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
    this.broker.listen({
      tradeUpdate: (account, event, order, fill) =>
        this.tradingStream.publishTradeUpdate(account, event, order, fill),
      tick: (path, price, size, time) => this.dataStreams.publishTick(path, price, size, time),
      bar: (path, index) => this.dataStreams.publishBar(path, index),
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
    const r = this.broker.advanceMinutes(minutes);
    return { from: isoTime(r.from), to: isoTime(r.to), ticks: r.ticks };
  }

  addFault(rule: FaultRule): number {
    return this.faults.add(rule);
  }

  /** Drops every trading-stream (or market-data) connection as a network failure would (no close frame). */
  disconnectStreams(stream: 'trading' | 'market-data' | 'all' = 'trading'): number {
    let closed = 0;
    if (stream !== 'market-data') {
      for (const c of this.tradingStream.clients) {
        c.ws.terminate();
        closed++;
      }
    }
    if (stream !== 'trading') {
      for (const c of this.dataStreams.clients) {
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
        () => this.broker.advanceTo(this.broker.now() + TICK_MS),
        Math.max(1, minuteMs / (MINUTE_MS / TICK_MS)),
      );
      this.timer.unref?.();
    }
  }

  /** Open trading-stream connections that have authenticated and listen to trade_updates. */
  listeningTradingClients(): number {
    return [...this.tradingStream.clients].filter((c) => c.listening).length;
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    for (const c of this.tradingStream.clients) c.ws.terminate();
    for (const c of this.dataStreams.clients) c.ws.terminate();
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
        account = this.broker.authenticate(
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
    { method: 'GET', pattern: /^\/v2\/account$/, api: 'trading', handle: (c) => this.trading.getAccount(c) },
    { method: 'GET', pattern: /^\/v2\/orders$/, api: 'trading', handle: (c) => this.trading.listOrders(c) },
    { method: 'POST', pattern: /^\/v2\/orders$/, api: 'trading', handle: (c) => this.trading.postOrder(c) },
    { method: 'DELETE', pattern: /^\/v2\/orders$/, api: 'trading', handle: (c) => this.trading.cancelAll(c) },
    {
      method: 'GET',
      pattern: /^\/v2\/orders:by_client_order_id$/,
      api: 'trading',
      handle: (c) => this.trading.getByClientId(c),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/orders\/([^/]+)$/,
      api: 'trading',
      handle: (c) => this.trading.getOrder(c),
    },
    {
      method: 'DELETE',
      pattern: /^\/v2\/orders\/([^/]+)$/,
      api: 'trading',
      handle: (c) => this.trading.cancelOrder(c),
    },
    {
      method: 'PATCH',
      pattern: /^\/v2\/orders\/([^/]+)$/,
      api: 'trading',
      handle: (c) => this.trading.patchOrder(c),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/positions$/,
      api: 'trading',
      handle: (c) => this.trading.listPositions(c),
    },
    {
      method: 'DELETE',
      pattern: /^\/v2\/positions$/,
      api: 'trading',
      handle: (c) => this.trading.closeAll(c),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/positions\/([^/]+)$/,
      api: 'trading',
      handle: (c) => this.trading.getPosition(c),
    },
    {
      method: 'DELETE',
      pattern: /^\/v2\/positions\/([^/]+)$/,
      api: 'trading',
      handle: (c) => this.trading.closePosition(c),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/options\/contracts$/,
      api: 'trading',
      handle: (c) => this.options.listContracts(c),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/options\/contracts\/([^/]+)$/,
      api: 'trading',
      handle: (c) => this.options.getContract(c),
    },
    {
      method: 'GET',
      pattern: /^\/v1beta1\/options\/snapshots$/,
      api: 'data',
      handle: (c) => this.options.symbolSnapshots(c),
    },
    {
      method: 'GET',
      pattern: /^\/v1beta1\/options\/snapshots\/([^/]+)$/,
      api: 'data',
      handle: (c) => this.options.chainSnapshots(c),
    },
    {
      method: 'GET',
      pattern: /^\/v1beta1\/options\/bars$/,
      api: 'data',
      handle: (c) => this.options.bars(c),
    },
    { method: 'GET', pattern: /^\/v2\/assets$/, api: 'trading', handle: (c) => this.reference.listAssets(c) },
    {
      method: 'GET',
      pattern: /^\/v2\/assets\/([^/]+)$/,
      api: 'trading',
      handle: (c) => this.reference.getAsset(c),
    },
    { method: 'GET', pattern: /^\/v2\/clock$/, api: 'trading', handle: () => this.reference.getClock() },
    {
      method: 'GET',
      pattern: /^\/v2\/calendar$/,
      api: 'trading',
      handle: (c) => this.reference.getCalendar(c),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/stocks\/bars$/,
      api: 'data',
      handle: (c) => this.marketData.stockBars(c, null),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/stocks\/bars\/latest$/,
      api: 'data',
      handle: (c) => this.marketData.latest(c, 'bars', null, false),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/stocks\/trades\/latest$/,
      api: 'data',
      handle: (c) => this.marketData.latest(c, 'trades', null, false),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/stocks\/quotes\/latest$/,
      api: 'data',
      handle: (c) => this.marketData.latest(c, 'quotes', null, false),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/stocks\/([^/]+)\/bars$/,
      api: 'data',
      handle: (c) => this.marketData.stockBars(c, c.params[0]!),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/stocks\/([^/]+)\/bars\/latest$/,
      api: 'data',
      handle: (c) => this.marketData.latest(c, 'bars', c.params[0]!, false),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/stocks\/([^/]+)\/trades\/latest$/,
      api: 'data',
      handle: (c) => this.marketData.latest(c, 'trades', c.params[0]!, false),
    },
    {
      method: 'GET',
      pattern: /^\/v2\/stocks\/([^/]+)\/quotes\/latest$/,
      api: 'data',
      handle: (c) => this.marketData.latest(c, 'quotes', c.params[0]!, false),
    },
    {
      method: 'GET',
      pattern: /^\/v1beta3\/crypto\/us\/bars$/,
      api: 'crypto',
      handle: (c) => this.marketData.cryptoBars(c),
    },
    {
      method: 'GET',
      pattern: /^\/v1beta3\/crypto\/us\/latest\/bars$/,
      api: 'crypto',
      handle: (c) => this.marketData.latest(c, 'bars', null, true),
    },
    {
      method: 'GET',
      pattern: /^\/v1beta3\/crypto\/us\/latest\/trades$/,
      api: 'crypto',
      handle: (c) => this.marketData.latest(c, 'trades', null, true),
    },
    {
      method: 'GET',
      pattern: /^\/v1beta3\/crypto\/us\/latest\/quotes$/,
      api: 'crypto',
      handle: (c) => this.marketData.latest(c, 'quotes', null, true),
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
      if (Number.isNaN(to) || to < this.broker.now())
        return { status: 400, body: { message: 'to must be a future time' } };
      const r = this.broker.advanceTo(to);
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
        this.broker.fillParticipation = parsed.data.fillParticipation;
      if (parsed.data.minuteMs !== undefined) this.setMinuteMs(parsed.data.minuteMs);
      if (parsed.data.rateLimitPerMinute !== undefined)
        this.rateLimitPerMinute = parsed.data.rateLimitPerMinute;
      return { status: 200, body: this.config() };
    }
    if (path === '/__fake/state' && method === 'GET') return { status: 200, body: this.state() };
    const accountMatch = /^\/__fake\/accounts\/([^/]+)$/.exec(path);
    if (accountMatch !== null && (method === 'GET' || method === 'POST')) {
      const account = this.broker.accounts.get(decodeURIComponent(accountMatch[1]!));
      if (account === undefined) return { status: 404, body: { message: 'no such account' } };
      if (method === 'POST') {
        const parsed = AccountBodySchema.safeParse(body);
        if (!parsed.success) return fail(parsed.error);
        if (parsed.data.optionsLevel !== undefined) account.optionsLevel = parsed.data.optionsLevel;
      }
      return { status: 200, body: this.accountState(account) };
    }
    return { status: 404, body: { message: `no control endpoint ${method} ${path}` } };
  }

  config(): Record<string, unknown> {
    return {
      fillParticipation: this.broker.fillParticipation,
      minuteMs: this.minuteMs,
      rateLimitPerMinute: this.rateLimitPerMinute,
      plan: this.plan,
    };
  }

  state(): Record<string, unknown> {
    return {
      now: isoTime(this.broker.now()),
      isOpen: this.broker.marketOpen(this.broker.market.find('SPY')!),
      config: this.config(),
      faults: this.faults.list(),
      streams: { trading: this.tradingStream.clients.size, marketData: this.dataStreams.clients.size },
      accounts: [...this.broker.accounts.values()].map((a) => ({
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
  accountState(account: Account): {
    account: unknown;
    positions: unknown[];
    orders: unknown[];
    optionSettlements: unknown[];
  } {
    return {
      account: this.broker.accountJson(account),
      positions: [...account.positions.values()].map((p) => this.broker.positionJson(p)),
      orders: this.broker.sortedOrders(account).map((o) => this.broker.orderJson(account, o, false)),
      optionSettlements: account.settlements.map((s) => ({ ...s, time: isoTime(s.time) })),
    };
  }

  /** Sets an account's options approved and trading level (0–3), e.g. 1 to see buying puts refused. */
  setOptionsLevel(keyId: string, level: OptionsLevel): void {
    const account = this.broker.accounts.get(keyId);
    if (account === undefined) throw new Error(`no account with key ${keyId}`);
    account.optionsLevel = level;
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
      if (pathname === '/stream') this.tradingStream.acceptTrading(ws);
      else this.dataStreams.acceptData(ws, feed!, (req.headers['content-type'] ?? '').includes('msgpack'));
    });
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
