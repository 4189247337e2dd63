// A virtualised table: fixed row height, only the visible rows (plus a few) in the DOM, so 100,000 rows scroll
// smoothly. Click a header to sort (stable; numbers numeric), type to filter (any formatted cell, case-insensitive).
import {
  type CSSProperties,
  type ReactNode,
  type UIEvent,
  useCallback,
  useDeferredValue,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import '../components.css';
import { formatNumber } from '../chart/format';
import {
  buildHaystacks,
  CELL_PADDING,
  type Column,
  cellText,
  defaultAlign,
  fittedTrack,
  longestTexts,
  minimumWidth,
  mustFit,
  SORT_MARK,
  type SortState,
  scrollTopToShow,
  trackFloor,
  viewIndexes,
  visibleColumns,
  visibleWindow,
} from './table-model';

export type { Align, CellTone, CellValue, Column, SortDirection, SortState } from './table-model';

export interface RowAction<Row> {
  readonly id: string;
  /** Button text, e.g. "Cancel"; may depend on the row. */
  readonly label: string | ((row: Row) => string);
  readonly onAction: (row: Row) => void;
  /** Hide the button for rows it does not apply to (e.g. filled orders). */
  readonly hidden?: (row: Row) => boolean;
  readonly disabled?: (row: Row) => boolean;
  /** 'danger' draws it in the loss colour. */
  readonly tone?: 'default' | 'danger';
  readonly title?: string;
  /** Drawn as a labelled checkbox rather than a button when given: whether it is ticked for this row. */
  readonly checked?: (row: Row) => boolean;
}

export interface DataTableProps<Row> {
  readonly rows: readonly Row[];
  readonly columns: readonly Column<Row>[];
  /** A stable, unique key per row (order id, symbol, execution id). */
  readonly rowKey: (row: Row) => string;
  /** Buttons in a last column (e.g. Cancel on open orders). */
  readonly actions?: readonly RowAction<Row>[];
  readonly actionsHeader?: string;
  readonly actionsWidth?: number;
  /** Shown when there are no rows at all. */
  readonly emptyText?: string;
  /** Show the filter box (default true). */
  readonly filterable?: boolean;
  readonly filterPlaceholder?: string;
  readonly initialSort?: SortState | null;
  readonly onSortChange?: (sort: SortState | null) => void;
  /** Pixels per row (default 26). */
  readonly rowHeight?: number;
  /** Height of the whole table (number = px); default 100% of the parent, which needs a height. */
  readonly height?: number | string;
  /** Rows rendered beyond the visible ones, each side (default 8). */
  readonly overscan?: number;
  readonly onRowClick?: (row: Row) => void;
  readonly selectedKey?: string | null;
  /** Scroll the selected row into view when the selection changes (it may be picked outside the table). */
  readonly scrollToSelected?: boolean;
  /** A row pointed at from outside (a chart marker under the pointer): outlined and scrolled into view. */
  readonly highlightedKey?: string | null;
  /** Accessible name of the table, e.g. "Open orders". */
  readonly label: string;
  /** Extra controls at the right of the toolbar (export buttons, toggles). */
  readonly toolbar?: ReactNode;
  readonly className?: string;
}

const FALLBACK_VIEWPORT = 600;

let measureContext: CanvasRenderingContext2D | null | undefined;
/** A text's width in a font, from a canvas; an estimate where there is none (tests without a canvas). */
/** The fonts of a table's cells and headers, read from the page so the measure matches what is drawn. */
function fontOf(element: HTMLElement | null): { cell: string; header: string; headerSpacing: number } {
  const style = element && typeof getComputedStyle === 'function' ? getComputedStyle(element) : null;
  const family = style?.fontFamily || 'system-ui, sans-serif';
  const size = Number.parseFloat(style?.fontSize ?? '') || 12;
  // Headers: 11px, semibold, upper case, 0.03em apart (components.css .mb-table-header).
  return { cell: `${size}px ${family}`, header: `600 11px ${family}`, headerSpacing: 0.33 };
}

function textWidth(text: string, font: string, letterSpacing = 0): number {
  if (measureContext === undefined) {
    try {
      measureContext = document.createElement('canvas').getContext('2d');
    } catch {
      measureContext = null;
    }
  }
  const spacing = letterSpacing * text.length;
  if (!measureContext) return text.length * 7.2 + spacing;
  measureContext.font = font;
  return measureContext.measureText(text).width + spacing;
}

export function DataTable<Row>({
  rows,
  columns,
  rowKey,
  actions,
  actionsHeader = '',
  actionsWidth = 90,
  emptyText = 'No rows',
  filterable = true,
  filterPlaceholder = 'Filter…',
  initialSort = null,
  onSortChange,
  rowHeight = 26,
  height,
  overscan = 8,
  onRowClick,
  selectedKey,
  scrollToSelected = false,
  highlightedKey = null,
  label,
  toolbar,
  className,
}: DataTableProps<Row>) {
  const [sort, setSort] = useState<SortState | null>(initialSort);
  const [filter, setFilter] = useState('');
  const deferredFilter = useDeferredValue(filter);
  const [firstRow, setFirstRow] = useState(0);
  const [viewport, setViewport] = useState(typeof height === 'number' ? height : FALLBACK_VIEWPORT);
  /** The room the columns have (the scroll area's inner width); 0 until measured. */
  const [room, setRoom] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const filterId = useId();

  // Lower-cased cell text per row, built once per rows/columns and only when a filter is typed.
  const haystackCache = useRef<{
    rows: readonly Row[];
    columns: readonly Column<Row>[];
    texts: string[];
  } | null>(null);
  const haystacks = useCallback(() => {
    const cache = haystackCache.current;
    if (cache && cache.rows === rows && cache.columns === columns) return cache.texts;
    const texts = buildHaystacks(rows, columns);
    haystackCache.current = { rows, columns, texts };
    return texts;
  }, [rows, columns]);

  const order = useMemo(
    () => viewIndexes(rows, columns, sort, deferredFilter, haystacks),
    [rows, columns, sort, deferredFilter, haystacks],
  );
  const count = order ? order.length : rows.length;

  useEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const measure = () => {
      if (element.clientHeight > 0) setViewport(element.clientHeight);
      if (element.clientWidth > 0) setRoom(element.clientWidth);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Back to the top when the filter or sort changes the order under the user.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the effect runs because these changed
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
    setFirstRow(0);
  }, [deferredFilter, sort]);

  // A row selected from outside (a heat map square) scrolls into view; only when the selection changes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the effect runs because the selection changed
  useEffect(() => {
    const element = scrollRef.current;
    const wanted = highlightedKey ?? (scrollToSelected ? selectedKey : null);
    if (!element || wanted === null || wanted === undefined) return;
    const index = rows.findIndex((row) => rowKey(row) === wanted);
    if (index < 0) return;
    const position = order ? order.indexOf(index) : index;
    if (position < 0) return;
    const next = scrollTopToShow(position, rowHeight, viewport, element.scrollTop);
    if (next === null) return;
    element.scrollTop = next;
    setFirstRow(Math.floor(next / rowHeight));
  }, [selectedKey, scrollToSelected, highlightedKey]);

  const onScroll = useCallback(
    (event: UIEvent<HTMLDivElement>) => {
      const next = Math.floor(event.currentTarget.scrollTop / rowHeight);
      setFirstRow((previous) => (previous === next ? previous : next));
    },
    [rowHeight],
  );

  const changeSort = (columnId: string) => {
    const next: SortState =
      sort?.column === columnId
        ? { column: columnId, direction: sort.direction === 'asc' ? 'desc' : 'asc' }
        : { column: columnId, direction: 'asc' };
    setSort(next);
    onSortChange?.(next);
  };

  const sample = rows[0];
  // Columns size to their content: a number is never cut. Less important columns give way at narrow widths, and
  // what still does not fit scrolls sideways.
  const allAligns = useMemo(() => columns.map((c) => defaultAlign(c, sample)), [columns, sample]);
  // The same longest texts keep the same array, so a push that adds rows re-measures (and reads the page's font) only
  // when a column's widest text changed.
  const longestRef = useRef<readonly string[]>([]);
  const longest = useMemo(() => {
    const next = longestTexts(rows, columns);
    const previous = longestRef.current;
    if (next.length === previous.length && next.every((text, c) => text === previous[c])) return previous;
    longestRef.current = next;
    return next;
  }, [rows, columns]);
  const measured = room > 0;
  const minimums = useMemo(() => {
    // Read once the table is in the page (`measured`); before, the font is a guess.
    const font = fontOf(measured ? scrollRef.current : null);
    return columns.map((column, c) => {
      const cell = textWidth(longest[c]!, font.cell);
      const header =
        textWidth(column.header.toUpperCase(), font.header, font.headerSpacing) +
        (column.sortable !== false ? SORT_MARK : 0);
      // +2: sub-pixel rounding between the canvas and the laid-out text.
      return minimumWidth(Math.max(cell, header) + CELL_PADDING + 2, mustFit(column, allAligns[c]!));
    });
  }, [columns, longest, allAligns, measured]);
  const hasActions = actions !== undefined && actions.length > 0;
  const floors = useMemo(() => columns.map((c, i) => trackFloor(minimums[i]!, c.width)), [columns, minimums]);
  const shown = useMemo(
    () =>
      visibleColumns(
        floors,
        columns.map((c) => c.priority ?? 1),
        room,
        hasActions ? actionsWidth : 0,
      ),
    [floors, columns, room, hasActions, actionsWidth],
  );
  const visible = columns.filter((_, c) => shown[c]);
  const aligns = allAligns.filter((_, c) => shown[c]);
  const tracks = columns.flatMap((c, i) => (shown[i] ? [fittedTrack(minimums[i]!, c.width)] : []));
  if (hasActions) tracks.push(`${actionsWidth}px`);
  const contentWidth =
    floors.reduce((sum, w, c) => sum + (shown[c] ? w : 0), 0) + (hasActions ? actionsWidth : 0);
  const rootStyle = {
    '--mb-cols': tracks.join(' '),
    '--mb-row-h': `${rowHeight}px`,
    '--mb-table-min': `${contentWidth}px`,
    height: typeof height === 'number' ? `${height}px` : height,
  } as CSSProperties;

  const { start, end } = visibleWindow(firstRow * rowHeight, viewport, rowHeight, count, overscan);
  const rendered: ReactNode[] = [];
  for (let position = start; position < end; position++) {
    const index = order ? order[position]! : position;
    const row = rows[index]!;
    const key = rowKey(row);
    const selected = selectedKey !== undefined && selectedKey !== null && key === selectedKey;
    const highlighted = highlightedKey !== null && key === highlightedKey;
    rendered.push(
      <tr
        key={key}
        aria-rowindex={position + 2}
        className={`mb-table-row${position % 2 === 1 ? ' mb-odd' : ''}${selected ? ' mb-selected' : ''}${highlighted ? ' mb-highlighted' : ''}${onRowClick ? ' mb-clickable' : ''}`}
        style={{ transform: `translateY(${position * rowHeight}px)` }}
        onClick={onRowClick ? () => onRowClick(row) : undefined}
      >
        {visible.map((column, c) => {
          const tone = column.tone?.(row);
          return (
            <td
              key={column.id}
              className={`mb-table-cell mb-align-${aligns[c]}${aligns[c] === 'right' ? ' mb-num' : ''}${tone ? ` mb-tone-${tone}` : ''}`}
            >
              {cellText(column, row)}
            </td>
          );
        })}
        {hasActions && (
          <td className="mb-table-cell mb-table-actions">
            {actions.map((action) =>
              action.hidden?.(row) ? null : action.checked ? (
                <label key={action.id} className="mb-table-tick" title={action.title}>
                  <input
                    type="checkbox"
                    checked={action.checked(row)}
                    disabled={action.disabled?.(row) ?? false}
                    onClick={(event) => event.stopPropagation()}
                    onChange={() => action.onAction(row)}
                  />
                  {typeof action.label === 'function' ? action.label(row) : action.label}
                </label>
              ) : (
                <button
                  key={action.id}
                  type="button"
                  className={
                    action.tone === 'danger' ? 'mb-btn mb-btn-small mb-btn-danger' : 'mb-btn mb-btn-small'
                  }
                  disabled={action.disabled?.(row) ?? false}
                  title={action.title}
                  onClick={(event) => {
                    event.stopPropagation();
                    action.onAction(row);
                  }}
                >
                  {typeof action.label === 'function' ? action.label(row) : action.label}
                </button>
              ),
            )}
          </td>
        )}
      </tr>,
    );
  }

  const filtering = deferredFilter.trim() !== '';
  const countText = filtering
    ? `${formatNumber(count)} of ${formatNumber(rows.length)} rows`
    : `${formatNumber(rows.length)} ${rows.length === 1 ? 'row' : 'rows'}`;

  return (
    <div className={className ? `mb-table ${className}` : 'mb-table'} style={rootStyle}>
      {(filterable || toolbar) && (
        <div className="mb-table-toolbar">
          {filterable && (
            <>
              <label htmlFor={filterId} className="mb-visually-hidden">
                Filter {label}
              </label>
              <input
                id={filterId}
                type="search"
                className="mb-input mb-table-filter"
                placeholder={filterPlaceholder}
                value={filter}
                onChange={(event) => setFilter(event.target.value)}
              />
            </>
          )}
          <span className="mb-table-count mb-num" aria-live="polite">
            {countText}
          </span>
          <span className="mb-spacer" />
          {toolbar}
        </div>
      )}
      <div ref={scrollRef} className="mb-table-scroll" onScroll={onScroll}>
        <table className="mb-table-grid" aria-label={label} aria-rowcount={count + 1}>
          <thead className="mb-table-head">
            <tr aria-rowindex={1} className="mb-table-row mb-table-header-row">
              {visible.map((column, c) => {
                const sorted = sort?.column === column.id ? sort.direction : undefined;
                const ariaSort = sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none';
                const sortable = column.sortable !== false;
                return (
                  <th
                    key={column.id}
                    scope="col"
                    aria-sort={sortable ? ariaSort : undefined}
                    className={`mb-table-cell mb-table-header mb-align-${aligns[c]}`}
                    title={column.title}
                  >
                    {sortable ? (
                      <button type="button" className="mb-table-sort" onClick={() => changeSort(column.id)}>
                        <span>{column.header}</span>
                        <span className="mb-sort-mark" aria-hidden="true">
                          {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                        </span>
                      </button>
                    ) : (
                      column.header
                    )}
                  </th>
                );
              })}
              {hasActions && (
                <th scope="col" className="mb-table-cell mb-table-header mb-table-actions">
                  {actionsHeader}
                </th>
              )}
            </tr>
          </thead>
          <tbody className="mb-table-body" style={{ height: `${count * rowHeight}px` }}>
            {rendered}
          </tbody>
        </table>
        {count === 0 && (
          <div className="mb-table-empty" role="status">
            {rows.length === 0 ? emptyText : `No rows match “${deferredFilter.trim()}”`}
          </div>
        )}
      </div>
    </div>
  );
}
