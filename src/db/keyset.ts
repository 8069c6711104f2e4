import type { CursorKey } from '../graphql/pagination';

/**
 * The Prisma condition "strictly after the cursor" for a list ordered by (`field`, id) in one
 * direction: keyset paging, so page N costs what page 1 costs.
 */
export function afterCursor(after: CursorKey | null, field: string, direction: 'asc' | 'desc') {
  if (!after) return {};
  const op = direction === 'desc' ? 'lt' : 'gt';
  const at = new Date(String(after[0]));
  const id = Number(after[1]);
  return { OR: [{ [field]: { [op]: at } }, { [field]: at, id: { [op]: id } }] };
}

/** The cursor key of a row in such a list. */
export const timeAndIdKey =
  <Row extends { id: number }>(field: keyof Row) =>
  (row: Row): CursorKey => [(row[field] as Date).toISOString(), row.id];
