// The manual order ticket on a running (or paused) session's page: symbol, side, market/limit/stop, a quantity or a
// risk-based size (position-size calculator, its arithmetic shown before sending), and replacing a working order.
// Orders go to `session:order`: the risk gateway reviews them at the next bar like a strategy's, the ledger marks
// them manual, and a denial comes back as an alert the ticket shows with its reason.
import { useEffect, useMemo, useState } from 'react';
import {
  MANUAL_DENIAL,
  type ManualOrder,
  positionSize,
  type SizingResult,
  spendableFor,
} from '../../../../shared/domain/manual-order';
import type { OrderRow, SessionSnapshot } from '../../../../shared/domain/session';
import { useApi } from '../../api/context';
import { formatPrice, formatQty } from '../../components/chart/format';
import './ticket.css';

type OrderType = ManualOrder['type'];

/** Where a sent order stands: the ids and alerts there were before it, so its own outcome can be picked out. */
interface Sent {
  readonly symbol: string;
  readonly orderIds: ReadonlySet<string>;
  readonly lastAlertId: number;
}

const num = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));

function lastPrice(snapshot: SessionSnapshot, symbol: string): number | undefined {
  const held = snapshot.positions.find((p) => p.symbol === symbol);
  if (held !== undefined && held.lastPrice > 0) return held.lastPrice;
  const close = snapshot.bars[symbol]?.close;
  return close !== undefined && close.length > 0 ? close[close.length - 1] : undefined;
}

/** The outcome of the last ticket order: its order row, or the risk gateway's denial. */
function outcome(snapshot: SessionSnapshot, sent: Sent): string | null {
  // Newest first: the oldest new manual entry or exit is the one sent (its bracket legs come after it).
  const order = snapshot.orders.findLast(
    (o) => o.manual === true && !sent.orderIds.has(o.id) && (o.role === 'entry' || o.role === 'exit'),
  );
  if (order !== undefined) {
    return `Sent: ${order.side} ${formatQty(order.qty)} ${order.symbol} ${order.type} — ${order.status.replaceAll('_', ' ')}${order.statusReason ? ` (${order.statusReason})` : ''}`;
  }
  for (const alert of snapshot.alerts) {
    if (alert.id <= sent.lastAlertId || alert.kind !== 'order-denied') continue;
    const match = MANUAL_DENIAL.exec(alert.message);
    if (match?.[1] === sent.symbol) return `Denied by the risk gateway: ${match[2]}`;
  }
  return 'Queued for the next bar…';
}

export function OrderTicket({
  snapshot,
  replacing,
  onReplaced,
}: {
  snapshot: SessionSnapshot;
  /** A working order the user chose to replace from the orders table. */
  replacing: OrderRow | null;
  onReplaced: () => void;
}) {
  const api = useApi();
  const { session } = snapshot;
  const symbols = session.symbols;
  const [symbol, setSymbol] = useState(symbols[0] ?? '');
  const [side, setSide] = useState<'buy' | 'sell'>('buy');
  const [type, setType] = useState<OrderType>('market');
  const [limitText, setLimitText] = useState('');
  const [stopText, setStopText] = useState('');
  const [sizeMode, setSizeMode] = useState<'qty' | 'risk'>('qty');
  const [qtyText, setQtyText] = useState('10');
  const [riskKind, setRiskKind] = useState<'percent' | 'dollars'>('percent');
  const [riskText, setRiskText] = useState('1');
  const [entryText, setEntryText] = useState('');
  const [riskStopText, setRiskStopText] = useState('');
  const [sent, setSent] = useState<Sent | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const last = lastPrice(snapshot, symbol);
  // Entry defaults to the order's own price, else the last price.
  const orderPrice = type === 'limit' ? num(limitText) : type === 'stop' ? num(stopText) : Number.NaN;
  const entry =
    entryText.trim() !== ''
      ? num(entryText)
      : Number.isFinite(orderPrice)
        ? orderPrice
        : (last ?? Number.NaN);
  const sizing: SizingResult | null =
    sizeMode === 'risk'
      ? positionSize({
          side,
          risk:
            riskKind === 'percent'
              ? { kind: 'percent', percent: num(riskText) }
              : { kind: 'dollars', dollars: num(riskText) },
          equity: snapshot.equity,
          entry,
          stop: num(riskStopText),
          // A margin account's cap is its buying power, not its cash.
          ...spendableFor(session.config, snapshot),
        })
      : null;
  const qty = sizeMode === 'qty' ? num(qtyText) : sizing?.ok ? sizing.shares : Number.NaN;

  const problem = useMemo((): string | null => {
    if (!symbols.includes(symbol)) return 'choose a symbol';
    if (type === 'limit' && !(num(limitText) > 0)) return 'limit price must be above 0';
    if (type === 'stop' && !(num(stopText) > 0)) return 'stop price must be above 0';
    if (sizing !== null && !sizing.ok) return sizing.problem;
    if (!(qty > 0)) return 'quantity must be above 0';
    return null;
  }, [symbols, symbol, type, limitText, stopText, sizing, qty]);

  // A replace chosen in the orders table prefills the ticket's quantity and price.
  useEffect(() => {
    if (replacing === null) return;
    setQtyText(String(replacing.qty - replacing.filledQty));
    setLimitText(replacing.limitPrice === null ? '' : String(replacing.limitPrice));
    setStopText(replacing.stopPrice === null ? '' : String(replacing.stopPrice));
    setError(null);
  }, [replacing]);

  const send = async (): Promise<void> => {
    if (problem !== null) return;
    const order: ManualOrder = {
      symbol,
      side,
      type,
      qty,
      ...(type === 'limit' && { limitPrice: num(limitText) }),
      ...(type === 'stop' && { stopPrice: num(stopText) }),
    };
    setBusy(true);
    const before: Sent = {
      symbol,
      orderIds: new Set(snapshot.orders.map((o) => o.id)),
      lastAlertId: Math.max(0, ...snapshot.alerts.map((a) => a.id)),
    };
    const result = await api.call('session:order', { sessionId: session.id, order });
    setBusy(false);
    if (!result.ok) {
      setError(`Could not send the order: ${result.error.message}`);
      return;
    }
    setError(null);
    setSent(before);
  };

  const replace = async (order: OrderRow): Promise<void> => {
    const newQty = num(qtyText);
    const change = {
      ...(newQty > 0 && newQty !== order.qty - order.filledQty && { qty: newQty }),
      ...(order.type === 'limit' && num(limitText) !== order.limitPrice && { limitPrice: num(limitText) }),
      ...(order.type === 'stop' && num(stopText) !== order.stopPrice && { stopPrice: num(stopText) }),
    };
    setBusy(true);
    const before: Sent = {
      symbol: order.symbol,
      orderIds: new Set(snapshot.orders.map((o) => o.id)),
      lastAlertId: Math.max(0, ...snapshot.alerts.map((a) => a.id)),
    };
    const result = await api.call('session:replace-order', {
      sessionId: session.id,
      orderId: order.id,
      change,
    });
    setBusy(false);
    if (!result.ok) {
      setError(`Could not replace ${order.id}: ${result.error.message}`);
      return;
    }
    setError(null);
    setSent(before);
    onReplaced();
  };

  if (replacing !== null) {
    return (
      <section className="tk-ticket" aria-label="Replace order" data-testid="order-ticket">
        <h3>
          Replace {replacing.side} {replacing.type} {replacing.symbol}{' '}
          <span className="muted">{replacing.id}</span>
        </h3>
        <div className="tk-row">
          <DecimalField label="Qty" value={qtyText} onChange={setQtyText} />
          {replacing.type === 'limit' && (
            <DecimalField label="Limit price" value={limitText} onChange={setLimitText} />
          )}
          {replacing.type === 'stop' && (
            <DecimalField label="Stop price" value={stopText} onChange={setStopText} />
          )}
          <button
            type="button"
            className="mb-btn mb-btn-primary"
            disabled={busy}
            onClick={() => void replace(replacing)}
          >
            Replace
          </button>
          <button type="button" className="mb-btn" onClick={onReplaced}>
            Keep it
          </button>
        </div>
        <p className="muted tk-note">
          Replace cancels the working order, then sends a new manual order with the changed quantity or price
          at the next bar (on Alpaca too: cancel, then new).
        </p>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
      </section>
    );
  }

  return (
    <section className="tk-ticket" aria-label="Order ticket" data-testid="order-ticket">
      <h3>Order ticket</h3>
      <div className="tk-row">
        <label>
          Symbol
          <select value={symbol} onChange={(e) => setSymbol(e.target.value)} aria-label="Ticket symbol">
            {symbols.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <fieldset className="tk-sides" aria-label="Side">
          {(['buy', 'sell'] as const).map((s) => (
            <button
              key={s}
              type="button"
              aria-pressed={side === s}
              className={`mb-btn tk-side tk-${s}${side === s ? ' tk-on' : ''}`}
              onClick={() => setSide(s)}
            >
              {s === 'buy' ? 'Buy' : 'Sell'}
            </button>
          ))}
        </fieldset>
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.target.value as OrderType)} aria-label="Order type">
            <option value="market">Market</option>
            <option value="limit">Limit</option>
            <option value="stop">Stop</option>
          </select>
        </label>
        {type === 'limit' && <DecimalField label="Limit price" value={limitText} onChange={setLimitText} />}
        {type === 'stop' && <DecimalField label="Stop price" value={stopText} onChange={setStopText} />}
        <span className="muted tk-last">
          Last <span className="mb-num">{formatPrice(last)}</span>
        </span>
      </div>
      <div className="tk-row">
        <fieldset className="tk-sides" aria-label="Size by">
          <button
            type="button"
            aria-pressed={sizeMode === 'qty'}
            className={`mb-btn${sizeMode === 'qty' ? ' tk-on' : ''}`}
            onClick={() => setSizeMode('qty')}
          >
            Quantity
          </button>
          <button
            type="button"
            aria-pressed={sizeMode === 'risk'}
            className={`mb-btn${sizeMode === 'risk' ? ' tk-on' : ''}`}
            onClick={() => setSizeMode('risk')}
          >
            Risk
          </button>
        </fieldset>
        {sizeMode === 'qty' ? (
          <DecimalField label="Qty" value={qtyText} onChange={setQtyText} />
        ) : (
          <>
            <DecimalField label="Risk" value={riskText} onChange={setRiskText} />
            <select
              value={riskKind}
              onChange={(e) => setRiskKind(e.target.value as 'percent' | 'dollars')}
              aria-label="Risk as"
            >
              <option value="percent">% of equity</option>
              <option value="dollars">$</option>
            </select>
            <DecimalField
              label="Entry"
              value={entryText}
              onChange={setEntryText}
              placeholder={Number.isFinite(entry) ? String(entry) : ''}
            />
            <DecimalField label="Stop" value={riskStopText} onChange={setRiskStopText} />
          </>
        )}
        <button
          type="button"
          className={`mb-btn mb-btn-primary tk-send tk-${side}`}
          disabled={busy || problem !== null}
          onClick={() => void send()}
          data-testid="ticket-send"
        >
          {side === 'buy' ? 'Buy' : 'Sell'} {qty > 0 ? formatQty(qty) : ''} {symbol}
        </button>
      </div>
      {sizing?.ok && (
        <p className="tk-words" data-testid="ticket-sizing">
          {sizing.words}
        </p>
      )}
      {problem !== null && (
        <p className="tk-problem" data-testid="ticket-problem">
          {problem}
        </p>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {sent !== null && (
        <p className="tk-outcome" data-testid="ticket-outcome" role="status">
          {outcome(snapshot, sent)}
        </p>
      )}
    </section>
  );
}

/** A price or quantity typed as text (so "1." can be typed on the way to "1.5"); the ticket parses it. */
function DecimalField({
  label,
  value,
  onChange,
  placeholder,
}: {
  readonly label: string;
  readonly value: string;
  readonly onChange: (text: string) => void;
  readonly placeholder?: string;
}) {
  return (
    <label>
      {label}
      <input
        className="mb-num"
        inputMode="decimal"
        value={value}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}
