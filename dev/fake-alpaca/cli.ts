// `tsx dev/fake-alpaca/cli.ts [--port N] [--seed N] [--start ISO] [--minute-ms N] [--plan basic|sip]`:
// runs the loopback fake Alpaca until interrupted and prints its base URL, stream URLs and test keys.
// A dev tool: never imported by the app.
import { parseArgs } from 'node:util';
import { startFakeAlpaca } from './server';

const USAGE = `usage: tsx dev/fake-alpaca/cli.ts [options]
  --port <n>         port on 127.0.0.1 (default 0: any free port)
  --seed <n>         seeds prices, ids and keys (default 1)
  --start <iso>      the simulated clock's start (default: now)
  --minute-ms <n>    real ms per simulated minute (default 60000: real time; 0: only POST /__fake/advance moves it)
  --plan basic|sip   market-data plan (default basic: IEX, no recent SIP)`;

function main(): void {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse().values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port ?? '0');
  const seed = Number(values.seed ?? '1');
  const minuteMs = Number(values['minute-ms'] ?? '60000');
  const start = values.start === undefined ? Date.now() : Date.parse(values.start);
  const plan = values.plan ?? 'basic';
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail('--port must be 0..65535');
  if (!Number.isFinite(seed)) fail('--seed must be a number');
  if (!Number.isInteger(minuteMs) || minuteMs < 0) fail('--minute-ms must be a whole number >= 0');
  if (Number.isNaN(start)) fail('--start must be an ISO date-time');
  if (plan !== 'basic' && plan !== 'sip') fail('--plan must be basic or sip');
  void startFakeAlpaca({ port, seed, startTime: start, minuteMs, plan }).then((fake) => {
    const streams = fake.streamUrls;
    const lines = [
      `fake Alpaca listening on ${fake.url}`,
      `  trading stream      ${streams.trading}`,
      `  market data (IEX)   ${streams.iex}`,
      `  market data (SIP)   ${streams.sip}`,
      `  market data crypto  ${streams.crypto}`,
      `  paper key id        ${fake.keys.paper.keyId}`,
      `  paper secret        ${fake.keys.paper.secret}`,
      `  blocked paper key   ${fake.keys.blocked.keyId} / ${fake.keys.blocked.secret}`,
      `  live key (refuse)   ${fake.keys.live.keyId} / ${fake.keys.live.secret}`,
      `  clock               ${new Date(fake.broker.now()).toISOString()} (${minuteMs === 0 ? 'manual' : `${minuteMs} ms per minute`})`,
      `  control             POST ${fake.url}/__fake/faults | /__fake/advance | /__fake/disconnect; GET ${fake.url}/__fake/state`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const stop = () => {
      void fake.close().then(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function parse() {
  return parseArgs({
    options: {
      port: { type: 'string' },
      seed: { type: 'string' },
      start: { type: 'string' },
      'minute-ms': { type: 'string' },
      plan: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
}

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

main();
