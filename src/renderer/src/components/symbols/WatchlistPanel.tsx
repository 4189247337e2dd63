// The watchlist, compact: each symbol's last price and day change, kept current by polling; add from the search,
// remove, move up and down. The order is the trader's and is stored.
import type { WatchItem } from '../../../../shared/domain/symbols';
import { formatPnlPercent, formatPrice, MISSING } from '../chart/format';
import { SymbolSearch } from './SymbolSearch';
import { useWatchlist } from './use-watchlist';
import './symbols.css';

export function WatchlistPanel() {
  const watchlist = useWatchlist();
  const { items } = watchlist;
  return (
    <section className="watchlist" aria-label="Watchlist">
      <h3>Watchlist</h3>
      <SymbolSearch label="Add to watchlist" onPick={(hit) => void watchlist.add(hit.source, hit.symbol)} />
      {watchlist.error !== null && <div className="mb-field-error">{watchlist.error}</div>}
      {items.length === 0 ? (
        <p className="muted small">Nothing watched yet: find a symbol above.</p>
      ) : (
        <table className="watch-table">
          <thead>
            <tr>
              <th scope="col">Symbol</th>
              <th scope="col" className="num">
                Last
              </th>
              <th scope="col" className="num">
                Day
              </th>
              <th scope="col" className="num">
                Day %
              </th>
              <th scope="col">
                <span className="mb-visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item, i) => (
              <WatchRow
                key={`${item.source}:${item.symbol}`}
                item={item}
                first={i === 0}
                last={i === items.length - 1}
                onUp={() => void watchlist.move(i, -1)}
                onDown={() => void watchlist.move(i, 1)}
                onRemove={() => void watchlist.remove(item.source, item.symbol)}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function WatchRow(props: {
  readonly item: WatchItem;
  readonly first: boolean;
  readonly last: boolean;
  readonly onUp: () => void;
  readonly onDown: () => void;
  readonly onRemove: () => void;
}) {
  const { item } = props;
  const pct = formatPnlPercent(item.changePct === null ? null : item.changePct / 100);
  // In the price's own decimals (a 62-cent move on a $9 stock reads 0.62, not 0.6200).
  const decimals = item.last !== null && Math.abs(item.last) < 1 ? 4 : 2;
  const change =
    item.change === null
      ? MISSING
      : `${item.change > 0 ? '+' : item.change < 0 ? '-' : ''}${formatPrice(Math.abs(item.change), decimals)}`;
  const tone = pct.tone === undefined ? '' : `tone-${pct.tone}`;
  return (
    <tr data-symbol={item.symbol} title={item.problem ?? item.name}>
      <th scope="row">
        <span className="watch-symbol">{item.symbol}</span>
        <span className={`hint src-${item.source}`}>{item.source === 'synthetic' ? 'SYN' : 'ALP'}</span>
      </th>
      <td className="num" data-col="last">
        {formatPrice(item.last)}
      </td>
      <td className={`num ${tone}`} data-col="change">
        {change}
      </td>
      <td className={`num ${tone}`} data-col="change-pct">
        {pct.text}
      </td>
      <td className="watch-actions">
        <button
          type="button"
          aria-label={`Move ${item.symbol} up`}
          disabled={props.first}
          onClick={props.onUp}
        >
          ↑
        </button>
        <button
          type="button"
          aria-label={`Move ${item.symbol} down`}
          disabled={props.last}
          onClick={props.onDown}
        >
          ↓
        </button>
        <button type="button" aria-label={`Remove ${item.symbol}`} onClick={props.onRemove}>
          ×
        </button>
      </td>
    </tr>
  );
}
