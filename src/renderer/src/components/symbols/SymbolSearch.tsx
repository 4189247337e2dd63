// A search box for symbols by ticker or name, best match first, each hit with its tradable / shortable /
// fractionable hints; Enter or a click picks the highlighted hit.
import { useContext, useEffect, useId, useState } from 'react';
import type { AlpacaAssetsState, SymbolInfo, SymbolSource } from '../../../../shared/domain/symbols';
import { ApiContext } from '../../api/context';
import './symbols.css';

const DEBOUNCE_MS = 120;

export function SymbolSearch(props: {
  /** Only this source's symbols (a synthetic session picks synthetic tickers only). */
  readonly source?: SymbolSource;
  readonly label?: string;
  readonly placeholder?: string;
  readonly onPick: (symbol: SymbolInfo) => void;
}) {
  const { source, onPick } = props;
  const api = useContext(ApiContext);
  const listId = useId();
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<readonly SymbolInfo[]>([]);
  const [alpaca, setAlpaca] = useState<AlpacaAssetsState | null>(null);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [refreshing, setRefreshing] = useState(false);

  useEffect(() => {
    if (api === null || query.trim() === '') {
      setHits([]);
      return;
    }
    let live = true;
    const timer = setTimeout(async () => {
      const result = await api.call('symbols:search', { query, limit: 12, ...(source && { source }) });
      if (!live) return;
      if (result.ok) {
        setHits(result.value.symbols);
        setAlpaca(result.value.alpaca);
        setActive(0);
        setError(null);
      } else setError(result.error.message);
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, query, source]);

  if (api === null) return null;

  const pick = (hit: SymbolInfo | undefined) => {
    if (hit === undefined) return;
    onPick(hit);
    setQuery('');
    setHits([]);
  };
  const refresh = async () => {
    setRefreshing(true);
    const result = await api.call('symbols:refresh', {});
    setRefreshing(false);
    if (result.ok) setAlpaca(result.value);
    else setError(result.error.message);
  };
  const open = hits.length > 0;

  return (
    <div className="symbol-search">
      <input
        type="search"
        role="combobox"
        aria-label={props.label ?? 'Find a symbol'}
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open ? `${listId}-${active}` : undefined}
        placeholder={props.placeholder ?? 'Find a symbol: ticker or name'}
        autoComplete="off"
        spellCheck={false}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && open) {
            e.preventDefault();
            setActive((a) => Math.min(hits.length - 1, a + 1));
          } else if (e.key === 'ArrowUp' && open) {
            e.preventDefault();
            setActive((a) => Math.max(0, a - 1));
          } else if (e.key === 'Enter' && open) {
            e.preventDefault();
            pick(hits[active]);
          } else if (e.key === 'Escape') setQuery('');
        }}
      />
      {open && (
        <div className="symbol-hits" role="listbox" id={listId} aria-label="Search results">
          {hits.map((hit, i) => (
            <div
              key={`${hit.source}:${hit.symbol}`}
              id={`${listId}-${i}`}
              role="option"
              tabIndex={-1}
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => {
                // Before the input's blur, so the click lands.
                e.preventDefault();
                pick(hit);
              }}
            >
              <span className="hit-symbol">{hit.symbol}</span>
              <span className="hit-name" title={hit.name}>
                {hit.name}
              </span>
              <SymbolHints symbol={hit} />
            </div>
          ))}
        </div>
      )}
      {query.trim() !== '' && !open && error === null && (
        <div className="symbol-search-note muted small">No symbol matches “{query.trim()}”.</div>
      )}
      {error !== null && <div className="mb-field-error">{error}</div>}
      {source !== 'synthetic' && alpaca !== null && (
        <div className="symbol-search-note muted small">
          {alpacaNote(alpaca)}
          {alpaca.state !== 'no-keys' && (
            <button type="button" className="link" disabled={refreshing} onClick={() => void refresh()}>
              {refreshing ? 'Refreshing…' : 'Refresh'}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** The hints a trader checks before picking: can it be traded, shorted, bought in fractions; where it comes from. */
export function SymbolHints({ symbol }: { readonly symbol: SymbolInfo }) {
  return (
    <span className="symbol-hints">
      <span className={`hint src-${symbol.source}`}>
        {symbol.source === 'synthetic' ? 'Synthetic' : 'Alpaca'}
      </span>
      {symbol.tradable ? (
        <span className="hint ok">tradable</span>
      ) : (
        <span className="hint bad">not tradable</span>
      )}
      {symbol.tradable &&
        (symbol.shortable ? (
          <span className="hint ok">shortable</span>
        ) : (
          <span className="hint warn">no shorts</span>
        ))}
      {symbol.fractionable && <span className="hint">fractional</span>}
    </span>
  );
}

function alpacaNote(state: AlpacaAssetsState): string {
  const when =
    state.refreshedAt === null ? '' : `, fetched ${new Date(state.refreshedAt).toLocaleString('en-US')}`;
  if (state.state === 'no-keys') return 'Alpaca assets: save paper keys in Settings to search them.';
  if (state.state === 'error') return `Alpaca assets could not be fetched: ${state.error}${when}. `;
  if (state.state === 'empty') return 'Alpaca assets: not fetched yet. ';
  return `Alpaca: ${state.count.toLocaleString('en-US')} assets${when}. `;
}
