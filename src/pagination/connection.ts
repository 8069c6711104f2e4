import { encodeCursor, type CursorKey } from './cursor';
import type { Page } from './page';

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** A connection as resolvers hand it to GraphQL; `totalCount` may be computed on demand. */
export interface Connection<T> {
  edges: Array<Edge<T>>;
  pageInfo: PageInfo;
  totalCount: number | (() => Promise<number>);
}

/**
 * Builds a connection from rows fetched with `first + 1` as the limit: the extra row, if any,
 * only says that a next page exists.
 */
export function toConnection<T>(
  rows: readonly T[],
  page: Page,
  keyOf: (row: T, index: number) => CursorKey,
  totalCount: Connection<T>['totalCount'],
): Connection<T> {
  const edges = rows.slice(0, page.first).map((node, index) => ({ cursor: encodeCursor(keyOf(node, index)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.first,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount,
  };
}
