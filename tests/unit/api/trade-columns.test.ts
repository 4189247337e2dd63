// backtest:get's trades and fills as columns: every field comes back as it went, over host mode's binary frame and
// over Electron's structured clone, and a broken message is refused with what is wrong.
import { describe, expect, test } from 'vitest';
import { decodeMessage, encodeMessage } from '../../../src/shared/api/wire';
import type { BacktestFillRow, BacktestTradeRow } from '../../../src/shared/domain/backtest';
import {
  type BacktestDetailColumns,
  columnsToFills,
  columnsToTrades,
  fillsToColumns,
  tradesToColumns,
} from '../../../src/shared/domain/trade-columns';

const trades: BacktestTradeRow[] = [
  {
    symbol: 'ACME',
    side: 'long',
    qty: 100,
    entryTime: 1_700_000_000_000,
    entryPrice: 101.25,
    exitTime: 1_700_000_060_000,
    exitPrice: 99.5,
    pnl: -176.3,
    fees: 1.3,
    barsHeld: 1,
    exitReason: 'stop_loss',
  },
  {
    symbol: 'BOLT',
    side: 'short',
    qty: 0.5,
    entryTime: 1_700_000_120_000,
    entryPrice: 20,
    exitTime: 1_700_003_720_000,
    exitPrice: 18.75,
    pnl: 0.625,
    fees: 0,
    barsHeld: 60,
    exitReason: 'signal',
  },
  {
    symbol: 'ACME',
    side: 'long',
    qty: 3,
    entryTime: 1_700_004_000_000,
    entryPrice: 102,
    exitTime: 1_700_005_000_000,
    exitPrice: 103,
    pnl: 3,
    fees: 0,
    barsHeld: 16,
    exitReason: 'signal',
  },
];

const fills: BacktestFillRow[] = [
  {
    time: 1_700_000_000_000,
    symbol: 'ACME',
    side: 'buy',
    qty: 100,
    price: 101.25,
    fee: 0.65,
    orderId: 'o-1',
    decisionPrice: 101,
  },
  { time: 1_700_000_060_000, symbol: 'ACME', side: 'sell', qty: 100, price: 99.5, fee: 0.65, orderId: 'o-2' },
  {
    time: 1_700_000_120_000,
    symbol: 'BOLT',
    side: 'sell',
    qty: 0.5,
    price: 20,
    fee: 0,
    orderId: 'o-3',
    decisionPrice: 0,
  },
];

describe('trades and fills as columns', () => {
  test('round trip: rows → columns → rows gives the same rows', () => {
    expect(columnsToTrades(tradesToColumns(trades))).toEqual(trades);
    expect(columnsToFills(fillsToColumns(fills))).toEqual(fills);
    // A fill without a decision price stays without one (not 0, not NaN); one of 0 stays 0.
    const back = columnsToFills(fillsToColumns(fills));
    expect('decisionPrice' in back[1]!).toBe(false);
    expect(back[2]!.decisionPrice).toBe(0);
  });

  test('repeating strings go once each, numbers as Float64Arrays', () => {
    const columns = tradesToColumns(trades);
    expect(columns.symbol.values).toEqual(['ACME', 'BOLT']);
    expect([...columns.symbol.codes]).toEqual([0, 1, 0]);
    expect(columns.exitReason.values).toEqual(['stop_loss', 'signal']);
    expect(columns.pnl).toBeInstanceOf(Float64Array);
    expect(columns.length).toBe(3);
  });

  test('over the WebSocket: one binary frame with no row objects in its JSON, read back to the same rows', () => {
    const detail = { id: 'bt-1', trades: tradesToColumns(trades), fills: fillsToColumns(fills) };
    const frame = encodeMessage({ id: 7, result: { ok: true, value: detail } });
    expect(frame).toBeInstanceOf(Uint8Array);
    const bytes = frame as Uint8Array;
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
    const header = new TextDecoder().decode(bytes.subarray(4, 4 + headerLength));
    expect(header).not.toContain('101.25'); // prices travel as bytes, not JSON numbers
    // Copied into a fresh buffer, as a browser's message event gives it.
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    const message = decodeMessage(copy.buffer) as {
      result: { value: Pick<BacktestDetailColumns, 'trades' | 'fills'> };
    };
    expect(columnsToTrades(message.result.value.trades)).toEqual(trades);
    expect(columnsToFills(message.result.value.fills)).toEqual(fills);
  });

  test("over Electron's IPC: structured clone carries the columns as they are", () => {
    const cloned = structuredClone({ trades: tradesToColumns(trades), fills: fillsToColumns(fills) });
    expect(columnsToTrades(cloned.trades)).toEqual(trades);
    expect(columnsToFills(cloned.fills)).toEqual(fills);
  });

  test('no trades: empty columns, no rows', () => {
    expect(columnsToTrades(tradesToColumns([]))).toEqual([]);
    expect(columnsToFills(fillsToColumns([]))).toEqual([]);
  });

  test('a broken message is refused naming the column or the row', () => {
    const short = { ...tradesToColumns(trades), pnl: new Float64Array(2) };
    expect(() => columnsToTrades(short)).toThrow('trades: column pnl has 2 values for 3 rows');
    const columns = fillsToColumns(fills);
    const badCode = { ...columns, side: { values: columns.side.values, codes: Float64Array.of(0, 1, 5) } };
    expect(() => columnsToFills(badCode)).toThrow('fill side of row 3: code 5 has no value');
  });
});
