// The one error type for bad bar data, so that every caller (CSV import, feeds, the API) can show where it is.

/** Bad bar data: says which file, which line (1-based, the header is line 1) and which field, when known. */
export class BarDataError extends Error {
  override readonly name = 'BarDataError';

  constructor(
    /** The file or source name, as shown to the user (a base name for files). */
    readonly file: string,
    readonly line: number | undefined,
    /** Canonical field: time, open, high, low, close, volume, adj close; undefined for file-level problems. */
    readonly field: string | undefined,
    /** What is wrong, without the location, e.g. `99.5 is below max(open 100, close 101)`. */
    readonly detail: string,
  ) {
    super(formatLocation(file, line, field) + detail);
  }
}

export function formatLocation(file: string, line: number | undefined, field: string | undefined): string {
  const where = line === undefined ? file : `${file} line ${line}`;
  return field === undefined ? `${where}: ` : `${where}, field ${field}: `;
}
