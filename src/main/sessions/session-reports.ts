// What a session hands the user to keep: CSV exports of its orders, fills, trades and equity, and a daily summary.
import type { DailySummary, ExportKind, OrderRow } from '../../shared/domain/session';
import type { Trade } from '../../shared/domain/trading';
import { iso, num, tradeListCsv } from '../research/report';
import type { DailyPnlRow, RiskEventRecord, SessionRepo } from '../store/session-repo';

const csvText = (value: string | null): string =>
  value === null ? '' : /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

function ordersCsv(orders: readonly OrderRow[]): string {
  const lines = [
    'created_at,updated_at,order_id,client_order_id,symbol,side,type,role,qty,filled_qty,limit_price,stop_price,avg_fill_price,status,status_reason,source',
  ];
  for (const o of [...orders].reverse()) {
    lines.push(
      [
        iso(o.createdAt),
        iso(o.updatedAt),
        o.id,
        o.clientOrderId,
        o.symbol,
        o.side,
        o.type,
        o.role,
        num(o.qty),
        num(o.filledQty),
        o.limitPrice === null ? '' : num(o.limitPrice),
        o.stopPrice === null ? '' : num(o.stopPrice),
        o.avgFillPrice === null ? '' : num(o.avgFillPrice),
        o.status,
        csvText(o.statusReason),
        // Whose order it was: the trader's from the ticket, or the strategy's.
        o.manual === true ? 'manual' : 'strategy',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

const dayOf = (time: number): string => new Date(time).toISOString().slice(0, 10);

export function dailySummaries(
  daily: readonly DailyPnlRow[],
  trades: readonly Trade[],
  curve: { readonly time: readonly number[]; readonly equity: readonly number[] },
  riskEvents: readonly RiskEventRecord[],
): DailySummary[] {
  return daily.map((d) => {
    const closed = trades.filter((t) => dayOf(t.exitTime) === d.day);
    const wins = closed.filter((t) => t.pnl > 0).length;
    let peak = d.startEquity;
    let maxDrawdown = 0;
    curve.time.forEach((time, k) => {
      if (dayOf(time) !== d.day) return;
      const equity = curve.equity[k]!;
      peak = Math.max(peak, equity);
      maxDrawdown = Math.max(maxDrawdown, peak > 0 ? 1 - equity / peak : 0);
    });
    return {
      day: d.day,
      trades: closed.length,
      wins,
      winRate: closed.length === 0 ? null : wins / closed.length,
      realizedPnl: d.realizedPnl,
      fees: d.fees,
      startEquity: d.startEquity,
      endEquity: d.endEquity,
      returnFraction: d.startEquity > 0 ? d.endEquity / d.startEquity - 1 : 0,
      maxDrawdown,
      riskEvents: riskEvents
        .filter((e) => dayOf(e.time) === d.day && e.kind !== 'order-denied')
        .map((e) => `${iso(e.time)} ${e.kind}: ${e.reason}`),
    };
  });
}

/**
 * What an export is called on the user's disk: the session's name and the run's start day (UTC), safe on every file
 * system — "Demo — SMA crossover on ACME, BOLT" started 2026-12-05 → "Demo-SMA-crossover-on-ACME-BOLT-2026-12-05".
 */
export function exportBaseName(sessionName: string, startedAt: number): string {
  // Letters and digits of any script stay; runs of anything else (slashes, colons, dashes, spaces) become one dash.
  const name = sessionName
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}_]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${name || 'session'}-${dayOf(startedAt)}`;
}

export function exportRun(
  repo: SessionRepo,
  runId: string,
  kind: ExportKind,
): { fileName: string; mimeType: string; content: string } {
  const all = Number.POSITIVE_INFINITY;
  const run = repo.getRun(runId);
  const session = run && repo.getSession(run.sessionId);
  const base = session && run ? exportBaseName(session.name, run.startedAt) : runId;
  switch (kind) {
    case 'orders':
      return {
        fileName: `${base}-orders.csv`,
        mimeType: 'text/csv',
        content: ordersCsv(repo.orders(runId, all)),
      };
    case 'fills': {
      const lines = ['time,symbol,side,qty,price,fee,order_id,execution_id'];
      for (const f of repo.fills(runId, all).reverse()) {
        lines.push(
          [
            iso(f.time),
            f.symbol,
            f.side,
            num(f.qty),
            num(f.price),
            num(f.fee),
            f.orderId,
            f.executionId,
          ].join(','),
        );
      }
      return { fileName: `${base}-fills.csv`, mimeType: 'text/csv', content: `${lines.join('\n')}\n` };
    }
    case 'trades':
      return {
        fileName: `${base}-trades.csv`,
        mimeType: 'text/csv',
        content: tradeListCsv(repo.trades(runId)),
      };
    case 'equity': {
      const curve = repo.equityCurve(runId, all);
      const lines = ['time,equity'];
      curve.time.forEach((time, k) => {
        lines.push(`${iso(time)},${num(curve.equity[k]!)}`);
      });
      return { fileName: `${base}-equity.csv`, mimeType: 'text/csv', content: `${lines.join('\n')}\n` };
    }
    case 'daily-summary': {
      const summary = dailySummaries(
        repo.dailyPnl(runId),
        repo.trades(runId),
        repo.equityCurve(runId, all),
        repo.riskEvents(runId, all),
      );
      return {
        fileName: `${base}-daily-summary.json`,
        mimeType: 'application/json',
        content: `${JSON.stringify(summary, null, 2)}\n`,
      };
    }
  }
}
