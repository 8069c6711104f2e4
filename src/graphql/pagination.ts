import { Kind, type GraphQLResolveInfo, type SelectionNode } from 'graphql';
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
  /** Whether the client selected `totalCount` (counting costs a scan; skipped when not asked). */
  withTotal?: boolean;
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

/**
 * What one part of a sort key is: a row id (a PostgreSQL `int`), or an instant (a `timestamp(3)`,
 * carried as the ISO string `Date#toISOString` makes).
 */
export type CursorPart = 'int' | 'timestamp';

/** A list's cursor shape: the types of its sort-key parts, in ORDER BY order. */
export type CursorShape = readonly CursorPart[];

/** The two shapes lists use: by id, or by an instant then id. */
export const BY_ID: CursorShape = ['int'];
export const BY_TIME_AND_ID: CursorShape = ['timestamp', 'int'];

const MAX_INT = 2_147_483_647;
/** `Date#toISOString` for years 0001 to 9999, the range every PostgreSQL timestamp cast accepts. */
const ISO_INSTANT = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A shape given by its length (1: by id, 2: by an instant then id), or the shape itself. */
function shapeOf(shape: number | CursorShape): CursorShape {
  if (typeof shape !== 'number') return shape;
  if (shape === 1) return BY_ID;
  if (shape === 2) return BY_TIME_AND_ID;
  throw new Error(`no cursor shape of length ${shape}; pass the parts' types`);
}

const validPart: Record<CursorPart, (part: unknown) => boolean> = {
  int: (part) => Number.isSafeInteger(part) && (part as number) >= 0 && (part as number) <= MAX_INT,
  // Only the exact form this module writes, so the database never sees a string it cannot cast.
  timestamp: (part) => {
    if (typeof part !== 'string' || !ISO_INSTANT.test(part)) return false;
    const date = new Date(part);
    return !Number.isNaN(date.getTime()) && date.toISOString() === part;
  },
};

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(CURSOR_PREFIX + JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * The sort key inside `cursor`, checked against the list's shape: every part must have its
 * type and range, so a forged or foreign cursor is BAD_USER_INPUT, never a database error.
 */
export function decodeCursor(cursor: string, shape: number | CursorShape): CursorKey {
  const parts = shapeOf(shape);
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  try {
    if (text.startsWith(CURSOR_PREFIX)) {
      const key: unknown = JSON.parse(text.slice(CURSOR_PREFIX.length));
      const valid =
        Array.isArray(key) && key.length === parts.length && key.every((part, index) => validPart[parts[index]!](part));
      if (valid) return key as CursorKey;
    }
  } catch {
    // fall through to the error below
  }
  throw badUserInput('after: not a cursor of this list', 'after');
}

/**
 * Validates `first` and `after`; `shape` is the list's cursor shape (or its length: 1 for lists
 * by id, 2 for lists by an instant then id).
 */
export function parsePage(args: PageArgs, shape: number | CursorShape = BY_ID): Page {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first: expected an integer from 0 to ${MAX_PAGE_SIZE}, got ${first}`, 'first');
  }
  return { first, after: args.after ? decodeCursor(args.after, shape) : null };
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

/**
 * Whether a connection field's selection asks for `totalCount` (directly or in a fragment on
 * it), so a child list only counts its rows when someone reads the count.
 */
export function selectsTotalCount(info: GraphQLResolveInfo): boolean {
  // graphql-js hands every parent of a list the same fieldNodes array: answer once per array.
  const known = totalCountSelected.get(info.fieldNodes);
  if (known !== undefined) return known;
  // Each fragment is looked into once: a document whose fragments spread each other many times
  // costs what its text costs, not the number of paths through it.
  const visited = new Set<string>();
  const visit = (selections: readonly SelectionNode[]): boolean =>
    selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === 'totalCount';
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet.selections);
      const name = selection.name.value;
      if (visited.has(name)) return false;
      visited.add(name);
      const fragment = info.fragments[name];
      return fragment ? visit(fragment.selectionSet.selections) : true;
    });
  const selected = info.fieldNodes.some((node) => (node.selectionSet ? visit(node.selectionSet.selections) : false));
  totalCountSelected.set(info.fieldNodes, selected);
  return selected;
}
const totalCountSelected = new WeakMap<GraphQLResolveInfo['fieldNodes'], boolean>();

/** `parsePage` for a child connection: also notes whether `totalCount` is selected. */
export function parseChildPage(args: PageArgs, info: GraphQLResolveInfo, shape: number | CursorShape = BY_ID): Page {
  return { ...parsePage(args, shape), withTotal: selectsTotalCount(info) };
}
