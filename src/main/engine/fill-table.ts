// Fills as columns: a long backtest makes hundreds of thousands of fills, and columns keep them compact and
// cheap for the garbage collector (one typed array per number, shared strings for ids and symbols).
import type { Fill, Side } from '../../shared/domain/trading';

/** Plain data (structured-clone friendly, so a worker can post it); row k is one fill. */
export interface FillTable {
  readonly length: number;
  readonly time: Float64Array;
  readonly qty: Float64Array;
  readonly price: Float64Array;
  readonly fee: Float64Array;
  readonly side: readonly Side[];
  readonly symbol: readonly string[];
  readonly orderId: readonly string[];
  readonly executionId: readonly string[];
}

export class FillTableBuilder {
  length = 0;
  private time: Float64Array = new Float64Array(1024);
  private qty: Float64Array = new Float64Array(1024);
  private price: Float64Array = new Float64Array(1024);
  private fee: Float64Array = new Float64Array(1024);
  private readonly side: Side[] = [];
  private readonly symbol: string[] = [];
  private readonly orderId: string[] = [];
  private readonly executionId: string[] = [];

  push(fill: Fill): void {
    if (this.length === this.time.length) this.grow();
    const k = this.length++;
    this.time[k] = fill.time;
    this.qty[k] = fill.qty;
    this.price[k] = fill.price;
    this.fee[k] = fill.fee;
    this.side.push(fill.side);
    this.symbol.push(fill.symbol);
    this.orderId.push(fill.orderId);
    this.executionId.push(fill.executionId);
  }

  /** The fills so far; the number columns are views trimmed to `length`. */
  table(): FillTable {
    const n = this.length;
    return {
      length: n,
      time: this.time.subarray(0, n),
      qty: this.qty.subarray(0, n),
      price: this.price.subarray(0, n),
      fee: this.fee.subarray(0, n),
      side: this.side,
      symbol: this.symbol,
      orderId: this.orderId,
      executionId: this.executionId,
    };
  }

  private grow(): void {
    const size = this.time.length * 2;
    const grown = (from: Float64Array): Float64Array => {
      const to = new Float64Array(size);
      to.set(from);
      return to;
    };
    this.time = grown(this.time);
    this.qty = grown(this.qty);
    this.price = grown(this.price);
    this.fee = grown(this.fee);
  }
}

export function fillAt(table: FillTable, k: number): Fill {
  return {
    executionId: table.executionId[k]!,
    orderId: table.orderId[k]!,
    symbol: table.symbol[k]!,
    side: table.side[k]!,
    qty: table.qty[k]!,
    price: table.price[k]!,
    fee: table.fee[k]!,
    time: table.time[k]!,
  };
}

/** Row objects, for tests and small results. */
export function fillList(table: FillTable): Fill[] {
  return Array.from({ length: table.length }, (_, k) => fillAt(table, k));
}
