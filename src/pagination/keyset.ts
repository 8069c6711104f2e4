import { Prisma } from '../generated/prisma/client';
import type { CursorKey } from './cursor';
import type { ListOrder } from './order';

// "Strictly after the cursor" for keyset paging (page N costs what page 1 costs), written once
// for each way a list is read: a Prisma `where`, or a SQL condition.

const instant = (part: string | number) => new Date(String(part));

/** The Prisma condition: `(k0 op c0) OR (k0 = c0 AND k1 op c1) OR …`. */
export function afterCursorWhere(order: ListOrder, after: CursorKey | null): object {
  if (!after) return {};
  const op = order.direction === 'desc' ? 'lt' : 'gt';
  const values = order.columns.map((column, index) => (column.type === 'timestamp' ? instant(after[index]!) : Number(after[index])));
  const branches = order.columns.map((column, index) => {
    const equalBefore = Object.fromEntries(order.columns.slice(0, index).map((earlier, at) => [earlier.field, values[at]]));
    return { ...equalBefore, [column.field]: { [op]: values[index] } };
  });
  return branches.length === 1 ? branches[0]! : { OR: branches };
}

/**
 * The SQL row-value comparison `(k0, k1) < (c0, c1)` (`>` ascending). `columns` replaces the
 * order's own column expressions where a statement reads the key from another table.
 */
export function afterCursorSql(order: ListOrder, after: CursorKey | null, columns?: readonly string[]): Prisma.Sql {
  if (!after) return Prisma.sql`TRUE`;
  const op = Prisma.raw(order.direction === 'desc' ? '<' : '>');
  const refs = (columns ?? order.columns.map((column) => column.sql)).map((sql) => Prisma.raw(sql));
  const values = order.columns.map((column, index) =>
    column.type === 'timestamp' ? Prisma.sql`CAST(${String(after[index])} AS timestamp(3))` : Prisma.sql`CAST(${Number(after[index])} AS int)`,
  );
  return Prisma.sql`(${Prisma.join(refs, ', ')}) ${op} (${Prisma.join(values, ', ')})`;
}
