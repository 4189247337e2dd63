// A headless MarketBoss on an Alpaca paper session for the SIGKILL test: opens the data dir (which reattaches a
// running Alpaca run), or saves the keys and starts a session; prints INTENT <client order id> for every order
// committed as new (its intent is durable), and READY once the run is live.
import { createServices } from '../../src/main/services';
import { fileKeychain } from './file-keychain';

const [dataDir, fakeUrl, keyId, secret] = process.argv.slice(2);
if (!dataDir || !fakeUrl || !keyId || !secret)
  throw new Error('usage: alpaca-session-child <data-dir> <fake-url> <key-id> <secret>');
const services = createServices({
  dataDir,
  version: 'sigkill',
  transport: 'websocket',
  electronVersion: null,
  heartbeatMs: 1e9,
  keychain: fileKeychain(`${dataDir}/keychain.json`),
  alpacaBaseUrls: { trading: fakeUrl, data: fakeUrl },
  alpacaTuning: {
    requestsPerMinute: 100_000,
    timeoutMs: 10_000,
    broker: { lookupDelayMs: 20, silenceMs: 60_000, reconnect: { initialMs: 50, maxMs: 200 } },
    feed: { graceMs: 300, reconnectMs: { initial: 50, max: 200 } },
  },
});
services.pushes.subscribe((topic, batch) => {
  if (topic === 'order') {
    for (const push of batch as { order: { clientOrderId: string; status: string } }[])
      process.stdout.write(`ORDER ${push.order.clientOrderId} ${push.order.status}\n`);
  }
  if (topic === 'bar') process.stdout.write('BAR\n');
});

async function call(name: string, args: unknown): Promise<unknown> {
  const result = await services.dispatch(name as never, args as never);
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.value;
}

async function main(): Promise<void> {
  const sessions = (await call('session:list', {})) as { id: string }[];
  if (sessions.length === 0) {
    await call('credentials:save', { keyId, secret });
    const created = (await call('session:create', {
      name: 'sigkill',
      config: {
        symbols: ['AAPL', 'MSFT'],
        venueKind: 'alpaca-paper',
        feed: { kind: 'alpaca' },
        strategy: { id: 'sma-crossover', params: { fast: 1, slow: 2 } },
      },
    })) as { id: string };
    await call('session:start', { sessionId: created.id });
  }
  process.stdout.write('READY\n');
}
main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
