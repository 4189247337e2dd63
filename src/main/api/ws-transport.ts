// The WebSocket transport of host mode: the same dispatcher as IPC, behind a per-start token and an Origin check.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { fail } from '../../shared/api/result';
import { encodeMessage } from '../../shared/api/wire';
import type { Logger } from '../log/logger';
import type { Dispatch } from './dispatcher';
import type { PushBus } from './push-bus';

export const WS_PATH = '/api';
const MAX_MESSAGE_BYTES = 1024 * 1024;

const requestSchema = z
  .object({ id: z.number().int().nonnegative(), call: z.string().max(64), arg: z.unknown() })
  .strict();

export interface WsTransportOptions {
  readonly server: Server;
  readonly token: string;
  /** Origins a page may connect from, e.g. http://127.0.0.1:5170. */
  readonly allowedOrigins: () => readonly string[];
  readonly dispatch: Dispatch;
  readonly pushes: PushBus;
  readonly log: Logger;
}

export function sameToken(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * DNS-rebinding guard: whether a request's Host header names this server as one of its own origins (a name such as
 * evil.example that resolves to 127.0.0.1 does not). HTTP requests and WebSocket upgrades both pass through it.
 */
export function isServedHost(hostHeader: string | undefined, allowedOrigins: readonly string[]): boolean {
  return (
    hostHeader !== undefined && hostHeader !== '' && allowedOrigins.some((o) => o.endsWith(`//${hostHeader}`))
  );
}

/** Why an upgrade request is refused, or undefined when it may connect. */
export function upgradeRefusal(
  request: IncomingMessage,
  token: string,
  allowedOrigins: readonly string[],
): string | undefined {
  const url = new URL(request.url ?? '/', 'http://placeholder');
  if (!isServedHost(request.headers.host, allowedOrigins))
    return `403 host ${request.headers.host ?? '(none)'} is not served here`;
  if (url.pathname !== WS_PATH) return `404 no WebSocket endpoint at ${url.pathname}`;
  const origin = request.headers.origin;
  if (!origin || !allowedOrigins.includes(origin)) return `403 origin ${origin ?? '(none)'} is not allowed`;
  if (!sameToken(url.searchParams.get('token'), token)) return '401 missing or wrong token';
  return undefined;
}

export function attachWsTransport(options: WsTransportOptions): { close(): Promise<void> } {
  const { server, token, dispatch, pushes, log } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const clients = new Set<WebSocket>();

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = upgradeRefusal(request, token, options.allowedOrigins());
    if (refusal) {
      log.warn('WebSocket connection refused', {
        reason: refusal,
        origin: request.headers.origin ?? null,
        host: request.headers.host ?? null,
      });
      socket.end(
        `HTTP/1.1 ${refusal.slice(0, 3)} ${refusal.slice(4)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });

  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', (error) => log.warn('WebSocket client error', { error }));
    ws.on('message', (data, isBinary) => {
      void answer(ws, isBinary ? null : data.toString());
    });
  });

  const answer = async (ws: WebSocket, text: string | null): Promise<void> => {
    let message: unknown;
    try {
      message = text === null ? undefined : JSON.parse(text);
    } catch {
      message = undefined;
    }
    const request = requestSchema.safeParse(message);
    if (!request.success) {
      const id =
        typeof (message as { id?: unknown })?.id === 'number' ? (message as { id: number }).id : null;
      send(ws, {
        id,
        result: fail(
          'bad-request',
          'malformed request: expected JSON {"id": number, "call": string, "arg": object}',
        ),
      });
      return;
    }
    const result = await dispatch(request.data.call, request.data.arg);
    send(ws, { id: request.data.id, result });
  };

  const send = (ws: WebSocket, message: unknown): void => {
    if (ws.readyState === ws.OPEN) ws.send(encodeMessage(message));
  };

  const unsubscribe = pushes.subscribe((topic, batch) => {
    if (clients.size === 0) return;
    const payload = encodeMessage({ topic, batch });
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(payload);
  });

  return {
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        for (const ws of clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
