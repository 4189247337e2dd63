// The error types for bad input files, so that every caller (CSV import, feeds, the API) can show where it is.

/**
 * A file the user named that cannot be used: missing, not a regular file, too big, not text, or bad content. It is
 * the user's input, not our failure: the API answers it as a bad request with this message.
 */
export class DataFileError extends Error {
  override name = 'DataFileError';
}

/** Bad bar data: says which file, which line (1-based, the header is line 1) and which field, when known. */
export class BarDataError extends DataFileError {
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

/** A cell of the user's file as an error may quote it: short, so a message never carries a whole line of a file. */
export function quoteCell(text: string, max = 24): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
