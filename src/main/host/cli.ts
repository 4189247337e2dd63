// `node out/main/host.js`: the workstation without Electron, served to a browser on loopback.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { version } from '../../../package.json';
import { defaultDataDir } from '../paths';
import { createServices, type Services } from '../services';
import { DataDirInUseError, type DataDirLock, lockDataDir } from '../store/data-dir-lock';
import { StoreError } from '../store/database';
import { HostStartError, LOOPBACK_HOSTS, startHost } from './server';

const USAGE = `Usage: marketboss-host [--port N] [--host ADDRESS] [--data-dir DIR] [--test-hooks]
  --port N        port to listen on (default 0: a free port)
  --host ADDRESS  address to bind (default 127.0.0.1; anything else exposes the workstation to your network)
  --data-dir DIR  folder for the database and logs (default ${defaultDataDir()})
  --test-hooks    for end-to-end tests only: also answer POST /__test/market-shock?token=… with a JSON body
                  {"sessionId", "symbol", "factor"}, which multiplies a running simulated session's prices from
                  its next bar (off by default; never available in the desktop app)`;

/** Exits with one readable line instead of a stack trace: these are the user's mistakes or the machine's state. */
function die(message: string): never {
  process.stderr.write(`marketboss: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (error) {
    die(`${(error as Error).message}\n${USAGE}`);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = args.port === undefined ? 0 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    die(`--port must be a whole number from 0 to 65535, got "${args.port}"`);
  const host = args.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.includes(host)) {
    process.stderr.write(
      `marketboss: warning — listening on ${host}, not loopback: anyone who can reach this address and has the URL's token controls your workstation\n`,
    );
  }
  const dataDir = resolve(args['data-dir'] ?? defaultDataDir());

  // Before anything is opened: a second MarketBoss on this folder would resume its sessions and trade them too.
  let lock: DataDirLock;
  try {
    lock = lockDataDir(dataDir);
  } catch (error) {
    if (error instanceof DataDirInUseError) die(error.message);
    die(`cannot lock the data folder ${dataDir}: ${(error as Error).message}`);
  }

  let services: Services;
  try {
    services = createServices({
      dataDir,
      version,
      transport: 'websocket',
      electronVersion: null,
      echoLogs: true,
      backtestWorker: { script: join(__dirname, 'backtest-worker.js') },
      fileWorker: { script: join(__dirname, 'file-worker.js') },
      researchWorker: { script: join(__dirname, 'research-worker.js') },
    });
  } catch (error) {
    lock.release();
    if (error instanceof StoreError) die(error.message);
    die(`cannot start: ${(error as Error).message}`);
  }
  let server: Awaited<ReturnType<typeof startHost>>;
  try {
    server = await startHost({
      services,
      rendererDir: join(__dirname, '../renderer'),
      host,
      port,
      testHooks: args['test-hooks'] ?? false,
    });
  } catch (error) {
    await services.close();
    lock.release();
    if (error instanceof HostStartError) die(error.message);
    throw error;
  }
  process.stdout.write(`MarketBoss ${version} host mode — data in ${dataDir}\nOpen: ${server.url}\n`);

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    services.log.info('host mode stopping', { signal });
    await server.close();
    await services.close();
    lock.release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

function parse() {
  return parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'test-hooks': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
}

void main();
