// Deterministic identifiers: injected so a backtest's ids repeat run after run and a paper session's stay unique.
// Ids are numbers under a prefix and become strings only when someone reads them, so a long backtest does not
// build three strings per order it never shows.

/** Where order and execution numbers come from; the strings are formatted from the prefix and the number. */
export interface IdSource {
  /** 1-16 letters, digits, '-' or '_'; every id of the run or session starts with it. */
  readonly prefix: string;
  nextOrderNumber(): number;
  nextExecutionNumber(): number;
}

export const MAX_CLIENT_ORDER_ID_LENGTH = 48;

export function orderIdOf(prefix: string, orderNumber: number): string {
  return `${prefix}-o${orderNumber}`;
}

export function executionIdOf(prefix: string, executionNumber: number): string {
  return `${prefix}-x${executionNumber}`;
}

/**
 * What the venue sees as client_order_id, e.g. `bt-AAPL-7`. At most 48 characters (Alpaca's limit): the prefix
 * is at most 16, the symbol is clipped to 12 letters and digits, and a safe integer has at most 16 digits.
 */
export function clientOrderIdOf(prefix: string, symbol: string, orderNumber: number): string {
  const id = `${prefix}-${symbol.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}-${orderNumber}`;
  if (id.length > MAX_CLIENT_ORDER_ID_LENGTH)
    throw new Error(`client order id '${id}' is over 48 characters`);
  return id;
}

/**
 * Counters behind a short prefix. A paper session passes its own prefix (and the counts reached before a
 * restart) so ids never collide with earlier sessions.
 */
export function sequentialIds(prefix = 'bt', start = 0): IdSource {
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(prefix)) {
    throw new Error(`id prefix '${prefix}' must be 1-16 letters, digits, '-' or '_'`);
  }
  let orders = start;
  let executions = start;
  return {
    prefix,
    nextOrderNumber: () => ++orders,
    nextExecutionNumber: () => ++executions,
  };
}
