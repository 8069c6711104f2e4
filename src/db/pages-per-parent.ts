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

type RawRow = Record<string, unknown> & { __parent: number; __total: bigint; __after: boolean };

/**
 * Reads one page of a child list for every parent in one SQL statement: a window function
 * numbers each parent's rows, so every parent gets its own `first + 1` rows after `after`,
 * however many parents there are. The same statement counts each parent's children.
 */
export async function pagesPerParent<Row>(
  prisma: PrismaClient,
  query: ChildListQuery,
  parentIds: readonly number[],
  page: Page,
): Promise<Map<number, ParentPage<Row>>> {
  const dir = Prisma.raw(query.direction === 'desc' ? 'DESC' : 'ASC');
  const keyColumns = query.sortKey.map((column, index) => Prisma.sql`${Prisma.raw(column.sql)} AS ${Prisma.raw(`"__k${index}"`)}`);
  const keyRefs = query.sortKey.map((_, index) => Prisma.raw(`base."__k${index}"`));
  const orderBy = Prisma.join(
    keyRefs.map((ref) => Prisma.sql`${ref} ${dir}`),
    ', ',
  );
  const innerRefs = query.sortKey.map((_, index) => Prisma.raw(`inner_base."__k${index}"`));
  const afterCondition = page.after ? cursorCondition(query, innerRefs, page.after) : Prisma.sql`TRUE`;
  const parent = Prisma.raw(query.parent);

  const rows = await prisma.$queryRaw<RawRow[]>`
    SELECT * FROM (
      SELECT base.*,
             row_number() OVER (PARTITION BY base."__parent", base."__after" ORDER BY ${orderBy}) AS "__rn",
             row_number() OVER (PARTITION BY base."__parent" ORDER BY ${orderBy}) AS "__rn_any"
      FROM (
        SELECT inner_base.*, ${afterCondition} AS "__after" FROM (
          SELECT ${query.select}, ${parent} AS "__parent", ${Prisma.join(keyColumns, ', ')},
                 count(*) OVER (PARTITION BY ${parent}) AS "__total"
          FROM ${query.from}
          WHERE ${parent} = ANY(${[...parentIds]}::int[]) AND ${query.where ?? Prisma.sql`TRUE`}
        ) inner_base
      ) base
    ) ranked
    WHERE ("__after" AND "__rn" <= ${page.first + 1}) OR "__rn_any" = 1
    ORDER BY "__parent", "__rn"`;

  const pages = new Map<number, ParentPage<Row>>();
  for (const parentId of parentIds) pages.set(parentId, { rows: [], keys: [], totalCount: 0 });
  for (const raw of rows) {
    const target = pages.get(raw.__parent)!;
    target.totalCount = Number(raw.__total);
    if (!raw.__after || (raw.__rn as bigint) > BigInt(page.first + 1)) continue;
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
