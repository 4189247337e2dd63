// The one CSV tokenizer (price files and trade plans): RFC 4180 quotes with `""` escapes, CRLF, LF or CR line ends,
// blank lines skipped, physical line numbers kept for errors. It records field offsets only, so a million-row file
// is split without a string per field; text is read when a field is parsed.

export const COMMA = 44;
export const SEMICOLON = 59;
export const TAB = 9;
export const SPACE = 32;
export const QUOTE = 34;
export const LF = 10;
export const CR = 13;

/** Splits the text into rows of fields, recording offsets only; text is read when a field is parsed. */
export class CsvScanner {
  position: number;
  /** Physical line (1-based) where the last row read starts. */
  rowLine = 0;
  private line = 1;
  private starts = new Int32Array(32);
  private ends = new Int32Array(32);
  /** 0 plain, 1 quoted, 2 quoted with `""` escapes inside. */
  private quoting = new Uint8Array(32);

  constructor(
    readonly text: string,
    private readonly delimiter: number,
    start: number,
    /** The error for a quoted field that is never closed, at the line where its row starts. */
    private readonly unclosedQuote: (line: number) => Error,
  ) {
    this.position = start;
  }

  /** Reads the next non-blank row; returns its field count, or -1 at the end of the text. */
  readRow(): number {
    const text = this.text;
    const length = text.length;
    const delimiter = this.delimiter;
    let pos = this.position;
    for (;;) {
      let p = pos;
      while (p < length) {
        const c = text.charCodeAt(p);
        if (c !== SPACE && c !== TAB) break;
        p++;
      }
      if (p >= length) {
        this.position = length;
        return -1;
      }
      const c = text.charCodeAt(p);
      if (c !== CR && c !== LF) break;
      pos = c === CR && text.charCodeAt(p + 1) === LF ? p + 2 : p + 1;
      this.line++;
    }
    this.rowLine = this.line;
    let count = 0;
    for (;;) {
      if (count === this.starts.length) this.growFields();
      let p = pos;
      while (p < length && text.charCodeAt(p) === SPACE) p++;
      if (p < length && text.charCodeAt(p) === QUOTE) {
        const open = p + 1;
        let close = open;
        let escaped = false;
        for (;;) {
          close = text.indexOf('"', close);
          if (close < 0) {
            throw this.unclosedQuote(this.rowLine);
          }
          if (text.charCodeAt(close + 1) === QUOTE) {
            escaped = true;
            close += 2;
          } else {
            break;
          }
        }
        for (let at = text.indexOf('\n', open); at >= 0 && at < close; at = text.indexOf('\n', at + 1))
          this.line++;
        this.starts[count] = open;
        this.ends[count] = close;
        this.quoting[count] = escaped ? 2 : 1;
        p = close + 1;
        while (p < length) {
          const c = text.charCodeAt(p);
          if (c === delimiter || c === LF || c === CR) break;
          p++;
        }
      } else {
        while (p < length) {
          const c = text.charCodeAt(p);
          if (c === delimiter || c === LF || c === CR) break;
          p++;
        }
        this.starts[count] = pos;
        this.ends[count] = p;
        this.quoting[count] = 0;
      }
      count++;
      if (p >= length) {
        pos = p;
        break;
      }
      const c = text.charCodeAt(p);
      if (c === delimiter) {
        pos = p + 1;
        continue;
      }
      pos = c === CR && text.charCodeAt(p + 1) === LF ? p + 2 : p + 1;
      this.line++;
      break;
    }
    this.position = pos;
    return count;
  }

  start(field: number): number {
    return this.starts[field]!;
  }

  end(field: number): number {
    return this.ends[field]!;
  }

  /** The field's text, unquoted and trimmed (for headers and error messages). */
  fieldText(field: number): string {
    const raw = this.text.slice(this.starts[field]!, this.ends[field]!);
    return (this.quoting[field] === 2 ? raw.replaceAll('""', '"') : raw).trim();
  }

  looksLikeTimeOfDay(field: number): boolean {
    return /^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(this.fieldText(field));
  }

  private growFields(): void {
    const size = this.starts.length * 2;
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    const quoting = new Uint8Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    quoting.set(this.quoting);
    this.starts = starts;
    this.ends = ends;
    this.quoting = quoting;
  }
}

/**
 * The delimiter (comma, semicolon or tab) that the first line from `start` uses most; with `skipComments`, the first
 * line that is neither blank nor a `#` comment.
 */
export function detectDelimiter(text: string, start: number, skipComments = false): number {
  let from = start;
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  if (skipComments) {
    const line =
      text
        .slice(start)
        .split(/\r\n|\n|\r/)
        .find((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) ?? '';
    from = text.indexOf(line, start);
    end = from + line.length;
  }
  let commas = 0;
  let semicolons = 0;
  let tabs = 0;
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === COMMA) commas++;
    else if (c === SEMICOLON) semicolons++;
    else if (c === TAB) tabs++;
  }
  if (semicolons > commas && semicolons >= tabs) return SEMICOLON;
  if (tabs > commas && tabs > semicolons) return TAB;
  return COMMA;
}

export function countLineBreaks(text: string, from: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  return count;
}
