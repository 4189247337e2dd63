// Live bars from Alpaca's market-data stream (the SDK's msgpack WebSocket): minute bars of the session's symbols,
// aggregated to the session's timeframe and released one bar time at a time (see LiveBarAssembler). The stream can
// fail in ways a session must survive: SIP refused on the free plan (→ IEX), a second connection on the same
// account (406: wait, do not hammer), a dropped connection (the SDK reconnects with backoff; the minutes missed
// meanwhile are fetched over REST before anything newer is released, so no bar time is skipped).
import { type Alpaca, streaming } from '@alpacahq/alpaca-trade-api';
import { z } from 'zod';
import { type Bar, barProblem, type Timeframe } from '../../../shared/domain/bars';
import { bucketStartAt } from '../../feeds/bar-buckets';
import { type BarGroup, LiveBarAssembler, type SymbolBar } from '../../feeds/live-bar-assembler';
import type { LiveFeed, LiveFeedHandlers } from '../../feeds/live-feed';
import type { MarketCalendar } from '../../market/new-york-time';
import {
  type AlpacaFeed,
  type AlpacaHistory,
  createAlpacaHistory,
  isCryptoSymbol,
  type StockFeed,
} from './history';
import type { AlpacaStreamUrls } from './streams';

export type { SymbolBar } from '../../feeds/live-bar-assembler';

/** Time and timers, injectable so tests can run the grace period and the retry waits on their own clock. */
export interface FeedClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const WALL_CLOCK: FeedClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface AlpacaLiveFeedOptions {
  /** The SDK facade, from createAlpacaClient. */
  readonly client: Alpaca;
  /** All stocks or all crypto pairs (BTC/USD): one stream, one market calendar. */
  readonly symbols: readonly string[];
  /** The session's timeframe; the stream's minute bars are aggregated to it. */
  readonly timeframe: Timeframe;
  /** Stocks: 'iex' (default) or 'sip' (falls back to IEX when the plan has no SIP). */
  readonly feed?: StockFeed;
  /** Where the streams are (a loopback fake); undefined: the SDK's defaults, the real Alpaca. */
  readonly streamUrls?: AlpacaStreamUrls;
  /** REST history for the backfill after a reconnect; default: one without a cache over the same client. */
  readonly history?: AlpacaHistory;
  /** How long after a bar's end to wait for symbols without a bar (default 5 s). */
  readonly graceMs?: number;
  /** How often the grace period is checked (default 1 s). */
  readonly checkEveryMs?: number;
  readonly clock?: FeedClock;
  /** The SDK's reconnect backoff after a dropped connection: first wait and cap (default 1 s, 30 s). */
  readonly reconnectMs?: { readonly initial: number; readonly max: number };
  /** The first wait after "connection limit exceeded" (default 60 s; doubles, up to 10 minutes). */
  readonly connectionLimitRetryMs?: number;
  /** start() gives up after this long without bars flowing (default 30 s). */
  readonly startTimeoutMs?: number;
}

const MINUTE_MS = 60_000;
const MAX_LIMIT_RETRY_MS = 600_000;
// Market-data error texts, as the SDK reports them (it maps Alpaca's codes to these fixed words).
const INSUFFICIENT_SUBSCRIPTION = 'insufficient subscription'; // 409
const CONNECTION_LIMIT = 'connection limit exceeded'; // 406
const AUTH_REFUSALS = new Set(['auth failed', 'not authenticated', 'auth timeout']); // 402, 401, 404

const price = z.number().positive();
const StreamBarSchema = z.object({
  symbol: z.string().min(1),
  open: price,
  high: price,
  low: price,
  close: price,
  volume: z.number().nonnegative(),
  timestamp: z.date().refine((d) => Number.isFinite(d.getTime()), 'not a valid time'),
});

export function createAlpacaLiveFeed(options: AlpacaLiveFeedOptions): LiveFeed {
  return new AlpacaLiveFeed(options);
}

type DataStream = streaming.StockDataStream | streaming.CryptoDataStream;

class AlpacaLiveFeed implements LiveFeed {
  private readonly client: Alpaca;
  private readonly symbols: readonly string[];
  private readonly timeframe: Timeframe;
  private readonly calendar: MarketCalendar;
  private readonly clock: FeedClock;
  private readonly history: AlpacaHistory;
  private readonly assembler: LiveBarAssembler;
  private feed: AlpacaFeed;
  private stream: DataStream | undefined;
  private handlers: LiveFeedHandlers | undefined;
  private stopped = false;
  /** Subscribed and caught up: stream bars go straight to the assembler and the grace period runs. */
  private live = false;
  private waitingForSubscription = false;
  private catchUpRun = 0;
  private buffered: SymbolBar[] = [];
  private warmStart = 0;
  private everLive = false;
  private holdingOff = false;
  private limitRefusals = 0;
  private checkTimer: unknown;
  private retryTimer: unknown;
  private startTimer: unknown;
  private startWaiter: { resolve(): void; reject(error: Error): void } | undefined;
  private lastMessage = '';

  constructor(private readonly options: AlpacaLiveFeedOptions) {
    const symbols = [...new Set(options.symbols.map((s) => s.trim().toUpperCase()))];
    if (symbols.length === 0) throw new RangeError('a live feed needs at least one symbol');
    const crypto = symbols.filter(isCryptoSymbol);
    if (crypto.length > 0 && crypto.length < symbols.length) {
      throw new RangeError(
        `a live feed streams stocks or crypto, not both: ${symbols.join(', ')} (they keep different hours)`,
      );
    }
    this.client = options.client;
    this.symbols = symbols;
    this.timeframe = options.timeframe;
    this.calendar = crypto.length > 0 ? 'crypto' : 'us-equities';
    this.feed = crypto.length > 0 ? 'crypto' : (options.feed ?? 'iex');
    this.clock = options.clock ?? WALL_CLOCK;
    this.history = options.history ?? createAlpacaHistory({ client: options.client });
    this.assembler = new LiveBarAssembler({
      symbols,
      timeframe: options.timeframe,
      calendar: this.calendar,
      graceMs: options.graceMs ?? 5_000,
    });
  }

  /** Resolves once bars flow (or the feed is waiting out another connection); rejects when Alpaca refuses the keys. */
  async start(handlers: LiveFeedHandlers): Promise<void> {
    if (this.handlers !== undefined) throw new Error('this live feed was already started');
    this.handlers = handlers;
    const now = this.clock.now();
    // Backfill the bar in progress, so the first bar released is whole rather than its last few minutes.
    this.warmStart = bucketStartAt(now, this.timeframe, this.calendar) ?? now;
    const started = new Promise<void>((resolve, reject) => {
      this.startWaiter = { resolve, reject };
    });
    const timeoutMs = this.options.startTimeoutMs ?? 30_000;
    this.startTimer = this.clock.setTimeout(() => {
      this.startTimer = undefined;
      this.failStart(
        new Error(`Alpaca market data did not start within ${timeoutMs / 1000} s: ${this.lastMessage}`),
      );
    }, timeoutMs);
    this.report(false, `connecting to Alpaca ${feedName(this.feed)} market data`);
    this.open();
    this.scheduleCheck();
    try {
      await started;
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.live = false;
    for (const timer of [this.checkTimer, this.retryTimer, this.startTimer]) {
      if (timer !== undefined) this.clock.clearTimeout(timer);
    }
    this.checkTimer = this.retryTimer = this.startTimer = undefined;
    const stream = this.stream;
    this.stream = undefined;
    stream?.disconnect();
    this.settleStart(undefined);
  }

  private open(): void {
    const feed = this.feed;
    const reconnect = this.options.reconnectMs ?? { initial: 1_000, max: 30_000 };
    const common = {
      reconnect: true,
      maxReconnectAttempts: streaming.UNLIMITED_RECONNECT_ATTEMPTS,
      backoff: true,
      initialReconnectMs: reconnect.initial,
      maxReconnectMs: reconnect.max,
    };
    const url = this.options.streamUrls?.[feed];
    const stream: DataStream =
      feed === 'crypto'
        ? this.client.marketData.cryptoStream({ ...common, ...(url !== undefined && { url }) })
        : this.client.marketData.stockStream({ ...common, feed, ...(url !== undefined && { url }) });
    this.stream = stream;
    const mine = (): boolean => this.stream === stream && !this.stopped;
    stream.onBar((bar) => {
      if (mine()) this.onMinuteBar(bar);
    });
    stream.onError((message) => {
      if (mine()) this.onStreamError(stream, message);
    });
    stream.on(streaming.EVENT.SUBSCRIPTION, () => {
      if (mine() && this.waitingForSubscription) void this.catchUp();
    });
    stream.onDisconnect(() => {
      if (mine() && !this.holdingOff) this.onDisconnected();
    });
    stream.onReconnecting((attempt) => {
      if (mine()) this.report(false, `reconnecting to Alpaca market data (attempt ${attempt})`);
    });
    stream.subscribeForBars([...this.symbols]);
    this.waitingForSubscription = true;
    stream.connect();
  }

  private onStreamError(stream: DataStream, message: string): void {
    if (message === INSUFFICIENT_SUBSCRIPTION && this.feed === 'sip') {
      this.stream = undefined;
      stream.disconnect();
      this.feed = 'iex';
      this.report(
        false,
        'Alpaca refused the SIP stream (insufficient subscription: SIP needs a paid data plan); using IEX instead',
      );
      this.open();
      return;
    }
    if (message === CONNECTION_LIMIT) {
      // Alpaca still counts the other connection; hammering it would not free it, so wait, longer each time.
      this.holdingOff = true;
      this.live = false;
      stream.disconnect();
      const waitMs = Math.min(
        (this.options.connectionLimitRetryMs ?? 60_000) * 2 ** this.limitRefusals,
        MAX_LIMIT_RETRY_MS,
      );
      this.limitRefusals++;
      this.report(
        false,
        `Alpaca allows one market-data connection per account and another one is open (another MarketBoss or a script using these keys?); trying again in ${seconds(waitMs)}`,
      );
      this.settleStart(undefined);
      this.retryTimer = this.clock.setTimeout(() => {
        this.retryTimer = undefined;
        if (this.stream !== stream || this.stopped) return;
        this.holdingOff = false;
        this.waitingForSubscription = true;
        stream.connect();
      }, waitMs);
      return;
    }
    if (AUTH_REFUSALS.has(message)) {
      this.stream = undefined;
      this.live = false;
      const text = `Alpaca refused the market-data login (${message}): check the API keys`;
      this.report(false, text);
      this.failStart(new Error(text));
      return;
    }
    this.report(this.live, `Alpaca market data: ${message}`);
  }

  private onDisconnected(): void {
    this.live = false;
    this.waitingForSubscription = true;
    this.report(false, 'lost the Alpaca market-data stream; reconnecting (missed bars will be fetched)');
  }

  private onMinuteBar(raw: streaming.StreamBar): void {
    const parsed = StreamBarSchema.safeParse(raw);
    let bar: SymbolBar | undefined;
    let problem: string | undefined;
    if (parsed.success) {
      const b = parsed.data;
      bar = {
        symbol: b.symbol,
        time: b.timestamp.getTime(),
        open: b.open,
        high: b.high,
        low: b.low,
        close: b.close,
        volume: b.volume,
      };
      problem = barProblem(bar);
    } else {
      const issue = parsed.error.issues[0]!;
      problem = `${issue.path.join('.') || 'bar'}: ${issue.message}`;
    }
    if (problem !== undefined || bar === undefined) {
      this.report(this.live, `ignored a malformed bar from Alpaca (${String(raw.symbol)}): ${problem}`);
      return;
    }
    if (!this.live) {
      this.buffered.push(bar); // kept until the backfill is in, so bars go to the assembler in time order
      return;
    }
    this.take([bar]);
  }

  /** After each (re)subscription: fetch the minutes missed over REST, then the bars the stream sent meanwhile. */
  private async catchUp(): Promise<void> {
    this.waitingForSubscription = false;
    this.limitRefusals = 0;
    const run = ++this.catchUpRun;
    const reconnected = this.everLive;
    let message: string;
    try {
      const missed = await this.backfill();
      if (run !== this.catchUpRun || this.stopped) return;
      this.take(missed);
      message = reconnected
        ? `reconnected to Alpaca ${feedName(this.feed)} market data; ${missed.length} missed minute bars fetched`
        : `streaming ${this.timeframe} bars of ${this.symbols.join(', ')} from Alpaca ${feedName(this.feed)}`;
    } catch (error) {
      if (run !== this.catchUpRun || this.stopped) return;
      message = `connected to Alpaca ${feedName(this.feed)} market data, but the missed minutes could not be fetched (${(error as Error).message}); some bars may be incomplete`;
    }
    const buffered = this.buffered;
    this.buffered = [];
    this.take(buffered);
    this.live = true;
    this.everLive = true;
    this.report(true, message);
    this.settleStart(undefined);
    this.check();
  }

  private async backfill(): Promise<SymbolBar[]> {
    const from = new Map<string, number>();
    for (const symbol of this.symbols) {
      const last = this.assembler.lastMinuteOf(symbol);
      from.set(symbol, last === undefined ? this.warmStart : last + MINUTE_MS);
    }
    const start = Math.min(...from.values());
    // No minute can have finished since: nothing to ask for.
    if (start + MINUTE_MS > this.clock.now()) return [];
    const result = await this.history.bars({
      symbols: this.symbols,
      timeframe: '1m',
      start,
      ...(this.feed !== 'crypto' && { feed: this.feed }),
    });
    const out: SymbolBar[] = [];
    for (const symbol of this.symbols) {
      const series = result.series[symbol];
      if (series === undefined) continue;
      const first = from.get(symbol)!;
      for (let i = 0; i < series.length; i++) {
        const time = series.time[i]!;
        if (time < first) continue;
        out.push({
          symbol,
          time,
          open: series.open[i]!,
          high: series.high[i]!,
          low: series.low[i]!,
          close: series.close[i]!,
          volume: series.volume[i]!,
        });
      }
    }
    return out;
  }

  /** Minute bars to the assembler, oldest first; the groups they complete go out. */
  private take(bars: readonly SymbolBar[]): void {
    const ordered = [...bars].sort((a, b) => a.time - b.time);
    for (const bar of ordered) {
      let groups: readonly BarGroup[];
      try {
        groups = this.assembler.pushMinute(bar.symbol, stripSymbol(bar));
      } catch (error) {
        this.report(this.live, `ignored a bar of ${bar.symbol}: ${(error as Error).message}`);
        continue;
      }
      this.emit(groups);
    }
  }

  private check(): void {
    // While down or catching up the grace period waits: the missing bars are coming from the backfill.
    if (this.live && !this.stopped) this.emit(this.assembler.tick(this.clock.now()));
  }

  private scheduleCheck(): void {
    if (this.stopped) return;
    this.checkTimer = this.clock.setTimeout(() => {
      this.checkTimer = undefined;
      this.check();
      this.scheduleCheck();
    }, this.options.checkEveryMs ?? 1_000);
  }

  private emit(groups: readonly BarGroup[]): void {
    for (const group of groups) {
      try {
        this.handlers?.onBars(group.time, group.bars);
      } catch (error) {
        this.report(
          this.live,
          `the bar handler failed at ${new Date(group.time).toISOString()}: ${String(error)}`,
        );
      }
    }
  }

  private report(connected: boolean, message: string): void {
    this.lastMessage = message;
    if (this.stopped) return;
    try {
      this.handlers?.onStatus({ connected, message });
    } catch {
      // A failing status listener must not take the feed down.
    }
  }

  private failStart(error: Error): void {
    if (this.startWaiter === undefined) {
      void this.stop();
      return;
    }
    this.settleStart(error);
  }

  private settleStart(error: Error | undefined): void {
    const waiter = this.startWaiter;
    if (waiter === undefined) return;
    this.startWaiter = undefined;
    if (this.startTimer !== undefined) {
      this.clock.clearTimeout(this.startTimer);
      this.startTimer = undefined;
    }
    if (error === undefined) waiter.resolve();
    else waiter.reject(error);
  }
}

function stripSymbol(bar: SymbolBar): Bar {
  return {
    time: bar.time,
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
}

function feedName(feed: AlpacaFeed): string {
  return feed === 'crypto' ? 'crypto' : feed.toUpperCase();
}
