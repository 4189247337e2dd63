// The trading stream (/stream, JSON): authentication, listening to trade_updates, and each order event pushed to
// the account's listening clients.
import type { RawData, WebSocket } from 'ws';
import type { FakeBroker } from '../broker';
import type { Account, FillInfo, OrderRecord, TradeEvent } from '../broker-model';
import type { Faults } from '../faults';
import { isoTime } from '../format';
import type { Feed } from '../market';
import type { MarketDataRoutes } from '../routes/market-data';

/** A stream frame's bytes, whichever form ws hands them over in. */
export function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export interface TradingClient {
  ws: WebSocket;
  account: Account | null;
  listening: boolean;
}

export interface DataClient {
  ws: WebSocket;
  feed: Feed | 'crypto';
  msgpack: boolean;
  account: Account | null;
  limitKey: string | null;
  subs: Record<'trades' | 'quotes' | 'bars' | 'updatedBars' | 'dailyBars', Set<string>>;
}

export const DATA_CHANNELS = ['trades', 'quotes', 'bars', 'updatedBars', 'dailyBars'] as const;

/** What a stream needs from the server: the fake broker, its faults, the data plan and the market-data routes. */
export interface StreamHost {
  readonly broker: FakeBroker;
  readonly faults: Faults;
  readonly plan: 'basic' | 'sip';
  readonly marketData: MarketDataRoutes;
}

export class TradingStream {
  readonly clients = new Set<TradingClient>();

  constructor(private readonly host: StreamHost) {}

  acceptTrading(ws: WebSocket): void {
    const client: TradingClient = { ws, account: null, listening: false };
    this.clients.add(client);
    const send = (frame: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.from(JSON.stringify(frame)), { binary: true });
    };
    const authTimer = setTimeout(() => {
      if (client.account === null) ws.close(1008, 'auth timeout');
    }, 10_000);
    ws.on('close', () => {
      clearTimeout(authTimer);
      this.clients.delete(client);
    });
    ws.on('error', () => undefined);
    ws.on('message', (data: RawData) => {
      let frame: { action?: unknown; data?: Record<string, unknown> };
      try {
        frame = JSON.parse(rawToBuffer(data).toString('utf8'));
      } catch {
        send({ stream: 'authorization', data: { action: 'unknown', status: 'unauthorized' } });
        return;
      }
      if (frame.action === 'authenticate' || frame.action === 'auth') {
        const d = frame.data ?? {};
        const account = this.host.broker.authenticate(
          typeof d['key_id'] === 'string' ? d['key_id'] : undefined,
          typeof d['secret_key'] === 'string' ? d['secret_key'] : undefined,
        );
        if (account === null) {
          send({ stream: 'authorization', data: { action: 'authenticate', status: 'unauthorized' } });
          ws.close(1008, 'unauthorized');
          return;
        }
        client.account = account;
        send({ stream: 'authorization', data: { action: 'authenticate', status: 'authorized' } });
        return;
      }
      if (frame.action === 'listen') {
        if (client.account === null) {
          send({ stream: 'authorization', data: { action: 'listen', status: 'unauthorized' } });
          return;
        }
        const streams = Array.isArray(frame.data?.['streams']) ? (frame.data['streams'] as unknown[]) : [];
        client.listening = streams.includes('trade_updates');
        send({ stream: 'listening', data: { streams: client.listening ? ['trade_updates'] : [] } });
        return;
      }
      send({ stream: 'listening', data: { error: `unknown action ${String(frame.action)}` } });
    });
  }

  publishTradeUpdate(account: Account, event: TradeEvent, order: OrderRecord, fill: FillInfo | null): void {
    const data: Record<string, unknown> = {
      event,
      timestamp: isoTime(this.host.broker.now()),
      order: this.host.broker.orderJson(account, order, true),
    };
    if (fill !== null) {
      data['execution_id'] = fill.executionId;
      data['price'] = String(fill.price);
      data['qty'] = String(fill.qty);
      data['position_qty'] = String(fill.positionQty);
    }
    const listeners = [...this.clients].filter((c) => c.listening && c.account === account);
    if (listeners.length === 0) return;
    if (this.host.faults.matchStream('silent-stream')) return;
    const copies = this.host.faults.matchStream('duplicate-events') ? 2 : 1;
    const text = Buffer.from(JSON.stringify({ stream: 'trade_updates', data }));
    for (const c of listeners) {
      for (let i = 0; i < copies; i++) if (c.ws.readyState === c.ws.OPEN) c.ws.send(text, { binary: true });
    }
  }
}
