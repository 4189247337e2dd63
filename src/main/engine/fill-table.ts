// Fills as the engine emits them, and as columns: a long backtest makes hundreds of thousands of fills, and
// numbers in typed arrays cost the garbage collector nothing, where an object and two id strings per fill do.
import type { Fill, Side } from '../../shared/domain/trading';
import { grownColumn, SymbolInterner } from './columns';
import { executionIdOf, orderIdOf } from './ids';

/**
 * A fill with its ids kept as numbers; the id strings are built when read, and `toFill()` gives a plain object.
 * The engine reuses one instance for every fill it reports (see LedgerSink): copy what you keep.
 */
export class EngineFill implements Fill {
  idPrefix = '';
  executionNumber = 0;
  orderNumber = 0;
  symbol = '';
  side: Side = 'buy';
  qty = 0;
  price = 0;
  fee = 0;
  time = 0;
  decisionPrice = 0;

  /** Takes a venue's report of an execution of `order`: the engine reuses one instance for every fill. */
  report(
    idPrefix: string,
    executionNumber: number,
    order: {
      readonly number: number;
      readonly symbol: string;
      readonly side: Side;
      readonly decisionPrice: number;
    },
    qty: number,
    price: number,
    fee: number,
    time: number,
  ): void {
    this.idPrefix = idPrefix;
    this.executionNumber = executionNumber;
    this.orderNumber = order.number;
    this.symbol = order.symbol;
    this.side = order.side;
    this.qty = qty;
    this.price = price;
    this.fee = fee;
    this.time = time;
    this.decisionPrice = order.decisionPrice;
  }

  get executionId(): string {
    return executionIdOf(this.idPrefix, this.executionNumber);
  }

  get orderId(): string {
    return orderIdOf(this.idPrefix, this.orderNumber);
  }

  toFill(): Fill {
    return {
      executionId: this.executionId,
      orderId: this.orderId,
      symbol: this.symbol,
      side: this.side,
      qty: this.qty,
      price: this.price,
      fee: this.fee,
      time: this.time,
      decisionPrice: this.decisionPrice,
    };
  }
}

/** Plain data (structured-clone friendly, so a worker can post it); row k is one fill. */
export interface FillTable {
  readonly length: number;
  readonly idPrefix: string;
  /** Distinct symbols; `symbolIndex` points into it. */
  readonly symbols: readonly string[];
  readonly symbolIndex: Int32Array;
  /** 0 buy, 1 sell. */
  readonly side: Uint8Array;
  readonly time: Float64Array;
  readonly qty: Float64Array;
  readonly price: Float64Array;
  readonly fee: Float64Array;
  readonly decisionPrice: Float64Array;
  readonly orderNumber: Float64Array;
  readonly executionNumber: Float64Array;
}

const NUMBER_COLUMNS = [
  'time',
  'qty',
  'price',
  'fee',
  'decisionPrice',
  'orderNumber',
  'executionNumber',
] as const;

export class FillTableBuilder {
  length = 0;
  private capacity = 1024;
  private idPrefix = '';
  private readonly symbols = new SymbolInterner();
  private symbolIndex = new Int32Array(1024);
  private side = new Uint8Array(1024);
  private readonly numbers: Record<(typeof NUMBER_COLUMNS)[number], Float64Array> = {
    time: new Float64Array(1024),
    qty: new Float64Array(1024),
    price: new Float64Array(1024),
    fee: new Float64Array(1024),
    decisionPrice: new Float64Array(1024),
    orderNumber: new Float64Array(1024),
    executionNumber: new Float64Array(1024),
  };

  push(fill: EngineFill): void {
    if (this.length === this.capacity) this.grow();
    const k = this.length++;
    const symbol = this.symbols.indexOf(fill.symbol);
    this.idPrefix = fill.idPrefix;
    this.symbolIndex[k] = symbol;
    this.side[k] = fill.side === 'buy' ? 0 : 1;
    const numbers = this.numbers;
    numbers.time[k] = fill.time;
    numbers.qty[k] = fill.qty;
    numbers.price[k] = fill.price;
    numbers.fee[k] = fill.fee;
    numbers.decisionPrice[k] = fill.decisionPrice;
    numbers.orderNumber[k] = fill.orderNumber;
    numbers.executionNumber[k] = fill.executionNumber;
  }

  /** The fills so far, as views trimmed to `length`. */
  table(): FillTable {
    const n = this.length;
    const numbers = this.numbers;
    return {
      length: n,
      idPrefix: this.idPrefix,
      symbols: this.symbols.names.slice(),
      symbolIndex: this.symbolIndex.subarray(0, n),
      side: this.side.subarray(0, n),
      time: numbers.time.subarray(0, n),
      qty: numbers.qty.subarray(0, n),
      price: numbers.price.subarray(0, n),
      fee: numbers.fee.subarray(0, n),
      decisionPrice: numbers.decisionPrice.subarray(0, n),
      orderNumber: numbers.orderNumber.subarray(0, n),
      executionNumber: numbers.executionNumber.subarray(0, n),
    };
  }

  private grow(): void {
    const size = this.capacity * 2;
    this.capacity = size;
    this.symbolIndex = grownColumn(this.symbolIndex, size);
    this.side = grownColumn(this.side, size);
    for (const column of NUMBER_COLUMNS) {
      this.numbers[column] = grownColumn(this.numbers[column], size);
    }
  }
}

export function fillAt(table: FillTable, k: number): Fill {
  return {
    executionId: executionIdOf(table.idPrefix, table.executionNumber[k]!),
    orderId: orderIdOf(table.idPrefix, table.orderNumber[k]!),
    symbol: table.symbols[table.symbolIndex[k]!]!,
    side: table.side[k] === 0 ? 'buy' : 'sell',
    qty: table.qty[k]!,
    price: table.price[k]!,
    fee: table.fee[k]!,
    time: table.time[k]!,
    decisionPrice: table.decisionPrice[k]!,
  };
}

/** Row objects, for tests and small results. */
export function fillList(table: FillTable): Fill[] {
  return Array.from({ length: table.length }, (_, k) => fillAt(table, k));
}
