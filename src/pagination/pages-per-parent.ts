import { Prisma } from '../generated/prisma/client';
import type { CursorKey } from './cursor';
import { afterCursorSql } from './keyset';
import { cursorPart, type ListOrder } from './order';
import { readLean, wireSql, type ColumnSet, type ParentIds } from '../db/lean-table';
import type { ReadScope } from '../db/wire-rows';
import type { Page } from './page';

/** Where one child list (e.g. an item's events) is read from, for many parents at once. */
export interface ChildListSource {
  /** Columns of the child row, e.g. `e.*`. */
  select: Prisma.Sql;
  /** Tables, e.g. `"ItemEvent" e`. */
  from: Prisma.Sql;
  /** SQL expression of the parent's id, e.g. `e."itemId"`. */
  parent: string;
  /** Extra condition every child row must meet (e.g. viewer visibility). */
  where?: Prisma.Sql;
  /**
   * The lean columns `select` lists in their wire form (a lean table's select): the rows are read
   * as the driver hands them. Absent or null: `select` is full rows, which Prisma decodes.
   */
  columns?: ColumnSet;
}

/** One parent's page: rows in list order (fetched with one extra row), the parent's total. */
export interface ParentPage<Row> {
  /** The rows as read, helper columns included (`__k0`…: the sort key, for cursors on demand). */
  rows: Row[];
  totalCount: number;
}

type RawRow = Record<string, unknown> & { __parent: number; __total?: number };

/**
 * The cursor key of a row read by `pagesPerParent` (its sort key travels in `__k0`, `__k1`, …;
 * read only for a page that selects a cursor).
 */
export const keyOfPagedRow = (order: ListOrder, row: object): CursorKey => {
  const key = row as Record<string, unknown>;
  if (key.__k0 === true) throw new Error('a cursor was read from a page read without its sort keys');
  return order.columns.map((column, index) => cursorPart(key[`__k${index}`], column.type));
};

/**
 * Reads one page of a child list for every parent in one SQL statement (`pagesStatement`), each
 * parent's rows and total handed on as read (no copy): the helper columns are no GraphQL field,
 * so nothing serves them.
 */
export async function pagesPerParent<Row>(
  scope: ReadScope,
  source: ChildListSource,
  order: ListOrder,
  parentIds: readonly number[],
  page: Page,
): Promise<Map<number, ParentPage<Row>>> {
  const rows = await readLean<RawRow>(scope, source.columns ?? null, pagesStatement(source, order, parentIds, page));
  return pagesOf<Row>(rows, parentIds, page);
}

/**
 * One page of a child list for every parent: for each parent id a LATERAL subquery walks the
 * child index in list order and stops after `first + 1` rows after `after`, so the cost follows
 * the page size, not how many children the parents have. Each parent's total is counted in the
 * same statement, and the rows' sort keys read, only when the page asks for them.
 */
export function pagesStatement(source: ChildListSource, order: ListOrder, parentIds: ParentIds, page: Page): Prisma.Sql {
  const dir = Prisma.raw(order.direction === 'desc' ? 'DESC' : 'ASC');
  const orderBy = Prisma.join(
    order.columns.map((column) => Prisma.sql`${Prisma.raw(column.sql)} ${dir}`),
    ', ',
  );
  // The sort key in the cursor's own form (instants as ISO text), so a cursor is built without a
  // Date; without cursors, only a marker that a row is there (a parent without rows has nulls).
  const helpers =
    page.withCursors === false
      ? [Prisma.raw('TRUE AS "__k0"')]
      : order.columns.map((column, index) =>
          Prisma.raw(`${column.type === 'timestamp' ? wireSql(column.sql, 'timestamp') : column.sql} AS "__k${index}"`),
        );
  const parent = Prisma.raw(source.parent);
  const where = source.where ?? Prisma.sql`TRUE`;
  const child = Prisma.sql`(
      SELECT ${source.select}, ${Prisma.join(helpers, ', ')}
      FROM ${source.from}
      WHERE ${parent} = parents.id AND ${where} AND ${afterCursorSql(order, page.after)}
      ORDER BY ${orderBy}
      LIMIT ${page.first + 1}
    ) child`;
  const ids = Array.isArray(parentIds) ? [...new Set(parentIds)] : parentIds;
  // With a total, every parent gets a row (its count, once per parent: a LATERAL of its own, not
  // once per returned row); without, a parent with no rows on the page gets none.
  return page.withTotal !== false
    ? Prisma.sql`
    SELECT parents.id AS "__parent", totals.n AS "__total", child.*
    FROM unnest(${ids}::int[]) AS parents(id)
    CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM ${source.from} WHERE ${parent} = parents.id AND ${where}) totals
    LEFT JOIN LATERAL ${child} ON TRUE`
    : Prisma.sql`
    SELECT parents.id AS "__parent", child.*
    FROM unnest(${ids}::int[]) AS parents(id)
    CROSS JOIN LATERAL ${child}`;
}

/** The rows `pagesStatement` returned, as one page per parent (a parent without rows: an empty page). */
export function pagesOf<Row>(rows: readonly unknown[], parentIds: readonly number[], page: Page): Map<number, ParentPage<Row>> {
  const withTotal = page.withTotal !== false;
  const pages = new Map<number, ParentPage<Row>>();
  for (const parentId of parentIds) pages.set(parentId, { rows: [], totalCount: withTotal ? 0 : -1 });
  for (const raw of rows as RawRow[]) {
    const target = pages.get(raw.__parent)!;
    if (withTotal) target.totalCount = raw.__total!;
    if (raw.__k0 === null || raw.__k0 === undefined) continue; // a parent with no rows on this page
    target.rows.push(raw as unknown as Row);
  }
  return pages;
}
