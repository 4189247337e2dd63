// The market-data streams (/v2/iex, /v2/sip, /v1beta3/crypto/us; msgpack or JSON): authentication, subscriptions,
// the one-connection limit per key, and bars and ticks pushed to their subscribers.
import { decode as msgpackDecode, encode as msgpackEncode } from '@msgpack/msgpack';
import type { RawData, WebSocket } from 'ws';
import type { Feed, SymbolPath } from '../market';
import { DATA_CHANNELS, type DataClient, rawToBuffer, type StreamHost } from './trading-stream';

export class MarketDataStreams {
  readonly clients = new Set<DataClient>();
  readonly limits = new Map<string, DataClient>();

  constructor(private readonly host: StreamHost) {}

  acceptData(ws: WebSocket, feed: Feed | 'crypto', msgpack: boolean): void {
    const client: DataClient = {
      ws,
      feed,
      msgpack,
      account: null,
      limitKey: null,
      subs: {
        trades: new Set(),
        quotes: new Set(),
        bars: new Set(),
        updatedBars: new Set(),
        dailyBars: new Set(),
      },
    };
    this.clients.add(client);
    const send = (frames: unknown[]) => this.sendData(client, frames);
    ws.on('close', () => {
      this.clients.delete(client);
      if (client.limitKey !== null && this.limits.get(client.limitKey) === client) {
        this.limits.delete(client.limitKey);
      }
    });
    ws.on('error', () => undefined);
    send([{ T: 'success', msg: 'connected' }]);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      let message: Record<string, unknown>;
      try {
        const buffer = rawToBuffer(data);
        const decoded: unknown = isBinary ? msgpackDecode(buffer) : JSON.parse(buffer.toString('utf8'));
        if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded))
          throw new Error('not a map');
        message = decoded as Record<string, unknown>;
      } catch {
        send([{ T: 'error', code: 400, msg: 'invalid syntax' }]);
        return;
      }
      const action = message['action'];
      if (action === 'auth') {
        if (client.account !== null) {
          send([{ T: 'error', code: 403, msg: 'already authenticated' }]);
          return;
        }
        const account = this.host.broker.authenticate(
          typeof message['key'] === 'string' ? message['key'] : undefined,
          typeof message['secret'] === 'string' ? message['secret'] : undefined,
        );
        if (account === null) {
          send([{ T: 'error', code: 402, msg: 'auth failed' }]);
          ws.close();
          return;
        }
        const limitKey = `${account.keyId}:${feed === 'crypto' ? 'crypto' : 'stocks'}`;
        if (this.limits.has(limitKey)) {
          send([{ T: 'error', code: 406, msg: 'connection limit exceeded' }]);
          ws.close();
          return;
        }
        if (feed === 'sip' && this.host.plan === 'basic') {
          send([{ T: 'error', code: 409, msg: 'insufficient subscription' }]);
          ws.close();
          return;
        }
        client.account = account;
        client.limitKey = limitKey;
        this.limits.set(limitKey, client);
        send([{ T: 'success', msg: 'authenticated' }]);
        return;
      }
      if (action === 'subscribe' || action === 'unsubscribe') {
        if (client.account === null) {
          send([{ T: 'error', code: 401, msg: 'not authenticated' }]);
          return;
        }
        for (const channel of DATA_CHANNELS) {
          const list = message[channel];
          if (!Array.isArray(list)) continue;
          for (const s of list) {
            if (typeof s !== 'string') continue;
            const symbol =
              s === '*' ? '*' : (this.host.broker.market.find(s)?.asset.symbol ?? s.toUpperCase());
            if (action === 'subscribe') client.subs[channel].add(symbol);
            else client.subs[channel].delete(symbol);
          }
        }
        const frame: Record<string, unknown> = { T: 'subscription' };
        for (const channel of DATA_CHANNELS) frame[channel] = [...client.subs[channel]];
        if (feed !== 'crypto') {
          frame['statuses'] = [];
          frame['lulds'] = [];
          frame['corrections'] = [];
          frame['cancelErrors'] = [];
        } else frame['orderbooks'] = [];
        send([frame]);
        return;
      }
      send([{ T: 'error', code: 400, msg: 'invalid syntax' }]);
    });
  }

  sendData(client: DataClient, frames: unknown[]): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    if (client.msgpack) client.ws.send(msgpackEncode(frames));
    else client.ws.send(JSON.stringify(frames, (_k, v: unknown) => v));
  }

  subscribers(path: SymbolPath, channel: (typeof DATA_CHANNELS)[number]): DataClient[] {
    const crypto = path.asset.assetClass === 'crypto';
    const out: DataClient[] = [];
    for (const c of this.clients) {
      if (c.account === null || (c.feed === 'crypto') !== crypto) continue;
      const subs = c.subs[channel];
      if (subs.has(path.asset.symbol) || subs.has('*')) out.push(c);
    }
    return out;
  }

  publishBar(path: SymbolPath, index: number): void {
    for (const c of this.subscribers(path, 'bars')) {
      const bar = path.minuteWireBar(index, c.feed === 'sip' ? 'sip' : 'iex');
      this.sendData(c, [{ T: 'b', S: path.asset.symbol, ...bar, t: new Date(bar.t) }]);
    }
  }

  publishTick(path: SymbolPath, price: number, size: number, time: number): void {
    const trades = this.subscribers(path, 'trades');
    const quotes = this.subscribers(path, 'quotes');
    if (trades.length === 0 && quotes.length === 0) return;
    const crypto = path.asset.assetClass === 'crypto';
    const t = new Date(time);
    for (const c of trades) {
      const s = c.feed === 'iex' ? Math.max(1, Math.round(size * 0.025)) : size;
      this.sendData(c, [
        { T: 't', S: path.asset.symbol, ...this.host.marketData.tradeJson(path, price, s, '', crypto), t },
      ]);
    }
    for (const c of quotes) {
      this.sendData(c, [
        { T: 'q', S: path.asset.symbol, ...this.host.marketData.quoteJson(path, price, '', crypto), t },
      ]);
    }
  }
}
