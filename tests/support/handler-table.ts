// A full handler table from the few handlers a test cares about; any other call fails loudly if reached.
import type { HandlerTable } from '../../src/main/api/dispatcher';
import { CALL_NAMES } from '../../src/shared/api/names';

export function handlerTable(handlers: Partial<HandlerTable>): HandlerTable {
  const table: Record<string, unknown> = {};
  for (const name of CALL_NAMES) {
    table[name] =
      handlers[name] ??
      (() => {
        throw new Error(`${name} is not part of this test`);
      });
  }
  return table as HandlerTable;
}
