// A session's price lines: kept in main (SQLite), listed under the chart's head for the shown symbol with their
// price, alert and a Delete button; placed by clicking the chart with the tool on, moved by dragging them.
import { useCallback, useEffect, useState } from 'react';
import type { PriceLine } from '../../../../shared/domain/chart-tools';
import { useApi } from '../../api/context';
import { formatPrice } from '../../components/chart/format';

export interface SessionPriceLines {
  readonly lines: readonly PriceLine[];
  readonly error: string | null;
  add(symbol: string, price: number): void;
  update(lineId: number, change: { price?: number; alert?: boolean }): void;
  remove(lineId: number): void;
}

/** The session's lines, read when it is shown and after each change. */
export function useSessionPriceLines(sessionId: string): SessionPriceLines {
  const api = useApi();
  const [lines, setLines] = useState<readonly PriceLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    const result = await api.call('session:price-lines', { sessionId });
    if (result.ok) setLines(result.value);
    else setError(result.error.message);
  }, [api, sessionId]);
  useEffect(() => {
    setLines([]);
    void reload();
  }, [reload]);
  const after = useCallback(
    async (call: Promise<{ ok: boolean; error?: { message: string } }>) => {
      const result = await call;
      setError(result.ok ? null : (result.error?.message ?? 'the change was refused'));
      await reload();
    },
    [reload],
  );
  return {
    lines,
    error,
    // A new line alerts by default: a line on a live chart is usually a level to be told about.
    add: (symbol, price) =>
      void after(api.call('session:price-line-add', { sessionId, line: { symbol, price, alert: true } })),
    update: (lineId, change) =>
      void after(api.call('session:price-line-update', { sessionId, lineId, change })),
    remove: (lineId) => void after(api.call('session:price-line-delete', { sessionId, lineId })),
  };
}

/** The price lines of `symbol`, each editable in place. */
export function PriceLinesBar({
  symbol,
  priceLines,
  placing,
  onPlacing,
}: {
  symbol: string;
  priceLines: SessionPriceLines;
  placing: boolean;
  onPlacing: (on: boolean) => void;
}) {
  const shown = priceLines.lines.filter((l) => l.symbol === symbol);
  return (
    <fieldset className="mb-lines" aria-label={`Price lines on ${symbol}`}>
      <button
        type="button"
        className={placing ? 'chip active' : 'chip'}
        aria-pressed={placing}
        onClick={() => onPlacing(!placing)}
        title="Click the chart to place a horizontal line there, with an alert when a bar closes across it (Alt+H)"
      >
        {placing ? 'Click the chart…' : '+ Price line'}
      </button>
      {shown.map((line) => (
        <PriceLineRow key={line.id} line={line} priceLines={priceLines} />
      ))}
      {priceLines.error && (
        <span className="error" role="alert">
          {priceLines.error}
        </span>
      )}
    </fieldset>
  );
}

function PriceLineRow({ line, priceLines }: { line: PriceLine; priceLines: SessionPriceLines }) {
  const [text, setText] = useState(String(line.price));
  useEffect(() => setText(String(line.price)), [line.price]);
  const commit = () => {
    const price = Number(text);
    if (text.trim() !== '' && Number.isFinite(price) && price !== line.price)
      priceLines.update(line.id, { price });
    else if (!Number.isFinite(price) || price <= 0) setText(String(line.price));
  };
  const name = `line at ${formatPrice(line.price)}`;
  return (
    <span className="mb-line" data-line-id={line.id}>
      <input
        type="number"
        className="mb-num"
        step="0.01"
        min="0.0001"
        aria-label={`Price of the ${name}`}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
      <label title="Alert when a bar closes across this line">
        <input
          type="checkbox"
          checked={line.alert}
          aria-label={`Alert on the ${name}`}
          onChange={(e) => priceLines.update(line.id, { alert: e.target.checked })}
        />{' '}
        Alert
      </label>
      <button
        type="button"
        className="link"
        aria-label={`Delete the ${name}`}
        onClick={() => priceLines.remove(line.id)}
      >
        ✕
      </button>
    </span>
  );
}
