// The pure half of DataTable: sorting, filtering and the visible window, tested without a DOM.
import { formatNumber, MISSING } from '../chart/format';

export type CellValue = string | number | null;
export type Align = 'left' | 'right' | 'center';
export type CellTone = 'up' | 'down' | 'warn' | 'muted' | undefined;
export type SortDirection = 'asc' | 'desc';

export interface Column<Row> {
  readonly id: string;
  readonly header: string;
  /** The raw value: what sorting compares (numbers numerically, strings textually; null sorts last). */
  readonly value: (row: Row) => CellValue;
  /** The displayed text; numbers use formatNumber and null shows "—" when omitted. Filtering matches this text. */
  readonly format?: (value: CellValue, row: Row) => string;
  /** Default: right for numeric columns (the first row's value is a number), left otherwise. */
  readonly align?: Align;
  /** Colour of the cell text (P&L green/red, a warning, a muted status). */
  readonly tone?: (row: Row) => CellTone;
  /** Pixels, or any CSS grid track ("2fr", "minmax(120px, 1fr)"); default minmax(72px, 1fr). */
  readonly width?: number | string;
  /** Default true. */
  readonly sortable?: boolean;
  /** Header tooltip (what the column means, its units). */
  readonly title?: string;
  /**
   * Which columns give way when the table is narrow: 1 (the default) always shows; 2, 3 … hide first, the highest
   * number first. Whatever still does not fit scrolls sideways rather than clip.
   */
  readonly priority?: number;
  /**
   * Never cut: the column is at least as wide as its widest cell. Default: right-aligned (numeric) columns; text
   * columns may end in an ellipsis.
   */
  readonly fit?: boolean;
}

/** Horizontal padding of a cell (both sides), as components.css draws it. */
export const CELL_PADDING = 16;
/** What a sortable header adds to its text: the sort mark and its gap. */
export const SORT_MARK = 12;
/** The narrowest a text column is made before it ellipsises. */
const TEXT_MIN = 72;
const TEXT_FIT_LIMIT = 100;

/** Each row's formatted cells by column set: rows are immutable, so a live table that grows by a few rows a push
 * formats only those, not thousands (formatting every sampled row on each push was a long task at 100 bars/s). */
const formattedRows = new WeakMap<object, WeakMap<object, readonly string[]>>();

function rowTexts<Row>(columns: readonly Column<Row>[], row: Row): readonly string[] {
  if (typeof row !== 'object' || row === null) return columns.map((column) => cellText(column, row));
  let byRow = formattedRows.get(columns);
  if (byRow === undefined) {
    byRow = new WeakMap();
    formattedRows.set(columns, byRow);
  }
  let texts = byRow.get(row);
  if (texts === undefined) {
    texts = columns.map((column) => cellText(column, row));
    byRow.set(row, texts);
  }
  return texts;
}

/**
 * The longest formatted text of each column (by characters), over the rows or, for a long table, an even sample of
 * them plus the first and last — where the widest prices and times are.
 */
export function longestTexts<Row>(
  rows: readonly Row[],
  columns: readonly Column<Row>[],
  sample = 4000,
): string[] {
  const longest = columns.map(() => '');
  const step = rows.length <= sample ? 1 : rows.length / sample;
  const visit = (i: number) => {
    const texts = rowTexts(columns, rows[i]!);
    for (let c = 0; c < columns.length; c++) {
      const text = texts[c]!;
      if (text.length > longest[c]!.length) longest[c] = text;
    }
  };
  for (let k = 0; k * step < rows.length; k++) visit(Math.floor(k * step));
  if (rows.length > 0) visit(rows.length - 1);
  return longest;
}

/** Whether a column must never be cut: declared, or right-aligned (numbers, prices, times). */
export const mustFit = <Row>(column: Column<Row>, align: Align): boolean => column.fit ?? align === 'right';

/**
 * The narrowest each column may be: a column that must fit, its widest cell or header; a text column, that up to a
 * limit (beyond it the text ellipsises).
 */
export function minimumWidth(natural: number, fits: boolean): number {
  const width = Math.ceil(natural);
  return fits ? width : Math.min(width, Math.max(TEXT_MIN, TEXT_FIT_LIMIT));
}

/**
 * The columns shown at `available` pixels: while their minimum widths (plus `reserved`, e.g. the actions column) do
 * not fit, the column with the highest priority number gives way (the rightmost first among equals). Priority 1 never
 * hides; if those alone do not fit, the table scrolls sideways.
 */
export function visibleColumns(
  minimums: readonly number[],
  priorities: readonly number[],
  available: number,
  reserved = 0,
): boolean[] {
  const shown = minimums.map(() => true);
  if (!(available > 0)) return shown;
  let total = reserved + minimums.reduce((sum, w) => sum + w, 0);
  while (total > available) {
    let drop = -1;
    for (let c = 0; c < minimums.length; c++) {
      if (!shown[c] || (priorities[c] ?? 1) <= 1) continue;
      if (drop < 0 || (priorities[c] ?? 1) >= (priorities[drop] ?? 1)) drop = c;
    }
    if (drop < 0) break;
    shown[drop] = false;
    total -= minimums[drop]!;
  }
  return shown;
}

/** The least room a column's track takes: its minimum, or its declared pixel width when that is wider. */
export const trackFloor = (minimum: number, width: number | string | undefined): number =>
  typeof width === 'number' ? Math.max(width, minimum) : minimum;

/** The grid track of a column: at least its minimum, growing as declared (px or fr) or by default into spare room. */
export function fittedTrack(minimum: number, width: number | string | undefined): string {
  if (typeof width === 'number') return `${trackFloor(minimum, width)}px`;
  const grow = typeof width === 'string' && /^\d+(\.\d+)?fr$/.test(width) ? width : '1fr';
  return `minmax(${minimum}px, ${grow})`;
}

export interface SortState {
  readonly column: string;
  readonly direction: SortDirection;
}

/** The displayed text of one cell. */
export function cellText<Row>(column: Column<Row>, row: Row): string {
  const value = column.value(row);
  if (column.format) return column.format(value, row);
  if (value === null || value === undefined) return MISSING;
  return typeof value === 'number' ? formatNumber(value) : value;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Nulls (and NaN) last in both directions; numbers before strings; numbers numeric, strings by natural order. */
function compareValues(a: CellValue, b: CellValue): number {
  const aMissing = a === null || a === undefined || (typeof a === 'number' && Number.isNaN(a));
  const bMissing = b === null || b === undefined || (typeof b === 'number' && Number.isNaN(b));
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return collator.compare(a as string, b as string);
}

/**
 * Row indexes in display order: `filter` (case-insensitive substring of any formatted cell) then a stable sort.
 * Returns null when neither applies (the rows as given: no index array for 100,000 rows).
 */
export function viewIndexes<Row>(
  rows: readonly Row[],
  columns: readonly Column<Row>[],
  sort: SortState | null,
  filter: string,
  haystacks?: () => readonly string[],
): Int32Array | null {
  const needle = filter.trim().toLowerCase();
  const column = sort ? columns.find((c) => c.id === sort.column) : undefined;
  if (!needle && !column) return null;
  let indexes: Int32Array;
  if (needle) {
    const texts = haystacks ? haystacks() : buildHaystacks(rows, columns);
    const kept = new Int32Array(rows.length);
    let k = 0;
    for (let i = 0; i < rows.length; i++) if (texts[i]!.includes(needle)) kept[k++] = i;
    indexes = kept.slice(0, k);
  } else {
    indexes = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) indexes[i] = i;
  }
  if (column && sort) {
    const values: CellValue[] = new Array(rows.length);
    for (const i of indexes) values[i] = column.value(rows[i]!);
    const sign = sort.direction === 'asc' ? 1 : -1;
    const sorted = Array.from(indexes).sort((a, b) => {
      const va = values[a]!;
      const vb = values[b]!;
      // Missing values stay last whichever the direction.
      const aMissing = va === null || (typeof va === 'number' && Number.isNaN(va));
      const bMissing = vb === null || (typeof vb === 'number' && Number.isNaN(vb));
      if (aMissing || bMissing) return aMissing === bMissing ? a - b : aMissing ? 1 : -1;
      return sign * compareValues(va, vb) || a - b; // stable: ties keep their original order
    });
    indexes = Int32Array.from(sorted);
  }
  return indexes;
}

/** One lower-cased string per row: its formatted cells joined, for the filter. */
export function buildHaystacks<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string[] {
  const out: string[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    let text = '';
    for (const column of columns) text += `${cellText(column, row)}\u0001`;
    out[i] = text.toLowerCase();
  }
  return out;
}

export interface RowWindow {
  /** First rendered row (display position). */
  readonly start: number;
  /** One past the last rendered row. */
  readonly end: number;
}

/** The rows to render for a scroll position: the visible ones plus `overscan` either side. */
export function visibleWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan: number,
): RowWindow {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.max(start, Math.min(count, first + visible + overscan));
  return { start, end };
}

/** Default alignment: numbers right, text left. */
export function defaultAlign<Row>(column: Column<Row>, sample: Row | undefined): Align {
  if (column.align) return column.align;
  return sample !== undefined && typeof column.value(sample) === 'number' ? 'right' : 'left';
}

/** CSS grid track of a column. */
export function trackOf(width: number | string | undefined): string {
  if (width === undefined) return 'minmax(72px, 1fr)';
  return typeof width === 'number' ? `${width}px` : width;
}

/**
 * Where to scroll so the row at `position` shows (centred), or null when it already shows whole: a row picked
 * elsewhere (a heat map square) is brought into view without moving a table that already shows it.
 */
export function scrollTopToShow(
  position: number,
  rowHeight: number,
  viewport: number,
  scrollTop: number,
): number | null {
  const top = position * rowHeight;
  if (top >= scrollTop && top + rowHeight <= scrollTop + viewport) return null;
  return Math.max(0, Math.round(top - (viewport - rowHeight) / 2));
}
