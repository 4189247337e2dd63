// Checkboxes for choosing symbols out of a known list (the synthetic market's tickers), kept in the order picked,
// with the symbol finder (search by name, the watchlist) below.
import { SymbolFinder } from '../symbols/SymbolFinder';

export function SymbolPicks(props: {
  readonly choices: readonly string[];
  readonly picked: readonly string[];
  readonly onChange: (symbols: string[]) => void;
}) {
  const { choices, picked, onChange } = props;
  return (
    <>
      <fieldset className="symbol-picks" aria-label="Symbols">
        {choices.map((s) => (
          <label key={s} className="pick">
            <input
              type="checkbox"
              checked={picked.includes(s)}
              onChange={(e) => onChange(e.target.checked ? [...picked, s] : picked.filter((x) => x !== s))}
            />
            {s}
          </label>
        ))}
      </fieldset>
      <SymbolFinder
        source="synthetic"
        picked={picked}
        onAdd={(symbol) => {
          if (choices.includes(symbol)) onChange([...picked, symbol]);
        }}
      />
    </>
  );
}
