import type DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import type { Prisma } from '../generated/prisma/client';
import { jsonRowsOf, type ReadScope } from '../db/wire-rows';
import { batching, newLoader, type SelectionOf } from '../graphql/batch';
import type { CarriedRead } from '../graphql/carried-reads';
import { selectedColumns } from '../graphql/selected-fields';
import { columnSetKey, unionOfColumns, type ColumnSet, type LeanTable } from '../db/lean-table';
import { toConnection, type Connection } from './connection';
import type { ListOrder } from './order';
import { parseChildPage, type Page, type PageArgs } from './page';
import { keyOfPagedRow, pagesOf, pagesPerParent, pagesStatement, type ChildListSource, type ParentPage } from './pages-per-parent';

/** One parent's page, asked for with the columns its selection needs. */
export interface PageRequest {
  readonly parentId: number;
  readonly columns: ColumnSet;
}

/**
 * Loaders of one page of a child list per parent, one loader per distinct paging arguments.
 * `Extra` are list arguments beyond paging (e.g. a status filter) that the read depends on.
 */
export interface PagedLoader<Row, Extra extends object = object> {
  (page: Page & Extra): DataLoader<PageRequest, ParentPage<Row>, string>;
  /** The connection of one parent: arguments checked against the order, all parents read at once. */
  connection(parentId: number, args: PageArgs, info: GraphQLResolveInfo, extra?: Extra): Promise<Connection<Row>>;
  /**
   * The page of the parent row `parentIds` names, as a read its parent's statement carries
   * (null: not carried). Throws what `connection` would for invalid arguments.
   */
  carried(parentIds: Prisma.Sql, args: PageArgs, info: SelectionOf, extra?: Extra): CarriedRead | null;
  /** Forgets every page read so far (after a write, so later reads see it). */
  clearAll(): void;
}

const NODE_PATH = ['edges', 'node'] as const;

/**
 * Loaders of one page of a child list per parent id. Fields with the same paging arguments
 * share one loader, so all parents of a level are read in one statement, with the union of the
 * columns their selections need (a batch may hold keys of several fields).
 */
export function pagedLoader<Row, Extra extends object = object>(
  order: ListOrder,
  fetch: (parentIds: readonly number[], page: Page & Extra, columns: ColumnSet) => Promise<Map<number, ParentPage<Row>>>,
  table?: LeanTable,
  /** The `pagesStatement` of a page for a parent row of an enclosing statement (lean columns only), for carried reads. */
  carriedStatement?: (parentIds: Prisma.Sql, page: Page & Extra, columns: ReadonlySet<string>) => Prisma.Sql,
): PagedLoader<Row, Extra> {
  const loaders = new Map<string, DataLoader<PageRequest, ParentPage<Row>, string>>();
  const loaderFor = (page: Page & Extra) => {
    const argsKey = JSON.stringify(page);
    let loader = loaders.get(argsKey);
    if (!loader) {
      loader = newLoader(
        async (requests: readonly PageRequest[]) => {
          const pages = await fetch(
            requests.map((request) => request.parentId),
            page,
            unionOfColumns(requests.map((request) => request.columns)),
          );
          return requests.map((request) => pages.get(request.parentId) ?? { rows: [], totalCount: 0 });
        },
        (request) => `${request.parentId}:${columnSetKey(request.columns)}`,
      );
      loaders.set(argsKey, loader);
    }
    return loader;
  };
  const keyOf = (row: Row) => keyOfPagedRow(order, row as object);
  const pageOf = (args: PageArgs, info: SelectionOf, extra?: Extra) => ({ ...parseChildPage(args, info, order), ...extra }) as Page & Extra;
  const connection = async (parentId: number, args: PageArgs, info: GraphQLResolveInfo, extra?: Extra) => {
    const page = pageOf(args, info, extra);
    const columns = table ? selectedColumns(table, info, NODE_PATH) : null;
    const parentPage = await loaderFor(page).load({ parentId, columns });
    return toConnection(parentPage.rows, page, keyOf, parentPage.totalCount);
  };
  const carried = (parentIds: Prisma.Sql, args: PageArgs, info: SelectionOf, extra?: Extra): CarriedRead | null => {
    if (!table || !carriedStatement || !batching()) return null;
    const page = pageOf(args, info, extra);
    const columns = selectedColumns(table, info, NODE_PATH);
    if (columns === null) return null;
    return {
      key: `${JSON.stringify(page)}:${columnSetKey(columns)}`,
      sql: jsonRowsOf(carriedStatement(parentIds, page, columns)),
      answer: (parentId, rows) => {
        const parentPage = pagesOf<Row>(rows, [parentId], page).get(parentId)!;
        return toConnection(parentPage.rows, page, keyOf, parentPage.totalCount);
      },
    };
  };
  return Object.assign(loaderFor, { connection, carried, clearAll: () => loaders.clear() });
}

/**
 * A `pagedLoader` reading with `pagesPerParent` from the source the page's arguments select.
 * Given the child table's lean description, it reads only the columns the selection needs, in
 * their wire form; without it (or for a field the table does not know) the full row.
 */
export function childListLoader<Row, Extra extends object = object>(
  scope: ReadScope,
  order: ListOrder,
  sourceFor: (page: Page & Extra) => ChildListSource,
  table?: LeanTable,
): PagedLoader<Row, Extra> {
  // With the table: the page's source reading `columns`, in their wire form (null: full rows).
  const sourceWith = (page: Page & Extra, columns: ColumnSet): ChildListSource => {
    const source = sourceFor(page);
    return table ? { ...source, select: table.select(columns), columns } : source;
  };
  return pagedLoader<Row, Extra>(
    order,
    (parentIds, page, columns) => pagesPerParent<Row>(scope, sourceWith(page, columns), order, parentIds, page),
    table,
    table && ((parentIds, page, columns) => pagesStatement(sourceWith(page, columns), order, parentIds, page)),
  );
}
