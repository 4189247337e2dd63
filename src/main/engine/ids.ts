// Deterministic identifiers: injected so a backtest's ids repeat run after run and a paper session's stay unique.

/** Where order and execution ids come from. */
export interface IdSource {
  nextOrderId(): string;
  /** What the venue sees as client_order_id; at most 48 characters (Alpaca's limit). */
  nextClientOrderId(symbol: string): string;
  nextExecutionId(): string;
}

export const MAX_CLIENT_ORDER_ID_LENGTH = 48;

/**
 * Counters behind a short prefix, e.g. `bt-o7`, `bt-AAPL-7`, `bt-x12`. A paper session passes its own prefix
 * (and a starting count after a restart) so ids never collide with earlier sessions.
 */
export function sequentialIds(prefix = 'bt', start = 0): IdSource {
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(prefix)) {
    throw new Error(`id prefix '${prefix}' must be 1-16 letters, digits, '-' or '_'`);
  }
  let orders = start;
  let executions = start;
  const clipped = new Map<string, string>();
  return {
    nextOrderId: () => `${prefix}-o${++orders}`,
    nextClientOrderId(symbol: string): string {
      let tag = clipped.get(symbol);
      if (tag === undefined) {
        // Symbols are clipped so the id stays within the venue's limit whatever the symbol.
        tag = symbol.replace(/[^A-Za-z0-9]/g, '').slice(0, 12);
        clipped.set(symbol, tag);
      }
      const id = `${prefix}-${tag}-${orders}`;
      if (id.length > MAX_CLIENT_ORDER_ID_LENGTH)
        throw new Error(`client order id '${id}' is over 48 characters`);
      return id;
    },
    nextExecutionId: () => `${prefix}-x${++executions}`,
  };
}
