// Host mode: the main services served to a browser — the built renderer over HTTP and the API over a WebSocket.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { attachWsTransport, isServedHost } from '../api/ws-transport';
import type { Services } from '../services';
import { answerTestHook, isTestHookPath, MARKET_SHOCK_PATH } from './test-hooks';

export interface HostOptions {
  readonly services: Services;
  /** Folder of the built renderer (out/renderer). */
  readonly rendererDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Fixed token (tests); otherwise a random one per start. */
  readonly token?: string;
  /** Answer the `/__test/…` hooks (end-to-end tests drive the synthetic market); off unless asked for. */
  readonly testHooks?: boolean;
}

export interface HostServer {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** A failure to start the host, phrased for the person who typed the command. */
export class HostStartError extends Error {
  override readonly name = 'HostStartError';
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

/** Same policy as the Electron window: only our own scripts, styles and socket. */
export const HOST_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export async function startHost(options: HostOptions): Promise<HostServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('hex');
  const rendererDir = resolve(options.rendererDir);
  const { services } = options;
  let origins: string[] = [];
  const testHooks = options.testHooks ?? false;

  const server = createServer((request, response) => {
    if (!isTestHookPath(request.url)) {
      serveStatic(rendererDir, origins, request, response);
      return;
    }
    if (refuseHost(origins, request, response)) return;
    answerTestHook(
      { enabled: testHooks, token, origins, sessions: services.sessions, log: services.log },
      request,
      response,
    ).catch((error: unknown) => {
      // Only reading the body can fail here (the client went away): nothing left to answer.
      services.log.warn('test hook request failed', { error });
      response.destroy();
    });
  });
  const transport = attachWsTransport({
    server,
    token,
    allowedOrigins: () => origins,
    dispatch: services.dispatch,
    pushes: services.pushes,
    log: services.log.child({ transport: 'websocket' }),
  });

  const port = await listen(server, host, options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  origins = [`http://${urlHost}:${port}`, `http://127.0.0.1:${port}`, `http://localhost:${port}`];
  const origin = origins[0]!;
  services.log.info('host mode listening', { host, port });
  if (testHooks) {
    services.log.warn(
      `test hooks are on (POST ${MARKET_SHOCK_PATH}): anyone with the token can move a simulated session's market`,
    );
  }

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      await transport.close();
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new HostStartError(
            `port ${port} on ${host} is already in use; choose another with --port, or --port 0 for a free one`,
          ),
        );
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
        reject(new HostStartError(`cannot listen on host ${host}: it is not an address of this machine`));
      } else if (error.code === 'EACCES') {
        reject(
          new HostStartError(
            `not allowed to listen on port ${port} (EACCES); ports below 1024 need privileges`,
          ),
        );
      } else {
        reject(new HostStartError(`cannot listen on ${host}:${port}: ${error.message}`));
      }
    });
    server.listen(port, host, () => resolveListen((server.address() as AddressInfo).port));
  });
}

const HEADERS = {
  'Content-Security-Policy': HOST_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** DNS-rebinding guard: a page on another name resolving to 127.0.0.1 gets nothing. True when it answered. */
function refuseHost(origins: readonly string[], request: IncomingMessage, response: ServerResponse): boolean {
  if (isServedHost(request.headers.host, origins)) return false;
  response
    .writeHead(421, { ...HEADERS, 'Content-Type': 'text/plain' })
    .end(`host ${request.headers.host ?? ''} is not served here\n`);
  return true;
}

function serveStatic(
  rendererDir: string,
  origins: readonly string[],
  request: IncomingMessage,
  response: ServerResponse,
): void {
  if (refuseHost(origins, request, response)) return;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { ...HEADERS, Allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://placeholder').pathname);
  } catch {
    response.writeHead(400, { ...HEADERS, 'Content-Type': 'text/plain' }).end('malformed URL\n');
    return;
  }
  const relative = pathname === '/' ? 'index.html' : normalize(pathname).replace(/^[/\\]+/, '');
  const file = join(rendererDir, relative);
  if (!file.startsWith(rendererDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
    if (relative === 'index.html') {
      response
        .writeHead(503, { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' })
        .end(`The renderer is not built (${rendererDir} is missing). Run \`npm run build\`, then reload.\n`);
      return;
    }
    response.writeHead(404, { ...HEADERS, 'Content-Type': 'text/plain' }).end('not found\n');
    return;
  }
  response.writeHead(200, {
    ...HEADERS,
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': relative === 'index.html' ? 'no-store' : 'max-age=3600',
  });
  response.end(request.method === 'HEAD' ? undefined : readFileSync(file));
}
