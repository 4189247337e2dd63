// What became of each row of the trade plans a run executed: read back from the ledger (the plan is its own risk
// event, its orders are the entries sent at that bar with their bracket legs), so it survives a restart.
import type { PlanOutcome, PlanOutcomeKind, PlanRowView } from '../../shared/domain/plan';
import type { MarketCalendar } from '../market/calendar';
import type { SessionRepo, StoredOrder } from '../store/session-repo';
import { holdingDeadline, type TradePlan, type TradePlanRow } from './trade-plan';

/** A plan row as the page shows it, with the deadline it gets when its plan runs at `from`. */
export function planRowView(row: TradePlanRow, from: number, calendar: MarketCalendar): PlanRowView {
  return {
    line: row.line,
    symbol: row.symbol,
    side: row.side,
    qty: row.qty ?? null,
    notional: row.notional ?? null,
    entryType: row.entryType,
    entryPrice: row.entryPrice ?? null,
    takeProfit: row.takeProfit,
    stopLoss: row.stopLoss,
    timeInForce: row.timeInForce,
    timeLimitDays: row.timeLimitDays,
    deadline: holdingDeadline(row, from, calendar),
  };
}

/** The entry a row sent: same symbol, side, type and prices, sent at or after the plan's bar, not yet claimed. */
function entryOf(row: TradePlanRow, orders: readonly StoredOrder[], from: number, claimed: Set<string>) {
  const prices = (o: StoredOrder): boolean =>
    row.entryType === 'limit'
      ? o.limitPrice === row.entryPrice
      : row.entryType === 'stop'
        ? o.stopPrice === row.entryPrice
        : row.entryType === 'stop_limit'
          ? o.stopPrice === row.entryPrice && o.limitPrice === (row.limitPrice ?? row.entryPrice)
          : true;
  const candidates = orders.filter(
    (o) =>
      !claimed.has(o.id) &&
      o.role === 'entry' &&
      o.createdAt >= from &&
      o.symbol === row.symbol &&
      o.side === row.side &&
      o.type === row.entryType &&
      prices(o),
  );
  // The gateway may round a quantity to its lot rules: the exact size first, else the first of the same shape.
  return candidates.find((o) => row.qty === undefined || o.qty === row.qty) ?? candidates[0];
}

export function planOutcomes(repo: SessionRepo, runId: string, calendar: MarketCalendar): PlanOutcome[] {
  const events = repo.riskEvents(runId, Number.POSITIVE_INFINITY).reverse();
  const orders = repo.orderRecords(runId);
  const claimed = new Set<string>();
  const out: PlanOutcome[] = [];
  for (const event of events) {
    if (event.kind !== 'user-trade-plan') continue;
    const plan = JSON.parse(event.reason) as TradePlan;
    const denials = events
      .filter((e) => e.kind === 'order-denied' && e.time === event.time)
      .map((e) => e.reason);
    for (const row of plan.rows) {
      const entry = entryOf(row, orders, event.time, claimed);
      if (entry) claimed.add(entry.id);
      const [outcome, detail] = entry
        ? outcomeOf(entry, orders, events)
        : (['refused', denials.length > 0 ? denials.join('; ') : 'no order was sent'] as const);
      out.push({
        ...planRowView(row, event.time, calendar),
        source: plan.source,
        planTime: event.time,
        outcome,
        detail,
        entryOrderId: entry?.id ?? null,
      });
    }
  }
  return out;
}

function outcomeOf(
  entry: StoredOrder,
  orders: readonly StoredOrder[],
  events: readonly { readonly kind: string; readonly time: number }[],
): readonly [PlanOutcomeKind, string] {
  if (entry.status === 'rejected') return ['refused', entry.statusReason ?? 'rejected'];
  if (entry.filledQty === 0) {
    if (entry.status === 'canceled' || entry.status === 'expired') {
      return ['not entered', `${entry.status}${entry.statusReason ? `: ${entry.statusReason}` : ''}`];
    }
    return ['waiting', `${entry.type} entry working`];
  }
  const entered = `entered at ${entry.avgFillPrice}`;
  const legs = orders.filter((o) => o.parentId === entry.id && o.filledQty > 0);
  const leg = legs.find((o) => o.role === 'stop_loss') ?? legs.find((o) => o.role === 'take_profit');
  if (leg) {
    return [
      leg.role === 'stop_loss' ? 'exited by stop' : 'exited by target',
      `${entered}, exited at ${leg.avgFillPrice}`,
    ];
  }
  // A plain exit after the entry: the holding time ran out, unless the user flattened in between.
  const exit = orders.find(
    (o) =>
      o.role === 'exit' &&
      o.symbol === entry.symbol &&
      o.side !== entry.side &&
      o.createdAt >= entry.updatedAt &&
      o.filledQty > 0,
  );
  if (exit) {
    const flattened = events.some(
      (e) => e.kind === 'user-flatten' && e.time >= entry.updatedAt && e.time <= exit.createdAt,
    );
    return [flattened ? 'exited by flatten' : 'exited by time', `${entered}, exited at ${exit.avgFillPrice}`];
  }
  return ['entered', entered];
}
