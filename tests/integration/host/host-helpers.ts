// Helpers for host-mode tests: an in-process host on port 0 with a temp data dir, a small WebSocket client that
// separates answers from pushes, and raw HTTP requests (custom Host headers, unnormalised paths).
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { type HostServer, startHost } from '../../../src/main/host/server';
import { createServices, type Services } from '../../../src/main/services';
import { decodeMessage } from '../../../src/shared/api/wire';

export const RENDERER_DIR = resolve(__dirname, '../../../out/renderer');

export interface TestHost {
  readonly services: Services;
  readonly server: HostServer;
  readonly dataDir: string;
  /** ws://… URL of the API with the right token. */
  readonly apiUrl: string;
  close(): Promise<void>;
}

export async function startTestHost(
  options: { heartbeatMs?: number; rendererDir?: string; port?: number; testHooks?: boolean } = {},
): Promise<TestHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'marketboss-host-'));
  const services = createServices({
    dataDir,
    version: '0.0.0-test',
    transport: 'websocket',
    electronVersion: null,
    heartbeatMs: options.heartbeatMs ?? 3_600_000,
  });
  let server: HostServer;
  try {
    server = await startHost({
      services,
      rendererDir: options.rendererDir ?? RENDERER_DIR,
      port: options.port ?? 0,
      ...(options.testHooks !== undefined && { testHooks: options.testHooks }),
    });
  } catch (error) {
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    services,
    server,
    dataDir,
    apiUrl: `ws://127.0.0.1:${server.port}/api?token=${server.token}`,
    close: async () => {
      await server.close();
      await services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  readonly id: unknown;
  readonly result: unknown;
}
export interface PushMessage {
  readonly topic: string;
  readonly batch: readonly unknown[];
}

/** A connected WebSocket client: answers and pushes in separate queues. */
export class ApiSocket {
  private readonly answers: Answer[] = [];
  private readonly pushes: PushMessage[] = [];
  private answerWaiter: (() => void) | undefined;
  private pushWaiter: (() => void) | undefined;
  private nextId = 1;
  closed: { code: number; reason: string } | undefined;
  error: Error | undefined;
  /** Messages that came as binary frames (those carrying columns). */
  binaryFrames = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.binaryFrames++;
      const message = decodeMessage(
        isBinary
          ? Array.isArray(data)
            ? Buffer.concat(data)
            : Buffer.from(data as Buffer)
          : data.toString(),
      ) as Record<string, unknown>;
      if ('topic' in message) {
        this.pushes.push(message as unknown as PushMessage);
        this.pushWaiter?.();
      } else {
        this.answers.push(message as unknown as Answer);
        this.answerWaiter?.();
      }
    });
    ws.on('error', (error) => {
      this.error = error;
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.answerWaiter?.();
      this.pushWaiter?.();
    });
  }

  static open(url: string, origin: string, headers: Record<string, string> = {}): Promise<ApiSocket> {
    return new Promise((resolveOpen, reject) => {
      const ws = new WebSocket(url, { origin, headers });
      const socket = new ApiSocket(ws);
      ws.once('open', () => resolveOpen(socket));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with HTTP ${res.statusCode}`)));
    });
  }

  /** Sends raw text (or binary) and waits for the next answer. */
  async send(data: string | Buffer, timeoutMs = 5_000): Promise<Answer> {
    this.ws.send(data, { binary: typeof data !== 'string' });
    return this.nextAnswer(timeoutMs);
  }

  async call(call: string, arg: unknown): Promise<Answer> {
    const id = this.nextId++;
    const answer = await this.send(JSON.stringify({ id, call, arg }));
    if (answer.id !== id) throw new Error(`answer for id ${String(answer.id)}, expected ${id}`);
    return answer;
  }

  async nextAnswer(timeoutMs = 5_000): Promise<Answer> {
    await this.waitFor(
      () => this.answers.length > 0,
      'answer',
      timeoutMs,
      (w) => {
        this.answerWaiter = w;
      },
    );
    return this.answers.shift()!;
  }

  /** Waits until `done(pushes so far)` holds, then returns and clears them. */
  async collectPushes(
    done: (pushes: readonly PushMessage[]) => boolean,
    timeoutMs = 5_000,
  ): Promise<PushMessage[]> {
    await this.waitFor(
      () => done(this.pushes),
      'pushes',
      timeoutMs,
      (w) => {
        this.pushWaiter = w;
      },
    );
    return this.pushes.splice(0);
  }

  private waitFor(
    ready: () => boolean,
    what: string,
    timeoutMs: number,
    setWaiter: (w: () => void) => void,
  ): Promise<void> {
    return new Promise((resolveWait, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
      const check = (): void => {
        if (ready()) {
          clearTimeout(timer);
          resolveWait();
        } else if (this.closed) {
          clearTimeout(timer);
          reject(
            new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting for ${what}`),
          );
        } else {
          setWaiter(check);
        }
      };
      check();
    });
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((done) => {
      this.ws.once('close', () => done());
      this.ws.close();
    });
  }
}

/**
 * Tries a WebSocket connection that should be refused; resolves with the HTTP status of the refusal
 * (from the ws client's 'unexpected-response'), or throws if it connected.
 */
export function refusedStatus(
  url: string,
  origin?: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const ws = new WebSocket(url, { headers, ...(origin !== undefined && { origin }) });
    ws.once('unexpected-response', (_req, res) => {
      resolveStatus(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('open', () => {
      ws.terminate();
      reject(new Error(`connection to ${url} from ${origin ?? '(no origin)'} was accepted`));
    });
    ws.once('error', (error) => {
      // 'unexpected-response' handled above also ends in an abort error; ignore that one
      if (!/Unexpected server response|aborted|closed before/.test(error.message)) reject(error);
    });
  });
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A raw HTTP request: the path is sent as given (no client-side normalisation), headers as given. */
export function httpRequest(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolveRequest, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolveRequest({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
