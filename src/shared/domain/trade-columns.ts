// A run's trades and fills as columns: numbers in Float64Arrays, which cross host mode's WebSocket as raw bytes
// (src/shared/api/wire.ts) and Electron's IPC by structured clone. Tens of thousands of trades as JSON objects took
// most of a 1,000,000-bar backtest's first paint (written in main, parsed on the page's main thread). Strings that
// repeat (symbols, sides, exit reasons) go as codes into their few distinct values; order ids as a list.
import type { BacktestDetail, BacktestFillRow, BacktestTradeRow } from './backtest';
import type { ExitReason, Side } from './trading';

/** Repeating strings as indices into their distinct values. */
export interface CodedColumn<T extends string = string> {
  readonly values: readonly T[];
  readonly codes: Float64Array;
}

export interface TradeColumns {
  readonly length: number;
  readonly symbol: CodedColumn;
  readonly side: CodedColumn<BacktestTradeRow['side']>;
  readonly exitReason: CodedColumn<ExitReason>;
  readonly qty: Float64Array;
  readonly entryTime: Float64Array;
  readonly entryPrice: Float64Array;
  readonly exitTime: Float64Array;
  readonly exitPrice: Float64Array;
  readonly pnl: Float64Array;
  readonly fees: Float64Array;
  readonly barsHeld: Float64Array;
}

export interface FillColumns {
  readonly length: number;
  readonly symbol: CodedColumn;
  readonly side: CodedColumn<Side>;
  readonly time: Float64Array;
  readonly qty: Float64Array;
  readonly price: Float64Array;
  readonly fee: Float64Array;
  /** NaN where the run did not keep it (runs stored before it was). */
  readonly decisionPrice: Float64Array;
  readonly orderId: readonly string[];
}

function coded<Row, T extends string>(rows: readonly Row[], of: (row: Row) => T): CodedColumn<T> {
  const values: T[] = [];
  const index = new Map<T, number>();
  const codes = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    const value = of(row);
    let code = index.get(value);
    if (code === undefined) {
      code = values.push(value) - 1;
      index.set(value, code);
    }
    codes[i] = code;
  });
  return { values, codes };
}

function numbers<Row>(rows: readonly Row[], of: (row: Row) => number): Float64Array {
  const column = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    column[i] = of(row);
  });
  return column;
}

/** The string at row `i`; a code outside the values is a broken message, named as such. */
function valueAt<T extends string>(column: CodedColumn<T>, i: number, name: string): T {
  const value = column.values[column.codes[i]!];
  if (value === undefined) throw new Error(`${name} of row ${i + 1}: code ${column.codes[i]} has no value`);
  return value;
}

/** Each column must hold a value per row, or the rows would read past it. */
function checkLengths(what: string, length: number, columns: Record<string, { readonly length: number }>) {
  for (const [name, column] of Object.entries(columns)) {
    if (column.length < length)
      throw new Error(`${what}: column ${name} has ${column.length} values for ${length} rows`);
  }
}

export function tradesToColumns(trades: readonly BacktestTradeRow[]): TradeColumns {
  return {
    length: trades.length,
    symbol: coded(trades, (t) => t.symbol),
    side: coded(trades, (t) => t.side),
    exitReason: coded(trades, (t) => t.exitReason),
    qty: numbers(trades, (t) => t.qty),
    entryTime: numbers(trades, (t) => t.entryTime),
    entryPrice: numbers(trades, (t) => t.entryPrice),
    exitTime: numbers(trades, (t) => t.exitTime),
    exitPrice: numbers(trades, (t) => t.exitPrice),
    pnl: numbers(trades, (t) => t.pnl),
    fees: numbers(trades, (t) => t.fees),
    barsHeld: numbers(trades, (t) => t.barsHeld),
  };
}

export function columnsToTrades(columns: TradeColumns): BacktestTradeRow[] {
  const { length: n, symbol, side, exitReason, ...figures } = columns;
  checkLengths('trades', n, {
    symbol: symbol.codes,
    side: side.codes,
    exitReason: exitReason.codes,
    ...figures,
  });
  const trades: BacktestTradeRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    trades[i] = {
      symbol: valueAt(symbol, i, 'trade symbol'),
      side: valueAt(side, i, 'trade side'),
      qty: figures.qty[i]!,
      entryTime: figures.entryTime[i]!,
      entryPrice: figures.entryPrice[i]!,
      exitTime: figures.exitTime[i]!,
      exitPrice: figures.exitPrice[i]!,
      pnl: figures.pnl[i]!,
      fees: figures.fees[i]!,
      barsHeld: figures.barsHeld[i]!,
      exitReason: valueAt(exitReason, i, 'trade exit reason'),
    };
  }
  return trades;
}

export function fillsToColumns(fills: readonly BacktestFillRow[]): FillColumns {
  return {
    length: fills.length,
    symbol: coded(fills, (f) => f.symbol),
    side: coded(fills, (f) => f.side),
    time: numbers(fills, (f) => f.time),
    qty: numbers(fills, (f) => f.qty),
    price: numbers(fills, (f) => f.price),
    fee: numbers(fills, (f) => f.fee),
    decisionPrice: numbers(fills, (f) => f.decisionPrice ?? Number.NaN),
    orderId: fills.map((f) => f.orderId),
  };
}

export function columnsToFills(columns: FillColumns): BacktestFillRow[] {
  const { length: n, symbol, side, orderId, ...figures } = columns;
  checkLengths('fills', n, { symbol: symbol.codes, side: side.codes, orderId, ...figures });
  const fills: BacktestFillRow[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const decisionPrice = figures.decisionPrice[i]!;
    fills[i] = {
      time: figures.time[i]!,
      symbol: valueAt(symbol, i, 'fill symbol'),
      side: valueAt(side, i, 'fill side'),
      qty: figures.qty[i]!,
      price: figures.price[i]!,
      fee: figures.fee[i]!,
      orderId: orderId[i]!,
      ...(!Number.isNaN(decisionPrice) && { decisionPrice }),
    };
  }
  return fills;
}

/** backtest:get's answer: a run's detail with its trades and fills as columns. */
export type BacktestDetailColumns = Omit<BacktestDetail, 'trades' | 'fills'> & {
  readonly trades: TradeColumns;
  readonly fills: FillColumns;
};

export function detailToColumns(detail: BacktestDetail): BacktestDetailColumns {
  return { ...detail, trades: tradesToColumns(detail.trades), fills: fillsToColumns(detail.fills) };
}

export function detailFromColumns(detail: BacktestDetailColumns): BacktestDetail {
  return { ...detail, trades: columnsToTrades(detail.trades), fills: columnsToFills(detail.fills) };
}
