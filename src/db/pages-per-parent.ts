import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { CursorKey, Page } from '../graphql/pagination';

/** One column of a child list's sort key; the last one must be unique (the row's id). */
export interface SortColumn {
  sql: string;
  type: 'int' | 'timestamp';
}

/** How to read one child list (e.g. an item's events) for many parents at once. */
export interface ChildListQuery {
  /** Columns of the child row, e.g. `e.*`. */
  select: Prisma.Sql;
  /** Tables, e.g. `"ItemEvent" e`. */
  from: Prisma.Sql;
  /** SQL expression of the parent's id, e.g. `e."itemId"`. */
  parent: string;
  sortKey: readonly SortColumn[];
  direction: 'asc' | 'desc';
  /** Extra condition every child row must meet (e.g. viewer visibility). */
  where?: Prisma.Sql;
}

/** One parent's page: rows in list order (fetched with one extra row), the parent's total. */
export interface ParentPage<Row> {
  rows: Row[];
  keys: CursorKey[];
  totalCount: number;
}

type RawRow = Record<string, unknown> & { __parent: number; __total: bigint | null };

/**
 * Reads one page of a child list for every parent in one SQL statement: for each parent id a
 * LATERAL subquery walks the child index in list order and stops after `first + 1` rows after
 * `after`, so the cost follows the page size, not how many children the parents have. Each
 * parent's total is counted in the same statement, only when the page asks for it.
 */
export async function pagesPerParent<Row>(
  prisma: PrismaClient,
  query: ChildListQuery,
  parentIds: readonly number[],
  page: Page,
): Promise<Map<number, ParentPage<Row>>> {
  const dir = Prisma.raw(query.direction === 'desc' ? 'DESC' : 'ASC');
  const columns = query.sortKey.map((column) => Prisma.raw(column.sql));
  const keyColumns = query.sortKey.map((column, index) => Prisma.sql`${Prisma.raw(column.sql)} AS ${Prisma.raw(`"__k${index}"`)}`);
  const orderBy = Prisma.join(
    columns.map((column) => Prisma.sql`${column} ${dir}`),
    ', ',
  );
  const parent = Prisma.raw(query.parent);
  const where = query.where ?? Prisma.sql`TRUE`;
  const after = page.after ? cursorCondition(query, columns, page.after) : Prisma.sql`TRUE`;
  // Counted once per parent (a LATERAL of its own), not once per returned row.
  const total =
    page.withTotal === false
      ? Prisma.sql`SELECT NULL::bigint AS n`
      : Prisma.sql`SELECT count(*) AS n FROM ${query.from} WHERE ${parent} = parents.id AND ${where}`;

  const rows = await prisma.$queryRaw<RawRow[]>`
    SELECT parents.id AS "__parent", totals.n AS "__total", child.*
    FROM unnest(${[...parentIds]}::int[]) AS parents(id)
    CROSS JOIN LATERAL (${total}) totals
    LEFT JOIN LATERAL (
      SELECT ${query.select}, ${Prisma.join(keyColumns, ', ')}
      FROM ${query.from}
      WHERE ${parent} = parents.id AND ${where} AND ${after}
      ORDER BY ${orderBy}
      LIMIT ${page.first + 1}
    ) child ON TRUE`;

  const pages = new Map<number, ParentPage<Row>>();
  for (const parentId of parentIds) pages.set(parentId, { rows: [], keys: [], totalCount: 0 });
  for (const raw of rows) {
    const target = pages.get(raw.__parent)!;
    target.totalCount = raw.__total === null ? -1 : Number(raw.__total);
    if (raw.__k0 === null || raw.__k0 === undefined) continue; // a parent with no rows on this page
    target.keys.push(query.sortKey.map((column, index) => keyPart(raw[`__k${index}`], column)));
    target.rows.push(stripHelperColumns(raw) as Row);
  }
  return pages;
}

/** Row-value comparison `(k0, k1) < (c0, c1)` (or `>` ascending): strictly after the cursor. */
function cursorCondition(query: ChildListQuery, refs: Prisma.Sql[], after: CursorKey): Prisma.Sql {
  const op = Prisma.raw(query.direction === 'desc' ? '<' : '>');
  const values = query.sortKey.map((column, index) =>
    column.type === 'timestamp'
      ? Prisma.sql`CAST(${String(after[index])} AS timestamp(3))`
      : Prisma.sql`CAST(${Number(after[index])} AS int)`,
  );
  return Prisma.sql`(${Prisma.join(refs, ', ')}) ${op} (${Prisma.join(values, ', ')})`;
}

function keyPart(value: unknown, column: SortColumn): string | number {
  return column.type === 'timestamp' ? (value as Date).toISOString() : Number(value);
}

function stripHelperColumns(raw: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!key.startsWith('__')) row[key] = value;
  return row;
}
