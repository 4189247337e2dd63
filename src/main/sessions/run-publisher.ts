// What a run tells the UI: every committed bar time or broker change (bars with their indicator values, orders,
// fills, equity, alerts) and its status. Only what the ledger holds is pushed.
import type { PushPublisher } from '../../shared/api/ports';
import type { LimitBasis, OrderRow, PositionRow, SessionStatus } from '../../shared/domain/session';
import type { Order, RiskState } from '../../shared/domain/trading';
import type { SymbolBar } from '../feeds/live-bar-assembler';
import type { AlertInput, LedgerBatch } from '../store/session-repo';

function orderRow(order: Order, updatedAt: number): OrderRow {
  return {
    id: order.id,
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    role: order.role,
    qty: order.qty,
    filledQty: order.filledQty,
    limitPrice: order.limitPrice ?? null,
    stopPrice: order.stopPrice ?? null,
    avgFillPrice: order.filledQty > 0 ? order.avgFillPrice : null,
    status: order.status,
    statusReason: order.statusReason ?? null,
    createdAt: order.createdAt,
    updatedAt,
    ...(order.manual === true && { manual: true }),
  };
}

/** The account after a committed batch. */
export interface AccountView {
  readonly time: number;
  readonly equity: number;
  readonly cash: number;
  readonly positions: PositionRow[];
  readonly limitBasis: LimitBasis;
}

export class RunPublisher {
  constructor(
    private readonly pushes: PushPublisher,
    private readonly sessionId: string,
    private readonly runId: string,
  ) {}

  /**
   * A committed batch: its bars (none for broker changes) with the chart's indicator values, its orders and fills,
   * the account, and its alerts under the ids the ledger gave them.
   */
  committed(
    batch: LedgerBatch,
    alertIds: readonly number[],
    bars: readonly SymbolBar[],
    indicatorValues: readonly ((number | null)[] | undefined)[],
    account: AccountView,
  ): void {
    const { pushes, sessionId } = this;
    bars.forEach((bar, k) => {
      const indicators = indicatorValues[k];
      pushes.publish('bar', { sessionId, ...bar, ...(indicators && { indicators }) });
    });
    for (const order of batch.orders)
      pushes.publish('order', { sessionId, order: orderRow(order, order.updatedAt) });
    for (const fill of batch.fills) pushes.publish('fill', { sessionId, fill });
    // Wall clock, not the run's clock: it measures the way to the screen, not market time.
    const sentAt = Date.now();
    pushes.publish('equity', { sessionId, ...account, sentAt });
    batch.alerts.forEach((alert, k) => {
      const id = alertIds[k];
      if (id !== undefined) this.alert(alert, id);
    });
  }

  alert(alert: AlertInput, id: number): void {
    this.pushes.publish('alert', {
      sessionId: this.sessionId,
      alert: { id, runId: this.runId, acknowledged: false, ...alert },
    });
  }

  status(status: SessionStatus, riskState: RiskState, message?: string): void {
    this.pushes.publish('session-state', {
      sessionId: this.sessionId,
      runId: this.runId,
      status,
      riskState,
      ...(message !== undefined && { message }),
    });
  }
}
