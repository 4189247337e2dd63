// Helpers for tests that drive the fake Alpaca through the real SDK.
import { Alpaca, type streaming } from '@alpacahq/alpaca-trade-api';
import type { FakeAlpacaOptions } from '../../../dev/fake-alpaca/server';
import { type FakeAlpaca, type FakeKeys, startFakeAlpaca } from '../../../dev/fake-alpaca/server';

export async function startFake(options: FakeAlpacaOptions = {}): Promise<FakeAlpaca> {
  return startFakeAlpaca({ seed: 7, rateLimitPerMinute: 0, ...options });
}

/** The SDK facade, unmodified, pointed at the fake through `fetchApi`. */
export function sdk(
  fake: FakeAlpaca,
  keys: FakeKeys = fake.keys.paper,
  extra: { timeoutMs?: number; retry?: false | { maxRetries?: number; retryDelayMs?: number } } = {},
): Alpaca {
  return new Alpaca({
    keyId: keys.keyId,
    secret: keys.secret,
    paper: true,
    fetchApi: fake.fetchApi,
    rateLimit: false,
    ...extra,
  });
}

/** Collects trade updates from the SDK's trading stream connected to the fake. */
export class TradeUpdates {
  readonly updates: streaming.TradeUpdate[] = [];
  readonly stream: streaming.TradingStream;
  private waiters: Array<() => void> = [];

  constructor(alpaca: Alpaca, fake: FakeAlpaca) {
    this.stream = alpaca.trading.stream({
      url: fake.streamUrls.trading,
      initialReconnectMs: 50,
      reconnectJitter: 0,
      backoff: false,
    });
    this.stream.onTradeUpdate((u) => {
      this.updates.push(u);
      for (const w of this.waiters) w();
    });
  }

  /** Connects, subscribes and resolves once the fake confirmed `listening`. */
  async open(): Promise<this> {
    const listening = new Promise<void>((resolve) => {
      this.stream.once('subscription', () => resolve());
    });
    this.stream.subscribeTradeUpdates();
    this.stream.connect();
    await listening;
    return this;
  }

  close(): void {
    this.stream.disconnect();
  }

  forOrder(orderId: string): streaming.TradeUpdate[] {
    return this.updates.filter((u) => u.order.id === orderId);
  }

  events(orderId: string): string[] {
    return this.forOrder(orderId).map((u) => u.event);
  }

  /** Waits until `predicate` holds (checked on every update and every 20 ms), or fails after `ms`. */
  async until(predicate: (updates: streaming.TradeUpdate[]) => boolean, ms = 3_000): Promise<void> {
    if (predicate(this.updates)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out; events so far: ${this.updates.map((u) => u.event).join(', ')}`));
      }, ms);
      const check = () => {
        if (!predicate(this.updates)) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
      const poll = setInterval(() => {
        if (!this.waiters.includes(check)) clearInterval(poll);
        else check();
      }, 20);
    });
  }
}

/** The tick prices of `symbol` over the next `minutes` of the fake's clock (read from its price path). */
export function futureTicks(fake: FakeAlpaca, symbol: string, minutes: number): number[] {
  const path = fake.broker.market.find(symbol)!;
  const now = fake.broker.now();
  const out: number[] = [];
  for (let t = now + 15_000; t <= now + minutes * 60_000; t += 15_000) {
    const barStart = Math.floor(t / 60_000) * 60_000;
    const i = path.barAt(barStart);
    if (i >= 0) out.push(path.tickPrice(i, (t - barStart) / 15_000));
  }
  return out;
}

export function lastPrice(fake: FakeAlpaca, symbol: string): number {
  return fake.broker.lastPrice(symbol)!;
}

export function cents(value: number): string {
  return (Math.round(value * 100) / 100).toFixed(2);
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Raw JSON against the fake (for the control API and what the SDK does not cover). */
export async function fakeJson(
  fake: FakeAlpaca,
  method: string,
  path: string,
  body?: unknown,
  keys?: FakeKeys,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (keys !== undefined) {
    headers['APCA-API-KEY-ID'] = keys.keyId;
    headers['APCA-API-SECRET-KEY'] = keys.secret;
  }
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(`${fake.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
}
