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
