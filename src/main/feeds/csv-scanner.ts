// The one CSV tokenizer (price files and trade plans), on bytes: RFC 4180 quotes with `""` escapes, CRLF, LF or CR
// line ends, blank lines skipped, physical line numbers kept for errors. It records field offsets only, so a
// million-row file is split without a string per field; a field becomes text only when a header or an error needs
// it. It reads a window of the input: a file streams through it (see CsvByteReader), text fits in one window.

export const COMMA = 44;
export const SEMICOLON = 59;
export const TAB = 9;
export const SPACE = 32;
export const QUOTE = 34;
export const LF = 10;
export const CR = 13;

/** readRow's answer when the window ends inside a row and more input is coming: refill, then read again. */
export const NEED_MORE = -2;

const utf8 = new TextDecoder();

/** Splits a window of bytes into rows of fields, recording offsets only. */
export class CsvScanner {
  /** The window: bytes[0, length) are input; more follows unless `final`. */
  bytes: Uint8Array;
  length: number;
  final: boolean;
  /** Where the next row starts in the window. */
  position: number;
  /** Physical line (1-based) where the last row read starts. */
  rowLine = 0;
  private line = 1;
  private starts = new Int32Array(32);
  private ends = new Int32Array(32);
  /** 0 plain, 1 quoted, 2 quoted with `""` escapes inside. */
  private quoting = new Uint8Array(32);

  /**
   * Over text (trade plans, tests): one final window, `start` a character offset (e.g. 1 after a BOM). Over bytes:
   * the window bytes[0, length) with `start` a byte offset, and `final` false while more input is coming.
   */
  constructor(
    input: string | Uint8Array,
    private readonly delimiter: number,
    start: number,
    /** The error for a quoted field that is never closed, at the line where its row starts. */
    private readonly unclosedQuote: (line: number) => Error,
    window?: { readonly length: number; readonly final: boolean },
  ) {
    if (typeof input === 'string') {
      this.bytes = Buffer.from(input, 'utf8');
      this.position = start === 0 ? 0 : Buffer.byteLength(input.slice(0, start), 'utf8');
    } else {
      this.bytes = input;
      this.position = start;
    }
    this.length = window?.length ?? this.bytes.length;
    this.final = window?.final ?? true;
  }

  /**
   * Reads the next non-blank row; returns its field count, -1 at the end of the input, or NEED_MORE when the window
   * ends before the row does (nothing of the row is consumed then).
   */
  readRow(): number {
    const bytes = this.bytes;
    const length = this.length;
    const delimiter = this.delimiter;
    let pos = this.position;
    for (;;) {
      let p = pos;
      while (p < length && (bytes[p] === SPACE || bytes[p] === TAB)) p++;
      if (p >= length) {
        if (!this.final) return this.needMore(pos);
        this.position = length;
        return -1;
      }
      const c = bytes[p]!;
      if (c !== CR && c !== LF) break;
      if (c === CR && p + 1 >= length && !this.final) return this.needMore(pos);
      pos = c === CR && bytes[p + 1] === LF ? p + 2 : p + 1;
      this.line++;
      this.position = pos;
    }
    const rowStart = pos;
    const lineAtStart = this.line;
    let count = 0;
    for (;;) {
      if (count === this.starts.length) this.growFields();
      let p = pos;
      while (p < length && bytes[p] === SPACE) p++;
      if (p < length && bytes[p] === QUOTE) {
        const open = p + 1;
        let close = open;
        let escaped = false;
        for (;;) {
          close = bytes.indexOf(QUOTE, close);
          if (close < 0 || (close + 1 >= length && !this.final)) {
            if (!this.final) return this.restart(rowStart, lineAtStart);
            throw this.unclosedQuote(lineAtStart);
          }
          if (bytes[close + 1] === QUOTE) {
            escaped = true;
            close += 2;
          } else {
            break;
          }
        }
        // Line breaks inside quotes are lines of the file too (LF, CRLF or a lone CR).
        for (let at = open; at < close; at++) {
          const b = bytes[at];
          if (b === LF || (b === CR && bytes[at + 1] !== LF)) this.line++;
        }
        this.starts[count] = open;
        this.ends[count] = close;
        this.quoting[count] = escaped ? 2 : 1;
        p = close + 1;
      } else {
        p = pos;
        this.quoting[count] = 0;
      }
      const fieldStart = p;
      while (p < length) {
        const c = bytes[p];
        if (c === delimiter || c === LF || c === CR) break;
        p++;
      }
      if (this.quoting[count] === 0) {
        this.starts[count] = fieldStart;
        this.ends[count] = p;
      }
      count++;
      if (p >= length || (bytes[p] === CR && p + 1 >= length)) {
        if (!this.final) return this.restart(rowStart, lineAtStart);
        if (p >= length) {
          pos = p;
          break;
        }
      }
      const c = bytes[p];
      if (c === delimiter) {
        pos = p + 1;
        continue;
      }
      pos = c === CR && bytes[p + 1] === LF ? p + 2 : p + 1;
      this.line++;
      break;
    }
    this.rowLine = lineAtStart;
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
    const raw = utf8.decode(this.bytes.subarray(this.starts[field]!, this.ends[field]!));
    return (this.quoting[field] === 2 ? raw.replaceAll('""', '"') : raw).trim();
  }

  looksLikeTimeOfDay(field: number): boolean {
    return /^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(this.fieldText(field));
  }

  /**
   * Moves the unread bytes to the front of `into` (which may be the window itself) and makes it the window, so the
   * caller can append more input after `length`. Offsets of rows already read become invalid.
   */
  compactInto(into: Uint8Array): void {
    if (into === this.bytes) into.copyWithin(0, this.position, this.length);
    else into.set(this.bytes.subarray(this.position, this.length));
    this.length -= this.position;
    this.position = 0;
    this.bytes = into;
  }

  private needMore(pos: number): number {
    this.position = pos;
    return NEED_MORE;
  }

  private restart(rowStart: number, line: number): number {
    this.line = line;
    return this.needMore(rowStart);
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
  const line =
    text
      .slice(start)
      .split(/\r\n|\n|\r/)
      .find((l) => l.trim() !== '' && !(skipComments && l.trimStart().startsWith('#'))) ?? '';
  let commas = 0;
  let semicolons = 0;
  let tabs = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === COMMA) commas++;
    else if (c === SEMICOLON) semicolons++;
    else if (c === TAB) tabs++;
  }
  if (semicolons > commas && semicolons >= tabs) return SEMICOLON;
  if (tabs > commas && tabs > semicolons) return TAB;
  return COMMA;
}
