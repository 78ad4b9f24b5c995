// A long, sortable table: @tanstack/react-table for columns, sorting and grouping, and
// @tanstack/react-virtual so only the rows on screen are in the page — thousands of alerts,
// events or rules scroll smoothly.
import {
  flexRender,
  getCoreRowModel,
  getExpandedRowModel,
  getGroupedRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type ExpandedState,
  type Row,
  type SortingState,
  type VisibilityState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData, TValue> {
    /** a CSS grid track: '8rem', 'minmax(12rem, 3fr)' */
    width?: string;
    align?: 'right';
  }
}

/** One empty grouping for every render: a new [] each time would make the table regroup forever. */
const NO_GROUPING: string[] = [];

export interface DataTableProps<T> {
  label: string;
  data: T[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  columns: ColumnDef<T, any>[];
  getRowId: (row: T) => string;
  selectedId?: string | null;
  onSelect?: (row: T) => void;
  onOpen?: (row: T) => void;
  /** column ids to group by; group rows are drawn with renderGroup */
  grouping?: string[];
  renderGroup?: (row: Row<T>) => ReactNode;
  empty?: ReactNode;
  /** scroll to the row with this index (keyboard navigation) */
  scrollToIndex?: number | null;
  /** receives the rows as shown (sorted, grouped), for keyboard navigation */
  onRowsChange?: (rows: Row<T>[]) => void;
  initialSorting?: SortingState;
  /** column ids not shown (e.g. while a detail panel narrows the table) */
  hidden?: string[];
  className?: string;
}

export function DataTable<T>({
  label,
  data,
  columns,
  getRowId,
  selectedId,
  onSelect,
  onOpen,
  grouping,
  renderGroup,
  empty,
  scrollToIndex,
  onRowsChange,
  initialSorting = [],
  hidden,
  className = '',
}: DataTableProps<T>) {
  const [sorting, setSorting] = useState<SortingState>(initialSorting);
  const [expanded, setExpanded] = useState<ExpandedState>({});
  const hiddenKey = (hidden ?? []).join(',');
  const columnVisibility = useMemo<VisibilityState>(
    () =>
      Object.fromEntries(
        hiddenKey
          .split(',')
          .filter(Boolean)
          .map((id) => [id, false]),
      ),
    [hiddenKey],
  );
  const table = useReactTable({
    data,
    columns,
    getRowId: (row) => getRowId(row),
    state: { sorting, grouping: grouping ?? NO_GROUPING, expanded, columnVisibility },
    onSortingChange: setSorting,
    onExpandedChange: setExpanded,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getGroupedRowModel: getGroupedRowModel(),
    getExpandedRowModel: getExpandedRowModel(),
    autoResetExpanded: false,
    autoResetPageIndex: false,
    groupedColumnMode: false,
  });
  const rows = table.getRowModel().rows;

  useEffect(() => {
    onRowsChange?.(rows);
  }, [rows, onRowsChange]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const rowPx = () => {
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    return Math.round(rem * 2.25);
  };
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: rowPx,
    overscan: 12,
  });

  useEffect(() => {
    if (scrollToIndex !== null && scrollToIndex !== undefined && scrollToIndex < rows.length) {
      virtualizer.scrollToIndex(scrollToIndex, { align: 'auto' });
    }
  }, [scrollToIndex, rows.length, virtualizer]);

  const template = table
    .getVisibleLeafColumns()
    .map((c) => c.columnDef.meta?.width ?? 'minmax(8rem, 1fr)')
    .join(' ');

  return (
    <div
      className={`datatable ${className}`}
      role="table"
      aria-label={label}
      aria-rowcount={rows.length}
      style={{ ['--cols' as string]: template }}
    >
      <div className="dt-head" role="rowgroup">
        {table.getHeaderGroups().map((hg) => (
          <div key={hg.id} className="dt-row dt-header-row" role="row">
            {hg.headers.map((header) => {
              const sorted = header.column.getIsSorted();
              const canSort = header.column.getCanSort();
              return (
                <div
                  key={header.id}
                  role="columnheader"
                  aria-sort={
                    sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined
                  }
                  className={`dt-cell dt-th ${header.column.columnDef.meta?.align === 'right' ? 'right' : ''}`}
                >
                  {canSort ? (
                    <button
                      type="button"
                      className="dt-sort"
                      onClick={header.column.getToggleSortingHandler()}
                    >
                      {flexRender(header.column.columnDef.header, header.getContext())}
                      <span aria-hidden="true">
                        {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}
                      </span>
                    </button>
                  ) : (
                    flexRender(header.column.columnDef.header, header.getContext())
                  )}
                </div>
              );
            })}
          </div>
        ))}
      </div>
      <div className="dt-body" ref={scrollRef} role="rowgroup" tabIndex={-1}>
        {rows.length === 0 ? (
          <div className="dt-empty">{empty ?? 'Nothing to show.'}</div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = rows[item.index]!;
              const selected = row.id === selectedId;
              return (
                <div
                  key={row.id}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  role="row"
                  aria-rowindex={item.index + 1}
                  aria-selected={selected}
                  data-row-id={row.id}
                  className={`dt-row ${selected ? 'selected' : ''} ${row.getIsGrouped() ? 'dt-group' : ''}`}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    transform: `translateY(${item.start}px)`,
                  }}
                  onClick={() => {
                    if (row.getIsGrouped()) row.toggleExpanded();
                    else onSelect?.(row.original);
                  }}
                  onDoubleClick={() => {
                    if (!row.getIsGrouped()) onOpen?.(row.original);
                  }}
                >
                  {row.getIsGrouped() && renderGroup ? (
                    <div className="dt-cell dt-group-cell" role="cell">
                      {renderGroup(row)}
                    </div>
                  ) : (
                    row.getVisibleCells().map((cell) => (
                      <div
                        key={cell.id}
                        role="cell"
                        className={`dt-cell ${cell.column.columnDef.meta?.align === 'right' ? 'right' : ''}`}
                      >
                        {flexRender(cell.column.columnDef.cell, cell.getContext())}
                      </div>
                    ))
                  )}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
