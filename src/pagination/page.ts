import { Kind, type GraphQLResolveInfo, type SelectionNode } from 'graphql';
import { badUserInput } from '../errors';
import { decodeCursor, type CursorKey } from './cursor';
import { shapeOf, type ListOrder } from './order';

/** Relay page sizes: what `first` defaults to, and the most a client may ask for. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

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
  /** Whether the client selected a cursor (an edge's, or pageInfo's start or end): only then are the rows' sort keys read. */
  withCursors?: boolean;
}

/** Validates `first` and `after` against the list's order (which fixes the cursor's shape). */
export function parsePage(args: PageArgs, order: ListOrder): Page {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first: expected an integer from 0 to ${MAX_PAGE_SIZE}, got ${first}`, 'first');
  }
  return { first, after: args.after ? decodeCursor(args.after, shapeOf(order)) : null };
}

/** `parsePage` for a child connection: also notes whether `totalCount` and cursors are selected. */
export function parseChildPage(args: PageArgs, info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, order: ListOrder): Page {
  const { totalCount, cursors } = connectionSelection(info);
  return { ...parsePage(args, order), withTotal: totalCount, withCursors: cursors };
}

interface ConnectionSelection {
  totalCount: boolean;
  cursors: boolean;
}

const selectionsOf = new WeakMap<GraphQLResolveInfo['fieldNodes'], ConnectionSelection>();

/**
 * What of a connection field's selection costs a read: `totalCount` (a count), and cursors (an
 * edge's `cursor`, pageInfo's `startCursor` or `endCursor`: the rows' sort keys), so a child list
 * counts its rows and reads its keys only when someone reads them. A fragment the document does
 * not define counts as asking for everything.
 */
function connectionSelection(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): ConnectionSelection {
  // graphql-js hands every parent of a list the same fieldNodes array: answer once per array.
  const known = selectionsOf.get(info.fieldNodes);
  if (known) return known;
  const found: ConnectionSelection = { totalCount: false, cursors: false };
  // Each fragment is looked into once per level: a document whose fragments spread each other
  // many times costs what its text costs, not the number of paths through it.
  const visited = { connection: new Set<string>(), edge: new Set<string>(), pageInfo: new Set<string>() };
  const visit = (selections: readonly SelectionNode[], level: keyof typeof visited): void => {
    for (const selection of selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet.selections, level);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        if (visited[level].has(name)) continue;
        visited[level].add(name);
        const fragment = info.fragments[name];
        if (fragment) visit(fragment.selectionSet.selections, level);
        else found.totalCount = found.cursors = true;
        continue;
      }
      const field = selection.name.value;
      if (level === 'connection') {
        if (field === 'totalCount') found.totalCount = true;
        else if (field === 'edges' && selection.selectionSet) visit(selection.selectionSet.selections, 'edge');
        else if (field === 'pageInfo' && selection.selectionSet) visit(selection.selectionSet.selections, 'pageInfo');
      } else if (level === 'edge' ? field === 'cursor' : field === 'startCursor' || field === 'endCursor') {
        found.cursors = true;
      }
    }
  };
  for (const node of info.fieldNodes) if (node.selectionSet) visit(node.selectionSet.selections, 'connection');
  selectionsOf.set(info.fieldNodes, found);
  return found;
}
