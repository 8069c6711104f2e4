import type { CursorKey, CursorPart, CursorShape } from './cursor';

/** One column of a list's sort key; the last one must be unique (the row's id). */
export interface SortColumn {
  /** The column in SQL (e.g. `t."executedAt"`), for lists read with hand-written SQL. */
  readonly sql: string;
  /** The row's property holding it, for lists read through Prisma (and for their cursors). */
  readonly field: string;
  readonly type: CursorPart;
}

/**
 * How a list is ordered. It is the one declaration a list makes: the ORDER BY, the condition
 * "after the cursor" and the cursor's shape (what `after` must decode to) all derive from it.
 */
export interface ListOrder {
  readonly columns: readonly SortColumn[];
  readonly direction: 'asc' | 'desc';
}

const quoted = (field: string) => (/^[a-z_]+$/.test(field) ? field : `"${field}"`);

/** A list ordered by id alone; `alias` is the SQL table alias (omitted for Prisma-only lists). */
export function byId(direction: ListOrder['direction'], alias?: string): ListOrder {
  return { columns: [{ sql: alias ? `${alias}.id` : 'id', field: 'id', type: 'int' }], direction };
}

/** A list ordered by an instant, then id (ties broken by id, so every row has one place). */
export function byTimeThenId(field: string, direction: ListOrder['direction'], alias?: string, idAlias = alias): ListOrder {
  return {
    columns: [
      { sql: alias ? `${alias}.${quoted(field)}` : quoted(field), field, type: 'timestamp' },
      { sql: idAlias ? `${idAlias}.id` : 'id', field: 'id', type: 'int' },
    ],
    direction,
  };
}

export const shapeOf = (order: ListOrder): CursorShape => order.columns.map((column) => column.type);

/** The Prisma `orderBy` of a list. */
export const prismaOrderBy = (order: ListOrder) => order.columns.map((column) => ({ [column.field]: order.direction }));

/** A sort-key value as a cursor carries it: instants as ISO strings (read as such, or a Date), ids as numbers. */
export function cursorPart(value: unknown, type: CursorPart): string | number {
  if (type === 'int') return Number(value);
  return typeof value === 'string' ? value : (value as Date).toISOString();
}

/** The cursor key of a row of a list read through Prisma (its sort-key columns are its own). */
export const keyOfRow =
  (order: ListOrder) =>
  (row: object): CursorKey =>
    order.columns.map((column) => cursorPart((row as Record<string, unknown>)[column.field], column.type));
