import { encodeCursor, type CursorKey } from './cursor';
import type { Page } from './page';

export interface Edge<T> {
  readonly cursor: string;
  readonly node: T;
}

export interface PageInfo {
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly startCursor: string | null;
  readonly endCursor: string | null;
}

/** A connection as resolvers hand it to GraphQL; `totalCount` may be computed on demand. */
export interface Connection<T> {
  edges: Array<Edge<T>>;
  pageInfo: PageInfo;
  totalCount: number | (() => Promise<number>);
}

type KeyOf<T> = (row: T, index: number) => CursorKey;

/** An edge whose cursor is encoded when (and only if) the operation reads it. */
class LazyEdge<T> implements Edge<T> {
  constructor(
    readonly node: T,
    private readonly index: number,
    private readonly keyOf: KeyOf<T>,
  ) {}

  get cursor(): string {
    return encodeCursor(this.keyOf(this.node, this.index));
  }
}

class LazyPageInfo<T> implements PageInfo {
  readonly hasPreviousPage = false;
  constructor(
    readonly hasNextPage: boolean,
    private readonly edges: ReadonlyArray<Edge<T>>,
  ) {}

  get startCursor(): string | null {
    return this.edges[0]?.cursor ?? null;
  }

  get endCursor(): string | null {
    return this.edges[this.edges.length - 1]?.cursor ?? null;
  }
}

/**
 * Builds a connection from rows fetched with `first + 1` as the limit: the extra row, if any,
 * only says that a next page exists. Cursors are encoded on demand: most operations read few.
 */
export function toConnection<T>(rows: readonly T[], page: Page, keyOf: KeyOf<T>, totalCount: Connection<T>['totalCount']): Connection<T> {
  const count = Math.min(rows.length, page.first);
  const edges = new Array<Edge<T>>(count);
  for (let index = 0; index < count; index++) edges[index] = new LazyEdge(rows[index]!, index, keyOf);
  return { edges, pageInfo: new LazyPageInfo(rows.length > page.first, edges), totalCount };
}
