// Host-mode test hooks (`--test-hooks` only): end-to-end tests drive what a browser cannot, e.g. a price shock in
// the synthetic market that trips the daily loss limit. Same token and Host/Origin guards as the rest of host mode.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ApiFailure } from '../../shared/api/ports';
import { describeIssues } from '../api/dispatcher';
import { sameToken } from '../api/ws-transport';
import type { Logger } from '../log/logger';
import type { SessionService } from '../sessions/session-service';

export const TEST_HOOK_PREFIX = '/__test/';
export const MARKET_SHOCK_PATH = '/__test/market-shock';
const MAX_BODY_BYTES = 16 * 1024;

export const marketShockSchema = z
  .object({
    sessionId: z.string().min(1).max(64),
    symbol: z.string().min(1).max(16),
    factor: z.number().positive(),
  })
  .strict();
export type MarketShock = z.infer<typeof marketShockSchema>;

export interface TestHookOptions {
  /** False: every hook path answers 404, as if it did not exist. */
  readonly enabled: boolean;
  readonly token: string;
  readonly origins: readonly string[];
  readonly sessions: Pick<SessionService, 'shockMarket'>;
  readonly log: Logger;
}

/** HTTP status of an expected API failure. */
const STATUS_OF: Readonly<Record<ApiFailure['code'], number>> = {
  'bad-request': 400,
  'not-found': 404,
  conflict: 409,
  unavailable: 503,
};

export const isTestHookPath = (url: string | undefined): boolean => (url ?? '').startsWith(TEST_HOOK_PREFIX);

function answer(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  response
    .writeHead(status, {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    })
    .end(`${JSON.stringify(body)}\n`);
}

const failure = (response: ServerResponse, status: number, code: string, message: string): void =>
  answer(response, status, { ok: false, error: { code, message } });

/** The request body as text, or null when it is larger than `limit` bytes. */
function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolveBody(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Answers a request under TEST_HOOK_PREFIX; the caller has already checked the Host header. */
export async function answerTestHook(
  options: TestHookOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://placeholder');
  if (!options.enabled || url.pathname !== MARKET_SHOCK_PATH) {
    failure(response, 404, 'not-found', `no test hook at ${url.pathname}`);
    return;
  }
  // A browser always names its page; one from another site gets nothing (tools without an Origin may call).
  const origin = request.headers.origin;
  if (origin !== undefined && !options.origins.includes(origin)) {
    failure(response, 403, 'forbidden', `origin ${origin} is not allowed`);
    return;
  }
  if (request.method !== 'POST') {
    answer(
      response,
      405,
      { ok: false, error: { code: 'method', message: `${request.method} is not allowed; use POST` } },
      { Allow: 'POST' },
    );
    return;
  }
  if (!sameToken(url.searchParams.get('token'), options.token)) {
    failure(response, 401, 'unauthorized', 'missing or wrong token');
    return;
  }
  // JSON only: a cross-site form cannot send it without a preflight this server never grants.
  const contentType = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(contentType)) {
    failure(response, 415, 'bad-request', `content-type must be application/json, got "${contentType}"`);
    return;
  }
  const text = await readBody(request, MAX_BODY_BYTES);
  if (text === null) {
    failure(response, 413, 'bad-request', `body is larger than ${MAX_BODY_BYTES} bytes`);
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    failure(response, 400, 'bad-request', 'body is not JSON: expected {"sessionId", "symbol", "factor"}');
    return;
  }
  const parsed = marketShockSchema.safeParse(json);
  if (!parsed.success) {
    failure(response, 400, 'bad-request', describeIssues(parsed.error));
    return;
  }
  const { sessionId, symbol, factor } = parsed.data;
  try {
    const { fromBar } = options.sessions.shockMarket(sessionId, symbol, factor);
    answer(response, 200, { ok: true, value: { sessionId, symbol, factor, fromBar } });
  } catch (error) {
    if (error instanceof ApiFailure) {
      failure(response, STATUS_OF[error.code], error.code, error.message);
      return;
    }
    options.log.error('test hook failed', { path: url.pathname, error });
    failure(response, 500, 'internal', 'the test hook failed; see the log');
  }
}
