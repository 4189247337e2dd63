// How the session page's tables show the ticket's orders: fills of manual orders marked, and which working orders
// the ticket can replace.
import type { FillRow, OrderRow } from '../../../../shared/domain/session';
import { isWorkingOrder } from '../../../../shared/domain/session';
import type { Column } from '../../components/table/DataTable';

/** A working limit or stop entry/exit (bracket legs are canceled, not replaced). */
export function canReplace(order: OrderRow): boolean {
  return (
    isWorkingOrder(order) &&
    (order.type === 'limit' || order.type === 'stop') &&
    (order.role === 'entry' || order.role === 'exit')
  );
}

/** The fills columns with a Source column after the side: "manual" for fills of the ticket's orders. */
export function withManualFills(
  columns: readonly Column<FillRow>[],
  orders: readonly OrderRow[],
): Column<FillRow>[] {
  const manual = new Set(orders.filter((o) => o.manual === true).map((o) => o.id));
  const source: Column<FillRow> = {
    id: 'source',
    header: 'Source',
    value: (f) => (manual.has(f.orderId) ? 'manual' : 'strategy'),
    width: 64,
  };
  const side = columns.findIndex((c) => c.id === 'side');
  return [...columns.slice(0, side + 1), source, ...columns.slice(side + 1)];
}
