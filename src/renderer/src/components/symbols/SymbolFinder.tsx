// The one way a form adds a symbol: search by ticker or name, or one click on a watched symbol of the same market.
import type { SymbolSource } from '../../../../shared/domain/symbols';
import { SymbolSearch } from './SymbolSearch';
import { useWatchlist } from './use-watchlist';
import './symbols.css';

export function SymbolFinder(props: {
  readonly source: SymbolSource;
  readonly picked: readonly string[];
  readonly onAdd: (symbol: string) => void;
}) {
  const { source, picked, onAdd } = props;
  const watchlist = useWatchlist(0);
  const watched = watchlist.items.filter((w) => w.source === source && !picked.includes(w.symbol));
  const add = (symbol: string) => {
    if (!picked.includes(symbol)) onAdd(symbol);
  };
  return (
    <div className="symbol-finder">
      <SymbolSearch source={source} onPick={(hit) => add(hit.symbol)} />
      {watched.length > 0 && (
        <fieldset className="symbol-quick" aria-label="From the watchlist">
          <span className="muted small">Watchlist:</span>
          {watched.map((w) => (
            <button key={w.symbol} type="button" title={w.name} onClick={() => add(w.symbol)}>
              + {w.symbol}
            </button>
          ))}
        </fieldset>
      )}
    </div>
  );
}
