// The engine's events of one bar time (or of one batch of broker events) gathered into the ledger batch that
// commits them in one transaction, with the alerts they raise.
import { MANUAL_INTENT, manualDenial } from '../../shared/domain/manual-order';
import type { AlertSeverity, PositionRow } from '../../shared/domain/session';
import type { EngineEvent, LedgerSink } from '../engine/events';
import type { Portfolio } from '../engine/portfolio';
import type { LedgerBatch } from '../store/session-repo';
import type { RunAccount } from './run-ledger';

export function emptyBatch(): LedgerBatch {
  return {
    bars: [],
    barTimes: 0,
    orders: [],
    fills: [],
    trades: [],
    positions: [],
    riskEvents: [],
    alerts: [],
  };
}

/** Every symbol's position as the ledger and the UI show it. */
export function positionRows(p: Portfolio): PositionRow[] {
  return p.symbols.map((symbol, s) => {
    const qty = p.qty[s]!;
    const last = p.lastPrice[s]!;
    return {
      symbol,
      qty,
      avgPrice: p.avgPrice[s]!,
      lastPrice: last,
      marketValue: qty * last,
      unrealizedPnl: qty * (last - p.avgPrice[s]!),
      realizedPnl: p.realizedGross[s]!,
    };
  });
}

/** An equity run's portfolio as its ledger settles it. */
export function portfolioAccount(p: Portfolio): RunAccount {
  return {
    cash: p.cash,
    equity: p.markedEquity[0]!,
    realizedNet: p.realizedNet,
    fees: p.fees,
    positions: () => positionRows(p),
  };
}

export class RunRecorder implements LedgerSink {
  readonly orderUpdates = 'all' as const;
  /** The batch events go to now. */
  batch: LedgerBatch = emptyBatch();
  /** Trades closed so far: the ledger numbers them by it. */
  trades = 0;
  /** Fills the run has applied: a recovery compares them with the ledger's. */
  fills = 0;
  /** Denial reasons already alerted since the last reset: an alert fires once per trip, not once per bar. */
  private readonly alertedDenials = new Set<string>();

  /** A new batch for the next bar time or broker drain. */
  begin(): LedgerBatch {
    this.batch = emptyBatch();
    return this.batch;
  }

  /** After a reset of the halt, denials alert again. */
  rearmDenialAlerts(): void {
    this.alertedDenials.clear();
  }

  alert(time: number, severity: AlertSeverity, kind: string, message: string): void {
    this.batch.alerts.push({ time, severity, kind, message });
  }

  record(event: EngineEvent): void {
    const batch = this.batch;
    switch (event.kind) {
      case 'order': {
        const order = event.order;
        batch.orders.push(
          order.manual === true
            ? { ...order, updatedAt: event.time, intent: MANUAL_INTENT }
            : { ...order, updatedAt: event.time },
        );
        if (event.order.status === 'rejected') {
          this.alert(
            event.time,
            'warning',
            'order-rejected',
            `${event.order.symbol} ${event.order.side} ${event.order.qty} rejected: ${event.order.statusReason ?? 'no reason given'}`,
          );
        }
        return;
      }
      case 'fill': {
        const f = event.fill;
        this.fills++;
        batch.fills.push({
          executionId: f.executionId,
          orderId: f.orderId,
          symbol: f.symbol,
          side: f.side,
          qty: f.qty,
          price: f.price,
          fee: f.fee,
          time: f.time,
          decisionPrice: f.decisionPrice > 0 ? f.decisionPrice : null,
        });
        return;
      }
      case 'trade': {
        const t = event.trade;
        this.trades++;
        batch.trades.push({
          seq: this.trades,
          trade: {
            symbol: t.symbol,
            side: t.side,
            qty: t.qty,
            entryTime: t.entryTime,
            entryPrice: t.entryPrice,
            exitTime: t.exitTime,
            exitPrice: t.exitPrice,
            pnl: t.pnl,
            fees: t.fees,
            barsHeld: t.barsHeld,
            exitReason: t.exitReason,
          },
        });
        return;
      }
      case 'order-denied': {
        batch.riskEvents.push({ time: event.time, kind: 'order-denied', reason: event.reason });
        // A denial of the trader's own order always alerts: the ticket shows it with its reason.
        if (event.intent.manual === true) {
          this.alert(event.time, 'warning', 'order-denied', manualDenial(event.intent.symbol, event.reason));
          return;
        }
        const kind = event.reason.split(':')[0]!;
        if (!this.alertedDenials.has(kind)) {
          this.alertedDenials.add(kind);
          this.alert(event.time, 'warning', 'order-denied', `${event.intent.symbol}: ${event.reason}`);
        }
        return;
      }
      case 'risk-state': {
        batch.riskEvents.push({
          time: event.time,
          kind: 'risk-state',
          fromState: event.from,
          toState: event.to,
          reason: event.reason,
        });
        const severity: AlertSeverity =
          event.to === 'HALTED' ? 'critical' : event.to === 'REDUCING' ? 'warning' : 'info';
        this.alert(
          event.time,
          severity,
          `risk-${event.to.toLowerCase()}`,
          `${event.from} → ${event.to}: ${event.reason}`,
        );
        return;
      }
    }
  }
}
