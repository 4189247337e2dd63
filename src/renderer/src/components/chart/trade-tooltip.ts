// The rows of the tooltip shown over a bar's trade markers: when, each trade's side, size, price and P&L, and a
// summary line past the eighth trade.
import type { TradeMarker } from './chart-data';
import { formatMoney, formatPnl, formatPrice, formatQty, formatTime } from './format';

/** Built as plain DOM: the tooltip follows the crosshair without a React render. */
export function tooltipRows(group: readonly TradeMarker[], barTimeMs: number, utc: boolean): HTMLElement[] {
  const head = document.createElement('div');
  head.className = 'mb-chart-tip-time';
  head.textContent = formatTime(barTimeMs, { utc });
  const rows = group.slice(0, 8).map((trade) => {
    const row = document.createElement('div');
    row.className = 'mb-chart-tip-row';
    const side = document.createElement('span');
    side.className = trade.side === 'buy' ? 'mb-tone-up mb-chart-tip-side' : 'mb-tone-down mb-chart-tip-side';
    side.textContent = trade.side === 'buy' ? 'BUY' : 'SELL';
    const qty = document.createElement('span');
    qty.className = 'mb-num';
    qty.textContent = formatQty(trade.qty);
    const price = document.createElement('span');
    price.className = 'mb-num';
    price.textContent = `@ ${formatPrice(trade.price)}`;
    row.append(side, qty, price);
    if (trade.pnl !== undefined) {
      const pnl = formatPnl(trade.pnl);
      const p = document.createElement('span');
      p.className = pnl.tone ? `mb-num mb-tone-${pnl.tone}` : 'mb-num';
      p.textContent = pnl.text;
      row.append(p);
    }
    if (trade.text) {
      const note = document.createElement('span');
      note.className = 'mb-chart-tip-note';
      note.textContent = trade.text;
      row.append(note);
    }
    return row;
  });
  if (group.length > 8) {
    const more = document.createElement('div');
    more.className = 'mb-chart-tip-more';
    const total = group.reduce((sum, t) => sum + (t.pnl ?? 0), 0);
    more.textContent = `+${group.length - 8} more · total P&L ${formatMoney(total, { signed: true })}`;
    rows.push(more);
  }
  return [head, ...rows];
}
