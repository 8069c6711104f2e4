import type DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import type { PrismaClient } from '../generated/prisma/client';
import { newLoader } from '../graphql/batch';
import { toConnection, type Connection } from './connection';
import type { ListOrder } from './order';
import { parseChildPage, type Page, type PageArgs } from './page';
import { pagesPerParent, type ChildListSource, type ParentPage } from './pages-per-parent';

/**
 * Loaders of one page of a child list per parent, one loader per distinct paging arguments.
 * `Extra` are list arguments beyond paging (e.g. a status filter) that the read depends on.
 */
export interface PagedLoader<Row, Extra extends object = object> {
  (page: Page & Extra): DataLoader<number, ParentPage<Row>>;
  /** The connection of one parent: arguments checked against the order, all parents read at once. */
  connection(parentId: number, args: PageArgs, info: GraphQLResolveInfo, extra?: Extra): Promise<Connection<Row>>;
  /** Forgets every page read so far (after a write, so later reads see it). */
  clearAll(): void;
}

/**
 * Loaders of one page of a child list per parent id. Fields with the same paging arguments
 * share one loader, so all parents of a level are read in one statement.
 */
export function pagedLoader<Row, Extra extends object = object>(
  order: ListOrder,
  fetch: (parentIds: readonly number[], page: Page & Extra) => Promise<Map<number, ParentPage<Row>>>,
): PagedLoader<Row, Extra> {
  const loaders = new Map<string, DataLoader<number, ParentPage<Row>>>();
  const loaderFor = (page: Page & Extra) => {
    const argsKey = JSON.stringify(page);
    let loader = loaders.get(argsKey);
    if (!loader) {
      loader = newLoader(async (parentIds: readonly number[]) => {
        const pages = await fetch(parentIds, page);
        return parentIds.map((id) => pages.get(id) ?? { rows: [], keys: [], totalCount: 0 });
      });
      loaders.set(argsKey, loader);
    }
    return loader;
  };
  const connection = async (parentId: number, args: PageArgs, info: GraphQLResolveInfo, extra?: Extra) => {
    const page = { ...parseChildPage(args, info, order), ...extra } as Page & Extra;
    const parentPage = await loaderFor(page).load(parentId);
    return toConnection(parentPage.rows, page, (_, index) => parentPage.keys[index]!, parentPage.totalCount);
  };
  return Object.assign(loaderFor, { connection, clearAll: () => loaders.clear() });
}

/** A `pagedLoader` reading with `pagesPerParent` from the source the page's arguments select. */
export function childListLoader<Row, Extra extends object = object>(
  prisma: PrismaClient,
  order: ListOrder,
  sourceFor: (page: Page & Extra) => ChildListSource,
): PagedLoader<Row, Extra> {
  return pagedLoader<Row, Extra>(order, (parentIds, page) => pagesPerParent<Row>(prisma, sourceFor(page), order, parentIds, page));
}
