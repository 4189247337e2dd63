// Table columns of the Sessions view, kept apart from its layout.
import type { FillRow, OrderRow, PositionRow, SessionSummary } from '../../../../shared/domain/session';
import { slippagePerUnit } from '../../../../shared/domain/trading';
import {
  formatMoney,
  formatPercent,
  formatPnl,
  formatPrice,
  formatQty,
  formatTime,
  toneOf,
} from '../../components/chart/format';
import type { CellTone, Column } from '../../components/table/DataTable';
import { VENUE_LABELS } from '../../components/VenueBadge';

const STATUS_TONE: Readonly<Record<string, CellTone>> = {
  running: 'up',
  starting: 'warn',
  paused: 'warn',
  stopping: 'warn',
  failed: 'down',
  stopped: 'muted',
  idle: 'muted',
};

/** P&L of a session against its starting cash (null before the first run). */
export function sessionPnl(s: SessionSummary): number | null {
  return s.equity === null ? null : s.equity - s.startingCash;
}

export const sessionColumns: Column<SessionSummary>[] = [
  { id: 'name', header: 'Session', value: (s) => s.name, width: 'minmax(100px, 2fr)' },
  {
    id: 'status',
    header: 'Status',
    value: (s) => s.status,
    tone: (s) => STATUS_TONE[s.status],
    width: 66,
  },
  {
    id: 'venue',
    header: 'Venue',
    value: (s) => VENUE_LABELS[s.venue],
    // The simulator recedes; a session on the Alpaca paper account stands out.
    tone: (s) => (s.venue === 'simulated' ? 'muted' : undefined),
    title: 'Where the orders go',
    width: 96,
    priority: 2,
  },
  { id: 'symbols', header: 'Symbols', value: (s) => s.symbols.join(' '), width: 84, priority: 3 },
  {
    id: 'equity',
    header: 'Equity',
    align: 'right',
    value: (s) => s.equity,
    format: (v) => formatMoney(v as number | null, { decimals: 0 }),
    width: 76,
  },
  {
    id: 'pnl',
    header: 'P&L',
    align: 'right',
    value: (s) => sessionPnl(s),
    format: (v) => formatPnl(v as number | null, { decimals: 0 }).text,
    tone: (s) => toneOf(sessionPnl(s)),
    title: 'Equity − starting cash',
    width: 70,
  },
];

export function positionColumns(equity: number): Column<PositionRow>[] {
  return [
    { id: 'symbol', header: 'Symbol', value: (p) => p.symbol, width: 70 },
    {
      id: 'qty',
      header: 'Qty',
      align: 'right',
      value: (p) => p.qty,
      format: (v) => formatQty(v as number),
      tone: (p) => (p.qty === 0 ? 'muted' : undefined),
    },
    {
      id: 'avg',
      header: 'Avg price',
      align: 'right',
      value: (p) => (p.qty === 0 ? null : p.avgPrice),
      format: (v) => formatPrice(v as number | null),
    },
    {
      id: 'last',
      header: 'Last',
      priority: 2,
      align: 'right',
      value: (p) => p.lastPrice,
      format: (v) => formatPrice(v as number),
    },
    {
      id: 'value',
      header: 'Market value',
      align: 'right',
      value: (p) => p.marketValue,
      format: (v) => formatMoney(v as number),
    },
    {
      id: 'unrealized',
      // "Open P&L" fits the column where "Unrealised P&L" was clipped; the title keeps the precise name.
      header: 'Open P&L',
      title: 'Unrealised P&L at the last price',
      align: 'right',
      value: (p) => p.unrealizedPnl,
      format: (v) => formatPnl(v as number).text,
      tone: (p) => formatPnl(p.unrealizedPnl).tone,
    },
    {
      id: 'realized',
      header: 'Realised P&L',
      priority: 2,
      align: 'right',
      value: (p) => p.realizedPnl,
      format: (v) => formatPnl(v as number).text,
      tone: (p) => formatPnl(p.realizedPnl).tone,
      title: 'Closed P&L before fees',
    },
    {
      id: 'weight',
      header: '% of equity',
      priority: 3,
      align: 'right',
      value: (p) => (equity > 0 ? p.marketValue / equity : null),
      format: (v) => formatPercent(v as number | null, { decimals: 1 }),
    },
  ];
}

const ORDER_TONE: Readonly<Record<string, CellTone>> = {
  new: 'warn',
  accepted: 'warn',
  partially_filled: 'warn',
  filled: 'up',
  rejected: 'down',
  canceled: 'muted',
  expired: 'muted',
};

/** Time (UTC), symbol and side: how the orders and fills tables both begin. */
function timeSymbolSide<Row extends { readonly symbol: string; readonly side: 'buy' | 'sell' }>(
  time: (row: Row) => number,
  sideWidth: number,
): Column<Row>[] {
  return [
    {
      id: 'time',
      header: 'Time',
      value: time,
      format: (v) => formatTime(v as number, { utc: true }),
      align: 'left',
      fit: true,
      width: 126,
    },
    { id: 'symbol', header: 'Symbol', value: (row) => row.symbol, width: 62 },
    {
      id: 'side',
      header: 'Side',
      value: (row) => row.side,
      tone: (row) => (row.side === 'buy' ? 'up' : 'down'),
      width: sideWidth,
    },
  ];
}

export const orderColumns: Column<OrderRow>[] = [
  ...timeSymbolSide<OrderRow>((o) => o.createdAt, 44),
  {
    id: 'type',
    header: 'Type',
    // The trader's own orders (the ticket, or its legs) say so: "manual market".
    value: (o) => `${o.manual === true ? 'manual ' : ''}${o.type.replaceAll('_', ' ')}`,
    width: 120,
    priority: 2,
  },
  { id: 'role', header: 'Role', value: (o) => o.role.replaceAll('_', ' '), width: 92, priority: 3 },
  { id: 'qty', header: 'Qty', align: 'right', value: (o) => o.qty, format: (v) => formatQty(v as number) },
  {
    id: 'filled',
    header: 'Filled',
    priority: 2,
    align: 'right',
    value: (o) => o.filledQty,
    format: (v) => formatQty(v as number),
  },
  {
    id: 'price',
    header: 'Limit/stop',
    align: 'right',
    value: (o) => o.limitPrice ?? o.stopPrice,
    format: (v) => formatPrice(v as number | null),
    width: 'minmax(84px, 1fr)',
  },
  {
    id: 'avg',
    header: 'Avg fill',
    priority: 2,
    align: 'right',
    value: (o) => o.avgFillPrice,
    format: (v) => formatPrice(v as number | null),
  },
  {
    id: 'status',
    header: 'Status',
    value: (o) => o.status,
    format: (v, o) => `${String(v).replaceAll('_', ' ')}${o.statusReason ? ` — ${o.statusReason}` : ''}`,
    tone: (o) => ORDER_TONE[o.status],
    width: 'minmax(90px, 2fr)',
  },
];

export const fillColumns: Column<FillRow>[] = [
  ...timeSymbolSide<FillRow>((f) => f.time, 40),
  {
    id: 'qty',
    header: 'Qty',
    align: 'right',
    value: (f) => f.qty,
    format: (v) => formatQty(v as number),
    width: 'minmax(36px, 1fr)',
  },
  {
    id: 'price',
    header: 'Price',
    align: 'right',
    value: (f) => f.price,
    format: (v) => formatPrice(v as number),
    width: 'minmax(54px, 1fr)',
  },
  {
    id: 'decision',
    header: 'Decision',
    priority: 2,
    title:
      'What the order was meant to fill at: the close of the bar it was decided on (market), its limit, or its stop',
    align: 'right',
    value: (f) => f.decisionPrice,
    format: (v) => formatPrice(v as number | null),
    width: 'minmax(54px, 1fr)',
  },
  {
    id: 'slippage',
    header: 'Slip',
    width: 'minmax(56px, 1fr)',
    title: 'Slippage per share against the decision price: positive cost you, negative was better',
    align: 'right',
    value: (f) => slippagePerUnit(f),
    format: (v) => (v === null ? '—' : `${(v as number) > 0 ? '+' : ''}${formatPrice(v as number)}`),
    tone: (f) => {
      const slip = slippagePerUnit(f);
      return slip === null || Math.abs(slip) < 1e-9 ? 'muted' : slip > 0 ? 'down' : 'up';
    },
  },
  {
    id: 'fee',
    header: 'Fee',
    align: 'right',
    value: (f) => f.fee,
    format: (v) => formatMoney(v as number),
    width: 'minmax(44px, 1fr)',
  },
];
