import { badUserInput } from '../errors';

/** Relay page sizes: what `first` defaults to, and the most a client may ask for. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** The sort-key values of a row, in the order of the list's ORDER BY (always ending in id). */
export type CursorKey = Array<string | number>;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** Validated paging arguments: `after` decoded to the sort key it points past. */
export interface Page {
  first: number;
  after: CursorKey | null;
}

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

const CURSOR_PREFIX = 'c1:';

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(CURSOR_PREFIX + JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, keyLength: number): CursorKey {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  try {
    if (text.startsWith(CURSOR_PREFIX)) {
      const key: unknown = JSON.parse(text.slice(CURSOR_PREFIX.length));
      const valid =
        Array.isArray(key) &&
        key.length === keyLength &&
        key.every((part) => typeof part === 'string' || Number.isSafeInteger(part));
      if (valid) return key as CursorKey;
    }
  } catch {
    // fall through to the error below
  }
  throw badUserInput('after: not a cursor of this list', 'after');
}

/** Validates `first` and `after`; `keyLength` is how many sort-key parts this list's cursors hold. */
export function parsePage(args: PageArgs, keyLength = 1): Page {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first: expected an integer from 0 to ${MAX_PAGE_SIZE}, got ${first}`, 'first');
  }
  return { first, after: args.after ? decodeCursor(args.after, keyLength) : null };
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

/** The connection of one parent's page, as read by a `pagedLoader`. */
export function parentPageConnection<T>(page: Page, parentPage: { rows: T[]; keys: CursorKey[]; totalCount: number }) {
  return toConnection(parentPage.rows, page, (_, index) => parentPage.keys[index]!, parentPage.totalCount);
}
