// `tsx dev/fake-alpaca/cli.ts [--port N] [--seed N] [--start ISO] [--minute-ms N] [--plan basic|sip]
// [--option-vol F] [--options-level N]`:
// runs the loopback fake Alpaca until interrupted and prints its base URL, stream URLs and test keys.
// A dev tool: never imported by the app.
import { parseArgs } from 'node:util';
import { startFakeAlpaca } from './server';

const USAGE = `usage: tsx dev/fake-alpaca/cli.ts [options]
  --port <n>         port on 127.0.0.1 (default 0: any free port)
  --seed <n>         seeds prices, ids and keys (default 1)
  --start <iso>      the simulated clock's start (default: now)
  --minute-ms <n>    real ms per simulated minute (default 60000: real time; 0: only POST /__fake/advance moves it)
  --plan basic|sip   market-data plan (default basic: IEX, no recent SIP)
  --option-vol <f>   the SPY chain's volatility, e.g. 0.25 (default 0.18)
  --options-level <n> the paper account's options level 0..3 (default 3; 1 refuses buying options)`;

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
  const volatility = Number(values['option-vol'] ?? '0.18');
  const level = Number(values['options-level'] ?? '3');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail('--port must be 0..65535');
  if (!Number.isFinite(seed)) fail('--seed must be a number');
  if (!Number.isInteger(minuteMs) || minuteMs < 0) fail('--minute-ms must be a whole number >= 0');
  if (Number.isNaN(start)) fail('--start must be an ISO date-time');
  if (plan !== 'basic' && plan !== 'sip') fail('--plan must be basic or sip');
  if (!(volatility > 0 && volatility < 5)) fail('--option-vol must be a fraction above 0, e.g. 0.18');
  if (level !== 0 && level !== 1 && level !== 2 && level !== 3) fail('--options-level must be 0, 1, 2 or 3');
  const optionModel = { volatility };
  void startFakeAlpaca({ port, seed, startTime: start, minuteMs, plan, optionModel }).then((fake) => {
    fake.setOptionsLevel(fake.keys.paper.keyId, level);
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
      'option-vol': { type: 'string' },
      'options-level': { type: 'string' },
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
