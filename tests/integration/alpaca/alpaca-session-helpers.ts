// Alpaca paper sessions against the loopback fake: services pointed at it, a clock that skips closed hours, and
// the account's state as the fake holds it, to compare with the ledger.
import { rmSync } from 'node:fs';
import type { FakeAlpaca, FakeAlpacaOptions } from '../../../dev/fake-alpaca/server';
import type { Keychain } from '../../../src/main/secrets/keychain';
import { createServices, type Services } from '../../../src/main/services';
import type { PushTopic } from '../../../src/shared/api/names';
import { tempDataDir } from '../../support/host-process';
import { memoryKeychain } from '../../support/memory-keychain';
import { fakeJson, sleep, startFake } from './fake-alpaca-helpers';

/** Services whose Alpaca is the fake, with short waits so faults resolve in test time. */
export function alpacaServices(
  fake: FakeAlpaca,
  dataDir: string,
  keychain: Keychain,
  broker: { readonly stopWaitMs?: number; readonly stopPollMs?: number } = {},
): Services {
  return createServices({
    dataDir,
    version: '0.0.0-test',
    transport: 'websocket',
    electronVersion: null,
    heartbeatMs: 1e9,
    keychain,
    alpacaBaseUrls: { trading: fake.url, data: fake.url },
    alpacaTuning: {
      // The fake's clock runs a trading minute in ~40 ms; Alpaca's 200 a minute is for minutes of 60 s.
      requestsPerMinute: 100_000,
      timeoutMs: 1_000,
      broker: {
        lookupDelayMs: 20,
        silenceMs: 800,
        reconnect: { initialMs: 50, maxMs: 200 },
        streamWaitMs: 3_000,
        ...broker,
      },
      feed: { graceMs: 300, reconnectMs: { initial: 50, max: 200 } },
    },
  });
}

export async function call<T>(services: Services, name: string, args: unknown): Promise<T> {
  const result = await services.dispatch(name as never, args as never);
  if (!result.ok) throw new Error(`${name}: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

const NY = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hour: '2-digit',
  minute: '2-digit',
  weekday: 'short',
  hourCycle: 'h23',
});

/** Minutes to advance the fake so the next bar is inside regular hours: 1, or a jump to tomorrow's 09:31. */
export function minutesToNextBar(nowMs: number): number {
  const parts = Object.fromEntries(NY.formatToParts(new Date(nowMs)).map((p) => [p.type, p.value]));
  const minute = Number(parts.hour) * 60 + Number(parts.minute);
  if (minute >= 9 * 60 + 31 && minute < 16 * 60) return 1;
  // Walk forward a minute at a time in hours (cheap: the fake only moves its clock) to the next 09:31 on a weekday.
  let t = nowMs + 60_000;
  for (let k = 0; k < 4 * 24 * 60; k++, t += 60_000) {
    const p = Object.fromEntries(NY.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    const m = Number(p.hour) * 60 + Number(p.minute);
    if (m === 9 * 60 + 31 && p.weekday !== 'Sat' && p.weekday !== 'Sun') return (t - nowMs) / 60_000;
  }
  throw new Error('no trading minute within four days');
}

export interface FakeOrder {
  id: string;
  client_order_id: string;
  symbol: string;
  status: string;
  qty: string;
  filled_qty: string;
  order_class: string;
  legs?: FakeOrder[] | null;
}

export async function fakeAccount(
  fake: FakeAlpaca,
): Promise<{ orders: FakeOrder[]; positions: { symbol: string; qty: string; side: string }[] }> {
  const { body } = await fakeJson(fake, 'GET', `/__fake/accounts/${fake.keys.paper.keyId}`);
  return body as { orders: FakeOrder[]; positions: { symbol: string; qty: string; side: string }[] };
}

/** Waits until `check` returns true (polled every 25 ms) or fails with `what` after `ms`. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** What an Alpaca session test stands on: the fake, services on a fresh data folder, and the bars the run pushed. */
export interface AlpacaBench {
  readonly fake: FakeAlpaca;
  readonly services: Services;
  readonly dataDir: string;
  /** Bar times the run pushed, each once, in arrival order. */
  readonly barTimes: number[];
}

/** Keeps `barTimes` up to date with the bars `services` pushes. */
export function recordBarTimes(services: Services, barTimes: number[]): void {
  services.pushes.subscribe((topic: PushTopic, batch: readonly unknown[]) => {
    if (topic !== 'bar') return;
    for (const bar of batch as { time: number }[]) if (!barTimes.includes(bar.time)) barTimes.push(bar.time);
  });
}

/** Starts the fake, opens services on a new data folder with the fake's paper keys saved. */
export async function openAlpacaBench(options: {
  readonly fake: FakeAlpacaOptions;
  readonly dataDirPrefix: string;
  readonly keychain?: Keychain;
  readonly broker?: { readonly stopWaitMs?: number; readonly stopPollMs?: number };
}): Promise<AlpacaBench> {
  const fake = await startFake(options.fake);
  const dataDir = tempDataDir(options.dataDirPrefix);
  const services = alpacaServices(fake, dataDir, options.keychain ?? memoryKeychain(), options.broker);
  const barTimes: number[] = [];
  recordBarTimes(services, barTimes);
  await call(services, 'credentials:save', fake.keys.paper);
  return { fake, services, dataDir, barTimes };
}

/** Closes the services and the fake and removes the data folder (kept when KEEP is set, for a post-mortem). */
export async function closeAlpacaBench(bench: Partial<AlpacaBench> | undefined): Promise<void> {
  await bench?.services?.close();
  await bench?.fake?.close();
  if (bench?.dataDir === undefined) return;
  if (process.env.KEEP === undefined) rmSync(bench.dataDir, { recursive: true, force: true });
  else console.log('kept', bench.dataDir);
}

/** Moves the fake one trading minute and waits for the run to process that bar. */
export async function nextFakeBar(bench: Pick<AlpacaBench, 'fake' | 'barTimes'>): Promise<void> {
  const before = bench.barTimes.length;
  bench.fake.advance(minutesToNextBar(bench.fake.broker.now()));
  await eventually('the next bar', () => bench.barTimes.length > before, 10_000);
}
