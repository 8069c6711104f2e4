// Relay pagination in one place: cursors, list orders (which fix the cursor's shape), keyset
// conditions, connections and the loaders of child lists.
export { encodeCursor, decodeCursor, type CursorKey, type CursorPart, type CursorShape } from './cursor';
export { byId, byTimeThenId, keyOfRow, prismaOrderBy, shapeOf, type ListOrder, type SortColumn } from './order';
export { afterCursorSql, afterCursorWhere } from './keyset';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, parseChildPage, parsePage, type Page, type PageArgs } from './page';
export { toConnection, type Connection, type Edge, type PageInfo } from './connection';
export { pagesPerParent, type ChildListSource, type ParentPage } from './pages-per-parent';
export { childListLoader, pagedLoader, type PagedLoader } from './paged-loader';
