// Symbols as traders type them into a field.

/** `spy, nosh msft` → `['SPY', 'NOSH', 'MSFT']`: commas or spaces between symbols, duplicates dropped. */
export function parseSymbols(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((s) => s.trim().toUpperCase())
        .filter((s) => s !== ''),
    ),
  ];
}

/** The field's symbols with `symbol` added at the end (once), written back as the field shows them. */
export function withSymbol(text: string, symbol: string): string {
  const symbols = parseSymbols(text);
  return (symbols.includes(symbol) ? symbols : [...symbols, symbol]).join(', ');
}
