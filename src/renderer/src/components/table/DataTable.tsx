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
  type Column,
  cellText,
  defaultAlign,
  type SortState,
  trackOf,
  viewIndexes,
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
  /** Accessible name of the table, e.g. "Open orders". */
  readonly label: string;
  /** Extra controls at the right of the toolbar (export buttons, toggles). */
  readonly toolbar?: ReactNode;
  readonly className?: string;
}

const FALLBACK_VIEWPORT = 600;

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
  label,
  toolbar,
  className,
}: DataTableProps<Row>) {
  const [sort, setSort] = useState<SortState | null>(initialSort);
  const [filter, setFilter] = useState('');
  const deferredFilter = useDeferredValue(filter);
  const [firstRow, setFirstRow] = useState(0);
  const [viewport, setViewport] = useState(typeof height === 'number' ? height : FALLBACK_VIEWPORT);
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
  const aligns = columns.map((c) => defaultAlign(c, sample));
  const tracks = columns.map((c) => trackOf(c.width));
  const hasActions = actions !== undefined && actions.length > 0;
  if (hasActions) tracks.push(`${actionsWidth}px`);
  const rootStyle = {
    '--mb-cols': tracks.join(' '),
    '--mb-row-h': `${rowHeight}px`,
    height: typeof height === 'number' ? `${height}px` : height,
  } as CSSProperties;

  const { start, end } = visibleWindow(firstRow * rowHeight, viewport, rowHeight, count, overscan);
  const rendered: ReactNode[] = [];
  for (let position = start; position < end; position++) {
    const index = order ? order[position]! : position;
    const row = rows[index]!;
    const key = rowKey(row);
    const selected = selectedKey !== undefined && selectedKey !== null && key === selectedKey;
    rendered.push(
      <tr
        key={key}
        aria-rowindex={position + 2}
        className={`mb-table-row${position % 2 === 1 ? ' mb-odd' : ''}${selected ? ' mb-selected' : ''}${onRowClick ? ' mb-clickable' : ''}`}
        style={{ transform: `translateY(${position * rowHeight}px)` }}
        onClick={onRowClick ? () => onRowClick(row) : undefined}
      >
        {columns.map((column, c) => {
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
              action.hidden?.(row) ? null : (
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
              {columns.map((column, c) => {
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
