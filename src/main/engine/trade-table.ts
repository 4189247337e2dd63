// Round-trip trades as columns, for the same reason as fills (see fill-table.ts): a retained object per trade,
// with a boxed number per field, is what the garbage collector pays for in a long backtest.
import type { ExitReason, Trade } from '../../shared/domain/trading';
import { grownColumn, SymbolInterner } from './columns';

const EXIT_REASONS: readonly ExitReason[] = [
  'signal',
  'stop_loss',
  'take_profit',
  'trailing_stop',
  'end_of_data',
  'flatten',
  'risk',
  'profit_target',
  'max_loss',
  'end_of_day',
  'expiry',
];

/** Plain data (structured-clone friendly); row k is one trade. */
export interface TradeTable {
  readonly length: number;
  readonly symbols: readonly string[];
  readonly symbolIndex: Int32Array;
  /** 0 long, 1 short. */
  readonly side: Uint8Array;
  /** Index into EXIT_REASONS order: signal, stop_loss, take_profit, trailing_stop, end_of_data, flatten, risk, then the options reasons. */
  readonly exitReason: Uint8Array;
  readonly qty: Float64Array;
  readonly entryTime: Float64Array;
  readonly entryPrice: Float64Array;
  readonly exitTime: Float64Array;
  readonly exitPrice: Float64Array;
  readonly pnl: Float64Array;
  readonly fees: Float64Array;
  readonly barsHeld: Float64Array;
}

const NUMBER_COLUMNS = [
  'qty',
  'entryTime',
  'entryPrice',
  'exitTime',
  'exitPrice',
  'pnl',
  'fees',
  'barsHeld',
] as const;
type NumberColumn = (typeof NUMBER_COLUMNS)[number];

export class TradeTableBuilder {
  length = 0;
  private capacity = 256;
  private readonly symbols = new SymbolInterner();
  private symbolIndex = new Int32Array(256);
  private side = new Uint8Array(256);
  private exitReason = new Uint8Array(256);
  private readonly numbers = Object.fromEntries(
    NUMBER_COLUMNS.map((column) => [column, new Float64Array(256)]),
  ) as Record<NumberColumn, Float64Array>;

  push(trade: Trade): void {
    if (this.length === this.capacity) this.grow();
    const k = this.length++;
    const symbol = this.symbols.indexOf(trade.symbol);
    this.symbolIndex[k] = symbol;
    this.side[k] = trade.side === 'long' ? 0 : 1;
    this.exitReason[k] = EXIT_REASONS.indexOf(trade.exitReason);
    const n = this.numbers;
    n.qty[k] = trade.qty;
    n.entryTime[k] = trade.entryTime;
    n.entryPrice[k] = trade.entryPrice;
    n.exitTime[k] = trade.exitTime;
    n.exitPrice[k] = trade.exitPrice;
    n.pnl[k] = trade.pnl;
    n.fees[k] = trade.fees;
    n.barsHeld[k] = trade.barsHeld;
  }

  /** The trades so far, as views trimmed to `length`. */
  table(): TradeTable {
    const len = this.length;
    const n = this.numbers;
    return {
      length: len,
      symbols: this.symbols.names.slice(),
      symbolIndex: this.symbolIndex.subarray(0, len),
      side: this.side.subarray(0, len),
      exitReason: this.exitReason.subarray(0, len),
      qty: n.qty.subarray(0, len),
      entryTime: n.entryTime.subarray(0, len),
      entryPrice: n.entryPrice.subarray(0, len),
      exitTime: n.exitTime.subarray(0, len),
      exitPrice: n.exitPrice.subarray(0, len),
      pnl: n.pnl.subarray(0, len),
      fees: n.fees.subarray(0, len),
      barsHeld: n.barsHeld.subarray(0, len),
    };
  }

  private grow(): void {
    const size = this.capacity * 2;
    this.capacity = size;
    this.symbolIndex = grownColumn(this.symbolIndex, size);
    this.side = grownColumn(this.side, size);
    this.exitReason = grownColumn(this.exitReason, size);
    for (const column of NUMBER_COLUMNS) {
      this.numbers[column] = grownColumn(this.numbers[column], size);
    }
  }
}

export function tradeAt(table: TradeTable, k: number): Trade {
  return {
    symbol: table.symbols[table.symbolIndex[k]!]!,
    side: table.side[k] === 0 ? 'long' : 'short',
    qty: table.qty[k]!,
    entryTime: table.entryTime[k]!,
    entryPrice: table.entryPrice[k]!,
    exitTime: table.exitTime[k]!,
    exitPrice: table.exitPrice[k]!,
    pnl: table.pnl[k]!,
    fees: table.fees[k]!,
    barsHeld: table.barsHeld[k]!,
    exitReason: EXIT_REASONS[table.exitReason[k]!]!,
  };
}

/** Row objects, in the order the trades closed. */
export function tradeList(table: TradeTable): Trade[] {
  return Array.from({ length: table.length }, (_, k) => tradeAt(table, k));
}
